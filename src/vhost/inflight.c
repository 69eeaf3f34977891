/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inflight I/O tracking (INFLIGHT_SHMFD): a shared region, owned by the
 * front-end across back-end restarts, recording which descriptor chains were
 * taken but not completed. A back-end restarted under a live front-end reads
 * it back and hands those chains to the device again.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vhost-private.h"

void
vhost_inflight_init(VhostInflight *inf)
{
	memset(inf, 0, sizeof(*inf));
	inf->fd = -1;
}

void
vhost_inflight_clear(VhostInflight *inf)
{
	if (inf->base)
		munmap(inf->base, inf->size);
	if (inf->fd >= 0)
		close(inf->fd);
	vhost_inflight_init(inf);
}

static int
inflight_map(VhostInflight *inf, int fd, size_t size, uint64_t offset, uint16_t num_queues,
             uint16_t queue_size)
{
	uint64_t len;
	void *base;

	if (__builtin_add_overflow((uint64_t)size, offset, &len) || len > (64u << 20))
		return -EINVAL;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	vhost_inflight_clear(inf);
	inf->base = base;
	inf->size = len;
	inf->fd = fd;
	inf->num_queues = num_queues;
	inf->queue_size = queue_size;
	return 0;
}

int
vhost_inflight_create(VhostInflight *inf, uint16_t num_queues, uint16_t queue_size)
{
	size_t qsize = vhost_inflight_queue_region_size(queue_size);
	size_t size = qsize * num_queues;
	int fd, ret;

	if (num_queues == 0 || queue_size == 0 || queue_size > VHOST_USER_MAX_QUEUE_SIZE)
		return -EINVAL;
	fd = memfd_create("vhost-inflight", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = inflight_map(inf, fd, size, 0, num_queues, queue_size);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	for (unsigned int i = 0; i < num_queues; i++) {
		VhostInflightQueueSplit *q = vhost_inflight_queue(inf, i);
		if (!q)
			break;
		q->version = 1;
		q->desc_num = queue_size;
	}
	return 0;
}

int
vhost_inflight_set(VhostInflight *inf, int fd, uint64_t mmap_size, uint64_t mmap_offset,
                   uint16_t num_queues, uint16_t queue_size)
{
	if (num_queues == 0 || num_queues > VHOST_MAX_QUEUES || queue_size == 0 ||
	    queue_size > VHOST_USER_MAX_QUEUE_SIZE ||
	    mmap_size < vhost_inflight_queue_region_size(queue_size) * num_queues)
		return -EINVAL;
	if (mmap_offset != 0)
		return -EINVAL; /* We never hand out regions at an offset. */
	return inflight_map(inf, fd, mmap_size, mmap_offset, num_queues, queue_size);
}

VhostInflightQueueSplit *
vhost_inflight_queue(VhostInflight *inf, unsigned int index)
{
	if (!inf->base || index >= inf->num_queues)
		return NULL;
	return (VhostInflightQueueSplit *)((uint8_t *)inf->base +
	                                   vhost_inflight_queue_region_size(inf->queue_size) *
	                                           index);
}

static int
compare_counter(const void *a, const void *b, void *data)
{
	const VhostInflightQueueSplit *q = data;
	uint64_t ca = q->desc[*(const uint16_t *)a].counter;
	uint64_t cb = q->desc[*(const uint16_t *)b].counter;

	return ca < cb ? -1 : ca > cb;
}

int
vhost_inflight_recover(VhostQueue *q)
{
	VhostInflightQueueSplit *inf = q->inflight;
	unsigned int n;

	g_clear_pointer(&q->resubmit, g_free);
	q->resubmit_num = q->resubmit_pos = 0;
	if (!inf)
		return 0;
	n = MIN(inf->desc_num, q->num);
	/* Crashed between completing a chain and recording that: finish it. */
	if (inf->used_idx != q->used_idx) {
		if (inf->last_batch_head < n)
			inf->desc[inf->last_batch_head].inflight = 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		inf->used_idx = q->used_idx;
	}
	q->inflight_counter = 0;
	q->resubmit = g_new(uint16_t, n ? n : 1);
	for (unsigned int i = 0; i < n; i++) {
		if (inf->desc[i].inflight != 1)
			continue;
		q->resubmit[q->resubmit_num++] = i;
		q->inflight_counter = MAX(q->inflight_counter, inf->desc[i].counter);
	}
	g_qsort_with_data(q->resubmit, q->resubmit_num, sizeof(uint16_t), compare_counter, inf);
	q->inuse = q->resubmit_num;
	q->last_avail_idx = q->used_idx + q->resubmit_num;
	if (q->resubmit_num)
		g_message("%s: queue %u: resubmitting %u requests in flight before restart",
		          vhost_dev_name(q->dev), q->index, q->resubmit_num);
	return 0;
}

void
vhost_inflight_on_pop(VhostQueue *q, uint16_t head)
{
	if (!q->inflight || head >= q->inflight->desc_num)
		return;
	q->inflight->desc[head].counter = ++q->inflight_counter;
	__atomic_store_n(&q->inflight->desc[head].inflight, 1, __ATOMIC_RELEASE);
}

void
vhost_inflight_on_push_begin(VhostQueue *q, uint16_t head)
{
	if (!q->inflight)
		return;
	q->inflight->last_batch_head = head;
}

void
vhost_inflight_on_push_end(VhostQueue *q, uint16_t head)
{
	if (!q->inflight || head >= q->inflight->desc_num)
		return;
	__atomic_store_n(&q->inflight->desc[head].inflight, 0, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->inflight->used_idx = q->used_idx;
}
