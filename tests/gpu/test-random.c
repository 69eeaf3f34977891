/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Random command streams through the decoder (a fixed seed, so a failure
 * reproduces): whatever the guest sends, every command gets a response of
 * a known type, host memory stays under the cap, and nothing crashes or
 * leaks (run it under --enable-sanitizers). Set VD_GPU_RANDOM_ITERS for
 * longer runs and VD_GPU_RANDOM_SEED to explore.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "gpu-test.h"

static uint32_t
pick_u32(GRand *r)
{
	static const uint32_t interesting[] = { 0,          1,          2,          3,
		                                15,         16,         17,         63,
		                                64,         65,         4095,       4096,
		                                0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff };

	switch (g_rand_int_range(r, 0, 4)) {
	case 0:
		return interesting[g_rand_int_range(r, 0, G_N_ELEMENTS(interesting))];
	case 1:
		return g_rand_int(r);
	default:
		return (uint32_t)g_rand_int_range(r, 0, 300);
	}
}

static uint64_t
pick_addr(GRand *r)
{
	switch (g_rand_int_range(r, 0, 4)) {
	case 0:
		return (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
	case 1:
		return TG_RAM_BASE + TG_RAM_SIZE - g_rand_int_range(r, 0, 8192);
	default:
		return TG_RAM_BASE +
		       (uint64_t)g_rand_int_range(r, 0, (gint32)(TG_RAM_SIZE / 4096)) * 4096;
	}
}

static const uint32_t types[] = {
	VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
	VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
	VIRTIO_GPU_CMD_RESOURCE_UNREF,
	VIRTIO_GPU_CMD_SET_SCANOUT,
	VIRTIO_GPU_CMD_RESOURCE_FLUSH,
	VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
	VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
	VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
	VIRTIO_GPU_CMD_GET_CAPSET_INFO,
	VIRTIO_GPU_CMD_GET_EDID,
	VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID,
	VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB,
	VIRTIO_GPU_CMD_CTX_CREATE,
	VIRTIO_GPU_CMD_SUBMIT_3D,
	VIRTIO_GPU_CMD_UPDATE_CURSOR,
	VIRTIO_GPU_CMD_MOVE_CURSOR,
	0x10e,
	0x0,
	0xffffffff,
};

static void
test_random(void)
{
	const char *iters_env = g_getenv("VD_GPU_RANDOM_ITERS");
	const char *seed_env = g_getenv("VD_GPU_RANDOM_SEED");
	unsigned int iters = iters_env ? (unsigned int)atoi(iters_env) : 20000;
	guint32 seed = seed_env ? (guint32)atoi(seed_env) : 20261122;
	g_autoptr(GRand) r = g_rand_new_with_seed(seed);
	g_autofree uint8_t *buf = g_malloc0(VD_GPU_MAX_REQUEST_SIZE + 64);
	VdGpuOptions opts;
	VdGpu *gpu;
	TgRam ram;
	VdGpuCmd cmd;
	unsigned int ok = 0, ok_transfer = 0, ok_attach = 0, ok_flush = 0;

	vd_gpu_options_init(&opts);
	opts.num_outputs = 3;
	opts.max_hostmem = 16 * 1024 * 1024;
	tg_ram_init(&ram);
	gpu = vd_gpu_new(&opts);
	vd_gpu_set_memory(gpu, tg_map_sg, &ram);

	for (unsigned int i = 0; i < iters; i++) {
		struct virtio_gpu_ctrl_hdr *h = (void *)buf;
		uint32_t *w = (uint32_t *)(buf + sizeof(*h));
		size_t len = sizeof(*h) + 64;
		const struct virtio_gpu_ctrl_hdr *resp = (const void *)cmd.resp;

		h->type = types[g_rand_int_range(r, 0, G_N_ELEMENTS(types))];
		h->flags = g_rand_boolean(r) ? VIRTIO_GPU_FLAG_FENCE : g_rand_int(r);
		h->fence_id = i;
		/* Small ids and sizes, so commands meet existing resources. */
		for (unsigned int k = 0; k < 16; k++)
			w[k] = pick_u32(r);
		/* Mostly ids 1..6 where each command has its resource id. */
		if (g_rand_int_range(r, 0, 5) > 0) {
			uint32_t id = (uint32_t)g_rand_int_range(r, 1, 7);

			switch (h->type) {
			case VIRTIO_GPU_CMD_SET_SCANOUT:
				w[4] = (uint32_t)g_rand_int_range(r, 0, 4);
				w[5] = id;
				break;
			case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
			case VIRTIO_GPU_CMD_UPDATE_CURSOR:
			case VIRTIO_GPU_CMD_MOVE_CURSOR:
				w[4] = id;
				break;
			case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
				w[6] = id;
				break;
			default:
				w[0] = id;
			}
			/* Rectangles inside a small resource, often. */
			if (h->type != VIRTIO_GPU_CMD_RESOURCE_CREATE_2D &&
			    h->type != VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING) {
				w[0] = (uint32_t)g_rand_int_range(r, 0, 32);
				w[1] = (uint32_t)g_rand_int_range(r, 0, 32);
				w[2] = (uint32_t)g_rand_int_range(r, 1, 64);
				w[3] = (uint32_t)g_rand_int_range(r, 1, 64);
			}
		}
		if (h->type == VIRTIO_GPU_CMD_RESOURCE_CREATE_2D && g_rand_boolean(r)) {
			w[1] = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM + g_rand_int_range(r, 0, 3);
			w[2] = (uint32_t)g_rand_int_range(r, 1, 200);
			w[3] = (uint32_t)g_rand_int_range(r, 1, 200);
		}
		if (h->type == VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING) {
			struct virtio_gpu_mem_entry *e = (void *)(buf + 32);
			uint32_t n = g_rand_int_range(r, 0, 64);
			bool good = g_rand_int_range(r, 0, 4) > 0;

			w[1] = g_rand_int_range(r, 0, 10) == 0 ? pick_u32(r) : n;
			for (uint32_t k = 0; k < n; k++) {
				e[k].addr =
				        good ? TG_RAM_BASE + 4096ull * g_rand_int_range(r, 0, 4000)
				             : pick_addr(r);
				e[k].length = good || g_rand_boolean(r) ? 4096 : pick_u32(r);
				e[k].padding = 0;
			}
			len = 32 + n * sizeof(*e);
		}
		if (h->type == VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D && g_rand_boolean(r)) {
			/* A plausible offset for the rectangle. */
			uint64_t off = g_rand_boolean(r) ? 0 : (uint64_t)w[1] * 64 * 4 + w[0] * 4;

			memcpy(&w[4], &off, sizeof(off));
		}
		/* Lengths: mostly right, sometimes short, empty or huge. */
		switch (g_rand_int_range(r, 0, 12)) {
		case 0:
			len = (size_t)g_rand_int_range(r, 0, (gint32)len);
			break;
		case 1:
			len = VD_GPU_MAX_REQUEST_SIZE + (size_t)g_rand_int_range(r, 1, 64);
			break;
		default:
			break;
		}

		vd_gpu_cmd_init(&cmd, buf, len);
		if ((h->type & 0xff00) == 0x300 && g_rand_boolean(r))
			vd_gpu_process_cursor(gpu, &cmd);
		else
			vd_gpu_process_ctrl(gpu, &cmd);
		g_assert_false(cmd.pending);
		g_assert_cmpuint(cmd.resp_len, >=, sizeof(*resp));
		g_assert_cmpuint(cmd.resp_len, <=, sizeof(cmd.resp));
		g_assert_true((resp->type >= VIRTIO_GPU_RESP_OK_NODATA &&
		               resp->type <= VIRTIO_GPU_RESP_OK_MAP_INFO) ||
		              (resp->type >= VIRTIO_GPU_RESP_ERR_UNSPEC &&
		               resp->type <= VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER));
		if (len >= sizeof(*h) && (h->flags & VIRTIO_GPU_FLAG_FENCE))
			g_assert_cmpuint(resp->fence_id, ==, i);
		g_assert_cmpuint(gpu->hostmem, <=, opts.max_hostmem);
		if (resp->type < VIRTIO_GPU_RESP_ERR_UNSPEC && len >= sizeof(*h)) {
			ok++;
			ok_transfer += h->type == VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D;
			ok_attach += h->type == VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING;
			ok_flush += h->type == VIRTIO_GPU_CMD_RESOURCE_FLUSH;
		}
		/* Now and then the screen is looked at, and the device reset. */
		if (i % 997 == 0) {
			pixman_image_t *img = vd_gpu_output_snapshot(gpu, i % 3);

			g_assert_nonnull(img);
			pixman_image_unref(img);
		}
		if (i % 4999 == 4998)
			vd_gpu_reset(gpu);
	}
	g_test_message("seed %u: %u commands, %u answered OK (%u transfers, %u attaches, "
	               "%u flushes)",
	               seed, iters, ok, ok_transfer, ok_attach, ok_flush);
	/* The stream must reach the commands' success paths, not only their checks. */
	g_assert_cmpuint(ok_transfer, >, 0);
	g_assert_cmpuint(ok_attach, >, 0);
	vd_gpu_reset(gpu);
	g_assert_cmpuint(gpu->hostmem, ==, 0);
	vd_gpu_free(gpu);
	tg_ram_clear(&ram);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* Guest errors are the point here; the device rate-limits their warnings. */
	g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
	g_test_add_func("/gpu/random/commands", test_random);
	return g_test_run();
}
