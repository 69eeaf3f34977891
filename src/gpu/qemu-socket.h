/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's GPU socket (docs/interop/vhost-user-gpu.rst): the back-end shows
 * scanouts and the cursor in QEMU's UI and asks it for display info and EDID.
 * Sending never blocks the queues: messages wait in an output queue drained
 * from a GLib fd source; UPDATE pixels go out straight from the image.
 */
#pragma once

#include "gpu/gpu.h"

/* Wire format (native endian, packed). */
enum {
	VD_GPU_MSG_GET_PROTOCOL_FEATURES = 1,
	VD_GPU_MSG_SET_PROTOCOL_FEATURES = 2,
	VD_GPU_MSG_GET_DISPLAY_INFO = 3,
	VD_GPU_MSG_CURSOR_POS = 4,
	VD_GPU_MSG_CURSOR_POS_HIDE = 5,
	VD_GPU_MSG_CURSOR_UPDATE = 6,
	VD_GPU_MSG_SCANOUT = 7,
	VD_GPU_MSG_UPDATE = 8,
	VD_GPU_MSG_DMABUF_SCANOUT = 9,
	VD_GPU_MSG_DMABUF_UPDATE = 10,
	VD_GPU_MSG_GET_EDID = 11,
	VD_GPU_MSG_DMABUF_SCANOUT2 = 12,
};

#define VD_GPU_MSG_FLAG_REPLY 0x4u
#define VD_GPU_PROTOCOL_F_EDID 0
#define VD_GPU_PROTOCOL_F_DMABUF2 1

typedef struct __attribute__((packed)) VdGpuMsgHdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} VdGpuMsgHdr;

typedef struct __attribute__((packed)) VdGpuMsgCursorPos {
	uint32_t scanout_id;
	uint32_t x;
	uint32_t y;
} VdGpuMsgCursorPos;

typedef struct __attribute__((packed)) VdGpuMsgCursorUpdate {
	VdGpuMsgCursorPos pos;
	uint32_t hot_x;
	uint32_t hot_y;
	uint32_t data[64 * 64];
} VdGpuMsgCursorUpdate;

typedef struct __attribute__((packed)) VdGpuMsgScanout {
	uint32_t scanout_id;
	uint32_t width;
	uint32_t height;
} VdGpuMsgScanout;

typedef struct __attribute__((packed)) VdGpuMsgUpdate {
	uint32_t scanout_id;
	uint32_t x;
	uint32_t y;
	uint32_t width;
	uint32_t height;
	/* width * height * 4 bytes of x8r8g8b8 follow */
} VdGpuMsgUpdate;

/* DMABUF_SCANOUT; the dmabuf's fd travels with the message (SCM_RIGHTS). */
typedef struct __attribute__((packed)) VdGpuMsgDmabufScanout {
	uint32_t scanout_id;
	uint32_t x, y, width, height; /* the part of the buffer shown */
	uint32_t fd_width, fd_height, fd_stride;
	uint32_t fd_flags; /* VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP */
	int32_t fd_drm_fourcc;
} VdGpuMsgDmabufScanout;

typedef struct __attribute__((packed)) VdGpuMsgDmabufScanout2 {
	VdGpuMsgDmabufScanout dmabuf;
	uint64_t modifier;
} VdGpuMsgDmabufScanout2;

/* DMABUF_UPDATE: VdGpuMsgUpdate without pixels; QEMU replies once drawn. */

typedef struct __attribute__((packed)) VdGpuMsgEdidRequest {
	uint32_t scanout_id;
} VdGpuMsgEdidRequest;

/*
 * Makes QEMU's GPU socket fd (ownership taken) gpu's display: the socket that
 * was there before is closed, and QEMU is shown what the guest shows now.
 * Returns the socket's state, owned by gpu (for tests and benchmarks).
 */
VdGpuQemu *vd_gpu_qemu_attach(VdGpu *gpu, int fd);
/* Takes ownership of fd and starts the protocol-feature handshake. */
VdGpuQemu *vd_gpu_qemu_new(VdGpu *gpu, int fd);
/* Pending forwarded commands are answered locally first (the completion callback). */
void vd_gpu_qemu_free(VdGpuQemu *q);
bool vd_gpu_qemu_is_broken(VdGpuQemu *q);

/* Shows scanout_id from pixels (UPDATE), ending a dmabuf it showed; 0x0 disables it. */
void vd_gpu_qemu_scanout(VdGpuQemu *q, uint32_t scanout_id, uint32_t width, uint32_t height);
/* Pixels of r (in image coordinates) shown at x, y of the scanout. */
void vd_gpu_qemu_update(VdGpuQemu *q, uint32_t scanout_id, pixman_image_t *image,
                        const struct virtio_gpu_rect *r, uint32_t x, uint32_t y);
void vd_gpu_qemu_cursor_update(VdGpuQemu *q, const VdGpuCursor *cursor);
void vd_gpu_qemu_cursor_pos(VdGpuQemu *q, const VdGpuCursor *cursor);

/*
 * Forward GET_DISPLAY_INFO / GET_EDID; true when cmd is now pending (answered
 * through vd_gpu_cmd_finish on reply or timeout), false to answer locally.
 */
bool vd_gpu_qemu_get_display_info(VdGpuQemu *q, VdGpuCmd *cmd);
bool vd_gpu_qemu_get_edid(VdGpuQemu *q, VdGpuCmd *cmd, uint32_t scanout_id);
/*
 * --dmabuf (3D on a GPU): shows scanout_id from an exported texture; takes
 * buf->fd whatever happens. False when the socket cannot take dmabufs now
 * (no handshake yet, DMABUF2 refused, QEMU stopped answering them): send
 * SCANOUT and UPDATE pixels instead.
 */
bool vd_gpu_qemu_dmabuf_scanout(VdGpuQemu *q, uint32_t scanout_id, const struct virtio_gpu_rect *r,
                                VdDmabuf *buf);
/* False once dmabufs cannot go out (see above): scanouts need pixels again. */
bool vd_gpu_qemu_dmabuf_ok(VdGpuQemu *q);
/*
 * Redraws r of a dmabuf scanout. With cmd (the guest's flush), true means cmd
 * is pending until QEMU has drawn (or the forward timeout); false as above.
 */
bool vd_gpu_qemu_dmabuf_update(VdGpuQemu *q, uint32_t scanout_id, const struct virtio_gpu_rect *r,
                               VdGpuCmd *cmd);
/* Bytes waiting to be sent (tests, benchmark). */
size_t vd_gpu_qemu_queued_bytes(VdGpuQemu *q);
