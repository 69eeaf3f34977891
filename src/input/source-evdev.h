/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --evdev=PATH: a host evdev device mirrored into the guest. Its description
 * comes from the EVIOCG* ioctls; events are read without blocking from a
 * GLib fd source and passed on frame by frame; LEDs and sounds from the
 * guest are written back. When the device goes away (unplugged, ENODEV),
 * keys still down are released in the guest and the path is polled until a
 * device is back there.
 */
#pragma once

#include <gio/gio.h>
#include <linux/input.h>

#include "input/desc.h"
#include "input/source.h"

/* An InputSource (input_evdev_source_ops in source.h). */
typedef struct InputEvdev InputEvdev;

/* The device came back as one with another description (ownership passes). */
typedef void (*InputDescChangedFunc)(InputDesc *desc, void *user_data);

#define INPUT_EVDEV_REOPEN_INTERVAL_MS 1000

/* Open path, read its description, grab it unless grab is false. */
InputEvdev *input_evdev_open(const char *path, gboolean grab, GError **error);
/*
 * A source over an already open fd with a known description (recorded
 * devices in tests, a pipe): no ioctls, no reopening. Takes both.
 */
InputEvdev *input_evdev_new_for_fd(int fd, InputDesc *desc);
void input_evdev_free(InputEvdev *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InputEvdev, input_evdev_free)

const InputDesc *input_evdev_get_desc(InputEvdev *ev);
void input_evdev_set_desc_changed(InputEvdev *ev, InputDescChangedFunc func, void *user_data);
bool input_evdev_is_open(InputEvdev *ev);
/*
 * Events, status events and the grab go through input_evdev_source_ops
 * (source.h), the one way the daemon and the tests drive a source.
 */

/* Read the description of an open evdev fd; NULL and error when it is not one. */
InputDesc *input_evdev_describe(int fd, GError **error);

/*
 * The translation, exposed for tests: feeds events read from the device
 * and emits whole frames. Drops the frame around a SYN_DROPPED, EV_LED and
 * EV_SND (the device echoing what the guest set), key repeats when the
 * guest repeats by itself (EV_REP), and codes the description lacks.
 */
typedef struct InputEvdevFilter {
	GArray *frame; /* InputEvent */
	bool dropping;
	bool resync; /* a SYN_DROPPED ended: key state to be checked */
	uint8_t keys_down[KEY_CNT / 8 + 1];
} InputEvdevFilter;

void input_evdev_filter_init(InputEvdevFilter *f);
void input_evdev_filter_clear(InputEvdevFilter *f);
void input_evdev_filter_feed(InputEvdevFilter *f, const InputDesc *desc,
                             const struct input_event *ev, InputEmitFunc emit, void *user_data);
/*
 * After events were dropped: keys the guest has down that are up now
 * (down_now as EVIOCGKEY gives it, KEY_CNT bits) are released, as one frame.
 */
void input_evdev_filter_resync_keys(InputEvdevFilter *f, const uint8_t *down_now,
                                    InputEmitFunc emit, void *user_data);
/* The device is gone: release every key the guest has down, as one frame. */
void input_evdev_filter_release_all(InputEvdevFilter *f, InputEmitFunc emit, void *user_data);
