/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The screenshot PNG writer (libpng): every file decoded back to the pixels
 * by the tests' own reader (png-decode.h, zlib only), and the errors a
 * screenshot answers with.
 */
#include <fcntl.h>
#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/error.h"
#include "gpu-test.h"
#include "png-decode.h"

/* Pixels that do not compress, so every filter and long streams get exercised. */
static void
check_roundtrip(uint32_t w, uint32_t h, bool noise)
{
	g_autofree uint32_t *px = g_new(uint32_t, (size_t)w * h);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) png = NULL;
	g_autoptr(GByteArray) rgb = NULL;
	uint32_t dw = 0, dh = 0;

	for (uint32_t i = 0; i < w * h; i++)
		px[i] = noise ? 0xff000000u | (i * 2654435761u >> 8)
		              : 0xff000000u | (i / w * 0x010203u + i % w / 16 * 0x100000u);
	png = vd_png_encode_xrgb(px, w, h, (size_t)w * 4, &error);
	g_assert_no_error(error);
	rgb = png_decode(g_bytes_get_data(png, NULL), g_bytes_get_size(png), &dw, &dh);
	g_assert_cmpuint(dw, ==, w);
	g_assert_cmpuint(dh, ==, h);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			if (png_pixel(rgb, w, x, y) != (px[y * w + x] & 0xffffff))
				g_error("%ux%u: pixel %u,%u is %06x, want %06x", w, h, x, y,
				        png_pixel(rgb, w, x, y), px[y * w + x] & 0xffffff);
}

static void
test_roundtrip(void)
{
	check_roundtrip(1, 1, true);
	check_roundtrip(3, 2, true);
	check_roundtrip(300, 300, true);
	check_roundtrip(21845, 1, true);
	check_roundtrip(640, 480, false);
}

/* Rows with a stride wider than the picture: the padding must not show. */
static void
test_stride(void)
{
	uint32_t rows[2][8];
	g_autoptr(GBytes) png = NULL;
	g_autoptr(GByteArray) rgb = NULL;
	uint32_t w, h;

	for (unsigned int i = 0; i < 16; i++)
		rows[i / 8][i % 8] = i % 8 < 5 ? 0x00102030u + i : 0xdeadbeefu;
	png = vd_png_encode_xrgb(rows[0], 5, 2, sizeof(rows[0]), NULL);
	rgb = png_decode(g_bytes_get_data(png, NULL), g_bytes_get_size(png), &w, &h);
	g_assert_cmpuint(w, ==, 5);
	g_assert_cmphex(png_pixel(rgb, 5, 4, 0), ==, 0x102034);
	g_assert_cmphex(png_pixel(rgb, 5, 0, 1), ==, 0x102038);
}

/* What the hand-written stored-block encoder made 3 MB of (1280x800) is now small. */
static void
test_compressed(void)
{
	g_autofree uint32_t *px = g_new(uint32_t, 1280 * 800);
	g_autoptr(GBytes) png = NULL;

	for (uint32_t i = 0; i < 1280 * 800; i++)
		px[i] = i % 1280 < 640 ? 0x2040a0 : 0xe0e0e0;
	png = vd_png_encode_xrgb(px, 1280, 800, 1280 * 4, NULL);
	g_test_message("1280x800 in two colours: %zu bytes", g_bytes_get_size(png));
	g_assert_cmpuint(g_bytes_get_size(png), <, 20000);
}

static void
test_screenshot_file(void)
{
	VdGpuOptions opts;
	g_autoptr(VdGpu) gpu = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("vd-gpu-XXXXXX", &error);
	g_autofree char *path = g_build_filename(dir, "shot.png", NULL);
	g_autofree char *contents = NULL;
	g_autoptr(GByteArray) rgb = NULL;
	int fd, ro;
	gsize len;
	uint32_t w, h;

	g_assert_no_error(error);
	vd_gpu_options_init(&opts);
	opts.num_outputs = 2;
	opts.width[0] = 40;
	opts.height[0] = 30;
	gpu = vd_gpu_new(&opts);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	g_assert_cmpint(fd, >=, 0);

	/* Nothing shown yet: an error that says so, and nothing written. */
	g_assert_cmpint(vd_gpu_output_screenshot(gpu, 0, fd, &error), <, 0);
	g_assert_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_SCANOUT);
	g_assert_cmpstr(error->message, ==,
	                "Output 0 shows nothing yet: the guest has no scanout on it");
	g_clear_error(&error);
	g_assert_cmpint(lseek(fd, 0, SEEK_END), ==, 0);

	g_assert_cmphex(tg_create_2d(gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 40, 30), ==,
	                VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(tg_set_scanout(gpu, 0, 1, 0, 0, 40, 30), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmpint(vd_gpu_output_screenshot(gpu, 0, fd, &error), ==, 0);
	g_assert_no_error(error);
	close(fd);
	g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
	rgb = png_decode((const uint8_t *)contents, len, &w, &h);
	g_assert_cmpuint(w, ==, 40);
	g_assert_cmpuint(h, ==, 30);
	g_assert_cmphex(png_pixel(rgb, w, 39, 29), ==, 0);

	g_assert_cmpint(vd_gpu_output_screenshot(gpu, 2, -1, &error), <, 0);
	g_assert_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_SUCH_OUTPUT);
	g_assert_cmpstr(error->message, ==, "No output 2: this device has outputs 0 to 1");
	g_clear_error(&error);

	/* A descriptor that refuses writes. */
	ro = open(path, O_RDONLY | O_CLOEXEC);
	g_assert_cmpint(vd_gpu_output_screenshot(gpu, 0, ro, &error), <, 0);
	g_assert_error(error, DAEMON_ERROR, DAEMON_ERROR_IO);
	g_assert_cmpstr(error->message, ==, "Cannot write the screenshot: Bad file descriptor");
	g_clear_error(&error);
	close(ro);
	g_unlink(path);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/gpu/png/roundtrip", test_roundtrip);
	g_test_add_func("/gpu/png/stride", test_stride);
	g_test_add_func("/gpu/png/compressed", test_compressed);
	g_test_add_func("/gpu/png/screenshot-file", test_screenshot_file);
	return g_test_run();
}
