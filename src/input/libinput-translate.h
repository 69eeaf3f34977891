/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libinput events turned into evdev events for the device we serve. A pure
 * function of a small struct, so it is tested from recorded sequences
 * without devices; source-libinput.c fills the struct from libinput.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "input/contacts.h"
#include "input/desc.h"

typedef enum {
	INPUT_LI_KEY,
	INPUT_LI_BUTTON,
	INPUT_LI_MOTION,          /* dx, dy: unaccelerated, the guest accelerates */
	INPUT_LI_MOTION_ABSOLUTE, /* x, y: 0..1 */
	INPUT_LI_SCROLL_WHEEL,    /* v120_v, v120_h: libinput's signs, positive = down/right */
	INPUT_LI_TOUCH_DOWN,      /* slot, x, y (0..1) */
	INPUT_LI_TOUCH_MOTION,
	INPUT_LI_TOUCH_UP,
	INPUT_LI_TOUCH_CANCEL,
	INPUT_LI_TOUCH_FRAME,
} InputLiKind;

typedef struct InputLiEvent {
	InputLiKind kind;
	uint32_t code;
	bool pressed;
	double dx, dy;
	double x, y;
	double v120_v, v120_h;
	int32_t slot;
} InputLiEvent;

#define INPUT_LI_MAX_SLOTS INPUT_MAX_CONTACTS
/* Relative motion moves a tablet's pointer as on a screen this many units wide. */
#define INPUT_LI_VIRTUAL_WIDTH 1920.0
#define INPUT_LI_VIRTUAL_HEIGHT 1080.0

typedef struct InputLiState {
	double rest_x, rest_y; /* sub-unit relative motion carried over */
	double pos_x, pos_y;   /* pointer position 0..1, for tablets and abs->rel */
	bool pos_valid;
	InputContacts contacts; /* touch contacts and wheel remainders (contacts.h) */
	bool frame_pending;     /* touch events sent since the last SYN_REPORT */
} InputLiState;

void input_li_state_init(InputLiState *st);
/* Appends InputEvent to out; pointer and key events end in SYN_REPORT, touch at TOUCH_FRAME. */
void input_li_translate(InputLiState *st, const InputDesc *desc, const InputLiEvent *ev,
                        GArray *out);
