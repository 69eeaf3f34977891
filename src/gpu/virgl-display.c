/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 3D resources on the displays. With --virgl every resource lives in
 * virglrenderer (src/virgl), which gets the resource commands. A resource the
 * guest shows (SET_SCANOUT) or uses as the cursor gets a host copy here: a
 * VdGpuResource under the same id, charged against --max-hostmem, whose
 * pixels are read back from the renderer on RESOURCE_FLUSH. The outputs (the
 * QEMU socket's UPDATE, the headless images, the cursor) then work on it as
 * on a 2D resource, so what llvmpipe or a GPU rendered shows on any display.
 *
 * With --dmabuf, on a GPU, a scanout goes to QEMU as the exported texture
 * instead (dmabuf.c).
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <string.h>

#include "gpu/gpu-private.h"

VdGpuResource *
vd_gpu_display_resource(VdGpu *gpu, uint32_t id, uint32_t *err, const char **why)
{
	VdGpuResource *copy = vd_gpu_resource_lookup(gpu, id);
	uint32_t width, height, format;

	*err = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	*why = "unknown resource";
	if (!gpu->virgl)
		return copy;
	if (!vd_virgl_resource_info(gpu->virgl, id, &width, &height, &format)) {
		if (copy)
			vd_gpu_resource_destroy(gpu, copy);
		return NULL;
	}
	if (copy && copy->width == width && copy->height == height && copy->format == format)
		return copy;
	/* The id was given to another resource since: the old copy is stale. */
	if (copy)
		vd_gpu_resource_destroy(gpu, copy);
	copy = vd_gpu_resource_new(gpu, id, format, width, height, err, why);
	if (!copy && *err == VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER)
		*why = "not a 32-bit 2D format a display can show";
	return copy;
}

int
vd_gpu_display_refresh(VdGpu *gpu, VdGpuResource *res, const struct virtio_gpu_rect *r)
{
	size_t stride;
	uint8_t *dst;

	if (!gpu->virgl || r->width == 0 || r->height == 0)
		return 0;
	/* r was checked against the resource: the copy has the same size. */
	stride = (size_t)pixman_image_get_stride(res->image);
	dst = (uint8_t *)pixman_image_get_data(res->image) + r->y * stride + (size_t)r->x * 4;
	return vd_virgl_read_pixels(gpu->virgl, res->id, r->x, r->y, r->width, r->height, dst,
	                            stride);
}

void
vd_gpu_virgl_process_ctrl(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_resource_unref unref;
	VdGpuResource *copy;

	vd_virgl_process_ctrl(gpu->virgl, cmd);
	if (cmd->hdr.type != VIRTIO_GPU_CMD_RESOURCE_UNREF || cmd->req_len < sizeof(unref))
		return;
	/* An unref'd resource leaves the displays, as a 2D one does. */
	memcpy(&unref, cmd->req, sizeof(unref));
	copy = vd_gpu_resource_lookup(gpu, unref.resource_id);
	if (copy && !vd_virgl_resource_info(gpu->virgl, unref.resource_id, &(uint32_t){ 0 },
	                                    &(uint32_t){ 0 }, &(uint32_t){ 0 }))
		vd_gpu_resource_destroy(gpu, copy);
}
