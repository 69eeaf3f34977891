/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host notifiers: a polling mode for busy queues.
 *
 * A software back-end cannot see a doorbell write by itself, so a host
 * notifier is useful to us only together with polling. When a queue gets a
 * kick by eventfd, we give the front-end a page of our own (a memfd) to map
 * over the queue's notify area (BACKEND_VRING_HOST_NOTIFIER_MSG): from then
 * on the guest's notifications are plain memory writes, no exit and no
 * ioeventfd wake-up, and we serve the ring by polling it from a low-priority
 * main loop source. After idle_us without a new buffer we take the page back
 * and, once the front-end acked that, read the ring once more: a buffer the
 * driver published before its last doorbell write into our page is found
 * there, and any later doorbell goes to the kick eventfd we sleep on again.
 *
 * The page doubles as a doorbell we can watch: we keep a word that no driver
 * writes (all ones) at offset 0, where the driver writes the queue index, so
 * a change tells us the driver notified, which vouches for the index it
 * published before (see vhost_queue_pop).
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vhost-private.h"

#define DOORBELL_IDLE 0xffffffffu
/* How long one dispatch of the polling source spins before the loop runs again. */
#define POLL_SLICE_US 20

void
vhost_notifier_init(VhostNotifier *n)
{
	memset(n, 0, sizeof(*n));
	n->fd = -1;
}

void
vhost_dev_set_host_notifiers(VhostDev *dev, bool enable, unsigned int idle_us)
{
	dev->notifiers.enabled = enable;
	dev->notifiers.idle_us = idle_us ? idle_us : VHOST_HOST_NOTIFIER_IDLE_US_DEFAULT;
}

void
vhost_dev_set_host_notifier_holdoff(VhostDev *dev, unsigned int ms)
{
	dev->notifiers.holdoff_ms = ms;
}

/* The front-end is taking the page away (or did, as QEMU on GET_VRING_BASE). */
static void
note_removal(VhostQueue *q)
{
	q->dev->notifiers.last_removal[q->index] = g_get_monotonic_time();
}

/* Whether the queue's page was taken away too recently to offer it again. */
static bool
in_holdoff(VhostQueue *q)
{
	gint64 last = q->dev->notifiers.last_removal[q->index];

	return last && g_get_monotonic_time() - last < (gint64)q->dev->notifiers.holdoff_ms * 1000;
}

bool
vhost_dev_host_notifiers_enabled(VhostDev *dev)
{
	return dev->notifiers.enabled;
}

void
vhost_dev_get_notify_stats(VhostDev *dev, VhostNotifyStats *stats)
{
	*stats = dev->notifiers.stats;
}

bool
vhost_notifier_usable(VhostDev *dev)
{
	return dev->notifiers.enabled && !dev->notifiers.refused && dev->backend.fd >= 0 &&
	       vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_HOST_NOTIFIER) &&
	       vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD) &&
	       vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_BACKEND_REQ) &&
	       vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_REPLY_ACK);
}

int
vhost_queue_set_host_notifier(VhostQueue *q, int fd, uint64_t size, uint64_t offset,
                              VhostAckFunc done, void *data)
{
	VhostDev *dev = q->dev;
	VhostUserVringArea area = {
		.u64 = q->index | (fd < 0 ? VHOST_USER_VRING_NOFD_MASK : 0),
		.size = fd < 0 ? 0 : size,
		.offset = fd < 0 ? 0 : offset,
	};
	bool ack = vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_REPLY_ACK);
	int ret;

	if (!vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_HOST_NOTIFIER) ||
	    !vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD))
		return -ENOTSUP;
	ret = vhost_backend_send(dev, &dev->backend, VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG,
	                         &area, sizeof(area), fd, ack, done, data);
	if (ret == 0 && !ack && done)
		done(dev, true, data);
	return ret;
}

/* ---- the page ---- */

static bool
page_ensure(VhostQueue *q)
{
	VhostNotifier *n = &q->notifier;
	g_autofree char *name = NULL;
	long ps = sysconf(_SC_PAGESIZE);
	void *p;

	if (n->page)
		return true;
	name = g_strdup_printf("vhost-desktop host notifier %u", q->index);
	n->fd = memfd_create(name, MFD_CLOEXEC);
	if (n->fd < 0 || ftruncate(n->fd, ps) < 0)
		goto fail;
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, n->fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	n->page = p;
	n->page_size = ps;
	return true;
fail:
	g_message("%s: queue %u: no page for a host notifier (%s); serving it by eventfd",
	          vhost_dev_name(q->dev), q->index, g_strerror(errno));
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	return false;
}

static void
page_close(VhostNotifier *n)
{
	if (n->page)
		munmap(n->page, n->page_size);
	if (n->fd >= 0)
		close(n->fd);
	n->page = NULL;
	n->fd = -1;
}

/* True when the driver wrote the doorbell since we last looked; re-arms it. */
static bool
doorbell_take(VhostNotifier *n)
{
	if (!n->page || __atomic_load_n(n->page, __ATOMIC_RELAXED) == DOORBELL_IDLE)
		return false;
	/* Acquire: the ring index the driver published before ringing is visible now. */
	return __atomic_exchange_n(n->page, DOORBELL_IDLE, __ATOMIC_ACQ_REL) != DOORBELL_IDLE;
}

/* ---- polling ---- */

/*
 * Dispatches the device for buffers past seen_avail. rung: the doorbell was
 * written; vouched: after the index we see now was already in memory.
 */
static void
serve_polled(VhostQueue *q, uint16_t idx, bool rung, bool vouched)
{
	VhostDev *dev = q->dev;

	if (rung)
		dev->notifiers.stats.doorbell_writes++;
	if (q->notifier.state == VHOST_NOTIFIER_ON)
		dev->notifiers.stats.polled_requests += (uint16_t)(idx - q->seen_avail);
	vhost_queue_dispatch_polled(q, vouched);
}

/*
 * One look at the ring and the doorbell: true when there was something to
 * serve. The index is read before the doorbell is re-armed, so that a
 * doorbell found written at the next look came after that index was in
 * memory and vouches for it if it is still there; a doorbell that is only
 * still written from before (its request served by polling) vouches for
 * nothing newer.
 */
static bool
poll_once(VhostQueue *q)
{
	VhostNotifier *n = &q->notifier;
	uint16_t idx = vhost_queue_read_avail_idx(q);
	bool rung, vouched;

	/* The index before the doorbell, on weakly ordered CPUs too. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	rung = doorbell_take(n);
	vouched = rung && idx == n->idx_armed;

	n->idx_armed = idx;
	if (!rung && idx == q->seen_avail)
		return false;
	n->last_activity = g_get_monotonic_time();
	serve_polled(q, idx, rung, vouched);
	return true;
}

static void begin_removal(VhostQueue *q);

typedef struct PollSource {
	GSource base;
	VhostQueue *q;
} PollSource;

/* Not while the queue is stopped or broken: nothing to poll, and no spinning. */
static gboolean
poll_prepare(GSource *source, gint *timeout)
{
	VhostQueue *q = ((PollSource *)source)->q;

	*timeout = -1;
	return vhost_queue_usable(q);
}

static gboolean
poll_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
	VhostQueue *q = ((PollSource *)source)->q;
	gint64 now = g_get_monotonic_time(), deadline = now + POLL_SLICE_US;

	if (!vhost_queue_usable(q))
		return G_SOURCE_CONTINUE;
	do {
		if (poll_once(q))
			return G_SOURCE_CONTINUE;
		for (unsigned int i = 0; i < 64; i++)
			vhost_cpu_relax();
		now = g_get_monotonic_time();
	} while (now < deadline);
	if (q->notifier.state == VHOST_NOTIFIER_ON &&
	    now - q->notifier.last_activity >= q->dev->notifiers.idle_us)
		begin_removal(q);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs poll_funcs = {
	.prepare = poll_prepare,
	.dispatch = poll_dispatch,
};

/*
 * Always ready, at the lowest priority: it runs whenever nothing else is
 * ready, and everything else (the socket, other queues, idle callbacks) is
 * served between two slices.
 */
static void
poll_start(VhostQueue *q)
{
	VhostNotifier *n = &q->notifier;

	if (n->poll)
		return;
	n->poll = g_source_new(&poll_funcs, sizeof(PollSource));
	((PollSource *)n->poll)->q = q;
	g_source_set_priority(n->poll, G_PRIORITY_LOW);
	g_source_set_static_name(n->poll, "vhost host notifier poll");
	g_source_attach(n->poll, NULL);
}

static void
poll_stop(VhostQueue *q)
{
	VhostNotifier *n = &q->notifier;

	if (!n->poll)
		return;
	g_source_destroy(n->poll);
	g_source_unref(n->poll);
	n->poll = NULL;
}

static void
notifier_set_state(VhostQueue *q, VhostNotifierState state)
{
	q->notifier.state = state;
	if (state == VHOST_NOTIFIER_OFF)
		poll_stop(q);
	else
		poll_start(q);
}

/* ---- install and removal ---- */

/* What an ack belongs to: a queue, and which of its requests. */
typedef struct AckContext {
	VhostQueue *q;
	uint64_t ticket;
} AckContext;

/* A new request for the queue: from now on only its ack changes the state. */
static AckContext *
ack_context(VhostQueue *q)
{
	AckContext *c = g_new(AckContext, 1);

	*c = (AckContext){ q, ++q->dev->notifiers.last_ticket };
	q->notifier.ticket = c->ticket;
	return c;
}

static bool
ack_is_current(const AckContext *c)
{
	return c->ticket == c->q->notifier.ticket;
}

/*
 * The page is no longer mapped over the notify area, or never was: any later
 * doorbell goes to the kick eventfd. What the driver published before its
 * last write into our page is on the ring now: serve it.
 */
static void
serve_after_removal(VhostQueue *q)
{
	if (vhost_queue_usable(q) && q->notifier.state == VHOST_NOTIFIER_OFF)
		poll_once(q);
}

static void
removal_done(VhostDev *dev, bool accepted, void *data)
{
	AckContext *c = data;
	VhostQueue *q = c->q;

	/*
	 * Whatever the answer: QEMU refuses a removal that reaches it after it
	 * stopped the device, having removed the page itself on GET_VRING_BASE.
	 */
	if (ack_is_current(c) && q->notifier.state == VHOST_NOTIFIER_REMOVING)
		notifier_set_state(q, VHOST_NOTIFIER_OFF);
	serve_after_removal(q);
	g_free(c);
}

static void
send_removal(VhostQueue *q)
{
	AckContext *c = ack_context(q);

	if (vhost_queue_set_host_notifier(q, -1, 0, 0, removal_done, c) < 0) {
		/* No channel, no front-end to write the page: eventfds again. */
		g_free(c);
		if (q->notifier.state == VHOST_NOTIFIER_REMOVING)
			notifier_set_state(q, VHOST_NOTIFIER_OFF);
	}
}

static void
begin_removal(VhostQueue *q)
{
	g_debug("%s: queue %u idle for %u us: removing its host notifier", vhost_dev_name(q->dev),
	        q->index, q->dev->notifiers.idle_us);
	notifier_set_state(q, VHOST_NOTIFIER_REMOVING);
	note_removal(q);
	send_removal(q);
}

static void
say_refused(VhostQueue *q)
{
	VhostDev *dev = q->dev;

	dev->notifiers.stats.notifier_refusals++;
	dev->notifiers.refused = true;
	if (dev->notifiers.warned)
		return;
	dev->notifiers.warned = true;
	g_message("%s: the front-end refused the host notifier of queue %u; serving the queues "
	          "by eventfd (QEMU maps host notifiers only with page-per-vq=on on the "
	          "vhost-user device)",
	          vhost_dev_name(dev), q->index);
}

static void
install_done(VhostDev *dev, bool accepted, void *data)
{
	AckContext *c = data;
	VhostQueue *q = c->q;
	bool current = ack_is_current(c) && q->notifier.state == VHOST_NOTIFIER_INSTALLING;

	g_free(c);
	if (!current)
		return;
	if (accepted) {
		dev->notifiers.stats.notifier_installs++;
		notifier_set_state(q, VHOST_NOTIFIER_ON);
		return;
	}
	if (dev->backend.fd >= 0)
		say_refused(q);
	notifier_set_state(q, VHOST_NOTIFIER_OFF);
	serve_after_removal(q);
}

void
vhost_notifier_on_kick(VhostQueue *q, uint64_t kicks)
{
	VhostNotifier *n = &q->notifier;
	AckContext *c;

	q->dev->notifiers.stats.eventfd_kicks += kicks;
	if (n->state != VHOST_NOTIFIER_OFF || !vhost_notifier_usable(q->dev) ||
	    !vhost_queue_usable(q) || in_holdoff(q) || !page_ensure(q))
		return;
	n->idx_armed = vhost_queue_read_avail_idx(q);
	__atomic_store_n(n->page, DOORBELL_IDLE, __ATOMIC_RELEASE);
	n->last_activity = g_get_monotonic_time();
	/* Polling from now on: the front-end may switch before its ack reaches us. */
	notifier_set_state(q, VHOST_NOTIFIER_INSTALLING);
	c = ack_context(q);
	if (vhost_queue_set_host_notifier(q, n->fd, n->page_size, 0, install_done, c) < 0) {
		g_free(c);
		notifier_set_state(q, VHOST_NOTIFIER_OFF);
	}
}

void
vhost_notifier_drop(VhostQueue *q)
{
	VhostNotifierState was = q->notifier.state;

	if (was == VHOST_NOTIFIER_OFF)
		return;
	note_removal(q);
	notifier_set_state(q, VHOST_NOTIFIER_OFF);
	/* A removal already on its way serves the ring when it is acked. */
	if (was != VHOST_NOTIFIER_REMOVING)
		send_removal(q);
}

void
vhost_notifier_reset(VhostQueue *q)
{
	vhost_notifier_drop(q);
	page_close(&q->notifier);
}
