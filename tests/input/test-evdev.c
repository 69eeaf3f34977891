/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * evdev passthrough from recorded devices: a description file and an event
 * stream as read(2) gives it, fed through a socket standing in for
 * /dev/input/eventN (none exist on build machines).
 */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "input/source-evdev.h"

static InputDesc *
load_desc(const char *name)
{
	g_autofree char *path = g_build_filename(INPUT_TEST_DATA, name, NULL);
	g_autoptr(GError) error = NULL;
	InputDesc *desc = input_desc_load(path, &error);

	g_assert_no_error(error);
	return desc;
}

/* "SEC.USEC TYPE CODE VALUE" lines into struct input_event. */
static GArray *
load_events(const char *name)
{
	g_autofree char *path = g_build_filename(INPUT_TEST_DATA, name, NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct input_event));

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		struct input_event ev;
		long sec, usec;
		int type, code, value;

		if (!**l || **l == '#')
			continue;
		g_assert_cmpint(sscanf(*l, "%ld.%ld %d %d %d", &sec, &usec, &type, &code, &value),
		                ==, 5);
		memset(&ev, 0, sizeof(ev));
		ev.input_event_sec = sec;
		ev.input_event_usec = usec;
		ev.type = (uint16_t)type;
		ev.code = (uint16_t)code;
		ev.value = value;
		g_array_append_val(out, ev);
	}
	return out;
}

static void
collect(uint16_t type, uint16_t code, int32_t value, void *user_data)
{
	InputEvent e = { type, code, value };

	g_array_append_val((GArray *)user_data, e);
}

/* Play the recording into a socket, then hang up as an unplugged device does. */
static GArray *
play(const char *desc_name, const char *events_name, int *peer_out)
{
	GArray *events = load_events(events_name);
	GArray *got = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	g_autoptr(InputEvdev) ev = NULL;
	int sv[2];
	gint64 deadline;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), ==,
	                0);
	ev = input_evdev_new_for_fd(sv[0], load_desc(desc_name));
	/* Through the source interface, as the daemon drives it. */
	input_evdev_source_ops.set_emit(ev, collect, got);
	input_evdev_source_ops.start(ev);
	g_assert_cmpint(write(sv[1], events->data, events->len * sizeof(struct input_event)), ==,
	                (ssize_t)(events->len * sizeof(struct input_event)));
	if (peer_out) {
		/* A status event from the guest, written back to the device. */
		input_evdev_source_ops.write_status(ev, EV_LED, LED_CAPSL, 1);
		*peer_out = sv[1];
	}
	shutdown(sv[1], SHUT_WR);
	deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (input_evdev_is_open(ev) && g_get_monotonic_time() < deadline)
		g_main_context_iteration(NULL, TRUE);
	g_assert_false(input_evdev_is_open(ev));
	if (!peer_out)
		close(sv[1]);
	g_array_unref(events);
	return got;
}

static void
expect(GArray *got, const InputEvent *want, unsigned int n)
{
	for (unsigned int i = 0; i < got->len; i++) {
		const InputEvent *e = &g_array_index(got, InputEvent, i);

		g_test_message("%u: %u %u %d", i, e->type, e->code, e->value);
	}
	g_assert_cmpuint(got->len, ==, n);
	for (unsigned int i = 0; i < n; i++) {
		const InputEvent *e = &g_array_index(got, InputEvent, i);

		g_assert_cmpuint(e->type, ==, want[i].type);
		g_assert_cmpuint(e->code, ==, want[i].code);
		g_assert_cmpint(e->value, ==, want[i].value);
	}
}

static void
test_touchscreen(void)
{
	static const InputEvent want[] = {
		/* Two fingers in one 13-event frame, whole. */
		{ 3, 47, 0 },
		{ 3, 57, 10 },
		{ 3, 53, 100 },
		{ 3, 54, 200 },
		{ 3, 47, 1 },
		{ 3, 57, 11 },
		{ 3, 53, 300 },
		{ 3, 54, 400 },
		{ 1, 330, 1 },
		{ 3, 0, 100 },
		{ 3, 1, 200 },
		{ 4, 5, 1000 },
		{ 0, 0, 0 },
		/* The frame around SYN_DROPPED is gone; the next one is whole. */
		{ 3, 47, 0 },
		{ 3, 57, -1 },
		{ 3, 47, 1 },
		{ 3, 57, -1 },
		{ 1, 330, 0 },
		{ 0, 0, 0 },
	};
	g_autoptr(GArray) got = play("touchscreen.desc", "touchscreen.events", NULL);

	expect(got, want, G_N_ELEMENTS(want));
}

static void
test_keyboard(void)
{
	static const InputEvent want[] = {
		{ EV_MSC, MSC_SCAN, 458756 },
		{ EV_KEY, KEY_A, 1 },
		{ EV_SYN, SYN_REPORT, 0 },
		/* No repeat (the guest repeats), no LED echo, no empty frames. */
		{ EV_KEY, KEY_LEFTSHIFT, 1 },
		{ EV_SYN, SYN_REPORT, 0 },
		/* Unplugged: what was down is released. */
		{ EV_KEY, KEY_A, 0 },
		{ EV_KEY, KEY_LEFTSHIFT, 0 },
		{ EV_SYN, SYN_REPORT, 0 },
	};
	struct input_event led[2];
	int peer = -1;
	g_autoptr(GArray) got = play("usb-keyboard.desc", "usb-keyboard.events", &peer);

	expect(got, want, G_N_ELEMENTS(want));
	/* The guest's Caps Lock went to the device as EV_LED + SYN_REPORT. */
	g_assert_cmpint(read(peer, led, sizeof(led)), ==, sizeof(led));
	g_assert_cmpuint(led[0].type, ==, EV_LED);
	g_assert_cmpuint(led[0].code, ==, LED_CAPSL);
	g_assert_cmpint(led[0].value, ==, 1);
	g_assert_cmpuint(led[1].type, ==, EV_SYN);
	close(peer);
}

static void
test_filter_unknown_codes(void)
{
	g_autoptr(InputDesc) desc = load_desc("usb-mouse.desc");
	g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	InputEvdevFilter f;
	static const struct input_event in[] = {
		{ .type = EV_REL, .code = REL_X, .value = 3 },
		{ .type = EV_REL, .code = REL_Z, .value = 1 }, /* not on this mouse */
		{ .type = EV_KEY, .code = KEY_A, .value = 1 }, /* nor this */
		{ .type = EV_SYN, .code = SYN_REPORT },
	};
	static const InputEvent want[] = { { EV_REL, REL_X, 3 }, { EV_SYN, SYN_REPORT, 0 } };

	input_evdev_filter_init(&f);
	for (unsigned int i = 0; i < G_N_ELEMENTS(in); i++)
		input_evdev_filter_feed(&f, desc, &in[i], collect, got);
	expect(got, want, G_N_ELEMENTS(want));
	input_evdev_filter_clear(&f);
}

static void
test_resync_after_drop(void)
{
	g_autoptr(InputDesc) desc = load_desc("usb-keyboard.desc");
	g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	uint8_t down_now[KEY_CNT / 8 + 1] = { 0 };
	InputEvdevFilter f;
	static const struct input_event in[] = {
		{ .type = EV_KEY, .code = KEY_A, .value = 1 },
		{ .type = EV_KEY, .code = KEY_B, .value = 1 },
		{ .type = EV_SYN, .code = SYN_REPORT },
		/* The kernel's buffer overflowed: A's release was lost. */
		{ .type = EV_SYN, .code = SYN_DROPPED },
		{ .type = EV_KEY, .code = KEY_C, .value = 1 },
		{ .type = EV_SYN, .code = SYN_REPORT },
	};
	static const InputEvent want[] = {
		{ EV_KEY, KEY_A, 1 },
		{ EV_KEY, KEY_B, 1 },
		{ EV_SYN, SYN_REPORT, 0 },
		/* EVIOCGKEY says only B (and C, whose press was lost) are down. */
		{ EV_KEY, KEY_A, 0 },
		{ EV_SYN, SYN_REPORT, 0 },
	};

	input_evdev_filter_init(&f);
	for (unsigned int i = 0; i < G_N_ELEMENTS(in); i++)
		input_evdev_filter_feed(&f, desc, &in[i], collect, got);
	g_assert_true(f.resync);
	down_now[KEY_B / 8] |= 1u << (KEY_B % 8);
	down_now[KEY_C / 8] |= 1u << (KEY_C % 8);
	input_evdev_filter_resync_keys(&f, down_now, collect, got);
	g_assert_false(f.resync);
	expect(got, want, G_N_ELEMENTS(want));
	input_evdev_filter_clear(&f);
}

static void
test_not_evdev(void)
{
	g_autoptr(GError) error = NULL;
	int fds[2];

	/* A pipe answers the ioctls with ENOTTY: a clear error, not a device. */
	g_assert_cmpint(pipe(fds), ==, 0);
	g_assert_null(input_evdev_describe(fds[0], &error));
	g_assert_nonnull(error);
	g_assert_true(g_str_has_prefix(error->message, "not an evdev device (EVIOCGNAME: "));
	close(fds[0]);
	close(fds[1]);
	g_clear_error(&error);
	g_assert_null(input_evdev_open("/nonexistent/event0", TRUE, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
	g_assert_true(g_str_has_prefix(error->message, "cannot open /nonexistent/event0: "));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/evdev/touchscreen", test_touchscreen);
	g_test_add_func("/input/evdev/keyboard", test_keyboard);
	g_test_add_func("/input/evdev/filter-unknown-codes", test_filter_unknown_codes);
	g_test_add_func("/input/evdev/resync-after-drop", test_resync_after_drop);
	g_test_add_func("/input/evdev/not-evdev", test_not_evdev);
	return g_test_run();
}
