/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 3D command decoder: one table indexed by the command id gives the
 * name, the smallest valid request and the handler; the size is checked
 * before any handler reads the request, and handlers check every field.
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

typedef struct VdVirglCmdDesc {
	uint32_t type;
	const char *name;
	size_t min_size;
	VdVirglCmdHandler handler;
} VdVirglCmdDesc;

/* The name without its VIRTIO_GPU_CMD_ prefix (15 characters). */
#define CMD(id, type, fn) [id & 0xff] = { id, &(#id)[15], sizeof(type), fn }

/* 2D ids: the resource commands that virgl resources need. */
static const VdVirglCmdDesc vd_virgl_cmds_2d[] = {
	CMD(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, struct virtio_gpu_resource_create_2d,
	    vd_virgl_cmd_resource_create_2d),
	CMD(VIRTIO_GPU_CMD_RESOURCE_UNREF, struct virtio_gpu_resource_unref,
	    vd_virgl_cmd_resource_unref),
	CMD(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, struct virtio_gpu_transfer_to_host_2d,
	    vd_virgl_cmd_transfer_to_host_2d),
	CMD(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, struct virtio_gpu_resource_attach_backing,
	    vd_virgl_cmd_attach_backing),
	CMD(VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, struct virtio_gpu_resource_detach_backing,
	    vd_virgl_cmd_detach_backing),
	CMD(VIRTIO_GPU_CMD_GET_CAPSET_INFO, struct virtio_gpu_get_capset_info,
	    vd_virgl_cmd_get_capset_info),
	CMD(VIRTIO_GPU_CMD_GET_CAPSET, struct virtio_gpu_get_capset, vd_virgl_cmd_get_capset),
};

static const VdVirglCmdDesc vd_virgl_cmds_3d[] = {
	CMD(VIRTIO_GPU_CMD_CTX_CREATE, struct virtio_gpu_ctx_create, vd_virgl_cmd_ctx_create),
	CMD(VIRTIO_GPU_CMD_CTX_DESTROY, struct virtio_gpu_ctx_destroy, vd_virgl_cmd_ctx_destroy),
	CMD(VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, struct virtio_gpu_ctx_resource,
	    vd_virgl_cmd_ctx_attach),
	CMD(VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE, struct virtio_gpu_ctx_resource,
	    vd_virgl_cmd_ctx_detach),
	CMD(VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, struct virtio_gpu_resource_create_3d,
	    vd_virgl_cmd_resource_create_3d),
	CMD(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, struct virtio_gpu_transfer_host_3d,
	    vd_virgl_cmd_transfer_to_host_3d),
	CMD(VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, struct virtio_gpu_transfer_host_3d,
	    vd_virgl_cmd_transfer_from_host_3d),
	CMD(VIRTIO_GPU_CMD_SUBMIT_3D, struct virtio_gpu_cmd_submit, vd_virgl_cmd_submit_3d),
};

static const VdVirglCmdDesc *
cmd_lookup(uint32_t type)
{
	const VdVirglCmdDesc *table;
	size_t n;

	switch (type & ~0xffu) {
	case 0x100:
		table = vd_virgl_cmds_2d;
		n = G_N_ELEMENTS(vd_virgl_cmds_2d);
		break;
	case 0x200:
		table = vd_virgl_cmds_3d;
		n = G_N_ELEMENTS(vd_virgl_cmds_3d);
		break;
	default:
		return NULL;
	}
	if ((type & 0xff) >= n || table[type & 0xff].type != type)
		return NULL;
	return &table[type & 0xff];
}

bool
vd_virgl_handles(uint32_t type)
{
	return cmd_lookup(type) != NULL;
}

const char *
vd_virgl_cmd_name(uint32_t type)
{
	const VdVirglCmdDesc *desc = cmd_lookup(type);

	return desc ? desc->name : "unknown";
}

void
vd_virgl_cmd_error(VdVirgl *virgl, VdGpuCmd *cmd, uint32_t err, const char *why)
{
	if (why && vd_virgl_warn_ratelimit(virgl))
		g_warning("guest bug: %s (0x%x): %s", vd_virgl_cmd_name(cmd->hdr.type),
		          cmd->hdr.type, why);
	/* A handler may have started a response: the error replaces it whole. */
	memset(cmd->resp, 0, sizeof(cmd->resp));
	vd_gpu_cmd_respond(cmd, err, sizeof(struct virtio_gpu_ctrl_hdr));
}

void
vd_virgl_process_ctrl(VdVirgl *virgl, VdGpuCmd *cmd)
{
	const VdVirglCmdDesc *desc = NULL;

	if (cmd->req_len < sizeof(struct virtio_gpu_ctrl_hdr))
		vd_virgl_cmd_error(virgl, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                   "request shorter than a header");
	else if (cmd->req_len > VD_VIRGL_MAX_REQUEST_SIZE)
		vd_virgl_cmd_error(virgl, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, "request too large");
	else if (!(desc = cmd_lookup(cmd->hdr.type)))
		vd_virgl_cmd_error(virgl, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, "unknown 3D command");
	else if (cmd->req_len < desc->min_size)
		vd_virgl_cmd_error(virgl, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC, "request too short");
	else
		desc->handler(virgl, cmd);

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
