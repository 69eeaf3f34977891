/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfe: the driver side of split virtqueues. */
#define G_LOG_DOMAIN "vfe"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "frontend-private.h"

/*
 * The rings live in shared memory that the back-end writes concurrently, and
 * their fields are not naturally aligned in the packed structs of protocol.h,
 * so they are reached through byte offsets and atomic accesses.
 */
#define AVAIL_FLAGS 0u
#define AVAIL_IDX 2u
#define AVAIL_RING(i) (4u + 2u * (i))
#define USED_FLAGS 0u
#define USED_IDX 2u
#define USED_ELEM(i) (4u + 8u * (i))

static inline uint16_t *
vfe_u16(uint8_t *base, size_t off)
{
	return (uint16_t *)(void *)(base + off);
}

static inline uint16_t
vfe_load16(uint8_t *base, size_t off)
{
	return __atomic_load_n(vfe_u16(base, off), __ATOMIC_ACQUIRE);
}

static inline void
vfe_store16(uint8_t *base, size_t off, uint16_t v)
{
	__atomic_store_n(vfe_u16(base, off), v, __ATOMIC_RELEASE);
}

static VfeQueue *
vfe_queue_get(VfeFrontend *fe, unsigned int index)
{
	if (index >= VFE_MAX_QUEUES || !fe->queues[index].ready) {
		g_critical("vfe: queue %u is not set up", index);
		return NULL;
	}
	return &fe->queues[index];
}

static void
vfe_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
vfe_queue_clear(VfeQueue *q)
{
	vfe_close(&q->kick_fd);
	vfe_close(&q->call_fd);
	vfe_close(&q->err_fd);
	g_free(q->free_next);
	g_free(q->chain_next);
	g_free(q->chain_len);
	g_free(q->head_state);
	memset(q, 0, sizeof(*q));
	q->kick_fd = q->call_fd = q->err_fd = -1;
}

void
vfe_queues_free(VfeFrontend *fe)
{
	vfe_notifiers_remove_all(fe);
	for (unsigned int i = 0; i < VFE_MAX_QUEUES; i++)
		vfe_queue_clear(&fe->queues[i]);
}

/* Ring addresses as the back-end sees them: IOVAs (= GPAs) with an IOMMU, else user addresses. */
static uint64_t
vfe_ring_addr(VfeFrontend *fe, uint64_t gpa)
{
	if (vfe_has_feature(fe, VIRTIO_F_IOMMU_PLATFORM))
		return gpa;
	return vfe_gpa_to_uaddr(fe, gpa);
}

static int
vfe_queue_send_setup(VfeFrontend *fe, unsigned int index, uint16_t base)
{
	VfeQueue *q = &fe->queues[index];
	VhostUserVringAddr addr = {
		.index = index,
		.flags = (q->flags & VFE_QUEUE_LOG) ? 1u << VHOST_VRING_F_LOG : 0,
		.desc_user_addr = vfe_ring_addr(fe, q->desc_gpa),
		.used_user_addr = vfe_ring_addr(fe, q->used_gpa),
		.avail_user_addr = vfe_ring_addr(fe, q->avail_gpa),
		.log_guest_addr = q->used_gpa,
	};
	uint64_t u64;
	int r;

	r = vfe_request_state(fe, VHOST_USER_SET_VRING_NUM, index, q->size);
	if (r < 0)
		return r;
	r = vfe_request_state(fe, VHOST_USER_SET_VRING_BASE, index, base);
	if (r < 0)
		return r;
	r = vfe_request(fe, VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), NULL, 0);
	if (r < 0)
		return r;
	if (q->flags & VFE_QUEUE_NO_CALL) {
		u64 = index | VHOST_USER_VRING_NOFD_MASK;
		r = vfe_request(fe, VHOST_USER_SET_VRING_CALL, &u64, sizeof(u64), NULL, 0);
	} else {
		u64 = index;
		r = vfe_request(fe, VHOST_USER_SET_VRING_CALL, &u64, sizeof(u64), &q->call_fd, 1);
	}
	if (r < 0)
		return r;
	if (q->flags & VFE_QUEUE_ERR_FD) {
		u64 = index;
		r = vfe_request(fe, VHOST_USER_SET_VRING_ERR, &u64, sizeof(u64), &q->err_fd, 1);
		if (r < 0)
			return r;
	}
	if (!(q->flags & VFE_QUEUE_NO_KICK)) {
		u64 = index;
		r = vfe_request(fe, VHOST_USER_SET_VRING_KICK, &u64, sizeof(u64), &q->kick_fd, 1);
		if (r < 0)
			return r;
	}
	if (!(q->flags & VFE_QUEUE_NO_ENABLE) &&
	    vfe_has_feature(fe, VHOST_USER_F_PROTOCOL_FEATURES))
		return vfe_request_state(fe, VHOST_USER_SET_VRING_ENABLE, index, 1);
	return 0;
}

int
vfe_queue_setup(VfeFrontend *fe, unsigned int index, unsigned int size, unsigned int flags)
{
	VfeQueue *q;
	bool event_idx = vfe_has_feature(fe, VIRTIO_RING_F_EVENT_IDX);

	if (index >= VFE_MAX_QUEUES || size == 0 || size > 32768 || (size & (size - 1)))
		return -EINVAL;
	q = &fe->queues[index];
	vfe_notifier_remove(fe, index);
	vfe_queue_clear(q);
	q->size = size;
	q->flags = flags;
	/* Minimal alignments, so a back-end that assumes page-aligned rings is caught. */
	q->desc_gpa = vfe_alloc(fe, 16ull * size, 16);
	q->avail_gpa = vfe_alloc(fe, 6ull + 2ull * size, 2);
	q->used_gpa = vfe_alloc(fe, 6ull + 8ull * size, 4);
	if (!q->desc_gpa || !q->avail_gpa || !q->used_gpa) {
		vfe_queue_clear(q);
		return -ENOMEM;
	}
	q->desc = vfe_gpa_to_host(fe, q->desc_gpa);
	q->avail = vfe_gpa_to_host(fe, q->avail_gpa);
	q->used = vfe_gpa_to_host(fe, q->used_gpa);
	q->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (flags & VFE_QUEUE_ERR_FD)
		q->err_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->kick_fd < 0 || q->call_fd < 0 || ((flags & VFE_QUEUE_ERR_FD) && q->err_fd < 0)) {
		int err = -errno;

		vfe_queue_clear(q);
		return err;
	}
	q->free_next = g_new(uint16_t, size);
	q->chain_next = g_new0(uint16_t, size);
	q->chain_len = g_new0(uint16_t, size);
	q->head_state = g_new0(uint8_t, size);
	for (unsigned int i = 0; i < size; i++)
		q->free_next[i] = (uint16_t)(i + 1);
	q->free_head = 0;
	q->num_free = size;
	if ((flags & VFE_QUEUE_NO_INTERRUPT) && !event_idx)
		vfe_store16(q->avail, AVAIL_FLAGS, VRING_AVAIL_F_NO_INTERRUPT);
	q->ready = true;
	return vfe_queue_send_setup(fe, index, 0);
}

int
vfe_queue_resume(VfeFrontend *fe, unsigned int index, uint16_t base)
{
	if (!vfe_queue_get(fe, index))
		return -EINVAL;
	return vfe_queue_send_setup(fe, index, base);
}

static void
vfe_write_desc(uint8_t *table, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
               uint16_t next)
{
	VringDesc d = { .addr = addr, .len = len, .flags = flags, .next = next };

	memcpy(table + 16u * i, &d, sizeof(d));
}

/* Publishes head in the avail ring: the entry first, then the index (release). */
static void
vfe_avail_push(VfeQueue *q, uint16_t head)
{
	vfe_store16(q->avail, AVAIL_RING(q->avail_idx % q->size), head);
	q->avail_idx++;
	vfe_store16(q->avail, AVAIL_IDX, q->avail_idx);
}

int
vfe_queue_add(VfeFrontend *fe, unsigned int index, const VfeBuf *out, unsigned int n_out,
              const VfeBuf *in, unsigned int n_in)
{
	VfeQueue *q = vfe_queue_get(fe, index);
	unsigned int total = n_out + n_in;
	uint16_t head, cur;

	if (!q)
		return -EINVAL;
	if (total == 0)
		return -EINVAL;
	if (total > q->num_free)
		return -ENOSPC;
	head = cur = q->free_head;
	for (unsigned int k = 0; k < total; k++) {
		const VfeBuf *b = k < n_out ? &out[k] : &in[k - n_out];
		uint16_t flags = k < n_out ? 0 : VRING_DESC_F_WRITE;
		uint16_t next = q->free_next[cur];

		if (k + 1 < total)
			flags |= VRING_DESC_F_NEXT;
		vfe_write_desc(q->desc, cur, b->gpa, b->len, flags, k + 1 < total ? next : 0);
		q->chain_next[cur] = next;
		cur = next;
	}
	q->free_head = cur;
	q->num_free -= total;
	q->chain_len[head] = (uint16_t)total;
	q->head_state[head] = VFE_HEAD_CHAIN;
	vfe_avail_push(q, head);
	return head;
}

int
vfe_queue_add_indirect(VfeFrontend *fe, unsigned int index, const VfeBuf *out, unsigned int n_out,
                       const VfeBuf *in, unsigned int n_in)
{
	VfeQueue *q = vfe_queue_get(fe, index);
	unsigned int total = n_out + n_in;
	uint64_t table_gpa;
	uint8_t *table;
	uint16_t head;

	if (!q)
		return -EINVAL;
	if (total == 0)
		return -EINVAL;
	if (q->num_free < 1)
		return -ENOSPC;
	table_gpa = vfe_alloc(fe, 16ull * total, 16);
	if (!table_gpa)
		return -ENOMEM;
	table = vfe_gpa_to_host(fe, table_gpa);
	for (unsigned int k = 0; k < total; k++) {
		const VfeBuf *b = k < n_out ? &out[k] : &in[k - n_out];
		uint16_t flags = k < n_out ? 0 : VRING_DESC_F_WRITE;

		if (k + 1 < total)
			flags |= VRING_DESC_F_NEXT;
		vfe_write_desc(table, k, b->gpa, b->len, flags,
		               k + 1 < total ? (uint16_t)(k + 1) : 0);
	}
	head = q->free_head;
	q->free_head = q->free_next[head];
	q->num_free--;
	vfe_write_desc(q->desc, head, table_gpa, (uint32_t)(16u * total), VRING_DESC_F_INDIRECT, 0);
	q->chain_len[head] = 1;
	q->head_state[head] = VFE_HEAD_CHAIN;
	vfe_avail_push(q, head);
	return head;
}

int
vfe_queue_kick(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	if (!q)
		return -EINVAL;
	/* The avail index store must be visible before the back-end wakes up. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vfe_notifier_kick(fe, index);
}

bool
vfe_queue_kick_needed(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);
	uint16_t old;
	bool need;

	if (!q)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	old = q->kick_old;
	q->kick_old = q->avail_idx;
	if (vfe_has_feature(fe, VIRTIO_RING_F_EVENT_IDX)) {
		uint16_t avail_event = vfe_load16(q->used, USED_ELEM(q->size));

		need = vring_need_event(avail_event, q->avail_idx, old);
	} else {
		need = !(vfe_load16(q->used, USED_FLAGS) & VRING_USED_F_NO_NOTIFY);
	}
	return need;
}

static void
vfe_queue_drain_call(VfeQueue *q)
{
	uint64_t v;

	if (q->call_fd >= 0 && read(q->call_fd, &v, sizeof(v)) == sizeof(v))
		q->calls += v;
}

/* Takes the next used element; the ring must hold one. */
static int
vfe_queue_take_used(VfeFrontend *fe, VfeQueue *q, uint32_t *id_out, uint32_t *len_out)
{
	VringUsedElem e;
	int r = 0;

	memcpy(&e, q->used + USED_ELEM(q->last_used % q->size), sizeof(e));
	q->last_used++;
	if (vfe_has_feature(fe, VIRTIO_RING_F_EVENT_IDX)) {
		/* Ask for an interrupt at the very next used entry, as Linux does. */
		vfe_store16(q->avail, AVAIL_RING(q->size), q->last_used);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	if (id_out)
		*id_out = e.id;
	if (len_out)
		*len_out = e.len;
	if (e.id >= q->size) {
		g_message("back-end bug: used id %u >= queue size %u", e.id, q->size);
		return -EPROTO;
	}
	switch (q->head_state[e.id]) {
	case VFE_HEAD_CHAIN: {
		uint16_t cur = (uint16_t)e.id;
		uint16_t n = q->chain_len[e.id];

		/* Walk our own copy of the chain and put it back on the free list. */
		for (uint16_t k = 0; k + 1 < n; k++)
			cur = q->chain_next[cur];
		q->free_next[cur] = q->free_head;
		q->free_head = (uint16_t)e.id;
		q->num_free += n;
		break;
	}
	case VFE_HEAD_RAW:
		break;
	default:
		g_message("back-end bug: used id %u was not in flight", e.id);
		r = -EPROTO;
		break;
	}
	q->head_state[e.id] = VFE_HEAD_FREE;
	q->chain_len[e.id] = 0;
	return r;
}

unsigned int
vfe_queue_used_pending(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	if (!q)
		return 0;
	return (uint16_t)(vfe_load16(q->used, USED_IDX) - q->last_used);
}

/*
 * Waits for the call eventfd, and also watches the vhost-user socket so that
 * a back-end that died is reported at once rather than after the timeout.
 */
static int
vfe_wait_call(VfeFrontend *fe, VfeQueue *q, gint64 deadline)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = q->call_fd, .events = POLLIN },
			{ .fd = fe->fd, .events = POLLRDHUP },
		};
		int n = poll(pfd, 2, vfe_remaining_ms(deadline));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		if (pfd[0].revents & POLLIN)
			return 0;
		if (pfd[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			g_message("back-end hung up while the driver waited on its used ring");
			return -ECONNRESET;
		}
		if (pfd[0].revents)
			return -EIO;
	}
}

int
vfe_queue_wait_used(VfeFrontend *fe, unsigned int index, int timeout_ms, uint32_t *id,
                    uint32_t *len)
{
	VfeQueue *q = vfe_queue_get(fe, index);
	gint64 deadline = vfe_deadline(vfe_timeout(fe, timeout_ms));

	if (!q)
		return -EINVAL;
	for (;;) {
		int r;

		if (vfe_load16(q->used, USED_IDX) != q->last_used)
			return vfe_queue_take_used(fe, q, id, len);
		if (q->flags & VFE_QUEUE_NO_CALL) {
			if (g_get_monotonic_time() >= deadline)
				return -ETIMEDOUT;
			g_usleep(1000);
			continue;
		}
		r = vfe_wait_call(fe, q, deadline);
		if (r == -ETIMEDOUT && vfe_load16(q->used, USED_IDX) != q->last_used)
			g_message("back-end bug: queue %u has a used element but no call", index);
		if (r < 0)
			return r;
		vfe_queue_drain_call(q);
	}
}

uint64_t
vfe_queue_call_count(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	if (!q)
		return 0;
	vfe_queue_drain_call(q);
	return q->calls;
}

unsigned int
vfe_queue_free_count(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	return q ? q->num_free : 0;
}

unsigned int
vfe_queue_size(VfeFrontend *fe, unsigned int index)
{
	if (index >= VFE_MAX_QUEUES || !fe->queues[index].ready)
		return 0;
	return fe->queues[index].size;
}

VringDesc *
vfe_queue_desc(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	return q ? (VringDesc *)(void *)q->desc : NULL;
}

VringAvail *
vfe_queue_avail(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	return q ? (VringAvail *)(void *)q->avail : NULL;
}

VringUsed *
vfe_queue_used(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	return q ? (VringUsed *)(void *)q->used : NULL;
}

int
vfe_queue_ring_gpa(VfeFrontend *fe, unsigned int index, uint64_t *desc, uint64_t *avail,
                   uint64_t *used)
{
	VfeQueue *q;

	if (index >= VFE_MAX_QUEUES || !fe->queues[index].ready)
		return -EINVAL;
	q = &fe->queues[index];
	if (desc)
		*desc = q->desc_gpa;
	if (avail)
		*avail = q->avail_gpa;
	if (used)
		*used = q->used_gpa;
	return 0;
}

void
vfe_queue_publish(VfeFrontend *fe, unsigned int index, uint16_t head)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	if (!q)
		return;
	if (head < q->size && q->head_state[head] == VFE_HEAD_FREE)
		q->head_state[head] = VFE_HEAD_RAW;
	vfe_avail_push(q, head);
}

void
vfe_queue_set_avail_idx(VfeFrontend *fe, unsigned int index, uint16_t idx)
{
	VfeQueue *q = vfe_queue_get(fe, index);

	if (!q)
		return;
	q->avail_idx = idx;
	vfe_store16(q->avail, AVAIL_IDX, idx);
}

int
vfe_queue_get_base(VfeFrontend *fe, unsigned int index, uint32_t *num)
{
	VhostUserVringState state = { .index = index };
	VhostUserVringState reply = { 0 };
	size_t size = 0;
	int r;

	/* QEMU's vhost_user_get_vring_base() takes the notifier away first. */
	vfe_notifier_remove(fe, index);
	r = vfe_call(fe, VHOST_USER_GET_VRING_BASE, &state, sizeof(state), &reply, sizeof(reply),
	             &size);
	if (r < 0)
		return r;
	if (size != sizeof(reply) || reply.index != index) {
		g_message("back-end bug: GET_VRING_BASE reply of %zu bytes for index %u", size,
		          reply.index);
		return -EPROTO;
	}
	*num = reply.num;
	return 0;
}

int
vfe_queue_enable(VfeFrontend *fe, unsigned int index, bool enable)
{
	return vfe_request_state(fe, VHOST_USER_SET_VRING_ENABLE, index, enable ? 1 : 0);
}

int
vfe_queue_kick_fd(VfeFrontend *fe, unsigned int index)
{
	return index < VFE_MAX_QUEUES ? fe->queues[index].kick_fd : -1;
}

int
vfe_queue_call_fd(VfeFrontend *fe, unsigned int index)
{
	return index < VFE_MAX_QUEUES ? fe->queues[index].call_fd : -1;
}

int
vfe_queue_err_fd(VfeFrontend *fe, unsigned int index)
{
	return index < VFE_MAX_QUEUES ? fe->queues[index].err_fd : -1;
}
