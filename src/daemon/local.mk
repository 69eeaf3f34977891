noinst_LIBRARIES += src/daemon/libdaemon.a
src_daemon_libdaemon_a_SOURCES = \
	src/daemon/daemon.h \
	src/daemon/daemon.c \
	src/daemon/dbus-peer.c \
	src/daemon/error.c \
	src/daemon/error.h \
	src/daemon/dbus-peer.h \
	src/daemon/listen.c \
	src/daemon/listen.h \
	src/daemon/log.c \
	src/daemon/log.h \
	src/daemon/sandbox.c \
	src/daemon/sandbox.h
