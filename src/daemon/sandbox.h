/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemons confine themselves once they are ready, before they serve the
 * first front-end: no_new_privs; Landlock, where the kernel has it, so that
 * nothing is writable and only the system's directories (and what a mode
 * needs, such as the seat's devices) are readable; and a seccomp filter
 * (libseccomp) that allows the system calls a daemon needs from then on and
 * answers any other with EPERM (--sandbox=on, the default; the kernel logs
 * each refusal), or kills the process (--sandbox=strict); --sandbox=off leaves
 * it unconfined, for debugging. The lists, and why: docs/sandbox.md.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef enum {
	DAEMON_SANDBOX_ON,
	DAEMON_SANDBOX_STRICT,
	DAEMON_SANDBOX_OFF,
} DaemonSandboxMode;

/* What a daemon needs beyond what every daemon needs (sandbox.c's common lists). */
typedef struct DaemonSandbox {
	const char *const *syscalls; /* NULL-terminated names, or NULL */
	bool netlink;                /* socket(AF_NETLINK): udev's monitor (--seat) */
	/* Landlock: paths opened later, read and written (--seat's /dev/input), and
	 * directories of sockets the daemon removes at exit; NULL-terminated. */
	const char *const *rw_paths;
	const char *const *remove_dirs;
} DaemonSandbox;

/* What the GPU daemon with --virgl needs beyond every daemon's needs (docs/sandbox.md). */
extern const DaemonSandbox daemon_sandbox_virgl;

/* "on", "strict", "off"; -1 for anything else. */
int daemon_sandbox_mode_parse(const char *s);
/*
 * Confines the calling process (every thread of it) as mode says. FALSE with
 * error when the filter cannot be loaded (the daemon then stops: it does not
 * run unconfined when asked to be confined).
 */
gboolean daemon_sandbox_enter(DaemonSandboxMode mode, const DaemonSandbox *extra, GError **error);
/* Whether daemon_sandbox_enter() restricted the file system (a kernel with Landlock). */
gboolean daemon_sandbox_landlocked(void);
