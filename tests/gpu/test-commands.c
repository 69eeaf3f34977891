/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the control and cursor queue commands, run in-process on
 * fake guest RAM: every command's good case and the bad cases a guest can
 * send, checked by what the guest would read in the response.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "gpu-test.h"

typedef struct {
	TgRam ram;
	VdGpu *gpu;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
	VdGpuOptions opts;

	vd_gpu_options_init(&opts);
	opts.num_outputs = 2;
	opts.width[1] = 1024;
	opts.height[1] = 768;
	opts.max_hostmem = 8 * 1024 * 1024;
	tg_ram_init(&f->ram);
	f->gpu = vd_gpu_new(&opts);
	vd_gpu_set_memory(f->gpu, tg_map_sg, &f->ram);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	vd_gpu_free(f->gpu);
	tg_ram_clear(&f->ram);
}

#define HDR(t)              \
	{                   \
		.type = (t) \
	}

static void
test_display_info(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_ctrl_hdr req = {
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
		.flags = VIRTIO_GPU_FLAG_FENCE,
		.fence_id = 0x1122334455667788ull,
		.ctx_id = 7,
	};
	const struct virtio_gpu_resp_display_info *info;
	VdGpuCmd cmd;
	uint8_t zero[sizeof(info->pmodes[0])] = { 0 };

	g_assert_cmphex(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==,
	                VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	g_assert_cmpuint(cmd.resp_len, ==, sizeof(*info));
	info = (const void *)cmd.resp;
	/* The fence comes back so the driver can signal it. */
	g_assert_cmphex(info->hdr.flags, ==, VIRTIO_GPU_FLAG_FENCE);
	g_assert_cmphex(info->hdr.fence_id, ==, 0x1122334455667788ull);
	g_assert_cmpuint(info->hdr.ctx_id, ==, 7);
	g_assert_cmpuint(info->pmodes[0].enabled, ==, 1);
	g_assert_cmpuint(info->pmodes[0].r.width, ==, 1280);
	g_assert_cmpuint(info->pmodes[0].r.height, ==, 800);
	g_assert_cmpuint(info->pmodes[1].r.width, ==, 1024);
	g_assert_cmpuint(info->pmodes[1].r.height, ==, 768);
	/* Scanouts we do not have are all zero: no host bytes in the response. */
	for (unsigned int i = 2; i < VIRTIO_GPU_MAX_SCANOUTS; i++)
		g_assert_cmpmem(&info->pmodes[i], sizeof(zero), zero, sizeof(zero));
	g_assert_cmpuint(info->hdr.padding[0] | info->hdr.padding[1] | info->hdr.padding[2], ==, 0);

	/* Without a fence, none is echoed. */
	req.flags = 0;
	tg_ctrl(f->gpu, &req, sizeof(req), &cmd);
	g_assert_cmpuint(((struct virtio_gpu_ctrl_hdr *)cmd.resp)->fence_id, ==, 0);
	g_assert_cmpuint(((struct virtio_gpu_ctrl_hdr *)cmd.resp)->flags, ==, 0);
}

static void
check_edid(const uint8_t *e, uint32_t w, uint32_t h)
{
	static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	uint8_t sum = 0;
	const uint8_t *d = e + 54;

	g_assert_cmpmem(e, 8, header, 8);
	for (unsigned int i = 0; i < 128; i++)
		sum += e[i];
	g_assert_cmpuint(sum, ==, 0);
	g_assert_cmpuint(e[18], ==, 1);
	g_assert_cmpuint(e[19], ==, 4);
	g_assert_cmpuint(e[20] & 0x80, ==, 0x80); /* digital */
	g_assert_cmpuint(e[24] & 0x02, ==, 0x02); /* preferred timing is native */
	/* Preferred detailed timing: the output's size. */
	g_assert_cmpuint(d[0] | d[1] << 8, >, 0);
	g_assert_cmpuint(d[2] | (d[4] >> 4) << 8, ==, w);
	g_assert_cmpuint(d[5] | (d[7] >> 4) << 8, ==, h);
	g_assert_cmpuint(e[72 + 3], ==, 0xfd);
	g_assert_cmpuint(e[90 + 3], ==, 0xfc);
	g_assert_cmpmem(e + 95, 13, "vhost-desktop", 13);
}

static void
test_edid(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_cmd_get_edid req = { .hdr = HDR(VIRTIO_GPU_CMD_GET_EDID), .scanout = 1 };
	const struct virtio_gpu_resp_edid *resp;
	VdGpuCmd cmd;
	uint8_t e[128];

	g_assert_cmphex(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==, VIRTIO_GPU_RESP_OK_EDID);
	resp = (const void *)cmd.resp;
	g_assert_cmpuint(cmd.resp_len, ==, sizeof(*resp));
	g_assert_cmpuint(resp->size, ==, 128);
	check_edid(resp->edid, 1024, 768);
	for (unsigned int i = 128; i < sizeof(resp->edid); i++)
		g_assert_cmpuint(resp->edid[i], ==, 0);

	req.scanout = 2;
	g_assert_cmphex(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	req.scanout = 0xffffffff;
	g_assert_cmphex(tg_ctrl(f->gpu, &req, sizeof(req), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

	/* Sizes at the limits still give valid blocks. */
	vd_gpu_edid_generate(e, 16, 16, 0);
	check_edid(e, 16, 16);
	vd_gpu_edid_generate(e, 4095, 4095, 3);
	check_edid(e, 4095, 4095);
	vd_gpu_edid_generate(e, 1920, 1080, 0);
	check_edid(e, 1920, 1080);
}

static void
test_create_2d(Fixture *f, gconstpointer data)
{
	static const uint32_t formats[] = {
		VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM,
		VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM,
		VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM,
	};

	for (unsigned int i = 0; i < G_N_ELEMENTS(formats); i++) {
		g_assert_cmphex(tg_create_2d(f->gpu, 10 + i, formats[i], 64, 32), ==,
		                VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_cmpuint(PIXMAN_FORMAT_BPP(vd_gpu_format_to_pixman(formats[i])), ==, 32);
	}
	g_assert_cmpuint(f->gpu->hostmem, ==, 8 * 64 * 32 * 4);
	g_assert_cmphex(tg_create_2d(f->gpu, 10, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 4, 4), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_create_2d(f->gpu, 0, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 4, 4), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_create_2d(f->gpu, 1, 5, 4, 4), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 0, 4), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 4, 0), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	/* width * height * 4 overflows 32 bits (and 64 in the naive stride). */
	g_assert_cmphex(
	        tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 0x40000000, 0x40000000),
	        ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(
	        tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 0xffffffff, 0xffffffff),
	        ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 65536, 16384), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	/* Over --max-hostmem (8 MiB here): refused, nothing charged. */
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 2048, 1080), ==,
	                VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
	g_assert_cmpuint(f->gpu->hostmem, ==, 8 * 64 * 32 * 4);
	g_assert_null(vd_gpu_resource_lookup(f->gpu, 1));
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1024, 2048), ==,
	                VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1024, 2000), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
}

static void
test_unref(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_unref u = { .hdr = HDR(VIRTIO_GPU_CMD_RESOURCE_UNREF) };
	struct virtio_gpu_mem_entry e = { TG_RAM_BASE, 4096 };
	VdGpuCmd cmd;

	u.resource_id = 3;
	g_assert_cmphex(tg_ctrl(f->gpu, &u, sizeof(u), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_create_2d(f->gpu, 3, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 32, 32), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_attach(f->gpu, 3, &e, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 3, 0, 0, 32, 32), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_ctrl(f->gpu, &u, sizeof(u), &cmd), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmpuint(f->gpu->hostmem, ==, 0);
	/* The scanout showing it is disabled with it. */
	g_assert_cmpuint(f->gpu->scanouts[0].resource_id, ==, 0);
	g_assert_cmphex(tg_ctrl(f->gpu, &u, sizeof(u), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_flush(f->gpu, 3, 0, 0, 1, 1), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
}

static void
test_attach_backing(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_mem_entry e[2] = { { TG_RAM_BASE, 4096 }, { TG_RAM_BASE + 8192, 4096 } };
	struct virtio_gpu_resource_attach_backing a = {
		.hdr = HDR(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING),
		.resource_id = 1,
		.nr_entries = 2,
	};
	struct virtio_gpu_resource_detach_backing d = {
		.hdr = HDR(VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING),
		.resource_id = 1,
	};
	VdGpuResource *res;
	VdGpuCmd cmd;

	g_assert_cmphex(tg_attach(f->gpu, 1, e, 2), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 32, 32), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	/* Announced entries missing from the request. */
	g_assert_cmphex(tg_ctrl(f->gpu, &a, sizeof(a), &cmd), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	g_assert_cmphex(tg_attach(f->gpu, 1, e, 0), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	a.nr_entries = VD_GPU_MAX_BACKING_ENTRIES + 1;
	g_assert_cmphex(tg_ctrl(f->gpu, &a, sizeof(a), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	a.nr_entries = 0xffffffff;
	g_assert_cmphex(tg_ctrl(f->gpu, &a, sizeof(a), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

	/* Outside guest RAM, straddling its end, wrapping around. */
	{
		struct virtio_gpu_mem_entry bad[] = {
			{ 0, 4096 },
			{ TG_RAM_BASE + TG_RAM_SIZE - 4096, 8192 },
			{ 0xfffffffffffff000ull, 0x2000 },
			{ TG_RAM_BASE + TG_RAM_SIZE, 1 },
		};

		for (unsigned int i = 0; i < G_N_ELEMENTS(bad); i++) {
			struct virtio_gpu_mem_entry two[2] = { e[0], bad[i] };

			g_assert_cmphex(tg_attach(f->gpu, 1, two, 2), ==,
			                VIRTIO_GPU_RESP_ERR_UNSPEC);
			g_assert_null(vd_gpu_resource_lookup(f->gpu, 1)->backing);
		}
	}

	g_assert_cmphex(tg_attach(f->gpu, 1, e, 2), ==, VIRTIO_GPU_RESP_OK_NODATA);
	res = vd_gpu_resource_lookup(f->gpu, 1);
	g_assert_cmpuint(res->nr_backing, ==, 2);
	g_assert_cmpuint(res->backing_size, ==, 8192);
	/* A second attach is refused and the first stays (no leak, CVE-2021-3544). */
	{
		struct virtio_gpu_mem_entry other = { TG_RAM_BASE + 65536, 4096 };

		g_assert_cmphex(tg_attach(f->gpu, 1, &other, 1), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
		g_assert_cmpuint(res->nr_backing, ==, 2);
		g_assert_cmpuint(res->backing[0].addr, ==, TG_RAM_BASE);
	}

	/* Adjacent entries are kept as one run; the backing reads the same. */
	{
		struct virtio_gpu_mem_entry adj[3] = {
			{ TG_RAM_BASE + 40960, 4096 },
			{ TG_RAM_BASE + 45056, 100 },
			{ TG_RAM_BASE + 45156, 4000 },
		};

		g_assert_cmphex(tg_create_2d(f->gpu, 3, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8), ==,
		                VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_cmphex(tg_attach(f->gpu, 3, adj, 3), ==, VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_cmpuint(vd_gpu_resource_lookup(f->gpu, 3)->nr_backing, ==, 1);
		g_assert_cmpuint(vd_gpu_resource_lookup(f->gpu, 3)->backing_size, ==, 8196);
	}

	/* The full count of entries is accepted. */
	{
		g_autofree struct virtio_gpu_mem_entry *many =
		        g_new(struct virtio_gpu_mem_entry, VD_GPU_MAX_BACKING_ENTRIES);

		for (unsigned int i = 0; i < VD_GPU_MAX_BACKING_ENTRIES; i++)
			many[i] = (struct virtio_gpu_mem_entry){ TG_RAM_BASE + i * 512ull, 512 };
		g_assert_cmphex(tg_create_2d(f->gpu, 2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64),
		                ==, VIRTIO_GPU_RESP_OK_NODATA);
		g_assert_cmphex(tg_attach(f->gpu, 2, many, VD_GPU_MAX_BACKING_ENTRIES), ==,
		                VIRTIO_GPU_RESP_OK_NODATA);
	}

	g_assert_cmphex(tg_ctrl(f->gpu, &d, sizeof(d), &cmd), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_null(res->backing);
	g_assert_cmphex(tg_ctrl(f->gpu, &d, sizeof(d), &cmd), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	d.resource_id = 99;
	g_assert_cmphex(tg_ctrl(f->gpu, &d, sizeof(d), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	/* Attach again after detach works. */
	g_assert_cmphex(tg_attach(f->gpu, 1, e, 2), ==, VIRTIO_GPU_RESP_OK_NODATA);
}

static uint32_t
pattern(uint32_t x, uint32_t y)
{
	return 0xff000000u | (x * 7 + y * 131) * 2654435761u >> 8;
}

static void
test_transfer(Fixture *f, gconstpointer data)
{
	const uint32_t w = 300, h = 200, stride = w * 4;
	/* Backing in three pieces, out of order in RAM, one across the regions. */
	const uint64_t size = (uint64_t)stride * h;
	struct virtio_gpu_mem_entry e[3] = {
		{ TG_RAM_BASE + TG_RAM_HALF - 100000, 100000 },
		{ TG_RAM_BASE + 4096, 50000 },
		{ TG_RAM_BASE + 1048576, (uint32_t)(size - 150000) },
	};
	uint32_t *img;
	VdGpuResource *res;

	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint64_t off = (uint64_t)y * stride + x * 4, gpa;
			uint32_t v = pattern(x, y);

			gpa = off < 100000   ? e[0].addr + off
			      : off < 150000 ? e[1].addr + off - 100000
			                     : e[2].addr + off - 150000;
			tg_ram_write(&f->ram, gpa, &v, 4);
		}
	}
	g_assert_cmphex(tg_create_2d(f->gpu, 5, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, w, h), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 0, w, h, 0), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	g_assert_cmphex(tg_attach(f->gpu, 5, e, 3), ==, VIRTIO_GPU_RESP_OK_NODATA);
	res = vd_gpu_resource_lookup(f->gpu, 5);
	img = pixman_image_get_data(res->image);

	/* A sub-rectangle first: only it changes. */
	g_assert_cmphex(tg_transfer(f->gpu, 5, 10, 20, 30, 40, 20 * stride + 10 * 4), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(img[20 * w + 10], ==, pattern(10, 20));
	g_assert_cmphex(img[59 * w + 39], ==, pattern(39, 59));
	g_assert_cmphex(img[59 * w + 40], ==, 0);
	g_assert_cmphex(img[19 * w + 10], ==, 0);
	g_assert_cmphex(img[60 * w + 10], ==, 0);
	/* Whole rows in the middle, then everything. */
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 100, w, 10, 100 * stride), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(img[105 * w + 299], ==, pattern(299, 105));
	g_assert_cmphex(img[110 * w], ==, 0);
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 0, w, h, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			if (img[y * w + x] != pattern(x, y))
				g_error("pixel %u,%u: %08x", x, y, img[y * w + x]);

	/* Bad rectangles and offsets. */
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 0, w + 1, 1, 0), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_transfer(f->gpu, 5, w, 0, 1, 1, 0), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_transfer(f->gpu, 5, 1, 0, 0xffffffff, 1, 0), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 1, 1, 0xffffffff, 0), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 0, w, h, 4), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 0, 1, 1, 0xfffffffffffffffcull), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_transfer(f->gpu, 6, 0, 0, 1, 1, 0), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	/* An empty rectangle is a no-op. */
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 0, 0, 0, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);

	/* Memory that went away since the attach (new memory table). */
	vd_gpu_set_memory(f->gpu, NULL, NULL);
	g_assert_cmphex(tg_transfer(f->gpu, 5, 0, 0, w, h, 0), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
}

static void
test_scanout_flush(Fixture *f, gconstpointer data)
{
	const uint32_t w = 64, h = 48;
	struct virtio_gpu_mem_entry e = { TG_RAM_BASE, w * h * 4 };
	pixman_image_t *shot;
	uint32_t *px;

	/* R8G8B8A8 in memory: bytes R, G, B, A. */
	for (uint32_t i = 0; i < w * h; i++) {
		uint8_t rgba[4] = { 0x11, 0x22, (uint8_t)i, 0xff };

		tg_ram_write(&f->ram, TG_RAM_BASE + i * 4, rgba, 4);
	}
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, w, h), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_attach(f->gpu, 1, &e, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_transfer(f->gpu, 1, 0, 0, w, h, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);

	g_assert_cmphex(tg_set_scanout(f->gpu, 2, 1, 0, 0, w, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0xffffffff, 1, 0, 0, w, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 2, 0, 0, w, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 1, 0, w, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0, 0, 0, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0xfffffff0, 0, 0x20, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	/* Output 1 shows the lower right quarter. */
	g_assert_cmphex(tg_set_scanout(f->gpu, 1, 1, w / 2, h / 2, w / 2, h / 2), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0, 0, w, h), ==, VIRTIO_GPU_RESP_OK_NODATA);

	/* Nothing flushed yet: black. */
	shot = vd_gpu_output_snapshot(f->gpu, 0);
	g_assert_cmpint(pixman_image_get_width(shot), ==, w);
	g_assert_cmphex(pixman_image_get_data(shot)[0] & 0xffffff, ==, 0);
	pixman_image_unref(shot);

	g_assert_cmphex(tg_flush(f->gpu, 1, 0, 0, w + 1, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	g_assert_cmphex(tg_flush(f->gpu, 9, 0, 0, w, h), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_flush(f->gpu, 1, 0, 0, w, h / 2 + 1), ==, VIRTIO_GPU_RESP_OK_NODATA);

	shot = vd_gpu_output_snapshot(f->gpu, 0);
	px = pixman_image_get_data(shot);
	/* Converted to x8r8g8b8: R in bits 16-23. */
	g_assert_cmphex(px[0] & 0xffffff, ==, 0x112200);
	g_assert_cmphex(px[5] & 0xffffff, ==, 0x112205);
	g_assert_cmphex(px[(h / 2) * w] & 0xffffff, ==, 0x112200 | (uint8_t)((h / 2) * w));
	/* Below the flushed rows: still black. */
	g_assert_cmphex(px[(h / 2 + 1) * w] & 0xffffff, ==, 0);
	pixman_image_unref(shot);

	shot = vd_gpu_output_snapshot(f->gpu, 1);
	g_assert_cmpint(pixman_image_get_width(shot), ==, w / 2);
	g_assert_cmpint(pixman_image_get_height(shot), ==, h / 2);
	px = pixman_image_get_data(shot);
	/* Row h/2 of the resource is row 0 of output 1. */
	g_assert_cmphex(px[0] & 0xffffff, ==, 0x112200 | (uint8_t)((h / 2) * w + w / 2));
	g_assert_cmphex(px[w / 2] & 0xffffff, ==, 0);
	pixman_image_unref(shot);

	/* Disabling a scanout. */
	g_assert_cmphex(tg_set_scanout(f->gpu, 1, 0, 0, 0, 0, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmpuint(vd_gpu_resource_lookup(f->gpu, 1)->scanout_mask, ==, 1);
}

static void
test_bad_requests(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_create_2d c = {
		.hdr = HDR(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D),
		.resource_id = 1,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		.width = 4,
		.height = 4,
	};
	struct virtio_gpu_ctrl_hdr h = { 0 };
	g_autofree uint8_t *big = g_malloc0(VD_GPU_MAX_REQUEST_SIZE + 1);
	VdGpuCmd cmd;

	/* Shorter than a header, than the command, empty. */
	g_assert_cmphex(tg_ctrl(f->gpu, &c, 10, &cmd), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	g_assert_cmphex(tg_ctrl(f->gpu, &c, sizeof(c) - 1, &cmd), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	g_assert_cmphex(tg_ctrl(f->gpu, &c, 0, &cmd), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	g_assert_null(vd_gpu_resource_lookup(f->gpu, 1));
	/* Larger than any command may be. */
	memcpy(big, &c, sizeof(c));
	g_assert_cmphex(tg_ctrl(f->gpu, big, VD_GPU_MAX_REQUEST_SIZE + 1, &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_UNSPEC);
	g_assert_null(vd_gpu_resource_lookup(f->gpu, 1));
	/* Unknown ids, 3D without virgl, cursor commands on the control queue. */
	for (uint32_t t = 0; t < 0x1400; t++) {
		h.type = t;
		if (t == VIRTIO_GPU_CMD_GET_DISPLAY_INFO)
			continue;
		g_assert_cmphex(tg_ctrl(f->gpu, &h, sizeof(h), &cmd), >=,
		                VIRTIO_GPU_RESP_ERR_UNSPEC);
	}
	h.type = VIRTIO_GPU_CMD_CTX_CREATE;
	memcpy(big, &h, sizeof(h));
	g_assert_cmphex(tg_ctrl(f->gpu, big, 4096, &cmd), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	h.type = VIRTIO_GPU_CMD_UPDATE_CURSOR;
	memcpy(big, &h, sizeof(h));
	g_assert_cmphex(tg_ctrl(f->gpu, big, 4096, &cmd), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
	/* Extra bytes after a fixed-size command are ignored. */
	memcpy(big, &c, sizeof(c));
	g_assert_cmphex(tg_ctrl(f->gpu, big, sizeof(c) + 64, &cmd), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmpstr(vd_gpu_cmd_name(VIRTIO_GPU_CMD_RESOURCE_FLUSH), ==, "RESOURCE_FLUSH");
	g_assert_cmpstr(vd_gpu_cmd_name(0x1ff), ==, "unknown");
}

static void
test_fences_in_order(Fixture *f, gconstpointer data)
{
	/* Every command kind echoes its fence, errors included. */
	struct virtio_gpu_resource_unref u = {
		.hdr = { .type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
		         .flags = VIRTIO_GPU_FLAG_FENCE,
		         .ctx_id = 3 },
		.resource_id = 77,
	};
	VdGpuCmd cmd;

	for (uint64_t fence = 1; fence <= 5; fence++) {
		const struct virtio_gpu_ctrl_hdr *r = (const void *)cmd.resp;

		u.hdr.fence_id = fence;
		g_assert_cmphex(tg_ctrl(f->gpu, &u, sizeof(u), &cmd), ==,
		                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
		g_assert_cmpuint(r->fence_id, ==, fence);
		g_assert_cmpuint(r->ctx_id, ==, 3);
		g_assert_cmphex(r->flags, ==, VIRTIO_GPU_FLAG_FENCE);
	}
}

static void
test_assign_uuid(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_resource_assign_uuid a = {
		.hdr = HDR(VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID),
		.resource_id = 4,
	};
	const struct virtio_gpu_resp_resource_uuid *r;
	uint8_t first[16];
	VdGpuCmd cmd;

	g_assert_cmphex(tg_ctrl(f->gpu, &a, sizeof(a), &cmd), ==,
	                VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmphex(tg_create_2d(f->gpu, 4, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 4, 4), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_ctrl(f->gpu, &a, sizeof(a), &cmd), ==, VIRTIO_GPU_RESP_OK_RESOURCE_UUID);
	r = (const void *)cmd.resp;
	g_assert_cmpuint(cmd.resp_len, ==, sizeof(*r));
	g_assert_cmphex(r->uuid[6] >> 4, ==, 4);
	g_assert_cmphex(r->uuid[8] >> 6, ==, 2);
	memcpy(first, r->uuid, 16);
	g_assert_cmphex(tg_ctrl(f->gpu, &a, sizeof(a), &cmd), ==, VIRTIO_GPU_RESP_OK_RESOURCE_UUID);
	g_assert_cmpmem(r->uuid, 16, first, 16);
}

static void
cursor_cmd(VdGpu *gpu, uint32_t type, uint32_t scanout, uint32_t x, uint32_t y, uint32_t res,
           uint32_t hx, uint32_t hy)
{
	struct virtio_gpu_update_cursor c = {
		.hdr = HDR(type),
		.pos = { .scanout_id = scanout, .x = x, .y = y },
		.resource_id = res,
		.hot_x = hx,
		.hot_y = hy,
	};
	VdGpuCmd cmd;

	vd_gpu_cmd_init(&cmd, &c, sizeof(c));
	vd_gpu_process_cursor(gpu, &cmd);
}

static void
test_cursor(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_mem_entry e = { TG_RAM_BASE, 64 * 64 * 4 };
	VdGpuCursor *cur = &f->gpu->cursor;
	uint32_t px = 0x80ff0000;

	tg_ram_write(&f->ram, TG_RAM_BASE + (2 * 64 + 3) * 4, &px, 4);
	g_assert_cmphex(tg_create_2d(f->gpu, 8, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_attach(f->gpu, 8, &e, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_transfer(f->gpu, 8, 0, 0, 64, 64, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);

	cursor_cmd(f->gpu, VIRTIO_GPU_CMD_UPDATE_CURSOR, 1, 100, 200, 8, 3, 2);
	g_assert_true(cur->visible);
	g_assert_cmpuint(cur->scanout_id, ==, 1);
	g_assert_cmpuint(cur->x, ==, 100);
	g_assert_cmpuint(cur->hot_x, ==, 3);
	g_assert_cmphex(cur->data[2 * 64 + 3], ==, 0x80ff0000);
	g_assert_cmphex(cur->data[0], ==, 0);

	cursor_cmd(f->gpu, VIRTIO_GPU_CMD_MOVE_CURSOR, 0, 5, 6, 0, 0, 0);
	g_assert_cmpuint(cur->x, ==, 5);
	g_assert_cmpuint(cur->y, ==, 6);
	g_assert_true(cur->visible);
	/* Bad scanouts and resources are ignored. */
	cursor_cmd(f->gpu, VIRTIO_GPU_CMD_MOVE_CURSOR, 2, 9, 9, 0, 0, 0);
	g_assert_cmpuint(cur->x, ==, 5);
	cursor_cmd(f->gpu, VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 1, 1, 99, 0, 0);
	g_assert_true(cur->visible);
	g_assert_cmphex(tg_create_2d(f->gpu, 9, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 65, 64), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	cursor_cmd(f->gpu, VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 1, 1, 9, 0, 0);
	g_assert_cmpuint(cur->resource_id, ==, 8);
	/* Resource 0 hides it. */
	cursor_cmd(f->gpu, VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 1, 1, 0, 0, 0);
	g_assert_false(cur->visible);
	/* A control command on the cursor queue does nothing. */
	{
		struct virtio_gpu_resource_unref u = {
			.hdr = HDR(VIRTIO_GPU_CMD_RESOURCE_UNREF),
			.resource_id = 8,
		};
		VdGpuCmd cmd;

		vd_gpu_cmd_init(&cmd, &u, sizeof(u));
		vd_gpu_process_cursor(f->gpu, &cmd);
		g_assert_nonnull(vd_gpu_resource_lookup(f->gpu, 8));
	}
}

static void
count_cb(VdGpu *gpu, void *user_data)
{
	(*(int *)user_data)++;
}

static void
test_config(Fixture *f, gconstpointer data)
{
	struct virtio_gpu_config cfg;
	int changes = 0;
	uint32_t clear = VIRTIO_GPU_EVENT_DISPLAY;

	g_assert_cmpint(vd_gpu_get_config(f->gpu, (uint8_t *)&cfg, 0, sizeof(cfg)), ==, 0);
	g_assert_cmpuint(cfg.num_scanouts, ==, 2);
	g_assert_cmpuint(cfg.num_capsets, ==, 0);
	g_assert_cmpuint(cfg.events_read, ==, 0);
	g_assert_cmpint(vd_gpu_get_config(f->gpu, (uint8_t *)&cfg, 8, 9), <, 0);

	vd_gpu_set_config_changed_func(f->gpu, count_cb, &changes);
	g_assert_cmpint(vd_gpu_output_set(f->gpu, 1, true, 800, 600), ==, 0);
	g_assert_cmpint(changes, ==, 1);
	g_assert_cmpint(vd_gpu_get_config(f->gpu, (uint8_t *)&cfg, 0, sizeof(cfg)), ==, 0);
	g_assert_cmphex(cfg.events_read, ==, VIRTIO_GPU_EVENT_DISPLAY);
	/* No change, no event. */
	g_assert_cmpint(vd_gpu_output_set(f->gpu, 1, true, 800, 600), ==, 0);
	g_assert_cmpint(changes, ==, 1);
	g_assert_cmpint(vd_gpu_output_set(f->gpu, 2, true, 800, 600), ==, -ENOENT);
	g_assert_cmpint(vd_gpu_output_set(f->gpu, 1, true, 8, 600), ==, -EINVAL);
	g_assert_cmpint(vd_gpu_output_set(f->gpu, 1, true, 800, 5000), ==, -EINVAL);

	/* The driver clears it by writing events_clear (whole struct, as QEMU does). */
	cfg.events_clear = clear;
	g_assert_cmpint(vd_gpu_set_config(f->gpu, (uint8_t *)&cfg, 0, sizeof(cfg)), ==, 0);
	g_assert_cmpint(vd_gpu_get_config(f->gpu, (uint8_t *)&cfg, 0, sizeof(cfg)), ==, 0);
	g_assert_cmphex(cfg.events_read, ==, 0);
	g_assert_cmpuint(cfg.num_scanouts, ==, 2);
	/* Just the field, too. */
	g_assert_cmpint(vd_gpu_output_set(f->gpu, 1, false, 800, 600), ==, 0);
	g_assert_cmpint(vd_gpu_set_config(f->gpu, (uint8_t *)&clear, 4, 4), ==, 0);
	g_assert_cmpint(vd_gpu_get_config(f->gpu, (uint8_t *)&cfg, 0, sizeof(cfg)), ==, 0);
	g_assert_cmphex(cfg.events_read, ==, 0);

	/* Display info follows: output 1 is disconnected now. */
	{
		struct virtio_gpu_ctrl_hdr req = HDR(VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
		const struct virtio_gpu_resp_display_info *info;
		VdGpuCmd cmd;

		tg_ctrl(f->gpu, &req, sizeof(req), &cmd);
		info = (const void *)cmd.resp;
		g_assert_cmpuint(info->pmodes[1].enabled, ==, 0);
		g_assert_cmpint(vd_gpu_output_set(f->gpu, 1, true, 640, 480), ==, 0);
		tg_ctrl(f->gpu, &req, sizeof(req), &cmd);
		g_assert_cmpuint(info->pmodes[1].enabled, ==, 1);
		g_assert_cmpuint(info->pmodes[1].r.width, ==, 640);
	}
}

static void
test_reset(Fixture *f, gconstpointer data)
{
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_set_scanout(f->gpu, 0, 1, 0, 0, 64, 64), ==, VIRTIO_GPU_RESP_OK_NODATA);
	vd_gpu_reset(f->gpu);
	g_assert_null(vd_gpu_resource_lookup(f->gpu, 1));
	g_assert_cmpuint(f->gpu->hostmem, ==, 0);
	g_assert_cmpuint(f->gpu->scanouts[0].resource_id, ==, 0);
	g_assert_cmphex(tg_create_2d(f->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* Guest errors are logged as warnings; here they are expected. */
	g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
	g_log_set_fatal_mask("vd-gpu", G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
#define ADD(name, fn) g_test_add(name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD("/gpu/commands/display-info", test_display_info);
	ADD("/gpu/commands/edid", test_edid);
	ADD("/gpu/commands/create-2d", test_create_2d);
	ADD("/gpu/commands/unref", test_unref);
	ADD("/gpu/commands/attach-backing", test_attach_backing);
	ADD("/gpu/commands/transfer", test_transfer);
	ADD("/gpu/commands/scanout-flush", test_scanout_flush);
	ADD("/gpu/commands/bad-requests", test_bad_requests);
	ADD("/gpu/commands/fences", test_fences_in_order);
	ADD("/gpu/commands/assign-uuid", test_assign_uuid);
	ADD("/gpu/commands/cursor", test_cursor);
	ADD("/gpu/commands/config", test_config);
	ADD("/gpu/commands/reset", test_reset);
	return g_test_run();
}
