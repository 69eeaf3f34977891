/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command decoding for the 2D device: every request passes the checks of the
 * command set (gpu/protocol.c: size, queue) before its handler reads it.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <string.h>

#include "gpu/gpu-private.h"

typedef void (*VdGpuCmdHandler)(VdGpu *gpu, VdGpuCmd *cmd);

/*
 * The 2D device's handlers; the command set itself (names, queues, sizes) is
 * gpu/protocol.c. Capsets belong to 3D: with num_capsets = 0 a driver never
 * asks. 3D commands: with --virgl, vd_gpu_process_ctrl hands them (and the
 * resource commands) to src/virgl first; without, VIRGL is not offered, a
 * driver does not send them, and they are answered ERR_UNSPEC, as blobs are.
 */
static VdGpuCmdHandler
handler_2d(uint32_t type)
{
	switch (type) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
		return vd_gpu_cmd_get_display_info;
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
		return vd_gpu_cmd_resource_create_2d;
	case VIRTIO_GPU_CMD_RESOURCE_UNREF:
		return vd_gpu_cmd_resource_unref;
	case VIRTIO_GPU_CMD_SET_SCANOUT:
		return vd_gpu_cmd_set_scanout;
	case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
		return vd_gpu_cmd_resource_flush;
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
		return vd_gpu_cmd_transfer_to_host_2d;
	case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
		return vd_gpu_cmd_attach_backing;
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
		return vd_gpu_cmd_detach_backing;
	case VIRTIO_GPU_CMD_GET_EDID:
		return vd_gpu_cmd_get_edid;
	case VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID:
		return vd_gpu_cmd_assign_uuid;
	case VIRTIO_GPU_CMD_UPDATE_CURSOR:
		return vd_gpu_cmd_update_cursor;
	case VIRTIO_GPU_CMD_MOVE_CURSOR:
		return vd_gpu_cmd_move_cursor;
	default:
		return NULL;
	}
}

/* The handler of a request that passed the common checks; NULL after answering it. */
static VdGpuCmdHandler
cmd_check(VdGpu *gpu, VdGpuCmd *cmd, bool cursor_queue)
{
	VdGpuCmdHandler handler;

	if (!vd_gpu_cmd_check(cmd, cursor_queue, VD_GPU_MAX_REQUEST_SIZE, &gpu->faults))
		return NULL;
	handler = handler_2d(cmd->hdr.type);
	if (!handler)
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "command not supported");
	return handler;
}

void
vd_gpu_process_ctrl(VdGpu *gpu, VdGpuCmd *cmd)
{
	VdGpuCmdHandler handler;

	/* With 3D on, resources and contexts are virglrenderer's. */
	if (gpu->virgl && cmd->req_len >= sizeof(cmd->hdr) && vd_virgl_handles(cmd->hdr.type)) {
		vd_gpu_virgl_process_ctrl(gpu, cmd);
		return;
	}
	handler = cmd_check(gpu, cmd, false);
	if (handler)
		handler(gpu, cmd);
	/* A handler that neither answered nor deferred is a bug here, not in the guest. */
	if (!cmd->pending && cmd->resp_len == 0)
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                   sizeof(struct virtio_gpu_ctrl_hdr));
	/*
	 * A fenced display command (a flush) is answered after the 3D work
	 * before it: the guest takes a fence as "everything up to here is done".
	 */
	if (gpu->virgl && !cmd->pending && (cmd->hdr.flags & VIRTIO_GPU_FLAG_FENCE))
		vd_virgl_fence_submit(gpu->virgl, cmd);
}

void
vd_gpu_process_cursor(VdGpu *gpu, VdGpuCmd *cmd)
{
	VdGpuCmdHandler handler = cmd_check(gpu, cmd, true);

	if (handler)
		handler(gpu, cmd);
	/* The cursor queue has no responses; a driver that asks gets a header. */
	if (cmd->resp_len == 0)
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_NODATA,
		                   sizeof(struct virtio_gpu_ctrl_hdr));
}

void
vd_gpu_cmd_finish(VdGpu *gpu, VdGpuCmd *cmd)
{
	cmd->pending = false;
	if (cmd->resp_len == 0)
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                   sizeof(struct virtio_gpu_ctrl_hdr));
	if (gpu->complete)
		gpu->complete(gpu, cmd, gpu->complete_data);
}
