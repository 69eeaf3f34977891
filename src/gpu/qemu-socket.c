/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's GPU socket. We are the requester: messages go out through a queue
 * drained without blocking (a full socket waits for G_IO_OUT, the virtqueues
 * go on), and UPDATE carries its pixels through iovecs that point into the
 * resource image, which the queued message holds a reference on. Replies are
 * matched to requests by their id; each forwarded request has a timeout, as
 * QEMU never answers some of them (GET_EDID for a scanout it does not have,
 * DMABUF_UPDATE on a display without GL).
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gpu/qemu-socket.h"

/* The largest message QEMU sends us: a display info or EDID reply. */
#define QEMU_MAX_RX_PAYLOAD 4096u
#define QEMU_SNDBUF (8 * 1024 * 1024)

typedef struct QMsg {
	uint8_t *head; /* header and fixed payload (owned) */
	size_t head_len;
	pixman_image_t *image; /* referenced while pixels are queued */
	uint8_t *staging;      /* converted pixels when the format differs */
	int fd;                /* sent with the first byte (DMABUF_SCANOUT*) */
	bool has_fd;
	struct iovec *iov;
	unsigned int n_iov;
	size_t sent;
	/* For merging UPDATEs that have not started. */
	bool is_update;
	uint32_t scanout_id;
	struct virtio_gpu_rect r;
	uint32_t x, y;
} QMsg;

typedef struct QPending {
	VdGpuQemu *q;
	uint32_t request;
	uint32_t scanout_id; /* GET_EDID */
	VdGpuCmd *cmd;       /* NULL for the handshake */
	guint timeout_id;
} QPending;

struct VdGpuQemu {
	VdGpu *gpu;
	int fd;
	bool broken;
	bool failing; /* a send failed; broken from the next idle */
	guint fail_idle;
	GQueue out; /* QMsg */
	size_t queued_bytes;
	GQueue pending; /* QPending */
	guint in_watch;
	guint out_watch;
	GByteArray *rx;
	uint64_t features;
	bool handshake_done;
	uint32_t edid_dead;    /* scanouts whose GET_EDID went unanswered */
	bool dmabuf_dead;      /* a DMABUF_UPDATE went unanswered: no GL display */
	uint32_t dmabuf_shown; /* scanouts QEMU shows from a dmabuf we sent */
};

static void
qmsg_free(QMsg *m)
{
	if (!m)
		return;
	g_free(m->head);
	if (m->image)
		pixman_image_unref(m->image);
	g_free(m->staging);
	g_free(m->iov);
	if (m->has_fd)
		close(m->fd);
	g_free(m);
}

static size_t
qmsg_total(const QMsg *m)
{
	size_t total = 0;

	for (unsigned int i = 0; i < m->n_iov; i++)
		total += m->iov[i].iov_len;
	return total;
}

static void qemu_set_broken(VdGpuQemu *q, const char *why);
static gboolean qemu_out_cb(gint fd, GIOCondition cond, gpointer data);

static gboolean
qemu_fail_idle_cb(gpointer data)
{
	VdGpuQemu *q = data;

	q->fail_idle = 0;
	qemu_set_broken(q, "send failed");
	return G_SOURCE_REMOVE;
}

/*
 * Sends happen inside command handlers: answering pending commands there
 * would complete them under the handler's feet, so that waits for an idle.
 */
static void
qemu_fail_later(VdGpuQemu *q)
{
	q->failing = true;
	g_clear_handle_id(&q->out_watch, g_source_remove);
	if (!q->fail_idle)
		q->fail_idle = g_idle_add(qemu_fail_idle_cb, q);
}

/* Sends what the socket takes now; arms G_IO_OUT for the rest. */
static void
qemu_flush(VdGpuQemu *q)
{
	while (!q->broken && !q->failing && !g_queue_is_empty(&q->out)) {
		QMsg *m = g_queue_peek_head(&q->out);
		struct iovec iov[IOV_MAX];
		struct msghdr mh = { 0 };
		size_t skip = m->sent;
		unsigned int n = 0, i = 0;
		ssize_t ret;

		while (i < m->n_iov && skip >= m->iov[i].iov_len)
			skip -= m->iov[i++].iov_len;
		for (; i < m->n_iov && n < IOV_MAX; i++, n++) {
			iov[n].iov_base = (uint8_t *)m->iov[i].iov_base + skip;
			iov[n].iov_len = m->iov[i].iov_len - skip;
			skip = 0;
		}
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(int))];
		} control;

		mh.msg_iov = iov;
		mh.msg_iovlen = n;
		if (m->has_fd && m->sent == 0) {
			struct cmsghdr *c;

			memset(&control, 0, sizeof(control));
			mh.msg_control = control.buf;
			mh.msg_controllen = sizeof(control.buf);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &m->fd, sizeof(int));
		}
		ret = sendmsg(q->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			qemu_fail_later(q);
			return;
		}
		m->sent += (size_t)ret;
		q->queued_bytes -= (size_t)ret;
		/* The fd went with the first byte: ours can go. */
		if (m->has_fd && ret > 0) {
			close(m->fd);
			m->has_fd = false;
		}
		if (m->sent == qmsg_total(m))
			qmsg_free(g_queue_pop_head(&q->out));
	}
	if (q->failing)
		return;
	if (!q->broken && !g_queue_is_empty(&q->out) && !q->out_watch)
		q->out_watch = g_unix_fd_add(q->fd, G_IO_OUT, qemu_out_cb, q);
	else if (g_queue_is_empty(&q->out) && q->out_watch)
		g_clear_handle_id(&q->out_watch, g_source_remove);
}

static gboolean
qemu_out_cb(gint fd, GIOCondition cond, gpointer data)
{
	VdGpuQemu *q = data;

	q->out_watch = 0;
	qemu_flush(q);
	return G_SOURCE_REMOVE;
}

static void
qemu_enqueue(VdGpuQemu *q, QMsg *m)
{
	if (q->broken || q->failing) {
		qmsg_free(m);
		return;
	}
	q->queued_bytes += qmsg_total(m);
	g_queue_push_tail(&q->out, m);
	if (!q->out_watch)
		qemu_flush(q);
}

/* A message with a small payload copied into it, and an fd to pass or -1. */
static void
qemu_send_fd(VdGpuQemu *q, uint32_t request, const void *payload, size_t len, int fd)
{
	QMsg *m = g_new0(QMsg, 1);
	VdGpuMsgHdr hdr = { .request = request, .flags = 0, .size = (uint32_t)len };

	m->head_len = sizeof(hdr) + len;
	m->head = g_malloc(m->head_len);
	memcpy(m->head, &hdr, sizeof(hdr));
	if (len)
		memcpy(m->head + sizeof(hdr), payload, len);
	m->iov = g_new(struct iovec, 1);
	m->iov[0].iov_base = m->head;
	m->iov[0].iov_len = m->head_len;
	m->n_iov = 1;
	m->fd = fd;
	m->has_fd = fd >= 0;
	qemu_enqueue(q, m);
}

static void
qemu_send(VdGpuQemu *q, uint32_t request, const void *payload, size_t len)
{
	qemu_send_fd(q, request, payload, len, -1);
}

static void
pending_free(QPending *p)
{
	if (p->timeout_id)
		g_source_remove(p->timeout_id);
	g_free(p);
}

/* The local answer when QEMU gives none. */
static void
pending_answer_locally(VdGpuQemu *q, QPending *p)
{
	VdGpu *gpu = q->gpu;
	VdGpuCmd *cmd = p->cmd;

	if (p->request == VD_GPU_MSG_GET_PROTOCOL_FEATURES) {
		/* No protocol features: assume the basic protocol. */
		q->features = 0;
		q->handshake_done = true;
		return;
	}
	if (!cmd)
		return;
	cmd->resp_len = 0;
	memset(cmd->resp, 0, sizeof(cmd->resp));
	if (p->request == VD_GPU_MSG_DMABUF_UPDATE) {
		/* Drawn or not, the guest's flush is done with. */
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_NODATA,
		                   sizeof(struct virtio_gpu_ctrl_hdr));
	} else if (p->request == VD_GPU_MSG_GET_DISPLAY_INFO) {
		struct virtio_gpu_resp_display_info *info = (void *)cmd->resp;

		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_DISPLAY_INFO, sizeof(*info));
		vd_gpu_fill_display_info(gpu, info);
	} else {
		struct virtio_gpu_resp_edid *edid = (void *)cmd->resp;

		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_EDID, sizeof(*edid));
		vd_gpu_fill_edid(gpu, p->scanout_id, edid);
	}
	vd_gpu_cmd_finish(gpu, cmd);
}

/* Every request still waiting is answered locally, in the order it was sent. */
static void
pending_answer_all_locally(VdGpuQemu *q)
{
	while (!g_queue_is_empty(&q->pending)) {
		QPending *p = g_queue_pop_head(&q->pending);

		pending_answer_locally(q, p);
		pending_free(p);
	}
}

static gboolean
pending_timeout_cb(gpointer data)
{
	QPending *p = data;
	VdGpuQemu *q = p->q;

	p->timeout_id = 0;
	if (p->request == VD_GPU_MSG_DMABUF_UPDATE) {
		g_warning("QEMU did not answer a dmabuf update in %u ms (a display without GL?); "
		          "sending pixels from now on",
		          vd_gpu_options(q->gpu)->forward_timeout_ms);
		/* QEMU without a GL display never answers: pixels from now on. */
		q->dmabuf_dead = true;
	} else {
		vd_log_fault(vd_gpu_faults(q->gpu), VD_FAULT_FRONTEND, NULL,
		             "no reply to GPU socket request %u in %u ms", p->request,
		             vd_gpu_options(q->gpu)->forward_timeout_ms);
	}
	/*
	 * Forget the request: QEMU never answers a GET_EDID it rejects, so
	 * waiting on would pair the next reply with the wrong request.
	 */
	g_queue_remove(&q->pending, p);
	if (p->request == VD_GPU_MSG_GET_EDID)
		q->edid_dead |= 1u << p->scanout_id;
	pending_answer_locally(q, p);
	pending_free(p);
	return G_SOURCE_REMOVE;
}

static QPending *
qemu_request(VdGpuQemu *q, uint32_t request, const void *payload, size_t len, VdGpuCmd *cmd)
{
	QPending *p = g_new0(QPending, 1);

	p->q = q;
	p->request = request;
	p->cmd = cmd;
	p->timeout_id =
	        g_timeout_add(vd_gpu_options(q->gpu)->forward_timeout_ms, pending_timeout_cb, p);
	g_queue_push_tail(&q->pending, p);
	qemu_send(q, request, payload, len);
	return p;
}

static void
qemu_handle_reply(VdGpuQemu *q, const VdGpuMsgHdr *hdr, const uint8_t *payload)
{
	QPending *p = NULL;
	VdGpuCmd *cmd;

	for (GList *l = q->pending.head; l; l = l->next) {
		if (((QPending *)l->data)->request == hdr->request) {
			p = l->data;
			break;
		}
	}
	if (!p) {
		vd_log_fault(vd_gpu_faults(q->gpu), VD_FAULT_FRONTEND, NULL,
		             "unexpected GPU socket reply %u", hdr->request);
		return;
	}
	g_queue_remove(&q->pending, p);
	cmd = p->cmd;

	switch (hdr->request) {
	case VD_GPU_MSG_GET_PROTOCOL_FEATURES: {
		uint64_t ours = 1ull << VD_GPU_PROTOCOL_F_EDID;

		if (vd_gpu_options(q->gpu)->dmabuf)
			ours |= 1ull << VD_GPU_PROTOCOL_F_DMABUF2;
		if (hdr->size < sizeof(uint64_t)) {
			pending_answer_locally(q, p);
			break;
		}
		memcpy(&q->features, payload, sizeof(q->features));
		q->features &= ours;
		q->handshake_done = true;
		qemu_send(q, VD_GPU_MSG_SET_PROTOCOL_FEATURES, &q->features, sizeof(q->features));
		vd_gpu_dmabuf_scanouts_start(q->gpu);
		break;
	}
	case VD_GPU_MSG_GET_DISPLAY_INFO: {
		struct virtio_gpu_resp_display_info *info = (void *)cmd->resp;

		if (hdr->size < sizeof(*info)) {
			pending_answer_locally(q, p);
			break;
		}
		memcpy(info, payload, sizeof(*info));
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_DISPLAY_INFO, sizeof(*info));
		vd_gpu_outputs_from_display_info(q->gpu, info);
		vd_gpu_cmd_finish(q->gpu, cmd);
		break;
	}
	case VD_GPU_MSG_GET_EDID: {
		struct virtio_gpu_resp_edid *edid = (void *)cmd->resp;

		if (hdr->size < sizeof(*edid)) {
			pending_answer_locally(q, p);
			break;
		}
		memcpy(edid, payload, sizeof(*edid));
		vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_EDID, sizeof(*edid));
		edid->size = MIN(edid->size, (uint32_t)sizeof(edid->edid));
		edid->padding = 0;
		vd_gpu_cmd_finish(q->gpu, cmd);
		break;
	}
	case VD_GPU_MSG_DMABUF_UPDATE:
		if (cmd) {
			vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_NODATA,
			                   sizeof(struct virtio_gpu_ctrl_hdr));
			vd_gpu_cmd_finish(q->gpu, cmd);
		}
		break;
	default:
		break;
	}
	pending_free(p);
}

static gboolean
qemu_in_cb(gint fd, GIOCondition cond, gpointer data)
{
	VdGpuQemu *q = data;
	uint8_t buf[8192];
	ssize_t n;

	n = recv(q->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		q->in_watch = 0;
		qemu_set_broken(q, n == 0 ? "closed" : g_strerror(errno));
		return G_SOURCE_REMOVE;
	}
	g_byte_array_append(q->rx, buf, (guint)n);
	while (q->rx->len >= sizeof(VdGpuMsgHdr)) {
		VdGpuMsgHdr hdr;

		memcpy(&hdr, q->rx->data, sizeof(hdr));
		if (hdr.size > QEMU_MAX_RX_PAYLOAD) {
			q->in_watch = 0;
			qemu_set_broken(q, "front-end bug: oversized message");
			return G_SOURCE_REMOVE;
		}
		if (q->rx->len < sizeof(hdr) + hdr.size)
			break;
		if (hdr.flags & VD_GPU_MSG_FLAG_REPLY)
			qemu_handle_reply(q, &hdr, q->rx->data + sizeof(hdr));
		else
			g_debug("GPU socket request %u from the front-end ignored", hdr.request);
		if (q->broken)
			return G_SOURCE_REMOVE;
		g_byte_array_remove_range(q->rx, 0, (guint)(sizeof(hdr) + hdr.size));
	}
	return G_SOURCE_CONTINUE;
}

static void
qemu_set_broken(VdGpuQemu *q, const char *why)
{
	if (q->broken)
		return;
	g_message("GPU socket: %s; displays are no longer shown", why);
	q->broken = true;
	g_clear_handle_id(&q->fail_idle, g_source_remove);
	g_clear_handle_id(&q->in_watch, g_source_remove);
	g_clear_handle_id(&q->out_watch, g_source_remove);
	g_queue_clear_full(&q->out, (GDestroyNotify)qmsg_free);
	q->queued_bytes = 0;
	/* Nothing will answer now. */
	pending_answer_all_locally(q);
}

VdGpuQemu *
vd_gpu_qemu_new(VdGpu *gpu, int fd)
{
	VdGpuQemu *q = g_new0(VdGpuQemu, 1);
	int sndbuf = QEMU_SNDBUF;

	q->gpu = gpu;
	q->fd = fd;
	q->rx = g_byte_array_new();
	g_queue_init(&q->out);
	g_queue_init(&q->pending);
	/* A whole frame in the socket lets one sendmsg finish an UPDATE. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	q->in_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, qemu_in_cb, q);
	qemu_request(q, VD_GPU_MSG_GET_PROTOCOL_FEATURES, NULL, 0, NULL);
	return q;
}

void
vd_gpu_qemu_free(VdGpuQemu *q)
{
	if (!q)
		return;
	/* The device waits for every command: a replaced socket must not leave it waiting. */
	pending_answer_all_locally(q);
	g_clear_handle_id(&q->fail_idle, g_source_remove);
	g_clear_handle_id(&q->in_watch, g_source_remove);
	g_clear_handle_id(&q->out_watch, g_source_remove);
	g_queue_clear_full(&q->out, (GDestroyNotify)qmsg_free);
	g_byte_array_unref(q->rx);
	if (q->fd >= 0)
		close(q->fd);
	g_free(q);
}

bool
vd_gpu_qemu_is_broken(VdGpuQemu *q)
{
	return q->broken;
}

size_t
vd_gpu_qemu_queued_bytes(VdGpuQemu *q)
{
	return q->queued_bytes;
}

void
vd_gpu_qemu_scanout(VdGpuQemu *q, uint32_t scanout_id, uint32_t width, uint32_t height)
{
	VdGpuMsgScanout s = { .scanout_id = scanout_id, .width = width, .height = height };

	/*
	 * QEMU keeps showing a scanout's dmabuf (and holds the buffer) until a
	 * DMABUF_SCANOUT comes; a SCANOUT does not end it. One without an fd
	 * does, whether or not QEMU has GL.
	 */
	if (q->dmabuf_shown & (1u << scanout_id)) {
		VdGpuMsgDmabufScanout off = { .scanout_id = scanout_id };

		qemu_send(q, VD_GPU_MSG_DMABUF_SCANOUT, &off, sizeof(off));
		q->dmabuf_shown &= ~(1u << scanout_id);
	}
	qemu_send(q, VD_GPU_MSG_SCANOUT, &s, sizeof(s));
}

static bool
format_is_xrgb(pixman_format_code_t f)
{
	return f == PIXMAN_x8r8g8b8 || f == PIXMAN_a8r8g8b8;
}

void
vd_gpu_qemu_update(VdGpuQemu *q, uint32_t scanout_id, pixman_image_t *image,
                   const struct virtio_gpu_rect *r_in, uint32_t x, uint32_t y)
{
	struct virtio_gpu_rect r = *r_in;
	QMsg *tail = g_queue_peek_tail(&q->out), *m;
	uint8_t *data = (uint8_t *)pixman_image_get_data(image);
	size_t stride = (size_t)pixman_image_get_stride(image);
	VdGpuMsgHdr hdr = { .request = VD_GPU_MSG_UPDATE };
	VdGpuMsgUpdate up;

	if (q->broken || q->failing)
		return;
	/* An UPDATE still waiting whole for the same image grows instead of queueing. */
	if (tail && tail->is_update && tail->sent == 0 && tail->image == image &&
	    tail->scanout_id == scanout_id) {
		uint32_t x1 = MIN(r.x, tail->r.x), y1 = MIN(r.y, tail->r.y);
		uint32_t x2 = MAX(r.x + r.width, tail->r.x + tail->r.width);
		uint32_t y2 = MAX(r.y + r.height, tail->r.y + tail->r.height);
		/* Scanout origin in image coordinates. */
		uint32_t ox = r.x - x, oy = r.y - y;

		r = (struct virtio_gpu_rect){ x1, y1, x2 - x1, y2 - y1 };
		x = x1 - ox;
		y = y1 - oy;
		q->queued_bytes -= qmsg_total(tail);
		qmsg_free(g_queue_pop_tail(&q->out));
	}

	m = g_new0(QMsg, 1);
	m->is_update = true;
	m->scanout_id = scanout_id;
	m->r = r;
	m->x = x;
	m->y = y;
	up = (VdGpuMsgUpdate){ scanout_id, x, y, r.width, r.height };
	hdr.size = (uint32_t)(sizeof(up) + (size_t)r.width * r.height * 4);
	m->head_len = sizeof(hdr) + sizeof(up);
	m->head = g_malloc(m->head_len);
	memcpy(m->head, &hdr, sizeof(hdr));
	memcpy(m->head + sizeof(hdr), &up, sizeof(up));

	if (format_is_xrgb(pixman_image_get_format(image))) {
		m->image = pixman_image_ref(image);
		if (r.x == 0 && (size_t)r.width * 4 == stride) {
			m->iov = g_new(struct iovec, 2);
			m->iov[1].iov_base = data + r.y * stride;
			m->iov[1].iov_len = stride * r.height;
			m->n_iov = 2;
		} else {
			m->iov = g_new(struct iovec, 1 + (size_t)r.height);
			for (uint32_t h = 0; h < r.height; h++) {
				m->iov[1 + h].iov_base =
				        data + (r.y + h) * stride + (size_t)r.x * 4;
				m->iov[1 + h].iov_len = (size_t)r.width * 4;
			}
			m->n_iov = 1 + r.height;
		}
	} else {
		/* Other formats are converted: QEMU reads x8r8g8b8. */
		pixman_image_t *dst;

		m->staging = g_malloc((size_t)r.width * r.height * 4);
		dst = pixman_image_create_bits(PIXMAN_x8r8g8b8, (int)r.width, (int)r.height,
		                               (uint32_t *)m->staging, (int)r.width * 4);
		pixman_image_composite32(PIXMAN_OP_SRC, image, NULL, dst, (int32_t)r.x,
		                         (int32_t)r.y, 0, 0, 0, 0, (int32_t)r.width,
		                         (int32_t)r.height);
		pixman_image_unref(dst);
		m->iov = g_new(struct iovec, 2);
		m->iov[1].iov_base = m->staging;
		m->iov[1].iov_len = (size_t)r.width * r.height * 4;
		m->n_iov = 2;
	}
	m->iov[0].iov_base = m->head;
	m->iov[0].iov_len = m->head_len;
	qemu_enqueue(q, m);
}

void
vd_gpu_qemu_cursor_update(VdGpuQemu *q, const VdGpuCursor *c)
{
	g_autofree VdGpuMsgCursorUpdate *up = g_new0(VdGpuMsgCursorUpdate, 1);

	up->pos = (VdGpuMsgCursorPos){ c->scanout_id, c->x, c->y };
	up->hot_x = c->hot_x;
	up->hot_y = c->hot_y;
	memcpy(up->data, c->data, sizeof(up->data));
	qemu_send(q, VD_GPU_MSG_CURSOR_UPDATE, up, sizeof(*up));
}

void
vd_gpu_qemu_cursor_pos(VdGpuQemu *q, const VdGpuCursor *c)
{
	VdGpuMsgCursorPos pos = { c->scanout_id, c->x, c->y };

	qemu_send(q, c->visible ? VD_GPU_MSG_CURSOR_POS : VD_GPU_MSG_CURSOR_POS_HIDE, &pos,
	          sizeof(pos));
}

bool
vd_gpu_qemu_get_display_info(VdGpuQemu *q, VdGpuCmd *cmd)
{
	if (q->broken || q->failing)
		return false;
	cmd->pending = true;
	qemu_request(q, VD_GPU_MSG_GET_DISPLAY_INFO, NULL, 0, cmd);
	return true;
}

bool
vd_gpu_qemu_get_edid(VdGpuQemu *q, VdGpuCmd *cmd, uint32_t scanout_id)
{
	VdGpuMsgEdidRequest req = { scanout_id };
	QPending *p;

	if (q->broken || q->failing || (q->edid_dead & (1u << scanout_id)) ||
	    (q->handshake_done && !(q->features & (1ull << VD_GPU_PROTOCOL_F_EDID))))
		return false;
	cmd->pending = true;
	p = qemu_request(q, VD_GPU_MSG_GET_EDID, &req, sizeof(req), cmd);
	p->scanout_id = scanout_id;
	return true;
}

bool
vd_gpu_qemu_dmabuf_ok(VdGpuQemu *q)
{
	return !q->broken && !q->failing && q->handshake_done && !q->dmabuf_dead &&
	       vd_gpu_options(q->gpu)->dmabuf;
}

bool
vd_gpu_qemu_dmabuf_scanout(VdGpuQemu *q, uint32_t scanout_id, const struct virtio_gpu_rect *r,
                           VdDmabuf *buf)
{
	VdGpuMsgDmabufScanout2 m = {
		.dmabuf = {
			.scanout_id = scanout_id,
			.x = r->x, .y = r->y, .width = r->width, .height = r->height,
			.fd_width = buf->width, .fd_height = buf->height,
			.fd_stride = buf->stride,
			.fd_flags = buf->y_0_top ? VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP : 0,
			.fd_drm_fourcc = (int32_t)buf->fourcc,
		},
		.modifier = buf->modifier,
	};
	int fd = buf->fd;

	buf->fd = -1;
	if (!vd_gpu_qemu_dmabuf_ok(q)) {
		close(fd);
		return false;
	}
	/* Without DMABUF2 the older message, which has no modifier. */
	if (q->features & (1ull << VD_GPU_PROTOCOL_F_DMABUF2))
		qemu_send_fd(q, VD_GPU_MSG_DMABUF_SCANOUT2, &m, sizeof(m), fd);
	else
		qemu_send_fd(q, VD_GPU_MSG_DMABUF_SCANOUT, &m.dmabuf, sizeof(m.dmabuf), fd);
	q->dmabuf_shown |= 1u << scanout_id;
	return true;
}

bool
vd_gpu_qemu_dmabuf_update(VdGpuQemu *q, uint32_t scanout_id, const struct virtio_gpu_rect *r,
                          VdGpuCmd *cmd)
{
	VdGpuMsgUpdate up = { scanout_id, r->x, r->y, r->width, r->height };

	if (!vd_gpu_qemu_dmabuf_ok(q))
		return false;
	/* QEMU answers each once drawn; only the last one of a flush carries it. */
	if (cmd)
		cmd->pending = true;
	qemu_request(q, VD_GPU_MSG_DMABUF_UPDATE, &up, sizeof(up), cmd);
	return true;
}

/* ---- the display operations (display.h) ---- */

static void
qemu_display_free(void *impl)
{
	vd_gpu_qemu_free(impl);
}

static void
qemu_display_scanout(void *impl, uint32_t scanout_id)
{
	VdGpuQemu *q = impl;
	const VdGpuScanout *s = vd_gpu_scanout(q->gpu, scanout_id);

	if (s->resource_id)
		vd_gpu_qemu_scanout(q, scanout_id, s->r.width, s->r.height);
	else
		vd_gpu_qemu_scanout(q, scanout_id, 0, 0);
}

static void
qemu_display_update(void *impl, uint32_t scanout_id, pixman_image_t *image,
                    const struct virtio_gpu_rect *r)
{
	VdGpuQemu *q = impl;
	const VdGpuScanout *s = vd_gpu_scanout(q->gpu, scanout_id);

	vd_gpu_qemu_update(q, scanout_id, image, r, r->x - s->r.x, r->y - s->r.y);
}

static void
qemu_display_cursor_update(void *impl, const VdGpuCursor *cursor)
{
	vd_gpu_qemu_cursor_update(impl, cursor);
}

static void
qemu_display_cursor_move(void *impl, const VdGpuCursor *cursor)
{
	vd_gpu_qemu_cursor_pos(impl, cursor);
}

static bool
qemu_display_info(void *impl, VdGpuCmd *cmd)
{
	return vd_gpu_qemu_get_display_info(impl, cmd);
}

static bool
qemu_display_edid(void *impl, VdGpuCmd *cmd, uint32_t scanout_id)
{
	return vd_gpu_qemu_get_edid(impl, cmd, scanout_id);
}

static bool
qemu_display_dmabuf_ok(void *impl)
{
	return vd_gpu_qemu_dmabuf_ok(impl);
}

static bool
qemu_display_dmabuf_scanout(void *impl, uint32_t scanout_id, const struct virtio_gpu_rect *r,
                            VdDmabuf *buf)
{
	return vd_gpu_qemu_dmabuf_scanout(impl, scanout_id, r, buf);
}

static bool
qemu_display_dmabuf_update(void *impl, uint32_t scanout_id, const struct virtio_gpu_rect *r,
                           VdGpuCmd *cmd)
{
	return vd_gpu_qemu_dmabuf_update(impl, scanout_id, r, cmd);
}

/* Displays follow QEMU's UI: no hotplug over D-Bus. */
static const VdGpuDisplayOps qemu_display_ops = {
	.name = "QEMU GPU socket",
	.free = qemu_display_free,
	.scanout = qemu_display_scanout,
	.update = qemu_display_update,
	.cursor_update = qemu_display_cursor_update,
	.cursor_move = qemu_display_cursor_move,
	.display_info = qemu_display_info,
	.edid = qemu_display_edid,
	.hotplug = false,
	.dmabuf_ok = qemu_display_dmabuf_ok,
	.dmabuf_scanout = qemu_display_dmabuf_scanout,
	.dmabuf_update = qemu_display_dmabuf_update,
};

VdGpuQemu *
vd_gpu_qemu_attach(VdGpu *gpu, int fd)
{
	VdGpuQemu *q = vd_gpu_qemu_new(gpu, fd);

	vd_gpu_set_display(gpu, &qemu_display_ops, q);
	return q;
}
