/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Glue between the vhost-user library and the device model: config space,
 * features, and the two queues. The control queue is served in order: a
 * command forwarded to the front-end (display info, EDID) holds the queue
 * until it is answered, so fences complete in order. Responses of a batch
 * are pushed together with one notification.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gpu/device.h"
#include "gpu/qemu-socket.h"

#define VD_GPU_QUEUE_CTRL 0
#define VD_GPU_QUEUE_CURSOR 1

struct VdGpuDevice {
	VdGpu *gpu;
	VhostDev *dev;
	VhostElem *pending_elem;   /* the control command waiting for the front-end */
	VdGpuCmd cmd;
	uint8_t *reqbuf;           /* VD_GPU_MAX_REQUEST_SIZE bytes */
	bool processing;
};

uint64_t
vd_gpu_device_features(void)
{
	/* VIRTIO_GPU_F_VIRGL comes with 3D. */
	return (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_GPU_F_RESOURCE_UUID);
}

static uint64_t
dev_get_features(void *opaque)
{
	return vd_gpu_device_features();
}

static int
dev_get_config(void *opaque, uint8_t *buf, uint32_t offset, uint32_t len)
{
	VdGpuDevice *d = opaque;

	return vd_gpu_get_config(d->gpu, buf, offset, len);
}

static int
dev_set_config(void *opaque, const uint8_t *buf, uint32_t offset, uint32_t len, uint32_t flags)
{
	VdGpuDevice *d = opaque;

	return vd_gpu_set_config(d->gpu, buf, offset, len);
}

static void
respond(VdGpuDevice *d, VhostQueue *vq, VhostElem *elem, const VdGpuCmd *cmd)
{
	size_t room = vhost_iov_size(elem->in_sg, elem->in_num);
	uint32_t len = 0;

	if (room >= cmd->resp_len) {
		len = (uint32_t)vhost_iov_from_buf(elem->in_sg, elem->in_num, 0, cmd->resp,
		                                   cmd->resp_len);
	} else if (vd_gpu_warn_ratelimit(d->gpu)) {
		g_warning("guest bug: %s: %zu bytes for a %zu-byte response",
		          vd_gpu_cmd_name(cmd->hdr.type), room, cmd->resp_len);
	}
	vhost_queue_push(vq, elem, len);
	vhost_elem_free(elem);
}

/* Gathers a request; the length is what the guest sent, the copy is capped. */
static size_t
gather(VdGpuDevice *d, VhostElem *elem)
{
	size_t len = vhost_iov_size(elem->out_sg, elem->out_num);

	vhost_iov_to_buf(elem->out_sg, elem->out_num, 0, d->reqbuf,
	                 MIN(len, VD_GPU_MAX_REQUEST_SIZE));
	return len;
}

static void
process_ctrl(VdGpuDevice *d)
{
	VhostQueue *vq = vhost_dev_get_queue(d->dev, VD_GPU_QUEUE_CTRL);
	bool pushed = false;

	if (!vq || d->processing)
		return;
	d->processing = true;
	while (!d->pending_elem) {
		VhostElem *elem = vhost_queue_pop(vq);
		size_t len;

		if (!elem)
			break;
		len = gather(d, elem);
		vd_gpu_cmd_init(&d->cmd, d->reqbuf, len);
		vd_gpu_process_ctrl(d->gpu, &d->cmd);
		if (d->cmd.pending) {
			d->pending_elem = elem;
			break;
		}
		respond(d, vq, elem, &d->cmd);
		pushed = true;
	}
	d->processing = false;
	if (pushed)
		vhost_queue_notify(vq);
}

static void
process_cursor(VdGpuDevice *d)
{
	VhostQueue *vq = vhost_dev_get_queue(d->dev, VD_GPU_QUEUE_CURSOR);
	bool pushed = false;
	VhostElem *elem;

	if (!vq)
		return;
	while ((elem = vhost_queue_pop(vq))) {
		VdGpuCmd *cmd = &d->cmd;
		size_t len = gather(d, elem);

		/* The control queue may hold a pending command in d->cmd. */
		if (d->pending_elem)
			cmd = g_new(VdGpuCmd, 1);
		vd_gpu_cmd_init(cmd, d->reqbuf, len);
		vd_gpu_process_cursor(d->gpu, cmd);
		/* Cursor commands have no response; Linux gives no room for one. */
		vhost_queue_push(vq, elem, 0);
		vhost_elem_free(elem);
		if (cmd != &d->cmd)
			g_free(cmd);
		pushed = true;
	}
	if (pushed)
		vhost_queue_notify(vq);
}

static void
cmd_complete(VdGpu *gpu, VdGpuCmd *cmd, void *user_data)
{
	VdGpuDevice *d = user_data;
	VhostQueue *vq = vhost_dev_get_queue(d->dev, VD_GPU_QUEUE_CTRL);
	VhostElem *elem = g_steal_pointer(&d->pending_elem);

	if (!elem || !vq)
		return;
	respond(d, vq, elem, cmd);
	vhost_queue_notify(vq);
	/* The queue waited for this one: go on with what came meanwhile. */
	process_ctrl(d);
}

static void
dev_queue_kicked(void *opaque, VhostQueue *queue, unsigned int index)
{
	VdGpuDevice *d = opaque;

	if (index == VD_GPU_QUEUE_CTRL)
		process_ctrl(d);
	else if (index == VD_GPU_QUEUE_CURSOR)
		process_cursor(d);
}

static void
dev_queue_started(void *opaque, VhostQueue *queue, unsigned int index, bool started)
{
	VdGpuDevice *d = opaque;

	if (!started && index == VD_GPU_QUEUE_CTRL && d->pending_elem) {
		/* The ring went away under the pending command. */
		g_clear_pointer(&d->pending_elem, vhost_elem_free);
	}
	if (started)
		dev_queue_kicked(opaque, queue, index);
}

static void
dev_reset(void *opaque)
{
	VdGpuDevice *d = opaque;

	g_clear_pointer(&d->pending_elem, vhost_elem_free);
	vd_gpu_reset(d->gpu);
}

static int
dev_gpu_set_socket(void *opaque, int fd)
{
	VdGpuDevice *d = opaque;

	if (fd < 0)
		return -EINVAL;
	/* A new socket replaces the old one; headless copies are not needed. */
	g_clear_pointer(&d->gpu->qemu, vd_gpu_qemu_free);
	d->gpu->qemu = vd_gpu_qemu_new(d->gpu, fd);
	for (unsigned int i = 0; i < d->gpu->opts.num_outputs; i++) {
		const VdGpuScanout *s = &d->gpu->scanouts[i];

		VdGpuResource *res = vd_gpu_resource_lookup(d->gpu, s->resource_id);

		vd_gpu_headless_scanout(d->gpu, i);
		if (!res)
			continue;
		/*
		 * QEMU opens a new socket after a stop/cont: show the picture
		 * again, or it stays black until the guest flushes.
		 */
		vd_gpu_qemu_scanout(d->gpu->qemu, i, s->r.width, s->r.height);
		vd_gpu_qemu_update(d->gpu->qemu, i, res->image, &s->r, 0, 0);
	}
	if (d->gpu->cursor.visible)
		vd_gpu_qemu_cursor_update(d->gpu->qemu, &d->gpu->cursor);
	return 0;
}

static int
map_sg_cb(void *opaque, uint64_t addr, uint64_t len, bool write, struct iovec *iov,
          unsigned int max_iov)
{
	VdGpuDevice *d = opaque;

	return vhost_dev_map_sg(d->dev, addr, len, write, iov, max_iov);
}

static void
config_changed_cb(VdGpu *gpu, void *user_data)
{
	VdGpuDevice *d = user_data;
	int ret;

	if (!vhost_dev_is_attached(d->dev))
		return;
	ret = vhost_dev_notify_config_change(d->dev);
	if (ret < 0)
		g_message("display change not signalled to the front-end: %s", g_strerror(-ret));
}

static const VhostDeviceOps vd_gpu_device_ops = {
	.get_features = dev_get_features,
	.get_config = dev_get_config,
	.set_config = dev_set_config,
	.queue_started = dev_queue_started,
	.queue_kicked = dev_queue_kicked,
	.reset = dev_reset,
	.gpu_set_socket = dev_gpu_set_socket,
};

VdGpuDevice *
vd_gpu_device_new(VdGpu *gpu)
{
	VdGpuDevice *d = g_new0(VdGpuDevice, 1);
	VhostDeviceInfo info = {
		.name = "virtio-gpu",
		.num_queues = 2,
		.config_size = sizeof(struct virtio_gpu_config),
		.ops = &vd_gpu_device_ops,
		.opaque = d,
	};

	d->gpu = gpu;
	d->reqbuf = g_malloc(VD_GPU_MAX_REQUEST_SIZE);
	d->dev = vhost_dev_new(&info);
	vd_gpu_set_memory(gpu, map_sg_cb, d);
	vd_gpu_set_complete_func(gpu, cmd_complete, d);
	vd_gpu_set_config_changed_func(gpu, config_changed_cb, d);
	return d;
}

void
vd_gpu_device_free(VdGpuDevice *d)
{
	if (!d)
		return;
	g_clear_pointer(&d->pending_elem, vhost_elem_free);
	vd_gpu_set_memory(d->gpu, NULL, NULL);
	vd_gpu_set_complete_func(d->gpu, NULL, NULL);
	vd_gpu_set_config_changed_func(d->gpu, NULL, NULL);
	g_clear_pointer(&d->dev, vhost_dev_free);
	g_free(d->reqbuf);
	g_free(d);
}

VhostDev *
vd_gpu_device_get_vhost(VdGpuDevice *d)
{
	return d->dev;
}
