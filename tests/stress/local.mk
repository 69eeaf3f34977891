# tests/stress: the library and both daemons under a driver with varied timing
# (see tests/stress/test-stress.c; VD_STRESS_REQUESTS for a longer run).
check_PROGRAMS += tests/stress/test-stress
TESTS += tests/stress/test-stress
tests_stress_test_stress_SOURCES = tests/stress/test-stress.c tests/stress/driver.c \
	tests/stress/driver.h
tests_stress_test_stress_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_stress_test_stress_LDADD = $(VFE_LIBS)
EXTRA_tests_stress_test_stress_DEPENDENCIES = tests/vhost/echo-daemon src/vhost-desktop-gpu \
	src/vhost-desktop-input
