/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One virtio-gpu control or cursor queue command, shared by the 2D device
 * model (src/gpu) and the 3D one (src/virgl), so a command can go to either
 * and be answered the same way; and the command set both decode against
 * (protocol.c, a library of its own: the 3D module does not link the 2D one).
 */
#pragma once

#include <glib.h>
#include <linux/virtio_gpu.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vhost/fault.h"

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
	void *user_data; /* the owner's (device.c: the queue element) */
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

/* The answer of a command that returns no data. */
static inline void
vd_gpu_cmd_ok_nodata(VdGpuCmd *cmd)
{
	vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_NODATA, sizeof(struct virtio_gpu_ctrl_hdr));
}

/*
 * The resource a request names where the protocol puts its id first after the
 * header: RESOURCE_UNREF, RESOURCE_ATTACH_BACKING, RESOURCE_DETACH_BACKING,
 * RESOURCE_ASSIGN_UUID, CTX_ATTACH_RESOURCE and CTX_DETACH_RESOURCE (protocol.c
 * asserts the layouts). Only after vd_gpu_cmd_check(): their sizes hold the id.
 */
static inline uint32_t
vd_gpu_cmd_resource_id(const VdGpuCmd *cmd)
{
	uint32_t id;

	memcpy(&id, cmd->req + sizeof(struct virtio_gpu_ctrl_hdr), sizeof(id));
	return id;
}

/* protocol.c: one entry per command of the protocol (linux/virtio_gpu.h). */
typedef struct VdGpuCmdRule {
	uint32_t type;
	const char *name;  /* without VIRTIO_GPU_CMD_ */
	size_t min_size;   /* the smallest valid request */
	bool cursor_queue; /* belongs on the cursor queue, not the control queue */
} VdGpuCmdRule;

const VdGpuCmdRule *vd_gpu_cmd_rule(uint32_t type);
/* The command's name ("unknown" for none). */
const char *vd_gpu_cmd_name(uint32_t type);
/*
 * The one way a bad request is answered: err (VIRTIO_GPU_RESP_ERR_*) replaces
 * any response started, and fmt (unless NULL) is logged as a guest bug,
 * rate-limited by faults.
 */
void vd_gpu_cmd_fail(VdGpuCmd *cmd, VdRateLimit *faults, uint32_t err, const char *fmt, ...)
        G_GNUC_PRINTF(4, 5);
/*
 * What every request must be before a handler reads it: a header, at most
 * max_size bytes, a known command, on its queue, at least its size. Returns
 * its rule, or NULL after answering it with vd_gpu_cmd_fail().
 */
const VdGpuCmdRule *vd_gpu_cmd_check(VdGpuCmd *cmd, bool cursor_queue, size_t max_size,
                                     VdRateLimit *faults);
