/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest memory table: regions the front-end shares with SET_MEM_TABLE or
 * ADD_MEM_REG, mapped into this process. Every lookup checks the whole range
 * against one region, so a guest address can never reach outside the maps.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhost-private.h"

void
vhost_mem_init(VhostMemTable *mem, unsigned int max_slots)
{
	memset(mem, 0, sizeof(*mem));
	mem->max_slots =
	        MIN(max_slots ? max_slots : VHOST_USER_MAX_RAM_SLOTS, VHOST_USER_MAX_RAM_SLOTS);
}

static void
region_unmap(VhostMemRegion *r)
{
	if (r->mmap_base)
		munmap(r->mmap_base, r->mmap_len);
	memset(r, 0, sizeof(*r));
}

void
vhost_mem_clear(VhostMemTable *mem)
{
	for (unsigned int i = 0; i < mem->nregions; i++)
		region_unmap(&mem->regions[i]);
	mem->nregions = 0;
}

static bool
range_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Checks a region description on its own and against the table. */
static int
region_validate(const VhostMemTable *mem, const VhostUserMemoryRegion *d)
{
	uint64_t end;

	if (d->memory_size == 0)
		return -EINVAL;
	if (__builtin_add_overflow(d->guest_phys_addr, d->memory_size, &end) ||
	    __builtin_add_overflow(d->userspace_addr, d->memory_size, &end) ||
	    __builtin_add_overflow(d->mmap_offset, d->memory_size, &end) || end > SIZE_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < mem->nregions; i++) {
		const VhostMemRegion *r = &mem->regions[i];
		if (range_overlaps(d->guest_phys_addr, d->memory_size, r->gpa, r->size))
			return -EEXIST;
	}
	return 0;
}

static int
region_map(VhostMemRegion *r, const VhostUserMemoryRegion *d, int fd)
{
	struct stat st;
	size_t len = d->mmap_offset + d->memory_size;
	void *base;

	if (fstat(fd, &st) < 0)
		return -errno;
	/* A file smaller than the mapping would SIGBUS us on first access. */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < len)
		return -EINVAL;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	r->gpa = d->guest_phys_addr;
	r->size = d->memory_size;
	r->uaddr = d->userspace_addr;
	r->mmap_offset = d->mmap_offset;
	r->mmap_base = base;
	r->mmap_len = len;
	r->host = (uint8_t *)base + d->mmap_offset;
	r->st_dev = st.st_dev;
	r->st_ino = st.st_ino;
	return 0;
}

int
vhost_mem_add_region(VhostMemTable *mem, const VhostUserMemoryRegion *region, int fd)
{
	int ret;

	if (mem->nregions >= mem->max_slots)
		return -ENOSPC;
	ret = region_validate(mem, region);
	if (ret < 0)
		return ret;
	ret = region_map(&mem->regions[mem->nregions], region, fd);
	if (ret < 0)
		return ret;
	mem->nregions++;
	return 0;
}

static bool
region_same(const VhostMemRegion *r, const VhostUserMemoryRegion *d, const struct stat *st)
{
	return r->gpa == d->guest_phys_addr && r->size == d->memory_size &&
	       r->uaddr == d->userspace_addr && r->mmap_offset == d->mmap_offset &&
	       r->st_dev == st->st_dev && r->st_ino == st->st_ino;
}

/*
 * QEMU resends the whole table on every change. Keeping the mapping of each
 * unchanged region means buffers a device still holds stay valid.
 */
int
vhost_mem_set_table(VhostMemTable *mem, const VhostUserMemoryRegion *regions, int *fds,
                    unsigned int n)
{
	VhostMemTable next;
	bool kept[VHOST_USER_MAX_RAM_SLOTS] = { false };
	int ret = 0;

	if (n > mem->max_slots)
		return -E2BIG;
	vhost_mem_init(&next, mem->max_slots);
	for (unsigned int i = 0; i < n && ret == 0; i++) {
		struct stat st;
		bool reused = false;

		ret = region_validate(&next, &regions[i]);
		if (ret < 0)
			break;
		if (fstat(fds[i], &st) < 0) {
			ret = -errno;
			break;
		}
		for (unsigned int j = 0; j < mem->nregions; j++) {
			if (!kept[j] && region_same(&mem->regions[j], &regions[i], &st)) {
				next.regions[next.nregions++] = mem->regions[j];
				kept[j] = true;
				reused = true;
				break;
			}
		}
		if (!reused) {
			ret = region_map(&next.regions[next.nregions], &regions[i], fds[i]);
			if (ret == 0)
				next.nregions++;
		}
	}
	if (ret < 0) {
		/* Unmap only what this call mapped; the old table stays. */
		for (unsigned int i = 0; i < next.nregions; i++) {
			bool old = false;
			for (unsigned int j = 0; j < mem->nregions; j++)
				old |= next.regions[i].mmap_base == mem->regions[j].mmap_base;
			if (!old)
				region_unmap(&next.regions[i]);
		}
		return ret;
	}
	for (unsigned int j = 0; j < mem->nregions; j++)
		if (!kept[j])
			region_unmap(&mem->regions[j]);
	*mem = next;
	return 0;
}

int
vhost_mem_remove_region(VhostMemTable *mem, const VhostUserMemoryRegion *region)
{
	for (unsigned int i = 0; i < mem->nregions; i++) {
		VhostMemRegion *r = &mem->regions[i];
		if (r->gpa == region->guest_phys_addr && r->size == region->memory_size &&
		    r->uaddr == region->userspace_addr) {
			region_unmap(r);
			mem->regions[i] = mem->regions[mem->nregions - 1];
			memset(&mem->regions[mem->nregions - 1], 0, sizeof(*r));
			mem->nregions--;
			return 0;
		}
	}
	return -ENOENT;
}

const VhostMemRegion *
vhost_mem_find_gpa(const VhostMemTable *mem, uint64_t gpa)
{
	for (unsigned int i = 0; i < mem->nregions; i++) {
		const VhostMemRegion *r = &mem->regions[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

const VhostMemRegion *
vhost_mem_find_uaddr(const VhostMemTable *mem, uint64_t uaddr)
{
	for (unsigned int i = 0; i < mem->nregions; i++) {
		const VhostMemRegion *r = &mem->regions[i];
		if (uaddr >= r->uaddr && uaddr - r->uaddr < r->size)
			return r;
	}
	return NULL;
}

const VhostMemRegion *
vhost_mem_find_host(const VhostMemTable *mem, const void *host, size_t len)
{
	uintptr_t h = (uintptr_t)host;

	for (unsigned int i = 0; i < mem->nregions; i++) {
		const VhostMemRegion *r = &mem->regions[i];
		uintptr_t base = (uintptr_t)r->host;
		if (h >= base && h - base < r->size && len <= r->size - (h - base))
			return r;
	}
	return NULL;
}
