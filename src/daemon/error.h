/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The errors both daemons answer on D-Bus, one naming scheme for both:
 * org.vhostdesktop.Error.NAME (docs/dbus.md). A GError in DAEMON_ERROR
 * returned from a method reaches the caller under that name, with its message.
 */
#pragma once

#include <gio/gio.h>

#define DAEMON_DBUS_ERROR_PREFIX "org.vhostdesktop.Error."

typedef enum {
	DAEMON_ERROR_INVALID_ARGUMENT,  /* InvalidArgument: the call can never succeed */
	DAEMON_ERROR_NOT_RUNNING,       /* NotRunning: the guest driver is not there (yet) */
	DAEMON_ERROR_NOT_SUPPORTED,     /* NotSupported: not in this mode or front-end */
	DAEMON_ERROR_NO_SUCH_OUTPUT,    /* NoSuchOutput: no display with that index */
	DAEMON_ERROR_NO_SCANOUT,        /* NoScanout: the guest shows nothing on it yet */
	DAEMON_ERROR_FILE_NOT_FOUND,    /* FileNotFound: a path (or its directory) is missing */
	DAEMON_ERROR_PERMISSION_DENIED, /* PermissionDenied: the daemon may not write there */
	DAEMON_ERROR_IO,                /* IOError: any other file error */
} DaemonError;

#define DAEMON_ERROR (daemon_error_quark())
GQuark daemon_error_quark(void);

/*
 * Returns error (taken) to a D-Bus caller under an org.vhostdesktop.Error name:
 * DAEMON_ERROR and D-Bus's own errors as they are, any other domain (GIO, file)
 * mapped to PermissionDenied, FileNotFound or IOError with its message kept,
 * rather than GDBus's unreadable org.gtk.GDBus.UnmappedGError name.
 */
void daemon_dbus_return_error(GDBusMethodInvocation *inv, GError *error);
