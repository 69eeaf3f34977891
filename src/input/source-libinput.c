/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/source-libinput.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <libinput.h>
#include <libudev.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "input/libinput-translate.h"

#define LOGIND_NAME "org.freedesktop.login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define LOGIND_SESSION "org.freedesktop.login1.Session"
/* Absolute coordinates are asked for in this many units, then scaled to 0..1. */
#define INPUT_SEAT_ABS_UNITS 1000000u

struct InputSeat {
	struct udev *udev;
	struct libinput *li;
	guint watch;
	GDBusConnection *system; /* with a logind session we control */
	char *session_path;
	GHashTable *fds;      /* fd -> dev_t, devices open now */
	GPtrArray *keyboards; /* struct libinput_device*, referenced */
	enum libinput_led leds;
	gboolean grabbed;
	bool warned_open;
	uint16_t hotkey[INPUT_SEAT_MAX_HOTKEY_KEYS];
	int n_hotkey;
	uint8_t host_down[KEY_CNT / 8 + 1];  /* what the host devices have down */
	uint8_t guest_down[KEY_CNT / 8 + 1]; /* what we told the guest is down */
	InputLiState st;
	const InputDesc *desc;
	InputEmitFunc emit;
	void *emit_data;
	GArray *out;
};

static const struct {
	const char *name;
	uint16_t code;
} input_key_names[] = {
	{ "leftctrl", KEY_LEFTCTRL },
	{ "rightctrl", KEY_RIGHTCTRL },
	{ "ctrl", KEY_LEFTCTRL },
	{ "leftalt", KEY_LEFTALT },
	{ "rightalt", KEY_RIGHTALT },
	{ "alt", KEY_LEFTALT },
	{ "leftshift", KEY_LEFTSHIFT },
	{ "rightshift", KEY_RIGHTSHIFT },
	{ "shift", KEY_LEFTSHIFT },
	{ "leftmeta", KEY_LEFTMETA },
	{ "rightmeta", KEY_RIGHTMETA },
	{ "meta", KEY_LEFTMETA },
	{ "super", KEY_LEFTMETA },
	{ "esc", KEY_ESC },
	{ "space", KEY_SPACE },
	{ "scrolllock", KEY_SCROLLLOCK },
	{ "pause", KEY_PAUSE },
	{ "sysrq", KEY_SYSRQ },
	{ "tab", KEY_TAB },
	{ "enter", KEY_ENTER },
	{ "f1", KEY_F1 },
	{ "f2", KEY_F2 },
	{ "f3", KEY_F3 },
	{ "f4", KEY_F4 },
	{ "f5", KEY_F5 },
	{ "f6", KEY_F6 },
	{ "f7", KEY_F7 },
	{ "f8", KEY_F8 },
	{ "f9", KEY_F9 },
	{ "f10", KEY_F10 },
	{ "f11", KEY_F11 },
	{ "f12", KEY_F12 },
	{ "a", KEY_A },
	{ "b", KEY_B },
	{ "c", KEY_C },
	{ "d", KEY_D },
	{ "e", KEY_E },
	{ "f", KEY_F },
	{ "g", KEY_G },
	{ "h", KEY_H },
	{ "i", KEY_I },
	{ "j", KEY_J },
	{ "k", KEY_K },
	{ "l", KEY_L },
	{ "m", KEY_M },
	{ "n", KEY_N },
	{ "o", KEY_O },
	{ "p", KEY_P },
	{ "q", KEY_Q },
	{ "r", KEY_R },
	{ "s", KEY_S },
	{ "t", KEY_T },
	{ "u", KEY_U },
	{ "v", KEY_V },
	{ "w", KEY_W },
	{ "x", KEY_X },
	{ "y", KEY_Y },
	{ "z", KEY_Z },
};

int
input_hotkey_parse(const char *s, uint16_t *codes, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(s, "+", -1);
	int n = 0;

	for (char **p = parts; *p; p++) {
		const char *name = *p;
		guint64 v = 0;
		bool found = false;

		if (g_ascii_strncasecmp(name, "KEY_", 4) == 0)
			name += 4;
		for (unsigned int i = 0; i < G_N_ELEMENTS(input_key_names); i++) {
			if (g_ascii_strcasecmp(name, input_key_names[i].name) == 0) {
				v = input_key_names[i].code;
				found = true;
				break;
			}
		}
		if (!found && !g_ascii_string_to_unsigned(name, 10, 1, KEY_MAX, &v, NULL)) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			            _("unknown key \"%s\" in hot-key \"%s\" (names like leftctrl, "
			              "leftalt, g, f12, or key codes, joined with +)"),
			            *p, s);
			return -1;
		}
		if (n == INPUT_SEAT_MAX_HOTKEY_KEYS) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			            _("hot-key \"%s\" has more than %d keys"), s,
			            INPUT_SEAT_MAX_HOTKEY_KEYS);
			return -1;
		}
		codes[n++] = (uint16_t)v;
	}
	return n;
}

/* logind */

static void
input_seat_logind_setup(InputSeat *seat)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &error);

	if (!bus) {
		g_debug("no system bus, so no logind: %s", error->message);
		return;
	}
	r = g_dbus_connection_call_sync(bus, LOGIND_NAME, "/org/freedesktop/login1", LOGIND_MANAGER,
	                                "GetSessionByPID", g_variant_new("(u)", (guint32)getpid()),
	                                G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL,
	                                &error);
	if (!r) {
		g_debug("not in a logind session: %s", error->message);
		return;
	}
	g_variant_get(r, "(o)", &seat->session_path);
	g_clear_pointer(&r, g_variant_unref);
	r = g_dbus_connection_call_sync(bus, LOGIND_NAME, seat->session_path, LOGIND_SESSION,
	                                "TakeControl", g_variant_new("(b)", FALSE), NULL,
	                                G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &error);
	if (!r) {
		g_dbus_error_strip_remote_error(error);
		g_message(_("logind: cannot take control of session %s (%s); opening devices "
		            "directly"),
		          seat->session_path, error->message);
		g_clear_pointer(&seat->session_path, g_free);
		return;
	}
	seat->system = g_steal_pointer(&bus);
	g_debug("logind: controlling session %s", seat->session_path);
}

static int
input_seat_take_device(InputSeat *seat, dev_t rdev)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GUnixFDList) fds = NULL;
	g_autoptr(GVariant) r = NULL;
	gint32 idx;
	gboolean inactive;

	r = g_dbus_connection_call_with_unix_fd_list_sync(
	        seat->system, LOGIND_NAME, seat->session_path, LOGIND_SESSION, "TakeDevice",
	        g_variant_new("(uu)", major(rdev), minor(rdev)), G_VARIANT_TYPE("(hb)"),
	        G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &fds, NULL, &error);
	if (!r) {
		g_debug("logind TakeDevice: %s", error->message);
		return -EACCES;
	}
	g_variant_get(r, "(hb)", &idx, &inactive);
	return g_unix_fd_list_get(fds, idx, NULL);
}

static int
input_seat_open_restricted(const char *path, int flags, void *user_data)
{
	InputSeat *seat = user_data;
	struct stat st;
	int fd = -1;

	if (stat(path, &st) < 0)
		return -errno;
	if (seat->system)
		fd = input_seat_take_device(seat, st.st_rdev);
	if (fd < 0) {
		fd = open(path, flags | O_CLOEXEC);
		if (fd < 0) {
			int err = errno;

			if ((err == EACCES || err == EPERM) && !seat->warned_open)
				g_warning(_("cannot open %s: %s. Input devices need membership of "
				            "their group (usually \"input\") or a logind session "
				            "this "
				            "process can take control of"),
				          path, g_strerror(err));
			seat->warned_open = seat->warned_open || err == EACCES || err == EPERM;
			return -err;
		}
	}
	if (seat->grabbed && ioctl(fd, EVIOCGRAB, 1) < 0)
		g_debug("cannot grab %s: %s", path, g_strerror(errno));
	g_hash_table_insert(seat->fds, GINT_TO_POINTER(fd),
	                    g_memdup2(&st.st_rdev, sizeof(st.st_rdev)));
	return fd;
}

static void
input_seat_close_restricted(int fd, void *user_data)
{
	InputSeat *seat = user_data;
	dev_t *rdev = g_hash_table_lookup(seat->fds, GINT_TO_POINTER(fd));

	if (rdev && seat->system) {
		GVariant *r = g_dbus_connection_call_sync(
		        seat->system, LOGIND_NAME, seat->session_path, LOGIND_SESSION,
		        "ReleaseDevice", g_variant_new("(uu)", major(*rdev), minor(*rdev)), NULL,
		        G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);

		g_clear_pointer(&r, g_variant_unref);
	}
	g_hash_table_remove(seat->fds, GINT_TO_POINTER(fd));
	close(fd);
}

static const struct libinput_interface input_seat_interface = {
	.open_restricted = input_seat_open_restricted,
	.close_restricted = input_seat_close_restricted,
};

/* Events */

static bool
bit_get(const uint8_t *map, unsigned int b)
{
	return b < KEY_CNT && (map[b / 8] & (1u << (b % 8)));
}

static void
bit_set(uint8_t *map, unsigned int b, bool on)
{
	if (b >= KEY_CNT)
		return;
	if (on)
		map[b / 8] |= 1u << (b % 8);
	else
		map[b / 8] &= ~(1u << (b % 8));
}

static void
input_seat_send(InputSeat *seat)
{
	for (unsigned int i = 0; i < seat->out->len; i++) {
		const InputEvent *e = &g_array_index(seat->out, InputEvent, i);

		if (e->type == EV_KEY)
			bit_set(seat->guest_down, e->code, e->value != 0);
		if (seat->emit)
			seat->emit(e->type, e->code, e->value, seat->emit_data);
	}
	g_array_set_size(seat->out, 0);
}

/* The guest loses the devices: nothing may stay pressed there. */
static void
input_seat_release_guest(InputSeat *seat)
{
	InputLiEvent cancel = { .kind = INPUT_LI_TOUCH_CANCEL };
	InputLiEvent frame = { .kind = INPUT_LI_TOUCH_FRAME };
	bool any = false;

	for (unsigned int k = 0; k < KEY_CNT; k++) {
		if (bit_get(seat->guest_down, k) && k != BTN_TOUCH) {
			InputEvent e = { EV_KEY, (uint16_t)k, 0 };

			g_array_append_val(seat->out, e);
			any = true;
		}
	}
	if (any) {
		InputEvent syn = { EV_SYN, SYN_REPORT, 0 };

		g_array_append_val(seat->out, syn);
	}
	input_li_translate(&seat->st, seat->desc, &cancel, seat->out);
	input_li_translate(&seat->st, seat->desc, &frame, seat->out);
	input_seat_send(seat);
}

static void
input_seat_apply_grab(InputSeat *seat, gboolean grab)
{
	GHashTableIter iter;
	gpointer key;

	if (!grab && seat->grabbed)
		input_seat_release_guest(seat);
	seat->grabbed = grab;
	g_hash_table_iter_init(&iter, seat->fds);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		if (ioctl(GPOINTER_TO_INT(key), EVIOCGRAB, grab ? 1 : 0) < 0)
			g_debug("EVIOCGRAB %d: %s", grab, g_strerror(errno));
	}
	g_message("%s",
	          grab ? _("seat input goes to the guest") : _("seat input goes to the host"));
}

static bool
input_seat_hotkey(InputSeat *seat, uint32_t key, bool pressed)
{
	bool in_combo = false;

	bit_set(seat->host_down, key, pressed);
	if (!pressed)
		return false;
	/* The press that completes the combination, whatever the order. */
	for (int i = 0; i < seat->n_hotkey; i++) {
		if (!bit_get(seat->host_down, seat->hotkey[i]))
			return false;
		in_combo = in_combo || seat->hotkey[i] == key;
	}
	return in_combo;
}

static void
input_seat_device_added(InputSeat *seat, struct libinput_device *d)
{
	g_message(_("seat: device added: %s"), libinput_device_get_name(d));
	if (libinput_device_has_capability(d, LIBINPUT_DEVICE_CAP_KEYBOARD)) {
		g_ptr_array_add(seat->keyboards, libinput_device_ref(d));
		libinput_device_led_update(d, seat->leds);
	}
}

static void
input_seat_device_removed(InputSeat *seat, struct libinput_device *d)
{
	g_message(_("seat: device removed: %s"), libinput_device_get_name(d));
	for (unsigned int i = 0; i < seat->keyboards->len; i++) {
		if (g_ptr_array_index(seat->keyboards, i) == d) {
			libinput_device_unref(d);
			g_ptr_array_remove_index(seat->keyboards, i);
			break;
		}
	}
}

static void
input_seat_handle(InputSeat *seat, struct libinput_event *ev)
{
	enum libinput_event_type type = libinput_event_get_type(ev);
	InputLiEvent le = { 0 };

	switch (type) {
	case LIBINPUT_EVENT_DEVICE_ADDED:
		input_seat_device_added(seat, libinput_event_get_device(ev));
		return;
	case LIBINPUT_EVENT_DEVICE_REMOVED:
		input_seat_device_removed(seat, libinput_event_get_device(ev));
		return;
	case LIBINPUT_EVENT_KEYBOARD_KEY: {
		struct libinput_event_keyboard *k = libinput_event_get_keyboard_event(ev);
		bool pressed =
		        libinput_event_keyboard_get_key_state(k) == LIBINPUT_KEY_STATE_PRESSED;

		le.kind = INPUT_LI_KEY;
		le.code = libinput_event_keyboard_get_key(k);
		le.pressed = pressed;
		if (input_seat_hotkey(seat, le.code, pressed)) {
			input_seat_apply_grab(seat, !seat->grabbed);
			return;
		}
		/* A release the guest never saw pressed is not sent. */
		if (!pressed && !bit_get(seat->guest_down, le.code))
			return;
		break;
	}
	case LIBINPUT_EVENT_POINTER_MOTION: {
		struct libinput_event_pointer *p = libinput_event_get_pointer_event(ev);

		le.kind = INPUT_LI_MOTION;
		le.dx = libinput_event_pointer_get_dx_unaccelerated(p);
		le.dy = libinput_event_pointer_get_dy_unaccelerated(p);
		break;
	}
	case LIBINPUT_EVENT_POINTER_MOTION_ABSOLUTE: {
		struct libinput_event_pointer *p = libinput_event_get_pointer_event(ev);

		le.kind = INPUT_LI_MOTION_ABSOLUTE;
		le.x = libinput_event_pointer_get_absolute_x_transformed(p, INPUT_SEAT_ABS_UNITS) /
		       INPUT_SEAT_ABS_UNITS;
		le.y = libinput_event_pointer_get_absolute_y_transformed(p, INPUT_SEAT_ABS_UNITS) /
		       INPUT_SEAT_ABS_UNITS;
		break;
	}
	case LIBINPUT_EVENT_POINTER_BUTTON: {
		struct libinput_event_pointer *p = libinput_event_get_pointer_event(ev);

		le.kind = INPUT_LI_BUTTON;
		le.code = libinput_event_pointer_get_button(p);
		le.pressed =
		        libinput_event_pointer_get_button_state(p) == LIBINPUT_BUTTON_STATE_PRESSED;
		if (!le.pressed && !bit_get(seat->guest_down, le.code))
			return;
		break;
	}
	case LIBINPUT_EVENT_POINTER_SCROLL_WHEEL:
	case LIBINPUT_EVENT_POINTER_SCROLL_FINGER:
	case LIBINPUT_EVENT_POINTER_SCROLL_CONTINUOUS: {
		struct libinput_event_pointer *p = libinput_event_get_pointer_event(ev);
		bool wheel = type == LIBINPUT_EVENT_POINTER_SCROLL_WHEEL;
		/* Finger and continuous scrolling: 15 units make one wheel detent. */
		double k = 120.0 / 15.0;

		le.kind = INPUT_LI_SCROLL_WHEEL;
		if (libinput_event_pointer_has_axis(p, LIBINPUT_POINTER_AXIS_SCROLL_VERTICAL))
			le.v120_v = wheel ? libinput_event_pointer_get_scroll_value_v120(
			                            p, LIBINPUT_POINTER_AXIS_SCROLL_VERTICAL)
			                  : k * libinput_event_pointer_get_scroll_value(
			                                p, LIBINPUT_POINTER_AXIS_SCROLL_VERTICAL);
		if (libinput_event_pointer_has_axis(p, LIBINPUT_POINTER_AXIS_SCROLL_HORIZONTAL))
			le.v120_h = wheel ? libinput_event_pointer_get_scroll_value_v120(
			                            p, LIBINPUT_POINTER_AXIS_SCROLL_HORIZONTAL)
			                  : k * libinput_event_pointer_get_scroll_value(
			                                p, LIBINPUT_POINTER_AXIS_SCROLL_HORIZONTAL);
		break;
	}
	case LIBINPUT_EVENT_TOUCH_DOWN:
	case LIBINPUT_EVENT_TOUCH_MOTION: {
		struct libinput_event_touch *t = libinput_event_get_touch_event(ev);

		le.kind = type == LIBINPUT_EVENT_TOUCH_DOWN ? INPUT_LI_TOUCH_DOWN
		                                            : INPUT_LI_TOUCH_MOTION;
		le.slot = libinput_event_touch_get_seat_slot(t);
		le.x = libinput_event_touch_get_x_transformed(t, INPUT_SEAT_ABS_UNITS) /
		       INPUT_SEAT_ABS_UNITS;
		le.y = libinput_event_touch_get_y_transformed(t, INPUT_SEAT_ABS_UNITS) /
		       INPUT_SEAT_ABS_UNITS;
		break;
	}
	case LIBINPUT_EVENT_TOUCH_UP:
		le.kind = INPUT_LI_TOUCH_UP;
		le.slot = libinput_event_touch_get_seat_slot(libinput_event_get_touch_event(ev));
		break;
	case LIBINPUT_EVENT_TOUCH_CANCEL:
		le.kind = INPUT_LI_TOUCH_CANCEL;
		break;
	case LIBINPUT_EVENT_TOUCH_FRAME:
		le.kind = INPUT_LI_TOUCH_FRAME;
		break;
	default:
		return;
	}
	if (!seat->grabbed)
		return;
	input_li_translate(&seat->st, seat->desc, &le, seat->out);
	input_seat_send(seat);
}

static gboolean
input_seat_dispatch(int fd, GIOCondition cond, gpointer user_data)
{
	InputSeat *seat = user_data;
	struct libinput_event *ev;

	if (libinput_dispatch(seat->li) < 0)
		g_debug("libinput_dispatch failed");
	while ((ev = libinput_get_event(seat->li))) {
		input_seat_handle(seat, ev);
		libinput_event_destroy(ev);
	}
	return G_SOURCE_CONTINUE;
}

static void input_seat_log(struct libinput *li, enum libinput_log_priority prio, const char *fmt,
                           va_list args) G_GNUC_PRINTF(3, 0);

static void
input_seat_log(struct libinput *li, enum libinput_log_priority prio, const char *fmt, va_list args)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, args);

	g_strchomp(msg);
	if (prio >= LIBINPUT_LOG_PRIORITY_ERROR)
		g_message("libinput: %s", msg);
	else
		g_debug("libinput: %s", msg);
}

InputSeat *
input_seat_new(const char *seat_name, const char *hotkey, const InputDesc *desc, GError **error)
{
	g_autoptr(InputSeat) seat = g_new0(InputSeat, 1);

	seat->desc = desc;
	seat->grabbed = TRUE;
	seat->fds = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	seat->keyboards = g_ptr_array_new();
	seat->out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	input_li_state_init(&seat->st);
	seat->n_hotkey = input_hotkey_parse(hotkey ? hotkey : INPUT_SEAT_DEFAULT_HOTKEY,
	                                    seat->hotkey, error);
	if (seat->n_hotkey < 0)
		return NULL;

	input_seat_logind_setup(seat);
	seat->udev = udev_new();
	if (!seat->udev) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
		            _("cannot create a udev context"));
		return NULL;
	}
	seat->li = libinput_udev_create_context(&input_seat_interface, seat, seat->udev);
	if (!seat->li) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
		            _("cannot create a libinput context"));
		return NULL;
	}
	libinput_log_set_handler(seat->li, input_seat_log);
	libinput_log_set_priority(seat->li, LIBINPUT_LOG_PRIORITY_INFO);
	if (libinput_udev_assign_seat(seat->li, seat_name) < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
		            _("libinput cannot take seat \"%s\" (is udev running?)"), seat_name);
		return NULL;
	}
	seat->watch = g_unix_fd_add(libinput_get_fd(seat->li), G_IO_IN, input_seat_dispatch, seat);
	/* Devices present now were added during assign_seat: handle them. */
	input_seat_dispatch(-1, G_IO_IN, seat);
	if (g_hash_table_size(seat->fds) == 0)
		/* Not an error: a device plugged in later is taken (hotplug). */
		g_message(_("seat %s has no input devices that this user can open; waiting for one "
		            "to be plugged in"),
		          seat_name);
	else
		g_message(_("seat %s: %u devices"), seat_name, g_hash_table_size(seat->fds));
	g_message(_("hot-key %s switches the seat's devices between guest and host"),
	          hotkey ? hotkey : INPUT_SEAT_DEFAULT_HOTKEY);
	return g_steal_pointer(&seat);
}

void
input_seat_free(InputSeat *seat)
{
	if (!seat)
		return;
	if (seat->watch)
		g_source_remove(seat->watch);
	for (unsigned int i = 0; i < seat->keyboards->len; i++)
		libinput_device_unref(g_ptr_array_index(seat->keyboards, i));
	g_ptr_array_unref(seat->keyboards);
	if (seat->li)
		libinput_unref(seat->li);
	if (seat->udev)
		udev_unref(seat->udev);
	if (seat->system) {
		GVariant *r = g_dbus_connection_call_sync(
		        seat->system, LOGIND_NAME, seat->session_path, LOGIND_SESSION,
		        "ReleaseControl", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);

		g_clear_pointer(&r, g_variant_unref);
		g_object_unref(seat->system);
	}
	g_free(seat->session_path);
	g_hash_table_unref(seat->fds);
	g_array_unref(seat->out);
	g_free(seat);
}

void
input_seat_set_desc(InputSeat *seat, const InputDesc *desc)
{
	seat->desc = desc;
	input_li_state_init(&seat->st);
}

/* ---- the source operations (source.h) ---- */

static void
seat_set_emit(void *impl, InputEmitFunc func, void *user_data)
{
	InputSeat *seat = impl;

	seat->emit = func;
	seat->emit_data = user_data;
}

/* Guest LEDs (EV_LED) go to every keyboard of the seat. */
static void
seat_write_status(void *impl, uint16_t type, uint16_t code, int32_t value)
{
	InputSeat *seat = impl;
	enum libinput_led bit;

	if (type != EV_LED)
		return;
	switch (code) {
	case LED_NUML:
		bit = LIBINPUT_LED_NUM_LOCK;
		break;
	case LED_CAPSL:
		bit = LIBINPUT_LED_CAPS_LOCK;
		break;
	case LED_SCROLLL:
		bit = LIBINPUT_LED_SCROLL_LOCK;
		break;
	default:
		return;
	}
	seat->leds = value ? (seat->leds | bit) : (seat->leds & ~bit);
	for (unsigned int i = 0; i < seat->keyboards->len; i++)
		libinput_device_led_update(g_ptr_array_index(seat->keyboards, i), seat->leds);
}

static gboolean
seat_set_grab(void *impl, gboolean grab, GError **error)
{
	InputSeat *seat = impl;

	if (grab != seat->grabbed)
		input_seat_apply_grab(seat, grab);
	return TRUE;
}

static gboolean
seat_is_grabbed(void *impl)
{
	InputSeat *seat = impl;

	return seat->grabbed;
}

/* The seat's devices are read from its creation: events wait for set_emit. */
static void
seat_start(void *impl)
{
}

static void
seat_source_free(void *impl)
{
	input_seat_free(impl);
}

const InputSourceOps input_seat_source_ops = {
	.name = "seat",
	.set_emit = seat_set_emit,
	.start = seat_start,
	.write_status = seat_write_status,
	.is_grabbed = seat_is_grabbed,
	.set_grab = seat_set_grab,
	.free = seat_source_free,
};
