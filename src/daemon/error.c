/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "daemon/error.h"

static const GDBusErrorEntry daemon_error_entries[] = {
	{ DAEMON_ERROR_INVALID_ARGUMENT, DAEMON_DBUS_ERROR_PREFIX "InvalidArgument" },
	{ DAEMON_ERROR_NOT_RUNNING, DAEMON_DBUS_ERROR_PREFIX "NotRunning" },
	{ DAEMON_ERROR_NOT_SUPPORTED, DAEMON_DBUS_ERROR_PREFIX "NotSupported" },
	{ DAEMON_ERROR_NO_SUCH_OUTPUT, DAEMON_DBUS_ERROR_PREFIX "NoSuchOutput" },
	{ DAEMON_ERROR_NO_SCANOUT, DAEMON_DBUS_ERROR_PREFIX "NoScanout" },
	{ DAEMON_ERROR_FILE_NOT_FOUND, DAEMON_DBUS_ERROR_PREFIX "FileNotFound" },
	{ DAEMON_ERROR_PERMISSION_DENIED, DAEMON_DBUS_ERROR_PREFIX "PermissionDenied" },
	{ DAEMON_ERROR_IO, DAEMON_DBUS_ERROR_PREFIX "IOError" },
};

GQuark
daemon_error_quark(void)
{
	static gsize quark;

	/* Registers the names with GDBus once, so returned GErrors carry them. */
	g_dbus_error_register_error_domain("vd-daemon-error-quark", &quark, daemon_error_entries,
	                                   G_N_ELEMENTS(daemon_error_entries));
	return (GQuark)quark;
}

void
daemon_dbus_return_error(GDBusMethodInvocation *inv, GError *error)
{
	DaemonError code = DAEMON_ERROR_IO;

	if (error->domain == DAEMON_ERROR || error->domain == G_DBUS_ERROR) {
		g_dbus_method_invocation_take_error(inv, error);
		return;
	}
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
		code = DAEMON_ERROR_PERMISSION_DENIED;
	else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
		code = DAEMON_ERROR_FILE_NOT_FOUND;
	g_dbus_method_invocation_return_error_literal(inv, DAEMON_ERROR, (int)code, error->message);
	g_error_free(error);
}
