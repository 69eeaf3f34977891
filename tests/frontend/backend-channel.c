/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfe: the backend channel (back-end -> front-end requests) and the
 * front-end's side of the IOTLB.
 *
 * A thread serves the channel so that a back-end blocking on an ack is
 * answered whatever the test thread is doing.
 */
#define G_LOG_DOMAIN "vfe"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend-private.h"

static int
vfe_send_iotlb(VfeFrontend *fe, uint64_t iova, uint64_t size, uint64_t uaddr, uint8_t perm,
               uint8_t type, bool ack)
{
	uint8_t raw[VHOST_USER_IOTLB_MSG_SIZE] = { 0 };
	VhostUserIotlb msg = {
		.iova = iova,
		.size = size,
		.uaddr = uaddr,
		.perm = perm,
		.type = type,
	};

	memcpy(raw, &msg, sizeof(msg));
	if (ack)
		return vfe_request(fe, VHOST_USER_IOTLB_MSG, raw, sizeof(raw), NULL, 0);
	/* From the channel thread: no ack, whose reply the test thread would read. */
	return vfe_send_msg(fe, VHOST_USER_IOTLB_MSG, VHOST_USER_VERSION, raw, sizeof(raw), NULL,
	                    0);
}

int
vfe_iotlb_update(VfeFrontend *fe, uint64_t iova, uint64_t size, uint64_t gpa, uint8_t perm)
{
	uint64_t uaddr = vfe_gpa_to_uaddr(fe, gpa);

	if (!vfe_gpa_to_host(fe, gpa))
		return -EFAULT;
	return vfe_send_iotlb(fe, iova, size, uaddr, perm, VHOST_IOTLB_UPDATE, true);
}

int
vfe_iotlb_map_identity(VfeFrontend *fe, uint8_t perm)
{
	for (unsigned int i = 0; i < vfe_mem_nregions(fe); i++) {
		uint64_t gpa, size;
		int r;

		vfe_mem_region(fe, i, &gpa, &size, NULL, NULL, NULL);
		vfe_iotlb_map_add(fe, gpa, size, gpa, perm);
		r = vfe_iotlb_update(fe, gpa, size, gpa, perm);
		if (r < 0)
			return r;
	}
	return 0;
}

int
vfe_iotlb_invalidate(VfeFrontend *fe, uint64_t iova, uint64_t size)
{
	return vfe_send_iotlb(fe, iova, size, 0, 0, VHOST_IOTLB_INVALIDATE, true);
}

void
vfe_iotlb_map_add(VfeFrontend *fe, uint64_t iova, uint64_t size, uint64_t gpa, uint8_t perm)
{
	VfeIotlbEntry e = {
		.iova = iova,
		.size = size,
		.uaddr = vfe_gpa_to_uaddr(fe, gpa),
		.perm = perm,
	};

	g_mutex_lock(&fe->bc_lock);
	g_array_append_val(fe->iotlb_map, e);
	g_mutex_unlock(&fe->bc_lock);
}

/* Called with bc_lock held. */
static void
vfe_answer_miss(VfeFrontend *fe, uint64_t iova, uint8_t perm)
{
	for (guint i = 0; i < fe->iotlb_map->len; i++) {
		const VfeIotlbEntry *e = &g_array_index(fe->iotlb_map, VfeIotlbEntry, i);

		if (iova >= e->iova && iova - e->iova < e->size && (e->perm & perm) == perm) {
			vfe_send_iotlb(fe, e->iova, e->size, e->uaddr, e->perm, VHOST_IOTLB_UPDATE,
			               false);
			return;
		}
	}
	g_debug("IOTLB miss for 0x%" G_GINT64_MODIFIER "x not in the front-end's map", iova);
}

static void
vfe_bc_handle(VfeFrontend *fe, const VhostUserHeader *hdr, const uint8_t *payload, int nfds, int fd)
{
	uint64_t reply_value = 0;
	bool bad = (hdr->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
	           (hdr->flags & VHOST_USER_REPLY_MASK);

	g_mutex_lock(&fe->bc_lock);
	switch (hdr->request) {
	case VHOST_USER_BACKEND_IOTLB_MSG: {
		VhostUserIotlb msg;

		if (hdr->size < sizeof(msg) || nfds) {
			bad = true;
			break;
		}
		memcpy(&msg, payload, sizeof(msg));
		if (msg.type != VHOST_IOTLB_MISS) {
			bad = true;
			break;
		}
		fe->have_miss = true;
		fe->miss_iova = msg.iova;
		fe->miss_perm = msg.perm;
		vfe_answer_miss(fe, msg.iova, msg.perm);
		break;
	}
	case VHOST_USER_BACKEND_CONFIG_CHANGE_MSG:
		if (nfds)
			bad = true;
		reply_value = fe->config_change_reply;
		break;
	case VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG:
		if (hdr->size != sizeof(VhostUserVringArea) || nfds > 1) {
			bad = true;
			break;
		}
		memcpy(&fe->notifier_area, payload, sizeof(fe->notifier_area));
		fe->notifier_fd = nfds;
		fe->have_notifier = true;
		reply_value = vfe_notifier_apply(fe, &fe->notifier_area, fd);
		break;
	default:
		if (hdr->request >= VHOST_USER_BACKEND_REQUEST_MAX || hdr->request == 0)
			bad = true;
		break;
	}
	if (bad) {
		g_message(
		        "back-end bug: malformed backend request %u (flags 0x%x, size %u, %d fds)",
		        hdr->request, hdr->flags, hdr->size, nfds);
		fe->bc_bad++;
	}
	if (hdr->request < VHOST_USER_BACKEND_REQUEST_MAX)
		fe->bc_counts[hdr->request]++;
	g_cond_broadcast(&fe->bc_cond);
	g_mutex_unlock(&fe->bc_lock);
	if (fd >= 0)
		close(fd);

	if (hdr->flags & VHOST_USER_NEED_REPLY_MASK) {
		VhostUserHeader rh = {
			.request = hdr->request,
			.flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK,
			.size = sizeof(uint64_t),
		};

		vfe_sendmsg(fe->bc_fd, &rh, sizeof(rh), &reply_value, sizeof(reply_value), NULL, 0);
	}
}

static gpointer
vfe_bc_thread(gpointer data)
{
	VfeFrontend *fe = data;
	g_autofree uint8_t *payload = g_malloc(VHOST_USER_MAX_PAYLOAD);

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = fe->bc_fd, .events = POLLIN },
			{ .fd = fe->bc_stop_fd, .events = POLLIN },
		};
		VhostUserHeader hdr;
		int fds[VHOST_USER_MAX_FDS];
		size_t nfds = G_N_ELEMENTS(fds);
		int r;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		r = vfe_recvmsg(fe->bc_fd, &hdr, payload, VHOST_USER_MAX_PAYLOAD, fds, &nfds,
		                vfe_deadline(VFE_DEFAULT_TIMEOUT_MS));
		if (r == -ECONNRESET) {
			g_debug("backend channel closed by the back-end");
			break;
		}
		if (r < 0) {
			g_mutex_lock(&fe->bc_lock);
			fe->bc_bad++;
			g_mutex_unlock(&fe->bc_lock);
			g_message("back-end bug: unreadable backend channel message: %s",
			          g_strerror(-r));
			break;
		}
		for (size_t i = 1; i < nfds; i++)
			close(fds[i]);
		vfe_bc_handle(fe, &hdr, payload, (int)nfds, nfds ? fds[0] : -1);
	}
	return NULL;
}

int
vfe_enable_backend_channel(VfeFrontend *fe)
{
	int sv[2];
	int r;

	vfe_backend_channel_stop(fe);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	r = vfe_request(fe, VHOST_USER_SET_BACKEND_REQ_FD, NULL, 0, &sv[1], 1);
	close(sv[1]);
	if (r < 0) {
		close(sv[0]);
		return r;
	}
	fe->bc_fd = sv[0];
	fe->bc_stop_fd = eventfd(0, EFD_CLOEXEC);
	if (fe->bc_stop_fd < 0) {
		r = -errno;
		close(sv[0]);
		fe->bc_fd = -1;
		return r;
	}
	fe->bc_thread = g_thread_new("vfe-backend-channel", vfe_bc_thread, fe);
	return 0;
}

void
vfe_backend_channel_stop(VfeFrontend *fe)
{
	if (fe->bc_thread) {
		uint64_t one = 1;

		if (write(fe->bc_stop_fd, &one, sizeof(one)) != sizeof(one))
			g_warning("vfe: cannot stop the backend channel thread");
		g_thread_join(fe->bc_thread);
		fe->bc_thread = NULL;
	}
	if (fe->bc_stop_fd >= 0)
		close(fe->bc_stop_fd);
	fe->bc_stop_fd = -1;
	if (fe->bc_fd >= 0)
		close(fe->bc_fd);
	fe->bc_fd = -1;
}

void
vfe_set_config_change_reply(VfeFrontend *fe, uint64_t value)
{
	g_mutex_lock(&fe->bc_lock);
	fe->config_change_reply = value;
	g_mutex_unlock(&fe->bc_lock);
}

unsigned int
vfe_backend_msg_count(VfeFrontend *fe, uint32_t request)
{
	unsigned int n;

	if (request >= VHOST_USER_BACKEND_REQUEST_MAX)
		return 0;
	g_mutex_lock(&fe->bc_lock);
	n = fe->bc_counts[request];
	g_mutex_unlock(&fe->bc_lock);
	return n;
}

unsigned int
vfe_backend_bad_msg_count(VfeFrontend *fe)
{
	unsigned int n;

	g_mutex_lock(&fe->bc_lock);
	n = fe->bc_bad;
	g_mutex_unlock(&fe->bc_lock);
	return n;
}

int
vfe_wait_backend_msg(VfeFrontend *fe, uint32_t request, unsigned int count, int timeout_ms)
{
	gint64 deadline = vfe_deadline(vfe_timeout(fe, timeout_ms));
	int r = 0;

	if (request >= VHOST_USER_BACKEND_REQUEST_MAX)
		return -EINVAL;
	g_mutex_lock(&fe->bc_lock);
	while (fe->bc_counts[request] < count) {
		if (!g_cond_wait_until(&fe->bc_cond, &fe->bc_lock, deadline)) {
			r = fe->bc_counts[request] < count ? -ETIMEDOUT : 0;
			break;
		}
	}
	g_mutex_unlock(&fe->bc_lock);
	return r;
}

int
vfe_wait_config_change(VfeFrontend *fe, int timeout_ms)
{
	unsigned int want;
	int r;

	g_mutex_lock(&fe->bc_lock);
	want = fe->config_changes_consumed + 1;
	g_mutex_unlock(&fe->bc_lock);
	r = vfe_wait_backend_msg(fe, VHOST_USER_BACKEND_CONFIG_CHANGE_MSG, want, timeout_ms);
	if (r == 0) {
		g_mutex_lock(&fe->bc_lock);
		fe->config_changes_consumed++;
		g_mutex_unlock(&fe->bc_lock);
	}
	return r;
}

int
vfe_last_iotlb_miss(VfeFrontend *fe, uint64_t *iova, uint8_t *perm)
{
	int r = -ENOENT;

	g_mutex_lock(&fe->bc_lock);
	if (fe->have_miss) {
		if (iova)
			*iova = fe->miss_iova;
		if (perm)
			*perm = fe->miss_perm;
		r = 0;
	}
	g_mutex_unlock(&fe->bc_lock);
	return r;
}

int
vfe_last_host_notifier(VfeFrontend *fe, VhostUserVringArea *area, int *fd)
{
	int r = -ENOENT;

	g_mutex_lock(&fe->bc_lock);
	if (fe->have_notifier) {
		*area = fe->notifier_area;
		if (fd)
			*fd = fe->notifier_fd;
		r = 0;
	}
	g_mutex_unlock(&fe->bc_lock);
	return r;
}
