/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Framing of vhost-user messages on a stream socket: a 12-byte header, its
 * payload, and file descriptors in ancillary data. Reading never blocks, so a
 * front-end that stops halfway through a message cannot hang the daemon.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vhost-private.h"

void
vhost_close_fds(int *fds, unsigned int nfds)
{
	for (unsigned int i = 0; i < nfds; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

void
vhost_msg_reader_reset(VhostMsgReader *r)
{
	vhost_close_fds(r->fds, r->nfds);
	r->nfds = 0;
	r->have = 0;
}

/* Takes the fds out of a received control message; false if there were too many. */
static bool
collect_fds(VhostMsgReader *r, struct msghdr *msg)
{
	bool ok = !(msg->msg_flags & MSG_CTRUNC);

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[VHOST_USER_MAX_FDS * 2];
		n = MIN(n, G_N_ELEMENTS(fds));
		memcpy(fds, CMSG_DATA(c), n * sizeof(int));
		for (size_t i = 0; i < n; i++) {
			if (r->nfds < VHOST_USER_MAX_FDS) {
				r->fds[r->nfds++] = fds[i];
			} else {
				close(fds[i]);
				ok = false;
			}
		}
	}
	return ok;
}

int
vhost_msg_read(int fd, VhostMsgReader *r)
{
	for (;;) {
		const VhostUserHeader *hdr = (const VhostUserHeader *)r->buf;
		size_t want;

		if (r->have < VHOST_USER_HDR_SIZE) {
			want = VHOST_USER_HDR_SIZE - r->have;
		} else {
			if ((hdr->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
			    hdr->size > VHOST_USER_MAX_PAYLOAD)
				return -EPROTO;
			want = VHOST_USER_HDR_SIZE + hdr->size - r->have;
			if (want == 0)
				return 1;
		}

		union {
			char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
			struct cmsghdr align;
		} control;
		struct iovec iov = { r->buf + r->have, want };
		struct msghdr msg = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		if (!collect_fds(r, &msg))
			return -EPROTO;
		r->have += (size_t)n;
	}
}

static int
wait_writable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int ret;

	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -EPIPE;
	return 0;
}

int
vhost_msg_write(int fd, uint32_t request, uint32_t flags, const void *payload, uint32_t size,
                const int *fds, unsigned int nfds, int timeout_ms)
{
	VhostUserHeader hdr = { request, flags, size };
	struct iovec iov[2] = { { &hdr, sizeof(hdr) }, { (void *)payload, size } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = size ? 2 : 1 };
	size_t total = sizeof(hdr) + size, sent = 0;

	g_return_val_if_fail(nfds <= VHOST_USER_MAX_FDS, -EINVAL);
	if (nfds) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	while (sent < total) {
		ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				int ret = wait_writable(fd, timeout_ms);
				if (ret < 0)
					return ret;
				continue;
			}
			return -errno;
		}
		sent += (size_t)n;
		/* fds went with the first bytes; advance the iovecs past what was sent. */
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
		while (n > 0 && msg.msg_iovlen > 0) {
			size_t step = MIN((size_t)n, msg.msg_iov->iov_len);
			msg.msg_iov->iov_base = (uint8_t *)msg.msg_iov->iov_base + step;
			msg.msg_iov->iov_len -= step;
			n -= (ssize_t)step;
			if (msg.msg_iov->iov_len == 0) {
				msg.msg_iov++;
				msg.msg_iovlen--;
			}
		}
	}
	return 0;
}
