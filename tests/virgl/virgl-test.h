/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for the virgl tests, benchmark and fuzz target: fake guest RAM, command streams. */
#pragma once

#include <glib.h>
#include <string.h>

#include "virgl/virgl.h"

/* Guest RAM as the tests see it: one block at a guest address that is not 0. */
#define TV_RAM_BASE 0x100000ull
/* Mapped in 64 KiB pieces, so that a backing spans several iovecs as real RAM does. */
#define TV_RAM_PIECE 0x10000ull

typedef struct TvRam {
	uint8_t *mem;
	uint64_t size;
} TvRam;

static inline int
tv_map_sg(void *opaque, uint64_t addr, uint64_t len, bool write, struct iovec *iov,
          unsigned int max_iov)
{
	TvRam *ram = opaque;
	unsigned int n = 0;

	(void)write;
	if (addr < TV_RAM_BASE || addr - TV_RAM_BASE > ram->size ||
	    len > ram->size - (addr - TV_RAM_BASE))
		return -1;
	addr -= TV_RAM_BASE;
	while (len > 0) {
		uint64_t piece = MIN(len, TV_RAM_PIECE - addr % TV_RAM_PIECE);

		if (n == max_iov)
			return -1;
		iov[n].iov_base = ram->mem + addr;
		iov[n].iov_len = piece;
		n++;
		addr += piece;
		len -= piece;
	}
	return (int)n;
}

/* virgl_protocol.h (virglrenderer's src/): the few context commands a clear needs. */
#define TV_CMD0(cmd, obj, len) ((uint32_t)(cmd) | ((uint32_t)(obj) << 8) | ((uint32_t)(len) << 16))
#define TV_CCMD_CREATE_OBJECT 1u /* enum virgl_context_cmd */
#define TV_CCMD_SET_FRAMEBUFFER_STATE 5u
#define TV_CCMD_CLEAR 7u
#define TV_OBJECT_SURFACE 8u                        /* enum virgl_object_type */
#define TV_OBJ_SURFACE_SIZE 5u                      /* handle, res, format, level, layers */
#define TV_SET_FRAMEBUFFER_STATE_SIZE(n) ((n) + 2u) /* nr_cbufs, zsurf, cbufs */
#define TV_OBJ_CLEAR_SIZE 8u                        /* buffers, rgba, depth (double), stencil */
#define TV_PIPE_CLEAR_COLOR0 (1u << 2)              /* gallium p_defines.h */
#define TV_PIPE_TEXTURE_2D 2u
#define TV_BIND_RENDER_TARGET (1u << 1) /* virgl_hw.h VIRGL_BIND_RENDER_TARGET */
#define TV_FORMAT_B8G8R8X8 2u           /* VIRGL_FORMAT_B8G8R8X8_UNORM */

/*
 * A command stream that makes resource res_id the colour buffer of a new
 * surface (object handle surf) and clears it to r, g, b, a. Returns dwords.
 */
static inline size_t
tv_clear_stream(uint32_t *s, uint32_t surf, uint32_t res_id, float r, float g, float b, float a)
{
	size_t n = 0;
	float rgba[4] = { r, g, b, a };
	double depth = 1.0;

	s[n++] = TV_CMD0(TV_CCMD_CREATE_OBJECT, TV_OBJECT_SURFACE, TV_OBJ_SURFACE_SIZE);
	s[n++] = surf;
	s[n++] = res_id;
	s[n++] = TV_FORMAT_B8G8R8X8;
	s[n++] = 0; /* level */
	s[n++] = 0; /* first layer | last layer << 16 */
	s[n++] = TV_CMD0(TV_CCMD_SET_FRAMEBUFFER_STATE, 0, TV_SET_FRAMEBUFFER_STATE_SIZE(1));
	s[n++] = 1;    /* nr_cbufs */
	s[n++] = 0;    /* no depth surface */
	s[n++] = surf; /* cbuf 0 */
	s[n++] = TV_CMD0(TV_CCMD_CLEAR, 0, TV_OBJ_CLEAR_SIZE);
	s[n++] = TV_PIPE_CLEAR_COLOR0;
	memcpy(&s[n], rgba, sizeof(rgba));
	n += 4;
	memcpy(&s[n], &depth, sizeof(depth));
	n += 2;
	s[n++] = 0; /* stencil */
	return n;
}

/* Only the clear, for a framebuffer already set up. */
static inline size_t
tv_clear_only(uint32_t *s, float r, float g, float b, float a)
{
	size_t n = 0;
	float rgba[4] = { r, g, b, a };
	double depth = 1.0;

	s[n++] = TV_CMD0(TV_CCMD_CLEAR, 0, TV_OBJ_CLEAR_SIZE);
	s[n++] = TV_PIPE_CLEAR_COLOR0;
	memcpy(&s[n], rgba, sizeof(rgba));
	n += 4;
	memcpy(&s[n], &depth, sizeof(depth));
	n += 2;
	s[n++] = 0;
	return n;
}

static inline void
tv_hdr(struct virtio_gpu_ctrl_hdr *hdr, uint32_t type, uint32_t ctx_id)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->type = type;
	hdr->ctx_id = ctx_id;
}

/* Builders: each fills buf (zeroed first) and returns the request length. */
static inline size_t
tv_ctx_create(void *buf, uint32_t ctx_id, const char *name)
{
	struct virtio_gpu_ctx_create *c = buf;

	memset(c, 0, sizeof(*c));
	tv_hdr(&c->hdr, VIRTIO_GPU_CMD_CTX_CREATE, ctx_id);
	c->nlen = (uint32_t)strlen(name);
	memcpy(c->debug_name, name, MIN(strlen(name), sizeof(c->debug_name)));
	return sizeof(*c);
}

static inline size_t
tv_ctx_resource(void *buf, uint32_t type, uint32_t ctx_id, uint32_t res_id)
{
	struct virtio_gpu_ctx_resource *c = buf;

	memset(c, 0, sizeof(*c));
	tv_hdr(&c->hdr, type, ctx_id);
	c->resource_id = res_id;
	return sizeof(*c);
}

static inline size_t
tv_create_rt(void *buf, uint32_t res_id, uint32_t width, uint32_t height)
{
	struct virtio_gpu_resource_create_3d c;

	memset(&c, 0, sizeof(c));
	tv_hdr(&c.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, 0);
	c.resource_id = res_id;
	c.target = TV_PIPE_TEXTURE_2D;
	c.format = TV_FORMAT_B8G8R8X8;
	c.bind = TV_BIND_RENDER_TARGET;
	c.width = width;
	c.height = height;
	c.depth = 1;
	c.array_size = 1;
	memcpy(buf, &c, sizeof(c));
	return sizeof(c);
}

static inline size_t
tv_attach_backing(void *buf, uint32_t res_id, uint64_t addr, uint32_t len)
{
	struct virtio_gpu_resource_attach_backing a;
	struct virtio_gpu_mem_entry e = { .addr = addr, .length = len };

	memset(&a, 0, sizeof(a));
	tv_hdr(&a.hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, 0);
	a.resource_id = res_id;
	a.nr_entries = 1;
	memcpy(buf, &a, sizeof(a));
	memcpy((uint8_t *)buf + sizeof(a), &e, sizeof(e));
	return sizeof(a) + sizeof(e);
}

static inline size_t
tv_submit(void *buf, uint32_t ctx_id, const uint32_t *stream, size_t ndw)
{
	struct virtio_gpu_cmd_submit s;

	memset(&s, 0, sizeof(s));
	tv_hdr(&s.hdr, VIRTIO_GPU_CMD_SUBMIT_3D, ctx_id);
	s.size = (uint32_t)(ndw * 4);
	memcpy(buf, &s, sizeof(s));
	if (ndw)
		memcpy((uint8_t *)buf + sizeof(s), stream, ndw * 4);
	return sizeof(s) + ndw * 4;
}

static inline size_t
tv_transfer_3d(void *buf, uint32_t type, uint32_t ctx_id, uint32_t res_id, uint32_t width,
               uint32_t height, uint32_t stride)
{
	struct virtio_gpu_transfer_host_3d t;

	memset(&t, 0, sizeof(t));
	tv_hdr(&t.hdr, type, ctx_id);
	t.resource_id = res_id;
	t.box.w = width;
	t.box.h = height;
	t.box.d = 1;
	t.stride = stride;
	memcpy(buf, &t, sizeof(t));
	return sizeof(t);
}
