/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sockets a daemon is given or makes: --socket-path, systemd activation, readiness. */
#pragma once

#include <glib.h>

/* A listening Unix socket at path; a stale socket file left by a dead daemon is replaced. */
int daemon_listen_unix(const char *path, GError **error);

/*
 * The listening socket passed by systemd socket activation (LISTEN_PID and
 * LISTEN_FDS), or -1 when there is none. Fails when more than one is passed.
 */
int daemon_activation_fd(GError **error);

/* sd_notify(3) without libsystemd: sends state to $NOTIFY_SOCKET if set. */
void daemon_notify(const char *state);

/* true if fd is an open socket of the given type (SOCK_STREAM...). */
gboolean daemon_fd_is_socket(int fd, int type, gboolean *listening);
