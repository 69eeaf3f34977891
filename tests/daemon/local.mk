# The shared daemon plumbing, tested through the echo daemon.
check_PROGRAMS += tests/daemon/test-daemon
tests_daemon_test_daemon_SOURCES = tests/daemon/test-daemon.c
tests_daemon_test_daemon_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_daemon_test_daemon_LDADD = tests/frontend/libvfe.a $(GLIB_LIBS)
TESTS += tests/daemon/test-daemon
# Messages reach the journal when stderr is /dev/null (libvirt).
TESTS += tests/daemon/journal.sh tests/daemon/socket-errors.sh tests/daemon/sandbox.sh
EXTRA_DIST += tests/daemon/journal.sh tests/daemon/socket-errors.sh tests/daemon/sandbox.sh
# The exact messages about the options both daemons share.
TESTS += tests/daemon/option-errors.sh
EXTRA_DIST += tests/daemon/option-errors.sh
