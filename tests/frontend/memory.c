/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfe: memfd guest RAM, its memory table and a bump allocator. */
#define G_LOG_DOMAIN "vfe"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frontend-private.h"

#define VFE_REGION_ALIGN (64u * 1024)
#define VFE_HOLE_SIZE (1u << 20)
/*
 * Fake front-end user addresses: each region gets its own 1 TiB window, so
 * regions that are adjacent in GPA space are far apart in user space.
 */
#define VFE_UADDR_BASE 0x100000000000ull
#define VFE_UADDR_STRIDE 0x10000000000ull

void
vfe_mem_free(VfeFrontend *fe)
{
	for (unsigned int i = 0; i < fe->nregions; i++) {
		VfeRegion *r = &fe->regions[i];

		if (r->host)
			munmap(r->host, r->size);
		if (r->own_fd && r->fd >= 0)
			close(r->fd);
	}
	memset(fe->regions, 0, sizeof(fe->regions));
	fe->nregions = 0;
	fe->alloc_region = 0;
}

static int
vfe_memfd(uint64_t size)
{
	int fd = memfd_create("vfe-guest-ram", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int
vfe_mem_init(VfeFrontend *fe, uint64_t size, unsigned int nregions, unsigned int flags)
{
	uint64_t regsize;
	int shared_fd = -1;

	if (nregions == 0 || nregions > VHOST_USER_MAX_RAM_SLOTS || size == 0)
		return -EINVAL;
	/* Queues live in the old RAM. */
	vfe_queues_free(fe);
	vfe_mem_free(fe);
	regsize = (size + nregions - 1) / nregions;
	regsize = (regsize + VFE_REGION_ALIGN - 1) & ~(uint64_t)(VFE_REGION_ALIGN - 1);
	if (!(flags & VFE_MEM_FD_PER_REGION)) {
		shared_fd = vfe_memfd(regsize * nregions);
		if (shared_fd < 0)
			return shared_fd;
	}
	for (unsigned int i = 0; i < nregions; i++) {
		VfeRegion *r = &fe->regions[i];
		void *p;

		r->gpa = i * (regsize + ((flags & VFE_MEM_HOLES) ? VFE_HOLE_SIZE : 0));
		r->size = regsize;
		r->uaddr = VFE_UADDR_BASE + i * VFE_UADDR_STRIDE;
		if (shared_fd >= 0) {
			r->fd = shared_fd;
			r->own_fd = i == 0;
			r->offset = i * regsize;
		} else {
			r->fd = vfe_memfd(regsize);
			r->own_fd = true;
			r->offset = 0;
			if (r->fd < 0) {
				int err = r->fd;

				r->fd = -1;
				fe->nregions = i + 1;
				vfe_mem_free(fe);
				return err;
			}
		}
		fe->nregions = i + 1;
		p = mmap(NULL, regsize, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		         (off_t)r->offset);
		if (p == MAP_FAILED) {
			int err = -errno;

			vfe_mem_free(fe);
			return err;
		}
		r->host = p;
	}
	/* GPA 0 stays unused, so that 0 can mean "allocation failed". */
	fe->regions[0].next = 4096;
	return 0;
}

static void
vfe_region_to_wire(const VfeRegion *r, VhostUserMemoryRegion *w)
{
	w->guest_phys_addr = r->gpa;
	w->memory_size = r->size;
	w->userspace_addr = r->uaddr;
	w->mmap_offset = r->offset;
}

int
vfe_mem_send_table(VfeFrontend *fe)
{
	VhostUserMemory mem = { .nregions = fe->nregions };
	int fds[VHOST_MEMORY_BASELINE_NREGIONS];

	if (fe->nregions == 0)
		return -EINVAL;
	if (fe->nregions > VHOST_MEMORY_BASELINE_NREGIONS)
		return -E2BIG;
	for (unsigned int i = 0; i < fe->nregions; i++) {
		vfe_region_to_wire(&fe->regions[i], &mem.regions[i]);
		fds[i] = fe->regions[i].fd;
	}
	/* QEMU sends only the regions in use, not the full array. */
	return vfe_request(fe, VHOST_USER_SET_MEM_TABLE, &mem,
	                   offsetof(VhostUserMemory, regions) +
	                           fe->nregions * sizeof(VhostUserMemoryRegion),
	                   fds, fe->nregions);
}

int
vfe_mem_add_region(VfeFrontend *fe, unsigned int region)
{
	VhostUserMemRegMsg msg = { 0 };

	if (region >= fe->nregions)
		return -EINVAL;
	vfe_region_to_wire(&fe->regions[region], &msg.region);
	return vfe_request(fe, VHOST_USER_ADD_MEM_REG, &msg, sizeof(msg), &fe->regions[region].fd,
	                   1);
}

int
vfe_mem_remove_region(VfeFrontend *fe, unsigned int region)
{
	VhostUserMemRegMsg msg = { 0 };

	if (region >= fe->nregions)
		return -EINVAL;
	vfe_region_to_wire(&fe->regions[region], &msg.region);
	return vfe_request(fe, VHOST_USER_REM_MEM_REG, &msg, sizeof(msg), NULL, 0);
}

int
vfe_mem_setup(VfeFrontend *fe, uint64_t size, unsigned int nregions)
{
	uint64_t slots;
	int r = vfe_mem_init(fe, size, nregions, 0);

	if (r < 0)
		return r;
	if (!vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		return vfe_mem_send_table(fe);
	r = vfe_call_u64(fe, VHOST_USER_GET_MAX_MEM_SLOTS, &slots);
	if (r < 0)
		return r;
	if (slots < nregions)
		return -ENOSPC;
	for (unsigned int i = 0; i < nregions; i++) {
		r = vfe_mem_add_region(fe, i);
		if (r < 0)
			return r;
	}
	return 0;
}

int
vfe_mem_region(VfeFrontend *fe, unsigned int region, uint64_t *gpa, uint64_t *size, uint64_t *uaddr,
               int *fd, uint64_t *offset)
{
	const VfeRegion *r;

	if (region >= fe->nregions)
		return -EINVAL;
	r = &fe->regions[region];
	if (gpa)
		*gpa = r->gpa;
	if (size)
		*size = r->size;
	if (uaddr)
		*uaddr = r->uaddr;
	if (fd)
		*fd = r->fd;
	if (offset)
		*offset = r->offset;
	return 0;
}

unsigned int
vfe_mem_nregions(VfeFrontend *fe)
{
	return fe->nregions;
}

static VfeRegion *
vfe_find_region(VfeFrontend *fe, uint64_t gpa)
{
	for (unsigned int i = 0; i < fe->nregions; i++) {
		VfeRegion *r = &fe->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

void *
vfe_gpa_to_host(VfeFrontend *fe, uint64_t gpa)
{
	VfeRegion *r = vfe_find_region(fe, gpa);

	return r ? r->host + (gpa - r->gpa) : NULL;
}

uint64_t
vfe_gpa_to_uaddr(VfeFrontend *fe, uint64_t gpa)
{
	VfeRegion *r = vfe_find_region(fe, gpa);

	return r ? r->uaddr + (gpa - r->gpa) : 0;
}

uint64_t
vfe_alloc_in_region(VfeFrontend *fe, unsigned int region, uint64_t len, uint64_t align)
{
	VfeRegion *r;
	uint64_t start;

	if (region >= fe->nregions || len == 0)
		return 0;
	if (align == 0)
		align = 8;
	if (align & (align - 1))
		return 0;
	r = &fe->regions[region];
	/* Align the GPA, not the offset: regions may start anywhere. */
	start = ((r->gpa + r->next + align - 1) & ~(align - 1)) - r->gpa;
	if (start > r->size || len > r->size - start)
		return 0;
	r->next = start + len;
	memset(r->host + start, 0, len);
	return r->gpa + start;
}

uint64_t
vfe_alloc(VfeFrontend *fe, uint64_t len, uint64_t align)
{
	for (; fe->alloc_region < fe->nregions; fe->alloc_region++) {
		uint64_t gpa = vfe_alloc_in_region(fe, fe->alloc_region, len, align);

		if (gpa)
			return gpa;
	}
	/* Earlier regions may still have room for a small allocation. */
	for (unsigned int i = 0; i < fe->nregions; i++) {
		uint64_t gpa = vfe_alloc_in_region(fe, i, len, align);

		if (gpa)
			return gpa;
	}
	if (fe->nregions)
		fe->alloc_region = fe->nregions - 1;
	return 0;
}

/* Whether [gpa, gpa + len) lies in guest RAM, possibly across adjacent regions. */
static bool
vfe_mem_range_ok(VfeFrontend *fe, uint64_t gpa, size_t len)
{
	while (len > 0) {
		VfeRegion *r = vfe_find_region(fe, gpa);
		uint64_t chunk;

		if (!r)
			return false;
		chunk = MIN((uint64_t)len, r->size - (gpa - r->gpa));
		gpa += chunk;
		len -= chunk;
	}
	return true;
}

/* Copies between guest RAM and buf, piece by piece across regions; all or nothing. */
static int
vfe_mem_access(VfeFrontend *fe, uint64_t gpa, void *buf, const void *src, int fill, size_t len)
{
	uint8_t *p = buf;
	const uint8_t *s = src;

	if (!vfe_mem_range_ok(fe, gpa, len))
		return -EFAULT;
	while (len > 0) {
		VfeRegion *r = vfe_find_region(fe, gpa);
		size_t chunk;
		uint8_t *host;

		if (!r)
			return -EFAULT;
		chunk = (size_t)MIN((uint64_t)len, r->size - (gpa - r->gpa));
		host = r->host + (gpa - r->gpa);
		if (p) {
			memcpy(p, host, chunk);
			p += chunk;
		} else if (s) {
			memcpy(host, s, chunk);
			s += chunk;
		} else {
			memset(host, fill, chunk);
		}
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int
vfe_mem_write(VfeFrontend *fe, uint64_t gpa, const void *data, size_t len)
{
	return vfe_mem_access(fe, gpa, NULL, data, 0, len);
}

int
vfe_mem_read(VfeFrontend *fe, uint64_t gpa, void *data, size_t len)
{
	return vfe_mem_access(fe, gpa, data, NULL, 0, len);
}

int
vfe_mem_fill(VfeFrontend *fe, uint64_t gpa, uint8_t byte, size_t len)
{
	return vfe_mem_access(fe, gpa, NULL, NULL, byte, len);
}
