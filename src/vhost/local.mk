noinst_LIBRARIES += src/vhost/libvhost.a
src_vhost_libvhost_a_SOURCES = \
	src/vhost/protocol.h \
	src/vhost/vhost.h \
	src/vhost/vhost-private.h \
	src/vhost/fault.h \
	src/vhost/fault.c \
	src/vhost/names.c \
	src/vhost/iov.c \
	src/vhost/memory.c \
	src/vhost/iotlb.c \
	src/vhost/dirty-log.c \
	src/vhost/virtqueue.c \
	src/vhost/inflight.c \
	src/vhost/host-notifier.c \
	src/vhost/backend-channel.c \
	src/vhost/message-io.c \
	src/vhost/device.c
src_vhost_libvhost_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
