/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Event queue: frames whole and in order through 4 guest buffers; the cap drops oldest frames. */
#include <glib.h>
#include <linux/input.h>

#include "input/event-queue.h"

typedef struct Ev {
	uint16_t type, code;
	int32_t value;
} Ev;

/* Deliver into at most nbuf guest buffers, as the device does, and append to out. */
static unsigned int
deliver(InputEventQueue *q, unsigned int nbuf, GArray *out)
{
	struct virtio_input_event ev;
	unsigned int n = 0;

	while (n < nbuf && input_event_queue_peek(q, &ev)) {
		Ev e = { GUINT16_FROM_LE(ev.type), GUINT16_FROM_LE(ev.code),
			 (int32_t)GUINT32_FROM_LE(ev.value) };

		g_array_append_val(out, e);
		input_event_queue_consume(q);
		n++;
	}
	return n;
}

/* A frame of n events: n-1 ABS_MT_POSITION_X with value id*100+i, then SYN_REPORT. */
static void
add_frame(InputEventQueue *q, int id, unsigned int n)
{
	for (unsigned int i = 0; i + 1 < n; i++)
		g_assert_false(
		        input_event_queue_add(q, EV_ABS, ABS_MT_POSITION_X, id * 100 + (int)i));
	g_assert_true(input_event_queue_add(q, EV_SYN, SYN_REPORT, 0));
}

static void
check_frame(GArray *out, unsigned int *pos, int id, unsigned int n)
{
	for (unsigned int i = 0; i + 1 < n; i++) {
		Ev *e = &g_array_index(out, Ev, *pos);

		g_assert_cmpuint(e->type, ==, EV_ABS);
		g_assert_cmpint(e->value, ==, id * 100 + (int)i);
		(*pos)++;
	}
	g_assert_cmpuint(g_array_index(out, Ev, *pos).type, ==, EV_SYN);
	g_assert_cmpuint(g_array_index(out, Ev, *pos).code, ==, SYN_REPORT);
	(*pos)++;
}

static void
test_long_frames_four_buffers(void)
{
	g_autoptr(InputEventQueue) q = input_event_queue_new(1024);
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(Ev));
	unsigned int pos = 0, rounds = 0;

	/* Frames of 1..20 events, more than QEMU's 4 descriptors for most. */
	for (int id = 1; id <= 20; id++)
		add_frame(q, id, (unsigned int)id);
	g_assert_cmpuint(input_event_queue_ready(q), ==, 210);
	while (deliver(q, 4, out) > 0)
		rounds++;
	g_assert_cmpuint(rounds, ==, (210 + 3) / 4);
	g_assert_cmpuint(out->len, ==, 210);
	for (int id = 1; id <= 20; id++)
		check_frame(out, &pos, id, (unsigned int)id);
	g_assert_cmpuint(input_event_queue_dropped_frames(q), ==, 0);
}

static void
test_open_frame_waits(void)
{
	g_autoptr(InputEventQueue) q = input_event_queue_new(64);
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(Ev));

	/* Nothing of a frame goes out before its SYN_REPORT. */
	input_event_queue_add(q, EV_KEY, KEY_A, 1);
	g_assert_cmpuint(input_event_queue_ready(q), ==, 0);
	g_assert_cmpuint(input_event_queue_open_count(q), ==, 1);
	g_assert_cmpuint(deliver(q, 4, out), ==, 0);
	input_event_queue_add(q, EV_SYN, SYN_REPORT, 0);
	g_assert_cmpuint(deliver(q, 4, out), ==, 2);
	g_assert_cmpuint(g_array_index(out, Ev, 0).code, ==, KEY_A);
	g_assert_cmpint(g_array_index(out, Ev, 0).value, ==, 1);
}

static void
test_wire_format(void)
{
	g_autoptr(InputEventQueue) q = input_event_queue_new(64);
	struct virtio_input_event ev;
	const uint8_t *b = (const uint8_t *)&ev;

	G_STATIC_ASSERT(sizeof(ev) == 8);
	input_event_queue_add(q, EV_REL, REL_X, -2);
	input_event_queue_add(q, EV_SYN, SYN_REPORT, 0);
	g_assert_true(input_event_queue_peek(q, &ev));
	/* le16 type, le16 code, le32 value */
	g_assert_cmpuint(b[0], ==, EV_REL);
	g_assert_cmpuint(b[1], ==, 0);
	g_assert_cmpuint(b[2], ==, REL_X);
	g_assert_cmpuint(b[3], ==, 0);
	g_assert_cmpuint(b[4], ==, 0xfe);
	g_assert_cmpuint(b[7], ==, 0xff);
}

static void
test_cap_drops_oldest_frames(void)
{
	g_autoptr(InputEventQueue) q = input_event_queue_new(10);
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(Ev));
	unsigned int pos = 0;

	/* A stuck guest: 6 frames of 3 events into a cap of 10. */
	g_test_expect_message("vd-input", G_LOG_LEVEL_WARNING, "guest is not reading*");
	for (int id = 1; id <= 6; id++)
		add_frame(q, id, 3);
	g_test_assert_expected_messages();
	g_assert_cmpuint(input_event_queue_ready(q), ==, 9);
	g_assert_cmpuint(input_event_queue_dropped_frames(q), ==, 3);
	g_assert_cmpuint(input_event_queue_dropped_events(q), ==, 9);
	while (deliver(q, 4, out) > 0)
		;
	/* The newest three frames survive, whole and in order. */
	g_assert_cmpuint(out->len, ==, 9);
	for (int id = 4; id <= 6; id++)
		check_frame(out, &pos, id, 3);
}

static void
test_cap_keeps_partial_head(void)
{
	g_autoptr(InputEventQueue) q = input_event_queue_new(8);
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(Ev));
	unsigned int pos = 0;

	add_frame(q, 1, 6);
	g_assert_cmpuint(deliver(q, 2, out), ==, 2);
	add_frame(q, 2, 4); /* 4 + 4 = 8: fits */
	g_assert_cmpuint(input_event_queue_dropped_frames(q), ==, 0);
	/* Frame 1 is half with the guest: frame 2 must go, not frame 1. */
	g_test_expect_message("vd-input", G_LOG_LEVEL_WARNING, "guest is not reading*");
	add_frame(q, 3, 3);
	g_test_assert_expected_messages();
	g_assert_cmpuint(input_event_queue_dropped_frames(q), ==, 1);
	while (deliver(q, 4, out) > 0)
		;
	check_frame(out, &pos, 1, 6);
	check_frame(out, &pos, 3, 3);
	g_assert_cmpuint(pos, ==, out->len);
}

static void
test_warning_rate_limited(void)
{
	g_autoptr(InputEventQueue) q = input_event_queue_new(4);

	/* Many drops in a row: one warning (the fatal-warnings default would abort on two). */
	g_test_expect_message("vd-input", G_LOG_LEVEL_WARNING, "guest is not reading*");
	for (int id = 0; id < 100; id++)
		add_frame(q, id, 2);
	g_test_assert_expected_messages();
	g_assert_cmpuint(input_event_queue_dropped_frames(q), ==, 98);
	g_assert_cmpuint(input_event_queue_ready(q), ==, 4);
}

static void
test_endless_frame(void)
{
	g_autoptr(InputEventQueue) q = input_event_queue_new(16);
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(Ev));
	unsigned int pos = 0;

	/* A source that never sends SYN_REPORT cannot grow the queue. */
	g_test_expect_message("vd-input", G_LOG_LEVEL_WARNING, "guest is not reading*");
	for (int i = 0; i < 1000; i++)
		input_event_queue_add(q, EV_REL, REL_X, 1);
	g_test_assert_expected_messages();
	g_assert_cmpuint(input_event_queue_open_count(q), <=, 16);
	input_event_queue_clear(q);
	g_assert_cmpuint(input_event_queue_open_count(q), ==, 0);
	add_frame(q, 7, 5);
	deliver(q, 100, out);
	check_frame(out, &pos, 7, 5);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/event-queue/long-frames-four-buffers",
	                test_long_frames_four_buffers);
	g_test_add_func("/input/event-queue/open-frame-waits", test_open_frame_waits);
	g_test_add_func("/input/event-queue/wire-format", test_wire_format);
	g_test_add_func("/input/event-queue/cap-drops-oldest-frames", test_cap_drops_oldest_frames);
	g_test_add_func("/input/event-queue/cap-keeps-partial-head", test_cap_keeps_partial_head);
	g_test_add_func("/input/event-queue/warning-rate-limited", test_warning_rate_limited);
	g_test_add_func("/input/event-queue/endless-frame", test_endless_frame);
	return g_test_run();
}
