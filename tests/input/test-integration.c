/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-desktop-input through the test front-end, with QEMU's 4-slot queues:
 * events injected over D-Bus reach the guest's used ring whole and in
 * order, config reads match the spec, status events reach the host side.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <linux/input.h>
#include <linux/virtio_input.h>
#include <string.h>

#include "frontend/frontend.h"
#include "notify-stats.h"

#define QSIZE 4
#define TIMEOUT 5000

typedef struct Fixture {
	char *dir;
	char *control;
	VfeFrontend *fe;
	GDBusConnection *bus;
	uint64_t evbuf[QSIZE]; /* GPA of the event buffer behind each descriptor id */
	uint64_t statusbuf;
} Fixture;

typedef struct Ev {
	uint16_t type, code;
	int32_t value;
} Ev;

/* A failed assertion aborts before vfe_free(): take the daemon down with us. */
static volatile GPid abort_child;

static void
on_abort(int sig)
{
	if (abort_child > 0)
		kill(abort_child, SIGKILL);
	signal(SIGABRT, SIG_DFL);
	raise(SIGABRT);
}

static void
post_event_buffer(Fixture *f, uint32_t len)
{
	uint64_t gpa = vfe_alloc(f->fe, 8, 8);
	VfeBuf buf = { gpa, len };
	int id;

	g_assert_cmpuint(gpa, !=, 0);
	vfe_mem_fill(f->fe, gpa, 0xcc, 8);
	id = vfe_queue_add(f->fe, 0, NULL, 0, &buf, 1);
	g_assert_cmpint(id, >=, 0);
	g_assert_cmpint(id, <, QSIZE);
	f->evbuf[id] = gpa;
}

static void
repost(Fixture *f, uint32_t id)
{
	VfeBuf buf = { f->evbuf[id], 8 };
	int nid;

	vfe_mem_fill(f->fe, buf.gpa, 0xcc, 8);
	nid = vfe_queue_add(f->fe, 0, NULL, 0, &buf, 1);
	g_assert_cmpint(nid, >=, 0);
	f->evbuf[nid] = buf.gpa;
	g_assert_cmpint(vfe_queue_kick(f->fe, 0), ==, 0);
}

static GVariant *
get_prop(Fixture *f, const char *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = g_dbus_connection_call_sync(
	        f->bus, NULL, "/org/vhostdesktop/Input1", "org.freedesktop.DBus.Properties", "Get",
	        g_variant_new("(ss)", "org.vhostdesktop.Input1", name), G_VARIANT_TYPE("(v)"),
	        G_DBUS_CALL_FLAGS_NONE, TIMEOUT, NULL, &error);
	GVariant *v;

	g_assert_no_error(error);
	g_variant_get(r, "(v)", &v);
	return v;
}

static void
fixture_setup(Fixture *f, const char *const *extra)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *prog = vfe_built_path("src/vhost-desktop-input");
	g_autofree char *ctl_arg = NULL;
	g_autofree char *address = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	gint64 deadline;

	f->dir = g_dir_make_tmp("vd-input-XXXXXX", &error);
	g_assert_no_error(error);
	f->control = g_build_filename(f->dir, "control", NULL);
	ctl_arg = g_strdup_printf("--control=%s", f->control);
	g_ptr_array_add(argv, prog);
	for (; *extra; extra++)
		g_ptr_array_add(argv, (char *)*extra);
	g_ptr_array_add(argv, ctl_arg);
	g_ptr_array_add(argv, NULL);

	f->fe = vfe_spawn((const char *const *)argv->pdata, &error);
	g_assert_no_error(error);
	abort_child = vfe_child_pid(f->fe);
	/* As QEMU's vhost-user-input-pci without an IOMMU, not logging. */
	g_assert_cmpint(
	        vfe_negotiate(f->fe,
	                      ~((1ull << VIRTIO_F_IOMMU_PLATFORM) | (1ull << VHOST_F_LOG_ALL)),
	                      UINT64_MAX),
	        ==, 0);
	g_assert_true(vfe_has_protocol_feature(f->fe, VHOST_USER_PROTOCOL_F_CONFIG));
	g_assert_true(vfe_has_feature(f->fe, VIRTIO_F_VERSION_1));
	g_assert_cmpint(vfe_mem_setup(f->fe, 1 << 20, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, 0, QSIZE, 0), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, 1, QSIZE, 0), ==, 0);

	/* The control socket exists once the daemon listens for the front-end. */
	address = g_strdup_printf("unix:path=%s", f->control);
	f->bus = g_dbus_connection_new_for_address_sync(
	        address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
	g_assert_no_error(error);

	/* Running once the event queue started: kick and enable arrived. */
	deadline = g_get_monotonic_time() + TIMEOUT * 1000;
	for (;;) {
		g_autoptr(GVariant) running = get_prop(f, "Running");

		if (g_variant_get_boolean(running))
			break;
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(10000);
	}
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	if (f->bus)
		g_dbus_connection_close_sync(f->bus, NULL, NULL);
	g_clear_object(&f->bus);
	abort_child = 0;
	if (f->fe) {
		int status = vfe_child_terminate(f->fe);

		/* A clean exit on SIGTERM, and the control socket removed. */
		g_assert_true(WIFEXITED(status));
		g_assert_cmpint(WEXITSTATUS(status), ==, 0);
		g_assert_false(g_file_test(f->control, G_FILE_TEST_EXISTS));
	}
	g_clear_pointer(&f->fe, vfe_free);
	if (f->dir)
		g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f->control);
}

static GVariant *
call(Fixture *f, const char *method, GVariant *params, GError **error)
{
	return g_dbus_connection_call_sync(f->bus, NULL, "/org/vhostdesktop/Input1",
	                                   "org.vhostdesktop.Input1", method, params, NULL,
	                                   G_DBUS_CALL_FLAGS_NONE, TIMEOUT, NULL, error);
}

static void
call_ok(Fixture *f, const char *method, GVariant *params)
{
	g_autoptr(GError) error = NULL;
	GVariant *r = call(f, method, params, &error);

	g_assert_no_error(error);
	g_variant_unref(r);
}

static GVariant *
events_variant(const Ev *ev, unsigned int n)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(qqi)"));
	for (unsigned int i = 0; i < n; i++)
		g_variant_builder_add(&b, "(qqi)", ev[i].type, ev[i].code, ev[i].value);
	return g_variant_new("(a(qqi))", &b);
}

/* The guest driver's side: take n events from the used ring, returning each buffer. */
static void
read_events(Fixture *f, Ev *out, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct virtio_input_event ev;
		uint32_t id, len;

		g_assert_cmpint(vfe_queue_wait_used(f->fe, 0, TIMEOUT, &id, &len), ==, 0);
		g_assert_cmpuint(id, <, QSIZE);
		g_assert_cmpuint(len, ==, sizeof(ev));
		g_assert_cmpint(vfe_mem_read(f->fe, f->evbuf[id], &ev, sizeof(ev)), ==, 0);
		out[i].type = GUINT16_FROM_LE(ev.type);
		out[i].code = GUINT16_FROM_LE(ev.code);
		out[i].value = (int32_t)GUINT32_FROM_LE(ev.value);
		repost(f, id);
	}
}

static void
assert_events(const Ev *got, const Ev *want, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		g_test_message("event %u: %u %u %d", i, got[i].type, got[i].code, got[i].value);
		g_assert_cmpuint(got[i].type, ==, want[i].type);
		g_assert_cmpuint(got[i].code, ==, want[i].code);
		g_assert_cmpint(got[i].value, ==, want[i].value);
	}
}

static void
start_guest(Fixture *f)
{
	for (unsigned int i = 0; i < QSIZE; i++)
		post_event_buffer(f, 8);
	g_assert_cmpint(vfe_queue_kick(f->fe, 0), ==, 0);
}

static const char *const tablet_args[] = { "--tablet", "--abs-x=0:1919", "--abs-y=-10:1079", NULL };

static void
test_long_frame(Fixture *f, gconstpointer data)
{
	/* 10 events in one frame through 4 buffers, then a second frame. */
	static const Ev frame[] = {
		{ EV_ABS, ABS_X, 100 },    { EV_ABS, ABS_Y, 200 },
		{ EV_KEY, BTN_LEFT, 1 },   { EV_REL, REL_WHEEL_HI_RES, 120 },
		{ EV_REL, REL_WHEEL, 1 },  { EV_ABS, ABS_X, 101 },
		{ EV_ABS, ABS_Y, -10 },    { EV_KEY, BTN_RIGHT, 1 },
		{ EV_KEY, BTN_MIDDLE, 1 }, { EV_SYN, SYN_REPORT, 0 },
	};
	static const Ev second[] = { { EV_ABS, ABS_X, 1919 },
		                     { EV_ABS, ABS_Y, 1079 },
		                     { EV_SYN, SYN_REPORT, 0 } };
	Ev got[G_N_ELEMENTS(frame) + G_N_ELEMENTS(second)];
	g_autoptr(GVariant) delivered = NULL;

	fixture_setup(f, tablet_args);
	start_guest(f);
	call_ok(f, "InjectEvents", events_variant(frame, G_N_ELEMENTS(frame)));
	call_ok(f, "MoveAbsolute", g_variant_new("(ii)", 1919, 1079));
	read_events(f, got, G_N_ELEMENTS(got));
	assert_events(got, frame, G_N_ELEMENTS(frame));
	assert_events(got + G_N_ELEMENTS(frame), second, G_N_ELEMENTS(second));
	/* Nothing more, nothing repeated. */
	g_assert_cmpint(vfe_queue_wait_used(f->fe, 0, 100, NULL, NULL), ==, -ETIMEDOUT);
	delivered = get_prop(f, "DeliveredEvents");
	g_assert_cmpuint(g_variant_get_uint64(delivered), ==, G_N_ELEMENTS(got));
}

static void
assert_bad_args(Fixture *f)
{
	static const struct {
		const char *method;
		const char *params;
		const char *message;
	} cases[] = {
		{ "InjectEvents", "([(uint16 1, uint16 30, 1)],)",
		  "event 0 (1, 30, 1): EV_KEY code 30 is not one of this device (vhost-desktop "
		  "tablet)" },
		{ "InjectEvents", "([(uint16 17, uint16 0, 1)],)",
		  "event 0 (17, 0, 1): unknown event type EV_LED for this device (vhost-desktop "
		  "tablet)" },
		{ "InjectEvents", "([(uint16 3, uint16 0, 5), (3, 1, 2000)],)",
		  "event 1 (3, 1, 2000): value 2000 out of the range of ABS_Y (-10..1079)" },
		{ "InjectEvents", "([(uint16 40, uint16 0, 0)],)",
		  "event 0 (40, 0, 0): unknown event type 40" },
		{ "MoveAbsolute", "(1920, 0)", "value 1920 out of the range of ABS_X (0..1919)" },
		{ "MoveRelative", "(1, 1)",
		  "this device (vhost-desktop tablet) has no relative axes REL_X/REL_Y (a mouse "
		  "has)" },
		{ "Touch", "(uint32 0, 'down', 1, 1)",
		  "this device (vhost-desktop tablet) has no multitouch slots (start the daemon "
		  "with --multitouch)" },
		{ "Touch", "(uint32 0, 'press', 1, 1)",
		  "unknown touch action \"press\" (down, motion or up)" },
		{ "Button", "(uint16 30, true)",
		  "button 30 is not one of this device (vhost-desktop tablet); BTN_LEFT is 272" },
	};

	for (unsigned int i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) params =
		        g_variant_parse(NULL, cases[i].params, NULL, NULL, NULL);
		g_autoptr(GVariant) r = NULL;
		g_autofree char *remote = NULL;

		g_assert_nonnull(params);
		r = call(f, cases[i].method, g_variant_ref_sink(params), &error);
		g_assert_null(r);
		g_assert_true(g_dbus_error_is_remote_error(error));
		remote = g_dbus_error_get_remote_error(error);
		g_assert_cmpstr(remote, ==, "org.vhostdesktop.Error.InvalidArgument");
		g_dbus_error_strip_remote_error(error);
		g_assert_cmpstr(error->message, ==, cases[i].message);
	}
}

/* A call the device can never take says why, with or without a guest. */
static void
test_bad_args(Fixture *f, gconstpointer data)
{
	g_autoptr(GVariant) delivered = NULL;

	fixture_setup(f, tablet_args);
	start_guest(f);
	assert_bad_args(f);
	/* Nothing of the rejected calls reached the guest. */
	g_assert_cmpint(vfe_queue_wait_used(f->fe, 0, 100, NULL, NULL), ==, -ETIMEDOUT);
	delivered = get_prop(f, "DeliveredEvents");
	g_assert_cmpuint(g_variant_get_uint64(delivered), ==, 0);
}

static uint8_t
config_select(Fixture *f, uint8_t select, uint8_t subsel, struct virtio_input_config *c)
{
	/* As QEMU: each guest byte write is a whole-structure SET_CONFIG. */
	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(*c), c), ==, 0);
	c->select = select;
	g_assert_cmpint(vfe_set_config(f->fe, 0, sizeof(*c), VHOST_SET_CONFIG_TYPE_FRONTEND, c), ==,
	                0);
	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(*c), c), ==, 0);
	c->subsel = subsel;
	g_assert_cmpint(vfe_set_config(f->fe, 0, sizeof(*c), VHOST_SET_CONFIG_TYPE_FRONTEND, c), ==,
	                0);
	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(*c), c), ==, 0);
	g_assert_cmpuint(c->select, ==, select);
	g_assert_cmpuint(c->subsel, ==, subsel);
	return c->size;
}

static void
test_config(Fixture *f, gconstpointer data)
{
	struct virtio_input_config c;
	uint8_t b;

	fixture_setup(f, tablet_args);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_ID_NAME, 0, &c), ==, 20);
	g_assert_cmpmem(c.u.string, 20, "vhost-desktop tablet", 20);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_ID_SERIAL, 0, &c), ==, 0);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, &c), ==, 8);
	g_assert_cmpuint(GUINT16_FROM_LE(c.u.ids.bustype), ==, BUS_VIRTUAL);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_PROP_BITS, 0, &c), ==, 0);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &c), ==, 1);
	g_assert_cmpuint(c.u.bitmap[0], ==, 3);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &c), ==,
	                 BTN_EXTRA / 8 + 1);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_EV_BITS, EV_REP, &c), ==, 0);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_ABS_INFO, ABS_X, &c), ==, 20);
	g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.min), ==, 0);
	g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.max), ==, 1919);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_ABS_INFO, ABS_Y, &c), ==, 20);
	g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.min), ==, -10);
	g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.max), ==, 1079);
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_ABS_INFO, ABS_Z, &c), ==, 0);

	/* As the Linux driver on a transport that forwards bytes: 1-byte writes. */
	b = VIRTIO_INPUT_CFG_EV_BITS;
	g_assert_cmpint(vfe_set_config(f->fe, 0, 1, VHOST_SET_CONFIG_TYPE_FRONTEND, &b), ==, 0);
	b = EV_REL;
	g_assert_cmpint(vfe_set_config(f->fe, 1, 1, VHOST_SET_CONFIG_TYPE_FRONTEND, &b), ==, 0);
	g_assert_cmpint(vfe_get_config(f->fe, 2, 1, &b), ==, 0);
	g_assert_cmpuint(b, ==, REL_HWHEEL_HI_RES / 8 + 1);
	/* Out of range: an error, not a crash. */
	g_assert_cmpint(vfe_get_config(f->fe, 130, 10, &c), <, 0);
}

typedef struct StatusSeen {
	unsigned int count;
	uint16_t type, code;
	int32_t value;
} StatusSeen;

static void
on_status(GDBusConnection *conn, const char *sender, const char *path, const char *iface,
          const char *signal, GVariant *params, gpointer user_data)
{
	StatusSeen *s = user_data;

	g_variant_get(params, "(qqi)", &s->type, &s->code, &s->value);
	s->count++;
}

static void
test_status(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--keyboard", NULL };
	struct virtio_input_event led = { GUINT16_TO_LE(EV_LED), GUINT16_TO_LE(LED_CAPSL),
		                          GUINT32_TO_LE(1) };
	StatusSeen seen = { 0 };
	uint32_t len = 99;
	uint64_t gpa;
	VfeBuf buf;
	guint sub;
	gint64 deadline;

	fixture_setup(f, args);
	start_guest(f);
	sub = g_dbus_connection_signal_subscribe(f->bus, NULL, "org.vhostdesktop.Input1",
	                                         "StatusEvent", "/org/vhostdesktop/Input1", NULL,
	                                         G_DBUS_SIGNAL_FLAGS_NONE, on_status, &seen, NULL);
	/* The guest turns Caps Lock on, as the Linux driver does through the status queue. */
	gpa = vfe_alloc(f->fe, sizeof(led), 8);
	vfe_mem_write(f->fe, gpa, &led, sizeof(led));
	buf = (VfeBuf){ gpa, sizeof(led) };
	g_assert_cmpint(vfe_queue_add(f->fe, 1, &buf, 1, NULL, 0), >=, 0);
	g_assert_cmpint(vfe_queue_kick(f->fe, 1), ==, 0);
	g_assert_cmpint(vfe_queue_wait_used(f->fe, 1, TIMEOUT, NULL, &len), ==, 0);
	g_assert_cmpuint(len, ==, 0);

	deadline = g_get_monotonic_time() + TIMEOUT * 1000;
	while (seen.count == 0 && g_get_monotonic_time() < deadline)
		g_main_context_iteration(NULL, FALSE) || (g_usleep(1000), TRUE);
	g_assert_cmpuint(seen.count, ==, 1);
	g_assert_cmpuint(seen.type, ==, EV_LED);
	g_assert_cmpuint(seen.code, ==, LED_CAPSL);
	g_assert_cmpint(seen.value, ==, 1);
	{
		g_autoptr(GVariant) leds = get_prop(f, "Leds");

		g_assert_cmpuint(g_variant_get_uint32(leds), ==, 1u << LED_CAPSL);
	}
	/* Never fed back to the guest as an input event. */
	g_assert_cmpint(vfe_queue_wait_used(f->fe, 0, 200, NULL, NULL), ==, -ETIMEDOUT);
	g_dbus_connection_signal_unsubscribe(f->bus, sub);
}

static void
test_short_buffer(Fixture *f, gconstpointer data)
{
	static const Ev want[] = { { EV_KEY, KEY_A, 1 }, { EV_SYN, SYN_REPORT, 0 } };
	static const char *const args[] = { "--keyboard", NULL };
	uint32_t id, len = 99;
	Ev got[2];

	fixture_setup(f, args);
	/* A broken driver's 4-byte buffer first: completed empty, the event not lost. */
	post_event_buffer(f, 4);
	g_assert_cmpint(vfe_queue_kick(f->fe, 0), ==, 0);
	call_ok(f, "PressKey", g_variant_new("(q)", KEY_A));
	g_assert_cmpint(vfe_queue_wait_used(f->fe, 0, TIMEOUT, &id, &len), ==, 0);
	g_assert_cmpuint(len, ==, 0);
	for (unsigned int i = 0; i < QSIZE - 1; i++)
		post_event_buffer(f, 8);
	g_assert_cmpint(vfe_queue_kick(f->fe, 0), ==, 0);
	read_events(f, got, 2);
	assert_events(got, want, 2);
}

static void
test_odd_buffers(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--keyboard", NULL };
	struct virtio_input_event ev;
	struct virtio_input_event bad_led = { GUINT16_TO_LE(EV_LED), GUINT16_TO_LE(LED_MAX),
		                              GUINT32_TO_LE(1) };
	uint64_t a, b, st;
	uint32_t id, len = 99;
	VfeBuf halves[2];
	VfeBuf out;
	Ev got[1];

	fixture_setup(f, args);
	/* One event over a chain of two 4-byte buffers: legal, so delivered across both. */
	a = vfe_alloc(f->fe, 4, 4);
	b = vfe_alloc(f->fe, 4, 4);
	halves[0] = (VfeBuf){ a, 4 };
	halves[1] = (VfeBuf){ b, 4 };
	g_assert_cmpint(vfe_queue_add(f->fe, 0, NULL, 0, halves, 2), >=, 0);
	post_event_buffer(f, 8);
	g_assert_cmpint(vfe_queue_kick(f->fe, 0), ==, 0);
	call_ok(f, "PressKey", g_variant_new("(q)", KEY_Z));
	g_assert_cmpint(vfe_queue_wait_used(f->fe, 0, TIMEOUT, &id, &len), ==, 0);
	g_assert_cmpuint(len, ==, 8);
	vfe_mem_read(f->fe, a, &ev, 4);
	vfe_mem_read(f->fe, b, (uint8_t *)&ev + 4, 4);
	g_assert_cmpuint(GUINT16_FROM_LE(ev.type), ==, EV_KEY);
	g_assert_cmpuint(GUINT16_FROM_LE(ev.code), ==, KEY_Z);
	g_assert_cmpuint(GUINT32_FROM_LE(ev.value), ==, 1);
	read_events(f, got, 1);
	g_assert_cmpuint(got[0].type, ==, EV_SYN);

	/* Status buffers too short, or for an LED the keyboard lacks: used, ignored. */
	st = vfe_alloc(f->fe, 8, 8);
	vfe_mem_write(f->fe, st, &bad_led, sizeof(bad_led));
	out = (VfeBuf){ st, 4 };
	g_assert_cmpint(vfe_queue_add(f->fe, 1, &out, 1, NULL, 0), >=, 0);
	out = (VfeBuf){ st, 8 };
	g_assert_cmpint(vfe_queue_add(f->fe, 1, &out, 1, NULL, 0), >=, 0);
	g_assert_cmpint(vfe_queue_kick(f->fe, 1), ==, 0);
	for (int i = 0; i < 2; i++) {
		len = 99;
		g_assert_cmpint(vfe_queue_wait_used(f->fe, 1, TIMEOUT, NULL, &len), ==, 0);
		g_assert_cmpuint(len, ==, 0);
	}
	{
		g_autoptr(GVariant) leds = get_prop(f, "Leds");

		g_assert_cmpuint(g_variant_get_uint32(leds), ==, 0);
	}
	/* The device still works. */
	call_ok(f, "ReleaseKey", g_variant_new("(q)", KEY_Z));
}

static void
test_stuck_guest(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--mouse", "--queue-limit=64", NULL };
	g_autoptr(GVariant) dropped = NULL;
	Ev got[12];

	fixture_setup(f, args);
	start_guest(f);
	/* 4 buffers fill, then 200 frames of 3 events wait for a guest that never reads. */
	for (int i = 1; i <= 200; i++)
		call_ok(f, "MoveRelative", g_variant_new("(ii)", i, -i));
	dropped = get_prop(f, "DroppedFrames");
	g_assert_cmpuint(g_variant_get_uint64(dropped), >, 100);
	/*
	 * The guest wakes up: frame 1 and the part of frame 2 it already had,
	 * the rest of frame 2, then only whole frames, the newest ones, in order.
	 */
	read_events(f, got, G_N_ELEMENTS(got));
	for (unsigned int i = 0; i < G_N_ELEMENTS(got); i += 3) {
		g_assert_cmpuint(got[i].type, ==, EV_REL);
		g_assert_cmpuint(got[i].code, ==, REL_X);
		g_assert_cmpuint(got[i + 1].code, ==, REL_Y);
		g_assert_cmpint(got[i + 1].value, ==, -got[i].value);
		g_assert_cmpuint(got[i + 2].type, ==, EV_SYN);
	}
	g_assert_cmpint(got[0].value, ==, 1);
	g_assert_cmpint(got[3].value, ==, 2);
	g_assert_cmpint(got[6].value, >, 150);
	g_assert_cmpint(got[9].value, ==, got[6].value + 1);
}

/* A key and a release reach the guest, which reads them as a driver would. */
static void
key_traffic(Fixture *f)
{
	static const Ev want[] = { { EV_KEY, KEY_A, 1 },
		                   { EV_SYN, SYN_REPORT, 0 },
		                   { EV_KEY, KEY_A, 0 },
		                   { EV_SYN, SYN_REPORT, 0 } };
	Ev got[G_N_ELEMENTS(want)];

	start_guest(f);
	call_ok(f, "PressKey", g_variant_new("(q)", KEY_A));
	call_ok(f, "ReleaseKey", g_variant_new("(q)", KEY_A));
	read_events(f, got, G_N_ELEMENTS(got));
	assert_events(got, want, G_N_ELEMENTS(want));
}

/*
 * HostNotifiers and NotifyStats, with and without --host-notifiers (data), after
 * events the guest reads, none of which may be lost.
 */
static void
test_notify_props(Fixture *f, gconstpointer data)
{
	gboolean notifiers = GPOINTER_TO_INT(data);
	const char *const args[] = { "--keyboard", notifiers ? "--host-notifiers" : NULL, NULL };
	g_autoptr(GVariant) on = NULL;
	g_autoptr(GVariant) stats = NULL;

	fixture_setup(f, args);
	key_traffic(f);
	on = get_prop(f, "HostNotifiers");
	stats = get_prop(f, "NotifyStats");
	notify_props_check(on, stats, notifiers);
}

static void
test_migration(Fixture *f, gconstpointer data)
{
	struct virtio_input_config c;
	g_autoptr(GBytes) state = NULL;
	g_autoptr(GError) error = NULL;
	static const uint8_t garbage[6] = { 1, 2, 3, 4, 5, 6 };
	uint32_t base;

	fixture_setup(f, tablet_args);
	g_assert_true(vfe_has_protocol_feature(f->fe, VHOST_USER_PROTOCOL_F_DEVICE_STATE));
	/* The driver had ABS_INFO/ABS_Y selected when the VM was stopped. */
	g_assert_cmpuint(config_select(f, VIRTIO_INPUT_CFG_ABS_INFO, ABS_Y, &c), ==, 20);
	g_assert_cmpint(vfe_queue_get_base(f->fe, 0, &base), ==, 0);
	g_assert_cmpint(vfe_queue_get_base(f->fe, 1, &base), ==, 0);
	g_assert_cmpint(vfe_device_state_save(f->fe, &state), ==, 0);

	/* A fresh daemon, as on the destination host, gets the state. */
	g_assert_true(vfe_restart(f->fe, &error));
	g_assert_no_error(error);
	abort_child = vfe_child_pid(f->fe);
	g_assert_cmpint(
	        vfe_negotiate(f->fe,
	                      ~((1ull << VIRTIO_F_IOMMU_PLATFORM) | (1ull << VHOST_F_LOG_ALL)),
	                      UINT64_MAX),
	        ==, 0);
	g_assert_cmpint(vfe_device_state_load(f->fe, garbage, sizeof(garbage)), ==, -EIO);
	g_assert_cmpint(vfe_device_state_load(f->fe, g_bytes_get_data(state, NULL),
	                                      g_bytes_get_size(state)),
	                ==, 0);
	/* The driver's next read sees what it selected before. */
	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(c), &c), ==, 0);
	g_assert_cmpuint(c.select, ==, VIRTIO_INPUT_CFG_ABS_INFO);
	g_assert_cmpuint(c.subsel, ==, ABS_Y);
	g_assert_cmpuint(c.size, ==, 20);
	g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.max), ==, 1079);
}

static void
wait_running(Fixture *f, gboolean want)
{
	gint64 deadline = g_get_monotonic_time() + TIMEOUT * 1000;

	for (;;) {
		g_autoptr(GVariant) running = get_prop(f, "Running");

		if (g_variant_get_boolean(running) == want)
			return;
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(10000);
	}
}

/* With no guest driver running, a call the device can never take still says why. */
static void
test_bad_args_no_guest(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;
	g_autofree char *remote = NULL;

	fixture_setup(f, tablet_args);
	vfe_disconnect(f->fe);
	wait_running(f, FALSE);
	assert_bad_args(f);
	/* A valid call has nowhere to go: NotRunning. */
	r = call(f, "MoveAbsolute", g_variant_new("(ii)", 5, 5), &error);
	g_assert_null(r);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, "org.vhostdesktop.Error.NotRunning");
	g_dbus_error_strip_remote_error(error);
	g_assert_cmpstr(error->message, ==,
	                "the guest driver does not run the event queue (yet): events not sent");
}

static void
test_reconnect(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--multitouch", "--abs-x=0:99", "--abs-y=0:99", NULL };
	static const Ev first[] = { { EV_ABS, ABS_MT_SLOT, 0 },
		                    { EV_ABS, ABS_MT_TRACKING_ID, 0 },
		                    { EV_ABS, ABS_MT_POSITION_X, 10 },
		                    { EV_ABS, ABS_MT_POSITION_Y, 11 },
		                    { EV_KEY, BTN_TOUCH, 1 },
		                    { EV_ABS, ABS_X, 10 },
		                    { EV_ABS, ABS_Y, 11 },
		                    { EV_SYN, SYN_REPORT, 0 } };
	static const Ev again[] = { { EV_ABS, ABS_MT_SLOT, 0 },
		                    { EV_ABS, ABS_MT_TRACKING_ID, 1 },
		                    { EV_ABS, ABS_MT_POSITION_X, 20 },
		                    { EV_ABS, ABS_MT_POSITION_Y, 21 },
		                    { EV_KEY, BTN_TOUCH, 1 },
		                    { EV_ABS, ABS_X, 20 },
		                    { EV_ABS, ABS_Y, 21 },
		                    { EV_SYN, SYN_REPORT, 0 } };
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;
	Ev got[8];

	fixture_setup(f, args);
	start_guest(f);
	/* An 8-event touch frame through 4 buffers. */
	call_ok(f, "Touch", g_variant_new("(usii)", 0, "down", 10, 11));
	read_events(f, got, 8);
	assert_events(got, first, 8);

	/*
	 * QEMU goes away with the finger down: the contact is forgotten with the
	 * device's state, and valid input meanwhile is refused, not queued.
	 */
	vfe_disconnect(f->fe);
	wait_running(f, FALSE);
	r = call(f, "Touch", g_variant_new("(usii)", 0, "down", 1, 1), &error);
	g_assert_null(r);
	g_assert_true(g_dbus_error_is_remote_error(error));
	{
		g_autofree char *remote = g_dbus_error_get_remote_error(error);

		g_assert_cmpstr(remote, ==, "org.vhostdesktop.Error.NotRunning");
	}

	/* A new boot: the old contact is forgotten, the new one starts clean. */
	g_assert_cmpint(vfe_reconnect(f->fe, TIMEOUT), ==, 0);
	g_assert_cmpint(
	        vfe_negotiate(f->fe,
	                      ~((1ull << VIRTIO_F_IOMMU_PLATFORM) | (1ull << VHOST_F_LOG_ALL)),
	                      UINT64_MAX),
	        ==, 0);
	g_assert_cmpint(vfe_mem_setup(f->fe, 1 << 20, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, 0, QSIZE, 0), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, 1, QSIZE, 0), ==, 0);
	wait_running(f, TRUE);
	start_guest(f);
	call_ok(f, "Touch", g_variant_new("(usii)", 0, "down", 20, 21));
	read_events(f, got, 8);
	assert_events(got, again, 8);
	g_assert_cmpint(vfe_queue_wait_used(f->fe, 0, 100, NULL, NULL), ==, -ETIMEDOUT);
}

static void
test_session_bus(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--keyboard", "--dbus-session", NULL };
	static const Ev want[] = { { EV_KEY, KEY_B, 1 }, { EV_SYN, SYN_REPORT, 0 } };
	g_autofree char *daemon = g_find_program_in_path("dbus-daemon");
	g_autoptr(GTestDBus) tbus = NULL;
	g_autoptr(GDBusConnection) session = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;
	gint64 deadline;
	Ev got[2];

	if (!daemon) {
		g_test_skip("no dbus-daemon for a private session bus");
		return;
	}
	/* A private session bus; the daemon inherits its address. */
	tbus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(tbus);
	fixture_setup(f, args);
	start_guest(f);
	session = g_dbus_connection_new_for_address_sync(
	        g_test_dbus_get_bus_address(tbus),
	        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
	                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
	        NULL, NULL, &error);
	g_assert_no_error(error);
	deadline = g_get_monotonic_time() + TIMEOUT * 1000;
	for (;;) {
		r = g_dbus_connection_call_sync(
		        session, "org.vhostdesktop.Input1", "/org/vhostdesktop/Input1",
		        "org.vhostdesktop.Input1", "PressKey", g_variant_new("(q)", KEY_B), NULL,
		        G_DBUS_CALL_FLAGS_NONE, TIMEOUT, NULL, NULL);
		if (r)
			break;
		/* The name is owned asynchronously. */
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(20000);
	}
	read_events(f, got, 2);
	assert_events(got, want, 2);
	/* Tear down the daemon while the bus still exists. */
	fixture_teardown(f, NULL);
	memset(f, 0, sizeof(*f));
	g_dbus_connection_close_sync(session, NULL, NULL);
	g_test_dbus_down(tbus);
}

/* As libvirt starts it: --print-capabilities, then --fd=N on a connected socket. */
static void
test_libvirt_fd(void)
{
	g_autofree char *prog = vfe_built_path("src/vhost-desktop-input");
	const char *caps_argv[] = { prog, "--print-capabilities", NULL };
	const char *argv[] = { prog, "--tablet", "--name=libvirt tablet", NULL };
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = NULL;
	struct virtio_input_config c = { 0 };
	int status;

	g_assert_true(g_spawn_sync(NULL, (char **)caps_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	                           &out, NULL, &status, &error));
	g_assert_no_error(error);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	g_assert_cmpstr(out, ==,
	                "{\"type\":\"input\",\"features\":[\"evdev-path\",\"no-grab\"]}\n");

	fe = vfe_spawn_fd(argv, &error);
	g_assert_no_error(error);
	abort_child = vfe_child_pid(fe);
	g_assert_cmpint(
	        vfe_negotiate(fe, ~((1ull << VIRTIO_F_IOMMU_PLATFORM) | (1ull << VHOST_F_LOG_ALL)),
	                      UINT64_MAX),
	        ==, 0);
	c.select = VIRTIO_INPUT_CFG_ID_NAME;
	g_assert_cmpint(vfe_set_config(fe, 0, 2, VHOST_SET_CONFIG_TYPE_FRONTEND, &c), ==, 0);
	g_assert_cmpint(vfe_get_config(fe, 0, sizeof(c), &c), ==, 0);
	g_assert_cmpuint(c.size, ==, strlen("libvirt tablet"));
	g_assert_cmpmem(c.u.string, c.size, "libvirt tablet", c.size);
	/* With --fd the daemon ends when the front-end closes the socket. */
	vfe_disconnect(fe);
	status = vfe_child_wait(fe, TIMEOUT);
	g_assert_cmpint(status, >=, 0);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	abort_child = 0;
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	signal(SIGABRT, on_abort);
	g_test_add("/input/integration/long-frame", Fixture, NULL, NULL, test_long_frame,
	           fixture_teardown);
	g_test_add("/input/integration/bad-args", Fixture, NULL, NULL, test_bad_args,
	           fixture_teardown);
	g_test_add("/input/integration/bad-args-no-guest", Fixture, NULL, NULL,
	           test_bad_args_no_guest, fixture_teardown);
	g_test_add("/input/integration/config", Fixture, NULL, NULL, test_config, fixture_teardown);
	g_test_add("/input/integration/status", Fixture, NULL, NULL, test_status, fixture_teardown);
	g_test_add("/input/integration/short-buffer", Fixture, NULL, NULL, test_short_buffer,
	           fixture_teardown);
	g_test_add("/input/integration/reconnect", Fixture, NULL, NULL, test_reconnect,
	           fixture_teardown);
	g_test_add("/input/integration/session-bus", Fixture, NULL, NULL, test_session_bus,
	           fixture_teardown);
	g_test_add("/input/integration/migration", Fixture, NULL, NULL, test_migration,
	           fixture_teardown);
	g_test_add("/input/integration/odd-buffers", Fixture, NULL, NULL, test_odd_buffers,
	           fixture_teardown);
	g_test_add_func("/input/integration/libvirt-fd", test_libvirt_fd);
	g_test_add("/input/integration/stuck-guest", Fixture, NULL, NULL, test_stuck_guest,
	           fixture_teardown);
	g_test_add("/input/integration/notify-stats", Fixture, GINT_TO_POINTER(FALSE), NULL,
	           test_notify_props, fixture_teardown);
	g_test_add("/input/integration/host-notifiers", Fixture, GINT_TO_POINTER(TRUE), NULL,
	           test_notify_props, fixture_teardown);
	return g_test_run();
}
