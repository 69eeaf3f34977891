/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --seat=NAME: the host devices of a seat through libinput's udev backend,
 * hotplug included. Devices are opened through logind (TakeDevice) when this
 * process may take control of its session, else directly. They are grabbed
 * (EVIOCGRAB) while the guest has them; a hot-key gives them back to the
 * host and takes them again.
 */
#pragma once

#include <gio/gio.h>

#include "input/desc.h"
#include "input/source-evdev.h"

/* An InputSource (input_seat_source_ops in source.h). */
typedef struct InputSeat InputSeat;

#define INPUT_SEAT_DEFAULT_HOTKEY "leftctrl+leftalt+g"
#define INPUT_SEAT_MAX_HOTKEY_KEYS 4

/* desc is not owned and must outlive the seat (the device's description). */
InputSeat *input_seat_new(const char *seat, const char *hotkey, const InputDesc *desc,
                          GError **error);
void input_seat_free(InputSeat *seat);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InputSeat, input_seat_free)

void input_seat_set_desc(InputSeat *seat, const InputDesc *desc);
/* Events, guest LEDs and the grab go through input_seat_source_ops (source.h). */

/* "leftctrl+leftalt+g", "29+56+34": key codes, at most INPUT_SEAT_MAX_HOTKEY_KEYS. */
int input_hotkey_parse(const char *s, uint16_t *codes, GError **error);
