/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one contact and wheel state machine (src/input/contacts.c) that D-Bus
 * injection and libinput translation share: the events of each transition.
 */
#include <glib.h>

#include "input/contacts.h"
#include "input/virtual.h"

static void
assert_events(GArray *out, const InputEvent *want, unsigned int n)
{
	g_assert_cmpuint(out->len, ==, n);
	for (unsigned int i = 0; i < n; i++) {
		const InputEvent *e = &g_array_index(out, InputEvent, i);

		if (e->type != want[i].type || e->code != want[i].code || e->value != want[i].value)
			g_error("event %u: (%u, %u, %d), want (%u, %u, %d)", i, e->type, e->code,
			        e->value, want[i].type, want[i].code, want[i].value);
	}
	g_array_set_size(out, 0);
}

static InputDesc *
touchscreen(void)
{
	InputVirtualOptions o;

	input_virtual_options_init(&o);
	o.slots = 4;
	o.x_min = 0;
	o.x_max = 999;
	o.y_min = 0;
	o.y_max = 499;
	return input_virtual_new(INPUT_VIRTUAL_MULTITOUCH, &o);
}

static void
test_contacts(void)
{
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	InputDesc *desc = touchscreen();
	InputContacts c;
	/* Out of range: clamped on every axis. */
	InputContactPos far = { 5000, -3, 5000, -3 }, p2 = { 7, 8, 7, 8 };
	const InputEvent down[] = {
		{ EV_ABS, ABS_MT_SLOT, 0 },
		{ EV_ABS, ABS_MT_TRACKING_ID, 0 },
		{ EV_ABS, ABS_MT_POSITION_X, 999 },
		{ EV_ABS, ABS_MT_POSITION_Y, 0 },
		{ EV_KEY, BTN_TOUCH, 1 },
		{ EV_ABS, ABS_X, 999 },
		{ EV_ABS, ABS_Y, 0 },
	};
	/* A second contact: not the primary, so no single-touch axes. */
	const InputEvent second[] = {
		{ EV_ABS, ABS_MT_SLOT, 2 },
		{ EV_ABS, ABS_MT_TRACKING_ID, 1 },
		{ EV_ABS, ABS_MT_POSITION_X, 7 },
		{ EV_ABS, ABS_MT_POSITION_Y, 8 },
	};
	const InputEvent up0[] = { { EV_ABS, ABS_MT_SLOT, 0 }, { EV_ABS, ABS_MT_TRACKING_ID, -1 } };
	/* Slot 2 is primary now: it drives ABS_X/ABS_Y. */
	const InputEvent move2[] = {
		{ EV_ABS, ABS_MT_SLOT, 2 },
		{ EV_ABS, ABS_MT_POSITION_X, 7 },
		{ EV_ABS, ABS_MT_POSITION_Y, 8 },
		{ EV_ABS, ABS_X, 7 },
		{ EV_ABS, ABS_Y, 8 },
	};
	const InputEvent up2[] = { { EV_ABS, ABS_MT_SLOT, 2 },
		                   { EV_ABS, ABS_MT_TRACKING_ID, -1 },
		                   { EV_KEY, BTN_TOUCH, 0 } };

	g_assert_cmpint(input_contacts_slots(desc), ==, 4);
	input_contacts_init(&c);
	input_contact_down(&c, desc, 0, &far, out);
	assert_events(out, down, G_N_ELEMENTS(down));
	input_contact_down(&c, desc, 2, &p2, out);
	assert_events(out, second, G_N_ELEMENTS(second));
	input_contact_up(&c, desc, 0, out);
	input_contacts_release_button(&c, desc, out);
	assert_events(out, up0, G_N_ELEMENTS(up0));
	input_contact_move(&c, desc, 2, &p2, out);
	assert_events(out, move2, G_N_ELEMENTS(move2));
	input_contact_up(&c, desc, 2, out);
	input_contacts_release_button(&c, desc, out);
	assert_events(out, up2, G_N_ELEMENTS(up2));

	/* Lifted and placed again within one frame: the button stays pressed. */
	input_contact_down(&c, desc, 1, &p2, out);
	g_array_set_size(out, 0);
	input_contact_up(&c, desc, 1, out);
	input_contact_down(&c, desc, 3, &p2, out);
	input_contacts_release_button(&c, desc, out);
	for (unsigned int i = 0; i < out->len; i++)
		g_assert_cmpuint(g_array_index(out, InputEvent, i).code, !=, BTN_TOUCH);
	input_desc_free(desc);
}

static void
test_wheel(void)
{
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	InputVirtualOptions o;
	InputDesc *mouse;
	InputContacts c;
	const InputEvent half[] = { { EV_REL, REL_WHEEL_HI_RES, 60 } };
	const InputEvent whole[] = { { EV_REL, REL_WHEEL_HI_RES, 60 }, { EV_REL, REL_WHEEL, 1 } };
	const InputEvent back[] = { { EV_REL, REL_WHEEL_HI_RES, -150 },
		                    { EV_REL, REL_WHEEL, -1 },
		                    { EV_REL, REL_HWHEEL_HI_RES, 240 },
		                    { EV_REL, REL_HWHEEL, 2 } };

	input_virtual_options_init(&o);
	mouse = input_virtual_new(INPUT_VIRTUAL_MOUSE, &o);
	input_contacts_init(&c);
	g_assert_true(input_wheel_scroll(&c, mouse, 60, 0, out));
	assert_events(out, half, G_N_ELEMENTS(half));
	g_assert_true(input_wheel_scroll(&c, mouse, 60, 0, out));
	assert_events(out, whole, G_N_ELEMENTS(whole));
	/* -150: one detent back, 30 owed the other way. */
	g_assert_true(input_wheel_scroll(&c, mouse, -150, 240, out));
	assert_events(out, back, G_N_ELEMENTS(back));
	g_assert_cmpint(c.wheel_rest, ==, -30);
	g_assert_false(input_wheel_scroll(&c, mouse, 0, 0, out));
	input_desc_free(mouse);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/contacts/touch", test_contacts);
	g_test_add_func("/input/contacts/wheel", test_wheel);
	return g_test_run();
}
