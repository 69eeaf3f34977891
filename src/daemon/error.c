/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "daemon/error.h"

#include <errno.h>
#include <glib/gi18n.h>

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

/* The errno a GFileError came from, for a short reason; 0 where there is none. */
static int
file_error_errno(const GError *e)
{
	static const struct {
		GFileError code;
		int err;
	} map[] = {
		{ G_FILE_ERROR_NOENT, ENOENT },
		{ G_FILE_ERROR_NOTDIR, ENOTDIR },
		{ G_FILE_ERROR_ACCES, EACCES },
		{ G_FILE_ERROR_PERM, EPERM },
		{ G_FILE_ERROR_ROFS, EROFS },
		{ G_FILE_ERROR_ISDIR, EISDIR },
		{ G_FILE_ERROR_NOSPC, ENOSPC },
		{ G_FILE_ERROR_LOOP, ELOOP },
		{ G_FILE_ERROR_NAMETOOLONG, ENAMETOOLONG },
	};

	if (e->domain != G_FILE_ERROR)
		return 0;
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (map[i].code == (GFileError)e->code)
			return map[i].err;
	return 0;
}

void
daemon_error_from_file(GError **error, const GError *file_error, const char *path)
{
	int err = file_error_errno(file_error);
	DaemonError code = DAEMON_ERROR_IO;

	if (err == ENOENT || err == ENOTDIR)
		code = DAEMON_ERROR_FILE_NOT_FOUND;
	else if (err == EACCES || err == EPERM || err == EROFS)
		code = DAEMON_ERROR_PERMISSION_DENIED;
	/* GLib's own message names the temporary file it wrote first, not the caller's. */
	g_set_error(error, DAEMON_ERROR, (int)code, _("Cannot write %s: %s"), path,
	            err ? g_strerror(err) : file_error->message);
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
