/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio-gpu command set, once for the 2D device (src/gpu) and the 3D
 * renderer (src/virgl): each command's name, queue and smallest valid
 * request, the checks every request passes before a handler reads it, and
 * the one way a bad request is answered. The two decoders keep only their
 * handlers (gpu/command.c, virgl/commands.c).
 */
#define G_LOG_DOMAIN "vd-gpu"

#include "gpu/command.h"

/* The name without its VIRTIO_GPU_CMD_ prefix (15 characters). */
#define RULE(id, type)                              \
	{                                           \
		id, &(#id)[15], sizeof(type), false \
	}
#define CURSOR_RULE(id, type)                      \
	{                                          \
		id, &(#id)[15], sizeof(type), true \
	}

static const VdGpuCmdRule rules[] = {
	RULE(VIRTIO_GPU_CMD_GET_DISPLAY_INFO, struct virtio_gpu_ctrl_hdr),
	RULE(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, struct virtio_gpu_resource_create_2d),
	RULE(VIRTIO_GPU_CMD_RESOURCE_UNREF, struct virtio_gpu_resource_unref),
	RULE(VIRTIO_GPU_CMD_SET_SCANOUT, struct virtio_gpu_set_scanout),
	RULE(VIRTIO_GPU_CMD_RESOURCE_FLUSH, struct virtio_gpu_resource_flush),
	RULE(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, struct virtio_gpu_transfer_to_host_2d),
	RULE(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, struct virtio_gpu_resource_attach_backing),
	RULE(VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, struct virtio_gpu_resource_detach_backing),
	RULE(VIRTIO_GPU_CMD_GET_CAPSET_INFO, struct virtio_gpu_get_capset_info),
	RULE(VIRTIO_GPU_CMD_GET_CAPSET, struct virtio_gpu_get_capset),
	RULE(VIRTIO_GPU_CMD_GET_EDID, struct virtio_gpu_cmd_get_edid),
	RULE(VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID, struct virtio_gpu_resource_assign_uuid),
	RULE(VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, struct virtio_gpu_resource_create_blob),
	RULE(VIRTIO_GPU_CMD_SET_SCANOUT_BLOB, struct virtio_gpu_set_scanout_blob),
	RULE(VIRTIO_GPU_CMD_CTX_CREATE, struct virtio_gpu_ctx_create),
	RULE(VIRTIO_GPU_CMD_CTX_DESTROY, struct virtio_gpu_ctx_destroy),
	RULE(VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, struct virtio_gpu_ctx_resource),
	RULE(VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE, struct virtio_gpu_ctx_resource),
	RULE(VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, struct virtio_gpu_resource_create_3d),
	RULE(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, struct virtio_gpu_transfer_host_3d),
	RULE(VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, struct virtio_gpu_transfer_host_3d),
	RULE(VIRTIO_GPU_CMD_SUBMIT_3D, struct virtio_gpu_cmd_submit),
	RULE(VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB, struct virtio_gpu_resource_map_blob),
	RULE(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB, struct virtio_gpu_resource_unmap_blob),
	CURSOR_RULE(VIRTIO_GPU_CMD_UPDATE_CURSOR, struct virtio_gpu_update_cursor),
	CURSOR_RULE(VIRTIO_GPU_CMD_MOVE_CURSOR, struct virtio_gpu_update_cursor),
};

/* Where vd_gpu_cmd_resource_id() reads: the id right after the header. */
#define ID_FIRST(type) (offsetof(type, resource_id) == sizeof(struct virtio_gpu_ctrl_hdr))
G_STATIC_ASSERT(ID_FIRST(struct virtio_gpu_resource_unref));
G_STATIC_ASSERT(ID_FIRST(struct virtio_gpu_resource_attach_backing));
G_STATIC_ASSERT(ID_FIRST(struct virtio_gpu_resource_detach_backing));
G_STATIC_ASSERT(ID_FIRST(struct virtio_gpu_resource_assign_uuid));
G_STATIC_ASSERT(ID_FIRST(struct virtio_gpu_ctx_resource));

const VdGpuCmdRule *
vd_gpu_cmd_rule(uint32_t type)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rules); i++)
		if (rules[i].type == type)
			return &rules[i];
	return NULL;
}

const char *
vd_gpu_cmd_name(uint32_t type)
{
	const VdGpuCmdRule *rule = vd_gpu_cmd_rule(type);

	return rule ? rule->name : "unknown";
}

void
vd_gpu_cmd_fail(VdGpuCmd *cmd, VdRateLimit *faults, uint32_t err, const char *fmt, ...)
{
	if (fmt) {
		g_autofree char *why = NULL;
		va_list ap;

		va_start(ap, fmt);
		why = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		vd_log_fault(faults, VD_FAULT_GUEST, NULL, "%s (0x%x): %s",
		             vd_gpu_cmd_name(cmd->hdr.type), cmd->hdr.type, why);
	}
	/* A handler may have started a response: the error replaces it whole. */
	memset(cmd->resp, 0, sizeof(cmd->resp));
	vd_gpu_cmd_respond(cmd, err, sizeof(struct virtio_gpu_ctrl_hdr));
}

const VdGpuCmdRule *
vd_gpu_cmd_check(VdGpuCmd *cmd, bool cursor_queue, size_t max_size, VdRateLimit *faults)
{
	const VdGpuCmdRule *rule;

	/*
	 * Every malformed request is answered ERR_UNSPEC, as QEMU's device does:
	 * Linux's driver logs any error response the same way and never retries.
	 */
	if (cmd->req_len < sizeof(struct virtio_gpu_ctrl_hdr)) {
		vd_gpu_cmd_fail(cmd, faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "request shorter than a header");
		return NULL;
	}
	if (cmd->req_len > max_size) {
		vd_gpu_cmd_fail(cmd, faults, VIRTIO_GPU_RESP_ERR_UNSPEC, "request too large");
		return NULL;
	}
	rule = vd_gpu_cmd_rule(cmd->hdr.type);
	if (!rule) {
		vd_gpu_cmd_fail(cmd, faults, VIRTIO_GPU_RESP_ERR_UNSPEC, "unknown command");
		return NULL;
	}
	if (rule->cursor_queue != cursor_queue) {
		vd_gpu_cmd_fail(cmd, faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "command on the wrong queue");
		return NULL;
	}
	if (cmd->req_len < rule->min_size) {
		vd_gpu_cmd_fail(cmd, faults, VIRTIO_GPU_RESP_ERR_UNSPEC, "request too short");
		return NULL;
	}
	return rule;
}
