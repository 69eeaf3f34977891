/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The stress driver: plays a guest driver on one virtqueue of a back-end that
 * runs in another process, through libvfe (real socket, eventfds, memfd RAM).
 *
 * Per request it draws a think time from four regimes (none; 1-10 us;
 * 10-100 us; 100 us-2 ms), so that requests arrive while the back-end is busy,
 * polling, about to sleep and asleep. A mode says how many requests may be in
 * flight, how many are published before the driver decides on a kick, and
 * whether it honours VRING_USED_F_NO_NOTIFY / avail_event (skipping kicks the
 * device did not ask for) or kicks after every batch. libvfe publishes the
 * avail index as Linux does: one aligned 16-bit release store.
 *
 * The property checked for every request: answered within 1 s of being
 * published, its used element consistent (an id in flight, the length the
 * device must write) and its answer right (StressOps.check).
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/frontend.h"

#define STRESS_DEADLINE_NS (1000 * 1000 * 1000ull)

typedef struct StressMode {
	const char *name;
	bool event_idx;        /* VIRTIO_RING_F_EVENT_IDX negotiated */
	unsigned int inflight; /* requests in flight at most */
	unsigned int batch;    /* requests published per kick decision */
	bool honour_notify;    /* kick only when the device asks for it */
} StressMode;

/* One request slot: its buffers in guest RAM, what it carries. */
typedef struct StressSlot {
	uint64_t out_gpa, in_gpa;
	uint64_t seq;
	uint64_t published_ns;
	bool busy;
} StressSlot;

typedef struct StressOps {
	uint32_t out_len, in_len; /* buffer sizes; 0: no buffer of that direction */
	/* Writes request seq into the slot's out buffer (and clears the in buffer). */
	void (*prepare)(VfeFrontend *fe, StressSlot *slot, void *opaque);
	/* Checks the answer; false with *why set on a wrong one. */
	bool (*check)(VfeFrontend *fe, const StressSlot *slot, uint32_t len, void *opaque,
	              char **why);
} StressOps;

typedef struct StressStats {
	uint64_t requests, kicks, kicks_skipped, think_ns;
	/* Where the kicks went: eventfd, or a host notifier page (doorbell). */
	uint64_t eventfd_kicks, doorbell_kicks;
	uint64_t max_latency_ns;
	uint64_t latency_hist[4]; /* < 100 us, < 1 ms, < 10 ms, >= 10 ms */
} StressStats;

typedef struct StressQueue {
	VfeFrontend *fe;
	unsigned int index;
	const StressMode *mode;
	const StressOps *ops;
	void *opaque;
	GRand *rand;
	StressSlot *slots; /* one per ring entry */
	unsigned int nslots;
	int *slot_of_head;
	unsigned int inflight, unkicked;
	StressStats *stats;
} StressQueue;

uint64_t stress_now_ns(void);
/* A think time from the four regimes, and spending it. */
uint64_t stress_draw_think_ns(GRand *rand);
void stress_think(uint64_t ns);

/* After vfe_queue_setup(): slots and their buffers for a queue of size entries. */
void stress_queue_init(StressQueue *q, VfeFrontend *fe, unsigned int index, unsigned int size,
                       const StressMode *mode, const StressOps *ops, void *opaque, GRand *rand,
                       StressStats *stats);
void stress_queue_clear(StressQueue *q);

/*
 * Publishes and completes n requests (keeping at most mode->inflight in flight
 * when drain, else leaving the last ones in flight). Returns false with *why
 * on the first broken property.
 */
bool stress_queue_run(StressQueue *q, uint64_t n, bool drain, char **why);
/* Completes everything in flight. */
bool stress_queue_drain(StressQueue *q, char **why);

/* One line of figures for the log. */
char *stress_stats_format(const StressStats *s, double seconds);
char *stress_stats_format_kicks(const StressStats *s);
