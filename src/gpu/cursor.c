/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cursor queue: UPDATE_CURSOR takes a copy of a (at most 64x64)
 * resource as the cursor image, MOVE_CURSOR only moves it. Neither has a
 * response, so errors are only logged.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <string.h>

#include "gpu/gpu-private.h"

static bool
cursor_check_scanout(VdGpu *gpu, VdGpuCmd *cmd, const struct virtio_gpu_update_cursor *c)
{
	if (c->pos.scanout_id < gpu->opts.num_outputs)
		return true;
	/* The cursor queue has no responses to carry an error: it is only logged. */
	vd_log_fault(&gpu->faults, VD_FAULT_GUEST, NULL, "%s: scanout %u",
	             vd_gpu_cmd_name(cmd->hdr.type), c->pos.scanout_id);
	return false;
}

/* The cursor image's resource, its pixels current; NULL and why if unusable. */
static VdGpuResource *
cursor_resource(VdGpu *gpu, uint32_t id, const char **why)
{
	VdGpuResource *res;
	uint32_t err;

	res = vd_gpu_display_resource(gpu, id, &err, why);
	if (!res)
		return NULL;
	if (res->width > VD_GPU_CURSOR_SIZE || res->height > VD_GPU_CURSOR_SIZE) {
		*why = "larger than 64x64";
		return NULL;
	}
	if (vd_gpu_display_refresh(
	            gpu, res, &(struct virtio_gpu_rect){ 0, 0, res->width, res->height }) < 0) {
		*why = "pixels not readable";
		return NULL;
	}
	return res;
}

void
vd_gpu_cmd_update_cursor(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_update_cursor c;
	VdGpuCursor *cur = &gpu->cursor;
	VdGpuResource *res = NULL;
	const char *why;

	memcpy(&c, cmd->req, sizeof(c));
	if (!cursor_check_scanout(gpu, cmd, &c))
		return;
	if (c.resource_id) {
		res = cursor_resource(gpu, c.resource_id, &why);
		if (!res) {
			vd_log_fault(&gpu->faults, VD_FAULT_GUEST, NULL,
			             "UPDATE_CURSOR: resource %u: %s", c.resource_id, why);
			return;
		}
	}
	cur->scanout_id = c.pos.scanout_id;
	cur->x = c.pos.x;
	cur->y = c.pos.y;
	cur->resource_id = c.resource_id;
	cur->visible = res != NULL;
	if (!res) {
		gpu->display.ops->cursor_move(gpu->display.impl, cur);
		return;
	}
	cur->hot_x = MIN(c.hot_x, VD_GPU_CURSOR_SIZE - 1);
	cur->hot_y = MIN(c.hot_y, VD_GPU_CURSOR_SIZE - 1);
	/* Converted to a8r8g8b8 whatever the resource format. */
	memset(cur->data, 0, sizeof(cur->data));
	{
		pixman_image_t *dst = pixman_image_create_bits(PIXMAN_a8r8g8b8, VD_GPU_CURSOR_SIZE,
		                                               VD_GPU_CURSOR_SIZE, cur->data,
		                                               VD_GPU_CURSOR_SIZE * 4);

		pixman_image_composite(PIXMAN_OP_SRC, res->image, NULL, dst, 0, 0, 0, 0, 0, 0,
		                       (uint16_t)res->width, (uint16_t)res->height);
		pixman_image_unref(dst);
	}
	gpu->display.ops->cursor_update(gpu->display.impl, cur);
}

void
vd_gpu_cmd_move_cursor(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_update_cursor c;
	VdGpuCursor *cur = &gpu->cursor;

	memcpy(&c, cmd->req, sizeof(c));
	if (!cursor_check_scanout(gpu, cmd, &c))
		return;
	cur->scanout_id = c.pos.scanout_id;
	cur->x = c.pos.x;
	cur->y = c.pos.y;
	gpu->display.ops->cursor_move(gpu->display.impl, cur);
}
