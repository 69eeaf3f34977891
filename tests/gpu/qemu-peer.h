/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's end of the GPU socket for the fuzz target: reads everything the
 * device sends, aborts on a message QEMU could not trust (a size that does
 * not match its type, an UPDATE outside the scanout it names, a request the
 * device has no business sending), and answers what QEMU answers. Serving
 * runs the default main context too, where the device's socket sources live.
 */
#pragma once

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gpu/qemu-socket.h"

/* Rounds without progress before a pending command counts as a hang. */
#define QEMU_PEER_MAX_IDLE_ROUNDS 1000

/* A fuzz finding: say which rule broke, then crash for the fuzzer. */
#define QEMU_PEER_FAIL(...)                                 \
	do {                                                \
		fprintf(stderr, "qemu-peer: " __VA_ARGS__); \
		fputc('\n', stderr);                        \
		abort();                                    \
	} while (0)

typedef struct QemuPeer {
	int fd;
	GByteArray *rx;
	uint32_t width[VD_GPU_MAX_OUTPUTS], height[VD_GPU_MAX_OUTPUTS];
} QemuPeer;

static inline void
qemu_peer_attach(QemuPeer *p, VdGpu *gpu)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		QEMU_PEER_FAIL("socketpair: %s", g_strerror(errno));
	memset(p, 0, sizeof(*p));
	p->fd = sv[1];
	p->rx = g_byte_array_new();
	vd_gpu_qemu_attach(gpu, sv[0]);
}

static inline void
qemu_peer_detach(QemuPeer *p)
{
	close(p->fd);
	g_byte_array_unref(p->rx);
	p->rx = NULL;
}

static inline void
qemu_peer_reply(QemuPeer *p, uint32_t request, const void *payload, uint32_t len)
{
	VdGpuMsgHdr hdr = { request, VD_GPU_MSG_FLAG_REPLY, len };
	struct iovec iov[2] = { { &hdr, sizeof(hdr) }, { (void *)payload, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	/* Replies are small: the socket always has room for them. */
	if (sendmsg(p->fd, &mh, MSG_NOSIGNAL) != (ssize_t)(sizeof(hdr) + len))
		QEMU_PEER_FAIL("reply %u did not fit the socket", request);
}

static inline void
qemu_peer_check_update(QemuPeer *p, const uint8_t *payload, uint32_t size)
{
	VdGpuMsgUpdate up;

	if (size < sizeof(up))
		QEMU_PEER_FAIL("UPDATE of %u bytes", size);
	memcpy(&up, payload, sizeof(up));
	if ((uint64_t)size != sizeof(up) + (uint64_t)up.width * up.height * 4)
		QEMU_PEER_FAIL("UPDATE %ux%u in %u bytes", up.width, up.height, size);
	if (up.scanout_id >= VD_GPU_MAX_OUTPUTS || up.width == 0 || up.height == 0 ||
	    (uint64_t)up.x + up.width > p->width[up.scanout_id] ||
	    (uint64_t)up.y + up.height > p->height[up.scanout_id])
		QEMU_PEER_FAIL("UPDATE %ux%u+%u+%u on scanout %u (%ux%u)", up.width, up.height,
		               up.x, up.y, up.scanout_id,
		               up.scanout_id < VD_GPU_MAX_OUTPUTS ? p->width[up.scanout_id] : 0,
		               up.scanout_id < VD_GPU_MAX_OUTPUTS ? p->height[up.scanout_id] : 0);
}

/* One message from the device; aborts on what QEMU could not trust. */
static inline void
qemu_peer_handle(QemuPeer *p, const VdGpuMsgHdr *hdr, const uint8_t *payload)
{
	VdGpuMsgScanout so;

	if (hdr->flags != 0)
		QEMU_PEER_FAIL("request %u with flags 0x%x", hdr->request, hdr->flags);
	switch (hdr->request) {
	case VD_GPU_MSG_GET_PROTOCOL_FEATURES: {
		uint64_t features = 1ull << VD_GPU_PROTOCOL_F_EDID;

		qemu_peer_reply(p, hdr->request, &features, sizeof(features));
		break;
	}
	case VD_GPU_MSG_SET_PROTOCOL_FEATURES:
		if (hdr->size != sizeof(uint64_t))
			QEMU_PEER_FAIL("SET_PROTOCOL_FEATURES of %u bytes", hdr->size);
		break;
	case VD_GPU_MSG_GET_DISPLAY_INFO: {
		struct virtio_gpu_resp_display_info info = { 0 };

		for (unsigned int i = 0; i < 2; i++)
			info.pmodes[i] = (struct virtio_gpu_display_one){ { 0, 0, 64, 48 }, 1, 0 };
		qemu_peer_reply(p, hdr->request, &info, sizeof(info));
		break;
	}
	case VD_GPU_MSG_GET_EDID: {
		struct virtio_gpu_resp_edid edid = { .size = 128 };

		if (hdr->size != sizeof(VdGpuMsgEdidRequest))
			QEMU_PEER_FAIL("GET_EDID of %u bytes", hdr->size);
		memset(edid.edid, 0xa5, 128);
		qemu_peer_reply(p, hdr->request, &edid, sizeof(edid));
		break;
	}
	case VD_GPU_MSG_SCANOUT:
		if (hdr->size != sizeof(so))
			QEMU_PEER_FAIL("SCANOUT of %u bytes", hdr->size);
		memcpy(&so, payload, sizeof(so));
		if (so.scanout_id >= VD_GPU_MAX_OUTPUTS)
			QEMU_PEER_FAIL("SCANOUT for scanout %u", so.scanout_id);
		p->width[so.scanout_id] = so.width;
		p->height[so.scanout_id] = so.height;
		break;
	case VD_GPU_MSG_UPDATE:
		qemu_peer_check_update(p, payload, hdr->size);
		break;
	case VD_GPU_MSG_CURSOR_POS:
	case VD_GPU_MSG_CURSOR_POS_HIDE:
		if (hdr->size != sizeof(VdGpuMsgCursorPos))
			QEMU_PEER_FAIL("cursor position of %u bytes", hdr->size);
		break;
	case VD_GPU_MSG_CURSOR_UPDATE:
		if (hdr->size != sizeof(VdGpuMsgCursorUpdate))
			QEMU_PEER_FAIL("CURSOR_UPDATE of %u bytes", hdr->size);
		break;
	default:
		/* dmabufs need --dmabuf, which the fuzz device does not have. */
		QEMU_PEER_FAIL("unexpected request %u", hdr->request);
	}
}

/* Reads what is there; true if anything was. */
static inline bool
qemu_peer_read(QemuPeer *p)
{
	uint8_t buf[65536];
	bool got = false;

	for (;;) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_byte_array_append(p->rx, buf, (guint)n);
		got = true;
	}
	while (p->rx->len >= sizeof(VdGpuMsgHdr)) {
		VdGpuMsgHdr hdr;

		memcpy(&hdr, p->rx->data, sizeof(hdr));
		if (p->rx->len - sizeof(hdr) < hdr.size)
			break;
		qemu_peer_handle(p, &hdr, p->rx->data + sizeof(hdr));
		g_byte_array_remove_range(p->rx, 0, (guint)(sizeof(hdr) + hdr.size));
	}
	return got;
}

/*
 * Runs the device's sources and reads its messages until both are quiet and
 * cmd (may be NULL) is answered; aborts if cmd stays pending with nothing
 * moving, as the peer answers everything forwarded.
 */
static inline void
qemu_peer_serve(QemuPeer *p, const VdGpuCmd *cmd)
{
	unsigned int idle = 0;

	while (idle < QEMU_PEER_MAX_IDLE_ROUNDS) {
		bool moved = false;

		while (g_main_context_iteration(NULL, FALSE))
			moved = true;
		if (qemu_peer_read(p))
			moved = true;
		if (!moved && (!cmd || !cmd->pending))
			return;
		idle = moved ? 0 : idle + 1;
	}
	QEMU_PEER_FAIL("a command stays pending with nothing moving");
}
