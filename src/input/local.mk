# src/input: the virtio-input device and its sources; src/input-main.c is the daemon.
noinst_LIBRARIES += src/input/libvdinput.a
src_input_libvdinput_a_SOURCES = \
	src/input/desc.h \
	src/input/desc.c \
	src/input/config.h \
	src/input/config.c \
	src/input/virtual.h \
	src/input/virtual.c \
	src/input/event-queue.h \
	src/input/event-queue.c
src_input_libvdinput_a_CFLAGS = $(AM_CFLAGS) $(LIBINPUT_CFLAGS) $(UDEV_CFLAGS)
