/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfe: creating front-ends, connecting to back-ends and managing the
 * back-end process.
 */
#define G_LOG_DOMAIN "vfe"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend-private.h"

#define VFE_SPAWN_CONNECT_TIMEOUT_MS 5000
#define VFE_TERM_GRACE_MS 2000
/* The fd number a back-end started with vfe_spawn_fd() finds its socket on. */
#define VFE_CHILD_SOCKET_FD 3

static VfeFrontend *
vfe_alloc_frontend(void)
{
	VfeFrontend *fe = g_new0(VfeFrontend, 1);

	fe->fd = -1;
	fe->timeout_ms = VFE_DEFAULT_TIMEOUT_MS;
	fe->child_status = -1;
	fe->bc_fd = -1;
	fe->bc_stop_fd = -1;
	fe->notifier_fd = 0;
	fe->log_fd = -1;
	fe->inflight_fd = -1;
	fe->reply_ack = true;
	g_mutex_init(&fe->send_lock);
	g_mutex_init(&fe->bc_lock);
	g_mutex_init(&fe->notifier_lock);
	g_cond_init(&fe->bc_cond);
	fe->iotlb_map = g_array_new(FALSE, TRUE, sizeof(VfeIotlbEntry));
	for (unsigned int i = 0; i < VFE_MAX_QUEUES; i++) {
		fe->queues[i].kick_fd = -1;
		fe->queues[i].call_fd = -1;
		fe->queues[i].err_fd = -1;
	}
	return fe;
}

VfeFrontend *
vfe_new_from_fd(int fd)
{
	VfeFrontend *fe = vfe_alloc_frontend();

	fe->fd = fd;
	return fe;
}

/* Non-blocking reap: true once the child is gone (status recorded). */
static bool
vfe_child_reap(VfeFrontend *fe)
{
	int status;
	pid_t r;

	if (fe->pid <= 0)
		return true;
	do {
		r = waitpid(fe->pid, &status, WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	if (r < 0)
		status = -1;
	g_debug("back-end pid %d exited, wait status 0x%x", (int)fe->pid, (unsigned int)status);
	fe->child_status = status;
	fe->pid = 0;
	return true;
}

static int
vfe_connect_once(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * Retries while the socket does not exist or refuses; gives up early if our
 * child died, since then nobody will ever listen.
 */
static int
vfe_connect_retry(VfeFrontend *fe, const char *path, int timeout_ms)
{
	gint64 deadline = vfe_deadline(timeout_ms);
	int fd;

	for (;;) {
		fd = vfe_connect_once(path);
		if (fd >= 0)
			return fd;
		if (fd != -ENOENT && fd != -ECONNREFUSED && fd != -EAGAIN)
			return fd;
		if (fe && fe->pid > 0 && vfe_child_reap(fe))
			return -ECHILD;
		if (g_get_monotonic_time() >= deadline)
			return -ETIMEDOUT;
		g_usleep(10 * 1000);
	}
}

static char **
vfe_build_argv(char **argv, const char *extra)
{
	GPtrArray *a = g_ptr_array_new();

	for (char **p = argv; *p; p++)
		g_ptr_array_add(a, g_strdup(*p));
	g_ptr_array_add(a, g_strdup(extra));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/*
 * Runs in the child between fork and exec: a back-end must not outlive a
 * test that crashed or aborted, or it would keep make's output pipe open.
 */
static void
vfe_child_setup(gpointer data)
{
	pid_t parent = (pid_t)GPOINTER_TO_INT(data);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
}

static gboolean
vfe_start_child(VfeFrontend *fe, int child_fd, GError **error)
{
	g_autofree char *extra = NULL;
	g_auto(GStrv) full = NULL;
	int source_fds[1] = { child_fd };
	int target_fds[1] = { VFE_CHILD_SOCKET_FD };
	GPid pid;

	if (child_fd >= 0)
		extra = g_strdup_printf("--fd=%d", VFE_CHILD_SOCKET_FD);
	else
		extra = g_strdup_printf("--socket-path=%s", fe->sock_path);
	full = vfe_build_argv(fe->argv, extra);
	if (!g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)full, NULL,
	                                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
	                                      vfe_child_setup, GINT_TO_POINTER((int)getpid()), -1,
	                                      -1, -1, child_fd >= 0 ? source_fds : NULL,
	                                      child_fd >= 0 ? target_fds : NULL,
	                                      child_fd >= 0 ? 1 : 0, &pid, NULL, NULL, NULL, error))
		return FALSE;
	fe->pid = pid;
	fe->child_status = -1;
	g_debug("started back-end %s as pid %d", full[0], (int)pid);
	return TRUE;
}

static gboolean
vfe_connect_child(VfeFrontend *fe, GError **error)
{
	int fd = vfe_connect_retry(fe, fe->sock_path, VFE_SPAWN_CONNECT_TIMEOUT_MS);

	if (fd == -ECHILD) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
		            "back-end %s exited (wait status 0x%x) before listening on %s",
		            fe->argv[0], (unsigned int)fe->child_status, fe->sock_path);
		return FALSE;
	}
	if (fd < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-fd),
		            "cannot connect to back-end %s at %s: %s", fe->argv[0], fe->sock_path,
		            g_strerror(-fd));
		return FALSE;
	}
	fe->fd = fd;
	return TRUE;
}

char *
vfe_built_path(const char *relative)
{
	const char *top = g_getenv("top_builddir");

	return g_build_filename(top ? top : ".", relative, NULL);
}

VfeFrontend *
vfe_spawn(const char *const *argv, GError **error)
{
	g_autoptr(VfeFrontend) fe = vfe_alloc_frontend();

	g_return_val_if_fail(argv && argv[0], NULL);
	fe->argv = g_strdupv((char **)argv);
	fe->tmpdir = g_dir_make_tmp("vfe-XXXXXX", error);
	if (!fe->tmpdir)
		return NULL;
	fe->sock_path = g_build_filename(fe->tmpdir, "sock", NULL);
	if (!vfe_start_child(fe, -1, error) || !vfe_connect_child(fe, error))
		return NULL;
	return g_steal_pointer(&fe);
}

VfeFrontend *
vfe_spawn_fd(const char *const *argv, GError **error)
{
	g_autoptr(VfeFrontend) fe = vfe_alloc_frontend();
	int sv[2];
	gboolean ok;

	g_return_val_if_fail(argv && argv[0], NULL);
	fe->argv = g_strdupv((char **)argv);
	fe->fd_mode = true;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		int err = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "socketpair: %s",
		            g_strerror(err));
		return NULL;
	}
	fe->fd = sv[0];
	ok = vfe_start_child(fe, sv[1], error);
	close(sv[1]);
	if (!ok)
		return NULL;
	return g_steal_pointer(&fe);
}

VfeFrontend *
vfe_connect_path(const char *path, int timeout_ms, GError **error)
{
	g_autoptr(VfeFrontend) fe = vfe_alloc_frontend();
	int fd;

	fe->sock_path = g_strdup(path);
	fd = vfe_connect_retry(NULL, path, vfe_timeout(fe, timeout_ms));
	if (fd < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-fd),
		            "cannot connect to %s: %s", path, g_strerror(-fd));
		return NULL;
	}
	fe->fd = fd;
	return g_steal_pointer(&fe);
}

void
vfe_set_timeout(VfeFrontend *fe, int timeout_ms)
{
	fe->timeout_ms = timeout_ms < 0 ? VFE_DEFAULT_TIMEOUT_MS : timeout_ms;
}

int
vfe_fd(VfeFrontend *fe)
{
	return fe->fd;
}

const char *
vfe_socket_path(VfeFrontend *fe)
{
	return fe->sock_path;
}

void
vfe_forget_negotiation(VfeFrontend *fe)
{
	fe->offered_features = 0;
	fe->features = 0;
	fe->offered_protocol = 0;
	fe->protocol = 0;
}

void
vfe_disconnect(VfeFrontend *fe)
{
	vfe_backend_channel_stop(fe);
	vfe_notifiers_remove_all(fe);
	g_mutex_lock(&fe->send_lock);
	if (fe->fd >= 0)
		close(fe->fd);
	fe->fd = -1;
	g_mutex_unlock(&fe->send_lock);
	vfe_forget_negotiation(fe);
}

int
vfe_reconnect(VfeFrontend *fe, int timeout_ms)
{
	int fd;

	if (fe->fd_mode || !fe->sock_path)
		return -ENOTSUP;
	vfe_disconnect(fe);
	fd = vfe_connect_retry(fe, fe->sock_path, vfe_timeout(fe, timeout_ms));
	if (fd < 0)
		return fd;
	fe->fd = fd;
	return 0;
}

int
vfe_wait_disconnect(VfeFrontend *fe, int timeout_ms)
{
	gint64 deadline = vfe_deadline(vfe_timeout(fe, timeout_ms));
	char buf[4096];

	if (fe->fd < 0)
		return 0;
	for (;;) {
		int r = vfe_poll_fd(fe->fd, POLLIN, deadline);
		ssize_t n;

		if (r < 0)
			return r;
		if (r == 0)
			return -ETIMEDOUT;
		/* Discard whatever arrives, fds included (recv drops SCM_RIGHTS by closing). */
		n = recv(fe->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			vfe_disconnect(fe);
			return 0;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
	}
}

GPid
vfe_child_pid(VfeFrontend *fe)
{
	return fe->pid;
}

int
vfe_child_wait(VfeFrontend *fe, int timeout_ms)
{
	gint64 deadline = vfe_deadline(vfe_timeout(fe, timeout_ms));

	if (fe->pid <= 0)
		return fe->child_status >= 0 ? fe->child_status : -ECHILD;
	for (;;) {
		if (vfe_child_reap(fe))
			return fe->child_status;
		if (g_get_monotonic_time() >= deadline)
			return -ETIMEDOUT;
		g_usleep(5 * 1000);
	}
}

int
vfe_child_terminate(VfeFrontend *fe)
{
	int r;

	if (fe->pid <= 0)
		return fe->child_status >= 0 ? fe->child_status : -ECHILD;
	kill(fe->pid, SIGTERM);
	r = vfe_child_wait(fe, VFE_TERM_GRACE_MS);
	if (r != -ETIMEDOUT)
		return r;
	g_warning("back-end pid %d ignored SIGTERM for %d ms, killing it", (int)fe->pid,
	          VFE_TERM_GRACE_MS);
	kill(fe->pid, SIGKILL);
	return vfe_child_wait(fe, 10 * 1000);
}

int
vfe_child_exit_status(VfeFrontend *fe)
{
	return fe->child_status;
}

gboolean
vfe_restart(VfeFrontend *fe, GError **error)
{
	if (!fe->argv || fe->fd_mode || !fe->sock_path) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
		            "only a back-end started with vfe_spawn() can be restarted");
		return FALSE;
	}
	vfe_disconnect(fe);
	vfe_child_terminate(fe);
	/* A killed back-end leaves its socket behind; a service manager would remove it. */
	unlink(fe->sock_path);
	return vfe_start_child(fe, -1, error) && vfe_connect_child(fe, error);
}

void
vfe_free(VfeFrontend *fe)
{
	if (!fe)
		return;
	vfe_disconnect(fe);
	if (fe->pid > 0) {
		int status = vfe_child_terminate(fe);

		g_debug("back-end wait status at vfe_free: 0x%x", (unsigned int)status);
	}
	vfe_queues_free(fe);
	vfe_mem_free(fe);
	vfe_state_free(fe);
	if (fe->sock_path && fe->tmpdir)
		unlink(fe->sock_path);
	if (fe->tmpdir)
		rmdir(fe->tmpdir);
	g_free(fe->tmpdir);
	g_free(fe->sock_path);
	g_strfreev(fe->argv);
	g_array_unref(fe->iotlb_map);
	g_mutex_clear(&fe->send_lock);
	g_mutex_clear(&fe->bc_lock);
	g_mutex_clear(&fe->notifier_lock);
	g_cond_clear(&fe->bc_cond);
	g_free(fe);
}
