/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control requests turned into frames: touch contacts, wheel detents, checks. */
#include <gio/gio.h>

#include "daemon/error.h"
#include "input/control.h"
#include "input/virtual.h"

static InputDesc *
make(InputVirtualKind kind)
{
	InputVirtualOptions opts;

	input_virtual_options_init(&opts);
	opts.slots = 2;
	opts.x_max = 999;
	opts.y_max = 499;
	return input_virtual_new(kind, &opts);
}

static void
expect(GArray *out, const InputEvent *want, unsigned int n)
{
	g_assert_cmpuint(out->len, ==, n);
	for (unsigned int i = 0; i < n; i++) {
		const InputEvent *e = &g_array_index(out, InputEvent, i);

		g_test_message("%u: %u %u %d", i, e->type, e->code, e->value);
		g_assert_cmpuint(e->type, ==, want[i].type);
		g_assert_cmpuint(e->code, ==, want[i].code);
		g_assert_cmpint(e->value, ==, want[i].value);
	}
	g_array_set_size(out, 0);
}

static void
test_touch(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_MULTITOUCH);
	g_autoptr(InputControl) ctl = input_control_new();
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	g_autoptr(GError) error = NULL;
	static const InputEvent down0[] = {
		{ EV_ABS, ABS_MT_SLOT, 0 },
		{ EV_ABS, ABS_MT_TRACKING_ID, 0 },
		{ EV_ABS, ABS_MT_POSITION_X, 10 },
		{ EV_ABS, ABS_MT_POSITION_Y, 20 },
		{ EV_KEY, BTN_TOUCH, 1 },
		{ EV_ABS, ABS_X, 10 },
		{ EV_ABS, ABS_Y, 20 },
		{ EV_SYN, SYN_REPORT, 0 },
	};
	static const InputEvent down1[] = {
		{ EV_ABS, ABS_MT_SLOT, 1 },        { EV_ABS, ABS_MT_TRACKING_ID, 1 },
		{ EV_ABS, ABS_MT_POSITION_X, 30 }, { EV_ABS, ABS_MT_POSITION_Y, 40 },
		{ EV_SYN, SYN_REPORT, 0 },
	};
	static const InputEvent up0[] = {
		{ EV_ABS, ABS_MT_SLOT, 0 },
		{ EV_ABS, ABS_MT_TRACKING_ID, -1 },
		{ EV_SYN, SYN_REPORT, 0 },
	};
	static const InputEvent move1[] = {
		{ EV_ABS, ABS_MT_SLOT, 1 },
		{ EV_ABS, ABS_MT_POSITION_X, 31 },
		{ EV_ABS, ABS_MT_POSITION_Y, 41 },
		{ EV_ABS, ABS_X, 31 },
		{ EV_ABS, ABS_Y, 41 },
		{ EV_SYN, SYN_REPORT, 0 },
	};
	static const InputEvent up1[] = {
		{ EV_ABS, ABS_MT_SLOT, 1 },
		{ EV_ABS, ABS_MT_TRACKING_ID, -1 },
		{ EV_KEY, BTN_TOUCH, 0 },
		{ EV_SYN, SYN_REPORT, 0 },
	};

	g_assert_true(input_control_touch(ctl, desc, 0, INPUT_TOUCH_DOWN, 10, 20, out, NULL));
	expect(out, down0, G_N_ELEMENTS(down0));
	g_assert_true(input_control_touch(ctl, desc, 1, INPUT_TOUCH_DOWN, 30, 40, out, NULL));
	expect(out, down1, G_N_ELEMENTS(down1));
	g_assert_true(input_control_touch(ctl, desc, 0, INPUT_TOUCH_UP, 0, 0, out, NULL));
	expect(out, up0, G_N_ELEMENTS(up0));
	/* Slot 1 now drives the emulated pointer. */
	g_assert_true(input_control_touch(ctl, desc, 1, INPUT_TOUCH_MOTION, 31, 41, out, NULL));
	expect(out, move1, G_N_ELEMENTS(move1));
	g_assert_true(input_control_touch(ctl, desc, 1, INPUT_TOUCH_UP, 0, 0, out, NULL));
	expect(out, up1, G_N_ELEMENTS(up1));

	g_assert_false(input_control_touch(ctl, desc, 1, INPUT_TOUCH_UP, 0, 0, out, &error));
	g_assert_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT);
	g_assert_cmpstr(error->message, ==, "slot 1 is not down");
	g_clear_error(&error);
	g_assert_false(input_control_touch(ctl, desc, 2, INPUT_TOUCH_DOWN, 0, 0, out, &error));
	g_assert_cmpstr(error->message, ==, "slot 2 out of range (this device has slots 0..1)");
	g_clear_error(&error);
	g_assert_false(input_control_touch(ctl, desc, 0, INPUT_TOUCH_DOWN, 1000, 0, out, &error));
	g_assert_cmpstr(error->message, ==,
	                "value 1000 out of the range of ABS_MT_POSITION_X (0..999)");
	g_clear_error(&error);
	g_assert_true(input_control_touch(ctl, desc, 0, INPUT_TOUCH_DOWN, 1, 1, out, NULL));
	g_array_set_size(out, 0);
	g_assert_false(input_control_touch(ctl, desc, 0, INPUT_TOUCH_DOWN, 1, 1, out, &error));
	g_assert_cmpstr(error->message, ==, "slot 0 is already down");
	g_assert_cmpuint(out->len, ==, 0);
}

static void
test_scroll(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_MOUSE);
	g_autoptr(InputDesc) kbd = make(INPUT_VIRTUAL_KEYBOARD);
	g_autoptr(InputControl) ctl = input_control_new();
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	g_autoptr(GError) error = NULL;
	static const InputEvent half[] = { { EV_REL, REL_WHEEL_HI_RES, 60 },
		                           { EV_SYN, SYN_REPORT, 0 } };
	static const InputEvent whole[] = { { EV_REL, REL_WHEEL_HI_RES, 90 },
		                            { EV_REL, REL_WHEEL, 1 },
		                            { EV_REL, REL_HWHEEL_HI_RES, -240 },
		                            { EV_REL, REL_HWHEEL, -2 },
		                            { EV_SYN, SYN_REPORT, 0 } };

	/* Half a detent: hi-res only; the second call completes the detent. */
	g_assert_true(input_control_scroll(ctl, desc, 60, 0, out, NULL));
	expect(out, half, G_N_ELEMENTS(half));
	g_assert_true(input_control_scroll(ctl, desc, 90, -240, out, NULL));
	expect(out, whole, G_N_ELEMENTS(whole));
	g_assert_false(input_control_scroll(ctl, kbd, 120, 0, out, &error));
	g_assert_cmpstr(error->message, ==,
	                "this device (vhost-desktop keyboard) has no vertical wheel");
}

static void
test_inject(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_KEYBOARD);
	g_autoptr(InputControl) ctl = input_control_new();
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	g_autoptr(GError) error = NULL;
	static const InputEvent in[] = { { EV_KEY, KEY_A, 1 }, { EV_KEY, KEY_A, 0 } };
	static const InputEvent want[] = { { EV_KEY, KEY_A, 1 },
		                           { EV_KEY, KEY_A, 0 },
		                           { EV_SYN, SYN_REPORT, 0 } };
	static const InputEvent bad[] = { { EV_KEY, KEY_A, 3 } };
	static const InputEvent syn[] = { { EV_SYN, SYN_DROPPED, 0 } };

	/* A frame left open gets its SYN_REPORT. */
	g_assert_true(input_control_inject(ctl, desc, in, 2, out, NULL));
	expect(out, want, G_N_ELEMENTS(want));
	g_assert_false(input_control_inject(ctl, desc, bad, 1, out, &error));
	g_assert_cmpstr(error->message, ==,
	                "event 0 (1, 30, 3): EV_KEY value 3 is not 0 (up), 1 (down) or 2 (repeat)");
	g_clear_error(&error);
	g_assert_false(input_control_inject(ctl, desc, syn, 1, out, &error));
	g_assert_cmpstr(error->message, ==,
	                "event 0 (0, 3, 0): EV_SYN code 3 cannot be injected (only SYN_REPORT 0 "
	                "and SYN_MT_REPORT 2)");
	g_clear_error(&error);
	g_assert_false(input_control_key(ctl, desc, KEY_MAX, TRUE, out, &error));
	g_assert_cmpstr(error->message, ==,
	                "key code 767 is not one of this device (vhost-desktop keyboard)");
	g_assert_cmpuint(out->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/control/touch", test_touch);
	g_test_add_func("/input/control/scroll", test_scroll);
	g_test_add_func("/input/control/inject", test_inject);
	return g_test_run();
}
