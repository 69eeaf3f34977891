# Fuzz targets. Under --enable-fuzzing (clang) they are libFuzzer programs;
# in every build, replay-* runs the saved corpus and crash reproducers through
# the same entry points as part of make check.
FUZZ_LDADD = tests/vhost/libecho.a src/daemon/libdaemon.a src/vhost/libvhost.a $(GLIB_LIBS) \
	$(SECCOMP_LIBS)
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests

check_PROGRAMS += tests/fuzz/replay-message tests/fuzz/replay-virtqueue
tests_fuzz_replay_message_SOURCES = tests/fuzz/standalone.c tests/fuzz/fuzz-message.c \
	tests/fuzz/fuzz-common.h
tests_fuzz_replay_message_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_message_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_replay_message_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_virtqueue_SOURCES = tests/fuzz/standalone.c tests/fuzz/fuzz-virtqueue.c \
	tests/fuzz/fuzz-common.h
tests_fuzz_replay_virtqueue_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_virtqueue_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_replay_virtqueue_LDADD = $(FUZZ_LDADD)
TESTS += tests/fuzz/replay-message.sh tests/fuzz/replay-virtqueue.sh
EXTRA_DIST += tests/fuzz/make-seeds.py tests/fuzz/run-corpus.sh tests/fuzz/replay-message.sh \
	tests/fuzz/replay-virtqueue.sh tests/fuzz/corpus tests/fuzz/crashes

if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-message tests/fuzz/fuzz-virtqueue
tests_fuzz_fuzz_message_SOURCES = tests/fuzz/fuzz-message.c tests/fuzz/fuzz-common.h \
	tests/vhost/echo-device.c
tests_fuzz_fuzz_message_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_message_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_message_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_message_LDADD = src/vhost/libvhost.a $(GLIB_LIBS)
tests_fuzz_fuzz_virtqueue_SOURCES = tests/fuzz/fuzz-virtqueue.c tests/fuzz/fuzz-common.h \
	tests/vhost/echo-device.c
tests_fuzz_fuzz_virtqueue_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_virtqueue_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)
tests_fuzz_fuzz_virtqueue_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_virtqueue_LDADD = src/vhost/libvhost.a $(GLIB_LIBS)
endif
