# The echo test device, its daemon, and the back-end library's tests.
check_LIBRARIES += tests/vhost/libecho.a
tests_vhost_libecho_a_SOURCES = tests/vhost/echo-device.c tests/vhost/echo-device.h
tests_vhost_libecho_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)

check_PROGRAMS += tests/vhost/echo-daemon tests/vhost/test-vhost
tests_vhost_echo_daemon_SOURCES = tests/vhost/echo-daemon.c
tests_vhost_echo_daemon_LDADD = tests/vhost/libecho.a src/daemon/libdaemon.a \
	src/vhost/libvhost.a $(GLIB_LIBS) $(SECCOMP_LIBS)

tests_vhost_test_vhost_SOURCES = tests/vhost/test-vhost.c
tests_vhost_test_vhost_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_vhost_test_vhost_LDADD = tests/frontend/libvfe.a $(GLIB_LIBS)
TESTS += tests/vhost/test-vhost

check_PROGRAMS += tests/vhost/test-fault
TESTS += tests/vhost/test-fault
tests_vhost_test_fault_SOURCES = tests/vhost/test-fault.c
tests_vhost_test_fault_LDADD = src/vhost/libvhost.a $(GLIB_LIBS)

check_PROGRAMS += tests/vhost/test-host-notifier
TESTS += tests/vhost/test-host-notifier
tests_vhost_test_host_notifier_SOURCES = tests/vhost/test-host-notifier.c
tests_vhost_test_host_notifier_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_vhost_test_host_notifier_LDADD = tests/frontend/libvfe.a $(GLIB_LIBS)
