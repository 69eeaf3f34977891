# tests/input: unit tests of the virtio-input device, integration through the test front-end.
INPUT_TEST_LDADD = src/input/libvdinput.a src/daemon/libdaemon.a $(GLIB_LIBS) $(SECCOMP_LIBS)
INPUT_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DINPUT_TEST_DATA=\"$(abs_top_srcdir)/tests/data/input\"

input_unit_tests = \
	tests/input/test-config \
	tests/input/test-event-queue \
	tests/input/test-desc \
	tests/input/test-control \
	tests/input/test-contacts \
	tests/input/test-evdev \
	tests/input/test-libinput
check_PROGRAMS += $(input_unit_tests)
TESTS += $(input_unit_tests)

tests_input_test_config_SOURCES = tests/input/test-config.c
tests_input_test_config_CPPFLAGS = $(INPUT_TEST_CPPFLAGS)
tests_input_test_config_LDADD = $(INPUT_TEST_LDADD)
tests_input_test_event_queue_SOURCES = tests/input/test-event-queue.c
tests_input_test_event_queue_CPPFLAGS = $(INPUT_TEST_CPPFLAGS)
tests_input_test_event_queue_LDADD = $(INPUT_TEST_LDADD)
tests_input_test_desc_SOURCES = tests/input/test-desc.c
tests_input_test_desc_CPPFLAGS = $(INPUT_TEST_CPPFLAGS)
tests_input_test_desc_LDADD = $(INPUT_TEST_LDADD)
tests_input_test_control_SOURCES = tests/input/test-control.c
tests_input_test_control_CPPFLAGS = $(INPUT_TEST_CPPFLAGS)
tests_input_test_control_LDADD = $(INPUT_TEST_LDADD)
tests_input_test_contacts_SOURCES = tests/input/test-contacts.c
tests_input_test_contacts_CPPFLAGS = $(INPUT_TEST_CPPFLAGS)
tests_input_test_contacts_LDADD = $(INPUT_TEST_LDADD)
tests_input_test_evdev_SOURCES = tests/input/test-evdev.c
tests_input_test_evdev_CPPFLAGS = $(INPUT_TEST_CPPFLAGS)
tests_input_test_evdev_LDADD = $(INPUT_TEST_LDADD)
tests_input_test_libinput_SOURCES = tests/input/test-libinput.c
tests_input_test_libinput_CPPFLAGS = $(INPUT_TEST_CPPFLAGS)
tests_input_test_libinput_LDADD = $(INPUT_TEST_LDADD) $(LIBINPUT_LIBS) $(UDEV_LIBS)

EXTRA_DIST += tests/data/input

# The daemon through the test front-end (libvfe) and its D-Bus control socket.
check_PROGRAMS += tests/input/test-integration
TESTS += tests/input/test-integration
tests_input_test_integration_SOURCES = tests/input/test-integration.c tests/notify-stats.h
tests_input_test_integration_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_input_test_integration_LDADD = $(VFE_LIBS)
EXTRA_tests_input_test_integration_DEPENDENCIES = src/vhost-desktop-input

# The exact messages about device options, --seat without devices.
TESTS += tests/input/option-errors.sh
EXTRA_DIST += tests/input/option-errors.sh

# End to end in a QEMU 10 guest, on the harness of tests/e2e (lib.sh).
TESTS += tests/e2e/input.sh
EXTRA_DIST += tests/e2e/input.sh tests/input/guest-absinfo.c

# contrib/bench-input: latency and throughput figures, built by make, not a test.
noinst_PROGRAMS += contrib/bench-input
contrib_bench_input_SOURCES = contrib/bench-input.c
contrib_bench_input_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/frontend \
	-DBENCH_DAEMON=\"$(abs_top_builddir)/src/vhost-desktop-input\"
contrib_bench_input_LDADD = tests/frontend/libvfe.a $(GLIB_LIBS)
