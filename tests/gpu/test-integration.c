/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-desktop-gpu through the test front-end: the daemon runs as a child
 * process; the test plays QEMU and the guest's virtio-gpu driver. Pixels are
 * checked after TRANSFER + FLUSH both headless (D-Bus screenshot) and on a
 * GPU socket peer that plays QEMU's display side; cursor messages; display
 * hotplug with the config-change message; a peer that never answers GET_EDID;
 * --dmabuf in 2D (a dmabuf through /dev/udmabuf where the kernel has it);
 * the HostNotifiers and NotifyStats properties with and without --host-notifiers.
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend.h"
#include "gpu/qemu-socket.h"
#include "integration.h"
#include "notify-stats.h"
#include "png-decode.h"

static void
test_headless_pixels(Fixture *f, gconstpointer data)
{
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	g_autoptr(GByteArray) raw = NULL;
	uint32_t w, h;

	make_fb(f, 1, 640, 480);
	g_assert_cmphex(transfer(f, 1, 0, 0, 640, 480, 640 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(flush(f, 1, 0, 0, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	raw = screenshot(f, 0, &w, &h);
	g_assert_cmpuint(w, ==, 640);
	g_assert_cmpuint(h, ==, 480);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			if (png_pixel(raw, w, x, y) != pattern(x, y))
				g_error("pixel %u,%u: %06x, want %06x", x, y,
				        png_pixel(raw, w, x, y), pattern(x, y));
	g_clear_pointer(&raw, g_byte_array_unref);

	/* Output 1 shows nothing yet: the caller is told, rather than sent a black picture. */
	assert_dbus_error_fd(f, "Screenshot", g_variant_new("(uh)", 1, 0), devnull,
	                     "org.vhostdesktop.Error.NoScanout",
	                     "Output 1 shows nothing yet: the guest has no scanout on it");

	/* Now on output 1 too (upper left part), flushed partly. */
	g_assert_cmphex(set_scanout(f, 1, 1, 320, 200), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(flush(f, 1, 0, 0, 100, 100), ==, VIRTIO_GPU_RESP_OK_NODATA);
	raw = screenshot(f, 1, &w, &h);
	g_assert_cmphex(png_pixel(raw, w, 99, 99), ==, pattern(99, 99));
	g_assert_cmphex(png_pixel(raw, w, 100, 100), ==, 0);
	g_clear_pointer(&raw, g_byte_array_unref);

	/* Errors reach the guest as errors. */
	g_assert_cmphex(set_scanout(f, 2, 1, 320, 200), ==, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
	g_assert_cmphex(flush(f, 7, 0, 0, 1, 1), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	assert_dbus_error_fd(f, "Screenshot", g_variant_new("(uh)", 5, 0), devnull,
	                     "org.vhostdesktop.Error.NoSuchOutput",
	                     "No output 5: this device has outputs 0 to 1");
	/* No descriptor passed along. */
	assert_dbus_error(f, "Screenshot", g_variant_new("(uh)", 0, 0),
	                  "org.vhostdesktop.Error.InvalidArgument",
	                  "Screenshot needs a file descriptor to write to (the h argument)");
	/* One that refuses writes. */
	{
		int ro = open("/dev/null", O_RDONLY | O_CLOEXEC);

		assert_dbus_error_fd(f, "Screenshot", g_variant_new("(uh)", 0, 0), ro,
		                     "org.vhostdesktop.Error.IOError",
		                     "Cannot write the screenshot: Bad file descriptor");
		close(ro);
	}
	close(devnull);
}

static void
test_display_info_edid(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_ctrl_hdr req = {
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
		.flags = VIRTIO_GPU_FLAG_FENCE,
		.fence_id = 9,
	};
	struct virtio_gpu_resp_display_info info;
	struct virtio_gpu_cmd_get_edid ereq = { .hdr.type = VIRTIO_GPU_CMD_GET_EDID, .scanout = 1 };
	struct virtio_gpu_resp_edid edid;
	struct virtio_gpu_config cfg;
	uint8_t sum = 0;

	g_assert_cmphex(ctrl(f, &req, sizeof(req), &info, sizeof(info)), ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(info.hdr.fence_id, ==, 9);
	g_assert_cmpuint(info.pmodes[0].r.width, ==, 640);
	g_assert_cmpuint(info.pmodes[1].r.width, ==, 320);
	g_assert_cmpuint(info.pmodes[1].r.height, ==, 200);
	g_assert_cmpuint(info.pmodes[2].enabled, ==, 0);
	g_assert_cmphex(ctrl(f, &ereq, sizeof(ereq), &edid, sizeof(edid)), ==,
	                VIRTIO_GPU_RESP_OK_EDID);
	g_assert_cmpuint(edid.size, ==, 128);
	for (unsigned int i = 0; i < 128; i++)
		sum += edid.edid[i];
	g_assert_cmpuint(sum, ==, 0);
	g_assert_cmpuint(edid.edid[56] | (edid.edid[58] >> 4) << 8, ==, 320);

	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(cfg), &cfg), ==, 0);
	g_assert_cmpuint(cfg.num_scanouts, ==, 2);
	g_assert_cmpuint(cfg.num_capsets, ==, 0);
	g_assert_true(vfe_offered_features(f->fe) & (1ull << VIRTIO_GPU_F_EDID));
	g_assert_true(vfe_offered_features(f->fe) & (1ull << VIRTIO_GPU_F_RESOURCE_UUID));
	g_assert_false(vfe_offered_features(f->fe) & (1ull << VIRTIO_GPU_F_VIRGL));

	/* A response buffer too small gets nothing written. */
	{
		uint8_t small[8];
		uint32_t id, len;

		ctrl_send(f, CTRL, &req, sizeof(req), small, sizeof(small));
		g_assert_cmpint(vfe_queue_wait_used(f->fe, CTRL, -1, &id, &len), ==, 0);
		g_assert_cmpuint(len, ==, 0);
	}
}

static void
test_hotplug(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
	struct virtio_gpu_resp_display_info info;
	struct virtio_gpu_config cfg = { 0 };
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;
	g_autoptr(GVariantIter) it = NULL;
	guint32 idx, w, h;
	gboolean connected;

	r = dbus_call(f, "ListOutputs", NULL, &error);
	g_assert_no_error(error);
	g_variant_get(r, "(a(ubuu))", &it);
	g_assert_true(g_variant_iter_next(it, "(ubuu)", &idx, &connected, &w, &h));
	g_assert_cmpuint(w, ==, 640);
	g_assert_true(connected);
	g_clear_pointer(&r, g_variant_unref);

	/* Resize output 1: the front-end hears of it, the guest reads it back. */
	r = dbus_call(f, "Resize", g_variant_new("(uuu)", 1, 1024, 768), &error);
	g_assert_no_error(error);
	g_clear_pointer(&r, g_variant_unref);
	g_assert_cmpint(vfe_wait_config_change(f->fe, 3000), ==, 0);
	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(cfg), &cfg), ==, 0);
	g_assert_cmphex(cfg.events_read, ==, VIRTIO_GPU_EVENT_DISPLAY);
	g_assert_cmphex(ctrl(f, &req, sizeof(req), &info, sizeof(info)), ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(info.pmodes[1].r.width, ==, 1024);
	g_assert_cmpuint(info.pmodes[1].r.height, ==, 768);
	/* The driver acknowledges through events_clear. */
	cfg.events_clear = VIRTIO_GPU_EVENT_DISPLAY;
	g_assert_cmpint(vfe_set_config(f->fe, 0, sizeof(cfg), VHOST_SET_CONFIG_TYPE_FRONTEND, &cfg),
	                ==, 0);
	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(cfg), &cfg), ==, 0);
	g_assert_cmphex(cfg.events_read, ==, 0);

	/* Disconnect, then connect again. */
	r = dbus_call(f, "Disconnect", g_variant_new("(u)", 1), &error);
	g_assert_no_error(error);
	g_clear_pointer(&r, g_variant_unref);
	g_assert_cmpint(vfe_wait_config_change(f->fe, 3000), ==, 0);
	g_assert_cmphex(ctrl(f, &req, sizeof(req), &info, sizeof(info)), ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(info.pmodes[1].enabled, ==, 0);
	r = dbus_call(f, "Connect", g_variant_new("(u)", 1), &error);
	g_assert_no_error(error);
	g_clear_pointer(&r, g_variant_unref);
	g_assert_cmpint(vfe_wait_config_change(f->fe, 3000), ==, 0);
	g_assert_cmphex(ctrl(f, &req, sizeof(req), &info, sizeof(info)), ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(info.pmodes[1].enabled, ==, 1);
	g_assert_cmpuint(info.pmodes[1].r.width, ==, 1024);

	/* Bad requests are D-Bus errors. */
	assert_dbus_error(f, "Resize", g_variant_new("(uuu)", 1, 5, 768),
	                  "org.vhostdesktop.Error.InvalidArgument",
	                  "Size must be between 16x16 and 4095x4095");
	assert_dbus_error(f, "Connect", g_variant_new("(u)", 2),
	                  "org.vhostdesktop.Error.NoSuchOutput",
	                  "No output 2: this device has outputs 0 to 1");
}

static void
test_socket_pixels(Fixture *f, gconstpointer data)
{
	g_autofree VdGpuMsgScanout *s = NULL;
	g_autofree uint8_t *up = NULL;
	const uint32_t *px;
	VdGpuMsgUpdate hdr;

	connect_gpu_socket(f);
	make_fb(f, 1, 640, 480);
	g_assert_cmphex(transfer(f, 1, 0, 0, 640, 480, 640 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	s = peer_expect(f, VD_GPU_MSG_SCANOUT, sizeof(*s));
	g_assert_cmpuint(s->scanout_id, ==, 0);
	g_assert_cmpuint(s->width, ==, 640);
	g_assert_cmpuint(s->height, ==, 480);
	g_assert_cmphex(flush(f, 1, 0, 0, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	up = peer_expect(f, VD_GPU_MSG_UPDATE, sizeof(hdr) + 640 * 480 * 4);
	memcpy(&hdr, up, sizeof(hdr));
	g_assert_cmpuint(hdr.width, ==, 640);
	g_assert_cmpuint(hdr.height, ==, 480);
	px = (const uint32_t *)(up + sizeof(hdr));
	for (uint32_t i = 0; i < 640 * 480; i++)
		if ((px[i] & 0xffffff) != pattern(i % 640, i / 640))
			g_error("pixel %u: %06x", i, px[i]);
	g_clear_pointer(&up, g_free);

	/* A partial transfer + flush: just that rectangle arrives. */
	g_assert_cmphex(transfer(f, 1, 8, 16, 24, 4, 640 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(flush(f, 1, 8, 16, 24, 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	up = peer_expect(f, VD_GPU_MSG_UPDATE, sizeof(hdr) + 24 * 4 * 4);
	memcpy(&hdr, up, sizeof(hdr));
	g_assert_cmpuint(hdr.x, ==, 8);
	g_assert_cmpuint(hdr.y, ==, 16);
	px = (const uint32_t *)(up + sizeof(hdr));
	g_assert_cmphex(px[0] & 0xffffff, ==, pattern(8, 16));
	g_assert_cmphex(px[24 * 4 - 1] & 0xffffff, ==, pattern(31, 19));

	/* Display info goes to QEMU, QEMU's answer goes to the guest. */
	{
		struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
		struct virtio_gpu_resp_display_info qinfo = { 0 }, info;

		ctrl_send(f, CTRL, &req, sizeof(req), &info, sizeof(info));
		g_free(peer_expect(f, VD_GPU_MSG_GET_DISPLAY_INFO, 0));
		qinfo.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
		qinfo.pmodes[0] = (struct virtio_gpu_display_one){ { 0, 0, 1280, 720 }, 1, 0 };
		peer_reply(f, VD_GPU_MSG_GET_DISPLAY_INFO, &qinfo, sizeof(qinfo));
		g_assert_cmphex(ctrl_wait(f, CTRL, &info, sizeof(info), -1), ==,
		                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
		g_assert_cmpuint(info.pmodes[0].r.width, ==, 1280);
		g_assert_cmpuint(info.pmodes[1].enabled, ==, 0);
	}
	/* Under QEMU, hotplug belongs to QEMU's UI. */
	assert_dbus_error(f, "Resize", g_variant_new("(uuu)", 0, 800, 600),
	                  "org.vhostdesktop.Error.NotSupported",
	                  "Displays follow the front-end's user interface (QEMU GPU socket)");
}

static void
test_socket_cursor(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_update_cursor c = {
		.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR,
		.pos = { .scanout_id = 0, .x = 100, .y = 50 },
		.resource_id = 2,
		.hot_x = 1,
		.hot_y = 2,
	};
	g_autofree VdGpuMsgCursorUpdate *up = NULL;
	g_autofree VdGpuMsgCursorPos *pos = NULL;

	connect_gpu_socket(f);
	make_fb(f, 2, 64, 64);
	g_assert_cmphex(transfer(f, 2, 0, 0, 64, 64, 64 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	ctrl_send(f, CURSOR, &c, sizeof(c), NULL, 0);
	ctrl_wait(f, CURSOR, NULL, 0, -1);
	up = peer_expect(f, VD_GPU_MSG_CURSOR_UPDATE, sizeof(*up));
	g_assert_cmpuint(up->pos.x, ==, 100);
	g_assert_cmpuint(up->pos.y, ==, 50);
	g_assert_cmpuint(up->hot_x, ==, 1);
	g_assert_cmpuint(up->hot_y, ==, 2);
	g_assert_cmphex(up->data[3 * 64 + 5] & 0xffffff, ==, pattern(5, 3));

	c.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR;
	c.pos.x = 7;
	c.pos.y = 8;
	ctrl_send(f, CURSOR, &c, sizeof(c), NULL, 0);
	ctrl_wait(f, CURSOR, NULL, 0, -1);
	pos = peer_expect(f, VD_GPU_MSG_CURSOR_POS, sizeof(*pos));
	g_assert_cmpuint(pos->x, ==, 7);
	g_assert_cmpuint(pos->y, ==, 8);
	g_clear_pointer(&pos, g_free);

	c.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR;
	c.resource_id = 0;
	ctrl_send(f, CURSOR, &c, sizeof(c), NULL, 0);
	ctrl_wait(f, CURSOR, NULL, 0, -1);
	pos = peer_expect(f, VD_GPU_MSG_CURSOR_POS_HIDE, sizeof(*pos));
}

static void
test_socket_edid_never_answered(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_cmd_get_edid req = { .hdr.type = VIRTIO_GPU_CMD_GET_EDID, .scanout = 1 };
	struct virtio_gpu_ctrl_hdr dreq = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
	struct virtio_gpu_resp_edid edid;
	struct virtio_gpu_resp_display_info info;
	gint64 start;

	connect_gpu_socket(f);
	start = g_get_monotonic_time();
	ctrl_send(f, CTRL, &req, sizeof(req), &edid, sizeof(edid));
	/* Queued behind it: must complete too, in order. */
	ctrl_send_slot(f, CTRL, 1, &dreq, sizeof(dreq), sizeof(info));
	g_free(peer_expect(f, VD_GPU_MSG_GET_EDID, 4));
	/* No answer. The device must not stall. */
	g_assert_cmphex(ctrl_wait(f, CTRL, &edid, sizeof(edid), 5000), ==, VIRTIO_GPU_RESP_OK_EDID);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 3 * G_USEC_PER_SEC);
	g_assert_cmpuint(edid.size, ==, 128);
	g_assert_cmphex(edid.edid[1], ==, 0xff);
	/* The display info that waited behind it is forwarded now. */
	g_free(peer_expect(f, VD_GPU_MSG_GET_DISPLAY_INFO, 0));
	{
		struct virtio_gpu_resp_display_info qinfo = { 0 };

		qinfo.pmodes[0] = (struct virtio_gpu_display_one){ { 0, 0, 800, 600 }, 1, 0 };
		peer_reply(f, VD_GPU_MSG_GET_DISPLAY_INFO, &qinfo, sizeof(qinfo));
	}
	g_assert_cmphex(ctrl_wait_slot(f, CTRL, 1, &info, sizeof(info), 5000), ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(info.pmodes[0].r.width, ==, 800);
}

static void
test_socket_after_headless(Fixture *f, gconstpointer data)
{
	g_autofree VdGpuMsgScanout *s = NULL;
	g_autofree uint8_t *up = NULL;
	const uint32_t *px;
	uint64_t features = 1;
	int sv[2];

	/* The guest shows a picture before any GPU socket exists (or between two). */
	make_fb(f, 1, 640, 480);
	g_assert_cmphex(transfer(f, 1, 0, 0, 640, 480, 640 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(flush(f, 1, 0, 0, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	g_assert_cmpint(vfe_request(f->fe, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1), ==, 0);
	close(sv[1]);
	f->peer = sv[0];
	g_free(peer_expect(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, 0));
	/* The new socket gets the current picture at once. */
	s = peer_expect(f, VD_GPU_MSG_SCANOUT, sizeof(*s));
	g_assert_cmpuint(s->width, ==, 640);
	up = peer_expect(f, VD_GPU_MSG_UPDATE, sizeof(VdGpuMsgUpdate) + 640 * 480 * 4);
	px = (const uint32_t *)(up + sizeof(VdGpuMsgUpdate));
	for (uint32_t i = 0; i < 640 * 480; i++)
		if ((px[i] & 0xffffff) != pattern(i % 640, i / 640))
			g_error("pixel %u: %06x", i, px[i]);
	peer_reply(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, &features, sizeof(features));
	g_free(peer_expect(f, VD_GPU_MSG_SET_PROTOCOL_FEATURES, 8));
}

static void
dmabuf_setup(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--dmabuf", NULL };

	fixture_start(f, args);
}

/* The next message's header and the fd that came with it (-1 if none). */
static int
peer_recv_header_fd(Fixture *f, VdGpuMsgHdr *hdr)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { hdr, sizeof(*hdr) };
	struct msghdr mh = { .msg_iov = &iov,
		             .msg_iovlen = 1,
		             .msg_control = control.buf,
		             .msg_controllen = sizeof(control.buf) };
	struct pollfd pfd = { f->peer, POLLIN, 0 };
	struct cmsghdr *c;
	int fd = -1;

	g_assert_cmpint(poll(&pfd, 1, 5000), ==, 1);
	g_assert_cmpint(recvmsg(f->peer, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC), ==, sizeof(*hdr));
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/*
 * --dmabuf in 2D through the daemon. Where /dev/udmabuf can be opened (a
 * kernel with udmabuf: tests/e2e/udmabuf.sh runs this in such a guest) the
 * scanout arrives as a DMABUF_SCANOUT2 whose buffer shows the guest's pixels,
 * and a flush waits for QEMU's answer; elsewhere pixels go as without it.
 */
static void
test_dmabuf_2d(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_flush fl = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		.r = { 0, 0, 64, 64 },
		.resource_id = 1,
	};
	bool udmabuf = access("/dev/udmabuf", R_OK | W_OK) == 0;
	struct virtio_gpu_ctrl_hdr resp;
	g_autofree VdGpuMsgDmabufScanout2 *m = NULL;
	uint32_t id, len;
	g_autofree uint8_t *up = NULL;
	const uint32_t *px;
	VdGpuMsgHdr hdr;
	int fd;

	connect_gpu_socket(f);
	make_fb(f, 1, 64, 64);
	g_assert_cmphex(transfer(f, 1, 0, 0, 64, 64, 64 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 0, 1, 64, 64), ==, VIRTIO_GPU_RESP_OK_NODATA);
	if (!udmabuf) {
		g_test_message("no /dev/udmabuf here: expecting pixels");
		g_free(peer_expect(f, VD_GPU_MSG_SCANOUT, sizeof(VdGpuMsgScanout)));
		g_assert_cmphex(flush(f, 1, 0, 0, 64, 64), ==, VIRTIO_GPU_RESP_OK_NODATA);
		up = peer_expect(f, VD_GPU_MSG_UPDATE, sizeof(VdGpuMsgUpdate) + 64 * 64 * 4);
		px = (const uint32_t *)(up + sizeof(VdGpuMsgUpdate));
		for (uint32_t i = 0; i < 64 * 64; i++)
			g_assert_cmphex(px[i] & 0xffffff, ==, pattern(i % 64, i / 64));
		return;
	}

	fd = peer_recv_header_fd(f, &hdr);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpuint(hdr.request, ==, VD_GPU_MSG_DMABUF_SCANOUT2);
	g_assert_cmpuint(hdr.size, ==, sizeof(*m));
	m = g_malloc(sizeof(*m));
	g_assert_cmpint(recv(f->peer, m, sizeof(*m), MSG_WAITALL), ==, sizeof(*m));
	g_assert_cmpuint(m->dmabuf.fd_width, ==, 64);
	g_assert_cmpuint(m->dmabuf.fd_height, ==, 64);
	g_assert_cmpuint(m->dmabuf.fd_stride, ==, 256);
	px = mmap(NULL, 64 * 64 * 4, PROT_READ, MAP_SHARED, fd, 0);
	g_assert_true(px != MAP_FAILED);
	for (uint32_t i = 0; i < 64 * 64; i++)
		g_assert_cmphex(px[i] & 0xffffff, ==, pattern(i % 64, i / 64));
	munmap((void *)px, 64 * 64 * 4);
	close(fd);

	/* The guest's flush is answered once QEMU has drawn it. */
	ctrl_send(f, CTRL, &fl, sizeof(fl), &resp, sizeof(resp));
	g_free(peer_expect(f, VD_GPU_MSG_DMABUF_UPDATE, sizeof(VdGpuMsgUpdate)));
	g_assert_cmpint(vfe_queue_wait_used(f->fe, CTRL, 100, &id, &len), !=, 0);
	peer_reply(f, VD_GPU_MSG_DMABUF_UPDATE, NULL, 0);
	g_assert_cmphex(ctrl_wait(f, CTRL, &resp, sizeof(resp), -1), ==, VIRTIO_GPU_RESP_OK_NODATA);
}

/* Two outputs as fixture_setup, with --host-notifiers=50 when data is TRUE. */
static void
notify_setup(Fixture *f, gconstpointer data)
{
	const char *const args[] = { "--outputs=2", "--output-size=640x480",
		                     "--output-size=320x200",
		                     GPOINTER_TO_INT(data) ? "--host-notifiers=50" : NULL, NULL };

	fixture_start(f, args);
}

/*
 * HostNotifiers and NotifyStats, with and without --host-notifiers (data), after
 * requests on both queues, none of which may go unanswered.
 */
static void
test_notify_props(Fixture *f, gconstpointer data)
{
	gboolean notifiers = GPOINTER_TO_INT(data);
	struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
	struct virtio_gpu_update_cursor move = { .hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR };
	struct virtio_gpu_resp_display_info info;
	g_autoptr(GVariant) on = NULL;
	g_autoptr(GVariant) stats = NULL;

	for (unsigned int i = 0; i < 20; i++) {
		g_assert_cmphex(ctrl(f, &req, sizeof(req), &info, sizeof(info)), ==,
		                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
		g_assert_cmpuint(info.pmodes[1].r.width, ==, 320);
		move.pos.x = i;
		ctrl_send(f, CURSOR, &move, sizeof(move), NULL, 0);
		ctrl_wait(f, CURSOR, NULL, 0, 5000);
	}
	on = dbus_get_property(f, "HostNotifiers");
	stats = dbus_get_property(f, "NotifyStats");
	notify_props_check(on, stats, notifiers);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add(name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD("/gpu/integration/headless-pixels", test_headless_pixels);
	ADD("/gpu/integration/display-info-edid", test_display_info_edid);
	ADD("/gpu/integration/hotplug", test_hotplug);
	ADD("/gpu/integration/socket-pixels", test_socket_pixels);
	ADD("/gpu/integration/socket-cursor", test_socket_cursor);
	ADD("/gpu/integration/socket-after-headless", test_socket_after_headless);
	ADD("/gpu/integration/socket-edid-never-answered", test_socket_edid_never_answered);
	g_test_add("/gpu/integration/dmabuf-2d", Fixture, NULL, dmabuf_setup, test_dmabuf_2d,
	           fixture_teardown);
	g_test_add("/gpu/integration/notify-stats", Fixture, GINT_TO_POINTER(FALSE), notify_setup,
	           test_notify_props, fixture_teardown);
	g_test_add("/gpu/integration/host-notifiers", Fixture, GINT_TO_POINTER(TRUE), notify_setup,
	           test_notify_props, fixture_teardown);
	return g_test_run();
}
