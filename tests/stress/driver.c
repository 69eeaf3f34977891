/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "driver.h"

#include <errno.h>
#include <time.h>

uint64_t
stress_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
stress_draw_think_ns(GRand *rand)
{
	double u = g_rand_double(rand);

	if (u < 0.40)
		return 0;
	if (u < 0.70)
		return (uint64_t)g_rand_int_range(rand, 1000, 10000);
	if (u < 0.97)
		return (uint64_t)g_rand_int_range(rand, 10000, 100000);
	return (uint64_t)g_rand_int_range(rand, 100000, 2000000);
}

/*
 * Short think times spin, as a driver computing would; long ones sleep, as a
 * guest vCPU that halts: the back-end then sees the queue go quiet.
 */
void
stress_think(uint64_t ns)
{
	uint64_t end;

	if (ns == 0)
		return;
	if (ns >= 100000) {
		struct timespec ts = { 0, (long)ns };

		nanosleep(&ts, NULL);
		return;
	}
	end = stress_now_ns() + ns;
	while (stress_now_ns() < end)
		;
}

void
stress_queue_init(StressQueue *q, VfeFrontend *fe, unsigned int index, unsigned int size,
                  const StressMode *mode, const StressOps *ops, void *opaque, GRand *rand,
                  StressStats *stats)
{
	*q = (StressQueue){ .fe = fe,
		            .index = index,
		            .mode = mode,
		            .ops = ops,
		            .opaque = opaque,
		            .rand = rand,
		            .stats = stats,
		            .nslots = size };
	q->slots = g_new0(StressSlot, size);
	q->slot_of_head = g_new(int, size);
	for (unsigned int i = 0; i < size; i++) {
		q->slot_of_head[i] = -1;
		if (ops->out_len)
			q->slots[i].out_gpa = vfe_alloc(fe, ops->out_len, 8);
		if (ops->in_len)
			q->slots[i].in_gpa = vfe_alloc(fe, ops->in_len, 8);
	}
}

void
stress_queue_clear(StressQueue *q)
{
	g_clear_pointer(&q->slots, g_free);
	g_clear_pointer(&q->slot_of_head, g_free);
}

static void
publish(StressQueue *q)
{
	if (!q->mode->honour_notify || vfe_queue_kick_needed(q->fe, q->index)) {
		g_assert_cmpint(vfe_queue_kick(q->fe, q->index), ==, 0);
		q->stats->kicks++;
	} else {
		q->stats->kicks_skipped++;
	}
	q->unkicked = 0;
}

static bool
submit(StressQueue *q, uint64_t seq)
{
	const StressOps *ops = q->ops;
	VfeBuf out = { 0, ops->out_len }, in = { 0, ops->in_len };
	StressSlot *slot = NULL;
	unsigned int i;
	int head;

	for (i = 0; i < q->nslots && q->slots[i].busy; i++)
		;
	g_assert_cmpuint(i, <, q->nslots);
	slot = &q->slots[i];
	slot->seq = seq;
	ops->prepare(q->fe, slot, q->opaque);
	out.gpa = slot->out_gpa;
	in.gpa = slot->in_gpa;
	head = vfe_queue_add(q->fe, q->index, &out, ops->out_len ? 1 : 0, &in, ops->in_len ? 1 : 0);
	if (head < 0)
		return false;
	slot->busy = true;
	slot->published_ns = stress_now_ns();
	q->slot_of_head[head] = (int)i;
	q->inflight++;
	if (++q->unkicked >= q->mode->batch)
		publish(q);
	return true;
}

static void
record_latency(StressStats *s, uint64_t ns)
{
	s->max_latency_ns = MAX(s->max_latency_ns, ns);
	s->latency_hist[ns < 100000 ? 0 : ns < 1000000 ? 1 : ns < 10000000 ? 2 : 3]++;
}

/* Takes one used element, waiting up to the deadline when block; 1 taken, 0 none. */
static int
complete_one(StressQueue *q, bool block, char **why)
{
	uint32_t id = 0, len = 0;
	StressSlot *slot;
	uint64_t now;
	int r;

	if (!block && vfe_queue_used_pending(q->fe, q->index) == 0)
		return 0;
	r = vfe_queue_wait_used(q->fe, q->index, (int)(STRESS_DEADLINE_NS / 1000000), &id, &len);
	if (r == -ETIMEDOUT) {
		*why = g_strdup_printf(
		        "%u requests in flight, none answered within 1 s (%" G_GUINT64_FORMAT
		        " answered before)",
		        q->inflight, q->stats->requests);
		return -1;
	}
	if (r < 0) {
		*why = g_strdup_printf("used element %u (len %u): %s", id, len, g_strerror(-r));
		return -1;
	}
	if (q->slot_of_head[id] < 0) {
		*why = g_strdup_printf("used id %u is not a request in flight", id);
		return -1;
	}
	slot = &q->slots[q->slot_of_head[id]];
	q->slot_of_head[id] = -1;
	now = stress_now_ns();
	if (now - slot->published_ns > STRESS_DEADLINE_NS) {
		*why = g_strdup_printf("request %" G_GUINT64_FORMAT " answered after %.3f s",
		                       slot->seq, (now - slot->published_ns) / 1e9);
		return -1;
	}
	record_latency(q->stats, now - slot->published_ns);
	if (!q->ops->check(q->fe, slot, len, q->opaque, why))
		return -1;
	slot->busy = false;
	q->inflight--;
	q->stats->requests++;
	return 1;
}

static bool
complete_ready(StressQueue *q, char **why)
{
	int r;

	while ((r = complete_one(q, false, why)) > 0)
		;
	return r == 0;
}

static unsigned int
descs_per_request(const StressOps *ops)
{
	return (ops->out_len ? 1u : 0u) + (ops->in_len ? 1u : 0u);
}

bool
stress_queue_run(StressQueue *q, uint64_t n, bool drain, char **why)
{
	uint64_t submitted = 0, first = q->stats->requests;

	while (submitted < n) {
		if (q->inflight < q->mode->inflight && q->inflight < q->nslots &&
		    vfe_queue_free_count(q->fe, q->index) >= descs_per_request(q->ops)) {
			uint64_t ns = stress_draw_think_ns(q->rand);

			stress_think(ns);
			q->stats->think_ns += ns;
			if (!submit(q, first + submitted))
				break;
			submitted++;
			if (!complete_ready(q, why))
				return false;
			continue;
		}
		/* Full: whatever is published but not kicked must be decided on first. */
		if (q->unkicked)
			publish(q);
		if (complete_one(q, true, why) < 0)
			return false;
	}
	if (q->unkicked)
		publish(q);
	return drain ? stress_queue_drain(q, why) : complete_ready(q, why);
}

bool
stress_queue_drain(StressQueue *q, char **why)
{
	if (q->unkicked)
		publish(q);
	while (q->inflight > 0)
		if (complete_one(q, true, why) < 0)
			return false;
	return true;
}

char *
stress_stats_format(const StressStats *s, double seconds)
{
	return g_strdup_printf(
	        "%" G_GUINT64_FORMAT " requests in %.1f s (%.0f/s), think %.1f s; "
	        "kicks %" G_GUINT64_FORMAT ", skipped as told %" G_GUINT64_FORMAT
	        "; latency <100us %" G_GUINT64_FORMAT ", <1ms %" G_GUINT64_FORMAT
	        ", <10ms %" G_GUINT64_FORMAT ", >=10ms %" G_GUINT64_FORMAT ", max %.2f ms",
	        s->requests, seconds, s->requests / MAX(seconds, 1e-9), s->think_ns / 1e9, s->kicks,
	        s->kicks_skipped, s->latency_hist[0], s->latency_hist[1], s->latency_hist[2],
	        s->latency_hist[3], s->max_latency_ns / 1e6);
}

char *
stress_stats_format_kicks(const StressStats *s)
{
	return g_strdup_printf("kicks by eventfd %" G_GUINT64_FORMAT
	                       ", into the host notifier page %" G_GUINT64_FORMAT,
	                       s->eventfd_kicks, s->doorbell_kicks);
}
