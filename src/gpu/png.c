/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Screenshots as PNG, through libpng: 8-bit RGB, compressed with libpng's
 * defaults (adaptive filters, zlib level 6). A desktop of flat colours comes
 * out at a few kilobytes instead of the 3 bytes a pixel of the picture.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <glib/gi18n.h>
#include <png.h>
#include <setjmp.h>

#include "daemon/error.h"
#include "gpu/gpu.h"

typedef struct PngWrite {
	GByteArray *out;
	char message[128]; /* libpng's reason, where it gives up */
} PngWrite;

static void
png_write_to_array(png_structp png, png_bytep data, size_t len)
{
	PngWrite *w = png_get_io_ptr(png);

	g_byte_array_append(w->out, data, (guint)len);
}

static void
png_flush_nothing(png_structp png)
{
}

static void
png_error_to_message(png_structp png, png_const_charp msg)
{
	PngWrite *w = png_get_error_ptr(png);

	g_strlcpy(w->message, msg, sizeof(w->message));
	png_longjmp(png, 1);
}

static void
png_warning_ignored(png_structp png, png_const_charp msg)
{
	g_debug("libpng: %s", msg);
}

/*
 * Rows of x8r8g8b8 in host order are B, G, R, X bytes on little-endian hosts:
 * libpng takes them as they are, swapping to RGB and dropping the filler byte.
 * ok is volatile: it is read after libpng's error path longjmps back.
 */
static bool
png_encode_rows(PngWrite *w, const uint32_t *pixels, uint32_t width, uint32_t height, size_t stride)
{
	png_structp png;
	png_infop info;
	volatile bool ok = false;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, w, png_error_to_message,
	                              png_warning_ignored);
	if (!png)
		return false;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return false;
	}
	if (setjmp(png_jmpbuf(png)) == 0) {
		png_set_write_fn(png, w, png_write_to_array, png_flush_nothing);
		png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		             PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
		png_write_info(png, info);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
		png_set_bgr(png);
		png_set_filler(png, 0, PNG_FILLER_AFTER);
#else
		png_set_filler(png, 0, PNG_FILLER_BEFORE);
#endif
		for (uint32_t y = 0; y < height; y++)
			png_write_row(png, (png_const_bytep)pixels + (size_t)y * stride);
		png_write_end(png, NULL);
		ok = true;
	}
	png_destroy_write_struct(&png, &info);
	return ok;
}

GBytes *
vd_png_encode_xrgb(const uint32_t *pixels, uint32_t width, uint32_t height, size_t stride,
                   GError **error)
{
	PngWrite w = { 0 };

	g_return_val_if_fail(width > 0 && height > 0, NULL);
	w.out = g_byte_array_new();
	if (!png_encode_rows(&w, pixels, width, height, stride)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_IO, _("Cannot encode a PNG: %s"),
		            w.message[0] ? w.message : _("out of memory"));
		g_byte_array_unref(w.out);
		return NULL;
	}
	return g_byte_array_free_to_bytes(w.out);
}
