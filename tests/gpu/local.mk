# tests/gpu: unit tests of the virtio-gpu device (in-process, fake guest RAM),
# the QEMU GPU socket against a socketpair peer, and integration through the
# test front-end.
GPU_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/src
GPU_TEST_CFLAGS = $(AM_CFLAGS) $(PIXMAN_CFLAGS) $(ZLIB_CFLAGS)
GPU_TEST_LDADD = src/gpu/libvdgpu.a src/virgl/libvdvirgl.a src/gpu/libvdgpuproto.a \
	src/daemon/libdaemon.a \
	src/vhost/libvhost.a $(VIRGL_LIB_LIBS) $(GLIB_LIBS) $(PIXMAN_LIBS) $(PNG_LIBS) \
	$(ZLIB_LIBS) $(SECCOMP_LIBS)

gpu_unit_tests = \
	tests/gpu/test-commands \
	tests/gpu/test-png \
	tests/gpu/test-qemu-socket \
	tests/gpu/test-random
check_PROGRAMS += $(gpu_unit_tests)
TESTS += $(gpu_unit_tests)

tests_gpu_test_commands_SOURCES = tests/gpu/test-commands.c tests/gpu/gpu-test.h
tests_gpu_test_commands_CPPFLAGS = $(GPU_TEST_CPPFLAGS)
tests_gpu_test_commands_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_test_commands_LDADD = $(GPU_TEST_LDADD)
tests_gpu_test_png_SOURCES = tests/gpu/test-png.c tests/gpu/png-decode.h
tests_gpu_test_png_CPPFLAGS = $(GPU_TEST_CPPFLAGS)
tests_gpu_test_png_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_test_png_LDADD = $(GPU_TEST_LDADD)
tests_gpu_test_qemu_socket_SOURCES = tests/gpu/test-qemu-socket.c tests/gpu/gpu-test.h
tests_gpu_test_qemu_socket_CPPFLAGS = $(GPU_TEST_CPPFLAGS)
tests_gpu_test_qemu_socket_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_test_qemu_socket_LDADD = $(GPU_TEST_LDADD)
tests_gpu_test_random_SOURCES = tests/gpu/test-random.c tests/gpu/gpu-test.h
tests_gpu_test_random_CPPFLAGS = $(GPU_TEST_CPPFLAGS)
tests_gpu_test_random_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_test_random_LDADD = $(GPU_TEST_LDADD)

# Integration: the daemon as a child process, driven by the test front-end.
check_PROGRAMS += tests/gpu/test-integration
TESTS += tests/gpu/test-integration
tests_gpu_test_integration_SOURCES = tests/gpu/test-integration.c tests/gpu/integration.c \
	tests/gpu/integration.h tests/gpu/png-decode.h tests/notify-stats.h
tests_gpu_test_integration_CPPFLAGS = $(GPU_TEST_CPPFLAGS) -I$(top_srcdir)/tests/frontend \
	-I$(top_srcdir)/tests \
	-DGPU_DAEMON=\"$(abs_top_builddir)/src/vhost-desktop-gpu\"
tests_gpu_test_integration_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_test_integration_LDADD = $(VFE_LIBS) $(GPU_TEST_LDADD)
tests_gpu_test_integration_DEPENDENCIES = tests/frontend/libvfe.a src/vhost-desktop-gpu

# The daemon with --virgl (llvmpipe): capsets, a 3D clear shown on both outputs, fences.
check_PROGRAMS += tests/gpu/test-virgl-integration
TESTS += tests/gpu/test-virgl-integration
tests_gpu_test_virgl_integration_SOURCES = tests/gpu/test-virgl-integration.c \
	tests/gpu/integration.c tests/gpu/integration.h tests/gpu/png-decode.h
tests_gpu_test_virgl_integration_CPPFLAGS = $(tests_gpu_test_integration_CPPFLAGS) \
	-I$(top_srcdir)/tests/virgl
tests_gpu_test_virgl_integration_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_test_virgl_integration_LDADD = $(tests_gpu_test_integration_LDADD)
tests_gpu_test_virgl_integration_DEPENDENCIES = $(tests_gpu_test_integration_DEPENDENCIES)

# End to end with QEMU 10 (uses tests/e2e's harness; VD_SKIP_E2E=1 skips it).
TESTS += tests/gpu/gpu-outputs.sh
EXTRA_DIST += tests/gpu/gpu-outputs.sh

# The command decoder's fuzz target: replayed over its corpus in every build,
# a libFuzzer program with --enable-fuzzing (clang).
check_PROGRAMS += tests/gpu/replay-commands
tests_gpu_replay_commands_SOURCES = tests/fuzz/standalone.c tests/gpu/fuzz-commands.c \
	tests/gpu/gpu-test.h
tests_gpu_replay_commands_CPPFLAGS = $(GPU_TEST_CPPFLAGS)
tests_gpu_replay_commands_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_replay_commands_LDADD = $(GPU_TEST_LDADD)
TESTS += tests/gpu/replay-commands.sh
EXTRA_DIST += tests/gpu/replay-commands.sh tests/gpu/make-seeds.py tests/gpu/corpus \
	tests/gpu/crashes

# The same with 3D on (llvmpipe): resources in virglrenderer, read back for displays.
check_PROGRAMS += tests/gpu/replay-commands-virgl
tests_gpu_replay_commands_virgl_SOURCES = $(tests_gpu_replay_commands_SOURCES)
tests_gpu_replay_commands_virgl_CPPFLAGS = $(GPU_TEST_CPPFLAGS) -DVD_FUZZ_VIRGL
tests_gpu_replay_commands_virgl_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_replay_commands_virgl_LDADD = $(GPU_TEST_LDADD)
TESTS += tests/gpu/replay-commands-virgl.sh
EXTRA_DIST += tests/gpu/replay-commands-virgl.sh tests/gpu/corpus-virgl tests/gpu/crashes-virgl

# The same with QEMU's GPU socket attached: what the guest makes us send is
# read back and checked by a peer playing QEMU (tests/gpu/qemu-peer.h).
check_PROGRAMS += tests/gpu/replay-commands-qemu
tests_gpu_replay_commands_qemu_SOURCES = $(tests_gpu_replay_commands_SOURCES) \
	tests/gpu/qemu-peer.h
tests_gpu_replay_commands_qemu_CPPFLAGS = $(GPU_TEST_CPPFLAGS) -DVD_FUZZ_QEMU
tests_gpu_replay_commands_qemu_CFLAGS = $(GPU_TEST_CFLAGS)
tests_gpu_replay_commands_qemu_LDADD = $(GPU_TEST_LDADD)
TESTS += tests/gpu/replay-commands-qemu.sh
EXTRA_DIST += tests/gpu/replay-commands-qemu.sh tests/gpu/crashes-qemu

if ENABLE_FUZZING
noinst_PROGRAMS += tests/gpu/fuzz-commands-qemu
tests_gpu_fuzz_commands_qemu_SOURCES = $(tests_gpu_fuzz_commands_SOURCES) tests/gpu/qemu-peer.h
tests_gpu_fuzz_commands_qemu_CPPFLAGS = $(GPU_TEST_CPPFLAGS) -DVD_FUZZ_QEMU
tests_gpu_fuzz_commands_qemu_CFLAGS = $(tests_gpu_fuzz_commands_CFLAGS)
tests_gpu_fuzz_commands_qemu_LDFLAGS = $(tests_gpu_fuzz_commands_LDFLAGS)
tests_gpu_fuzz_commands_qemu_LDADD = $(GPU_TEST_LDADD)
noinst_PROGRAMS += tests/gpu/fuzz-commands-virgl
tests_gpu_fuzz_commands_virgl_SOURCES = $(tests_gpu_fuzz_commands_SOURCES)
tests_gpu_fuzz_commands_virgl_CPPFLAGS = $(GPU_TEST_CPPFLAGS) -DVD_FUZZ_VIRGL
tests_gpu_fuzz_commands_virgl_CFLAGS = $(tests_gpu_fuzz_commands_CFLAGS)
tests_gpu_fuzz_commands_virgl_LDFLAGS = $(tests_gpu_fuzz_commands_LDFLAGS)
tests_gpu_fuzz_commands_virgl_LDADD = $(GPU_TEST_LDADD)
noinst_PROGRAMS += tests/gpu/fuzz-commands
tests_gpu_fuzz_commands_SOURCES = tests/gpu/fuzz-commands.c tests/gpu/gpu-test.h
tests_gpu_fuzz_commands_CPPFLAGS = $(GPU_TEST_CPPFLAGS)
tests_gpu_fuzz_commands_CFLAGS = $(GPU_TEST_CFLAGS) $(FUZZ_CFLAGS)
tests_gpu_fuzz_commands_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_gpu_fuzz_commands_LDADD = $(GPU_TEST_LDADD)
endif
