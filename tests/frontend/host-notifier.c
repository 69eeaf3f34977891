/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfe: QEMU's side of host notifiers. The backend channel thread maps the
 * page a back-end offers (BACKEND_VRING_HOST_NOTIFIER_MSG) over the queue's
 * notify area, and from then on the driver's kicks are 16-bit stores of the
 * queue index into it, as Linux's virtio-pci driver writes its doorbell, and
 * no longer eventfd writes. The switch is atomic for the driver, as QEMU's
 * memory transaction is for a guest: a kick goes either to the page or to
 * the eventfd. Like QEMU, the front-end drops a queue's notifier by itself
 * on GET_VRING_BASE and when it sets the queue up again or disconnects.
 */
#define G_LOG_DOMAIN "vfe"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frontend-private.h"

/*
 * Called with notifier_lock held; the caller unmaps what it returns. QEMU 10
 * frees a removed page in an RCU callback and aborts when the same queue's
 * page is removed again before it ran (vhost_user_host_notifier_remove:
 * assertion '!n->unmap_addr'); with a grace time set, such a removal is
 * counted and said as the back-end bug it is for QEMU.
 */
static void *
take_page(VfeFrontend *fe, unsigned int index, size_t *len)
{
	VfeQueue *q = &fe->queues[index];
	void *page = q->notifier_page;
	gint64 now = g_get_monotonic_time();

	*len = q->notifier_len;
	if (!page)
		return NULL;
	if (fe->notifier_grace_ms && q->notifier_unmapped &&
	    now - q->notifier_unmapped < (gint64)fe->notifier_grace_ms * 1000) {
		fe->notifier_early_removals++;
		g_message("back-end bug: queue %u's host notifier removed %" G_GINT64_FORMAT
		          " us after the previous removal; QEMU 10 would abort",
		          index, now - q->notifier_unmapped);
	}
	q->notifier_unmapped = now;
	q->notifier_page = NULL;
	q->notifier_len = 0;
	return page;
}

void
vfe_notifier_remove(VfeFrontend *fe, unsigned int index)
{
	size_t len;
	void *page;

	if (index >= VFE_MAX_QUEUES)
		return;
	g_mutex_lock(&fe->notifier_lock);
	page = take_page(fe, index, &len);
	g_mutex_unlock(&fe->notifier_lock);
	if (page)
		munmap(page, len);
}

void
vfe_notifiers_remove_all(VfeFrontend *fe)
{
	for (unsigned int i = 0; i < VFE_MAX_QUEUES; i++)
		vfe_notifier_remove(fe, i);
}

/*
 * The backend channel thread's handler, with bc_lock held. Checks what QEMU
 * 10 checks (vhost_user_backend_handle_vring_host_notifier): a queue that
 * exists, one page exactly, an fd it can map. Returns 0 or the nonzero ack
 * QEMU would send.
 */
uint64_t
vfe_notifier_apply(VfeFrontend *fe, const VhostUserVringArea *area, int fd)
{
	unsigned int index = area->u64 & VHOST_USER_VRING_IDX_MASK;
	long page_size = sysconf(_SC_PAGESIZE);
	void *page;

	if (index >= VFE_MAX_QUEUES || !fe->queues[index].ready)
		return 1;
	vfe_notifier_remove(fe, index);
	if (area->u64 & VHOST_USER_VRING_NOFD_MASK) {
		fe->notifier_removals++;
		return 0;
	}
	if (fe->refuse_notifiers || area->size != (uint64_t)page_size || fd < 0)
		return 1;
	page = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)area->offset);
	if (page == MAP_FAILED)
		return 1;
	g_mutex_lock(&fe->notifier_lock);
	fe->queues[index].notifier_page = page;
	fe->queues[index].notifier_len = page_size;
	g_mutex_unlock(&fe->notifier_lock);
	fe->notifier_installs++;
	return 0;
}

int
vfe_notifier_kick(VfeFrontend *fe, unsigned int index)
{
	VfeQueue *q = &fe->queues[index];
	uint64_t one = 1;
	int r = 0;

	g_mutex_lock(&fe->notifier_lock);
	if (q->notifier_page) {
		/* What vp_notify() does: iowrite16(queue index, notify address). */
		__atomic_store_n((uint16_t *)q->notifier_page, (uint16_t)index, __ATOMIC_RELEASE);
		q->doorbell_writes++;
	} else if (write(q->kick_fd, &one, sizeof(one)) == sizeof(one)) {
		q->eventfd_kicks++;
	} else {
		r = -errno;
	}
	g_mutex_unlock(&fe->notifier_lock);
	return r;
}

void
vfe_set_host_notifier_refusal(VfeFrontend *fe, bool refuse)
{
	g_mutex_lock(&fe->bc_lock);
	fe->refuse_notifiers = refuse;
	g_mutex_unlock(&fe->bc_lock);
}

bool
vfe_queue_has_host_notifier(VfeFrontend *fe, unsigned int index)
{
	bool has;

	if (index >= VFE_MAX_QUEUES)
		return false;
	g_mutex_lock(&fe->notifier_lock);
	has = fe->queues[index].notifier_page != NULL;
	g_mutex_unlock(&fe->notifier_lock);
	return has;
}

void
vfe_queue_kick_counts(VfeFrontend *fe, unsigned int index, uint64_t *eventfd_kicks,
                      uint64_t *doorbell_writes)
{
	*eventfd_kicks = *doorbell_writes = 0;
	if (index >= VFE_MAX_QUEUES)
		return;
	g_mutex_lock(&fe->notifier_lock);
	*eventfd_kicks = fe->queues[index].eventfd_kicks;
	*doorbell_writes = fe->queues[index].doorbell_writes;
	g_mutex_unlock(&fe->notifier_lock);
}

void
vfe_host_notifier_counts(VfeFrontend *fe, unsigned int *installs, unsigned int *removals)
{
	g_mutex_lock(&fe->bc_lock);
	*installs = fe->notifier_installs;
	*removals = fe->notifier_removals;
	g_mutex_unlock(&fe->bc_lock);
}

int
vfe_wait_host_notifier(VfeFrontend *fe, unsigned int index, bool installed, int timeout_ms)
{
	gint64 deadline = vfe_deadline(vfe_timeout(fe, timeout_ms));

	/* The channel thread broadcasts bc_cond after each message it handled. */
	g_mutex_lock(&fe->bc_lock);
	while (vfe_queue_has_host_notifier(fe, index) != installed) {
		if (!g_cond_wait_until(&fe->bc_cond, &fe->bc_lock, deadline)) {
			bool ok = vfe_queue_has_host_notifier(fe, index) == installed;

			g_mutex_unlock(&fe->bc_lock);
			return ok ? 0 : -ETIMEDOUT;
		}
	}
	g_mutex_unlock(&fe->bc_lock);
	return 0;
}

void
vfe_set_host_notifier_grace(VfeFrontend *fe, int ms)
{
	g_mutex_lock(&fe->notifier_lock);
	fe->notifier_grace_ms = ms;
	g_mutex_unlock(&fe->notifier_lock);
}

unsigned int
vfe_host_notifier_early_removals(VfeFrontend *fe)
{
	unsigned int n;

	g_mutex_lock(&fe->notifier_lock);
	n = fe->notifier_early_removals;
	g_mutex_unlock(&fe->notifier_lock);
	return n;
}
