/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/event-queue.h"

#include <linux/input.h>
#include <string.h>

/* One warning per this many microseconds while the guest is not reading. */
#define INPUT_DROP_WARN_INTERVAL_US (10 * G_USEC_PER_SEC)

typedef struct InputFrame {
	unsigned int len;
	struct virtio_input_event ev[];
} InputFrame;

struct InputEventQueue {
	unsigned int cap;
	GQueue frames;         /* InputFrame*, closed, oldest first */
	unsigned int head_pos; /* events of the head frame already delivered */
	unsigned int ready;    /* undelivered events in frames */
	GArray *open;          /* struct virtio_input_event */
	uint64_t dropped_frames;
	uint64_t dropped_events;
	gint64 last_warn;
};

InputEventQueue *
input_event_queue_new(unsigned int cap)
{
	InputEventQueue *q = g_new0(InputEventQueue, 1);

	q->cap = MAX(cap, 2u);
	g_queue_init(&q->frames);
	q->open = g_array_new(FALSE, FALSE, sizeof(struct virtio_input_event));
	return q;
}

void
input_event_queue_free(InputEventQueue *q)
{
	if (!q)
		return;
	g_queue_clear_full(&q->frames, g_free);
	g_array_unref(q->open);
	g_free(q);
}

void
input_event_queue_clear(InputEventQueue *q)
{
	g_queue_clear_full(&q->frames, g_free);
	g_queue_init(&q->frames);
	q->head_pos = 0;
	q->ready = 0;
	g_array_set_size(q->open, 0);
}

static void
input_event_queue_warn(InputEventQueue *q)
{
	gint64 now = g_get_monotonic_time();

	if (q->last_warn && now - q->last_warn < INPUT_DROP_WARN_INTERVAL_US)
		return;
	g_warning("guest is not reading input events: dropped %" G_GUINT64_FORMAT
	          " oldest frames (%" G_GUINT64_FORMAT " events) so far",
	          q->dropped_frames, q->dropped_events);
	q->last_warn = now;
}

/*
 * Make room for need more events by dropping whole frames, oldest first,
 * skipping a head frame the guest already has part of.
 */
static void
input_event_queue_make_room(InputEventQueue *q, unsigned int need)
{
	GList *l = q->frames.head;

	if (l && q->head_pos > 0)
		l = l->next;
	while (l && q->ready + need > q->cap) {
		GList *next = l->next;
		InputFrame *f = l->data;

		q->ready -= f->len;
		q->dropped_frames++;
		q->dropped_events += f->len;
		g_queue_delete_link(&q->frames, l);
		g_free(f);
		l = next;
	}
	input_event_queue_warn(q);
}

bool
input_event_queue_add(InputEventQueue *q, uint16_t type, uint16_t code, int32_t value)
{
	struct virtio_input_event ev = {
		.type = GUINT16_TO_LE(type),
		.code = GUINT16_TO_LE(code),
		.value = GUINT32_TO_LE((uint32_t)value),
	};
	InputFrame *f;
	unsigned int n;

	if (q->open->len + 1 > q->cap) {
		/* A frame that never ends: nothing sane to deliver, discard it whole. */
		q->dropped_frames++;
		q->dropped_events += q->open->len;
		g_array_set_size(q->open, 0);
		input_event_queue_warn(q);
	}
	g_array_append_val(q->open, ev);
	if (type != EV_SYN || code != SYN_REPORT)
		return false;

	n = q->open->len;
	if (q->ready + n > q->cap)
		input_event_queue_make_room(q, n);
	if (q->ready + n > q->cap) {
		/* Only a partly delivered head frame is left: this newest frame goes. */
		q->dropped_frames++;
		q->dropped_events += n;
		g_array_set_size(q->open, 0);
		input_event_queue_warn(q);
		return false;
	}
	f = g_malloc(sizeof(*f) + n * sizeof(ev));
	f->len = n;
	memcpy(f->ev, q->open->data, n * sizeof(ev));
	g_queue_push_tail(&q->frames, f);
	q->ready += n;
	g_array_set_size(q->open, 0);
	return true;
}

unsigned int
input_event_queue_ready(const InputEventQueue *q)
{
	return q->ready;
}

unsigned int
input_event_queue_open_count(const InputEventQueue *q)
{
	return q->open->len;
}

bool
input_event_queue_peek(const InputEventQueue *q, struct virtio_input_event *ev)
{
	const InputFrame *f = g_queue_peek_head((GQueue *)&q->frames);

	if (!f)
		return false;
	*ev = f->ev[q->head_pos];
	return true;
}

void
input_event_queue_consume(InputEventQueue *q)
{
	InputFrame *f = g_queue_peek_head(&q->frames);

	if (!f)
		return;
	q->ready--;
	if (++q->head_pos == f->len) {
		g_free(g_queue_pop_head(&q->frames));
		q->head_pos = 0;
	}
}

uint64_t
input_event_queue_dropped_frames(const InputEventQueue *q)
{
	return q->dropped_frames;
}

uint64_t
input_event_queue_dropped_events(const InputEventQueue *q)
{
	return q->dropped_events;
}
