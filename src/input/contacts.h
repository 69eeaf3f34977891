/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Touch contacts and wheel remainders, turned into the evdev events a
 * multitouch (type B) or single-touch device and a high-resolution wheel
 * report: the one state machine of both places that make such events from
 * something else, D-Bus calls (control.c) and the host's libinput events
 * (libinput-translate.c). The callers check what they are given and end the
 * frames (SYN_REPORT); these functions only append events.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "input/desc.h"

#define INPUT_MAX_CONTACTS 64
/* One wheel detent in the high-resolution unit (REL_WHEEL_HI_RES). */
#define INPUT_V120 120

typedef struct InputContacts {
	int32_t tracking[INPUT_MAX_CONTACTS]; /* tracking id of each slot, -1: up */
	unsigned int down;                    /* contacts down */
	int primary;                     /* the contact the single-touch axes follow, -1: none */
	int32_t next_id;                 /* the next tracking id */
	bool button;                     /* the touch button (BTN_TOUCH, else BTN_LEFT) as sent */
	int32_t wheel_rest, hwheel_rest; /* v120 not yet sent as whole detents */
} InputContacts;

/* Where a contact is: on the multitouch axes and on the single-touch ones. */
typedef struct InputContactPos {
	int32_t mt_x, mt_y;
	int32_t x, y;
} InputContactPos;

/* No contact down, no wheel remainder. */
void input_contacts_init(InputContacts *c);
/* The slots the device has (0..n-1; 0 without multitouch), at most INPUT_MAX_CONTACTS. */
int input_contacts_slots(const InputDesc *desc);
bool input_contact_is_down(const InputContacts *c, int slot);

/*
 * A contact goes down in slot (up now), moves, or goes up (down now); the
 * positions are clamped to the axes' ranges. The first contact down presses
 * the touch button; input_contacts_release_button(), at the end of the frame,
 * releases it when the last went up (a contact lifted and another placed in
 * the same frame keep it pressed). The single-touch axes follow the first
 * contact, and the next one when it goes up.
 */
void input_contact_down(InputContacts *c, const InputDesc *desc, int slot,
                        const InputContactPos *pos, GArray *out);
void input_contact_move(InputContacts *c, const InputDesc *desc, int slot,
                        const InputContactPos *pos, GArray *out);
void input_contact_up(InputContacts *c, const InputDesc *desc, int slot, GArray *out);
/* Every contact ends (libinput's TOUCH_CANCEL); the button as for input_contact_up(). */
void input_contacts_cancel(InputContacts *c, const InputDesc *desc, GArray *out);
/* Releases the touch button if no contact is down and it is still pressed. */
void input_contacts_release_button(InputContacts *c, const InputDesc *desc, GArray *out);

/*
 * Wheel motion in v120 units, positive up and right (evdev's signs): the
 * high-resolution events where the device has them and whole detents as they
 * add up, on the wheels the device has. Returns whether it appended anything.
 */
bool input_wheel_scroll(InputContacts *c, const InputDesc *desc, int32_t v120_vertical,
                        int32_t v120_horizontal, GArray *out);
