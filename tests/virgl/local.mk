# tests/virgl: the 3D module against the real virglrenderer on llvmpipe
# (surfaceless EGL; skips only where Mesa's EGL is missing), its decoder's
# fuzz target (replayed over the corpus in every build) and a benchmark.
VIRGL_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/virgl
VIRGL_TEST_CFLAGS = $(AM_CFLAGS)
VIRGL_TEST_LDADD = src/virgl/libvdvirgl.a src/gpu/libvdgpuproto.a src/daemon/libdaemon.a \
	src/vhost/libvhost.a $(SECCOMP_LIBS) \
	$(VIRGL_LIB_LIBS)
# Under --enable-fuzzing the library carries coverage and sanitizer calls.
if ENABLE_FUZZING
VIRGL_TEST_LINK = $(FUZZ_CFLAGS)
else
VIRGL_TEST_LINK =
endif

check_PROGRAMS += tests/virgl/test-virgl
TESTS += tests/virgl/test-virgl
tests_virgl_test_virgl_SOURCES = tests/virgl/test-virgl.c tests/virgl/virgl-test.h
tests_virgl_test_virgl_CPPFLAGS = $(VIRGL_TEST_CPPFLAGS)
tests_virgl_test_virgl_CFLAGS = $(VIRGL_TEST_CFLAGS)
tests_virgl_test_virgl_LDADD = $(VIRGL_TEST_LDADD)
tests_virgl_test_virgl_LDFLAGS = $(VIRGL_TEST_LINK)

# Fences/s and a 1920x1080 clear+readback loop: BUILD/tests/virgl/bench-virgl
noinst_PROGRAMS += tests/virgl/bench-virgl
tests_virgl_bench_virgl_SOURCES = tests/virgl/bench-virgl.c tests/virgl/virgl-test.h
tests_virgl_bench_virgl_CPPFLAGS = $(VIRGL_TEST_CPPFLAGS)
tests_virgl_bench_virgl_CFLAGS = $(VIRGL_TEST_CFLAGS)
tests_virgl_bench_virgl_LDADD = $(VIRGL_TEST_LDADD)
tests_virgl_bench_virgl_LDFLAGS = $(VIRGL_TEST_LINK)

check_PROGRAMS += tests/virgl/replay-commands
tests_virgl_replay_commands_SOURCES = tests/fuzz/standalone.c tests/virgl/fuzz-commands.c \
	tests/virgl/virgl-test.h
tests_virgl_replay_commands_CPPFLAGS = $(VIRGL_TEST_CPPFLAGS) -I$(top_srcdir)/tests/fuzz
tests_virgl_replay_commands_CFLAGS = $(VIRGL_TEST_CFLAGS)
tests_virgl_replay_commands_LDADD = $(VIRGL_TEST_LDADD)
tests_virgl_replay_commands_LDFLAGS = $(VIRGL_TEST_LINK)
TESTS += tests/virgl/replay-commands.sh
EXTRA_DIST += tests/virgl/replay-commands.sh tests/virgl/make-seeds.py tests/virgl/corpus \
	tests/virgl/crashes

if ENABLE_FUZZING
noinst_PROGRAMS += tests/virgl/fuzz-commands
tests_virgl_fuzz_commands_SOURCES = tests/virgl/fuzz-commands.c tests/virgl/virgl-test.h
tests_virgl_fuzz_commands_CPPFLAGS = $(VIRGL_TEST_CPPFLAGS) -I$(top_srcdir)/tests/fuzz
tests_virgl_fuzz_commands_CFLAGS = $(VIRGL_TEST_CFLAGS) $(FUZZ_CFLAGS)
tests_virgl_fuzz_commands_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_virgl_fuzz_commands_LDADD = $(VIRGL_TEST_LDADD)
endif
