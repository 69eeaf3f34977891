/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sockets a daemon is given or makes: --socket-path, systemd activation, readiness. */
#pragma once

#include <glib.h>

/*
 * Before binding a Unix socket at PATH, given as OPTION (e.g. "--control"): its directory
 * must exist, and a file already there must be a socket nobody serves (left by a daemon
 * that was killed), which is removed. Otherwise an error that names the option, the path
 * and what is wrong. Abstract names (@...) pass.
 */
gboolean daemon_socket_path_prepare(const char *option, const char *path, GError **error);

/* A listening Unix socket at --socket-path PATH (daemon_socket_path_prepare first). */
int daemon_listen_unix(const char *path, GError **error);

/* FALSE with an error when --socket-path and --control (either may be NULL) are one path. */
gboolean daemon_socket_paths_differ(const char *socket_path, const char *control, GError **error);

/*
 * The listening socket passed by systemd socket activation (LISTEN_PID and
 * LISTEN_FDS), or -1 when there is none. Fails when more than one is passed.
 */
int daemon_activation_fd(GError **error);

/* sd_notify(3) without libsystemd: sends state to $NOTIFY_SOCKET if set. */
void daemon_notify(const char *state);

/* true if fd is an open socket of the given type (SOCK_STREAM...). */
gboolean daemon_fd_is_socket(int fd, int type, gboolean *listening);
