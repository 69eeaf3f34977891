/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for the in-process GPU tests: fake guest RAM and command runners. */
#pragma once

#include <string.h>

#include "gpu/gpu-private.h"

/* Guest RAM: two host buffers back one contiguous GPA range, so copies must
 * cope with a range split between regions. */
#define TG_RAM_BASE 0x100000ull
#define TG_RAM_HALF (8u * 1024 * 1024)
#define TG_RAM_SIZE (2ull * TG_RAM_HALF)

typedef struct TgRam {
	uint8_t *half[2];
} TgRam;

static inline int
tg_map_sg(void *opaque, uint64_t addr, uint64_t len, bool write, struct iovec *iov,
          unsigned int max_iov)
{
	TgRam *ram = opaque;
	unsigned int n = 0;

	if (addr < TG_RAM_BASE || len > TG_RAM_SIZE || addr - TG_RAM_BASE > TG_RAM_SIZE - len)
		return -14; /* -EFAULT */
	addr -= TG_RAM_BASE;
	while (len) {
		unsigned int h = addr >= TG_RAM_HALF;
		uint64_t off = addr - (uint64_t)h * TG_RAM_HALF;
		uint64_t chunk = MIN(len, TG_RAM_HALF - off);

		if (n == max_iov)
			return -105; /* -ENOBUFS */
		iov[n].iov_base = ram->half[h] + off;
		iov[n].iov_len = chunk;
		n++;
		addr += chunk;
		len -= chunk;
	}
	return (int)n;
}

static inline uint8_t *
tg_ram_ptr(TgRam *ram, uint64_t gpa)
{
	uint64_t off = gpa - TG_RAM_BASE;

	return ram->half[off >= TG_RAM_HALF] + (off % TG_RAM_HALF);
}

static inline void
tg_ram_write(TgRam *ram, uint64_t gpa, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		*tg_ram_ptr(ram, gpa + i) = p[i];
}

static inline void
tg_ram_init(TgRam *ram)
{
	ram->half[0] = g_malloc0(TG_RAM_HALF);
	ram->half[1] = g_malloc0(TG_RAM_HALF);
}

static inline void
tg_ram_clear(TgRam *ram)
{
	g_free(ram->half[0]);
	g_free(ram->half[1]);
}

/* Runs one control command; returns the response type. */
static inline uint32_t
tg_ctrl(VdGpu *gpu, const void *req, size_t len, VdGpuCmd *cmd)
{
	vd_gpu_cmd_init(cmd, req, len);
	vd_gpu_process_ctrl(gpu, cmd);
	if (cmd->pending)
		return 0;
	g_assert_cmpuint(cmd->resp_len, >=, sizeof(struct virtio_gpu_ctrl_hdr));
	return ((struct virtio_gpu_ctrl_hdr *)cmd->resp)->type;
}

static inline uint32_t
tg_create_2d(VdGpu *gpu, uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_create_2d c = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		.resource_id = id,
		.format = format,
		.width = w,
		.height = h,
	};
	VdGpuCmd cmd;

	return tg_ctrl(gpu, &c, sizeof(c), &cmd);
}

/* ATTACH_BACKING with one entry per given (addr, len) pair. */
static inline uint32_t
tg_attach(VdGpu *gpu, uint32_t id, const struct virtio_gpu_mem_entry *e, uint32_t n)
{
	size_t len = sizeof(struct virtio_gpu_resource_attach_backing) + n * sizeof(*e);
	g_autofree uint8_t *buf = g_malloc0(len);
	struct virtio_gpu_resource_attach_backing *a = (void *)buf;
	VdGpuCmd cmd;

	a->hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING;
	a->resource_id = id;
	a->nr_entries = n;
	memcpy(buf + sizeof(*a), e, n * sizeof(*e));
	return tg_ctrl(gpu, buf, len, &cmd);
}

static inline uint32_t
tg_transfer(VdGpu *gpu, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
            uint64_t offset)
{
	struct virtio_gpu_transfer_to_host_2d t = {
		.hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
		.r = { x, y, w, h },
		.offset = offset,
		.resource_id = id,
	};
	VdGpuCmd cmd;

	return tg_ctrl(gpu, &t, sizeof(t), &cmd);
}

static inline uint32_t
tg_set_scanout(VdGpu *gpu, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t w,
               uint32_t h)
{
	struct virtio_gpu_set_scanout s = {
		.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT,
		.r = { x, y, w, h },
		.scanout_id = scanout,
		.resource_id = id,
	};
	VdGpuCmd cmd;

	return tg_ctrl(gpu, &s, sizeof(s), &cmd);
}

static inline uint32_t
tg_flush(VdGpu *gpu, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_flush f = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		.r = { x, y, w, h },
		.resource_id = id,
	};
	VdGpuCmd cmd;

	return tg_ctrl(gpu, &f, sizeof(f), &cmd);
}
