# tests/frontend: libvfe, the test front-end that plays QEMU and a guest driver.
check_LIBRARIES += tests/frontend/libvfe.a
tests_frontend_libvfe_a_SOURCES = \
	tests/frontend/frontend.h \
	tests/frontend/frontend-private.h \
	tests/frontend/frontend.c \
	tests/frontend/message.c \
	tests/frontend/memory.c \
	tests/frontend/queue.c \
	tests/frontend/backend-channel.c \
	tests/frontend/host-notifier.c \
	tests/frontend/state.c

# What a test program linking libvfe needs besides it.
VFE_LIBS = tests/frontend/libvfe.a $(GLIB_LIBS)

check_PROGRAMS += tests/frontend/test-frontend
TESTS += tests/frontend/test-frontend
tests_frontend_test_frontend_SOURCES = tests/frontend/test-frontend.c
tests_frontend_test_frontend_LDADD = $(VFE_LIBS)
tests_frontend_test_frontend_DEPENDENCIES = tests/frontend/libvfe.a
