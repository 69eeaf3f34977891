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

void
vhost_backend_init(VhostBackendChannel *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->fd = -1;
}

void
vhost_backend_close(VhostBackendChannel *ch)
{
	if (ch->source)
		g_source_remove(ch->source);
	if (ch->fd >= 0)
		close(ch->fd);
	vhost_backend_init(ch);
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
		if (ch->acks_pending)
			ch->acks_pending--;
		if (!(hdr->flags & VHOST_USER_REPLY_MASK)) {
			vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
			             "unexpected %s request on the backend channel",
			             vhost_user_backend_request_name(hdr->request));
		} else if (value != 0 && !ch->warned_refused) {
			ch->warned_refused = true;
			g_message("%s: the front-end did not act on %s (reply %" G_GUINT64_FORMAT
			          "); QEMU's vhost-user-gpu-pci ignores config changes from "
			          "back-ends",
			          vhost_dev_name(dev),
			          vhost_user_backend_request_name(hdr->request), value);
		}
	} else if (ret < 0 || (cond & (G_IO_HUP | G_IO_ERR))) {
		g_debug("%s: backend channel closed", vhost_dev_name(dev));
		ch->source = 0;
		close(ch->fd);
		ch->fd = -1;
		ch->acks_pending = 0;
		keep = G_SOURCE_REMOVE;
	}
	vhost_msg_reader_reset(r);
	g_free(r);
	return keep;
}

void
vhost_backend_set_fd(VhostDev *dev, VhostBackendChannel *ch, int fd)
{
	vhost_backend_close(ch);
	ch->fd = fd;
	ch->source = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, backend_readable, dev);
}

int
vhost_backend_send(VhostDev *dev, VhostBackendChannel *ch, uint32_t request, const void *payload,
                   uint32_t size, bool need_reply)
{
	uint32_t flags = VHOST_USER_VERSION;
	int ret;

	if (ch->fd < 0)
		return -ENOTCONN;
	if (need_reply)
		flags |= VHOST_USER_NEED_REPLY_MASK;
	ret = vhost_msg_write(ch->fd, request, flags, payload, size, NULL, 0,
	                      BACKEND_WRITE_TIMEOUT_MS);
	if (ret < 0) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "cannot send %s on the backend channel: %s",
		             vhost_user_backend_request_name(request), g_strerror(-ret));
		return ret;
	}
	if (need_reply)
		ch->acks_pending++;
	return 0;
}
