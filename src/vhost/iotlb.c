/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device IOTLB for VIRTIO_F_IOMMU_PLATFORM: the front-end tells us which IOVA
 * ranges map to which of its addresses; a lookup that finds nothing becomes a
 * miss the front-end is asked to fill.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>

#include "vhost-private.h"

#define IOTLB_MISS_PAGE 4096u

void
vhost_iotlb_init(VhostIotlb *tlb)
{
	tlb->entries = g_array_new(FALSE, FALSE, sizeof(VhostIotlbEntry));
	tlb->pending_misses = g_array_new(FALSE, FALSE, sizeof(uint64_t));
}

void
vhost_iotlb_clear(VhostIotlb *tlb)
{
	if (tlb->entries)
		g_array_set_size(tlb->entries, 0);
	if (tlb->pending_misses)
		g_array_set_size(tlb->pending_misses, 0);
}

static void
clear_misses_in(VhostIotlb *tlb, uint64_t iova, uint64_t size)
{
	for (guint i = tlb->pending_misses->len; i-- > 0;) {
		uint64_t page = g_array_index(tlb->pending_misses, uint64_t, i);
		if (page + IOTLB_MISS_PAGE > iova && page < iova + size)
			g_array_remove_index_fast(tlb->pending_misses, i);
	}
}

int
vhost_iotlb_update(VhostIotlb *tlb, uint64_t iova, uint64_t size, uint64_t uaddr, uint8_t perm)
{
	VhostIotlbEntry e = { iova, size, uaddr, perm & VHOST_ACCESS_RW };
	uint64_t end;

	if (size == 0 || __builtin_add_overflow(iova, size - 1, &end) ||
	    __builtin_add_overflow(uaddr, size - 1, &end) || (perm & ~VHOST_ACCESS_RW) != 0)
		return -EINVAL;
	/* A newer mapping of the same range replaces the old one. */
	vhost_iotlb_invalidate(tlb, iova, size);
	if (tlb->entries->len >= VHOST_MAX_IOTLB_ENTRIES)
		g_array_remove_index(tlb->entries, 0);
	g_array_append_val(tlb->entries, e);
	clear_misses_in(tlb, iova, size);
	return 0;
}

void
vhost_iotlb_invalidate(VhostIotlb *tlb, uint64_t iova, uint64_t size)
{
	for (guint i = tlb->entries->len; i-- > 0;) {
		VhostIotlbEntry *e = &g_array_index(tlb->entries, VhostIotlbEntry, i);
		if (e->iova <= iova + (size - 1) && iova <= e->iova + (e->size - 1))
			g_array_remove_index_fast(tlb->entries, i);
	}
}

int
vhost_iotlb_translate(const VhostIotlb *tlb, uint64_t iova, uint8_t perm, uint64_t *uaddr,
                      uint64_t *contig)
{
	for (guint i = 0; i < tlb->entries->len; i++) {
		const VhostIotlbEntry *e = &g_array_index(tlb->entries, VhostIotlbEntry, i);
		if (iova >= e->iova && iova - e->iova <= e->size - 1) {
			if ((e->perm & perm) != perm)
				return -EPERM;
			*uaddr = e->uaddr + (iova - e->iova);
			*contig = e->size - (iova - e->iova);
			return 0;
		}
	}
	return -ENOENT;
}

bool
vhost_iotlb_note_miss(VhostIotlb *tlb, uint64_t iova)
{
	uint64_t page = iova & ~(uint64_t)(IOTLB_MISS_PAGE - 1);

	for (guint i = 0; i < tlb->pending_misses->len; i++)
		if (g_array_index(tlb->pending_misses, uint64_t, i) == page)
			return false;
	if (tlb->pending_misses->len >= 64)
		g_array_remove_index(tlb->pending_misses, 0);
	g_array_append_val(tlb->pending_misses, page);
	return true;
}
