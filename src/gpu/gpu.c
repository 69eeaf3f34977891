/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device state: options, config space, resource table, reset.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gpu/gpu-private.h"

void
vd_gpu_options_init(VdGpuOptions *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->num_outputs = 1;
	for (unsigned int i = 0; i < VD_GPU_MAX_OUTPUTS; i++) {
		opts->width[i] = VD_GPU_DEFAULT_WIDTH;
		opts->height[i] = VD_GPU_DEFAULT_HEIGHT;
	}
	opts->max_hostmem = VD_GPU_DEFAULT_MAX_HOSTMEM;
	opts->forward_timeout_ms = 1000;
}

static void
resource_free_cb(gpointer data)
{
	VdGpuResource *res = data;

	if (res->image)
		pixman_image_unref(res->image);
	if (res->memfd >= 0)
		close(res->memfd);
	g_free(res->backing);
	g_free(res->backing_offset);
	g_free(res);
}

VdGpu *
vd_gpu_new(const VdGpuOptions *opts)
{
	VdGpu *gpu = g_new0(VdGpu, 1);

	gpu->opts = *opts;
	gpu->opts.num_outputs = CLAMP(gpu->opts.num_outputs, 1u, VD_GPU_MAX_OUTPUTS);
	gpu->udmabuf = -1;
	gpu->resources =
	        g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, resource_free_cb);
	for (unsigned int i = 0; i < gpu->opts.num_outputs; i++) {
		gpu->outputs[i].connected = true;
		gpu->outputs[i].width = gpu->opts.width[i];
		gpu->outputs[i].height = gpu->opts.height[i];
	}
	gpu->config.num_scanouts = gpu->opts.num_outputs;
	gpu->config.num_capsets = 0; /* vd_gpu_set_virgl() announces the 3D ones. */
	gpu->display = (VdGpuDisplay){ &vd_gpu_headless_ops, gpu };
	return gpu;
}

/* Frees the display (a socket answers what it forwarded first) and goes headless. */
static void
display_release(VdGpu *gpu)
{
	VdGpuDisplay old = gpu->display;

	gpu->display = (VdGpuDisplay){ &vd_gpu_headless_ops, gpu };
	if (old.ops && old.ops->free)
		old.ops->free(old.impl);
	/* What headless showed: a display that replaces it keeps its own picture. */
	for (unsigned int i = 0; i < VD_GPU_MAX_OUTPUTS; i++)
		g_clear_pointer(&gpu->outputs[i].shown, pixman_image_unref);
}

/* Shows a new display what the guest shows now: scanouts, their pixels, the cursor. */
static void
display_replay(VdGpu *gpu)
{
	const VdGpuDisplay *d = &gpu->display;

	for (unsigned int i = 0; i < gpu->opts.num_outputs; i++) {
		VdGpuScanout *s = &gpu->scanouts[i];
		/* With 3D on: the host copy, read back again just below. */
		VdGpuResource *res = vd_gpu_resource_lookup(gpu, s->resource_id);

		/* A new display shows nothing until told (disabled outputs need no word). */
		if (!res)
			continue;
		/* It has no dmabuf handshake yet: pixels until it is done. */
		s->dmabuf = false;
		d->ops->scanout(d->impl, i);
		(void)vd_gpu_display_refresh(gpu, res, &s->r);
		d->ops->update(d->impl, i, res->image, &s->r);
	}
	if (gpu->cursor.visible)
		d->ops->cursor_update(d->impl, &gpu->cursor);
}

void
vd_gpu_set_display(VdGpu *gpu, const VdGpuDisplayOps *ops, void *impl)
{
	display_release(gpu);
	if (ops)
		gpu->display = (VdGpuDisplay){ ops, impl };
	display_replay(gpu);
}

static void
virgl_complete_cb(VdVirgl *virgl, VdGpuCmd *cmd, void *user_data)
{
	VdGpu *gpu = user_data;

	if (gpu->complete)
		gpu->complete(gpu, cmd, gpu->complete_data);
}

void
vd_gpu_set_virgl(VdGpu *gpu, VdVirgl *virgl)
{
	g_return_if_fail(!gpu->virgl);
	gpu->virgl = virgl;
	gpu->config.num_capsets = vd_virgl_num_capsets(virgl);
	vd_virgl_set_memory(virgl, gpu->map_sg, gpu->map_opaque);
	vd_virgl_set_complete_func(virgl, virgl_complete_cb, gpu);
}

uint64_t
vd_gpu_features(VdGpu *gpu)
{
	uint64_t features = 1ull << VIRTIO_GPU_F_EDID;

	/*
	 * RESOURCE_ASSIGN_UUID names 2D resources; with 3D on they live in
	 * virglrenderer, which exports no uuids, so the feature is not offered.
	 */
	if (gpu->virgl)
		features |= 1ull << VIRTIO_GPU_F_VIRGL;
	else
		features |= 1ull << VIRTIO_GPU_F_RESOURCE_UUID;
	return features;
}

void
vd_gpu_memory_changed(VdGpu *gpu)
{
	/* 2D backings are guest addresses mapped at each transfer: nothing to do. */
	if (gpu->virgl)
		vd_virgl_memory_changed(gpu->virgl);
}

static void
outputs_drop_images(VdGpu *gpu)
{
	for (unsigned int i = 0; i < VD_GPU_MAX_OUTPUTS; i++)
		g_clear_pointer(&gpu->outputs[i].shown, pixman_image_unref);
}

void
vd_gpu_free(VdGpu *gpu)
{
	if (!gpu)
		return;
	display_release(gpu);
	/* Pending 3D commands complete while the resource table still exists. */
	g_clear_pointer(&gpu->virgl, vd_virgl_free);
	g_hash_table_destroy(gpu->resources);
	outputs_drop_images(gpu);
	if (gpu->udmabuf >= 0)
		close(gpu->udmabuf);
	g_free(gpu);
}

void
vd_gpu_set_memory(VdGpu *gpu, VdGpuMapSgFunc map_sg, void *opaque)
{
	gpu->map_sg = map_sg;
	gpu->map_opaque = opaque;
	if (gpu->virgl)
		vd_virgl_set_memory(gpu->virgl, map_sg, opaque);
}

void
vd_gpu_set_complete_func(VdGpu *gpu, VdGpuCompleteFunc func, void *user_data)
{
	gpu->complete = func;
	gpu->complete_data = user_data;
}

void
vd_gpu_set_config_changed_func(VdGpu *gpu, VdGpuConfigChangedFunc func, void *user_data)
{
	gpu->config_changed = func;
	gpu->config_changed_data = user_data;
}

void
vd_gpu_reset(VdGpu *gpu)
{
	/* The display goes first: pending forwards complete before state goes. */
	display_release(gpu);
	if (gpu->virgl)
		vd_virgl_reset(gpu->virgl);
	g_hash_table_remove_all(gpu->resources);
	gpu->hostmem = 0;
	gpu->memfds = 0;
	memset(gpu->scanouts, 0, sizeof(gpu->scanouts));
	memset(&gpu->cursor, 0, sizeof(gpu->cursor));
	outputs_drop_images(gpu);
	gpu->config.events_read = 0;
	gpu->config.events_clear = 0;
	vd_rate_limit_reset(&gpu->faults);
}

int
vd_gpu_get_config(VdGpu *gpu, uint8_t *buf, uint32_t offset, uint32_t len)
{
	if (offset > sizeof(gpu->config) || len > sizeof(gpu->config) - offset)
		return -EINVAL;
	memcpy(buf, (const uint8_t *)&gpu->config + offset, len);
	return 0;
}

int
vd_gpu_set_config(VdGpu *gpu, const uint8_t *buf, uint32_t offset, uint32_t len)
{
	const uint32_t clear_off = offsetof(struct virtio_gpu_config, events_clear);
	uint32_t clear;

	if (offset > sizeof(gpu->config) || len > sizeof(gpu->config) - offset)
		return -EINVAL;
	/* Only events_clear is writable; front-ends write the whole struct. */
	if (offset > clear_off || offset + len < clear_off + sizeof(uint32_t))
		return 0;
	memcpy(&clear, buf + (clear_off - offset), sizeof(clear));
	gpu->config.events_read &= ~clear;
	return 0;
}

const VdGpuOptions *
vd_gpu_options(VdGpu *gpu)
{
	return &gpu->opts;
}

bool
vd_gpu_has_virgl(VdGpu *gpu)
{
	return gpu->virgl != NULL;
}

VdRateLimit *
vd_gpu_faults(VdGpu *gpu)
{
	return &gpu->faults;
}

const VdGpuScanout *
vd_gpu_scanout(VdGpu *gpu, uint32_t scanout_id)
{
	g_return_val_if_fail(scanout_id < gpu->opts.num_outputs, &gpu->scanouts[0]);
	return &gpu->scanouts[scanout_id];
}

void
vd_gpu_output_get(VdGpu *gpu, unsigned int index, bool *connected, uint32_t *width,
                  uint32_t *height)
{
	const VdGpuOutput *out;

	g_return_if_fail(index < gpu->opts.num_outputs);
	out = &gpu->outputs[index];
	*connected = out->connected;
	*width = out->width;
	*height = out->height;
}

VdGpuResource *
vd_gpu_resource_lookup(VdGpu *gpu, uint32_t id)
{
	if (id == 0)
		return NULL;
	return g_hash_table_lookup(gpu->resources, GUINT_TO_POINTER(id));
}
