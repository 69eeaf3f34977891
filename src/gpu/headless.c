/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Headless outputs: without a QEMU GPU socket the daemon owns the displays.
 * Each scanout keeps an x8r8g8b8 copy of what the flushes showed, so a
 * screenshot is what a monitor would have displayed. Connect, disconnect and
 * resize raise VIRTIO_GPU_EVENT_DISPLAY through the config space.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "daemon/error.h"
#include "gpu/gpu-private.h"

static void
headless_scanout(void *impl, uint32_t scanout_id)
{
	VdGpu *gpu = impl;
	VdGpuOutput *out = &gpu->outputs[scanout_id];
	const VdGpuScanout *s = &gpu->scanouts[scanout_id];

	g_clear_pointer(&out->shown, pixman_image_unref);
	if (s->resource_id == 0)
		return;
	out->shown = pixman_image_create_bits(PIXMAN_x8r8g8b8, (int)s->r.width, (int)s->r.height,
	                                      NULL, 0);
}

static void
headless_update(void *impl, uint32_t scanout_id, pixman_image_t *src,
                const struct virtio_gpu_rect *r)
{
	VdGpu *gpu = impl;
	VdGpuOutput *out = &gpu->outputs[scanout_id];
	const VdGpuScanout *s = &gpu->scanouts[scanout_id];

	if (!out->shown)
		return;
	pixman_image_composite32(PIXMAN_OP_SRC, src, NULL, out->shown, (int32_t)r->x, (int32_t)r->y,
	                         0, 0, (int32_t)(r->x - s->r.x), (int32_t)(r->y - s->r.y),
	                         (int32_t)r->width, (int32_t)r->height);
}

/* The cursor stays in gpu->cursor: no picture of it is kept. */
static void
headless_cursor(void *impl, const VdGpuCursor *cursor)
{
}

/* Display info and EDID come from gpu->outputs (scanout.c); no dmabufs. */
const VdGpuDisplayOps vd_gpu_headless_ops = {
	.name = "headless",
	.scanout = headless_scanout,
	.update = headless_update,
	.cursor_update = headless_cursor,
	.cursor_move = headless_cursor,
	.hotplug = true,
};

int
vd_gpu_output_set(VdGpu *gpu, unsigned int index, bool connected, uint32_t width, uint32_t height)
{
	VdGpuOutput *out;

	if (index >= gpu->opts.num_outputs)
		return -ENOENT;
	if (width < VD_GPU_MIN_SIZE || width > VD_GPU_MAX_SIZE || height < VD_GPU_MIN_SIZE ||
	    height > VD_GPU_MAX_SIZE)
		return -EINVAL;
	/* Under QEMU's front-end, displays follow QEMU's UI, not us. */
	if (!gpu->display.ops->hotplug)
		return -ENOTSUP;
	out = &gpu->outputs[index];
	if (out->connected == connected && out->width == width && out->height == height)
		return 0;
	out->connected = connected;
	out->width = width;
	out->height = height;
	gpu->config.events_read |= VIRTIO_GPU_EVENT_DISPLAY;
	if (gpu->config_changed)
		gpu->config_changed(gpu, gpu->config_changed_data);
	return 0;
}

pixman_image_t *
vd_gpu_output_snapshot(VdGpu *gpu, unsigned int index)
{
	const VdGpuScanout *s;
	const VdGpuOutput *out;
	VdGpuResource *res;
	pixman_image_t *img;

	if (index >= gpu->opts.num_outputs)
		return NULL;
	s = &gpu->scanouts[index];
	out = &gpu->outputs[index];
	res = vd_gpu_resource_lookup(gpu, s->resource_id);
	if (!res) {
		/* Nothing on the scanout: a black picture of the output's size. */
		return pixman_image_create_bits(PIXMAN_x8r8g8b8, (int)MAX(out->width, 1u),
		                                (int)MAX(out->height, 1u), NULL, 0);
	}
	img = pixman_image_create_bits(PIXMAN_x8r8g8b8, (int)s->r.width, (int)s->r.height, NULL, 0);
	if (!img)
		return NULL;
	/* Headless: what was flushed; with QEMU: the resource as transferred. */
	if (out->shown)
		pixman_image_composite32(PIXMAN_OP_SRC, out->shown, NULL, img, 0, 0, 0, 0, 0, 0,
		                         (int32_t)s->r.width, (int32_t)s->r.height);
	else
		pixman_image_composite32(PIXMAN_OP_SRC, res->image, NULL, img, (int32_t)s->r.x,
		                         (int32_t)s->r.y, 0, 0, 0, 0, (int32_t)s->r.width,
		                         (int32_t)s->r.height);
	return img;
}

/* What stops a screenshot of output index before any pixel is read; false with error. */
static bool
screenshot_possible(VdGpu *gpu, unsigned int index, GError **error)
{
	if (index >= gpu->opts.num_outputs) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_SUCH_OUTPUT,
		            _("No output %u: this device has outputs 0 to %u"), index,
		            gpu->opts.num_outputs - 1);
		return false;
	}
	if (!vd_gpu_resource_lookup(gpu, gpu->scanouts[index].resource_id)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_SCANOUT,
		            _("Output %u shows nothing yet: the guest has no scanout on it"),
		            index);
		return false;
	}
	return true;
}

/* All of data to fd, whatever the pipe or file takes at a time. */
static bool
write_all(int fd, const uint8_t *data, size_t len, GError **error)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : ENOSPC;

			g_set_error(error, DAEMON_ERROR,
			            err == EACCES || err == EPERM ? DAEMON_ERROR_PERMISSION_DENIED
			                                          : DAEMON_ERROR_IO,
			            _("Cannot write the screenshot: %s"), g_strerror(err));
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

int
vd_gpu_output_screenshot(VdGpu *gpu, unsigned int index, int fd, GError **error)
{
	g_autoptr(GBytes) png = NULL;
	pixman_image_t *img;

	if (!screenshot_possible(gpu, index, error))
		return -1;
	img = vd_gpu_output_snapshot(gpu, index);
	if (!img) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_IO,
		            _("Out of memory for a %ux%u copy"), gpu->scanouts[index].r.width,
		            gpu->scanouts[index].r.height);
		return -1;
	}
	png = vd_png_encode_xrgb(pixman_image_get_data(img), (uint32_t)pixman_image_get_width(img),
	                         (uint32_t)pixman_image_get_height(img),
	                         (size_t)pixman_image_get_stride(img), error);
	pixman_image_unref(img);
	if (!png)
		return -1;
	return write_all(fd, g_bytes_get_data(png, NULL), g_bytes_get_size(png), error) ? 0 : -1;
}
