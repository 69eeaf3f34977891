/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/virtual.h"

void
input_virtual_options_init(InputVirtualOptions *opts)
{
	opts->x_min = 0;
	opts->x_max = INPUT_VIRTUAL_DEFAULT_ABS_MAX;
	opts->y_min = 0;
	opts->y_max = INPUT_VIRTUAL_DEFAULT_ABS_MAX;
	opts->slots = INPUT_VIRTUAL_DEFAULT_SLOTS;
}

static void
input_virtual_keyboard(InputDesc *desc)
{
	/* Every code of a full PC keyboard plus the multimedia keys guests map. */
	for (unsigned int k = KEY_ESC; k <= KEY_MICMUTE; k++)
		input_desc_set_bit(desc, EV_KEY, k);
	input_desc_set_bit(desc, EV_LED, LED_NUML);
	input_desc_set_bit(desc, EV_LED, LED_CAPSL);
	input_desc_set_bit(desc, EV_LED, LED_SCROLLL);
	input_desc_set_bit(desc, EV_LED, LED_COMPOSE);
	input_desc_set_bit(desc, EV_LED, LED_KANA);
	/* Without EV_REP the guest's input core never autorepeats. */
	input_desc_set_type(desc, EV_REP);
}

static void
input_virtual_buttons(InputDesc *desc)
{
	input_desc_set_bit(desc, EV_KEY, BTN_LEFT);
	input_desc_set_bit(desc, EV_KEY, BTN_RIGHT);
	input_desc_set_bit(desc, EV_KEY, BTN_MIDDLE);
	input_desc_set_bit(desc, EV_KEY, BTN_SIDE);
	input_desc_set_bit(desc, EV_KEY, BTN_EXTRA);
}

static void
input_virtual_wheels(InputDesc *desc)
{
	/* Hi-res wheels: libinput then uses the v120 values directly. */
	input_desc_set_bit(desc, EV_REL, REL_WHEEL);
	input_desc_set_bit(desc, EV_REL, REL_HWHEEL);
	input_desc_set_bit(desc, EV_REL, REL_WHEEL_HI_RES);
	input_desc_set_bit(desc, EV_REL, REL_HWHEEL_HI_RES);
}

InputDesc *
input_virtual_new(InputVirtualKind kind, const InputVirtualOptions *opts)
{
	InputDesc *desc = input_desc_new();
	unsigned int slots = CLAMP(opts->slots, 1u, INPUT_VIRTUAL_MAX_SLOTS);

	desc->bustype = BUS_VIRTUAL;
	desc->vendor = INPUT_VIRTUAL_VENDOR;
	desc->version = 1;

	switch (kind) {
	case INPUT_VIRTUAL_KEYBOARD:
		input_desc_set_name(desc, "vhost-desktop keyboard");
		desc->product = 0x0001;
		input_virtual_keyboard(desc);
		break;
	case INPUT_VIRTUAL_MOUSE:
		input_desc_set_name(desc, "vhost-desktop mouse");
		desc->product = 0x0002;
		input_virtual_buttons(desc);
		input_desc_set_bit(desc, EV_REL, REL_X);
		input_desc_set_bit(desc, EV_REL, REL_Y);
		input_virtual_wheels(desc);
		break;
	case INPUT_VIRTUAL_TABLET:
		/* An absolute pointer, not a touchscreen: no INPUT_PROP_DIRECT. */
		input_desc_set_name(desc, "vhost-desktop tablet");
		desc->product = 0x0003;
		input_virtual_buttons(desc);
		input_desc_set_abs(desc, ABS_X, opts->x_min, opts->x_max, 0, 0, 0);
		input_desc_set_abs(desc, ABS_Y, opts->y_min, opts->y_max, 0, 0, 0);
		input_virtual_wheels(desc);
		break;
	case INPUT_VIRTUAL_KEYBOARD_MOUSE:
		/* One device for a whole seat, like a keyboard with a built-in pointer. */
		input_desc_set_name(desc, "vhost-desktop keyboard and mouse");
		desc->product = 0x0005;
		input_virtual_keyboard(desc);
		input_virtual_buttons(desc);
		input_desc_set_bit(desc, EV_REL, REL_X);
		input_desc_set_bit(desc, EV_REL, REL_Y);
		input_virtual_wheels(desc);
		break;
	case INPUT_VIRTUAL_MULTITOUCH:
		input_desc_set_name(desc, "vhost-desktop multitouch");
		desc->product = 0x0004;
		input_desc_set_prop(desc, INPUT_PROP_DIRECT);
		input_desc_set_bit(desc, EV_KEY, BTN_TOUCH);
		/* Single-touch axes too: the driver's and libinput's pointer emulation. */
		input_desc_set_abs(desc, ABS_X, opts->x_min, opts->x_max, 0, 0, 0);
		input_desc_set_abs(desc, ABS_Y, opts->y_min, opts->y_max, 0, 0, 0);
		input_desc_set_abs(desc, ABS_MT_SLOT, 0, (int32_t)slots - 1, 0, 0, 0);
		input_desc_set_abs(desc, ABS_MT_TRACKING_ID, 0, 65535, 0, 0, 0);
		input_desc_set_abs(desc, ABS_MT_POSITION_X, opts->x_min, opts->x_max, 0, 0, 0);
		input_desc_set_abs(desc, ABS_MT_POSITION_Y, opts->y_min, opts->y_max, 0, 0, 0);
		break;
	}
	return desc;
}
