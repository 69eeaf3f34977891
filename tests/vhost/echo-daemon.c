/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The echo test device as a daemon, on the shared daemon plumbing. */
#include <glib.h>
#include <stdlib.h>

#include "daemon/daemon.h"
#include "echo-device.h"

int
main(int argc, char **argv)
{
	g_auto(DaemonOptions) opts = { 0 };
	g_autofree char *hold_file = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_autoptr(EchoDevice) echo = NULL;
	const GOptionEntry entries[] = { { "hold-file", 0, 0, G_OPTION_ARG_FILENAME, &hold_file,
		                           "Hold requests while this file exists", "PATH" },
		                         G_OPTION_ENTRY_NULL };
	GOptionGroup *group;
	int status;

	daemon_init();
	group = daemon_option_group(&opts);
	g_option_group_add_entries(group, entries);
	g_option_context_set_main_group(ctx, group);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) ||
	    !daemon_options_check(&opts, &error)) {
		g_printerr("echo-daemon: %s\n", error->message);
		return EXIT_FAILURE;
	}
	if (opts.print_capabilities) {
		static const char *const features[] = { NULL };
		daemon_print_capabilities("echo", features);
		return EXIT_SUCCESS;
	}
	echo = echo_device_new(hold_file);
	status = daemon_run(echo_device_get_vhost(echo), &opts);
	return status;
}
