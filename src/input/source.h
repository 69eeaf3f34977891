/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A host source of the device's events: one evdev device (source-evdev.c,
 * --evdev) or a libinput seat (source-libinput.c, --seat). The daemon and the
 * D-Bus interface work through these operations and never ask which source
 * they have; another source is one more file that fills them. Events injected
 * over D-Bus need no source: control.c makes them.
 */
#pragma once

#include <gio/gio.h>
#include <stdint.h>

typedef void (*InputEmitFunc)(uint16_t type, uint16_t code, int32_t value, void *user_data);

typedef struct InputSourceOps {
	const char *name;
	/* Where the source's events go (the device), once it runs. */
	void (*set_emit)(void *impl, InputEmitFunc func, void *user_data);
	/* Begins passing events on (after set_emit). */
	void (*start)(void *impl);
	/* Status events the guest sent (LEDs, sounds): written to the host devices. */
	void (*write_status)(void *impl, uint16_t type, uint16_t code, int32_t value);
	/* Whether the guest has the host devices (EVIOCGRAB), and taking or giving them. */
	gboolean (*is_grabbed)(void *impl);
	gboolean (*set_grab)(void *impl, gboolean grab, GError **error);
	void (*free)(void *impl);
} InputSourceOps;

typedef struct InputSource {
	const InputSourceOps *ops; /* NULL: no host source */
	void *impl;
} InputSource;

/* A status handler (input_device_add_status_handler) that writes to source. */
void input_source_write_status(uint16_t type, uint16_t code, int32_t value, void *source);

extern const InputSourceOps input_evdev_source_ops;
extern const InputSourceOps input_seat_source_ops;
