/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-desktop-gpu through the test front-end: the daemon runs as a child
 * process; the test plays QEMU and the guest's virtio-gpu driver. Pixels are
 * checked after TRANSFER + FLUSH both headless (D-Bus screenshot) and on a
 * GPU socket peer that plays QEMU's display side; cursor messages; display
 * hotplug with the config-change message; a peer that never answers GET_EDID.
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend.h"
#include "gpu/qemu-socket.h"
#include "png-decode.h"

#define RAM_SIZE (64ull * 1024 * 1024)
#define CTRL 0
#define CURSOR 1

typedef struct {
	char *dir;
	char *control;
	VfeFrontend *fe;
	GDBusConnection *bus;
	int peer;             /* GPU socket, QEMU's end */
	uint64_t req_gpa, resp_gpa;
} Fixture;

static void
fixture_start(Fixture *f, const char *const *extra)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autofree char *ctl_arg = NULL;
	g_autofree char *address = NULL;

	f->dir = g_dir_make_tmp("vd-gpu-it-XXXXXX", &error);
	g_assert_no_error(error);
	f->control = g_build_filename(f->dir, "control", NULL);
	ctl_arg = g_strdup_printf("--control=%s", f->control);
	f->peer = -1;
	g_ptr_array_add(argv, (char *)GPU_DAEMON);
	g_ptr_array_add(argv, ctl_arg);
	for (; extra && *extra; extra++)
		g_ptr_array_add(argv, (char *)*extra);
	g_ptr_array_add(argv, NULL);
	f->fe = vfe_spawn((const char *const *)argv->pdata, &error);
	g_assert_no_error(error);
	/* QEMU does not give vhost-user-gpu-pci an IOMMU by default. */
	g_assert_cmpint(vfe_negotiate(f->fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(f->fe, RAM_SIZE, 2), ==, 0);
	g_assert_cmpint(vfe_enable_backend_channel(f->fe), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, CTRL, 64, 0), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, CURSOR, 16, 0), ==, 0);
	f->req_gpa = vfe_alloc(f->fe, 512 * 1024, 4096);
	f->resp_gpa = vfe_alloc(f->fe, 4 * 4096, 4096);
	g_assert_cmpuint(f->req_gpa, !=, 0);

	address = g_strdup_printf("unix:path=%s", f->control);
	f->bus = g_dbus_connection_new_for_address_sync(
		address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
	g_assert_no_error(error);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--outputs=2", "--output-size=640x480",
		                            "--output-size=320x200", NULL };

	fixture_start(f, args);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	int status;

	g_clear_object(&f->bus);
	status = vfe_child_terminate(f->fe);
	/* The daemon exits cleanly on SIGTERM: no crash, no sanitizer abort. */
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	vfe_free(f->fe);
	if (f->peer >= 0)
		close(f->peer);
	g_unlink(f->control);
	g_rmdir(f->dir);
	g_free(f->control);
	g_free(f->dir);
}

/*
 * Queues one command in buffer slot `slot` (commands in flight together need
 * their own slots) and kicks.
 */
static void
ctrl_send_slot(Fixture *f, unsigned int queue, unsigned int slot, const void *req, size_t len,
               size_t resp_len)
{
	uint64_t req_gpa = f->req_gpa + slot * 65536ull, resp_gpa = f->resp_gpa + slot * 4096ull;
	VfeBuf out = { req_gpa, (uint32_t)len };
	VfeBuf in = { resp_gpa, (uint32_t)resp_len };

	g_assert_cmpuint(slot, <, 4);
	g_assert_cmpuint(len, <=, slot == 0 ? 512 * 1024 : 65536);
	g_assert_cmpint(vfe_mem_fill(f->fe, resp_gpa, 0xaa, 4096), ==, 0);
	g_assert_cmpint(vfe_mem_write(f->fe, req_gpa, req, len), ==, 0);
	g_assert_cmpint(vfe_queue_add(f->fe, queue, &out, 1, resp_len ? &in : NULL,
	                              resp_len ? 1 : 0), >=, 0);
	g_assert_cmpint(vfe_queue_kick(f->fe, queue), ==, 0);
}

static void
ctrl_send(Fixture *f, unsigned int queue, const void *req, size_t len, void *resp,
          size_t resp_len)
{
	ctrl_send_slot(f, queue, 0, req, len, resp_len);
}

static uint32_t
ctrl_wait_slot(Fixture *f, unsigned int queue, unsigned int slot, void *resp, size_t resp_len,
               int timeout_ms)
{
	uint32_t id, len;

	g_assert_cmpint(vfe_queue_wait_used(f->fe, queue, timeout_ms, &id, &len), ==, 0);
	if (!resp_len)
		return 0;
	g_assert_cmpuint(len, ==, resp_len);
	g_assert_cmpint(vfe_mem_read(f->fe, f->resp_gpa + slot * 4096ull, resp, resp_len), ==, 0);
	return ((struct virtio_gpu_ctrl_hdr *)resp)->type;
}

static uint32_t
ctrl_wait(Fixture *f, unsigned int queue, void *resp, size_t resp_len, int timeout_ms)
{
	return ctrl_wait_slot(f, queue, 0, resp, resp_len, timeout_ms);
}

static uint32_t
ctrl(Fixture *f, const void *req, size_t len, void *resp, size_t resp_len)
{
	ctrl_send(f, CTRL, req, len, resp, resp_len);
	return ctrl_wait(f, CTRL, resp, resp_len, -1);
}

static uint32_t
ctrl_nodata(Fixture *f, const void *req, size_t len)
{
	struct virtio_gpu_ctrl_hdr resp;

	return ctrl(f, req, len, &resp, sizeof(resp));
}

static uint32_t
pattern(uint32_t x, uint32_t y)
{
	return (x * 5 + y * 977) * 2654435761u >> 8 & 0xffffff;
}

/* A w x h XRGB resource whose backing holds pattern(), in 4 KiB pages. */
static void
make_fb(Fixture *f, uint32_t id, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_create_2d c = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = id,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, .width = w, .height = h,
	};
	size_t size = (size_t)w * h * 4, npages = (size + 4095) / 4096;
	size_t alen = sizeof(struct virtio_gpu_resource_attach_backing) +
	              npages * sizeof(struct virtio_gpu_mem_entry);
	g_autofree uint8_t *a = g_malloc0(alen);
	g_autofree uint32_t *px = g_new(uint32_t, (size_t)w * h);
	struct virtio_gpu_resource_attach_backing *ab = (void *)a;
	struct virtio_gpu_mem_entry *e = (void *)(a + sizeof(*ab));
	uint64_t base = vfe_alloc(f->fe, npages * 4096 * 2, 4096);

	g_assert_cmpuint(base, !=, 0);
	for (uint32_t i = 0; i < w * h; i++)
		px[i] = pattern(i % w, i / w);
	ab->hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING;
	ab->resource_id = id;
	ab->nr_entries = (uint32_t)npages;
	/* Pages in reverse order: the backing is not contiguous in the guest. */
	for (size_t i = 0; i < npages; i++) {
		size_t len = MIN(4096, size - i * 4096);
		uint64_t gpa = base + (npages - 1 - i) * 2 * 4096;

		e[i].addr = gpa;
		e[i].length = (uint32_t)len;
		g_assert_cmpint(vfe_mem_write(f->fe, gpa, (uint8_t *)px + i * 4096, len), ==, 0);
	}
	g_assert_cmphex(ctrl_nodata(f, &c, sizeof(c)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(ctrl_nodata(f, a, alen), ==, VIRTIO_GPU_RESP_OK_NODATA);
}

static uint32_t
transfer(Fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
         uint32_t stride)
{
	struct virtio_gpu_transfer_to_host_2d t = {
		.hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, .r = { x, y, w, h },
		.offset = (uint64_t)y * stride + x * 4, .resource_id = id,
	};

	return ctrl_nodata(f, &t, sizeof(t));
}

static uint32_t
set_scanout(Fixture *f, uint32_t scanout, uint32_t id, uint32_t w, uint32_t h)
{
	struct virtio_gpu_set_scanout s = {
		.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT, .r = { 0, 0, w, h },
		.scanout_id = scanout, .resource_id = id,
	};

	return ctrl_nodata(f, &s, sizeof(s));
}

static uint32_t
flush(Fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_flush fl = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .r = { x, y, w, h }, .resource_id = id,
	};

	return ctrl_nodata(f, &fl, sizeof(fl));
}

static GVariant *
dbus_call(Fixture *f, const char *method, GVariant *params, GError **error)
{
	return g_dbus_connection_call_sync(f->bus, NULL, "/org/vhostdesktop/Gpu1",
	                                   "org.vhostdesktop.Gpu1", method, params, NULL,
	                                   G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
}

static GByteArray *
screenshot(Fixture *f, unsigned int output, uint32_t *w, uint32_t *h)
{
	g_autofree char *path = g_build_filename(f->dir, "shot.png", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;
	g_autofree char *data = NULL;
	gsize len;

	r = dbus_call(f, "Screenshot", g_variant_new("(us)", output, path), &error);
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_unlink(path);
	return png_decode((const uint8_t *)data, len, w, h);
}

static void
test_headless_pixels(Fixture *f, gconstpointer data)
{
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
				g_error("pixel %u,%u: %06x, want %06x", x, y, png_pixel(raw, w, x, y),
				        pattern(x, y));
	g_clear_pointer(&raw, g_byte_array_unref);

	/* Output 1 shows nothing yet: black, at its configured size. */
	raw = screenshot(f, 1, &w, &h);
	g_assert_cmpuint(w, ==, 320);
	g_assert_cmpuint(h, ==, 200);
	g_assert_cmphex(png_pixel(raw, w, 10, 10), ==, 0);
	g_clear_pointer(&raw, g_byte_array_unref);

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
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) r = dbus_call(f, "Screenshot", g_variant_new("(us)", 5, "/x"),
		                                  &error);

		g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
		g_assert_null(r);
	}
}

static void
test_display_info_edid(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_ctrl_hdr req = {
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO, .flags = VIRTIO_GPU_FLAG_FENCE, .fence_id = 9,
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
	r = dbus_call(f, "Resize", g_variant_new("(uuu)", 1, 5, 768), &error);
	g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
	g_clear_error(&error);
	r = dbus_call(f, "Connect", g_variant_new("(u)", 2), &error);
	g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
}

/* --- GPU socket peer (QEMU's display side) --- */

static bool
peer_read(Fixture *f, VdGpuMsgHdr *hdr, void **payload, int timeout_ms)
{
	struct pollfd pfd = { f->peer, POLLIN, 0 };
	size_t got = 0;
	uint8_t *p;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return false;
	if (recv(f->peer, hdr, sizeof(*hdr), MSG_WAITALL) != sizeof(*hdr))
		return false;
	p = g_malloc(hdr->size + 1);
	while (got < hdr->size) {
		ssize_t n = recv(f->peer, p + got, hdr->size - got, MSG_WAITALL);

		if (n <= 0) {
			g_free(p);
			return false;
		}
		got += (size_t)n;
	}
	*payload = p;
	return true;
}

static void *
peer_expect(Fixture *f, uint32_t request, uint32_t size)
{
	VdGpuMsgHdr hdr;
	void *p = NULL;

	g_assert_true(peer_read(f, &hdr, &p, 5000));
	g_assert_cmpuint(hdr.request, ==, request);
	g_assert_cmpuint(hdr.size, ==, size);
	return p;
}

static void
peer_reply(Fixture *f, uint32_t request, const void *data, size_t len)
{
	VdGpuMsgHdr hdr = { request, VD_GPU_MSG_FLAG_REPLY, (uint32_t)len };

	g_assert_cmpint(send(f->peer, &hdr, sizeof(hdr), 0), ==, sizeof(hdr));
	g_assert_cmpint(send(f->peer, data, len, 0), ==, (ssize_t)len);
}

static void
connect_gpu_socket(Fixture *f)
{
	int sv[2];
	uint64_t features = 3;
	g_autofree uint64_t *set = NULL;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	g_assert_cmpint(vfe_request(f->fe, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1), ==, 0);
	close(sv[1]);
	f->peer = sv[0];
	g_free(peer_expect(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, 0));
	peer_reply(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, &features, sizeof(features));
	set = peer_expect(f, VD_GPU_MSG_SET_PROTOCOL_FEATURES, 8);
	g_assert_cmphex(*set, ==, 1);
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
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) r = dbus_call(f, "Resize", g_variant_new("(uuu)", 0, 800, 600),
		                                  &error);

		g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_NOT_SUPPORTED);
		g_assert_null(r);
	}
}

static void
test_socket_cursor(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_update_cursor c = {
		.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR,
		.pos = { .scanout_id = 0, .x = 100, .y = 50 }, .resource_id = 2, .hot_x = 1,
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
	g_assert_cmphex(ctrl_wait(f, CTRL, &edid, sizeof(edid), 5000), ==,
	                VIRTIO_GPU_RESP_OK_EDID);
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
	return g_test_run();
}
