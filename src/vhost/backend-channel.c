/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backend channel (SET_BACKEND_REQ_FD): requests from us to the
 * front-end, such as config change notifications and IOTLB misses. Acks are
 * read asynchronously so that a front-end busy sending us a request cannot
 * deadlock with us waiting for its ack.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <glib-unix.h>
#include <unistd.h>

#include "vhost-private.h"

#define BACKEND_WRITE_TIMEOUT_MS 1000

/* One request waiting for its ack. */
typedef struct PendingAck {
	uint32_t request;
	VhostAckFunc done;
	void *data;
} PendingAck;

void
vhost_backend_init(VhostBackendChannel *ch)
{
	memset(ch, 0, sizeof(*ch));
	g_queue_init(&ch->acks_pending);
	ch->fd = -1;
}

static void
ack_finish(VhostDev *dev, PendingAck *p, bool accepted)
{
	if (p->done)
		p->done(dev, accepted, p->data);
	g_free(p);
}

/* The channel is gone: nobody will answer what is still pending. */
static void
backend_forget(VhostDev *dev, VhostBackendChannel *ch)
{
	PendingAck *p;

	if (ch->source)
		g_source_remove(ch->source);
	ch->source = 0;
	if (ch->fd >= 0)
		close(ch->fd);
	ch->fd = -1;
	while ((p = g_queue_pop_head(&ch->acks_pending)))
		ack_finish(dev, p, false);
}

void
vhost_backend_close(VhostDev *dev, VhostBackendChannel *ch)
{
	backend_forget(dev, ch);
	vhost_backend_init(ch);
}

static void
backend_got_reply(VhostDev *dev, VhostBackendChannel *ch, const VhostUserHeader *hdr,
                  uint64_t value)
{
	PendingAck *p = g_queue_pop_head(&ch->acks_pending);

	if (!p) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "ack for %s on the backend channel, which asked for none",
		             vhost_user_backend_request_name(hdr->request));
		return;
	}
	if (p->request != hdr->request)
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "ack for %s on the backend channel where %s was awaited",
		             vhost_user_backend_request_name(hdr->request),
		             vhost_user_backend_request_name(p->request));
	if (value != 0 && !p->done && !ch->warned_refused) {
		ch->warned_refused = true;
		g_message("%s: the front-end did not act on %s (reply %" G_GUINT64_FORMAT
		          "); QEMU's vhost-user-gpu-pci ignores config changes from "
		          "back-ends",
		          vhost_dev_name(dev), vhost_user_backend_request_name(p->request), value);
	}
	ack_finish(dev, p, value == 0);
}

static gboolean
backend_readable(int fd, GIOCondition cond, gpointer data)
{
	VhostDev *dev = data;
	VhostBackendChannel *ch = &dev->backend;
	VhostMsgReader *r = g_new0(VhostMsgReader, 1);
	gboolean keep = G_SOURCE_CONTINUE;
	int ret;

	/* Acks are small and sent whole; a partial one is read as a broken channel. */
	ret = vhost_msg_read(fd, r);
	if (ret == 1) {
		const VhostUserHeader *hdr = (const VhostUserHeader *)r->buf;
		uint64_t value = UINT64_MAX;
		if (hdr->size == sizeof(uint64_t))
			memcpy(&value, r->buf + VHOST_USER_HDR_SIZE, sizeof(value));
		if (!(hdr->flags & VHOST_USER_REPLY_MASK))
			vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
			             "unexpected %s request on the backend channel",
			             vhost_user_backend_request_name(hdr->request));
		else
			backend_got_reply(dev, ch, hdr, value);
	} else if (ret < 0 || (cond & (G_IO_HUP | G_IO_ERR))) {
		g_debug("%s: backend channel closed", vhost_dev_name(dev));
		/* The source goes when we return; backend_forget must not remove it. */
		ch->source = 0;
		backend_forget(dev, ch);
		keep = G_SOURCE_REMOVE;
	}
	vhost_msg_reader_reset(r);
	g_free(r);
	return keep;
}

void
vhost_backend_set_fd(VhostDev *dev, VhostBackendChannel *ch, int fd)
{
	vhost_backend_close(dev, ch);
	ch->fd = fd;
	ch->source = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, backend_readable, dev);
}

int
vhost_backend_send(VhostDev *dev, VhostBackendChannel *ch, uint32_t request, const void *payload,
                   uint32_t size, int fd, bool need_reply, VhostAckFunc done, void *data)
{
	uint32_t flags = VHOST_USER_VERSION;
	int ret;

	if (ch->fd < 0)
		return -ENOTCONN;
	if (need_reply)
		flags |= VHOST_USER_NEED_REPLY_MASK;
	ret = vhost_msg_write(ch->fd, request, flags, payload, size, fd >= 0 ? &fd : NULL,
	                      fd >= 0 ? 1 : 0, BACKEND_WRITE_TIMEOUT_MS);
	if (ret == -EPIPE || ret == -ECONNRESET) {
		/* The front-end closed the channel, likely on its way out; its HUP follows. */
		g_debug("%s: backend channel closed before %s", vhost_dev_name(dev),
		        vhost_user_backend_request_name(request));
		return ret;
	}
	if (ret < 0) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "cannot send %s on the backend channel: %s",
		             vhost_user_backend_request_name(request), g_strerror(-ret));
		return ret;
	}
	if (need_reply) {
		PendingAck *p = g_new(PendingAck, 1);

		*p = (PendingAck){ request, done, data };
		g_queue_push_tail(&ch->acks_pending, p);
	}
	return 0;
}
