/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The screenshot PNG writer: checksums against known vectors, and every file
 * decoded back (chunks, CRCs, stored deflate blocks, Adler-32) to the pixels.
 */
#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gpu-test.h"
#include "png-decode.h"

static void
test_checksums(void)
{
	g_assert_cmphex(vd_png_crc32(0, (const uint8_t *)"123456789", 9), ==, 0xcbf43926);
	g_assert_cmphex(vd_png_crc32(vd_png_crc32(0, (const uint8_t *)"1234", 4),
	                             (const uint8_t *)"56789", 5), ==, 0xcbf43926);
	g_assert_cmphex(vd_png_adler32(1, (const uint8_t *)"Wikipedia", 9), ==, 0x11e60398);
	{
		/* Long runs of 0xff exercise the modulo. */
		g_autofree uint8_t *ones = g_malloc(100000);

		memset(ones, 0xff, 100000);
		g_assert_cmphex(vd_png_adler32(1, ones, 100000), ==, 0x149a302c);
	}
}

static void
check_roundtrip(uint32_t w, uint32_t h)
{
	g_autofree uint32_t *px = g_new(uint32_t, (size_t)w * h);
	g_autoptr(GBytes) png = NULL;
	g_autoptr(GByteArray) raw = NULL;
	uint32_t dw = 0, dh = 0;

	for (uint32_t i = 0; i < w * h; i++)
		px[i] = 0xff000000u | (i * 2654435761u >> 8);
	png = vd_png_encode_xrgb(px, w, h, (size_t)w * 4);
	raw = png_decode(g_bytes_get_data(png, NULL), g_bytes_get_size(png), &dw, &dh);
	g_assert_cmpuint(dw, ==, w);
	g_assert_cmpuint(dh, ==, h);
	g_assert_cmpuint(raw->len, ==, (size_t)(w * 3 + 1) * h);
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *row = raw->data + (size_t)y * (w * 3 + 1);

		g_assert_cmpuint(row[0], ==, 0);
		for (uint32_t x = 0; x < w; x++) {
			uint32_t v = px[y * w + x];

			g_assert_cmpuint(row[1 + x * 3], ==, (v >> 16) & 0xff);
			g_assert_cmpuint(row[2 + x * 3], ==, (v >> 8) & 0xff);
			g_assert_cmpuint(row[3 + x * 3], ==, v & 0xff);
		}
	}
}

static void
test_roundtrip(void)
{
	check_roundtrip(1, 1);
	check_roundtrip(3, 2);
	/* More than one stored block (65535 bytes each). */
	check_roundtrip(300, 300);
	check_roundtrip(21845, 1);
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
	g_autoptr(GByteArray) raw = NULL;
	gsize len;
	uint32_t w, h;

	g_assert_no_error(error);
	vd_gpu_options_init(&opts);
	opts.width[0] = 40;
	opts.height[0] = 30;
	gpu = vd_gpu_new(&opts);
	/* Nothing on the scanout: a black picture of the output's size. */
	g_assert_cmpint(vd_gpu_output_screenshot(gpu, 0, path, &error), ==, 0);
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
	raw = png_decode((const uint8_t *)contents, len, &w, &h);
	g_assert_cmpuint(w, ==, 40);
	g_assert_cmpuint(h, ==, 30);
	g_assert_cmpint(vd_gpu_output_screenshot(gpu, 1, path, &error), <, 0);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
	g_unlink(path);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/gpu/png/checksums", test_checksums);
	g_test_add_func("/gpu/png/roundtrip", test_roundtrip);
	g_test_add_func("/gpu/png/screenshot-file", test_screenshot_file);
	return g_test_run();
}
