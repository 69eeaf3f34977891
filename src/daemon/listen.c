/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "daemon"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/listen.h"

#define SD_LISTEN_FDS_START 3

static gboolean
fill_sockaddr(struct sockaddr_un *sun, socklen_t *len, const char *path, GError **error)
{
	size_t n = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(sun->sun_path)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		            _("Socket path “%s” is empty or longer than %zu bytes"), path,
		            sizeof(sun->sun_path) - 1);
		return FALSE;
	}
	memcpy(sun->sun_path, path, n);
	if (sun->sun_path[0] == '@')
		sun->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
	return TRUE;
}

/* A socket file nobody listens on any more may be replaced; a live one may not. */
static gboolean
socket_is_stale(const struct sockaddr_un *sun, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	gboolean stale;

	if (fd < 0)
		return FALSE;
	stale = connect(fd, (const struct sockaddr *)sun, len) < 0 && errno == ECONNREFUSED;
	close(fd);
	return stale;
}

gboolean
daemon_socket_path_prepare(const char *option, const char *path, GError **error)
{
	g_autofree char *dir = NULL;
	struct sockaddr_un sun;
	socklen_t len;
	struct stat st;

	if (!fill_sockaddr(&sun, &len, path, error)) {
		g_prefix_error(error, "%s: ", option);
		return FALSE;
	}
	if (path[0] == '@')
		return TRUE;
	dir = g_path_get_dirname(path);
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
		            _("%s=%s: the directory %s does not exist"), option, path, dir);
		return FALSE;
	}
	if (lstat(path, &st) < 0)
		return TRUE;
	if (!S_ISSOCK(st.st_mode)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
		            _("%s=%s: a file that is not a socket is in the way; remove it or "
		              "choose another path"),
		            option, path);
		return FALSE;
	}
	if (!socket_is_stale(&sun, len)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
		            _("%s=%s: another process is serving this socket"), option, path);
		return FALSE;
	}
	/* Left by a daemon that was killed: ours to replace. */
	unlink(path);
	return TRUE;
}

int
daemon_listen_unix(const char *path, GError **error)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd, saved;

	if (!daemon_socket_path_prepare("--socket-path", path, error) ||
	    !fill_sockaddr(&sun, &len, path, error))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sun, len) < 0 || listen(fd, 4) < 0)
		goto fail;
	return fd;

fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
	            _("--socket-path=%s: cannot listen: %s"), path, g_strerror(saved));
	return -1;
}

gboolean
daemon_socket_paths_differ(const char *socket_path, const char *control, GError **error)
{
	g_autofree char *a = NULL, *b = NULL;

	if (!socket_path || !control)
		return TRUE;
	a = g_canonicalize_filename(socket_path, NULL);
	b = g_canonicalize_filename(control, NULL);
	if (!g_str_equal(a, b))
		return TRUE;
	g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
	            _("--control and --socket-path both name %s: the control socket needs a "
	              "path of its own"),
	            socket_path);
	return FALSE;
}

int
daemon_activation_fd(GError **error)
{
	const char *pid = g_getenv("LISTEN_PID");
	const char *fds = g_getenv("LISTEN_FDS");
	gboolean listening = FALSE;
	guint64 n;

	if (!pid || !fds)
		return -1;
	if (g_ascii_strtoull(pid, NULL, 10) != (guint64)getpid())
		return -1;
	n = g_ascii_strtoull(fds, NULL, 10);
	/* Children must not think the sockets are theirs. */
	g_unsetenv("LISTEN_PID");
	g_unsetenv("LISTEN_FDS");
	g_unsetenv("LISTEN_FDNAMES");
	if (n == 0)
		return -1;
	if (n > 1) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		            _("systemd passed %u sockets; this daemon serves one "
		              "(use one ListenStream= per socket unit)"),
		            (unsigned int)MIN(n, UINT_MAX));
		return -1;
	}
	if (!daemon_fd_is_socket(SD_LISTEN_FDS_START, SOCK_STREAM, &listening) || !listening) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
		            _("The socket passed by systemd is not a listening stream socket "
		              "(use ListenStream= and Accept=no)"));
		return -1;
	}
	(void)fcntl(SD_LISTEN_FDS_START, F_SETFD, FD_CLOEXEC);
	return SD_LISTEN_FDS_START;
}

void
daemon_notify(const char *state)
{
	const char *path = g_getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (!path || !fill_sockaddr(&sun, &len, path, NULL))
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun, len) < 0)
		g_debug("cannot notify the service manager: %s", g_strerror(errno));
	close(fd);
}

gboolean
daemon_fd_is_socket(int fd, int type, gboolean *listening)
{
	int value = 0;
	socklen_t len = sizeof(value);
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return FALSE;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) < 0 || value != type)
		return FALSE;
	len = sizeof(value);
	if (listening)
		*listening = getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &len) == 0 && value;
	return TRUE;
}
