/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "daemon"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon/log.h"

static gboolean log_to_syslog;

/* /dev/null is character device 1:3 on Linux; a closed fd reads as EBADF. */
static gboolean
stderr_is_unread(void)
{
	struct stat st;

	if (fstat(STDERR_FILENO, &st) < 0)
		return errno == EBADF;
	return S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
}

static int
syslog_priority(GLogLevelFlags level)
{
	if (level & G_LOG_LEVEL_ERROR)
		return LOG_ERR;
	if (level & G_LOG_LEVEL_CRITICAL)
		return LOG_CRIT;
	if (level & G_LOG_LEVEL_WARNING)
		return LOG_WARNING;
	if (level & G_LOG_LEVEL_MESSAGE)
		return LOG_NOTICE;
	if (level & G_LOG_LEVEL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

static void
write_syslog(GLogLevelFlags level, const char *domain, const char *message)
{
	if (domain)
		syslog(syslog_priority(level), "%s: %s", domain, message);
	else
		syslog(syslog_priority(level), "%s", message);
}

static GLogWriterOutput
log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	const char *domain = NULL, *message = NULL;

	for (gsize i = 0; i < n_fields; i++) {
		if (g_str_equal(fields[i].key, "GLIB_DOMAIN"))
			domain = fields[i].value;
		else if (g_str_equal(fields[i].key, "MESSAGE"))
			message = fields[i].value;
	}
	/* The default writer's filtering: debug and info only with G_MESSAGES_DEBUG. */
	if (g_log_writer_default_would_drop(level, domain))
		return G_LOG_WRITER_HANDLED;
	if (!log_to_syslog) {
		/* The program's name, so that `journalctl -t vhost-desktop-gpu` finds it. */
		g_autofree GLogField *all = g_new(GLogField, n_fields + 1);

		memcpy(all, fields, n_fields * sizeof(*fields));
		all[n_fields] = (GLogField){ "SYSLOG_IDENTIFIER", g_get_prgname(), -1 };
		if (g_log_writer_journald(level, all, n_fields + (g_get_prgname() != NULL), data) ==
		    G_LOG_WRITER_HANDLED)
			return G_LOG_WRITER_HANDLED;
	}
	/* No journal (e.g. a host without systemd): syslog from now on. */
	if (!log_to_syslog) {
		openlog(g_get_prgname(), LOG_PID, LOG_DAEMON);
		log_to_syslog = TRUE;
	}
	write_syslog(level, domain, message ? message : "");
	return G_LOG_WRITER_HANDLED;
}

/* Option errors and other g_printerr() text: one log message per call. */
static void
printerr_to_log(const char *text)
{
	g_autofree char *line = g_strchomp(g_strdup(text));

	if (*line)
		g_log_structured(G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "%s", line);
}

gboolean
daemon_log_setup(void)
{
	if (!stderr_is_unread())
		return FALSE;
	g_log_set_writer_func(log_writer, NULL, NULL);
	g_set_printerr_handler(printerr_to_log);
	return TRUE;
}
