/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/control.h"

#include "daemon/error.h"
#include "input/contacts.h"

#include <glib/gi18n.h>
#include <string.h>

struct InputControl {
	InputContacts contacts;
};

InputControl *
input_control_new(void)
{
	InputControl *ctl = g_new0(InputControl, 1);

	input_control_reset(ctl);
	return ctl;
}

void
input_control_free(InputControl *ctl)
{
	g_free(ctl);
}

InputControl *
input_control_copy(const InputControl *ctl)
{
	return g_memdup2(ctl, sizeof(*ctl));
}

void
input_control_reset(InputControl *ctl)
{
	int32_t next_id = ctl->contacts.next_id;

	input_contacts_init(&ctl->contacts);
	/* Tracking ids keep counting: no id of the last contacts comes back at once. */
	ctl->contacts.next_id = next_id;
}

static void
push(GArray *out, uint16_t type, uint16_t code, int32_t value)
{
	InputEvent ev = { type, code, value };

	g_array_append_val(out, ev);
}

static void
push_syn(GArray *out)
{
	push(out, EV_SYN, SYN_REPORT, 0);
}

static const char *
dev_name(const InputDesc *desc)
{
	return desc->name ? desc->name : "?";
}

static gboolean
check_abs(const InputDesc *desc, unsigned int axis, const char *axis_name, int32_t value,
          GError **error)
{
	const InputAbsInfo *ai = &desc->abs[axis];

	if (value < ai->min || value > ai->max) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("value %d out of the range of %s (%d..%d)"), value, axis_name,
		            ai->min, ai->max);
		return FALSE;
	}
	return TRUE;
}

/* One raw event: the device must have it and the value must make sense. */
static gboolean
check_event(const InputDesc *desc, const InputEvent *ev, GError **error)
{
	const char *tname = input_type_name(ev->type);

	if (ev->type == EV_SYN) {
		if (ev->code != SYN_REPORT && ev->code != SYN_MT_REPORT) {
			g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
			            _("EV_SYN code %u cannot be injected (only SYN_REPORT 0 and "
			              "SYN_MT_REPORT 2)"),
			            ev->code);
			return FALSE;
		}
		return TRUE;
	}
	if (!tname) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("unknown event type %u"), ev->type);
		return FALSE;
	}
	if (!input_desc_has_type(desc, ev->type)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("unknown event type %s for this device (%s)"), tname, dev_name(desc));
		return FALSE;
	}
	if (!input_desc_has_bit(desc, ev->type, ev->code)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("%s code %u is not one of this device (%s)"), tname, ev->code,
		            dev_name(desc));
		return FALSE;
	}
	if (ev->type == EV_KEY && (ev->value < 0 || ev->value > 2)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("EV_KEY value %d is not 0 (up), 1 (down) or 2 (repeat)"), ev->value);
		return FALSE;
	}
	if (ev->type == EV_ABS) {
		g_autofree char *axis = input_abs_name(ev->code)
		                                ? g_strdup(input_abs_name(ev->code))
		                                : g_strdup_printf("axis %u", ev->code);

		if (ev->code == ABS_MT_TRACKING_ID && ev->value == -1)
			return TRUE;
		return check_abs(desc, ev->code, axis, ev->value, error);
	}
	return TRUE;
}

gboolean
input_control_inject(InputControl *ctl, const InputDesc *desc, const InputEvent *ev, unsigned int n,
                     GArray *out, GError **error)
{
	if (n > INPUT_CONTROL_MAX_EVENTS) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("too many events in one call (%u, at most %u)"), n,
		            INPUT_CONTROL_MAX_EVENTS);
		return FALSE;
	}
	for (unsigned int i = 0; i < n; i++) {
		g_autoptr(GError) local = NULL;

		if (!check_event(desc, &ev[i], &local)) {
			g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
			            _("event %u (%u, %u, %d): %s"), i, ev[i].type, ev[i].code,
			            ev[i].value, local->message);
			return FALSE;
		}
	}
	g_array_append_vals(out, ev, n);
	if (n == 0 || ev[n - 1].type != EV_SYN || ev[n - 1].code != SYN_REPORT)
		push_syn(out);
	return TRUE;
}

/* One key or button transition and the SYN_REPORT that delivers it. */
static gboolean
push_key(GArray *out, uint16_t code, gboolean pressed)
{
	push(out, EV_KEY, code, pressed ? 1 : 0);
	push_syn(out);
	return TRUE;
}

gboolean
input_control_key(InputControl *ctl, const InputDesc *desc, uint16_t code, gboolean pressed,
                  GArray *out, GError **error)
{
	if (!input_desc_has_bit(desc, EV_KEY, code)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("key code %u is not one of this device (%s)"), code, dev_name(desc));
		return FALSE;
	}
	return push_key(out, code, pressed);
}

gboolean
input_control_button(InputControl *ctl, const InputDesc *desc, uint16_t code, gboolean pressed,
                     GArray *out, GError **error)
{
	if (code < BTN_MISC || !input_desc_has_bit(desc, EV_KEY, code)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("button %u is not one of this device (%s); BTN_LEFT is %u"), code,
		            dev_name(desc), BTN_LEFT);
		return FALSE;
	}
	return push_key(out, code, pressed);
}

gboolean
input_control_move_rel(InputControl *ctl, const InputDesc *desc, int32_t dx, int32_t dy,
                       GArray *out, GError **error)
{
	if (!input_desc_has_bit(desc, EV_REL, REL_X) || !input_desc_has_bit(desc, EV_REL, REL_Y)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("this device (%s) has no relative axes REL_X/REL_Y (a mouse has)"),
		            dev_name(desc));
		return FALSE;
	}
	if (dx)
		push(out, EV_REL, REL_X, dx);
	if (dy)
		push(out, EV_REL, REL_Y, dy);
	if (dx || dy)
		push_syn(out);
	return TRUE;
}

gboolean
input_control_move_abs(InputControl *ctl, const InputDesc *desc, int32_t x, int32_t y, GArray *out,
                       GError **error)
{
	if (!input_desc_has_bit(desc, EV_ABS, ABS_X) || !input_desc_has_bit(desc, EV_ABS, ABS_Y)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("this device (%s) has no absolute axes ABS_X/ABS_Y (a tablet has)"),
		            dev_name(desc));
		return FALSE;
	}
	if (!check_abs(desc, ABS_X, "ABS_X", x, error) ||
	    !check_abs(desc, ABS_Y, "ABS_Y", y, error))
		return FALSE;
	push(out, EV_ABS, ABS_X, x);
	push(out, EV_ABS, ABS_Y, y);
	push_syn(out);
	return TRUE;
}

gboolean
input_control_scroll(InputControl *ctl, const InputDesc *desc, int32_t v, int32_t h, GArray *out,
                     GError **error)
{
	bool has_v = input_desc_has_bit(desc, EV_REL, REL_WHEEL);
	bool has_h = input_desc_has_bit(desc, EV_REL, REL_HWHEEL);

	if ((v && !has_v) || (h && !has_h)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("this device (%s) has no %s wheel"), dev_name(desc),
		            v && !has_v ? _("vertical") : _("horizontal"));
		return FALSE;
	}
	if (input_wheel_scroll(&ctl->contacts, desc, v, h, out))
		push_syn(out);
	return TRUE;
}

int
input_touch_action_from_string(const char *s)
{
	if (g_strcmp0(s, "down") == 0)
		return INPUT_TOUCH_DOWN;
	if (g_strcmp0(s, "motion") == 0)
		return INPUT_TOUCH_MOTION;
	if (g_strcmp0(s, "up") == 0)
		return INPUT_TOUCH_UP;
	return -1;
}

gboolean
input_control_touch(InputControl *ctl, const InputDesc *desc, uint32_t slot,
                    InputTouchAction action, int32_t x, int32_t y, GArray *out, GError **error)
{
	InputContactPos pos = { x, y, x, y };
	int slots = input_contacts_slots(desc);

	if (slots == 0) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("this device (%s) has no multitouch slots (start the daemon "
		              "with --multitouch)"),
		            dev_name(desc));
		return FALSE;
	}
	if (slot >= (uint32_t)slots) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("slot %u out of range (this device has slots 0..%d)"), slot,
		            slots - 1);
		return FALSE;
	}
	if (action != INPUT_TOUCH_UP &&
	    (!check_abs(desc, ABS_MT_POSITION_X, "ABS_MT_POSITION_X", x, error) ||
	     !check_abs(desc, ABS_MT_POSITION_Y, "ABS_MT_POSITION_Y", y, error)))
		return FALSE;
	if (action == INPUT_TOUCH_DOWN && input_contact_is_down(&ctl->contacts, (int)slot)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("slot %u is already down"), slot);
		return FALSE;
	}
	if (action != INPUT_TOUCH_DOWN && !input_contact_is_down(&ctl->contacts, (int)slot)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		            _("slot %u is not down"), slot);
		return FALSE;
	}
	/* Each call is one frame. */
	switch (action) {
	case INPUT_TOUCH_DOWN:
		input_contact_down(&ctl->contacts, desc, (int)slot, &pos, out);
		break;
	case INPUT_TOUCH_MOTION:
		input_contact_move(&ctl->contacts, desc, (int)slot, &pos, out);
		break;
	case INPUT_TOUCH_UP:
		input_contact_up(&ctl->contacts, desc, (int)slot, out);
		input_contacts_release_button(&ctl->contacts, desc, out);
		break;
	}
	push_syn(out);
	return TRUE;
}
