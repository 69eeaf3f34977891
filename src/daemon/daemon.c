/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop every daemon runs: where the front-end connection comes
 * from, what happens when it goes, and how the daemon stops.
 */
#define G_LOG_DOMAIN "daemon"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/listen.h"
#include "daemon/log.h"

typedef struct DaemonLoop {
	GMainLoop *loop;
	VhostDev *dev;
	int listen_fd;
	guint listen_source;
	gboolean activated;
	gboolean single_connection;
	int status;
} DaemonLoop;

static DaemonLoop *current_loop;

void
daemon_init(void)
{
	/* VHOST_DESKTOP_LOCALEDIR lets tests use catalogues from the build tree. */
	const char *localedir = g_getenv("VHOST_DESKTOP_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
	/* Writes to a closed pipe or socket are errors we handle, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	/* Under libvirt stderr is /dev/null: messages go to the journal or syslog. */
	daemon_log_setup();
}

/* --host-notifiers[=IDLE_US]: the value is optional, so GOption hands it over raw. */
static gboolean
parse_host_notifiers(const char *name, const char *value, gpointer data, GError **error)
{
	DaemonOptions *opts = data;
	guint64 us = VHOST_HOST_NOTIFIER_IDLE_US_DEFAULT;

	if (value && (!g_ascii_string_to_unsigned(value, 10, 1, 1000000, &us, NULL))) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("--host-notifiers=%s: give the idle time in microseconds, 1 to "
		              "1000000 (default %u)"),
		            value, VHOST_HOST_NOTIFIER_IDLE_US_DEFAULT);
		return FALSE;
	}
	opts->host_notifiers = TRUE;
	opts->host_notifier_idle_us = (unsigned int)us;
	return TRUE;
}

GOptionGroup *
daemon_option_group(DaemonOptions *opts)
{
	const GOptionEntry entries[] = {
		{ "socket-path", 's', 0, G_OPTION_ARG_FILENAME, &opts->socket_path,
		  N_("Listen for the front-end on this Unix socket"), N_("PATH") },
		{ "fd", 'f', 0, G_OPTION_ARG_INT, &opts->fd,
		  N_("Serve the front-end on this already connected socket; exit when it closes"),
		  N_("FD") },
		{ "print-capabilities", 'c', 0, G_OPTION_ARG_NONE, &opts->print_capabilities,
		  N_("Print the back-end's capabilities as JSON and exit"), NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose,
		  N_("Log every protocol message (debug messages)"), NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &opts->version,
		  N_("Print the version and exit (with --verbose: the libraries' too)"), NULL },
		{ "sandbox", 0, 0, G_OPTION_ARG_STRING, &opts->sandbox_arg,
		  N_("Confine the daemon once it serves: on (refused system calls fail with EPERM; "
		     "the default), strict (they kill it) or off"),
		  N_("MODE") },
		{ "host-notifiers", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
		  (gpointer)parse_host_notifiers,
		  N_("Offer host notifiers: while a queue is busy the guest's notifications are "
		     "memory writes into a page the front-end maps (QEMU: page-per-vq=on) and the "
		     "daemon polls the ring; after IDLE_US microseconds without a request (the "
		     "value is optional: default 1000) it sleeps on the kick eventfd again"),
		  N_("IDLE_US") },
		G_OPTION_ENTRY_NULL
	};
	GOptionGroup *group = g_option_group_new("daemon", "", "", opts, NULL);

	opts->fd = -1;
	g_option_group_add_entries(group, entries);
	g_option_group_set_translation_domain(group, GETTEXT_PACKAGE);
	return group;
}

int
daemon_exit_error(const GError *error)
{
	g_printerr("%s: %s\n", g_get_prgname(), error->message);
	return EXIT_FAILURE;
}

gboolean
daemon_options_check(DaemonOptions *opts, GError **error)
{
	int mode;

	if (opts->verbose)
		g_log_set_debug_enabled(TRUE);
	if (opts->print_capabilities || opts->version)
		return TRUE;
	mode = daemon_sandbox_mode_parse(opts->sandbox_arg);
	if (mode < 0) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("--sandbox=%s: say on, strict or off"), opts->sandbox_arg);
		return FALSE;
	}
	opts->sandbox_mode = (DaemonSandboxMode)mode;
	if (opts->socket_path && opts->fd >= 0) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
		            _("--socket-path and --fd cannot be used together"));
		return FALSE;
	}
	if (opts->fd >= 0 && !daemon_fd_is_socket(opts->fd, SOCK_STREAM, NULL)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("--fd=%d is not an open stream socket"), opts->fd);
		return FALSE;
	}
	if (!opts->socket_path && opts->fd < 0 && !g_getenv("LISTEN_FDS")) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
		            _("Nowhere to serve a front-end: give --socket-path=PATH or --fd=FD, "
		              "or start the daemon through its systemd socket unit"));
		return FALSE;
	}
	return TRUE;
}

void
daemon_print_version(const DaemonOptions *opts, const char *const *libraries)
{
	printf("%s %s (%s)\n", g_get_prgname(), PACKAGE_VERSION, PACKAGE_NAME);
	if (opts->verbose) {
		printf("GLib %u.%u.%u (built against %d.%d.%d)\n", glib_major_version,
		       glib_minor_version, glib_micro_version, GLIB_MAJOR_VERSION,
		       GLIB_MINOR_VERSION, GLIB_MICRO_VERSION);
		for (unsigned int i = 0; libraries && libraries[i]; i++)
			printf("%s\n", libraries[i]);
	}
	fflush(stdout);
}

void
daemon_print_capabilities(const char *type, const char *const *features)
{
	g_autoptr(GString) json = g_string_new(NULL);

	g_string_append_printf(json, "{\"type\":\"%s\",\"features\":[", type);
	for (unsigned int i = 0; features && features[i]; i++)
		g_string_append_printf(json, "%s\"%s\"", i ? "," : "", features[i]);
	g_string_append(json, "]}");
	puts(json->str);
	fflush(stdout);
}

void
daemon_quit(int status)
{
	if (!current_loop)
		return;
	current_loop->status = status;
	g_main_loop_quit(current_loop->loop);
}

static gboolean
on_signal(gpointer data)
{
	g_message("%s", _("Stopping on signal"));
	daemon_quit(0);
	return G_SOURCE_CONTINUE;
}

static gboolean on_connection(int fd, GIOCondition cond, gpointer data);

/*
 * One front-end at a time: while one is served, the next waits in the
 * listen backlog, so a front-end that reconnects at once is served as soon
 * as the old connection's end has been handled.
 */
static void
listen_resume(DaemonLoop *dl)
{
	if (dl->listen_fd >= 0 && !dl->listen_source)
		dl->listen_source = g_unix_fd_add(dl->listen_fd, G_IO_IN, on_connection, dl);
}

static void
on_disconnect(VhostDev *dev, void *data)
{
	DaemonLoop *dl = data;

	if (dl->single_connection) {
		g_message("%s", _("The front-end closed the connection; exiting"));
		daemon_quit(0);
	} else {
		g_message("%s", _("The front-end disconnected; waiting for the next one"));
		listen_resume(dl);
	}
}

static gboolean
on_connection(int fd, GIOCondition cond, gpointer data)
{
	DaemonLoop *dl = data;
	int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (conn < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			g_warning(_("Cannot accept a connection: %s"), g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	if (vhost_dev_attach(dl->dev, conn) < 0) {
		close(conn);
		return G_SOURCE_CONTINUE;
	}
	g_message("%s", _("Front-end connected"));
	dl->listen_source = 0;
	return G_SOURCE_REMOVE;
}

/*
 * VD_SANDBOX_SELF_TEST=1 (tests/daemon/sandbox.sh): once confined, tries what
 * the sandbox forbids and says what happened.
 */
static void
sandbox_self_test(void)
{
	static char *const argv[] = { "/bin/true", NULL };
	int fd, exec_err, socket_err, open_err;

	if (g_strcmp0(g_getenv("VD_SANDBOX_SELF_TEST"), "1") != 0)
		return;
	exec_err = execv(argv[0], argv) < 0 ? errno : 0;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	socket_err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	fd = open(g_get_home_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	open_err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	g_message("sandbox self-test: execve: %s; socket(AF_INET): %s; open(home): %s",
	          g_strerror(exec_err), g_strerror(socket_err),
	          daemon_sandbox_landlocked() ? g_strerror(open_err) : "no Landlock");
}

/*
 * What the daemon's own options add to its sandbox: the directory of its
 * vhost-user socket, which it removes at exit (systemd's and --fd's are not).
 */
static gboolean
sandbox_enter(const DaemonOptions *opts, GError **error)
{
	DaemonSandbox sandbox = opts->sandbox ? *opts->sandbox : (DaemonSandbox){ 0 };
	g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);

	for (const char *const *d = sandbox.remove_dirs; d && *d; d++)
		g_ptr_array_add(dirs, g_strdup(*d));
	if (opts->socket_path && opts->socket_path[0] != '@')
		g_ptr_array_add(dirs, g_path_get_dirname(opts->socket_path));
	g_ptr_array_add(dirs, NULL);
	sandbox.remove_dirs = (const char *const *)dirs->pdata;
	return daemon_sandbox_enter(opts->sandbox_mode, &sandbox, error);
}

/*
 * --host-notifiers; VD_HOST_NOTIFIER_HOLDOFF_MS sets the least time between
 * taking a queue's page away and offering it again (vhost.h says why QEMU
 * needs one), for front-ends that do not and for tests.
 */
static void
host_notifiers_setup(VhostDev *dev, const DaemonOptions *opts)
{
	const char *holdoff = g_getenv("VD_HOST_NOTIFIER_HOLDOFF_MS");
	guint64 ms;

	vhost_dev_set_host_notifiers(dev, true, opts->host_notifier_idle_us);
	if (!holdoff)
		return;
	if (g_ascii_string_to_unsigned(holdoff, 10, 0, 60000, &ms, NULL))
		vhost_dev_set_host_notifier_holdoff(dev, (unsigned int)ms);
	else
		g_warning(_("VD_HOST_NOTIFIER_HOLDOFF_MS=%s is not 0 to 60000 (milliseconds); "
		            "keeping %u"),
		          holdoff, VHOST_HOST_NOTIFIER_HOLDOFF_MS_DEFAULT);
}

/* The line at exit that says whether host notifiers were used, and how much. */
static void
log_notify_stats(VhostDev *dev)
{
	VhostNotifyStats st;

	vhost_dev_get_notify_stats(dev, &st);
	/* %llu, not G_GUINT64_FORMAT: xgettext cannot see through the macro. */
	g_message(_("host notifiers: %llu kicks by eventfd, %llu doorbell writes, %llu requests "
	            "found by polling; %llu notifiers installed, %llu refused"),
	          (unsigned long long)st.eventfd_kicks, (unsigned long long)st.doorbell_writes,
	          (unsigned long long)st.polled_requests, (unsigned long long)st.notifier_installs,
	          (unsigned long long)st.notifier_refusals);
}

int
daemon_run(VhostDev *dev, const DaemonOptions *opts)
{
	g_autoptr(GError) error = NULL;
	DaemonLoop dl = { .dev = dev, .listen_fd = -1 };
	guint sources[2] = { 0 };

	dl.loop = g_main_loop_new(NULL, FALSE);
	current_loop = &dl;
	vhost_dev_set_disconnect_handler(dev, on_disconnect, &dl);

	if (opts->host_notifiers)
		host_notifiers_setup(dev, opts);
	if (opts->fd >= 0) {
		dl.single_connection = TRUE;
		vhost_dev_attach(dev, opts->fd);
	} else {
		dl.listen_fd = daemon_activation_fd(&error);
		dl.activated = dl.listen_fd >= 0;
		if (dl.listen_fd < 0 && !error && opts->socket_path)
			dl.listen_fd = daemon_listen_unix(opts->socket_path, &error);
		if (dl.listen_fd < 0) {
			if (!error)
				g_set_error(&error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
				            _("LISTEN_FDS is set but not for this process"));
			dl.status = daemon_exit_error(error);
			goto out;
		}
		listen_resume(&dl);
	}
	sources[0] = g_unix_signal_add(SIGTERM, on_signal, NULL);
	sources[1] = g_unix_signal_add(SIGINT, on_signal, NULL);
	/* Ready: from here on the daemon only serves, and can be confined to that. */
	if (!sandbox_enter(opts, &error)) {
		dl.status = daemon_exit_error(error);
		goto out;
	}
	if (opts->sandbox_mode != DAEMON_SANDBOX_OFF)
		sandbox_self_test();
	daemon_notify("READY=1");
	g_main_loop_run(dl.loop);
	daemon_notify("STOPPING=1");
	if (opts->host_notifiers)
		log_notify_stats(dev);
out:
	vhost_dev_set_disconnect_handler(dev, NULL, NULL);
	vhost_dev_detach(dev);
	for (unsigned int i = 0; i < G_N_ELEMENTS(sources); i++)
		if (sources[i])
			g_source_remove(sources[i]);
	if (dl.listen_source)
		g_source_remove(dl.listen_source);
	if (dl.listen_fd >= 0) {
		close(dl.listen_fd);
		/* Our own socket file goes with us; systemd's stays with systemd. */
		if (opts->socket_path && !dl.activated && opts->socket_path[0] != '@')
			unlink(opts->socket_path);
	}
	current_loop = NULL;
	g_main_loop_unref(dl.loop);
	return dl.status;
}

void
daemon_options_clear(DaemonOptions *opts)
{
	g_clear_pointer(&opts->socket_path, g_free);
	g_clear_pointer(&opts->sandbox_arg, g_free);
}
