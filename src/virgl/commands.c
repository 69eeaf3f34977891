/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 3D command decoder: every request passes the checks of the command
 * set (gpu/protocol.c: size, queue) before its handler reads it, and
 * handlers check every field.
 * It takes request bytes and answers response bytes, independent of the
 * vhost queues, so it runs in unit tests and under a fuzzer.
 *
 * With VIRGL on, every resource lives in virglrenderer, so the device routes
 * the resource commands (2D ones included) here as well; display commands
 * (GET_DISPLAY_INFO, SET_SCANOUT, RESOURCE_FLUSH, EDID, cursor) stay with
 * the device, which reads pixels back through vd_virgl_read_pixels().
 */
#define G_LOG_DOMAIN "vd-virgl"

#include <string.h>

#include "virgl/virgl-private.h"

typedef void (*VdVirglCmdHandler)(VdVirgl *virgl, VdGpuCmd *cmd);

/*
 * The 3D handlers: the 2D resource commands that virgl resources need, the
 * capsets, and the 3D commands. Names, queues and sizes are the command set's
 * (gpu/protocol.c), which the 2D device decodes against too.
 */
static VdVirglCmdHandler
handler_3d(uint32_t type)
{
	switch (type) {
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
		return vd_virgl_cmd_resource_create_2d;
	case VIRTIO_GPU_CMD_RESOURCE_UNREF:
		return vd_virgl_cmd_resource_unref;
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
		return vd_virgl_cmd_transfer_to_host_2d;
	case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
		return vd_virgl_cmd_attach_backing;
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
		return vd_virgl_cmd_detach_backing;
	case VIRTIO_GPU_CMD_GET_CAPSET_INFO:
		return vd_virgl_cmd_get_capset_info;
	case VIRTIO_GPU_CMD_GET_CAPSET:
		return vd_virgl_cmd_get_capset;
	case VIRTIO_GPU_CMD_CTX_CREATE:
		return vd_virgl_cmd_ctx_create;
	case VIRTIO_GPU_CMD_CTX_DESTROY:
		return vd_virgl_cmd_ctx_destroy;
	case VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE:
		return vd_virgl_cmd_ctx_attach;
	case VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE:
		return vd_virgl_cmd_ctx_detach;
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_3D:
		return vd_virgl_cmd_resource_create_3d;
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D:
		return vd_virgl_cmd_transfer_to_host_3d;
	case VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D:
		return vd_virgl_cmd_transfer_from_host_3d;
	case VIRTIO_GPU_CMD_SUBMIT_3D:
		return vd_virgl_cmd_submit_3d;
	default:
		return NULL;
	}
}

bool
vd_virgl_handles(uint32_t type)
{
	return handler_3d(type) != NULL;
}

void
vd_virgl_process_ctrl(VdVirgl *virgl, VdGpuCmd *cmd)
{
	VdVirglCmdHandler handler = NULL;

	if (vd_gpu_cmd_check(cmd, false, VD_VIRGL_MAX_REQUEST_SIZE, &virgl->faults)) {
		handler = handler_3d(cmd->hdr.type);
		if (handler)
			handler(virgl, cmd);
		else
			vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
			                "not a 3D command");
	}
	if (cmd->resp_len == 0)
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                   sizeof(struct virtio_gpu_ctrl_hdr));
	/*
	 * A fenced command, failed or not, is answered after everything before
	 * it: the guest takes a fenced answer as "all fences up to this one".
	 */
	if (cmd->hdr.flags & VIRTIO_GPU_FLAG_FENCE)
		vd_virgl_fence_submit(virgl, cmd);
}
