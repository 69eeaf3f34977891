/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test-side decoder for the PNGs the daemon writes (stored deflate blocks only). */
#pragma once

#include <glib.h>
#include <string.h>

#include "gpu/gpu.h"

static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Decodes what vd_png_encode_xrgb writes; returns the RGB rows with filter bytes. */
static inline GByteArray *
png_decode(const uint8_t *png, size_t len, uint32_t *w, uint32_t *h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	g_autoptr(GByteArray) z = g_byte_array_new();
	GByteArray *raw = g_byte_array_new();
	size_t pos = 8, zp;
	bool end = false;

	g_assert_cmpuint(len, >, 8);
	g_assert_cmpmem(png, 8, sig, 8);
	while (!end) {
		uint32_t n;

		g_assert_cmpuint(pos + 12, <=, len);
		n = be32(png + pos);
		g_assert_cmpuint(pos + 12 + n, <=, len);
		g_assert_cmphex(vd_png_crc32(0, png + pos + 4, 4 + n), ==, be32(png + pos + 8 + n));
		if (!memcmp(png + pos + 4, "IHDR", 4)) {
			g_assert_cmpuint(n, ==, 13);
			*w = be32(png + pos + 8);
			*h = be32(png + pos + 12);
			g_assert_cmpuint(png[pos + 16], ==, 8);
			g_assert_cmpuint(png[pos + 17], ==, 2);
		} else if (!memcmp(png + pos + 4, "IDAT", 4)) {
			g_byte_array_append(z, png + pos + 8, n);
		} else if (!memcmp(png + pos + 4, "IEND", 4)) {
			end = true;
		}
		pos += 12 + n;
	}
	g_assert_cmpuint(pos, ==, len);
	/* zlib: header, stored blocks, Adler-32. */
	g_assert_cmpuint((z->data[0] << 8 | z->data[1]) % 31, ==, 0);
	g_assert_cmpuint(z->data[0] & 0x0f, ==, 8);
	zp = 2;
	for (;;) {
		uint8_t bh = z->data[zp];
		uint16_t n = z->data[zp + 1] | z->data[zp + 2] << 8;
		uint16_t nn = z->data[zp + 3] | z->data[zp + 4] << 8;

		g_assert_cmpuint(bh & 6, ==, 0);
		g_assert_cmpuint(n, ==, (uint16_t)~nn);
		g_byte_array_append(raw, z->data + zp + 5, n);
		zp += 5 + n;
		if (bh & 1)
			break;
	}
	g_assert_cmphex(be32(z->data + zp), ==, vd_png_adler32(1, raw->data, raw->len));
	g_assert_cmpuint(zp + 4, ==, z->len);
	return raw;
}

/* The pixel at x, y of decoded rows, as 0xRRGGBB. */
static inline uint32_t
png_pixel(const GByteArray *raw, uint32_t w, uint32_t x, uint32_t y)
{
	const uint8_t *p = raw->data + (size_t)y * (w * 3 + 1) + 1 + x * 3;

	return (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
}
