/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the scanouts and the cursor are shown: QEMU's GPU socket
 * (qemu-socket.c) or the daemon itself, headless (headless.c). The device
 * works through its display (gpu-private.h) and never asks which one it has; another
 * display is one more file that fills these operations.
 */
#pragma once

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>

#include "gpu/command.h"
#include "gpu/dmabuf.h"

typedef struct VdGpuCursor VdGpuCursor;

typedef struct VdGpuDisplayOps {
	const char *name;
	void (*free)(void *impl);
	/*
	 * The guest showed something else on scanout_id, or nothing (the scanout's
	 * resource is then 0); vd_gpu_scanout(gpu, scanout_id) says what and where.
	 */
	void (*scanout)(void *impl, uint32_t scanout_id);
	/* Pixels of r (resource coordinates, inside the scanout) of image changed. */
	void (*update)(void *impl, uint32_t scanout_id, pixman_image_t *image,
	               const struct virtio_gpu_rect *r);
	/* The cursor image (and position) changed; then only its position. */
	void (*cursor_update)(void *impl, const VdGpuCursor *cursor);
	void (*cursor_move)(void *impl, const VdGpuCursor *cursor);
	/*
	 * GET_DISPLAY_INFO and GET_EDID: true when the display answers cmd itself,
	 * later (vd_gpu_cmd_finish); false to answer from the outputs table. Optional.
	 */
	bool (*display_info)(void *impl, VdGpuCmd *cmd);
	bool (*edid)(void *impl, VdGpuCmd *cmd, uint32_t scanout_id);
	/* Whether outputs can be plugged, unplugged and resized over D-Bus. */
	bool hotplug;
	/*
	 * dmabufs (--dmabuf). dmabuf_ok: whether scanouts can go out as dmabufs
	 * now. dmabuf_scanout takes buf->fd whatever happens; false: send pixels.
	 * dmabuf_update with cmd (the guest's flush): true when cmd is pending
	 * until the display has drawn. All optional: without them, pixels.
	 */
	bool (*dmabuf_ok)(void *impl);
	bool (*dmabuf_scanout)(void *impl, uint32_t scanout_id, const struct virtio_gpu_rect *r,
	                       VdDmabuf *buf);
	bool (*dmabuf_update)(void *impl, uint32_t scanout_id, const struct virtio_gpu_rect *r,
	                      VdGpuCmd *cmd);
} VdGpuDisplayOps;

typedef struct VdGpuDisplay {
	const VdGpuDisplayOps *ops;
	void *impl;
} VdGpuDisplay;

/* headless.c: the daemon's own displays, with screenshots and hotplug. */
extern const VdGpuDisplayOps vd_gpu_headless_ops;
