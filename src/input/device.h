/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio-input device on the vhost back-end library: config space,
 * event queue (0) and status queue (1). Sources feed events with
 * input_device_emit(); what the guest sends on the status queue (LEDs,
 * sounds) goes to the status handlers, never back into the event queue.
 */
#pragma once

#include "input/config.h"
#include "input/desc.h"
#include "input/event-queue.h"
#include "vhost/fault.h"
#include "vhost/vhost.h"

#define INPUT_QUEUE_EVENT 0u
#define INPUT_QUEUE_STATUS 1u

typedef struct InputDevice InputDevice;

typedef void (*InputStatusFunc)(uint16_t type, uint16_t code, int32_t value, void *user_data);

typedef struct InputDeviceStats {
	uint64_t delivered;      /* events the guest got */
	uint64_t dropped_frames; /* cap reached */
	uint64_t dropped_events;
	uint64_t discarded_no_driver; /* frames closed while no event queue ran */
	uint64_t status_events;
} InputDeviceStats;

/* Takes ownership of desc. queue_cap 0 means INPUT_EVENT_QUEUE_DEFAULT_CAP. */
InputDevice *input_device_new(InputDesc *desc, unsigned int queue_cap);
void input_device_free(InputDevice *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InputDevice, input_device_free)

VhostDev *input_device_get_vhost(InputDevice *dev);
const InputDesc *input_device_get_desc(InputDevice *dev);
/*
 * Replace the description (a passthrough device came back as another
 * device); tells the front-end the config changed. Takes ownership.
 */
void input_device_set_desc(InputDevice *dev, InputDesc *desc);

/*
 * Queue one event; SYN_REPORT closes the frame and starts delivery. Events
 * the description does not have are the caller's to filter.
 */
void input_device_emit(InputDevice *dev, uint16_t type, uint16_t code, int32_t value);
/* Whether the guest driver runs the event queue. */
bool input_device_is_running(InputDevice *dev);

void input_device_add_status_handler(InputDevice *dev, InputStatusFunc func, void *user_data);
void input_device_remove_status_handler(InputDevice *dev, InputStatusFunc func, void *user_data);

/* Called after the device was reset (driver gone, front-end gone); one handler. */
void input_device_set_reset_handler(InputDevice *dev, void (*func)(void *user_data),
                                    void *user_data);

void input_device_get_stats(InputDevice *dev, InputDeviceStats *stats);
