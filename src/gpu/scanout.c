/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scanouts: which resource each output shows, flushes to the output
 * (QEMU's UI or the headless displays), and display info.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <string.h>

#include "gpu/gpu-private.h"

void
vd_gpu_fill_display_info(VdGpu *gpu, struct virtio_gpu_resp_display_info *info)
{
	for (unsigned int i = 0; i < gpu->opts.num_outputs; i++) {
		const VdGpuOutput *out = &gpu->outputs[i];

		memset(&info->pmodes[i], 0, sizeof(info->pmodes[i]));
		if (!out->connected)
			continue;
		info->pmodes[i].r.width = out->width;
		info->pmodes[i].r.height = out->height;
		info->pmodes[i].enabled = 1;
	}
}

void
vd_gpu_outputs_from_display_info(VdGpu *gpu, struct virtio_gpu_resp_display_info *info)
{
	for (unsigned int i = 0; i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
		VdGpuOutput *out = &gpu->outputs[i];

		if (i >= gpu->opts.num_outputs) {
			memset(&info->pmodes[i], 0, sizeof(info->pmodes[i]));
			continue;
		}
		out->connected = info->pmodes[i].enabled != 0;
		if (info->pmodes[i].r.width && info->pmodes[i].r.height) {
			out->width =
			        CLAMP(info->pmodes[i].r.width, VD_GPU_MIN_SIZE, VD_GPU_MAX_SIZE);
			out->height =
			        CLAMP(info->pmodes[i].r.height, VD_GPU_MIN_SIZE, VD_GPU_MAX_SIZE);
		}
	}
}

void
vd_gpu_cmd_get_display_info(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_resp_display_info *info = (void *)cmd->resp;

	if (gpu->display.ops->display_info &&
	    gpu->display.ops->display_info(gpu->display.impl, cmd))
		return;
	vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_DISPLAY_INFO, sizeof(*info));
	vd_gpu_fill_display_info(gpu, info);
}

void
vd_gpu_fill_edid(VdGpu *gpu, uint32_t scanout_id, struct virtio_gpu_resp_edid *resp)
{
	const VdGpuOutput *out = &gpu->outputs[scanout_id];

	resp->size = VD_GPU_EDID_SIZE;
	vd_gpu_edid_generate(resp->edid, out->width ? out->width : VD_GPU_DEFAULT_WIDTH,
	                     out->height ? out->height : VD_GPU_DEFAULT_HEIGHT, scanout_id);
}

void
vd_gpu_cmd_get_edid(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_cmd_get_edid c;
	struct virtio_gpu_resp_edid *resp = (void *)cmd->resp;

	memcpy(&c, cmd->req, sizeof(c));
	if (c.scanout >= gpu->opts.num_outputs) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "scanout %u", c.scanout);
		return;
	}
	if (gpu->display.ops->edid && gpu->display.ops->edid(gpu->display.impl, cmd, c.scanout))
		return;
	vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_EDID, sizeof(*resp));
	vd_gpu_fill_edid(gpu, c.scanout, resp);
}

void
vd_gpu_scanout_disable(VdGpu *gpu, uint32_t scanout_id)
{
	VdGpuScanout *s = &gpu->scanouts[scanout_id];
	VdGpuResource *res = vd_gpu_resource_lookup(gpu, s->resource_id);

	if (res)
		res->scanout_mask &= ~(1u << scanout_id);
	memset(s, 0, sizeof(*s));
	gpu->display.ops->scanout(gpu->display.impl, scanout_id);
}

void
vd_gpu_cmd_set_scanout(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_set_scanout c;
	VdGpuScanout *s;
	VdGpuResource *res, *old;
	const char *why;
	uint32_t err;

	memcpy(&c, cmd->req, sizeof(c));
	if (c.scanout_id >= gpu->opts.num_outputs) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID,
		                "scanout %u", c.scanout_id);
		return;
	}
	if (c.resource_id == 0) {
		vd_gpu_scanout_disable(gpu, c.scanout_id);
		vd_gpu_cmd_ok_nodata(cmd);
		return;
	}
	res = vd_gpu_display_resource(gpu, c.resource_id, &err, &why);
	if (!res) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, err, "%s %u", why, c.resource_id);
		return;
	}
	if (c.r.width == 0 || c.r.height == 0 ||
	    !vd_gpu_rect_inside(&c.r, res->width, res->height)) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "rectangle outside resource %u", c.resource_id);
		return;
	}

	s = &gpu->scanouts[c.scanout_id];
	old = vd_gpu_resource_lookup(gpu, s->resource_id);
	if (old)
		old->scanout_mask &= ~(1u << c.scanout_id);
	s->resource_id = c.resource_id;
	s->r = c.r;
	res->scanout_mask |= 1u << c.scanout_id;
	s->dmabuf = vd_gpu_display_dmabuf_scanout(gpu, c.scanout_id);
	if (!s->dmabuf)
		gpu->display.ops->scanout(gpu->display.impl, c.scanout_id);
	vd_gpu_cmd_ok_nodata(cmd);
}

static bool
rect_intersect(const struct virtio_gpu_rect *a, const struct virtio_gpu_rect *b,
               struct virtio_gpu_rect *out)
{
	uint64_t x1 = MAX(a->x, b->x), y1 = MAX(a->y, b->y);
	uint64_t x2 = MIN((uint64_t)a->x + a->width, (uint64_t)b->x + b->width);
	uint64_t y2 = MIN((uint64_t)a->y + a->height, (uint64_t)b->y + b->height);

	if (x2 <= x1 || y2 <= y1)
		return false;
	out->x = (uint32_t)x1;
	out->y = (uint32_t)y1;
	out->width = (uint32_t)(x2 - x1);
	out->height = (uint32_t)(y2 - y1);
	return true;
}

/* The display stopped taking dmabufs (QEMU without GL): those scanouts go back to pixels. */
static void
dmabuf_scanouts_fall_back(VdGpu *gpu)
{
	const VdGpuDisplay *d = &gpu->display;

	if (!d->ops->dmabuf_ok || d->ops->dmabuf_ok(d->impl))
		return;
	for (uint32_t i = 0; i < gpu->opts.num_outputs; i++) {
		VdGpuScanout *s = &gpu->scanouts[i];

		if (!s->dmabuf)
			continue;
		s->dmabuf = false;
		d->ops->scanout(d->impl, i);
	}
}

/* Which scanouts show part of rect of res: as pixels, and the last as a dmabuf. */
static unsigned int
flush_targets(VdGpu *gpu, VdGpuResource *res, const struct virtio_gpu_rect *rect, int *last_dmabuf)
{
	unsigned int pixels = 0;
	struct virtio_gpu_rect r;

	*last_dmabuf = -1;
	for (uint32_t i = 0; i < gpu->opts.num_outputs; i++) {
		const VdGpuScanout *s = &gpu->scanouts[i];

		if (!(res->scanout_mask & (1u << i)) || !rect_intersect(rect, &s->r, &r))
			continue;
		if (s->dmabuf)
			*last_dmabuf = (int)i;
		else
			pixels++;
	}
	return pixels;
}

void
vd_gpu_cmd_resource_flush(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_resource_flush c;
	VdGpuResource *res;
	const char *why;
	uint32_t err;
	int last_dmabuf;
	int ret;

	memcpy(&c, cmd->req, sizeof(c));
	res = vd_gpu_display_resource(gpu, c.resource_id, &err, &why);
	if (!res) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, err, "%s %u", why, c.resource_id);
		return;
	}
	if (!vd_gpu_rect_inside(&c.r, res->width, res->height)) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "rectangle outside resource %u", c.resource_id);
		return;
	}
	dmabuf_scanouts_fall_back(gpu);
	/* Only what a display shows as pixels is read back from the renderer. */
	ret = flush_targets(gpu, res, &c.r, &last_dmabuf) ? vd_gpu_display_refresh(gpu, res, &c.r)
	                                                  : 0;
	if (ret < 0) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "read back failed for resource %u", c.resource_id);
		return;
	}
	for (uint32_t i = 0; i < gpu->opts.num_outputs; i++) {
		const VdGpuScanout *s = &gpu->scanouts[i];
		struct virtio_gpu_rect r;

		if (!(res->scanout_mask & (1u << i)) || !rect_intersect(&c.r, &s->r, &r))
			continue;
		/* The display answers each dmabuf update once drawn; the last one carries cmd. */
		if (s->dmabuf)
			gpu->display.ops->dmabuf_update(gpu->display.impl, i, &r,
			                                (int)i == last_dmabuf ? cmd : NULL);
		else
			gpu->display.ops->update(gpu->display.impl, i, res->image, &r);
	}
	/* A dmabuf flush is answered once QEMU has drawn it. */
	if (cmd->pending)
		return;
	vd_gpu_cmd_ok_nodata(cmd);
}
