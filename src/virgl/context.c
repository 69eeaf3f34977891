/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest rendering contexts: CTX_CREATE/DESTROY, CTX_ATTACH/DETACH_RESOURCE
 * and SUBMIT_3D. We track which resources each context may use, so that a
 * transfer names only resources attached to the context it runs in, and
 * command streams are capped in size and copied out of guest memory before
 * virglrenderer reads them (the guest cannot change them underneath).
 */
#define G_LOG_DOMAIN "vd-virgl"

#include <string.h>
#include <virglrenderer.h>

#include "virgl/virgl-private.h"

void
vd_virgl_ctx_free(VdVirglCtx *ctx)
{
	if (!ctx)
		return;
	g_hash_table_unref(ctx->resources);
	g_free(ctx);
}

VdVirglCtx *
vd_virgl_ctx_lookup(VdVirgl *virgl, uint32_t id)
{
	if (id == 0)
		return NULL;
	return g_hash_table_lookup(virgl->contexts, GUINT_TO_POINTER(id));
}

static gboolean
ctx_destroy_one(void *key, void *value, void *data)
{
	(void)value;
	(void)data;
	virgl_renderer_context_destroy(GPOINTER_TO_UINT(key));
	return TRUE;
}

void
vd_virgl_contexts_clear(VdVirgl *virgl)
{
	g_hash_table_foreach_remove(virgl->contexts, ctx_destroy_one, NULL);
}

void
vd_virgl_cmd_ctx_create(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_ctx_create req;
	uint32_t capset = 0;
	VdVirglCtx *ctx;
	int ret;

	memcpy(&req, cmd->req, sizeof(req));
	if (cmd->hdr.ctx_id == 0) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
		                "context id 0 is the renderer's own");
		return;
	}
	if (vd_virgl_ctx_lookup(virgl, cmd->hdr.ctx_id)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
		                "context id already in use");
		return;
	}
	if (g_hash_table_size(virgl->contexts) >= VD_VIRGL_MAX_CONTEXTS) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY,
		                "too many contexts");
		return;
	}
	/* nlen is the guest's: never read past debug_name. */
	if (req.nlen > sizeof(req.debug_name)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "debug name longer than its field");
		return;
	}
	if (req.context_init & ~VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "unknown context_init flags");
		return;
	}
	capset = req.context_init & VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK;
	if (capset != 0 && capset != VIRTIO_GPU_CAPSET_VIRGL &&
	    capset != VIRTIO_GPU_CAPSET_VIRGL2) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "context for a capset not offered");
		return;
	}
	if (capset)
		ret = virgl_renderer_context_create_with_flags(cmd->hdr.ctx_id, capset, req.nlen,
		                                               req.debug_name);
	else
		ret = virgl_renderer_context_create(cmd->hdr.ctx_id, req.nlen, req.debug_name);
	if (ret != 0) {
		g_debug("virgl_renderer_context_create(%u): %d", cmd->hdr.ctx_id, ret);
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC, NULL);
		return;
	}
	ctx = g_new0(VdVirglCtx, 1);
	ctx->id = cmd->hdr.ctx_id;
	ctx->resources = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_insert(virgl->contexts, GUINT_TO_POINTER(ctx->id), ctx);
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_virgl_cmd_ctx_destroy(VdVirgl *virgl, VdGpuCmd *cmd)
{
	if (!vd_virgl_ctx_lookup(virgl, cmd->hdr.ctx_id)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
		                "no such context");
		return;
	}
	/* virglrenderer detaches the context's resources itself. */
	virgl_renderer_context_destroy(cmd->hdr.ctx_id);
	g_hash_table_remove(virgl->contexts, GUINT_TO_POINTER(cmd->hdr.ctx_id));
	vd_gpu_cmd_ok_nodata(cmd);
}

/* The context a CTX_ATTACH/DETACH names, once it and the resource exist; else NULL, answered. */
static VdVirglCtx *
ctx_resource_check(VdVirgl *virgl, VdGpuCmd *cmd)
{
	VdVirglCtx *ctx = vd_virgl_ctx_lookup(virgl, cmd->hdr.ctx_id);

	if (!ctx) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
		                "no such context");
		return NULL;
	}
	if (!vd_virgl_resource_lookup(virgl, vd_gpu_cmd_resource_id(cmd))) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
		                "no such resource");
		return NULL;
	}
	return ctx;
}

void
vd_virgl_cmd_ctx_attach(VdVirgl *virgl, VdGpuCmd *cmd)
{
	uint32_t id = vd_gpu_cmd_resource_id(cmd);
	VdVirglCtx *ctx = ctx_resource_check(virgl, cmd);

	if (!ctx)
		return;
	/* Attaching twice is harmless (Linux does it when a handle is reopened). */
	virgl_renderer_ctx_attach_resource(ctx->id, id);
	g_hash_table_add(ctx->resources, GUINT_TO_POINTER(id));
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_virgl_cmd_ctx_detach(VdVirgl *virgl, VdGpuCmd *cmd)
{
	uint32_t id = vd_gpu_cmd_resource_id(cmd);
	VdVirglCtx *ctx = ctx_resource_check(virgl, cmd);

	if (!ctx)
		return;
	if (!g_hash_table_remove(ctx->resources, GUINT_TO_POINTER(id))) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
		                "resource not attached to this context");
		return;
	}
	virgl_renderer_ctx_detach_resource(ctx->id, id);
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_virgl_cmd_submit_3d(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_cmd_submit req;
	g_autofree uint32_t *stream = NULL;
	int ret;

	memcpy(&req, cmd->req, sizeof(req));
	if (!vd_virgl_ctx_lookup(virgl, cmd->hdr.ctx_id)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
		                "no such context");
		return;
	}
	if (req.size > VD_VIRGL_MAX_SUBMIT_SIZE) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "command stream larger than the cap");
		return;
	}
	if (req.size % 4 != 0) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "command stream not whole dwords");
		return;
	}
	if (req.size > cmd->req_len - sizeof(req)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "command stream larger than the request");
		return;
	}
	if (req.size == 0) {
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_NODATA,
		                   sizeof(struct virtio_gpu_ctrl_hdr));
		return;
	}
	/* A private, aligned copy: the guest may rewrite its buffer meanwhile. */
	stream = g_malloc(req.size);
	memcpy(stream, cmd->req + sizeof(req), req.size);
	ret = virgl_renderer_submit_cmd(stream, (int)cmd->hdr.ctx_id, (int)(req.size / 4));
	if (ret != 0) {
		/* virglrenderer logs the cause; the context is now in its error state. */
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "context %u: command stream refused (%d)", cmd->hdr.ctx_id, ret);
		return;
	}
	vd_gpu_cmd_ok_nodata(cmd);
}
