/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-desktop-gpu --virgl through the test front-end, on virglrenderer and
 * llvmpipe (no GPU needed): the VIRGL feature and two capsets; 2D commands
 * on virgl resources; a SUBMIT_3D clear shown on a headless output, on the
 * GPU socket and as the cursor; fenced answers in fence order without the
 * queue waiting; a memory table change under an attached backing; and a
 * daemon that cannot start 3D exits non-zero instead of offering it.
 */
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "integration.h"
#include "png-decode.h"
#include "virgl-test.h"

#define CTX 1u
#define GREEN 0x00ff00u
#define RED 0xff0000u

static void
virgl_setup(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--virgl", "--outputs=2", "--output-size=640x480",
		                            "--output-size=320x200", NULL };

	fixture_start(f, args);
}

/* --dmabuf on llvmpipe: nothing can be exported, so the pixels go as without it. */
static void
virgl_dmabuf_setup(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--virgl",
		                            "--dmabuf",
		                            "--outputs=2",
		                            "--output-size=640x480",
		                            "--output-size=320x200",
		                            NULL };

	fixture_start(f, args);
}

static void
ctx_create_attach(Fixture *f, uint32_t res_id)
{
	uint8_t buf[512];

	g_assert_cmphex(ctrl_nodata(f, buf, tv_ctx_create(buf, CTX, "test")), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(
	        ctrl_nodata(f, buf,
	                    tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, CTX, res_id)),
	        ==, VIRTIO_GPU_RESP_OK_NODATA);
}

/* SUBMIT_3D: resource res_id becomes surface surf and is cleared to r, g, b. */
static size_t
build_clear(uint8_t *buf, uint32_t surf, uint32_t res_id, float r, float g, float b, uint64_t fence)
{
	uint32_t stream[64];
	size_t n = tv_clear_stream(stream, surf, res_id, r, g, b, 1.0f);
	size_t len = tv_submit(buf, CTX, stream, n);
	struct virtio_gpu_ctrl_hdr *hdr = (void *)buf;

	if (fence) {
		hdr->flags = VIRTIO_GPU_FLAG_FENCE;
		hdr->fence_id = fence;
	}
	return len;
}

static void
assert_screen(Fixture *f, unsigned int output, uint32_t want_w, uint32_t want_h,
              uint32_t (*expect)(uint32_t x, uint32_t y))
{
	g_autoptr(GByteArray) raw = NULL;
	uint32_t w, h;

	raw = screenshot(f, output, &w, &h);
	g_assert_cmpuint(w, ==, want_w);
	g_assert_cmpuint(h, ==, want_h);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			if (png_pixel(raw, w, x, y) != expect(x, y))
				g_error("output %u pixel %u,%u: %06x, want %06x", output, x, y,
				        png_pixel(raw, w, x, y), expect(x, y));
}

static uint32_t
all_green(uint32_t x, uint32_t y)
{
	return GREEN;
}

static void
test_features_capsets(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_config config;
	struct virtio_gpu_get_capset_info info = { .hdr.type = VIRTIO_GPU_CMD_GET_CAPSET_INFO };
	struct virtio_gpu_resp_capset_info ri;
	uint32_t max_size[3] = { 0 };

	g_assert_true(vfe_has_feature(f->fe, VIRTIO_GPU_F_VIRGL));
	g_assert_true(vfe_has_feature(f->fe, VIRTIO_GPU_F_EDID));
	/* ASSIGN_UUID names 2D resources, which do not exist with 3D on. */
	g_assert_false(vfe_has_feature(f->fe, VIRTIO_GPU_F_RESOURCE_UUID));
	g_assert_cmpint(vfe_get_config(f->fe, 0, sizeof(config), &config), ==, 0);
	g_assert_cmpuint(config.num_capsets, ==, 2);
	g_assert_cmpuint(config.num_scanouts, ==, 2);

	for (uint32_t i = 0; i < 2; i++) {
		info.capset_index = i;
		g_assert_cmphex(ctrl(f, &info, sizeof(info), &ri, sizeof(ri)), ==,
		                VIRTIO_GPU_RESP_OK_CAPSET_INFO);
		g_assert_cmpuint(ri.capset_id, ==, i + 1); /* VIRGL, VIRGL2 */
		g_assert_cmpuint(ri.capset_max_version, >=, 1);
		g_assert_cmpuint(ri.capset_max_size, >, 0);
		g_assert_cmpuint(ri.capset_max_size, <=,
		                 4096 - sizeof(struct virtio_gpu_resp_capset));
		g_assert_cmpuint(ri.padding, ==, 0);
		max_size[i + 1] = ri.capset_max_size;
	}
	info.capset_index = 2;
	g_assert_cmphex(ctrl(f, &info, sizeof(info), &ri, sizeof(struct virtio_gpu_ctrl_hdr)), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

	/* The virgl2 capset, whole: the answer is exactly header + max_size bytes. */
	{
		struct virtio_gpu_get_capset get = {
			.hdr.type = VIRTIO_GPU_CMD_GET_CAPSET,
			.capset_id = 2,
			.capset_version = 2,
		};
		size_t len = sizeof(struct virtio_gpu_resp_capset) + max_size[2];
		g_autofree struct virtio_gpu_resp_capset *rc = g_malloc0(len);
		uint32_t version;

		g_assert_cmphex(ctrl(f, &get, sizeof(get), rc, len), ==, VIRTIO_GPU_RESP_OK_CAPSET);
		memcpy(&version, rc->capset_data, sizeof(version));
		g_assert_cmpuint(version, >=, 1); /* virgl_caps_v2 starts with max_version */
		get.capset_id = 7;
		g_assert_cmphex(ctrl(f, &get, sizeof(get), rc, sizeof(struct virtio_gpu_ctrl_hdr)),
		                ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	}
}

static void
test_2d_on_virgl(Fixture *f, gconstpointer data)
{
	/* CREATE_2D, ATTACH_BACKING, TRANSFER_TO_HOST_2D go to virglrenderer. */
	make_fb(f, 1, 640, 480);
	g_assert_cmphex(transfer(f, 1, 0, 0, 640, 480, 640 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(flush(f, 1, 0, 0, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	/* Read back from the renderer: same pixels, same row order. */
	assert_screen(f, 0, 640, 480, pattern);

	/* An unref'd resource leaves the display, as in 2D. */
	{
		struct virtio_gpu_resource_unref u = {
			.hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
			.resource_id = 1,
		};

		g_assert_cmphex(ctrl_nodata(f, &u, sizeof(u)), ==, VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_cmphex(flush(f, 1, 0, 0, 1, 1), ==,
		                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
		g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==,
		                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

		assert_dbus_error_fd(f, "Screenshot", g_variant_new("(uh)", 0, 0), devnull,
		                     "org.vhostdesktop.Error.NoScanout",
		                     "Output 0 shows nothing yet: the guest has no scanout on it");
		close(devnull);
	}
}

static void
test_clear_headless(Fixture *f, gconstpointer data)
{
	uint8_t buf[1024];

	make_fb(f, 1, 640, 480);
	ctx_create_attach(f, 1);
	g_assert_cmphex(ctrl_nodata(f, buf, build_clear(buf, 1, 1, 0.0f, 1.0f, 0.0f, 0)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 1, 1, 320, 200), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(flush(f, 1, 0, 0, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	/* What llvmpipe rendered shows on both outputs. */
	assert_screen(f, 0, 640, 480, all_green);
	assert_screen(f, 1, 320, 200, all_green);
}

static void
test_clear_socket_and_cursor(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_update_cursor c = {
		.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR,
		.pos = { .scanout_id = 0, .x = 10, .y = 20 },
		.resource_id = 2,
	};
	g_autofree VdGpuMsgScanout *s = NULL;
	g_autofree uint8_t *up = NULL;
	g_autofree VdGpuMsgCursorUpdate *cur = NULL;
	uint8_t buf[1024];
	const uint32_t *px;

	connect_gpu_socket(f);
	make_fb(f, 1, 640, 480);
	make_fb(f, 2, 64, 64);
	ctx_create_attach(f, 1);
	g_assert_cmphex(
	        ctrl_nodata(f, buf,
	                    tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, CTX, 2)),
	        ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(ctrl_nodata(f, buf, build_clear(buf, 1, 1, 0.0f, 1.0f, 0.0f, 0)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	s = peer_expect(f, VD_GPU_MSG_SCANOUT, sizeof(*s));
	g_assert_cmpuint(s->width, ==, 640);
	g_assert_cmphex(flush(f, 1, 0, 0, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	up = peer_expect(f, VD_GPU_MSG_UPDATE, sizeof(VdGpuMsgUpdate) + 640 * 480 * 4);
	px = (const uint32_t *)(up + sizeof(VdGpuMsgUpdate));
	for (uint32_t i = 0; i < 640 * 480; i++)
		if ((px[i] & 0xffffff) != GREEN)
			g_error("pixel %u: %06x", i, px[i]);

	/* The cursor image comes from a resource cleared by the renderer. */
	g_assert_cmphex(ctrl_nodata(f, buf, build_clear(buf, 2, 2, 1.0f, 0.0f, 0.0f, 0)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	ctrl_send(f, CURSOR, &c, sizeof(c), NULL, 0);
	ctrl_wait(f, CURSOR, NULL, 0, -1);
	cur = peer_expect(f, VD_GPU_MSG_CURSOR_UPDATE, sizeof(*cur));
	g_assert_cmpuint(cur->pos.x, ==, 10);
	g_assert_cmphex(cur->data[0], ==, 0xff000000u | RED);
	g_assert_cmphex(cur->data[63 * 64 + 63], ==, 0xff000000u | RED);
}

/*
 * Fenced commands in one batch: 3D work, a flush, 3D work. Their answers
 * come in fence order; an unfenced query behind them is not held up.
 */
static void
test_fence_order(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_flush fl = {
		.hdr = { .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		         .flags = VIRTIO_GPU_FLAG_FENCE,
		         .fence_id = 11 },
		.r = { 0, 0, 640, 480 },
		.resource_id = 1,
	};
	struct virtio_gpu_ctrl_hdr info = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
	uint8_t buf0[1024], buf2[1024];
	size_t len0 = build_clear(buf0, 1, 1, 1.0f, 0.0f, 0.0f, 10);
	size_t len2 = build_clear(buf2, 3, 1, 0.0f, 1.0f, 0.0f, 12);
	const size_t hdr_len = sizeof(struct virtio_gpu_ctrl_hdr);
	int heads[4];
	uint64_t order[4];
	unsigned int n_fenced = 0;

	make_fb(f, 1, 640, 480);
	ctx_create_attach(f, 1);
	g_assert_cmphex(set_scanout(f, 0, 1, 640, 480), ==, VIRTIO_GPU_RESP_OK_NODATA);
	heads[0] = ctrl_send_slot(f, CTRL, 0, buf0, len0, hdr_len);
	heads[1] = ctrl_send_slot(f, CTRL, 1, &fl, sizeof(fl), hdr_len);
	heads[2] = ctrl_send_slot(f, CTRL, 2, buf2, len2, hdr_len);
	heads[3] = ctrl_send_slot(f, CTRL, 3, &info, sizeof(info),
	                          sizeof(struct virtio_gpu_resp_display_info));
	for (unsigned int i = 0; i < 4; i++) {
		uint32_t id, len;
		unsigned int slot = 0;
		struct virtio_gpu_ctrl_hdr resp;

		g_assert_cmpint(vfe_queue_wait_used(f->fe, CTRL, 5000, &id, &len), ==, 0);
		while (slot < 4 && heads[slot] != (int)id)
			slot++;
		g_assert_cmpuint(slot, <, 4);
		g_assert_cmpint(
		        vfe_mem_read(f->fe, f->resp_gpa + slot * 4096ull, &resp, sizeof(resp)), ==,
		        0);
		if (slot == 3) {
			g_assert_cmphex(resp.type, ==, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
			continue;
		}
		g_assert_cmphex(resp.type, ==, VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_true(resp.flags & VIRTIO_GPU_FLAG_FENCE);
		order[n_fenced++] = resp.fence_id;
	}
	g_assert_cmpuint(n_fenced, ==, 3);
	g_assert_cmpuint(order[0], ==, 10);
	g_assert_cmpuint(order[1], ==, 11);
	g_assert_cmpuint(order[2], ==, 12);
	/* The flush ran after the red clear was done; the green one came later. */
	{
		g_autoptr(GByteArray) raw = NULL;
		uint32_t w, h;

		raw = screenshot(f, 0, &w, &h);
		g_assert_cmphex(png_pixel(raw, w, 320, 240), ==, RED);
	}
}

/* The region holding a backing goes away and comes back. */
static void
test_memory_change(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_create_2d c = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		.resource_id = 5,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		.width = 64,
		.height = 64,
	};
	uint64_t desc, avail, used, r1_start, r1_size, backing;
	uint8_t buf[256];

	g_assert_cmpint(vfe_queue_ring_gpa(f->fe, CTRL, &desc, &avail, &used), ==, 0);
	g_assert_cmpint(vfe_mem_region(f->fe, 1, &r1_start, &r1_size, NULL, NULL, NULL), ==, 0);
	if (desc >= r1_start || used >= r1_start || f->req_gpa >= r1_start ||
	    f->resp_gpa >= r1_start) {
		g_test_skip("the rings or buffers landed in region 1");
		return;
	}
	backing = vfe_alloc_in_region(f->fe, 1, 64 * 64 * 4, 4096);
	g_assert_cmpuint(backing, !=, 0);
	g_assert_cmpint(vfe_mem_fill(f->fe, backing, 0x40, 64 * 64 * 4), ==, 0);
	g_assert_cmphex(ctrl_nodata(f, &c, sizeof(c)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(ctrl_nodata(f, buf, tv_attach_backing(buf, 5, backing, 64 * 64 * 4)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(transfer(f, 5, 0, 0, 64, 64, 64 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);

	/* Gone: the daemon must not touch the old mapping (ASan would catch it). */
	g_assert_cmpint(vfe_mem_remove_region(f->fe, 1), ==, 0);
	g_assert_cmphex(transfer(f, 5, 0, 0, 64, 64, 64 * 4), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	/* Back: the backing is mapped again. */
	g_assert_cmpint(vfe_mem_add_region(f->fe, 1), ==, 0);
	g_assert_cmphex(transfer(f, 5, 0, 0, 64, 64, 64 * 4), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(set_scanout(f, 1, 5, 64, 64), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(flush(f, 5, 0, 0, 64, 64), ==, VIRTIO_GPU_RESP_OK_NODATA);
	{
		g_autoptr(GByteArray) raw = NULL;
		uint32_t w, h;

		raw = screenshot(f, 1, &w, &h);
		g_assert_cmphex(png_pixel(raw, w, 63, 63), ==, 0x404040);
	}
}

/* --virgl that cannot work: a non-zero exit and the reason, never a GPU without 3D. */
static void
test_cannot_start(void)
{
	const char *argv[] = { GPU_DAEMON, "--render-node=/nonexistent/renderD128",
		               "--socket-path=/nonexistent/sock", NULL };
	g_autofree char *err = NULL;
	g_autoptr(GError) error = NULL;
	int status;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
	                           &err, &status, &error));
	g_assert_no_error(error);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), !=, 0);
	g_assert_nonnull(strstr(err, "--virgl"));
	g_assert_nonnull(strstr(err, "/nonexistent/renderD128"));
}

/*
 * clang 14's LeakSanitizer (Debian 12) crashes when the 3D daemon exits, in
 * its scan of the dynamic TLS that Mesa's dlopen'ed driver leaves behind
 * ("Tracer caught signal 11", bogus DTLS bounds), which fails the test for
 * no fault of ours. Under clang the daemons started here run without leak
 * detection; gcc's LeakSanitizer copes and checks them for leaks.
 */
static void
daemon_env_for_clang_lsan(void)
{
#if defined(__clang__)
	const char *opts = g_getenv("ASAN_OPTIONS");
	g_autofree char *with =
	        g_strconcat(opts ? opts : "", opts ? ":" : "", "detect_leaks=0", NULL);

	g_setenv("ASAN_OPTIONS", with, TRUE);
#endif
}

/* One malformed request, and what both decoders must answer. */
typedef struct {
	const char *what;
	uint32_t nr_entries; /* ATTACH_BACKING's count */
	unsigned int sent;   /* entries in the request */
	uint32_t lengths[2]; /* their lengths (0: an empty entry) */
	bool outside;        /* the second entry outside guest RAM */
	uint32_t want;
} MalformedAttach;

static uint32_t
attach_case(Fixture *f, uint32_t id, const MalformedAttach *c)
{
	struct {
		struct virtio_gpu_resource_attach_backing a;
		struct virtio_gpu_mem_entry e[2];
	} req = { .a = { .hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
		         .resource_id = id,
		         .nr_entries = c->nr_entries } };
	struct virtio_gpu_resource_create_2d create = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		.resource_id = id,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		.width = 16,
		.height = 16,
	};

	g_assert_cmphex(ctrl_nodata(f, &create, sizeof(create)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	for (unsigned int i = 0; i < c->sent; i++) {
		req.e[i].addr = vfe_alloc(f->fe, 4096, 4096);
		req.e[i].length = c->lengths[i];
	}
	if (c->outside)
		req.e[1].addr = RAM_SIZE * 4;
	return ctrl_nodata(f, &req, sizeof(req.a) + c->sent * sizeof(req.e[0]));
}

/*
 * 2D and 3D decode the same command set and must answer a malformed request
 * the same way: the same cases through a daemon without and with --virgl.
 */
static void
test_malformed_like_2d(void)
{
	static const MalformedAttach cases[] = {
		{ "entries announced but not sent",
		  2,
		  0,
		  { 0 },
		  false,
		  VIRTIO_GPU_RESP_ERR_UNSPEC },
		{ "no entries", 0, 0, { 0 }, false, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
		{ "2^32-1 entries",
		  0xffffffffu,
		  1,
		  { 4096 },
		  false,
		  VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
		{ "an empty entry beside a real one",
		  2,
		  2,
		  { 0, 4096 },
		  false,
		  VIRTIO_GPU_RESP_OK_NODATA },
		{ "only empty entries",
		  2,
		  2,
		  { 0, 0 },
		  false,
		  VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER },
		{ "an entry outside guest RAM",
		  2,
		  2,
		  { 4096, 4096 },
		  true,
		  VIRTIO_GPU_RESP_ERR_UNSPEC },
	};
	static const char *const args_2d[] = { NULL };
	static const char *const args_3d[] = { "--virgl", NULL };
	const char *const *modes[] = { args_2d, args_3d };

	for (unsigned int m = 0; m < G_N_ELEMENTS(modes); m++) {
		Fixture f = { 0 };
		struct virtio_gpu_ctrl_hdr unknown = { .type = 0x1ff };
		struct virtio_gpu_resource_unref unref = {
			.hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
			.resource_id = 999,
		};

		fixture_start(&f, modes[m]);
		for (unsigned int i = 0; i < G_N_ELEMENTS(cases); i++) {
			uint32_t got = attach_case(&f, 10 + i, &cases[i]);

			if (got != cases[i].want)
				g_error("%s: ATTACH_BACKING with %s: 0x%x, want 0x%x",
				        m ? "3D" : "2D", cases[i].what, got, cases[i].want);
		}
		g_assert_cmphex(ctrl_nodata(&f, &unknown, sizeof(unknown)), ==,
		                VIRTIO_GPU_RESP_ERR_UNSPEC);
		g_assert_cmphex(ctrl_nodata(&f, &unref, sizeof(unref.hdr) + 2), ==,
		                VIRTIO_GPU_RESP_ERR_UNSPEC);
		g_assert_cmphex(ctrl_nodata(&f, &unref, sizeof(unref)), ==,
		                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
		fixture_teardown(&f, NULL);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	daemon_env_for_clang_lsan();
#define ADD(name, fn) g_test_add(name, Fixture, NULL, virgl_setup, fn, fixture_teardown)
	ADD("/gpu/virgl/features-capsets", test_features_capsets);
	ADD("/gpu/virgl/2d-on-virgl", test_2d_on_virgl);
	ADD("/gpu/virgl/clear-headless", test_clear_headless);
	ADD("/gpu/virgl/clear-socket-cursor", test_clear_socket_and_cursor);
	g_test_add("/gpu/virgl/dmabuf-falls-back-to-pixels", Fixture, NULL, virgl_dmabuf_setup,
	           test_clear_socket_and_cursor, fixture_teardown);
	ADD("/gpu/virgl/fence-order", test_fence_order);
	ADD("/gpu/virgl/memory-change", test_memory_change);
	g_test_add_func("/gpu/virgl/cannot-start", test_cannot_start);
	g_test_add_func("/gpu/virgl/malformed-like-2d", test_malformed_like_2d);
	return g_test_run();
}
