/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Split virtqueues: taking descriptor chains from the available ring and
 * returning them on the used ring. The rings live in memory the guest writes
 * concurrently, so every field is read once into a local copy and checked
 * before use; a ring that breaks a rule is stopped, logged once, and left
 * alone until the front-end resets it.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <glib-unix.h>
#include <stdarg.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vhost-private.h"

typedef struct VhostElemPriv {
	VhostElem elem;
	struct iovec iov[];
} VhostElemPriv;

static inline uint16_t
ring_read16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void
ring_write16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

void
vhost_queue_init(VhostQueue *q, VhostDev *dev, unsigned int index)
{
	memset(q, 0, sizeof(*q));
	q->dev = dev;
	q->index = index;
	q->kick_fd = q->call_fd = q->err_fd = -1;
	vhost_notifier_init(&q->notifier);
}

bool
vhost_queue_usable(VhostQueue *q)
{
	return q->started && !q->broken && q->rings_mapped;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
queue_set_started(VhostQueue *q, bool started)
{
	const VhostDeviceOps *ops = q->dev->info.ops;

	if (q->started == started)
		return;
	q->started = started;
	/* Stopped, disabled or reset: the front-end must not map our page any more. */
	if (!started)
		vhost_notifier_drop(q);
	if (ops->queue_started)
		ops->queue_started(q->dev->info.opaque, q, q->index, started);
}

void
vhost_queue_reset(VhostQueue *q)
{
	VhostDev *dev = q->dev;
	unsigned int index = q->index;

	queue_set_started(q, false);
	vhost_notifier_reset(q);
	if (q->kick_source)
		g_source_remove(q->kick_source);
	if (q->resume_source)
		g_source_remove(q->resume_source);
	close_fd(&q->kick_fd);
	close_fd(&q->call_fd);
	close_fd(&q->err_fd);
	g_free(q->resubmit);
	vhost_queue_init(q, dev, index);
}

void
vhost_queue_mark_broken(VhostQueue *q, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	if (q->broken)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_warning("%s: guest bug: queue %u: %s; the queue is stopped until the device is reset",
	          vhost_dev_name(q->dev), q->index, msg);
	q->broken = true;
	if (q->err_fd >= 0)
		(void)eventfd_write(q->err_fd, 1);
}

static bool
host_ranges_overlap(const void *a, size_t alen, const void *b, size_t blen)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y + blen && y < x + alen;
}

/*
 * Dispatch to the device with a fresh budget. Without one, a guest that keeps
 * the ring full (or aliases the used ring onto the avail ring, so that each
 * completion posts a new request) would keep us in one callback forever.
 */
void
vhost_queue_dispatch(VhostQueue *q)
{
	const VhostDeviceOps *ops = q->dev->info.ops;

	q->budget = MAX(q->num, 1u);
	if (vhost_queue_usable(q))
		q->seen_avail = ring_read16(&q->avail->idx);
	if (q->started && !q->broken && ops->queue_kicked)
		ops->queue_kicked(q->dev->info.opaque, q, q->index);
}

void
vhost_queue_dispatch_polled(VhostQueue *q, bool vouched)
{
	q->unvouched = !vouched;
	vhost_queue_dispatch(q);
	q->unvouched = false;
}

static gboolean
resume_cb(gpointer data)
{
	VhostQueue *q = data;

	q->resume_source = 0;
	vhost_queue_dispatch(q);
	return G_SOURCE_REMOVE;
}

void
vhost_queue_remap(VhostQueue *q)
{
	VhostDev *dev = q->dev;
	int err = 0;

	q->rings_mapped = false;
	if (!q->addr_set || q->num == 0)
		return;
	q->desc = vhost_dev_map_ring(dev, q->addr.desc_user_addr, sizeof(VringDesc) * q->num, false,
	                             &err);
	q->avail = vhost_dev_map_ring(dev, q->addr.avail_user_addr,
	                              sizeof(VringAvail) + sizeof(uint16_t) * (q->num + 1), false,
	                              &err);
	q->used = vhost_dev_map_ring(
	        dev, q->addr.used_user_addr,
	        sizeof(VringUsed) + sizeof(VringUsedElem) * q->num + sizeof(uint16_t), true, &err);
	q->rings_mapped = q->desc && q->avail && q->used;
	size_t desc_len = sizeof(VringDesc) * q->num;
	size_t avail_len = sizeof(VringAvail) + sizeof(uint16_t) * (q->num + 1);
	size_t used_len = sizeof(VringUsed) + sizeof(VringUsedElem) * q->num + sizeof(uint16_t);
	if (q->rings_mapped && (host_ranges_overlap(q->desc, desc_len, q->avail, avail_len) ||
	                        host_ranges_overlap(q->desc, desc_len, q->used, used_len) ||
	                        host_ranges_overlap(q->avail, avail_len, q->used, used_len))) {
		vhost_queue_mark_broken(q, "descriptor table and rings overlap");
		q->rings_mapped = false;
		return;
	}
	/* The spec's alignment (16, 2, 4) is what makes our loads and stores atomic. */
	if (q->rings_mapped &&
	    (((uintptr_t)q->desc & 15) || ((uintptr_t)q->avail & 1) || ((uintptr_t)q->used & 3))) {
		vhost_queue_mark_broken(q, "misaligned ring addresses");
		q->rings_mapped = false;
	}
	q->waiting_iotlb = err == -EAGAIN;
	if (!q->rings_mapped && err != -EAGAIN && dev->mem.nregions > 0)
		g_debug("%s: queue %u: rings not in guest memory (yet)", vhost_dev_name(dev),
		        q->index);
}

/*
 * Polling the available ring for a while after serving a kick. Where the
 * driver runs on another CPU and answers our call at once, its next request
 * comes some 10-20 us later; sleeping in poll() meanwhile costs a wake-up of
 * an idle CPU on the way back, about as long again (QEMU's back-end avoids it
 * by accident: its extra syscalls keep it awake until the next kick). Where
 * the driver shares our CPU, polling only delays it: a few polls in a row that
 * see nothing turn polling off (one alone is the driver's occasional late
 * answer, which must not cost the next kicks their polling), and it comes back
 * only after many kicks in a row that followed our previous callback so
 * closely that the driver was surely waiting. One setting for the process: a
 * daemon serves one device, and only its busiest queue matters here.
 */
#define KICK_POLL_US 40
/* A sleep of this long was a wake-up on each side: worth polling through. */
#define KICK_POLL_GAP_US 100
#define KICK_POLL_RETRY 64
#define KICK_POLL_MISSES 3

static struct {
	bool on;
	unsigned int short_gaps; /* callbacks in a row that came within the window */
	unsigned int misses;     /* polls in a row that found nothing */
	gint64 last_end;
} kick_poll = { .on = true };

/* Returns true when the driver published buffers past seen within the window. */
static bool
kick_poll_ring(VhostQueue *q, uint16_t seen)
{
	gint64 deadline = g_get_monotonic_time() + KICK_POLL_US;

	do {
		for (unsigned int i = 0; i < 64; i++) {
			if (ring_read16(&q->avail->idx) != seen)
				return true;
			vhost_cpu_relax();
		}
	} while (g_get_monotonic_time() < deadline);
	return false;
}

/*
 * Serves the queue first and clears the kick eventfd after, so that the call
 * that answers a kick goes out one syscall sooner. Kicks that arrive during the
 * dispatch are cleared by that read as well; their buffers are the ones past
 * the available index we saw before dispatching, and are served at once.
 */
static gboolean
kick_cb(int fd, GIOCondition cond, gpointer data)
{
	VhostQueue *q = data;
	guint self = g_source_get_id(g_main_current_source());
	bool usable = vhost_queue_usable(q);
	uint16_t before = usable ? ring_read16(&q->avail->idx) : 0;
	eventfd_t value;
	ssize_t n;

	if (!kick_poll.on) {
		gint64 gap = g_get_monotonic_time() - kick_poll.last_end;

		kick_poll.short_gaps = gap < KICK_POLL_GAP_US ? kick_poll.short_gaps + 1 : 0;
		kick_poll.on = kick_poll.short_gaps >= KICK_POLL_RETRY;
	}
	vhost_queue_dispatch(q);
	/* The device may have stopped the queue or replaced its kick fd. */
	if (q->kick_source != self)
		return G_SOURCE_REMOVE;
	n = read(fd, &value, sizeof(value));
	if (n != (ssize_t)sizeof(value) && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
		vd_log_fault(&q->dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(q->dev),
		             "queue %u: kick eventfd unreadable: %s", q->index,
		             n < 0 ? g_strerror(errno) : "short read");
		q->kick_source = 0;
		return G_SOURCE_REMOVE;
	}
	if (n == (ssize_t)sizeof(value))
		vhost_notifier_on_kick(q, value);
	/* The driver publishes its index before it kicks; we read it after the kick. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (usable && vhost_queue_usable(q) && !q->resume_source &&
	    ring_read16(&q->avail->idx) != before)
		vhost_queue_dispatch(q);
	/*
	 * Not while the device holds back buffers it has (budget, a pending
	 * command), nor while a host notifier has the queue polled anyway.
	 */
	if (kick_poll.on && q->kick_source == self && vhost_queue_usable(q) && !q->resume_source &&
	    q->notifier.state == VHOST_NOTIFIER_OFF && vhost_queue_avail_count(q) == 0) {
		if (kick_poll_ring(q, ring_read16(&q->avail->idx))) {
			/* Their kick follows and finds them served, or finds more. */
			kick_poll.misses = 0;
			vhost_queue_dispatch_polled(q, false);
		} else if (++kick_poll.misses >= KICK_POLL_MISSES) {
			kick_poll.on = false;
			kick_poll.short_gaps = 0;
			kick_poll.misses = 0;
		}
	}
	kick_poll.last_end = g_get_monotonic_time();
	return G_SOURCE_CONTINUE;
}

/*
 * Watches the kick eventfd. GLib takes a source that is not allowed to
 * recurse out of the poll set while its callback runs and puts it back
 * afterwards; each change writes the context's wakeup eventfd, which the next
 * poll then returns for and reads. That is three syscalls per kick, one of
 * them before the callback, for a guard we do not need: nothing here runs a
 * nested main loop.
 */
static guint
queue_watch_kick(VhostQueue *q)
{
	g_autoptr(GSource) source = g_unix_fd_source_new(q->kick_fd, G_IO_IN);

	g_source_set_callback(source, G_SOURCE_FUNC(kick_cb), q, NULL);
	g_source_set_can_recurse(source, TRUE);
	g_source_set_static_name(source, "vhost kick");
	return g_source_attach(source, NULL);
}

void
vhost_queue_update_state(VhostQueue *q)
{
	bool can_run = q->kick_set && q->enabled && q->num > 0 && q->addr_set && !q->broken;

	if (can_run && !q->rings_mapped)
		vhost_queue_remap(q);
	can_run = can_run && q->rings_mapped;
	if (can_run == q->started)
		return;
	if (can_run) {
		q->used_idx = ring_read16(&q->used->idx);
		q->signalled_used_valid = false;
		q->inuse = 0;
		vhost_inflight_recover(q);
		if (q->kick_fd >= 0 && !q->kick_source)
			q->kick_source = queue_watch_kick(q);
	}
	queue_set_started(q, can_run);
	/* The driver may have queued buffers before we were ready to look. */
	if (can_run)
		vhost_queue_dispatch(q);
}

uint16_t
vhost_queue_stop(VhostQueue *q)
{
	queue_set_started(q, false);
	if (q->kick_source)
		g_source_remove(q->kick_source);
	q->kick_source = 0;
	close_fd(&q->kick_fd);
	q->kick_set = false;
	q->rings_mapped = false;
	return q->last_avail_idx;
}

void
vhost_queue_set_kick_fd(VhostQueue *q, int fd)
{
	if (q->kick_source)
		g_source_remove(q->kick_source);
	q->kick_source = 0;
	close_fd(&q->kick_fd);
	q->kick_fd = fd;
	q->kick_set = true;
	if (q->started && fd >= 0)
		q->kick_source = queue_watch_kick(q);
}

void
vhost_queue_set_call_fd(VhostQueue *q, int fd)
{
	close_fd(&q->call_fd);
	q->call_fd = fd;
}

void
vhost_queue_set_err_fd(VhostQueue *q, int fd)
{
	close_fd(&q->err_fd);
	q->err_fd = fd;
}

/* ---- public queue API ---- */

VhostQueue *
vhost_dev_get_queue(VhostDev *dev, unsigned int index)
{
	return index < dev->info.num_queues ? &dev->queues[index] : NULL;
}

unsigned int
vhost_queue_index(VhostQueue *queue)
{
	return queue->index;
}

bool
vhost_queue_is_started(VhostQueue *queue)
{
	return queue->started && !queue->broken;
}

unsigned int
vhost_queue_size(VhostQueue *queue)
{
	return queue->num;
}

uint16_t
vhost_queue_read_avail_idx(VhostQueue *q)
{
	return ring_read16(&q->avail->idx);
}

unsigned int
vhost_queue_avail_count(VhostQueue *q)
{
	uint16_t avail_idx;

	if (!vhost_queue_usable(q))
		return 0;
	avail_idx = ring_read16(&q->avail->idx);
	return (uint16_t)(avail_idx - q->last_avail_idx) + (q->resubmit_num - q->resubmit_pos);
}

typedef struct ChainBuilder {
	struct iovec *iov;
	unsigned int out_num;
	unsigned int in_num;
	unsigned int max;
} ChainBuilder;

static int
chain_add(VhostQueue *q, ChainBuilder *b, const VringDesc *d)
{
	bool write = d->flags & VRING_DESC_F_WRITE;
	unsigned int n = b->out_num + b->in_num;
	int ret;

	if (!write && b->in_num > 0) {
		vhost_queue_mark_broken(q, "device-readable descriptor after a writable one");
		return -EINVAL;
	}
	if (d->len == 0)
		return 0;
	ret = vhost_dev_translate(q->dev, d->addr, d->len, write, b->iov, &n, b->max);
	if (ret == -EAGAIN)
		return ret;
	if (ret < 0) {
		vhost_queue_mark_broken(q, "buffer 0x%" G_GINT64_MODIFIER "x+%u %s", d->addr,
		                        d->len,
		                        ret == -ENOBUFS ? "splits into too many pieces"
		                                        : "is outside guest memory");
		return ret;
	}
	if (write)
		b->in_num = n - b->out_num;
	else
		b->out_num = n;
	return 0;
}

/* Copies an indirect table out of guest memory so the guest cannot change it under us. */
static VringDesc *
read_indirect(VhostQueue *q, const VringDesc *d, unsigned int *count, int *err)
{
	struct iovec iov[16];
	unsigned int n = 0;
	VringDesc *table;

	if (d->len == 0 || d->len % sizeof(VringDesc) != 0 ||
	    d->len / sizeof(VringDesc) > VHOST_MAX_CHAIN) {
		vhost_queue_mark_broken(q, "indirect table of %u bytes", d->len);
		*err = -EINVAL;
		return NULL;
	}
	*err = vhost_dev_translate(q->dev, d->addr, d->len, false, iov, &n, G_N_ELEMENTS(iov));
	if (*err < 0) {
		if (*err != -EAGAIN)
			vhost_queue_mark_broken(q, "indirect table outside guest memory");
		return NULL;
	}
	table = g_malloc(d->len);
	vhost_iov_to_buf(iov, n, 0, table, d->len);
	*count = d->len / sizeof(VringDesc);
	return table;
}

static VhostElem *
map_chain(VhostQueue *q, uint16_t head, int *err)
{
	g_autofree struct iovec *iov = g_new(struct iovec, VHOST_MAX_CHAIN);
	g_autofree VringDesc *indirect = NULL;
	ChainBuilder b = { iov, 0, 0, VHOST_MAX_CHAIN };
	const VringDesc *table = q->desc;
	unsigned int table_size = q->num, i = head, seen = 0;
	VringDesc d;
	VhostElemPriv *p;

	*err = -EINVAL;
	if (head >= q->num) {
		vhost_queue_mark_broken(q, "head index %u beyond a ring of %u", head, q->num);
		return NULL;
	}
	memcpy(&d, &q->desc[head], sizeof(d));
	if (d.flags & VRING_DESC_F_INDIRECT) {
		if (!vhost_dev_has_feature(q->dev, VIRTIO_RING_F_INDIRECT_DESC) ||
		    (d.flags & VRING_DESC_F_NEXT)) {
			vhost_queue_mark_broken(q, "indirect descriptor not allowed here");
			return NULL;
		}
		indirect = read_indirect(q, &d, &table_size, err);
		if (!indirect)
			return NULL;
		table = indirect;
		i = 0;
	}
	for (;;) {
		if (seen++ >= table_size) {
			vhost_queue_mark_broken(
			        q, "descriptor chain loops or is longer than its table");
			*err = -ELOOP;
			return NULL;
		}
		memcpy(&d, &table[i], sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			vhost_queue_mark_broken(q, "nested indirect descriptor");
			return NULL;
		}
		*err = chain_add(q, &b, &d);
		if (*err < 0)
			return NULL;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= table_size) {
			vhost_queue_mark_broken(q, "next index %u beyond a table of %u", i,
			                        table_size);
			*err = -EINVAL;
			return NULL;
		}
	}
	p = g_malloc(sizeof(*p) + sizeof(struct iovec) * (b.out_num + b.in_num));
	memcpy(p->iov, iov, sizeof(struct iovec) * (b.out_num + b.in_num));
	p->elem.index = head;
	p->elem.out_num = b.out_num;
	p->elem.in_num = b.in_num;
	p->elem.out_sg = p->iov;
	p->elem.in_sg = p->iov + b.out_num;
	*err = 0;
	return &p->elem;
}

static VhostElem *
pop_resubmitted(VhostQueue *q)
{
	int err;
	VhostElem *elem;

	elem = map_chain(q, q->resubmit[q->resubmit_pos], &err);
	if (elem)
		q->resubmit_pos++;
	return elem;
}

VhostElem *
vhost_queue_pop(VhostQueue *q)
{
	uint16_t avail_idx, head;
	VhostElem *elem;
	int err;

	if (!vhost_queue_usable(q))
		return NULL;
	if (q->budget == 0) {
		if (!q->resume_source)
			q->resume_source = g_idle_add(resume_cb, q);
		return NULL;
	}
	q->budget--;
	if (q->resubmit_pos < q->resubmit_num)
		return pop_resubmitted(q);
	avail_idx = ring_read16(&q->avail->idx);
	if ((uint16_t)(avail_idx - q->last_avail_idx) > q->num) {
		/*
		 * Read while polling, with no kick after it: the driver may not have
		 * finished the write. Nothing yet; a kick brings the verdict.
		 */
		if (q->unvouched)
			return NULL;
		vhost_queue_mark_broken(q, "available index moved by %u in a ring of %u",
		                        (uint16_t)(avail_idx - q->last_avail_idx), q->num);
		return NULL;
	}
	if (avail_idx == q->last_avail_idx)
		return NULL;
	if (q->inuse >= q->num) {
		vhost_queue_mark_broken(q, "more buffers in flight than the ring holds");
		return NULL;
	}
	/* Read the ring entry only after seeing the index that covers it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = ring_read16(&q->avail->ring[q->last_avail_idx % q->num]);
	elem = map_chain(q, head, &err);
	if (!elem) {
		if (err == -EAGAIN)
			q->waiting_iotlb = true;
		return NULL;
	}
	q->last_avail_idx++;
	q->inuse++;
	vhost_inflight_on_pop(q, head);
	if (vhost_dev_has_feature(q->dev, VIRTIO_RING_F_EVENT_IDX) && !q->notifications_off)
		ring_write16((uint16_t *)&q->used->ring[q->num], q->last_avail_idx);
	return elem;
}

void
vhost_queue_rewind(VhostQueue *q, unsigned int num)
{
	num = MIN(num, q->inuse);
	q->last_avail_idx -= num;
	q->inuse -= num;
}

static void
log_used(VhostQueue *q, size_t offset, size_t len)
{
	if (q->log_used && vhost_dev_has_feature(q->dev, VHOST_F_LOG_ALL)) {
		vhost_log_mark(&q->dev->log, q->addr.log_guest_addr + offset, len);
		vhost_log_kick(&q->dev->log);
	}
}

void
vhost_queue_push(VhostQueue *q, const VhostElem *elem, uint32_t len)
{
	VringUsedElem ue = { elem->index, len };
	unsigned int slot;

	if (!vhost_queue_usable(q))
		return;
	if (vhost_dev_has_feature(q->dev, VHOST_F_LOG_ALL)) {
		size_t left = len;
		for (unsigned int i = 0; i < elem->in_num && left > 0; i++) {
			size_t chunk = MIN(left, elem->in_sg[i].iov_len);
			vhost_dev_log_host_write(q->dev, elem->in_sg[i].iov_base, chunk);
			left -= chunk;
		}
	}
	vhost_inflight_on_push_begin(q, elem->index);
	slot = q->used_idx % q->num;
	memcpy(&q->used->ring[slot], &ue, sizeof(ue));
	log_used(q, offsetof(VringUsed, ring) + slot * sizeof(ue), sizeof(ue));
	/* The entry must be visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx++;
	ring_write16(&q->used->idx, q->used_idx);
	log_used(q, offsetof(VringUsed, idx), sizeof(uint16_t));
	if (q->inuse)
		q->inuse--;
	vhost_inflight_on_push_end(q, elem->index);
}

static bool
queue_should_notify(VhostQueue *q)
{
	uint16_t old, new_idx, event;
	bool valid;

	/* Our used index write must be ordered before reading the driver's flags. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vhost_dev_has_feature(q->dev, VIRTIO_RING_F_EVENT_IDX))
		return !(ring_read16(&q->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
	old = q->signalled_used;
	valid = q->signalled_used_valid;
	new_idx = q->signalled_used = q->used_idx;
	q->signalled_used_valid = true;
	if (!valid)
		return true;
	event = ring_read16(&q->avail->ring[q->num]);
	return vring_need_event(event, new_idx, old);
}

void
vhost_queue_notify(VhostQueue *q)
{
	if (!vhost_queue_usable(q) || q->call_fd < 0)
		return;
	if (queue_should_notify(q))
		(void)eventfd_write(q->call_fd, 1);
}

void
vhost_queue_complete(VhostQueue *q, VhostElem *elem, uint32_t len)
{
	vhost_queue_push(q, elem, len);
	vhost_queue_notify(q);
	vhost_elem_free(elem);
}

void
vhost_queue_set_notification(VhostQueue *q, bool enable)
{
	q->notifications_off = !enable;
	if (!vhost_queue_usable(q))
		return;
	if (vhost_dev_has_feature(q->dev, VIRTIO_RING_F_EVENT_IDX)) {
		if (enable)
			ring_write16((uint16_t *)&q->used->ring[q->num],
			             ring_read16(&q->avail->idx));
	} else {
		uint16_t flags = ring_read16(&q->used->flags);
		ring_write16(&q->used->flags, enable ? flags & ~VRING_USED_F_NO_NOTIFY
		                                     : flags | VRING_USED_F_NO_NOTIFY);
	}
	/* The driver must see the change before we look at the ring again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void
vhost_elem_free(VhostElem *elem)
{
	g_free(elem);
}
