/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-desktop-input: one virtio-input device per process, for QEMU's
 * vhost-user-input-pci. The device is virtual (--keyboard, --mouse,
 * --tablet, --multitouch) or mirrors a host evdev device (--evdev); events
 * come from the host device, a libinput seat (--seat) and D-Bus.
 */
#define G_LOG_DOMAIN "vd-input"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemon/daemon.h"
#include "daemon/listen.h"
#include "input/dbus.h"
#include "input/device.h"
#include "input/source-evdev.h"
#include "input/source-libinput.h"
#include "input/virtual.h"

typedef struct InputOptions {
	gboolean keyboard, mouse, tablet, multitouch;
	char *abs_x, *abs_y;
	int slots;
	char *name, *serial;
	char *control;
	gboolean dbus_session;
	char *dbus_name;
	int queue_cap;
	char *evdev;
	gboolean no_grab;
	char *seat;
	char *hotkey;
} InputOptions;

static void
input_options_clear(InputOptions *o)
{
	g_clear_pointer(&o->abs_x, g_free);
	g_clear_pointer(&o->abs_y, g_free);
	g_clear_pointer(&o->name, g_free);
	g_clear_pointer(&o->serial, g_free);
	g_clear_pointer(&o->control, g_free);
	g_clear_pointer(&o->dbus_name, g_free);
	g_clear_pointer(&o->evdev, g_free);
	g_clear_pointer(&o->seat, g_free);
	g_clear_pointer(&o->hotkey, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(InputOptions, input_options_clear)

typedef struct InputDaemon {
	const InputOptions *opts;
	InputDevice *dev;
	InputDbus *dbus;
	InputSource source; /* --evdev or --seat, or none */
} InputDaemon;

static void
emit_to_device(uint16_t type, uint16_t code, int32_t value, void *user_data)
{
	InputDaemon *d = user_data;

	input_device_emit(d->dev, type, code, value);
}

static void
evdev_desc_changed(InputDesc *desc, void *user_data)
{
	InputDaemon *d = user_data;

	/* What the user named the device stays, whatever came back at the path. */
	if (d->opts->name)
		input_desc_set_name(desc, d->opts->name);
	if (d->opts->serial)
		input_desc_set_serial(desc, d->opts->serial);
	input_device_set_desc(d->dev, desc);
	input_dbus_device_changed(d->dbus);
}

static gboolean
parse_range(const char *opt, const char *s, int32_t *min, int32_t *max, GError **error)
{
	gint64 a, b;
	g_auto(GStrv) parts = s ? g_strsplit(s, ":", 2) : NULL;

	if (!s)
		return TRUE;
	if (g_strv_length(parts) != 2 ||
	    !g_ascii_string_to_signed(parts[0], 10, G_MININT32, G_MAXINT32, &a, NULL) ||
	    !g_ascii_string_to_signed(parts[1], 10, G_MININT32, G_MAXINT32, &b, NULL) || a >= b) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("%s wants MIN:MAX with MIN < MAX, not \"%s\""), opt, s);
		return FALSE;
	}
	*min = (int32_t)a;
	*max = (int32_t)b;
	return TRUE;
}

/*
 * GOption gives --seat the next argument when no =SEAT follows: `--seat
 * --socket-path=X` names a seat "--socket-path=X". Checked before the other
 * options, which would otherwise complain about the option swallowed.
 */
static gboolean
check_seat_name(const InputOptions *o, GError **error)
{
	if (o->seat && (o->seat[0] == '-' || o->seat[0] == '\0')) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            _("--seat needs the name of a seat, e.g. --seat=seat0 (got \"%s\")"),
		            o->seat);
		return FALSE;
	}
	return TRUE;
}

static InputDesc *
make_desc(const InputOptions *o, GError **error)
{
	InputVirtualOptions vopts;
	InputVirtualKind kind;
	InputDesc *desc;
	unsigned int kinds = !!o->keyboard + !!o->mouse + !!o->tablet + !!o->multitouch;

	if (o->evdev) {
		if (o->seat) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
			            _("give --evdev or --seat, not both"));
			return NULL;
		}
		if (kinds || o->abs_x || o->abs_y || o->slots) {
			g_set_error(
			        error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
			        _("--evdev mirrors the host device: it takes no --keyboard, "
			          "--mouse, --tablet, --multitouch, --abs-x, --abs-y or --slots"));
			return NULL;
		}
		return NULL; /* described by input_evdev_open() */
	}
	if (o->no_grab) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
		            _("--no-grab goes with --evdev"));
		return NULL;
	}
	if (o->hotkey && !o->seat) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
		            _("--grab-hotkey goes with --seat"));
		return NULL;
	}
	if (o->seat && kinds == 0)
		kinds = 1; /* a keyboard with a pointer, below */
	if (kinds != 1) {
		g_set_error(
		        error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
		        kinds ? _("give only one of --keyboard, --mouse, --tablet, --multitouch")
		              : _("which device? Give one of --keyboard, --mouse, --tablet, "
		                  "--multitouch, --evdev=PATH or --seat=SEAT"));
		return NULL;
	}
	input_virtual_options_init(&vopts);
	if (!parse_range("--abs-x", o->abs_x, &vopts.x_min, &vopts.x_max, error) ||
	    !parse_range("--abs-y", o->abs_y, &vopts.y_min, &vopts.y_max, error))
		return NULL;
	if (o->slots) {
		if (o->slots < 1 || o->slots > (int)INPUT_VIRTUAL_MAX_SLOTS) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			            _("--slots wants 1..%u"), INPUT_VIRTUAL_MAX_SLOTS);
			return NULL;
		}
		vopts.slots = (unsigned int)o->slots;
	}
	kind = o->keyboard     ? INPUT_VIRTUAL_KEYBOARD
	       : o->mouse      ? INPUT_VIRTUAL_MOUSE
	       : o->tablet     ? INPUT_VIRTUAL_TABLET
	       : o->multitouch ? INPUT_VIRTUAL_MULTITOUCH
	                       : INPUT_VIRTUAL_KEYBOARD_MOUSE;
	desc = input_virtual_new(kind, &vopts);
	if (o->name)
		input_desc_set_name(desc, o->name);
	if (o->serial)
		input_desc_set_serial(desc, o->serial);
	return desc;
}

/* The input daemon's own options, beside every daemon's (daemon_option_group). */
static void
input_add_options(GOptionGroup *group, InputOptions *o)
{
	const GOptionEntry entries[] = {
		{ "keyboard", 0, 0, G_OPTION_ARG_NONE, &o->keyboard,
		  N_("A virtual keyboard (keys, LEDs, autorepeat)"), NULL },
		{ "mouse", 0, 0, G_OPTION_ARG_NONE, &o->mouse,
		  N_("A virtual mouse (relative motion, 5 buttons, hi-res wheels)"), NULL },
		{ "tablet", 0, 0, G_OPTION_ARG_NONE, &o->tablet,
		  N_("A virtual tablet (absolute pointer, 5 buttons, wheels)"), NULL },
		{ "multitouch", 0, 0, G_OPTION_ARG_NONE, &o->multitouch,
		  N_("A virtual multitouch screen"), NULL },
		{ "abs-x", 0, 0, G_OPTION_ARG_STRING, &o->abs_x,
		  N_("Range of the X axis of --tablet/--multitouch (default 0:32767)"),
		  N_("MIN:MAX") },
		{ "abs-y", 0, 0, G_OPTION_ARG_STRING, &o->abs_y,
		  N_("Range of the Y axis of --tablet/--multitouch (default 0:32767)"),
		  N_("MIN:MAX") },
		{ "slots", 0, 0, G_OPTION_ARG_INT, &o->slots,
		  N_("Contacts of --multitouch (default 10)"), N_("N") },
		{ "name", 0, 0, G_OPTION_ARG_STRING, &o->name, N_("Device name the guest sees"),
		  N_("NAME") },
		{ "serial", 0, 0, G_OPTION_ARG_STRING, &o->serial,
		  N_("Device serial the guest sees"), N_("SERIAL") },
		{ "control", 0, 0, G_OPTION_ARG_FILENAME, &o->control,
		  N_("Serve the D-Bus control interface on this Unix socket (peer-to-peer)"),
		  N_("PATH") },
		{ "dbus-session", 0, 0, G_OPTION_ARG_NONE, &o->dbus_session,
		  N_("Also serve it on the session bus as org.vhostdesktop.Input1"), NULL },
		{ "dbus-name", 0, 0, G_OPTION_ARG_STRING, &o->dbus_name,
		  N_("Bus name for --dbus-session (default org.vhostdesktop.Input1)"), N_("NAME") },
		{ "evdev", 0, 0, G_OPTION_ARG_FILENAME, &o->evdev,
		  N_("Pass a host evdev device through (e.g. /dev/input/event3)"), N_("PATH") },
		/* The name QEMU's vhost-user.json gives the option, which libvirt passes. */
		{ "evdev-path", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &o->evdev,
		  N_("Pass a host evdev device through (e.g. /dev/input/event3)"), N_("PATH") },
		{ "no-grab", 0, 0, G_OPTION_ARG_NONE, &o->no_grab,
		  N_("With --evdev: leave the device to the host too (no EVIOCGRAB)"), NULL },
		{ "seat", 0, 0, G_OPTION_ARG_STRING, &o->seat,
		  N_("Feed the device from the host devices of this libinput seat (e.g. seat0); "
		     "without a device option it is a keyboard with a pointer"),
		  N_("SEAT") },
		{ "grab-hotkey", 0, 0, G_OPTION_ARG_STRING, &o->hotkey,
		  N_("With --seat: keys that give the devices to the host and back "
		     "(default leftctrl+leftalt+g)"),
		  N_("KEYS") },
		{ "queue-limit", 0, 0, G_OPTION_ARG_INT, &o->queue_cap,
		  N_("Events held for a guest that does not read (default 4096)"), N_("N") },
		G_OPTION_ENTRY_NULL
	};

	/* The group copies the entries. */
	g_option_group_add_entries(group, entries);
}

/*
 * The device's description: a virtual device's from the options, or the host
 * device's with --evdev, which is then opened (into *evdev) and named as asked.
 */
static InputDesc *
input_desc_for(const InputOptions *o, InputEvdev **evdev, GError **error)
{
	InputDesc *desc = make_desc(o, error);

	if (desc || (error && *error) || !o->evdev)
		return desc;
	*evdev = input_evdev_open(o->evdev, !o->no_grab, error);
	if (!*evdev)
		return NULL;
	desc = input_desc_copy(input_evdev_get_desc(*evdev));
	if (o->name)
		input_desc_set_name(desc, o->name);
	if (o->serial)
		input_desc_set_serial(desc, o->serial);
	return desc;
}

/* The host source, if any (the --evdev device, or the --seat), feeding d's device. */
static gboolean
input_source_start(InputDaemon *d, InputEvdev *evdev, GError **error)
{
	const InputOptions *o = d->opts;

	if (evdev) {
		d->source = (InputSource){ &input_evdev_source_ops, evdev };
		input_evdev_set_desc_changed(evdev, evdev_desc_changed, d);
	}
	if (o->seat) {
		InputSeat *seat =
		        input_seat_new(o->seat, o->hotkey, input_device_get_desc(d->dev), error);

		if (!seat)
			return FALSE;
		d->source = (InputSource){ &input_seat_source_ops, seat };
	}
	if (d->source.ops) {
		d->source.ops->set_emit(d->source.impl, emit_to_device, d);
		input_device_add_status_handler(d->dev, input_source_write_status, &d->source);
		input_dbus_set_source(d->dbus, &d->source);
		d->source.ops->start(d->source.impl);
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	g_autofree char *evdev_dir = NULL, *control_dir = NULL;
	const char *rw_paths[2] = { NULL, NULL }, *remove_dirs[2] = { NULL, NULL };
	static const char *const features[] = { "evdev-path", "no-grab", NULL };
	/* Cleared on every return, error paths included. */
	g_auto(DaemonOptions) dopts = { 0 };
	g_auto(InputOptions) o = { 0 };
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(InputDevice) dev = NULL;
	g_autoptr(InputDbus) dbus = NULL;
	g_autoptr(InputEvdev) evdev = NULL;
	InputDaemon d = { 0 };
	GOptionGroup *group;
	InputDesc *desc;
	int status;

	daemon_init();
	group = daemon_option_group(&dopts);
	input_add_options(group, &o);
	g_option_context_set_main_group(ctx, group);
	g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, _("vhost-user virtio-input back-end"));
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || !check_seat_name(&o, &error) ||
	    !daemon_options_check(&dopts, &error) ||
	    !daemon_socket_paths_differ(dopts.socket_path, o.control, &error))
		return daemon_exit_error(error);
	if (dopts.version) {
		const char *libraries[] = { "libinput " LIBINPUT_BUILD_VERSION " (built against)",
			                    NULL };

		daemon_print_version(&dopts, libraries);
		return EXIT_SUCCESS;
	}
	if (dopts.print_capabilities) {
		daemon_print_capabilities("input", features);
		return EXIT_SUCCESS;
	}
	if (o.queue_cap < 0 || o.queue_cap == 1) {
		g_printerr("%s: %s\n", g_get_prgname(), _("--queue-limit wants 2 or more"));
		return EXIT_FAILURE;
	}
	desc = input_desc_for(&o, &evdev, &error);
	if (!desc)
		return daemon_exit_error(error);
	dev = input_device_new(desc, (unsigned int)o.queue_cap);
	dbus = input_dbus_new(dev);
	d.opts = &o;
	d.dev = dev;
	d.dbus = dbus;
	if (!input_source_start(&d, g_steal_pointer(&evdev), &error))
		return daemon_exit_error(error);
	if (o.control && !input_dbus_listen(dbus, o.control, &error))
		return daemon_exit_error(error);
	if (o.dbus_session || o.dbus_name)
		input_dbus_own_name(dbus, o.dbus_name ? o.dbus_name : INPUT_DBUS_NAME);

	/*
	 * --seat: udev's monitor is a netlink socket, and hotplugged devices are
	 * opened later, read and written (LEDs); --evdev opens its path again when
	 * the device comes back. The control socket goes at exit.
	 */
	evdev_dir = o.evdev ? g_path_get_dirname(o.evdev) : NULL;
	rw_paths[0] = o.seat ? "/dev/input" : evdev_dir;
	control_dir = o.control ? g_path_get_dirname(o.control) : NULL;
	remove_dirs[0] = control_dir;
	dopts.sandbox = &(const DaemonSandbox){ .netlink = o.seat != NULL,
		                                .rw_paths = rw_paths,
		                                .remove_dirs = remove_dirs };
	status = daemon_run(input_device_get_vhost(dev), &dopts);

	g_clear_pointer(&dbus, input_dbus_free);
	if (d.source.ops)
		d.source.ops->free(d.source.impl);
	return status;
}
