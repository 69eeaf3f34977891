# tests/wire: our wire structs and numbers against the kernel's UAPI headers and the
# specifications. The reference is a library of its own, built without src/ on the
# include path, so it cannot see the definitions it checks.
check_LIBRARIES += tests/wire/libwireref.a
tests_wire_libwireref_a_SOURCES = tests/wire/reference.c tests/wire/wire.h
tests_wire_libwireref_a_CPPFLAGS = -I$(top_builddir)

check_PROGRAMS += tests/wire/test-wire
TESTS += tests/wire/test-wire
tests_wire_test_wire_SOURCES = tests/wire/test-wire.c tests/wire/ours.c tests/wire/wire.h
tests_wire_test_wire_CFLAGS = $(AM_CFLAGS) $(PIXMAN_CFLAGS)
tests_wire_test_wire_LDADD = tests/wire/libwireref.a $(GLIB_LIBS)
