/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the command decoder: the input is a sequence of commands,
 * each [u16 length, little endian][u8 queue: even control, odd cursor][bytes],
 * run on a fresh device over fake guest RAM; then every output is looked at
 * and encoded as PNG. Built as a libFuzzer program with --enable-fuzzing;
 * replay-commands runs the corpus and the crash reproducers in make check.
 */
#include <glib.h>
#include <string.h>

#include "gpu-test.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static TgRam ram;
	static uint8_t *buf;
	VdGpuOptions opts;
	VdGpu *gpu;
	VdGpuCmd cmd;

	if (!buf) {
		tg_ram_init(&ram);
		buf = g_malloc(65536 + 64);
		/* Guest errors are expected by the thousand. */
		g_log_set_handler("vd-gpu", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, quiet_log,
		                  NULL);
		g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
	}
	vd_gpu_options_init(&opts);
	opts.num_outputs = 2;
	opts.max_hostmem = 4 * 1024 * 1024;
	/* Small outputs: the snapshot and PNG of each run stay cheap. */
	opts.width[0] = opts.width[1] = 64;
	opts.height[0] = opts.height[1] = 48;
	gpu = vd_gpu_new(&opts);
	vd_gpu_set_memory(gpu, tg_map_sg, &ram);

	while (size >= 3) {
		size_t n = MIN((size_t)(data[0] | data[1] << 8), size - 3);
		bool cursor = data[2] & 1;

		/* A private copy: handlers may read up to the declared length. */
		memcpy(buf, data + 3, n);
		vd_gpu_cmd_init(&cmd, buf, n);
		if (cursor)
			vd_gpu_process_cursor(gpu, &cmd);
		else
			vd_gpu_process_ctrl(gpu, &cmd);
		if (cmd.pending || cmd.resp_len < sizeof(struct virtio_gpu_ctrl_hdr) ||
		    cmd.resp_len > sizeof(cmd.resp) || gpu->hostmem > opts.max_hostmem)
			abort();
		data += 3 + n;
		size -= 3 + n;
	}
	for (unsigned int i = 0; i < opts.num_outputs; i++) {
		pixman_image_t *img = vd_gpu_output_snapshot(gpu, i);
		GBytes *png;

		if (!img)
			abort();
		png = vd_png_encode_xrgb(pixman_image_get_data(img),
		                         (uint32_t)pixman_image_get_width(img),
		                         (uint32_t)pixman_image_get_height(img),
		                         (size_t)pixman_image_get_stride(img));
		g_bytes_unref(png);
		pixman_image_unref(img);
	}
	vd_gpu_free(gpu);
	return 0;
}
