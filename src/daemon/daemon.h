/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every vhost-desktop daemon shares: the standard vhost-user back-end
 * options, how the front-end connection arrives (--socket-path, --fd, systemd
 * socket activation), readiness notification, signals and the main loop.
 */
#pragma once

#include <glib.h>

#include "daemon/sandbox.h"

#include "vhost/vhost.h"

typedef struct DaemonOptions {
	char *socket_path;
	int fd; /* -1 when not given */
	gboolean print_capabilities;
	gboolean verbose;
	gboolean version;
	char *sandbox_arg;       /* --sandbox=on|strict|off */
	gboolean host_notifiers; /* --host-notifiers[=IDLE_US] */
	unsigned int host_notifier_idle_us;
	DaemonSandboxMode sandbox_mode; /* parsed by daemon_options_check() */
	/* What this daemon needs confined, beyond every daemon's needs; set by main. */
	const DaemonSandbox *sandbox;
} DaemonOptions;

/* Locale, gettext domain and log setup; call first in main(). */
void daemon_init(void);

/*
 * A GOptionGroup with --socket-path, --fd, --print-capabilities, --verbose
 * and --version, to be made the main group of the daemon's GOptionContext
 * (device options are added to the same group with g_option_group_add_entries).
 */
GOptionGroup *daemon_option_group(DaemonOptions *opts);

/*
 * What main() returns when it cannot start: prints "PROGRAM: MESSAGE" of error
 * on stderr and returns EXIT_FAILURE.
 */
int daemon_exit_error(const GError *error);

/* After parsing: --verbose enables debug logs; checks the options agree. */
gboolean daemon_options_check(DaemonOptions *opts, GError **error);

/*
 * --version: prints "PROGRAM VERSION (vhost-desktop)" on stdout; with --verbose also
 * GLib's version and each "NAME VERSION" of libraries (NULL-terminated), one per line.
 */
void daemon_print_version(const DaemonOptions *opts, const char *const *libraries);

/* Prints {"type":TYPE,"features":[...]} on stdout. */
void daemon_print_capabilities(const char *type, const char *const *features);

/*
 * Serves dev until SIGTERM/SIGINT, or, with --fd, until the front-end closes
 * the socket. With --socket-path or systemd socket activation, a front-end
 * that disconnects resets the device and the next connection is served.
 * Sends READY=1 to $NOTIFY_SOCKET once listening. Returns the exit status.
 */
int daemon_run(VhostDev *dev, const DaemonOptions *opts);

/* Ask daemon_run to return (e.g. a device that cannot go on). */
void daemon_quit(int status);

void daemon_options_clear(DaemonOptions *opts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DaemonOptions, daemon_options_clear)
