noinst_LIBRARIES += src/daemon/libdaemon.a
src_daemon_libdaemon_a_SOURCES = \
	src/daemon/daemon.h \
	src/daemon/daemon.c \
	src/daemon/listen.c \
	src/daemon/listen.h
