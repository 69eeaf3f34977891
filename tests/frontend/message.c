/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfe: sending and receiving vhost-user messages, request/reply helpers
 * and the feature handshake.
 */
#define G_LOG_DOMAIN "vfe"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend-private.h"

/* Payloads larger than this are not read (a back-end that sends them is broken). */
#define VFE_MAX_RECV_PAYLOAD (1u << 20)
/* How many fds one recvmsg may carry; more are closed by the kernel (MSG_CTRUNC). */
#define VFE_MAX_RECV_FDS 16u

int
vfe_poll_fd(int fd, short events, gint64 deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int r = poll(&pfd, 1, vfe_remaining_ms(deadline));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		return r;
	}
}

static void
vfe_close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int
vfe_read_full(int fd, void *buf, size_t len, int *fds, size_t *nfds, gint64 deadline)
{
	uint8_t *p = buf;
	size_t done = 0;
	size_t cap = nfds ? *nfds : 0;
	size_t got = 0;
	int r;

	while (done < len) {
		union {
			char buf[CMSG_SPACE(VFE_MAX_RECV_FDS * sizeof(int))];
			struct cmsghdr align;
		} control;
		struct iovec iov = { .iov_base = p + done, .iov_len = len - done };
		struct msghdr msg = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		ssize_t n;

		r = vfe_poll_fd(fd, POLLIN, deadline);
		if (r < 0)
			goto fail;
		if (r == 0) {
			r = -ETIMEDOUT;
			goto fail;
		}
		n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			r = errno == ECONNRESET ? -ECONNRESET : -errno;
			goto fail;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			size_t count;
			int *in;

			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			in = (int *)CMSG_DATA(c);
			for (size_t i = 0; i < count; i++) {
				int f;

				memcpy(&f, &in[i], sizeof(f));
				if (got < cap)
					fds[got++] = f;
				else
					close(f);
			}
		}
		if (n == 0) {
			r = -ECONNRESET;
			goto fail;
		}
		done += (size_t)n;
	}
	if (nfds)
		*nfds = got;
	return 0;

fail:
	vfe_close_fds(fds, got);
	if (nfds)
		*nfds = 0;
	return r;
}

int
vfe_sendmsg(int fd, const void *hdr, size_t hdr_len, const void *payload, size_t size,
            const int *fds, size_t nfds)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)hdr, .iov_len = hdr_len },
		{ .iov_base = (void *)payload, .iov_len = payload ? size : 0 },
	};
	g_autofree char *control = NULL;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t total = iov[0].iov_len + iov[1].iov_len;
	size_t sent = 0;

	if (fd < 0)
		return -ENOTCONN;
	if (nfds > 0) {
		struct cmsghdr *c;

		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		control = g_malloc0(msg.msg_controllen);
		msg.msg_control = control;
		c = (struct cmsghdr *)(void *)control;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	/* A message is small; partial sends happen only on a full socket buffer. */
	while (sent < total) {
		ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			int r = vfe_poll_fd(fd, POLLOUT, vfe_deadline(VFE_DEFAULT_TIMEOUT_MS));

			if (r <= 0)
				return r < 0 ? r : -ETIMEDOUT;
			continue;
		}
		if (n < 0)
			return errno == EPIPE ? -EPIPE : -errno;
		sent += (size_t)n;
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
		/* Advance the iovecs past what went out. */
		for (size_t k = 0, left = (size_t)n; k < 2; k++) {
			size_t take = MIN(left, iov[k].iov_len);

			if (take == 0)
				continue; /* an empty payload has no base to advance */
			iov[k].iov_base = (uint8_t *)iov[k].iov_base + take;
			iov[k].iov_len -= take;
			left -= take;
		}
	}
	return 0;
}

int
vfe_recvmsg(int fd, VhostUserHeader *hdr, void *buf, size_t bufsize, int *fds, size_t *nfds,
            gint64 deadline)
{
	int r;

	if (fd < 0)
		return -ENOTCONN;
	r = vfe_read_full(fd, hdr, sizeof(*hdr), fds, nfds, deadline);
	if (r < 0)
		return r;
	if (hdr->size > VFE_MAX_RECV_PAYLOAD) {
		g_message("back-end bug: message %u with payload of %u bytes", hdr->request,
		          hdr->size);
		r = -EPROTO;
		goto fail;
	}
	if (hdr->size <= bufsize) {
		r = vfe_read_full(fd, buf, hdr->size, NULL, NULL, deadline);
		if (r < 0)
			goto fail;
		return (int)hdr->size;
	} else {
		g_autofree uint8_t *tmp = g_malloc(hdr->size);

		r = vfe_read_full(fd, tmp, hdr->size, NULL, NULL, deadline);
		if (r < 0)
			goto fail;
		if (buf)
			memcpy(buf, tmp, bufsize);
		r = -EMSGSIZE;
		goto fail;
	}

fail:
	if (nfds) {
		vfe_close_fds(fds, *nfds);
		*nfds = 0;
	}
	return r;
}

int
vfe_send_msg(VfeFrontend *fe, uint32_t request, uint32_t flags, const void *payload, size_t size,
             const int *fds, size_t nfds)
{
	VhostUserHeader hdr = {
		.request = request,
		.flags = flags ? flags : VHOST_USER_VERSION,
		.size = (uint32_t)size,
	};
	int r;

	g_debug("-> request %u flags 0x%x size %zu nfds %zu", request, hdr.flags, size, nfds);
	g_mutex_lock(&fe->send_lock);
	r = vfe_sendmsg(fe->fd, &hdr, sizeof(hdr), payload, size, fds, nfds);
	g_mutex_unlock(&fe->send_lock);
	return r;
}

int
vfe_send_bytes(VfeFrontend *fe, const void *data, size_t len, const int *fds, size_t nfds)
{
	int r;

	g_mutex_lock(&fe->send_lock);
	r = vfe_sendmsg(fe->fd, data, len, NULL, 0, fds, nfds);
	g_mutex_unlock(&fe->send_lock);
	return r;
}

int
vfe_recv_msg(VfeFrontend *fe, VhostUserHeader *hdr, void *buf, size_t bufsize, int *fds,
             size_t *nfds, int timeout_ms)
{
	return vfe_recvmsg(fe->fd, hdr, buf, bufsize, fds, nfds,
	                   vfe_deadline(vfe_timeout(fe, timeout_ms)));
}

static int
vfe_check_reply(const VhostUserHeader *hdr, uint32_t expected_request)
{
	if (hdr->request != expected_request) {
		g_message("back-end bug: reply to request %u while waiting for %u", hdr->request,
		          expected_request);
		return -EPROTO;
	}
	if ((hdr->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
	    !(hdr->flags & VHOST_USER_REPLY_MASK)) {
		g_message("back-end bug: reply to request %u with flags 0x%x", hdr->request,
		          hdr->flags);
		return -EPROTO;
	}
	return 0;
}

int
vfe_recv_reply_fd(VfeFrontend *fe, uint32_t expected_request, void *buf, size_t bufsize,
                  size_t *size, int *fd, int timeout_ms)
{
	VhostUserHeader hdr;
	int fds[VFE_MAX_RECV_FDS];
	size_t nfds = fd ? G_N_ELEMENTS(fds) : 0;
	int r;

	if (fd)
		*fd = -1;
	r = vfe_recv_msg(fe, &hdr, buf, bufsize, fd ? fds : NULL, fd ? &nfds : NULL, timeout_ms);
	if (r < 0)
		return r;
	g_debug("<- reply %u flags 0x%x size %u nfds %zu", hdr.request, hdr.flags, hdr.size, nfds);
	if (size)
		*size = hdr.size;
	r = vfe_check_reply(&hdr, expected_request);
	if (r < 0 || nfds > 1) {
		vfe_close_fds(fds, nfds);
		return r < 0 ? r : -EPROTO;
	}
	if (nfds == 1)
		*fd = fds[0];
	return 0;
}

int
vfe_recv_reply(VfeFrontend *fe, uint32_t expected_request, void *buf, size_t bufsize, size_t *size,
               int timeout_ms)
{
	int fd = -1;
	int r = vfe_recv_reply_fd(fe, expected_request, buf, bufsize, size, &fd, timeout_ms);

	if (fd >= 0)
		close(fd);
	return r;
}

static bool
vfe_wants_ack(VfeFrontend *fe)
{
	return fe->reply_ack && vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_REPLY_ACK);
}

/* Receives the REPLY_ACK answer to request: a u64, 0 for success. */
static int
vfe_recv_ack(VfeFrontend *fe, uint32_t request)
{
	uint64_t ack = 0;
	size_t size = 0;
	int r = vfe_recv_reply(fe, request, &ack, sizeof(ack), &size, -1);

	if (r < 0)
		return r;
	if (size != sizeof(ack)) {
		g_message("back-end bug: ack for request %u has %zu bytes", request, size);
		return -EPROTO;
	}
	return ack == 0 ? 0 : -EIO;
}

int
vfe_request(VfeFrontend *fe, uint32_t request, const void *payload, size_t size, const int *fds,
            size_t nfds)
{
	bool ack = vfe_wants_ack(fe);
	uint32_t flags = VHOST_USER_VERSION | (ack ? VHOST_USER_NEED_REPLY_MASK : 0);
	int r = vfe_send_msg(fe, request, flags, payload, size, fds, nfds);

	if (r < 0 || !ack)
		return r;
	return vfe_recv_ack(fe, request);
}

int
vfe_call_fds(VfeFrontend *fe, uint32_t request, const void *payload, size_t size, const int *fds,
             size_t nfds, void *reply, size_t reply_size, size_t *got_size, int *reply_fd)
{
	int r = vfe_send_msg(fe, request, VHOST_USER_VERSION, payload, size, fds, nfds);

	if (r < 0)
		return r;
	if (reply_fd)
		return vfe_recv_reply_fd(fe, request, reply, reply_size, got_size, reply_fd, -1);
	return vfe_recv_reply(fe, request, reply, reply_size, got_size, -1);
}

int
vfe_call(VfeFrontend *fe, uint32_t request, const void *payload, size_t size, void *reply,
         size_t reply_size, size_t *got_size)
{
	return vfe_call_fds(fe, request, payload, size, NULL, 0, reply, reply_size, got_size, NULL);
}

int
vfe_call_u64(VfeFrontend *fe, uint32_t request, uint64_t *value)
{
	uint64_t v = 0;
	size_t size = 0;
	int r = vfe_call(fe, request, NULL, 0, &v, sizeof(v), &size);

	if (r < 0)
		return r;
	if (size != sizeof(v)) {
		g_message("back-end bug: reply to request %u has %zu bytes, not 8", request, size);
		return -EPROTO;
	}
	*value = v;
	return 0;
}

int
vfe_request_u64(VfeFrontend *fe, uint32_t request, uint64_t value)
{
	return vfe_request(fe, request, &value, sizeof(value), NULL, 0);
}

int
vfe_request_state(VfeFrontend *fe, uint32_t request, uint32_t index, uint32_t num)
{
	VhostUserVringState state = { .index = index, .num = num };

	return vfe_request(fe, request, &state, sizeof(state), NULL, 0);
}

int
vfe_negotiate(VfeFrontend *fe, uint64_t features_mask, uint64_t protocol_mask)
{
	const uint64_t proto_bit = 1ull << VHOST_USER_F_PROTOCOL_FEATURES;
	uint64_t features;
	int r;

	vfe_forget_negotiation(fe);
	r = vfe_call_u64(fe, VHOST_USER_GET_FEATURES, &fe->offered_features);
	if (r < 0)
		return r;
	if ((fe->offered_features & proto_bit) && (features_mask & proto_bit)) {
		uint64_t proto;

		r = vfe_call_u64(fe, VHOST_USER_GET_PROTOCOL_FEATURES, &fe->offered_protocol);
		if (r < 0)
			return r;
		proto = fe->offered_protocol & protocol_mask;
		/* QEMU never asks for an ack of SET_PROTOCOL_FEATURES itself. */
		r = vfe_send_msg(fe, VHOST_USER_SET_PROTOCOL_FEATURES, VHOST_USER_VERSION, &proto,
		                 sizeof(proto), NULL, 0);
		if (r < 0)
			return r;
		fe->protocol = proto;
	}
	r = vfe_request(fe, VHOST_USER_SET_OWNER, NULL, 0, NULL, 0);
	if (r < 0)
		return r;
	features = fe->offered_features & features_mask;
	return vfe_set_features(fe, features);
}

int
vfe_set_features(VfeFrontend *fe, uint64_t features)
{
	int r = vfe_request_u64(fe, VHOST_USER_SET_FEATURES, features);

	if (r < 0)
		return r;
	fe->features = features;
	return 0;
}

uint64_t
vfe_offered_features(VfeFrontend *fe)
{
	return fe->offered_features;
}

uint64_t
vfe_features(VfeFrontend *fe)
{
	return fe->features;
}

uint64_t
vfe_offered_protocol_features(VfeFrontend *fe)
{
	return fe->offered_protocol;
}

uint64_t
vfe_protocol_features(VfeFrontend *fe)
{
	return fe->protocol;
}

bool
vfe_has_feature(VfeFrontend *fe, unsigned int bit)
{
	return bit < 64 && (fe->features & (1ull << bit));
}

bool
vfe_has_protocol_feature(VfeFrontend *fe, unsigned int bit)
{
	return bit < 64 && (fe->protocol & (1ull << bit));
}

void
vfe_set_reply_ack(VfeFrontend *fe, bool enable)
{
	fe->reply_ack = enable;
}

int
vfe_set_status(VfeFrontend *fe, uint8_t status)
{
	return vfe_request_u64(fe, VHOST_USER_SET_STATUS, status);
}

int
vfe_get_status(VfeFrontend *fe, uint8_t *status)
{
	uint64_t v;
	int r = vfe_call_u64(fe, VHOST_USER_GET_STATUS, &v);

	if (r < 0)
		return r;
	if (v > 0xff)
		return -EPROTO;
	*status = (uint8_t)v;
	return 0;
}
