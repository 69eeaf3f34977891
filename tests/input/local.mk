# tests/input: unit tests of the virtio-input device, integration through the test front-end.
INPUT_TEST_LDADD = src/input/libvdinput.a $(GLIB_LIBS)
INPUT_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DINPUT_TEST_DATA=\"$(abs_top_srcdir)/tests/data/input\"

input_unit_tests = \
	tests/input/test-config \
	tests/input/test-event-queue \
	tests/input/test-desc
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

EXTRA_DIST += tests/data/input
