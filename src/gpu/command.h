/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One virtio-gpu control or cursor queue command, shared by the 2D device
 * model (src/gpu) and the 3D one (src/virgl), so a command can go to either
 * and be answered the same way. Only <linux/virtio_gpu.h> and GLib here: the
 * 3D module does not link the 2D one.
 */
#pragma once

#include <glib.h>
#include <linux/virtio_gpu.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Larger capsets are not offered (virgl2 is 1376 bytes in virglrenderer 0.10). */
#define VD_GPU_MAX_CAPSET_SIZE 4096u
/* The largest response: a capset (an EDID is 1056 bytes). */
#define VD_GPU_MAX_RESPONSE_SIZE (sizeof(struct virtio_gpu_resp_capset) + VD_GPU_MAX_CAPSET_SIZE)

/*
 * The response is built in resp (zeroed first, so no host bytes reach the
 * guest). A command answered later (forwarded to the front-end, or waiting
 * for a renderer fence) has pending set; its owner hears of it through the
 * completion callback of the module that deferred it.
 */
typedef struct VdGpuCmd {
	const uint8_t *req;
	size_t req_len;
	struct virtio_gpu_ctrl_hdr hdr;
	uint8_t resp[VD_GPU_MAX_RESPONSE_SIZE];
	size_t resp_len;
	bool pending;
	void *user_data;           /* the owner's (device.c: the queue element) */
} VdGpuCmd;

static inline void
vd_gpu_cmd_init(VdGpuCmd *cmd, const void *req, size_t req_len)
{
	/* Zeroing resp here is what keeps host bytes out of every response. */
	memset(cmd, 0, sizeof(*cmd));
	cmd->req = req;
	cmd->req_len = req_len;
	if (req_len >= sizeof(cmd->hdr))
		memcpy(&cmd->hdr, req, sizeof(cmd->hdr));
}

/* Fills a response header of len bytes, echoing the fence. */
static inline void
vd_gpu_cmd_respond(VdGpuCmd *cmd, uint32_t type, size_t len)
{
	struct virtio_gpu_ctrl_hdr *hdr = (struct virtio_gpu_ctrl_hdr *)cmd->resp;

	g_assert(len >= sizeof(*hdr) && len <= sizeof(cmd->resp));
	memset(hdr, 0, sizeof(*hdr));
	hdr->type = type;
	/* The driver matches fences by the id echoed in the response. */
	if (cmd->hdr.flags & VIRTIO_GPU_FLAG_FENCE) {
		hdr->flags = VIRTIO_GPU_FLAG_FENCE;
		hdr->fence_id = cmd->hdr.fence_id;
		hdr->ctx_id = cmd->hdr.ctx_id;
		if (cmd->hdr.flags & VIRTIO_GPU_FLAG_INFO_RING_IDX) {
			hdr->flags |= VIRTIO_GPU_FLAG_INFO_RING_IDX;
			hdr->ring_idx = cmd->hdr.ring_idx;
		}
	}
	cmd->resp_len = len;
}
