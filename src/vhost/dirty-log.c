/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dirty page logging for live migration (LOG_SHMFD): one bit per 4 KiB guest
 * page in a bitmap the front-end shares, set atomically because the
 * front-end clears bits while we set them.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vhost-private.h"

void
vhost_log_init(VhostDirtyLog *log)
{
	memset(log, 0, sizeof(*log));
	log->call_fd = -1;
}

void
vhost_log_clear(VhostDirtyLog *log)
{
	if (log->mmap_base)
		munmap(log->mmap_base, log->mmap_len);
	if (log->call_fd >= 0)
		close(log->call_fd);
	vhost_log_init(log);
}

int
vhost_log_set_base(VhostDirtyLog *log, const VhostUserLog *payload, int fd)
{
	uint64_t len;
	void *base;
	int call_fd = log->call_fd;

	if (payload->mmap_size == 0 || payload->mmap_size > VHOST_MAX_LOG_SIZE ||
	    __builtin_add_overflow(payload->mmap_size, payload->mmap_offset, &len) ||
	    len > VHOST_MAX_LOG_SIZE + (1ull << 30))
		return -EINVAL;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	log->call_fd = -1;
	vhost_log_clear(log);
	log->call_fd = call_fd;
	log->mmap_base = base;
	log->mmap_len = len;
	log->bitmap = (uint8_t *)base + payload->mmap_offset;
	log->size = payload->mmap_size;
	return 0;
}

void
vhost_log_set_call_fd(VhostDirtyLog *log, int fd)
{
	if (log->call_fd >= 0)
		close(log->call_fd);
	log->call_fd = fd;
}

void
vhost_log_mark(VhostDirtyLog *log, uint64_t gpa, uint64_t len)
{
	uint64_t first, last;

	if (!log->bitmap || len == 0)
		return;
	first = gpa / VHOST_LOG_PAGE;
	last = (gpa + len - 1) / VHOST_LOG_PAGE;
	if (gpa + len - 1 < gpa)
		return;
	for (uint64_t page = first; page <= last; page++) {
		if (page / 8 >= log->size) {
			g_debug("dirty log: page %" G_GUINT64_FORMAT " beyond the log", page);
			return;
		}
		__atomic_fetch_or(&log->bitmap[page / 8], (uint8_t)(1u << (page % 8)),
		                  __ATOMIC_RELAXED);
	}
}

void
vhost_log_kick(VhostDirtyLog *log)
{
	if (log->call_fd >= 0)
		(void)eventfd_write(log->call_fd, 1);
}
