/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/contacts.h"

#include <string.h>

void
input_contacts_init(InputContacts *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; i < INPUT_MAX_CONTACTS; i++)
		c->tracking[i] = -1;
	c->primary = -1;
}

static void
push(GArray *out, uint16_t type, uint16_t code, int32_t value)
{
	InputEvent ev = { type, code, value };

	g_array_append_val(out, ev);
}

static bool
has(const InputDesc *desc, unsigned int type, unsigned int code)
{
	return input_desc_has_bit(desc, type, code);
}

static bool
has_mt(const InputDesc *desc)
{
	return has(desc, EV_ABS, ABS_MT_SLOT) && has(desc, EV_ABS, ABS_MT_TRACKING_ID) &&
	       has(desc, EV_ABS, ABS_MT_POSITION_X) && has(desc, EV_ABS, ABS_MT_POSITION_Y);
}

static bool
has_single(const InputDesc *desc)
{
	return has(desc, EV_ABS, ABS_X) && has(desc, EV_ABS, ABS_Y);
}

static int32_t
clamp_axis(const InputDesc *desc, unsigned int axis, int32_t v)
{
	return CLAMP(v, desc->abs[axis].min, desc->abs[axis].max);
}

/* BTN_TOUCH, or BTN_LEFT for a pointer that stands for a touchscreen; 0: none. */
static uint16_t
touch_button(const InputDesc *desc)
{
	if (has(desc, EV_KEY, BTN_TOUCH))
		return BTN_TOUCH;
	return has(desc, EV_KEY, BTN_LEFT) ? BTN_LEFT : 0;
}

int
input_contacts_slots(const InputDesc *desc)
{
	if (!has_mt(desc) || desc->abs[ABS_MT_SLOT].min != 0)
		return 0;
	return CLAMP(desc->abs[ABS_MT_SLOT].max + 1, 0, INPUT_MAX_CONTACTS);
}

bool
input_contact_is_down(const InputContacts *c, int slot)
{
	return slot >= 0 && slot < INPUT_MAX_CONTACTS && c->tracking[slot] >= 0;
}

static void
push_mt_position(const InputDesc *desc, const InputContactPos *pos, GArray *out)
{
	if (!has_mt(desc))
		return;
	push(out, EV_ABS, ABS_MT_POSITION_X, clamp_axis(desc, ABS_MT_POSITION_X, pos->mt_x));
	push(out, EV_ABS, ABS_MT_POSITION_Y, clamp_axis(desc, ABS_MT_POSITION_Y, pos->mt_y));
}

/* The single-touch axes, after the frame's multitouch events, for the primary contact. */
static void
push_single_position(const InputContacts *c, const InputDesc *desc, int slot,
                     const InputContactPos *pos, GArray *out)
{
	if (!has_single(desc) || c->primary != slot)
		return;
	push(out, EV_ABS, ABS_X, clamp_axis(desc, ABS_X, pos->x));
	push(out, EV_ABS, ABS_Y, clamp_axis(desc, ABS_Y, pos->y));
}

void
input_contact_down(InputContacts *c, const InputDesc *desc, int slot, const InputContactPos *pos,
                   GArray *out)
{
	uint16_t button = touch_button(desc);

	g_return_if_fail(slot >= 0 && slot < INPUT_MAX_CONTACTS && c->tracking[slot] < 0);
	c->tracking[slot] = c->next_id;
	c->next_id = (c->next_id + 1) % (MAX(desc->abs[ABS_MT_TRACKING_ID].max, 0) + 1);
	if (has_mt(desc)) {
		push(out, EV_ABS, ABS_MT_SLOT, slot);
		push(out, EV_ABS, ABS_MT_TRACKING_ID, c->tracking[slot]);
	}
	push_mt_position(desc, pos, out);
	if (c->down++ == 0) {
		c->primary = slot;
		if (button && !c->button) {
			push(out, EV_KEY, button, 1);
			c->button = true;
		}
	}
	push_single_position(c, desc, slot, pos, out);
}

void
input_contact_move(InputContacts *c, const InputDesc *desc, int slot, const InputContactPos *pos,
                   GArray *out)
{
	g_return_if_fail(input_contact_is_down(c, slot));
	if (has_mt(desc))
		push(out, EV_ABS, ABS_MT_SLOT, slot);
	push_mt_position(desc, pos, out);
	push_single_position(c, desc, slot, pos, out);
}

void
input_contacts_release_button(InputContacts *c, const InputDesc *desc, GArray *out)
{
	uint16_t button = touch_button(desc);

	if (c->down == 0 && c->button && button) {
		push(out, EV_KEY, button, 0);
		c->button = false;
	}
}

void
input_contact_up(InputContacts *c, const InputDesc *desc, int slot, GArray *out)
{
	g_return_if_fail(input_contact_is_down(c, slot));
	c->tracking[slot] = -1;
	if (has_mt(desc)) {
		push(out, EV_ABS, ABS_MT_SLOT, slot);
		push(out, EV_ABS, ABS_MT_TRACKING_ID, -1);
	}
	if (--c->down == 0) {
		c->primary = -1;
	} else if (c->primary == slot) {
		/* The single-touch axes follow another contact from its next motion. */
		for (int s = 0; s < INPUT_MAX_CONTACTS; s++) {
			if (c->tracking[s] >= 0) {
				c->primary = s;
				break;
			}
		}
	}
}

void
input_contacts_cancel(InputContacts *c, const InputDesc *desc, GArray *out)
{
	for (int s = 0; s < INPUT_MAX_CONTACTS; s++) {
		if (c->tracking[s] < 0)
			continue;
		if (has_mt(desc)) {
			push(out, EV_ABS, ABS_MT_SLOT, s);
			push(out, EV_ABS, ABS_MT_TRACKING_ID, -1);
		}
		c->tracking[s] = -1;
	}
	c->down = 0;
	c->primary = -1;
}

/* Whole detents out of the running v120 sum; the rest waits for the next motion. */
static int32_t
take_detents(int32_t *rest, int32_t v120)
{
	int64_t sum = (int64_t)*rest + v120;
	int64_t detents = sum / INPUT_V120;

	*rest = (int32_t)(sum - detents * INPUT_V120);
	return (int32_t)CLAMP(detents, G_MININT32, G_MAXINT32);
}

static bool
wheel(int32_t *rest, const InputDesc *desc, uint16_t hi_res, uint16_t detent, int32_t v120,
      GArray *out)
{
	int32_t d;

	if (!v120 || !has(desc, EV_REL, detent))
		return false;
	d = take_detents(rest, v120);
	if (has(desc, EV_REL, hi_res))
		push(out, EV_REL, hi_res, v120);
	if (d)
		push(out, EV_REL, detent, d);
	return has(desc, EV_REL, hi_res) || d;
}

bool
input_wheel_scroll(InputContacts *c, const InputDesc *desc, int32_t v120_vertical,
                   int32_t v120_horizontal, GArray *out)
{
	bool v = wheel(&c->wheel_rest, desc, REL_WHEEL_HI_RES, REL_WHEEL, v120_vertical, out);
	bool h = wheel(&c->hwheel_rest, desc, REL_HWHEEL_HI_RES, REL_HWHEEL, v120_horizontal, out);

	return v || h;
}
