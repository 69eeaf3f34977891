/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command decoding: one table indexed by the command id gives the name, the
 * smallest valid request and the handler; the size is checked before any
 * handler reads the request.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <string.h>

#include "gpu/gpu.h"

typedef void (*VdGpuCmdHandler)(VdGpu *gpu, VdGpuCmd *cmd);

typedef struct VdGpuCmdDesc {
	const char *name;
	size_t min_size;
	VdGpuCmdHandler handler; /* NULL: known but not supported */
} VdGpuCmdDesc;

#define CMD(id, str, type, fn) [id & 0xff] = { str, sizeof(type), fn }

static const VdGpuCmdDesc vd_gpu_cmds_2d[] = {
	CMD(VIRTIO_GPU_CMD_GET_DISPLAY_INFO, "GET_DISPLAY_INFO", struct virtio_gpu_ctrl_hdr,
	    vd_gpu_cmd_get_display_info),
	CMD(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, "RESOURCE_CREATE_2D",
	    struct virtio_gpu_resource_create_2d, vd_gpu_cmd_resource_create_2d),
	CMD(VIRTIO_GPU_CMD_RESOURCE_UNREF, "RESOURCE_UNREF", struct virtio_gpu_resource_unref,
	    vd_gpu_cmd_resource_unref),
	CMD(VIRTIO_GPU_CMD_SET_SCANOUT, "SET_SCANOUT", struct virtio_gpu_set_scanout,
	    vd_gpu_cmd_set_scanout),
	CMD(VIRTIO_GPU_CMD_RESOURCE_FLUSH, "RESOURCE_FLUSH", struct virtio_gpu_resource_flush,
	    vd_gpu_cmd_resource_flush),
	CMD(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, "TRANSFER_TO_HOST_2D",
	    struct virtio_gpu_transfer_to_host_2d, vd_gpu_cmd_transfer_to_host_2d),
	CMD(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, "RESOURCE_ATTACH_BACKING",
	    struct virtio_gpu_resource_attach_backing, vd_gpu_cmd_attach_backing),
	CMD(VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, "RESOURCE_DETACH_BACKING",
	    struct virtio_gpu_resource_detach_backing, vd_gpu_cmd_detach_backing),
	/* Capsets belong to 3D: with num_capsets = 0 a driver never asks. */
	CMD(VIRTIO_GPU_CMD_GET_CAPSET_INFO, "GET_CAPSET_INFO", struct virtio_gpu_get_capset_info,
	    NULL),
	CMD(VIRTIO_GPU_CMD_GET_CAPSET, "GET_CAPSET", struct virtio_gpu_get_capset, NULL),
	CMD(VIRTIO_GPU_CMD_GET_EDID, "GET_EDID", struct virtio_gpu_cmd_get_edid,
	    vd_gpu_cmd_get_edid),
	CMD(VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID, "RESOURCE_ASSIGN_UUID",
	    struct virtio_gpu_resource_assign_uuid, vd_gpu_cmd_assign_uuid),
	CMD(VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, "RESOURCE_CREATE_BLOB",
	    struct virtio_gpu_resource_create_blob, NULL),
	CMD(VIRTIO_GPU_CMD_SET_SCANOUT_BLOB, "SET_SCANOUT_BLOB", struct virtio_gpu_set_scanout_blob,
	    NULL),
};

/*
 * 3D commands: with --virgl, vd_gpu_process_ctrl hands them (and the resource
 * commands) to src/virgl before this table is looked at; without, they are
 * answered ERR_UNSPEC (VIRGL is not offered, so a driver does not send them).
 */
static const VdGpuCmdDesc vd_gpu_cmds_3d[] = {
	CMD(VIRTIO_GPU_CMD_CTX_CREATE, "CTX_CREATE", struct virtio_gpu_ctx_create, NULL),
	CMD(VIRTIO_GPU_CMD_CTX_DESTROY, "CTX_DESTROY", struct virtio_gpu_ctx_destroy, NULL),
	CMD(VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, "CTX_ATTACH_RESOURCE",
	    struct virtio_gpu_ctx_resource, NULL),
	CMD(VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE, "CTX_DETACH_RESOURCE",
	    struct virtio_gpu_ctx_resource, NULL),
	CMD(VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, "RESOURCE_CREATE_3D",
	    struct virtio_gpu_resource_create_3d, NULL),
	CMD(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, "TRANSFER_TO_HOST_3D",
	    struct virtio_gpu_transfer_host_3d, NULL),
	CMD(VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, "TRANSFER_FROM_HOST_3D",
	    struct virtio_gpu_transfer_host_3d, NULL),
	CMD(VIRTIO_GPU_CMD_SUBMIT_3D, "SUBMIT_3D", struct virtio_gpu_cmd_submit, NULL),
	CMD(VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB, "RESOURCE_MAP_BLOB",
	    struct virtio_gpu_resource_map_blob, NULL),
	CMD(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB, "RESOURCE_UNMAP_BLOB",
	    struct virtio_gpu_resource_unmap_blob, NULL),
};

static const VdGpuCmdDesc vd_gpu_cmds_cursor[] = {
	CMD(VIRTIO_GPU_CMD_UPDATE_CURSOR, "UPDATE_CURSOR", struct virtio_gpu_update_cursor,
	    vd_gpu_cmd_update_cursor),
	CMD(VIRTIO_GPU_CMD_MOVE_CURSOR, "MOVE_CURSOR", struct virtio_gpu_update_cursor,
	    vd_gpu_cmd_move_cursor),
};

static const VdGpuCmdDesc *
cmd_lookup(uint32_t type)
{
	const VdGpuCmdDesc *table;
	size_t n;

	switch (type & ~0xffu) {
	case 0x100:
		table = vd_gpu_cmds_2d;
		n = G_N_ELEMENTS(vd_gpu_cmds_2d);
		break;
	case 0x200:
		table = vd_gpu_cmds_3d;
		n = G_N_ELEMENTS(vd_gpu_cmds_3d);
		break;
	case 0x300:
		table = vd_gpu_cmds_cursor;
		n = G_N_ELEMENTS(vd_gpu_cmds_cursor);
		break;
	default:
		return NULL;
	}
	if ((type & 0xff) >= n || !table[type & 0xff].name)
		return NULL;
	return &table[type & 0xff];
}

const char *
vd_gpu_cmd_name(uint32_t type)
{
	const VdGpuCmdDesc *desc = cmd_lookup(type);

	return desc ? desc->name : "unknown";
}

static void
cmd_error(VdGpu *gpu, VdGpuCmd *cmd, uint32_t err, const char *why)
{
	if (why && vd_gpu_warn_ratelimit(gpu))
		g_warning("guest bug: %s (0x%x): %s", vd_gpu_cmd_name(cmd->hdr.type), cmd->hdr.type,
		          why);
	vd_gpu_cmd_respond(cmd, err, sizeof(struct virtio_gpu_ctrl_hdr));
}

/* Common checks; returns the descriptor or NULL after answering an error. */
static const VdGpuCmdDesc *
cmd_check(VdGpu *gpu, VdGpuCmd *cmd, bool cursor_queue)
{
	const VdGpuCmdDesc *desc;

	if (cmd->req_len < sizeof(struct virtio_gpu_ctrl_hdr)) {
		cmd_error(gpu, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, "request shorter than a header");
		return NULL;
	}
	if (cmd->req_len > VD_GPU_MAX_REQUEST_SIZE) {
		cmd_error(gpu, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, "request too large");
		return NULL;
	}
	desc = cmd_lookup(cmd->hdr.type);
	if (!desc || cursor_queue != ((cmd->hdr.type & ~0xffu) == 0x300)) {
		cmd_error(gpu, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC,
		          desc ? "command on the wrong queue" : "unknown command");
		return NULL;
	}
	if (cmd->req_len < desc->min_size) {
		cmd_error(gpu, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, "request too short");
		return NULL;
	}
	if (!desc->handler) {
		cmd_error(gpu, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, "command not supported");
		return NULL;
	}
	return desc;
}

void
vd_gpu_process_ctrl(VdGpu *gpu, VdGpuCmd *cmd)
{
	const VdGpuCmdDesc *desc;

	/* With 3D on, resources and contexts are virglrenderer's. */
	if (gpu->virgl && cmd->req_len >= sizeof(cmd->hdr) && vd_virgl_handles(cmd->hdr.type)) {
		vd_gpu_virgl_process_ctrl(gpu, cmd);
		return;
	}
	desc = cmd_check(gpu, cmd, false);
	if (desc)
		desc->handler(gpu, cmd);
	/* A handler that neither answered nor deferred is a bug here, not in the guest. */
	if (!cmd->pending && cmd->resp_len == 0)
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, sizeof(struct virtio_gpu_ctrl_hdr));
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
	const VdGpuCmdDesc *desc = cmd_check(gpu, cmd, true);

	if (desc)
		desc->handler(gpu, cmd);
	/* The cursor queue has no responses; a driver that asks gets a header. */
	if (cmd->resp_len == 0)
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_NODATA, sizeof(struct virtio_gpu_ctrl_hdr));
}

void
vd_gpu_cmd_finish(VdGpu *gpu, VdGpuCmd *cmd)
{
	cmd->pending = false;
	if (cmd->resp_len == 0)
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, sizeof(struct virtio_gpu_ctrl_hdr));
	if (gpu->complete)
		gpu->complete(gpu, cmd, gpu->complete_data);
}
