/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Requests from the control interface turned into evdev frames for the
 * device, after checking them against its description. No bus here: D-Bus
 * (dbus.c) calls these and returns the GError to the caller.
 */
#pragma once

#include <gio/gio.h>

#include "input/desc.h"

typedef struct InputControl InputControl;

/* Most events one InjectEvents call may carry. */
#define INPUT_CONTROL_MAX_EVENTS 1024u

typedef enum {
	INPUT_TOUCH_DOWN,
	INPUT_TOUCH_MOTION,
	INPUT_TOUCH_UP,
} InputTouchAction;

InputControl *input_control_new(void);
void input_control_free(InputControl *ctl);
/* A copy to try a call on: the original is left as it was if the call fails. */
InputControl *input_control_copy(const InputControl *ctl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InputControl, input_control_free)
/* Forget contacts and wheel remainders (new device, guest reset). */
void input_control_reset(InputControl *ctl);

/*
 * Each appends whole frames (ending in SYN_REPORT) to out (InputEvent) and
 * returns TRUE, or appends nothing and sets a DAEMON_ERROR_INVALID_ARGUMENT error
 * that says what is wrong.
 */
gboolean input_control_inject(InputControl *ctl, const InputDesc *desc, const InputEvent *ev,
                              unsigned int n, GArray *out, GError **error);
gboolean input_control_key(InputControl *ctl, const InputDesc *desc, uint16_t code,
                           gboolean pressed, GArray *out, GError **error);
gboolean input_control_button(InputControl *ctl, const InputDesc *desc, uint16_t code,
                              gboolean pressed, GArray *out, GError **error);
gboolean input_control_move_rel(InputControl *ctl, const InputDesc *desc, int32_t dx, int32_t dy,
                                GArray *out, GError **error);
gboolean input_control_move_abs(InputControl *ctl, const InputDesc *desc, int32_t x, int32_t y,
                                GArray *out, GError **error);
gboolean input_control_scroll(InputControl *ctl, const InputDesc *desc, int32_t v120_vertical,
                              int32_t v120_horizontal, GArray *out, GError **error);
gboolean input_control_touch(InputControl *ctl, const InputDesc *desc, uint32_t slot,
                             InputTouchAction action, int32_t x, int32_t y, GArray *out,
                             GError **error);
/* "down", "motion", "up"; -1 otherwise. */
int input_touch_action_from_string(const char *s);
