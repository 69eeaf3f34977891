/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a daemon's messages go when nobody reads its standard error: libvirt starts the
 * GPU back-end with stdout and stderr on /dev/null, so every warning and the reason for an
 * exit would be lost. There they go to the journal, or to syslog without one.
 */
#pragma once

#include <glib.h>

/*
 * When stderr is /dev/null or closed, sends GLib's log messages (with the usual
 * G_MESSAGES_DEBUG filtering) and g_printerr() text to the journal, else to syslog.
 * Otherwise changes nothing. Returns whether it redirected.
 */
gboolean daemon_log_setup(void);
