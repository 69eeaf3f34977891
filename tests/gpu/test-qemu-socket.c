/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU GPU socket against a peer that plays QEMU's side on a socketpair:
 * handshake, SCANOUT and UPDATE with the pixels checked, cursor messages,
 * forwarded GET_DISPLAY_INFO, a GET_EDID that is never answered, a peer
 * that goes away; dmabuf scanouts (--dmabuf), with a memfd standing in for
 * the texture a GPU would export, and 2D ones through /dev/udmabuf where the
 * kernel has it (else skipped here; tests/e2e/udmabuf.sh runs them in a guest).
 */
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpu-test.h"
#include "gpu/qemu-socket.h"

typedef struct {
	TgRam ram;
	VdGpu *gpu;
	int peer;
	int daemon_fd;   /* the daemon's end, owned by qemu */
	VdGpuQemu *qemu; /* the GPU's display, owned by the GPU */
	GByteArray *rx;
	GPtrArray *completed; /* VdGpuCmd copies */
} Fixture;

static void
complete_cb(VdGpu *gpu, VdGpuCmd *cmd, void *user_data)
{
	Fixture *f = user_data;

	g_ptr_array_add(f->completed, g_memdup2(cmd, sizeof(*cmd)));
}

/* Reads one whole message, running the daemon side's main loop meanwhile. */
static bool
peer_read(Fixture *f, VdGpuMsgHdr *hdr, GBytes **payload, int timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;

	for (;;) {
		struct pollfd pfd = { f->peer, POLLIN, 0 };
		uint8_t buf[65536];
		ssize_t n;

		if (f->rx->len >= sizeof(*hdr)) {
			memcpy(hdr, f->rx->data, sizeof(*hdr));
			if (f->rx->len >= sizeof(*hdr) + hdr->size) {
				*payload = g_bytes_new(f->rx->data + sizeof(*hdr), hdr->size);
				g_byte_array_remove_range(f->rx, 0, sizeof(*hdr) + hdr->size);
				return true;
			}
		}
		while (g_main_context_iteration(NULL, FALSE))
			;
		if (g_get_monotonic_time() > deadline)
			return false;
		if (poll(&pfd, 1, 5) == 1) {
			n = recv(f->peer, buf, sizeof(buf), MSG_DONTWAIT);
			if (n <= 0)
				return false;
			g_byte_array_append(f->rx, buf, (guint)n);
		}
	}
}

static void
peer_expect(Fixture *f, uint32_t request, GBytes **payload)
{
	VdGpuMsgHdr hdr;
	GBytes *p = NULL;

	g_assert_true(peer_read(f, &hdr, &p, 3000));
	g_assert_cmpuint(hdr.request, ==, request);
	g_assert_cmpuint(hdr.flags, ==, 0);
	if (payload)
		*payload = p;
	else
		g_bytes_unref(p);
}

static void
peer_reply(Fixture *f, uint32_t request, const void *data, size_t len)
{
	VdGpuMsgHdr hdr = { request, VD_GPU_MSG_FLAG_REPLY, (uint32_t)len };

	g_assert_cmpint(send(f->peer, &hdr, sizeof(hdr), 0), ==, sizeof(hdr));
	if (len)
		g_assert_cmpint(send(f->peer, data, len, 0), ==, (ssize_t)len);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
	VdGpuOptions opts;
	int sv[2];
	GBytes *p;
	uint64_t features = (1ull << VD_GPU_PROTOCOL_F_EDID) | (1ull << VD_GPU_PROTOCOL_F_DMABUF2);

	vd_gpu_options_init(&opts);
	opts.num_outputs = 2;
	opts.forward_timeout_ms = 200;
	opts.dmabuf = data != NULL;
	tg_ram_init(&f->ram);
	f->gpu = vd_gpu_new(&opts);
	f->rx = g_byte_array_new();
	f->completed = g_ptr_array_new_with_free_func(g_free);
	vd_gpu_set_memory(f->gpu, tg_map_sg, &f->ram);
	vd_gpu_set_complete_func(f->gpu, complete_cb, f);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	f->peer = sv[1];
	f->daemon_fd = sv[0];
	f->qemu = vd_gpu_qemu_attach(f->gpu, sv[0]);
	/* The test does the handshake itself. */
	if (data && strcmp(data, "dmabuf-late") == 0)
		return;

	/* The handshake QEMU's front-end expects. */
	peer_expect(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, NULL);
	peer_reply(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, &features, sizeof(features));
	peer_expect(f, VD_GPU_MSG_SET_PROTOCOL_FEATURES, &p);
	g_assert_cmpuint(g_bytes_get_size(p), ==, 8);
	/* Only what we speak: EDID, and DMABUF2 with --dmabuf. */
	g_assert_cmphex(*(const uint64_t *)g_bytes_get_data(p, NULL), ==,
	                (1ull << VD_GPU_PROTOCOL_F_EDID) |
	                        (data ? 1ull << VD_GPU_PROTOCOL_F_DMABUF2 : 0));
	g_bytes_unref(p);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	vd_gpu_free(f->gpu);
	if (f->peer >= 0)
		close(f->peer);
	g_byte_array_unref(f->rx);
	g_ptr_array_unref(f->completed);
	tg_ram_clear(&f->ram);
}

static uint32_t
pattern(uint32_t x, uint32_t y)
{
	return (x * 3 + y * 1000) * 2654435761u >> 8;
}

/* A w x h resource filled with pattern() (as 0x00RRGGBB words). */
static void
make_resource(Fixture *f, uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
	struct virtio_gpu_mem_entry e = { TG_RAM_BASE, w * h * 4 };

	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t v = pattern(x, y);

			tg_ram_write(&f->ram, TG_RAM_BASE + ((uint64_t)y * w + x) * 4, &v, 4);
		}
	}
	g_assert_cmphex(tg_create_2d(f->gpu, id, format, w, h), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_attach(f->gpu, id, &e, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_transfer(f->gpu, id, 0, 0, w, h, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
}

static void
expect_update(Fixture *f, uint32_t scanout, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
              uint32_t src_x, uint32_t src_y, bool swap_rb)
{
	GBytes *p;
	const uint8_t *d;
	VdGpuMsgUpdate up;
	const uint32_t *px;

	peer_expect(f, VD_GPU_MSG_UPDATE, &p);
	d = g_bytes_get_data(p, NULL);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(up) + (size_t)w * h * 4);
	memcpy(&up, d, sizeof(up));
	g_assert_cmpuint(up.scanout_id, ==, scanout);
	g_assert_cmpuint(up.x, ==, x);
	g_assert_cmpuint(up.y, ==, y);
	g_assert_cmpuint(up.width, ==, w);
	g_assert_cmpuint(up.height, ==, h);
	px = (const uint32_t *)(d + sizeof(up));
	for (uint32_t j = 0; j < h; j++) {
		for (uint32_t i = 0; i < w; i++) {
			uint32_t v = pattern(src_x + i, src_y + j), got = px[j * w + i] & 0xffffff;

			if (swap_rb)
				v = (v & 0xff00) | (v >> 16 & 0xff) | (v & 0xff) << 16;
			if (got != (v & 0xffffff))
				g_error("pixel %u,%u: %06x, want %06x", i, j, got, v & 0xffffff);
		}
	}
	g_bytes_unref(p);
}

static void
expect_scanout(Fixture *f, uint32_t id, uint32_t w, uint32_t h)
{
	GBytes *p;
	VdGpuMsgScanout s;

	peer_expect(f, VD_GPU_MSG_SCANOUT, &p);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(s));
	memcpy(&s, g_bytes_get_data(p, NULL), sizeof(s));
	g_assert_cmpuint(s.scanout_id, ==, id);
	g_assert_cmpuint(s.width, ==, w);
	g_assert_cmpuint(s.height, ==, h);
	g_bytes_unref(p);
}

/* The DMABUF_SCANOUT without an fd that ends a dmabuf scanout in QEMU. */
static void
expect_dmabuf_release(Fixture *f, uint32_t scanout_id)
{
	VdGpuMsgDmabufScanout m;
	GBytes *p;

	peer_expect(f, VD_GPU_MSG_DMABUF_SCANOUT, &p);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(m));
	memcpy(&m, g_bytes_get_data(p, NULL), sizeof(m));
	g_bytes_unref(p);
	g_assert_cmpuint(m.scanout_id, ==, scanout_id);
}

static void
test_full_frame(Fixture *f, gconstpointer data)
{
	make_resource(f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1920, 1080);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0, 0, 1920, 1080), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	expect_scanout(f, 0, 1920, 1080);
	/* 8 MB: more than the socket holds, so it drains from the main loop. */
	g_assert_cmphex(tg_flush(f->gpu, 1, 0, 0, 1920, 1080), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_update(f, 0, 0, 0, 1920, 1080, 0, 0, false);
	/* A partial rectangle: rows from the middle of the image. */
	g_assert_cmphex(tg_flush(f->gpu, 1, 100, 200, 33, 17), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_update(f, 0, 100, 200, 33, 17, 100, 200, false);
	g_assert_cmpuint(vd_gpu_qemu_queued_bytes(f->qemu), ==, 0);
}

static void
test_updates_merge(Fixture *f, gconstpointer data)
{
	GBytes *p;
	VdGpuMsgUpdate up;

	make_resource(f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1920, 1080);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0, 0, 1920, 1080), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	expect_scanout(f, 0, 1920, 1080);
	/* A small socket buffer, so a frame cannot go out at once... */
	{
		int sndbuf = 65536;

		g_assert_cmpint(
		        setsockopt(f->daemon_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)),
		        ==, 0);
	}
	g_assert_cmphex(tg_flush(f->gpu, 1, 0, 0, 1920, 1080), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmpuint(vd_gpu_qemu_queued_bytes(f->qemu), >, 0);
	/* ...so these two wait whole, and become one UPDATE of their union. */
	g_assert_cmphex(tg_flush(f->gpu, 1, 10, 20, 30, 40), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_flush(f->gpu, 1, 100, 5, 10, 10), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_update(f, 0, 0, 0, 1920, 1080, 0, 0, false);
	peer_expect(f, VD_GPU_MSG_UPDATE, &p);
	memcpy(&up, g_bytes_get_data(p, NULL), sizeof(up));
	g_assert_cmpuint(up.x, ==, 10);
	g_assert_cmpuint(up.y, ==, 5);
	g_assert_cmpuint(up.width, ==, 100);
	g_assert_cmpuint(up.height, ==, 55);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(up) + 100 * 55 * 4);
	g_assert_cmphex(
	        ((const uint32_t *)((const uint8_t *)g_bytes_get_data(p, NULL) + sizeof(up)))[0] &
	                0xffffff,
	        ==, pattern(10, 5));
	g_bytes_unref(p);
	g_assert_cmpuint(vd_gpu_qemu_queued_bytes(f->qemu), ==, 0);
}

static void
test_scanout_offset_and_format(Fixture *f, gconstpointer data)
{
	/* R8G8B8X8 is converted to x8r8g8b8 for QEMU: R and B swap places. */
	make_resource(f, 2, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, 128, 64);
	g_assert_cmphex(tg_set_scanout(f->gpu, 1, 2, 64, 32, 64, 32), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	expect_scanout(f, 1, 64, 32);
	/* Half outside the scanout: only the visible part, in scanout coordinates. */
	g_assert_cmphex(tg_flush(f->gpu, 2, 32, 16, 64, 32), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_update(f, 1, 0, 0, 32, 16, 64, 32, true);
	/* Not on the scanout at all: nothing is sent. */
	g_assert_cmphex(tg_flush(f->gpu, 2, 0, 0, 16, 16), ==, VIRTIO_GPU_RESP_OK_NODATA);
	/* Unref disables the scanout (SCANOUT 0x0). */
	{
		struct virtio_gpu_resource_unref u = {
			.hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
			.resource_id = 2,
		};
		VdGpuCmd cmd;

		g_assert_cmphex(tg_ctrl(f->gpu, &u, sizeof(u), &cmd), ==,
		                VIRTIO_GPU_RESP_OK_NODATA);
	}
	expect_scanout(f, 1, 0, 0);
}

static void
test_cursor(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_update_cursor c = {
		.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR,
		.pos = { .scanout_id = 1, .x = 10, .y = 20 },
		.resource_id = 3,
		.hot_x = 4,
		.hot_y = 5,
	};
	VdGpuMsgCursorUpdate up;
	VdGpuMsgCursorPos pos;
	VdGpuCmd cmd;
	GBytes *p;

	make_resource(f, 3, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64);
	vd_gpu_cmd_init(&cmd, &c, sizeof(c));
	vd_gpu_process_cursor(f->gpu, &cmd);
	peer_expect(f, VD_GPU_MSG_CURSOR_UPDATE, &p);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(up));
	memcpy(&up, g_bytes_get_data(p, NULL), sizeof(up));
	g_bytes_unref(p);
	g_assert_cmpuint(up.pos.scanout_id, ==, 1);
	g_assert_cmpuint(up.pos.x, ==, 10);
	g_assert_cmpuint(up.pos.y, ==, 20);
	g_assert_cmpuint(up.hot_x, ==, 4);
	g_assert_cmpuint(up.hot_y, ==, 5);
	g_assert_cmphex(up.data[7 * 64 + 9], ==, pattern(9, 7));

	c.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR;
	c.pos.x = 30;
	vd_gpu_cmd_init(&cmd, &c, sizeof(c));
	vd_gpu_process_cursor(f->gpu, &cmd);
	peer_expect(f, VD_GPU_MSG_CURSOR_POS, &p);
	memcpy(&pos, g_bytes_get_data(p, NULL), sizeof(pos));
	g_bytes_unref(p);
	g_assert_cmpuint(pos.x, ==, 30);
	g_assert_cmpuint(pos.y, ==, 20);

	c.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR;
	c.resource_id = 0;
	vd_gpu_cmd_init(&cmd, &c, sizeof(c));
	vd_gpu_process_cursor(f->gpu, &cmd);
	peer_expect(f, VD_GPU_MSG_CURSOR_POS_HIDE, NULL);
}

static void
wait_completed(Fixture *f, guint n, int timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;

	while (f->completed->len < n && g_get_monotonic_time() < deadline)
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(1000);
	g_assert_cmpuint(f->completed->len, ==, n);
}

static void
test_display_info_forwarded(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_ctrl_hdr req = {
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
		.flags = VIRTIO_GPU_FLAG_FENCE,
		.fence_id = 42,
	};
	struct virtio_gpu_resp_display_info qinfo = { 0 };
	const struct virtio_gpu_resp_display_info *info;
	const VdGpuCmd *done;
	VdGpuCmd cmd;

	g_assert_cmpuint(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==, 0);
	g_assert_true(cmd.pending);
	peer_expect(f, VD_GPU_MSG_GET_DISPLAY_INFO, NULL);
	qinfo.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
	qinfo.hdr.fence_id = 999; /* QEMU's header is not the guest's */
	qinfo.pmodes[0] = (struct virtio_gpu_display_one){ { 0, 0, 1920, 1080 }, 1, 0 };
	qinfo.pmodes[1] = (struct virtio_gpu_display_one){ { 0, 0, 800, 600 }, 0, 0 };
	qinfo.pmodes[2] = (struct virtio_gpu_display_one){ { 0, 0, 640, 480 }, 1, 0 };
	peer_reply(f, VD_GPU_MSG_GET_DISPLAY_INFO, &qinfo, sizeof(qinfo));
	wait_completed(f, 1, 2000);
	done = f->completed->pdata[0];
	info = (const void *)done->resp;
	g_assert_cmpuint(done->resp_len, ==, sizeof(*info));
	g_assert_cmphex(info->hdr.type, ==, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(info->hdr.fence_id, ==, 42);
	g_assert_cmpuint(info->pmodes[0].r.width, ==, 1920);
	g_assert_cmpuint(info->pmodes[0].enabled, ==, 1);
	g_assert_cmpuint(info->pmodes[1].enabled, ==, 0);
	/* We have two outputs: a third is not offered. */
	g_assert_cmpuint(info->pmodes[2].enabled, ==, 0);
	g_assert_cmpuint(info->pmodes[2].r.width, ==, 0);
	/* Remembered as the outputs' state. */
	g_assert_cmpuint(f->gpu->outputs[0].width, ==, 1920);
	g_assert_false(f->gpu->outputs[1].connected);

	/*
	 * A socket replaced (QEMU after stop/cont) while a request waits: the
	 * request is answered locally then, not left holding the queue.
	 */
	g_assert_cmpuint(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==, 0);
	peer_expect(f, VD_GPU_MSG_GET_DISPLAY_INFO, NULL);
	/* Back to headless: the socket goes. */
	vd_gpu_set_display(f->gpu, NULL, NULL);
	f->qemu = NULL;
	g_assert_cmpuint(f->completed->len, ==, 2);
	done = f->completed->pdata[1];
	g_assert_cmphex(((const struct virtio_gpu_ctrl_hdr *)done->resp)->type, ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
}

static void
test_edid_never_answered(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_cmd_get_edid req = {
		.hdr.type = VIRTIO_GPU_CMD_GET_EDID,
		.scanout = 1,
	};
	const struct virtio_gpu_resp_edid *edid;
	struct virtio_gpu_resp_edid qedid = { 0 };
	VdGpuCmd cmd;
	gint64 start = g_get_monotonic_time();

	g_assert_cmpuint(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==, 0);
	g_assert_true(cmd.pending);
	peer_expect(f, VD_GPU_MSG_GET_EDID, NULL);
	/* The peer says nothing: the timeout answers with our own EDID. */
	wait_completed(f, 1, 3000);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 2000000);
	edid = (const void *)((const VdGpuCmd *)f->completed->pdata[0])->resp;
	g_assert_cmphex(edid->hdr.type, ==, VIRTIO_GPU_RESP_OK_EDID);
	g_assert_cmpuint(edid->size, ==, 128);
	g_assert_cmphex(edid->edid[1], ==, 0xff);
	/* That scanout is answered locally from now on, at once. */
	g_assert_cmphex(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==, VIRTIO_GPU_RESP_OK_EDID);

	/* Scanout 0 is still forwarded, and QEMU's answer used. */
	req.scanout = 0;
	g_assert_cmpuint(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==, 0);
	peer_expect(f, VD_GPU_MSG_GET_EDID, NULL);
	qedid.hdr.type = VIRTIO_GPU_RESP_OK_EDID;
	qedid.size = 256;
	qedid.edid[0] = 0x5a;
	peer_reply(f, VD_GPU_MSG_GET_EDID, &qedid, sizeof(qedid));
	wait_completed(f, 2, 2000);
	edid = (const void *)((const VdGpuCmd *)f->completed->pdata[1])->resp;
	g_assert_cmpuint(edid->size, ==, 256);
	g_assert_cmphex(edid->edid[0], ==, 0x5a);
}

static void
test_peer_goes_away(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
	const struct virtio_gpu_resp_display_info *info;
	VdGpuCmd cmd;

	g_assert_cmpuint(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==, 0);
	close(f->peer);
	f->peer = -1;
	/* Answered locally as soon as the socket is found closed. */
	wait_completed(f, 1, 150);
	info = (const void *)((const VdGpuCmd *)f->completed->pdata[0])->resp;
	g_assert_cmphex(info->hdr.type, ==, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(info->pmodes[0].r.width, ==, 1280);
	g_assert_true(vd_gpu_qemu_is_broken(f->qemu));
	/* Everything else goes on without a display. */
	make_resource(f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0, 0, 64, 64), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_flush(f->gpu, 1, 0, 0, 64, 64), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
}

/* Receives bytes with recvmsg, keeping the fd that comes along, into f->rx. */
static int
peer_recv_fd(Fixture *f, int timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;
	int fd = -1;

	while (fd < 0 && g_get_monotonic_time() < deadline) {
		struct pollfd pfd = { f->peer, POLLIN, 0 };
		uint8_t buf[4096];
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(int))];
		} control;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov,
			             .msg_iovlen = 1,
			             .msg_control = control.buf,
			             .msg_controllen = sizeof(control.buf) };
		struct cmsghdr *c;
		ssize_t n;

		while (g_main_context_iteration(NULL, FALSE))
			;
		if (poll(&pfd, 1, 5) != 1)
			continue;
		n = recvmsg(f->peer, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n <= 0)
			break;
		g_byte_array_append(f->rx, buf, (guint)n);
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	}
	return fd;
}

/* The guest's flush of a dmabuf scanout: a DMABUF_UPDATE, and cmd waits. */
static void
flush_expect_dmabuf_update(Fixture *f, const struct virtio_gpu_resource_flush *fl, VdGpuCmd *cmd,
                           VdGpuMsgUpdate *up)
{
	GBytes *p;

	g_assert_cmphex(tg_ctrl(f->gpu, fl, sizeof(*fl), cmd), ==, 0);
	g_assert_true(cmd->pending);
	peer_expect(f, VD_GPU_MSG_DMABUF_UPDATE, &p);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(*up));
	memcpy(up, g_bytes_get_data(p, NULL), sizeof(*up));
	g_bytes_unref(p);
}

/*
 * --dmabuf: DMABUF_SCANOUT2 carries the buffer's fd and layout; a flush of a
 * dmabuf scanout is a DMABUF_UPDATE, and the guest's command waits for QEMU's
 * reply; a QEMU that never replies (no GL display) gets pixels again.
 */
static void
test_dmabuf(Fixture *f, gconstpointer data)
{
	const struct virtio_gpu_rect r = { 0, 0, 64, 32 };
	struct virtio_gpu_resource_flush fl = {
		.hdr = { .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		         .flags = VIRTIO_GPU_FLAG_FENCE,
		         .fence_id = 7 },
		.r = r,
		.resource_id = 1,
	};
	VdDmabuf buf = { .fd = memfd_create("dmabuf", MFD_CLOEXEC),
		         .width = 64,
		         .height = 32,
		         .stride = 256,
		         .fourcc = 0x34325258,
		         .modifier = 0,
		         .y_0_top = true };
	g_autofree VdGpuCmd *cmd = g_new(VdGpuCmd, 1);
	struct stat ours, theirs;
	VdGpuMsgDmabufScanout2 m;
	VdGpuMsgUpdate up;
	VdGpuMsgHdr hdr;
	GBytes *p;
	int fd;

	/* Scanout 1 shows resource 1; on a GPU the device sends its texture next. */
	make_resource(f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 32);
	g_assert_cmphex(tg_set_scanout(f->gpu, 1, 1, 0, 0, 64, 32), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_scanout(f, 1, 64, 32);
	g_assert_cmpint(fstat(buf.fd, &ours), ==, 0);
	g_assert_true(vd_gpu_qemu_dmabuf_scanout(f->qemu, 1, &r, &buf));
	g_assert_cmpint(buf.fd, ==, -1);
	fd = peer_recv_fd(f, 3000);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(fstat(fd, &theirs), ==, 0);
	g_assert_cmpuint(theirs.st_ino, ==, ours.st_ino);
	close(fd);
	g_assert_true(peer_read(f, &hdr, &p, 3000));
	g_assert_cmpuint(hdr.request, ==, VD_GPU_MSG_DMABUF_SCANOUT2);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(m));
	memcpy(&m, g_bytes_get_data(p, NULL), sizeof(m));
	g_bytes_unref(p);
	g_assert_cmpuint(m.dmabuf.scanout_id, ==, 1);
	g_assert_cmpuint(m.dmabuf.width, ==, 64);
	g_assert_cmpuint(m.dmabuf.fd_stride, ==, 256);
	g_assert_cmpuint(m.dmabuf.fd_flags, ==, VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP);
	g_assert_cmphex(m.dmabuf.fd_drm_fourcc, ==, 0x34325258);
	g_assert_cmphex(m.modifier, ==, 0);

	/* The device's flush of a dmabuf scanout: no pixels, and it waits. */
	f->gpu->scanouts[1].dmabuf = true; /* as vd_gpu_display_dmabuf_scanout does on a GPU */
	flush_expect_dmabuf_update(f, &fl, cmd, &up);
	g_assert_cmpuint(up.scanout_id, ==, 1);
	g_assert_cmpuint(up.width, ==, 64);
	g_assert_cmpuint(f->completed->len, ==, 0);
	peer_reply(f, VD_GPU_MSG_DMABUF_UPDATE, NULL, 0);
	wait_completed(f, 1, 2000);
	{
		const VdGpuCmd *done = g_ptr_array_index(f->completed, 0);
		const struct virtio_gpu_ctrl_hdr *h = (const void *)done->resp;

		g_assert_cmphex(h->type, ==, VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_cmpuint(h->fence_id, ==, 7);
	}

	/* No reply within the timeout: the flush completes, and pixels it is from now. */
	g_assert_cmphex(tg_ctrl(f->gpu, &fl, sizeof(fl), cmd), ==, 0);
	peer_expect(f, VD_GPU_MSG_DMABUF_UPDATE, NULL);
	wait_completed(f, 2, 2000);
	g_assert_false(vd_gpu_qemu_dmabuf_ok(f->qemu));
	g_assert_cmphex(tg_ctrl(f->gpu, &fl, sizeof(fl), cmd), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_dmabuf_release(f, 1);
	expect_scanout(f, 1, 64, 32);
	expect_update(f, 1, 0, 0, 64, 32, 0, 0, false);
	buf.fd = memfd_create("dmabuf", MFD_CLOEXEC);
	g_assert_false(vd_gpu_qemu_dmabuf_scanout(f->qemu, 1, &r, &buf));
	g_assert_cmpint(buf.fd, ==, -1);
}

/* Checks the first w x h pixels of a 4-byte-per-pixel buffer against pattern() + add. */
static void
check_pixels(const uint8_t *base, uint32_t stride, uint32_t w, uint32_t h, uint32_t add)
{
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t got, want = (pattern(x, y) + add) & 0xffffff;

			memcpy(&got, base + (size_t)y * stride + (size_t)x * 4, 4);
			if ((got & 0xffffff) != want)
				g_error("pixel %u,%u: %06x, want %06x", x, y, got & 0xffffff, want);
		}
	}
}

/* The DMABUF_SCANOUT2 that must follow, with its fd. */
static int
expect_dmabuf_scanout(Fixture *f, VdGpuMsgDmabufScanout2 *m)
{
	VdGpuMsgHdr hdr;
	GBytes *p;
	int fd = peer_recv_fd(f, 3000);

	g_assert_cmpint(fd, >=, 0);
	g_assert_true(peer_read(f, &hdr, &p, 3000));
	g_assert_cmpuint(hdr.request, ==, VD_GPU_MSG_DMABUF_SCANOUT2);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(*m));
	memcpy(m, g_bytes_get_data(p, NULL), sizeof(*m));
	g_bytes_unref(p);
	return fd;
}

/* Opens /dev/udmabuf for f's device; false (and the case skipped) where it cannot. */
static bool
udmabuf_or_skip(Fixture *f)
{
	g_autoptr(GError) error = NULL;

	if (vd_gpu_udmabuf_open(f->gpu, &error))
		return true;
	g_test_skip(error->message);
	return false;
}

/*
 * --dmabuf in 2D where /dev/udmabuf exists (a kernel with CONFIG_UDMABUF;
 * tests/e2e/udmabuf.sh runs this in a guest that has one): SET_SCANOUT sends
 * the resource's pixels as a dmabuf, TRANSFER_TO_HOST_2D writes into what
 * QEMU maps, a flush is a DMABUF_UPDATE answered by QEMU, and the dmabuf
 * outlives the resource.
 */
static void
test_udmabuf(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_flush fl = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		.r = { 8, 4, 16, 8 },
		.resource_id = 1,
	};
	struct virtio_gpu_resource_unref unref = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
		.resource_id = 1,
	};
	g_autofree VdGpuCmd *cmd = g_new(VdGpuCmd, 1);
	VdGpuMsgDmabufScanout2 m;
	VdGpuMsgUpdate up;
	uint8_t *map;
	int fd;

	if (!udmabuf_or_skip(f))
		return;
	make_resource(f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 32);
	g_assert_cmphex(tg_set_scanout(f->gpu, 1, 1, 0, 0, 64, 32), ==, VIRTIO_GPU_RESP_OK_NODATA);
	fd = expect_dmabuf_scanout(f, &m);
	g_assert_true(f->gpu->scanouts[1].dmabuf);
	g_assert_cmpuint(m.dmabuf.scanout_id, ==, 1);
	g_assert_cmpuint(m.dmabuf.width, ==, 64);
	g_assert_cmpuint(m.dmabuf.height, ==, 32);
	g_assert_cmpuint(m.dmabuf.fd_width, ==, 64);
	g_assert_cmpuint(m.dmabuf.fd_height, ==, 32);
	g_assert_cmpuint(m.dmabuf.fd_stride, ==, 256);
	g_assert_cmpuint(m.dmabuf.fd_flags, ==, VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP);
	g_assert_cmphex(m.dmabuf.fd_drm_fourcc, ==, 0x34325258); /* XR24 */
	g_assert_cmphex(m.modifier, ==, 0);                      /* linear */
	map = mmap(NULL, 256 * 32, PROT_READ, MAP_SHARED, fd, 0);
	g_assert_true(map != MAP_FAILED);
	check_pixels(map, 256, 64, 32, 0);

	/* The guest draws: the transfer lands in QEMU's buffer, the flush sends no pixels. */
	for (uint32_t y = 0; y < 32; y++) {
		for (uint32_t x = 0; x < 64; x++) {
			uint32_t v = pattern(x, y) + 1;

			tg_ram_write(&f->ram, TG_RAM_BASE + ((uint64_t)y * 64 + x) * 4, &v, 4);
		}
	}
	g_assert_cmphex(tg_transfer(f->gpu, 1, 0, 0, 64, 32, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
	check_pixels(map, 256, 64, 32, 1);
	flush_expect_dmabuf_update(f, &fl, cmd, &up);
	g_assert_cmpuint(up.scanout_id, ==, 1);
	g_assert_cmpuint(up.x, ==, 8);
	g_assert_cmpuint(up.y, ==, 4);
	g_assert_cmpuint(up.width, ==, 16);
	g_assert_cmpuint(up.height, ==, 8);
	peer_reply(f, VD_GPU_MSG_DMABUF_UPDATE, NULL, 0);
	wait_completed(f, 1, 2000);

	/* Unshown, the scanout ends in QEMU; its buffer outlives the resource. */
	g_assert_cmphex(tg_ctrl(f->gpu, &unref, sizeof(unref), cmd), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_dmabuf_release(f, 1);
	peer_expect(f, VD_GPU_MSG_SCANOUT, NULL);
	check_pixels(map, 256, 64, 32, 1);
	munmap(map, 256 * 32);
	close(fd);
}

/*
 * --dmabuf in 2D: each resource shown as a dmabuf keeps a memfd open, so only
 * VD_GPU_MAX_MEMFD_RESOURCES of them are; the next is shown as pixels until
 * one goes away.
 */
static void
test_udmabuf_limit(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_unref unref = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
		.resource_id = 1,
	};
	VdGpuMsgDmabufScanout2 m;
	VdGpuCmd cmd;
	uint32_t id;

	if (!udmabuf_or_skip(f))
		return;
	for (id = 1; id <= VD_GPU_MAX_MEMFD_RESOURCES + 1; id++) {
		g_assert_cmphex(tg_create_2d(f->gpu, id, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 16, 16),
		                ==, VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_cmphex(tg_set_scanout(f->gpu, 0, id, 0, 0, 16, 16), ==,
		                VIRTIO_GPU_RESP_OK_NODATA);
		if (id <= VD_GPU_MAX_MEMFD_RESOURCES) {
			close(expect_dmabuf_scanout(f, &m));
		} else {
			/* Pixels after a dmabuf: QEMU lets go of the dmabuf first. */
			expect_dmabuf_release(f, 0);
			expect_scanout(f, 0, 16, 16);
		}
	}
	g_assert_cmpuint(f->gpu->memfds, ==, VD_GPU_MAX_MEMFD_RESOURCES);
	g_assert_cmphex(tg_ctrl(f->gpu, &unref, sizeof(unref), &cmd), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_create_2d(f->gpu, id, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 16, 16), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, id, 0, 0, 16, 16), ==, VIRTIO_GPU_RESP_OK_NODATA);
	close(expect_dmabuf_scanout(f, &m));
}

/*
 * --dmabuf in 2D, a scanout set before QEMU has answered the handshake (as
 * after a stop/cont, when the daemon shows the scanouts again on the new
 * socket): pixels first, then the dmabuf once the handshake is done.
 */
static void
test_udmabuf_after_handshake(Fixture *f, gconstpointer data)
{
	uint64_t features = (1ull << VD_GPU_PROTOCOL_F_EDID) | (1ull << VD_GPU_PROTOCOL_F_DMABUF2);
	VdGpuMsgDmabufScanout2 m;
	GBytes *p;
	int fd;

	if (!udmabuf_or_skip(f))
		return;
	make_resource(f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 32);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0, 0, 64, 32), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_false(f->gpu->scanouts[0].dmabuf);
	peer_expect(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, NULL);
	expect_scanout(f, 0, 64, 32);
	peer_reply(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, &features, sizeof(features));
	/* Both answers come at once: read them with the fd before taking them apart. */
	fd = peer_recv_fd(f, 3000);
	g_assert_cmpint(fd, >=, 0);
	close(fd);
	peer_expect(f, VD_GPU_MSG_SET_PROTOCOL_FEATURES, NULL);
	peer_expect(f, VD_GPU_MSG_DMABUF_SCANOUT2, &p);
	g_assert_cmpuint(g_bytes_get_size(p), ==, sizeof(m));
	memcpy(&m, g_bytes_get_data(p, NULL), sizeof(m));
	g_bytes_unref(p);
	g_assert_true(f->gpu->scanouts[0].dmabuf);
	g_assert_cmpuint(m.dmabuf.scanout_id, ==, 0);
	g_assert_cmpuint(m.dmabuf.fd_width, ==, 64);
}

/* --dmabuf in 2D without udmabuf: the scanout gets pixels, as without the option. */
static void
test_udmabuf_missing(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	f->gpu->opts.udmabuf_device = "/nonexistent/udmabuf";
	g_assert_false(vd_gpu_udmabuf_open(f->gpu, &error));
	g_assert_nonnull(strstr(error->message, "/nonexistent/udmabuf"));
	make_resource(f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 32);
	g_assert_cmphex(tg_set_scanout(f->gpu, 1, 1, 0, 0, 64, 32), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_scanout(f, 1, 64, 32);
	g_assert_false(f->gpu->scanouts[1].dmabuf);
	g_assert_cmpint(vd_gpu_resource_lookup(f->gpu, 1)->memfd, ==, -1);
	g_assert_cmphex(tg_flush(f->gpu, 1, 0, 0, 64, 32), ==, VIRTIO_GPU_RESP_OK_NODATA);
	expect_update(f, 1, 0, 0, 64, 32, 0, 0, false);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
	g_log_set_fatal_mask("vd-gpu", G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
#define ADD(name, fn) g_test_add(name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD("/gpu/qemu-socket/full-frame", test_full_frame);
	ADD("/gpu/qemu-socket/updates-merge", test_updates_merge);
	ADD("/gpu/qemu-socket/scanout-offset-format", test_scanout_offset_and_format);
	ADD("/gpu/qemu-socket/cursor", test_cursor);
	ADD("/gpu/qemu-socket/display-info", test_display_info_forwarded);
	ADD("/gpu/qemu-socket/edid-never-answered", test_edid_never_answered);
	ADD("/gpu/qemu-socket/peer-goes-away", test_peer_goes_away);
	g_test_add("/gpu/qemu-socket/dmabuf", Fixture, "dmabuf", fixture_setup, test_dmabuf,
	           fixture_teardown);
	g_test_add("/gpu/qemu-socket/udmabuf", Fixture, "dmabuf", fixture_setup, test_udmabuf,
	           fixture_teardown);
	g_test_add("/gpu/qemu-socket/udmabuf-limit", Fixture, "dmabuf", fixture_setup,
	           test_udmabuf_limit, fixture_teardown);
	g_test_add("/gpu/qemu-socket/udmabuf-after-handshake", Fixture, "dmabuf-late",
	           fixture_setup, test_udmabuf_after_handshake, fixture_teardown);
	g_test_add("/gpu/qemu-socket/udmabuf-missing", Fixture, "dmabuf", fixture_setup,
	           test_udmabuf_missing, fixture_teardown);
	return g_test_run();
}
