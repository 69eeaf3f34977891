/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Glue between the vhost-user library and the device model: config space,
 * features, and the two queues. Each control command is a VdGpuRequest (the
 * queue element and the command) that lives until it is answered. In 2D, a
 * command forwarded to the front-end (display info, EDID) holds the queue
 * until it is answered, so fences complete in order. With 3D on, fenced
 * commands wait for the renderer without holding the queue: virglrenderer
 * retires fences in order, and src/virgl answers them in that order.
 * Responses of a batch are pushed together with one notification.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gpu/device.h"
#include "gpu/qemu-socket.h"

#define VD_GPU_QUEUE_CTRL 0
#define VD_GPU_QUEUE_CURSOR 1

/* The largest request: an ATTACH_BACKING, or with 3D a SUBMIT_3D. */
#define VD_GPU_DEVICE_MAX_REQUEST MAX(VD_GPU_MAX_REQUEST_SIZE, VD_VIRGL_MAX_REQUEST_SIZE)

/* A control queue command in flight. */
typedef struct VdGpuRequest {
	VdGpuCmd cmd;
	VhostElem *elem; /* NULL once the ring went away under it */
} VdGpuRequest;

struct VdGpuDevice {
	VdGpu *gpu;
	VhostDev *dev;
	GQueue waiting;         /* VdGpuRequest answered later */
	VdGpuRequest *blocking; /* 2D: the command holding the queue */
	uint8_t *reqbuf;        /* VD_GPU_DEVICE_MAX_REQUEST bytes */
	bool processing;
};

static uint64_t
dev_get_features(void *opaque)
{
	VdGpuDevice *d = opaque;

	return vd_gpu_features(d->gpu);
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
	} else {
		vd_log_fault(vd_gpu_faults(d->gpu), VD_FAULT_GUEST, NULL,
		             "%s: %zu bytes for a %zu-byte response",
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
	                 MIN(len, VD_GPU_DEVICE_MAX_REQUEST));
	return len;
}

static void
request_free(VdGpuRequest *req)
{
	g_clear_pointer(&req->elem, vhost_elem_free);
	g_free(req);
}

static void
process_ctrl(VdGpuDevice *d)
{
	VhostQueue *vq = vhost_dev_get_queue(d->dev, VD_GPU_QUEUE_CTRL);
	bool pushed = false;

	if (!vq || d->processing)
		return;
	d->processing = true;
	while (!d->blocking) {
		VhostElem *elem = vhost_queue_pop(vq);
		VdGpuRequest *req;
		size_t len;

		if (!elem)
			break;
		len = gather(d, elem);
		/* Not zeroed: vd_gpu_cmd_init clears the command. */
		req = g_malloc(sizeof(*req));
		req->elem = elem;
		vd_gpu_cmd_init(&req->cmd, d->reqbuf, len);
		req->cmd.user_data = req;
		vd_gpu_process_ctrl(d->gpu, &req->cmd);
		if (req->cmd.pending) {
			g_queue_push_tail(&d->waiting, req);
			if (!vd_gpu_has_virgl(d->gpu))
				d->blocking = req;
			continue;
		}
		respond(d, vq, g_steal_pointer(&req->elem), &req->cmd);
		request_free(req);
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
		VdGpuCmd cmd;
		size_t len = gather(d, elem);

		vd_gpu_cmd_init(&cmd, d->reqbuf, len);
		vd_gpu_process_cursor(d->gpu, &cmd);
		/* Cursor commands have no response; Linux gives no room for one. */
		vhost_queue_push(vq, elem, 0);
		vhost_elem_free(elem);
		pushed = true;
	}
	if (pushed)
		vhost_queue_notify(vq);
}

/* A command answered later (the front-end's answer, or a 3D fence) is done. */
static void
cmd_complete(VdGpu *gpu, VdGpuCmd *cmd, void *user_data)
{
	VdGpuDevice *d = user_data;
	VdGpuRequest *req = cmd->user_data;
	VhostQueue *vq = vhost_dev_get_queue(d->dev, VD_GPU_QUEUE_CTRL);
	bool was_blocking = d->blocking == req;

	g_queue_remove(&d->waiting, req);
	if (was_blocking)
		d->blocking = NULL;
	if (req->elem && vq) {
		respond(d, vq, g_steal_pointer(&req->elem), cmd);
		vhost_queue_notify(vq);
	}
	request_free(req);
	/* The queue waited for this one: go on with what came meanwhile. */
	if (was_blocking)
		process_ctrl(d);
}

/* The ring is gone: its elements may not be pushed; the commands still finish. */
static void
requests_orphan(VdGpuDevice *d)
{
	for (GList *l = d->waiting.head; l; l = l->next) {
		VdGpuRequest *req = l->data;

		g_clear_pointer(&req->elem, vhost_elem_free);
	}
	d->blocking = NULL;
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

	if (!started && index == VD_GPU_QUEUE_CTRL)
		requests_orphan(d);
	if (started)
		dev_queue_kicked(opaque, queue, index);
}

static void
dev_reset(void *opaque)
{
	VdGpuDevice *d = opaque;

	requests_orphan(d);
	/* Completes what is waiting (through cmd_complete, which frees them). */
	vd_gpu_reset(d->gpu);
	g_warn_if_fail(g_queue_is_empty(&d->waiting));
}

static void
dev_memory_changed(void *opaque)
{
	VdGpuDevice *d = opaque;

	vd_gpu_memory_changed(d->gpu);
}

static int
dev_device_message(void *opaque, uint32_t request, const void *payload, size_t size, int *fds,
                   unsigned int nfds)
{
	int fd;

	if (request != VHOST_USER_GPU_SET_SOCKET || nfds != 1)
		return -ENOTSUP;
	fd = fds[0];
	fds[0] = -1;
	if (fd < 0)
		return -EINVAL;
	/*
	 * QEMU sends it at DRIVER_OK, and a new one after a stop/cont: show the
	 * picture again on it, or it stays black until the guest flushes.
	 */
	vd_gpu_qemu_attach(((VdGpuDevice *)opaque)->gpu, fd);
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
	.memory_changed = dev_memory_changed,
	.device_message = dev_device_message,
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
	g_queue_init(&d->waiting);
	d->reqbuf = g_malloc(VD_GPU_DEVICE_MAX_REQUEST);
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
	/*
	 * The renderer or the socket still holds waiting commands: finish them
	 * (to nobody) before they are freed, by resetting the device model.
	 */
	requests_orphan(d);
	if (!g_queue_is_empty(&d->waiting))
		vd_gpu_reset(d->gpu);
	g_warn_if_fail(g_queue_is_empty(&d->waiting));
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
