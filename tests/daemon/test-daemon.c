/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared daemon plumbing, through the echo daemon: how a user starts it
 * (options, errors), how libvirt (--fd) and systemd (socket activation,
 * readiness) start it, and how it stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/frontend.h"

static char *echo_daemon;

/* Runs the daemon to completion; returns its wait status and its stdout/stderr. */
static int
run_daemon(const char *const *args, char **out, char **err)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	int status = -1;

	g_ptr_array_add(argv, echo_daemon);
	for (unsigned int i = 0; args[i]; i++)
		g_ptr_array_add(argv, (char *)args[i]);
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	                           out, err, &status, &error));
	g_assert_no_error(error);
	return status;
}

static void
test_print_capabilities(void)
{
	const char *args[] = { "--print-capabilities", NULL };
	g_autofree char *out = NULL, *err = NULL;
	int status = run_daemon(args, &out, &err);

	g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	g_assert_cmpstr(out, ==, "{\"type\":\"echo\",\"features\":[]}\n");
}

static void
assert_refused(const char *const *args, const char *message_part)
{
	g_autofree char *out = NULL, *err = NULL;
	int status = run_daemon(args, &out, &err);

	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), !=, 0);
	g_assert_nonnull(strstr(err, message_part));
}

static void
test_usage_errors(void)
{
	const char *none[] = { NULL };
	const char *both[] = { "--socket-path=/tmp/x", "--fd=0", NULL };
	const char *not_socket[] = { "--fd=0", NULL };
	const char *bad_dir[] = { "--socket-path=/nonexistent/dir/sock", NULL };
	const char *unknown[] = { "--frobnicate", NULL };

	assert_refused(none, "--socket-path=PATH or --fd=FD");
	assert_refused(both, "cannot be used together");
	assert_refused(not_socket, "not an open stream socket");
	assert_refused(bad_dir, "/nonexistent/dir/sock");
	assert_refused(unknown, "frobnicate");
}

static void
test_fd_exits_with_frontend(void)
{
	const char *argv[] = { echo_daemon, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = vfe_spawn_fd(argv, &error);
	int status;

	g_assert_no_error(error);
	g_assert_cmpint(vfe_negotiate(fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX), ==, 0);
	/* libvirt's way: the daemon lives as long as its one connection. */
	vfe_disconnect(fe);
	status = vfe_child_wait(fe, 3000);
	g_assert_cmpint(status, >=, 0);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void
test_sigterm(void)
{
	const char *argv[] = { echo_daemon, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = vfe_spawn(argv, &error);
	g_autofree char *path = NULL;
	int status;

	g_assert_no_error(error);
	path = g_strdup(vfe_socket_path(fe));
	g_assert_cmpint(vfe_negotiate(fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX), ==, 0);
	g_assert_cmpint(kill(vfe_child_pid(fe), SIGTERM), ==, 0);
	/* A clean, prompt exit, and the socket file goes with the daemon. */
	status = vfe_child_wait(fe, 2000);
	g_assert_cmpint(status, >=, 0);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void
test_socket_in_use(void)
{
	const char *argv[] = { echo_daemon, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = vfe_spawn(argv, &error);
	g_autofree char *arg = NULL;

	g_assert_no_error(error);
	arg = g_strdup_printf("--socket-path=%s", vfe_socket_path(fe));
	/* A second daemon must not steal a live socket. */
	const char *args[] = { arg, NULL };
	assert_refused(args, "another process is serving this socket");
	g_assert_cmpint(vfe_negotiate(fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX), ==, 0);
}

static int
bind_unix(int type, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
	if (type == SOCK_STREAM)
		g_assert_cmpint(listen(fd, 4), ==, 0);
	return fd;
}

typedef struct Activation {
	int listen_fd;
	const char *notify;
} Activation;

static void
activation_child_setup(gpointer data)
{
	const Activation *a = data;
	char pid[32];

	/* What systemd does: the socket as fd 3, LISTEN_PID naming the daemon itself. */
	if (a->listen_fd == 3)
		fcntl(3, F_SETFD, 0); /* dup2 onto itself would keep close-on-exec */
	else
		dup2(a->listen_fd, 3);
	setenv("NOTIFY_SOCKET", a->notify, 1);
	g_snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", "1", 1);
}

static void
test_socket_activation(void)
{
	g_autofree char *dir = g_dir_make_tmp("vd-activation-XXXXXX", NULL);
	g_autofree char *sock = g_build_filename(dir, "echo.sock", NULL);
	g_autofree char *notify = g_build_filename(dir, "notify", NULL);
	g_autoptr(GError) error = NULL;
	char *argv[] = { echo_daemon, NULL };
	char buf[64] = { 0 };
	int listen_fd = bind_unix(SOCK_STREAM, sock);
	int notify_fd = bind_unix(SOCK_DGRAM, notify);
	Activation activation = { listen_fd, notify };
	GPid pid;
	int status;

	/* No envp: the child's environment is what child_setup leaves in environ. */
	g_assert_true(g_spawn_async(NULL, argv, NULL,
	                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_LEAVE_DESCRIPTORS_OPEN,
	                            activation_child_setup, &activation, &pid, &error));
	g_assert_no_error(error);
	close(listen_fd);
	/* Readiness comes once the daemon serves the socket systemd gave it. */
	struct timeval tv = { 5, 0 };
	setsockopt(notify_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	g_assert_cmpint(recv(notify_fd, buf, sizeof(buf) - 1, 0), >, 0);
	g_assert_cmpstr(buf, ==, "READY=1");
	{
		g_autoptr(VfeFrontend) fe = vfe_connect_path(sock, 3000, &error);
		g_assert_no_error(error);
		g_assert_cmpint(vfe_negotiate(fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX),
		                ==, 0);
		/* Reconnecting is served too: the socket belongs to systemd, not one client. */
		vfe_disconnect(fe);
		g_assert_cmpint(vfe_reconnect(fe, 3000), ==, 0);
		g_assert_cmpint(vfe_negotiate(fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX),
		                ==, 0);
	}
	kill(pid, SIGTERM);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	memset(buf, 0, sizeof(buf));
	g_assert_cmpint(recv(notify_fd, buf, sizeof(buf) - 1, 0), >, 0);
	g_assert_cmpstr(buf, ==, "STOPPING=1");
	/* systemd's socket file stays for the next activation. */
	g_assert_true(g_file_test(sock, G_FILE_TEST_EXISTS));
	close(notify_fd);
	unlink(sock);
	unlink(notify);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	echo_daemon = vfe_built_path("tests/vhost/echo-daemon");
	g_test_add_func("/daemon/print-capabilities", test_print_capabilities);
	g_test_add_func("/daemon/usage-errors", test_usage_errors);
	g_test_add_func("/daemon/fd-exits-with-frontend", test_fd_exits_with_frontend);
	g_test_add_func("/daemon/sigterm", test_sigterm);
	g_test_add_func("/daemon/socket-in-use", test_socket_in_use);
	g_test_add_func("/daemon/socket-activation", test_socket_activation);
	return g_test_run();
}
