/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/libinput-translate.h"

#include <string.h>

void
input_li_state_init(InputLiState *st)
{
	memset(st, 0, sizeof(*st));
	input_contacts_init(&st->contacts);
	st->pos_x = st->pos_y = 0.5;
}

static void
push(GArray *out, uint16_t type, uint16_t code, int32_t value)
{
	InputEvent ev = { type, code, value };

	g_array_append_val(out, ev);
}

/* No libm: the daemon links none. Values here are well inside int64. */
static int64_t
round_half_away(double v)
{
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

static int32_t
scale(const InputDesc *desc, unsigned int axis, double v)
{
	const InputAbsInfo *ai = &desc->abs[axis];
	double r;

	if (!(v >= 0.0)) /* also NaN */
		v = 0.0;
	if (v > 1.0)
		v = 1.0;
	r = ai->min + v * ((double)ai->max - ai->min);

	return (int32_t)round_half_away(r);
}

static int32_t
take_units(double *rest, double delta)
{
	double sum = *rest + delta;
	double whole;

	sum = CLAMP(sum, (double)G_MININT32, (double)G_MAXINT32);
	whole = (double)(int64_t)sum; /* toward zero */
	*rest = sum - whole;
	return (int32_t)whole;
}

static bool
has(const InputDesc *desc, unsigned int type, unsigned int code)
{
	return input_desc_has_bit(desc, type, code);
}

static void
pointer_abs(InputLiState *st, const InputDesc *desc, GArray *out)
{
	push(out, EV_ABS, ABS_X, scale(desc, ABS_X, st->pos_x));
	push(out, EV_ABS, ABS_Y, scale(desc, ABS_Y, st->pos_y));
	push(out, EV_SYN, SYN_REPORT, 0);
}

static void
translate_touch(InputLiState *st, const InputDesc *desc, const InputLiEvent *ev, GArray *out)
{
	InputContacts *c = &st->contacts;
	bool mt = has(desc, EV_ABS, ABS_MT_SLOT) && has(desc, EV_ABS, ABS_MT_POSITION_X);
	bool st_abs = has(desc, EV_ABS, ABS_X) && has(desc, EV_ABS, ABS_Y);
	int32_t max_slot = mt ? MIN(desc->abs[ABS_MT_SLOT].max, INPUT_LI_MAX_SLOTS - 1) : 0;
	int32_t slot = ev->slot;
	InputContactPos pos;

	if (ev->kind == INPUT_LI_TOUCH_FRAME) {
		if (!st->frame_pending)
			return;
		input_contacts_release_button(c, desc, out);
		push(out, EV_SYN, SYN_REPORT, 0);
		st->frame_pending = false;
		return;
	}
	if (ev->kind == INPUT_LI_TOUCH_CANCEL) {
		/* All contacts end; the frame closes at the next TOUCH_FRAME. Nothing was
		 * down: no frame to close (and no empty SYN_REPORT). */
		if (c->down)
			st->frame_pending = true;
		input_contacts_cancel(c, desc, out);
		return;
	}
	/* Seat slots beyond what the device has cannot be shown: dropped. */
	if (slot < 0 || slot > max_slot || (!mt && !st_abs))
		return;
	pos = (InputContactPos){ scale(desc, ABS_MT_POSITION_X, ev->x),
		                 scale(desc, ABS_MT_POSITION_Y, ev->y), scale(desc, ABS_X, ev->x),
		                 scale(desc, ABS_Y, ev->y) };
	switch (ev->kind) {
	case INPUT_LI_TOUCH_DOWN:
		if (input_contact_is_down(c, slot))
			return;
		input_contact_down(c, desc, slot, &pos, out);
		break;
	case INPUT_LI_TOUCH_MOTION:
		if (!input_contact_is_down(c, slot))
			return;
		input_contact_move(c, desc, slot, &pos, out);
		break;
	case INPUT_LI_TOUCH_UP:
		if (!input_contact_is_down(c, slot))
			return;
		input_contact_up(c, desc, slot, out);
		break;
	default:
		return;
	}
	st->frame_pending = true;
}

void
input_li_translate(InputLiState *st, const InputDesc *desc, const InputLiEvent *ev, GArray *out)
{
	bool rel = has(desc, EV_REL, REL_X) && has(desc, EV_REL, REL_Y);
	bool abs = has(desc, EV_ABS, ABS_X) && has(desc, EV_ABS, ABS_Y) &&
	           !has(desc, EV_ABS, ABS_MT_SLOT);

	switch (ev->kind) {
	case INPUT_LI_KEY:
	case INPUT_LI_BUTTON:
		if (ev->code > G_MAXUINT16 || !has(desc, EV_KEY, ev->code))
			return;
		push(out, EV_KEY, (uint16_t)ev->code, ev->pressed ? 1 : 0);
		push(out, EV_SYN, SYN_REPORT, 0);
		return;
	case INPUT_LI_MOTION:
		if (rel) {
			int32_t dx = take_units(&st->rest_x, ev->dx);
			int32_t dy = take_units(&st->rest_y, ev->dy);

			if (dx)
				push(out, EV_REL, REL_X, dx);
			if (dy)
				push(out, EV_REL, REL_Y, dy);
			if (dx || dy)
				push(out, EV_SYN, SYN_REPORT, 0);
		} else if (abs) {
			st->pos_x = CLAMP(st->pos_x + ev->dx / INPUT_LI_VIRTUAL_WIDTH, 0.0, 1.0);
			st->pos_y = CLAMP(st->pos_y + ev->dy / INPUT_LI_VIRTUAL_HEIGHT, 0.0, 1.0);
			pointer_abs(st, desc, out);
		}
		return;
	case INPUT_LI_MOTION_ABSOLUTE:
		if (abs) {
			st->pos_x = ev->x;
			st->pos_y = ev->y;
			pointer_abs(st, desc, out);
		} else if (rel) {
			/* A host tablet driving a guest mouse: move by the difference. */
			if (st->pos_valid) {
				InputLiEvent m = {
					.kind = INPUT_LI_MOTION,
					.dx = (ev->x - st->pos_x) * INPUT_LI_VIRTUAL_WIDTH,
					.dy = (ev->y - st->pos_y) * INPUT_LI_VIRTUAL_HEIGHT
				};

				st->pos_x = ev->x;
				st->pos_y = ev->y;
				input_li_translate(st, desc, &m, out);
				return;
			}
			st->pos_x = ev->x;
			st->pos_y = ev->y;
		}
		st->pos_valid = true;
		return;
	case INPUT_LI_SCROLL_WHEEL: {
		/* REL_WHEEL is positive up, libinput's vertical positive down. */
		int32_t v = -(int32_t)round_half_away(CLAMP(ev->v120_v, -1e6, 1e6));
		int32_t h = (int32_t)round_half_away(CLAMP(ev->v120_h, -1e6, 1e6));

		if (input_wheel_scroll(&st->contacts, desc, v, h, out))
			push(out, EV_SYN, SYN_REPORT, 0);
		return;
	}
	case INPUT_LI_TOUCH_DOWN:
	case INPUT_LI_TOUCH_MOTION:
	case INPUT_LI_TOUCH_UP:
	case INPUT_LI_TOUCH_CANCEL:
	case INPUT_LI_TOUCH_FRAME:
		translate_touch(st, desc, ev, out);
		return;
	}
}
