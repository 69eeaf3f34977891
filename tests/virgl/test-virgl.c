/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 3D module against the real virglrenderer, on llvmpipe through
 * surfaceless EGL (these machines have no GPU): start-up, capsets, a render
 * target cleared by a SUBMIT_3D stream and read back into guest memory,
 * fence order, and bad guest input.
 */
#include <gio/gio.h>
#include <string.h>

#include "virgl-test.h"

#define RAM_SIZE (8u * 1024 * 1024)

static VdVirgl *virgl;
static char *skip_reason;
static TvRam ram;
static GPtrArray *completed; /* VdGpuCmd, in completion order */

/* Mesa's EGL vendor library: without it there is nothing to run on. */
static bool
mesa_egl_present(void)
{
	static const char *const paths[] = {
		"/usr/share/glvnd/egl_vendor.d/50_mesa.json",
		"/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0",
		"/usr/lib/aarch64-linux-gnu/libEGL_mesa.so.0",
		"/usr/lib64/libEGL_mesa.so.0",
		"/usr/lib/libEGL_mesa.so.0",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
		if (g_file_test(paths[i], G_FILE_TEST_EXISTS))
			return true;
	}
	return false;
}

static bool
need_virgl(void)
{
	if (virgl)
		return true;
	g_test_skip(skip_reason);
	return false;
}

static void
on_complete(VdVirgl *v, VdGpuCmd *cmd, void *data)
{
	(void)v;
	(void)data;
	g_ptr_array_add(completed, cmd);
}

/* Runs one request; the command must not be left pending. */
static uint32_t
run(const void *req, size_t len, VdGpuCmd *cmd)
{
	vd_gpu_cmd_init(cmd, req, len);
	vd_virgl_process_ctrl(virgl, cmd);
	g_assert_false(cmd->pending);
	g_assert_cmpuint(cmd->resp_len, >=, sizeof(struct virtio_gpu_ctrl_hdr));
	return ((struct virtio_gpu_ctrl_hdr *)cmd->resp)->type;
}

static uint32_t
run_simple(const void *req, size_t len)
{
	g_autofree VdGpuCmd *cmd = g_new(VdGpuCmd, 1);

	return run(req, len, cmd);
}

/* An error answer is a bare header: nothing else of the response buffer goes out. */
static void
assert_error(const void *req, size_t len, uint32_t err)
{
	g_autofree VdGpuCmd *cmd = g_new(VdGpuCmd, 1);

	g_assert_cmphex(run(req, len, cmd), ==, err);
	g_assert_cmpuint(cmd->resp_len, ==, sizeof(struct virtio_gpu_ctrl_hdr));
	for (size_t i = cmd->resp_len; i < sizeof(cmd->resp); i++)
		g_assert_cmpuint(cmd->resp[i], ==, 0);
}

static void
wait_fences(void)
{
	gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;

	while (vd_virgl_fences_pending(virgl) > 0) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_main_context_iteration(NULL, TRUE);
	}
}

static void
test_init(void)
{
	g_autofree char *lower = NULL;

	if (!need_virgl())
		return;
	g_test_message("renderer: %s on %s", vd_virgl_renderer_name(virgl),
	               vd_virgl_render_node(virgl) ? vd_virgl_render_node(virgl) : "surfaceless");
	g_assert_null(vd_virgl_render_node(virgl));
	lower = g_ascii_strdown(vd_virgl_renderer_name(virgl), -1);
	/* Mesa's software rasterisers (GALLIUM_DRIVER may pick softpipe). */
	g_assert_true(strstr(lower, "llvmpipe") || strstr(lower, "softpipe"));
}

static void
test_second_instance(void)
{
	g_autoptr(GError) error = NULL;
	VdVirglOptions opts;
	VdVirgl *other;

	if (!need_virgl())
		return;
	vd_virgl_options_init(&opts);
	opts.software = true;
	other = vd_virgl_new(&opts, &error);
	g_assert_null(other);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_BUSY);
}

static void
test_bad_render_node(void)
{
	g_autoptr(GError) error = NULL;
	VdVirglOptions opts;

	/* Refused before virglrenderer is touched, so it runs beside the live instance. */
	vd_virgl_options_init(&opts);
	opts.render_node = "/nonexistent/renderD128";
	if (virgl) {
		g_assert_null(vd_virgl_new(&opts, &error));
		g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
		return;
	}
	g_test_skip(skip_reason);
}

static void
test_capsets(void)
{
	struct virtio_gpu_get_capset_info info;
	struct virtio_gpu_get_capset get;
	uint32_t sizes[3] = { 0 }, versions[3] = { 0 };

	if (!need_virgl())
		return;
	g_assert_cmpuint(vd_virgl_num_capsets(virgl), ==, 2);
	for (uint32_t i = 0; i < 2; i++) {
		g_autofree VdGpuCmd *cmd = g_new(VdGpuCmd, 1);
		struct virtio_gpu_resp_capset_info *r = (void *)cmd->resp;

		memset(&info, 0, sizeof(info));
		tv_hdr(&info.hdr, VIRTIO_GPU_CMD_GET_CAPSET_INFO, 0);
		info.capset_index = i;
		g_assert_cmphex(run(&info, sizeof(info), cmd), ==, VIRTIO_GPU_RESP_OK_CAPSET_INFO);
		g_assert_cmpuint(cmd->resp_len, ==, sizeof(*r));
		g_assert_cmpuint(r->capset_id, ==, i + 1);
		g_assert_cmpuint(r->capset_max_size, >, 0);
		g_assert_cmpuint(r->capset_max_version, >=, 1);
		g_assert_cmpuint(r->padding, ==, 0);
		sizes[r->capset_id] = r->capset_max_size;
		versions[r->capset_id] = r->capset_max_version;
	}
	g_test_message("virgl: %u bytes v%u; virgl2: %u bytes v%u", sizes[1], versions[1], sizes[2],
	               versions[2]);
	info.capset_index = 2;
	assert_error(&info, sizeof(info), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	info.capset_index = UINT32_MAX;
	assert_error(&info, sizeof(info), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

	for (uint32_t id = 1; id <= 2; id++) {
		g_autofree VdGpuCmd *cmd = g_new(VdGpuCmd, 1);
		struct virtio_gpu_resp_capset *r = (void *)cmd->resp;
		uint32_t max_version;

		memset(&get, 0, sizeof(get));
		tv_hdr(&get.hdr, VIRTIO_GPU_CMD_GET_CAPSET, 0);
		get.capset_id = id;
		get.capset_version = versions[id];
		g_assert_cmphex(run(&get, sizeof(get), cmd), ==, VIRTIO_GPU_RESP_OK_CAPSET);
		g_assert_cmpuint(cmd->resp_len, ==, sizeof(*r) + sizes[id]);
		/* Both start with max_version (union virgl_caps). */
		memcpy(&max_version, r->capset_data, sizeof(max_version));
		g_assert_cmpuint(max_version, >=, 1);
	}
	get.capset_id = 0;
	assert_error(&get, sizeof(get), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	get.capset_id = 3; /* VIRTIO_GPU_CAPSET_GFXSTREAM_VULKAN: not offered */
	assert_error(&get, sizeof(get), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	get.capset_id = 2;
	get.capset_version = versions[2] + 1;
	assert_error(&get, sizeof(get), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
}

/* Context ctx with a w x h render target res backed at guest address addr. */
static void
setup_target(uint32_t ctx, uint32_t res, uint32_t w, uint32_t h, uint64_t addr)
{
	uint8_t buf[256];

	g_assert_cmphex(run_simple(buf, tv_ctx_create(buf, ctx, "test")), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(run_simple(buf, tv_create_rt(buf, res, w, h)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(run_simple(buf, tv_attach_backing(buf, res, addr, w * h * 4)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(
	        run_simple(buf, tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, ctx, res)),
	        ==, VIRTIO_GPU_RESP_OK_NODATA);
}

static void
test_clear_readback(void)
{
	const uint32_t w = 64, h = 48, ctx = 1, res = 10;
	uint8_t buf[512];
	uint32_t stream[64];
	uint32_t *pixels = (uint32_t *)(void *)(ram.mem + 0x20000);
	g_autofree uint32_t *host = g_new(uint32_t, w * h);
	size_t n;

	if (!need_virgl())
		return;
	setup_target(ctx, res, w, h, TV_RAM_BASE + 0x20000);
	for (uint32_t i = 0; i < w * h; i++)
		pixels[i] = 0xdeadbeef;

	n = tv_clear_stream(stream, 1, res, 1.0f, 0.6f, 0.2f, 1.0f);
	g_assert_cmphex(run_simple(buf, tv_submit(buf, ctx, stream, n)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(run_simple(buf, tv_transfer_3d(buf, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D,
	                                               ctx, res, w, h, w * 4)),
	                ==, VIRTIO_GPU_RESP_OK_NODATA);
	/* B8G8R8X8 in memory: blue 0.2 = 0x33, green 0.6 = 0x99, red 1.0 = 0xff. */
	for (uint32_t i = 0; i < w * h; i++) {
		if ((pixels[i] & 0xffffff) != 0xff9933)
			g_error("pixel %u,%u is 0x%08x, not 0x..ff9933", i % w, i / w, pixels[i]);
	}

	/* The scanout path: the same pixels read into host memory. */
	memset(host, 0, w * h * 4);
	g_assert_cmpint(vd_virgl_read_pixels(virgl, res, 0, 0, w, h, host, w * 4), ==, 0);
	g_assert_cmphex(host[0] & 0xffffff, ==, 0xff9933);
	g_assert_cmphex(host[w * h - 1] & 0xffffff, ==, 0xff9933);
	g_assert_cmpint(vd_virgl_read_pixels(virgl, res, 1, 0, w, h, host, w * 4), <, 0);
	g_assert_cmpint(vd_virgl_read_pixels(virgl, 999, 0, 0, 1, 1, host, 4), <, 0);

	/* A second clear through the same surface, another colour, part of it read back. */
	n = tv_clear_only(stream, 0.0f, 0.0f, 1.0f, 1.0f);
	g_assert_cmphex(run_simple(buf, tv_submit(buf, ctx, stream, n)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(run_simple(buf, tv_transfer_3d(buf, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D,
	                                               ctx, res, w, 1, w * 4)),
	                ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(pixels[0] & 0xffffff, ==, 0x0000ff);
	g_assert_cmphex(pixels[w - 1] & 0xffffff, ==, 0x0000ff);
	g_assert_cmphex(pixels[w] & 0xffffff, ==, 0xff9933); /* row 1 not transferred */

	vd_virgl_reset(virgl);
}

static void
test_fence_order(void)
{
	enum { N = 32 };
	VdGpuCmd *cmds = g_new(VdGpuCmd, N);
	uint8_t buf[512];
	uint32_t stream[64];
	size_t n, len;

	if (!need_virgl()) {
		g_free(cmds);
		return;
	}
	setup_target(2, 20, 256, 256, TV_RAM_BASE + 0x40000);
	n = tv_clear_stream(stream, 1, 20, 0.5f, 0.5f, 0.5f, 1.0f);
	g_assert_cmphex(run_simple(buf, tv_submit(buf, 2, stream, n)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	n = tv_clear_only(stream, 0.25f, 0.5f, 0.75f, 1.0f);

	g_ptr_array_set_size(completed, 0);
	for (uint32_t i = 0; i < N; i++) {
		struct virtio_gpu_ctrl_hdr *hdr = (void *)buf;

		/* Every eighth fails (no such context): still answered in its place. */
		len = tv_submit(buf, i % 8 == 7 ? 99 : 2, stream, n);
		hdr->flags = VIRTIO_GPU_FLAG_FENCE;
		hdr->fence_id = 1000 + i;
		vd_gpu_cmd_init(&cmds[i], buf, len);
		vd_virgl_process_ctrl(virgl, &cmds[i]);
		g_assert_true(cmds[i].pending);
		/* The request bytes may go at once: the decoder keeps no pointer to them. */
		memset(buf, 0xa5, sizeof(buf));
	}
	g_assert_cmpuint(completed->len, ==, 0);
	g_assert_cmpuint(vd_virgl_fences_pending(virgl), ==, N);
	wait_fences();
	g_assert_cmpuint(completed->len, ==, N);
	for (uint32_t i = 0; i < N; i++) {
		VdGpuCmd *cmd = completed->pdata[i];
		struct virtio_gpu_ctrl_hdr *r = (void *)cmd->resp;

		g_assert_true(cmd == &cmds[i]);
		g_assert_false(cmd->pending);
		g_assert_cmpuint(r->flags & VIRTIO_GPU_FLAG_FENCE, !=, 0);
		g_assert_cmpuint(r->fence_id, ==, 1000 + i);
		g_assert_cmphex(r->type, ==,
		                i % 8 == 7 ? VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID
		                           : VIRTIO_GPU_RESP_OK_NODATA);
	}
	vd_virgl_reset(virgl);
	g_free(cmds);
}

static void
test_reset_completes_fences(void)
{
	VdGpuCmd cmd;
	uint8_t buf[128];
	struct virtio_gpu_ctrl_hdr *hdr = (void *)buf;

	if (!need_virgl())
		return;
	g_ptr_array_set_size(completed, 0);
	tv_ctx_create(buf, 3, "fence");
	hdr->flags = VIRTIO_GPU_FLAG_FENCE;
	hdr->fence_id = 7;
	vd_gpu_cmd_init(&cmd, buf, sizeof(struct virtio_gpu_ctx_create));
	vd_virgl_process_ctrl(virgl, &cmd);
	g_assert_true(cmd.pending);
	vd_virgl_reset(virgl);
	g_assert_cmpuint(completed->len, ==, 1);
	g_assert_false(cmd.pending);
	g_assert_cmpuint(vd_virgl_fences_pending(virgl), ==, 0);
}

static void
test_bad_inputs(void)
{
	uint8_t buf[1024];
	uint32_t stream[64];
	struct virtio_gpu_ctx_create cc;
	struct virtio_gpu_resource_create_3d rc;
	struct virtio_gpu_cmd_submit sub;
	struct virtio_gpu_transfer_host_3d tr;
	struct virtio_gpu_resource_attach_backing *ab = (void *)buf;
	size_t len, n;

	if (!need_virgl())
		return;
	/* Framing. */
	memset(buf, 0, sizeof(buf));
	assert_error(buf, 4, VIRTIO_GPU_RESP_ERR_UNSPEC);
	tv_hdr((void *)buf, 0x2ff, 0);
	assert_error(buf, sizeof(struct virtio_gpu_ctrl_hdr), VIRTIO_GPU_RESP_ERR_UNSPEC);
	tv_hdr((void *)buf, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, 0); /* the device's, not ours */
	assert_error(buf, sizeof(struct virtio_gpu_ctrl_hdr), VIRTIO_GPU_RESP_ERR_UNSPEC);
	g_assert_false(vd_virgl_handles(VIRTIO_GPU_CMD_GET_DISPLAY_INFO));
	g_assert_true(vd_virgl_handles(VIRTIO_GPU_CMD_SUBMIT_3D));
	len = tv_ctx_create(buf, 5, "x");
	assert_error(buf, len - 1, VIRTIO_GPU_RESP_ERR_UNSPEC);

	/* Contexts. */
	tv_ctx_create(&cc, 0, "zero");
	assert_error(&cc, sizeof(cc), VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
	tv_ctx_create(&cc, 5, "five");
	cc.nlen = 65;
	assert_error(&cc, sizeof(cc), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	cc.nlen = 4;
	cc.context_init = 0x100;
	assert_error(&cc, sizeof(cc), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	cc.context_init = 4; /* venus: not offered */
	assert_error(&cc, sizeof(cc), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	cc.context_init = VIRTIO_GPU_CAPSET_VIRGL2; /* CONTEXT_INIT with a capset offered */
	cc.hdr.ctx_id = 9;
	g_assert_cmphex(run_simple(&cc, sizeof(cc)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	cc.context_init = 0;
	cc.hdr.ctx_id = 5;
	g_assert_cmphex(run_simple(&cc, sizeof(cc)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	assert_error(&cc, sizeof(cc), VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
	tv_hdr((void *)buf, VIRTIO_GPU_CMD_CTX_DESTROY, 6);
	assert_error(buf, sizeof(struct virtio_gpu_ctx_destroy),
	             VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);

	/* Resources. */
	tv_create_rt(&rc, 0, 16, 16);
	assert_error(&rc, sizeof(rc), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	tv_create_rt(&rc, 50, 16, 16);
	rc.width = VD_VIRGL_MAX_DIMENSION + 1;
	assert_error(&rc, sizeof(rc), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	rc.width = 16;
	rc.depth = 0;
	assert_error(&rc, sizeof(rc), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	rc.depth = 1;
	rc.target = 9;
	assert_error(&rc, sizeof(rc), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	rc.target = TV_PIPE_TEXTURE_2D;
	rc.last_level = 15;
	assert_error(&rc, sizeof(rc), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	rc.last_level = 0;
	/* 16384 x 16384 x 64 layers: far above the 1 GiB default. */
	rc.width = rc.height = VD_VIRGL_MAX_DIMENSION;
	rc.array_size = 64;
	assert_error(&rc, sizeof(rc), VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
	tv_create_rt(&rc, 50, 16, 16);
	g_assert_cmphex(run_simple(&rc, sizeof(rc)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	assert_error(&rc, sizeof(rc), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	tv_create_rt(&rc, 51, 16, 16);
	g_assert_cmphex(run_simple(&rc, sizeof(rc)), ==, VIRTIO_GPU_RESP_OK_NODATA);

	/* Backing. */
	len = tv_attach_backing(buf, 50, TV_RAM_BASE + RAM_SIZE - 16, 1024);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_UNSPEC); /* outside guest RAM */
	len = tv_attach_backing(buf, 50, TV_RAM_BASE, 0);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	len = tv_attach_backing(buf, 50, TV_RAM_BASE, 1024);
	ab->nr_entries = 2; /* only one in the request: as in 2D */
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_UNSPEC);
	ab->nr_entries = VD_VIRGL_MAX_BACKING_ENTRIES + 1;
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	len = tv_attach_backing(buf, 77, TV_RAM_BASE, 1024);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	len = tv_attach_backing(buf, 50, TV_RAM_BASE + 0x80000, 16 * 16 * 4);
	g_assert_cmphex(run_simple(buf, len), ==, VIRTIO_GPU_RESP_OK_NODATA);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_UNSPEC); /* twice */
	len = tv_attach_backing(buf, 51, TV_RAM_BASE + 0x90000, 16 * 16 * 4);
	g_assert_cmphex(run_simple(buf, len), ==, VIRTIO_GPU_RESP_OK_NODATA);

	/* Attach to contexts. */
	len = tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, 6, 50);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
	len = tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, 5, 77);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	len = tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE, 5, 50);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID); /* not attached */
	len = tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, 5, 50);
	g_assert_cmphex(run_simple(buf, len), ==, VIRTIO_GPU_RESP_OK_NODATA);

	/* SUBMIT_3D framing. */
	n = tv_clear_stream(stream, 1, 50, 1, 1, 1, 1);
	len = tv_submit(buf, 6, stream, n);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
	len = tv_submit(buf, 5, stream, n);
	memcpy(&sub, buf, sizeof(sub));
	sub.size = (uint32_t)(n * 4 + 4); /* beyond the request */
	memcpy(buf, &sub, sizeof(sub));
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	sub.size = 6; /* not whole dwords */
	memcpy(buf, &sub, sizeof(sub));
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	sub.size = VD_VIRGL_MAX_SUBMIT_SIZE + 4;
	memcpy(buf, &sub, sizeof(sub));
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	sub.size = UINT32_MAX & ~3u;
	memcpy(buf, &sub, sizeof(sub));
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

	/* A stream naming resource 51, which context 5 was never given. */
	n = tv_clear_stream(stream, 2, 51, 1, 1, 1, 1);
	len = tv_submit(buf, 5, stream, n);
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

	/* Transfers: 51 is not attached to context 5; boxes and levels checked. */
	tv_transfer_3d(&tr, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, 5, 51, 16, 16, 64);
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	tv_transfer_3d(&tr, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, 6, 50, 16, 16, 64);
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID);
	tv_transfer_3d(&tr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, 5, 50, 17, 16, 64);
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	tr.box.w = 16;
	tr.box.x = UINT32_MAX;
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	tr.box.x = 0;
	tr.level = 1;
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	tr.level = 0;
	tr.offset = 16 * 16 * 4;
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	tr.offset = 0;
	g_assert_cmphex(run_simple(&tr, sizeof(tr)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	/* A stride that would run past the 1 KiB backing: refused, nothing written beyond it. */
	memset(ram.mem + 0x80000 + 1024, 0x5a, 4096);
	tr.stride = 4096;
	tr.hdr.type = VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D;
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	for (size_t i = 0; i < 4096; i++)
		g_assert_cmpuint(ram.mem[0x80000 + 1024 + i], ==, 0x5a);
	tr.stride = 64;
	tr.offset = 1020; /* the box no longer fits after the offset */
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	tr.offset = 0;
	tr.hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D;

	/* Garbage in a stream (command 255): refused, and the renderer carries on for others. */
	for (size_t i = 0; i < G_N_ELEMENTS(stream); i++)
		stream[i] = 0xffu;
	len = tv_submit(buf, 5, stream, G_N_ELEMENTS(stream));
	assert_error(buf, len, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	tv_ctx_create(&cc, 8, "after");
	g_assert_cmphex(run_simple(&cc, sizeof(cc)), ==, VIRTIO_GPU_RESP_OK_NODATA);

	/* Unref: gone from the context too. */
	tv_hdr((void *)buf, VIRTIO_GPU_CMD_RESOURCE_UNREF, 0);
	((struct virtio_gpu_resource_unref *)(void *)buf)->resource_id = 50;
	g_assert_cmphex(run_simple(buf, sizeof(struct virtio_gpu_resource_unref)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	assert_error(buf, sizeof(struct virtio_gpu_resource_unref),
	             VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	assert_error(&tr, sizeof(tr), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	tv_hdr((void *)buf, VIRTIO_GPU_CMD_CTX_DESTROY, 5);
	g_assert_cmphex(run_simple(buf, sizeof(struct virtio_gpu_ctx_destroy)), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	vd_virgl_reset(virgl);
}

static void
test_2d_on_virgl(void)
{
	struct virtio_gpu_resource_create_2d c = { 0 };
	struct virtio_gpu_transfer_to_host_2d t = { 0 };
	uint32_t *guest = (uint32_t *)(void *)(ram.mem + 0xa0000);
	uint32_t host[32 * 8];
	uint8_t buf[128];

	if (!need_virgl())
		return;
	tv_hdr(&c.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, 0);
	c.resource_id = 60;
	c.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	c.width = 32;
	c.height = 8;
	g_assert_cmphex(run_simple(&c, sizeof(c)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	for (uint32_t i = 0; i < 32 * 8; i++)
		guest[i] = 0xff000000u | i;
	g_assert_cmphex(
	        run_simple(buf, tv_attach_backing(buf, 60, TV_RAM_BASE + 0xa0000, 32 * 8 * 4)), ==,
	        VIRTIO_GPU_RESP_OK_NODATA);
	tv_hdr(&t.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, 0);
	t.resource_id = 60;
	t.r.width = 33;
	t.r.height = 8;
	assert_error(&t, sizeof(t), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	t.r.width = 32;
	g_assert_cmphex(run_simple(&t, sizeof(t)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	memset(host, 0, sizeof(host));
	g_assert_cmpint(vd_virgl_read_pixels(virgl, 60, 0, 0, 32, 8, host, 32 * 4), ==, 0);
	for (uint32_t i = 0; i < 32 * 8; i++)
		g_assert_cmphex(host[i] & 0xffffff, ==, i);
	vd_virgl_reset(virgl);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	VdVirglOptions opts;
	int ret;

	g_test_init(&argc, &argv, NULL);
	/* "guest bug:" warnings are what the bad-input tests provoke. */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	completed = g_ptr_array_new();
	ram.size = RAM_SIZE;
	ram.mem = g_malloc0(RAM_SIZE);

	vd_virgl_options_init(&opts);
	/* The software rasteriser, so the result is the same on every machine. */
	opts.software = true;
	virgl = vd_virgl_new(&opts, &error);
	if (!virgl) {
		/* Only a machine without Mesa's EGL may skip; anywhere else it is a failure. */
		if (mesa_egl_present())
			g_error("virglrenderer did not start although Mesa's EGL is installed: %s",
			        error->message);
		skip_reason =
		        g_strdup_printf("no 3D renderer (Mesa EGL missing): %s", error->message);
	} else {
		vd_virgl_set_memory(virgl, tv_map_sg, &ram);
		vd_virgl_set_complete_func(virgl, on_complete, NULL);
	}

	g_test_add_func("/virgl/init-llvmpipe", test_init);
	g_test_add_func("/virgl/second-instance", test_second_instance);
	g_test_add_func("/virgl/bad-render-node", test_bad_render_node);
	g_test_add_func("/virgl/capsets", test_capsets);
	g_test_add_func("/virgl/clear-readback", test_clear_readback);
	g_test_add_func("/virgl/fence-order", test_fence_order);
	g_test_add_func("/virgl/reset-completes-fences", test_reset_completes_fences);
	g_test_add_func("/virgl/bad-inputs", test_bad_inputs);
	g_test_add_func("/virgl/2d-on-virgl", test_2d_on_virgl);
	ret = g_test_run();

	g_clear_pointer(&virgl, vd_virgl_free);
	g_free(ram.mem);
	g_ptr_array_unref(completed);
	g_free(skip_reason);
	return ret;
}
