/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host-side queue of input events waiting for guest buffers. Sources append
 * events; SYN_REPORT closes a frame and makes it deliverable. Delivery takes
 * one event per guest buffer, so a frame longer than the free buffers goes
 * out in pieces as the guest returns them. When the guest stops reading, the
 * queue is capped: whole oldest frames are dropped, never a frame already
 * partly delivered, never part of a frame.
 */
#pragma once

#include <glib.h>
#include <linux/virtio_input.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct InputEventQueue InputEventQueue;

#define INPUT_EVENT_QUEUE_DEFAULT_CAP 4096u

/* cap: most events held (ready frames plus the open one), >= 2. */
InputEventQueue *input_event_queue_new(unsigned int cap);
void input_event_queue_free(InputEventQueue *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InputEventQueue, input_event_queue_free)

/* Append to the open frame; returns true when this closed a frame (SYN_REPORT). */
bool input_event_queue_add(InputEventQueue *q, uint16_t type, uint16_t code, int32_t value);
/* Drop everything, including the open frame (device reset). */
void input_event_queue_clear(InputEventQueue *q);

/* Events of closed frames not yet delivered. */
unsigned int input_event_queue_ready(const InputEventQueue *q);
/* Events in the open frame. */
unsigned int input_event_queue_open_count(const InputEventQueue *q);
/* Next event to deliver, little-endian as the guest reads it; false when none. */
bool input_event_queue_peek(const InputEventQueue *q, struct virtio_input_event *ev);
/* The peeked event was delivered. */
void input_event_queue_consume(InputEventQueue *q);

/* Whole frames and events dropped because of the cap, since creation. */
uint64_t input_event_queue_dropped_frames(const InputEventQueue *q);
uint64_t input_event_queue_dropped_events(const InputEventQueue *q);
