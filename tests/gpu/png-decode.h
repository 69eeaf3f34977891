/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tests' own PNG reader, independent of libpng (which writes the files):
 * chunks and CRCs checked, IDAT inflated with zlib, the five row filters of
 * the PNG specification undone. Only what screenshots are: 8-bit RGB, no
 * interlace. Every departure from that fails the test.
 */
#pragma once

#include <glib.h>
#include <string.h>
#include <zlib.h>

static inline uint32_t
png_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Chunks in order; returns the concatenated IDAT data, and the IHDR size. */
static inline GByteArray *
png_read_chunks(const uint8_t *png, size_t len, uint32_t *w, uint32_t *h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	GByteArray *z = g_byte_array_new();
	size_t pos = 8;
	bool ihdr = false, end = false;

	g_assert_cmpuint(len, >, 8);
	g_assert_cmpmem(png, 8, sig, 8);
	while (!end) {
		const uint8_t *type, *data;
		uint32_t n;

		g_assert_cmpuint(pos + 12, <=, len);
		n = png_be32(png + pos);
		g_assert_cmpuint(n, <=, len - pos - 12);
		type = png + pos + 4;
		data = png + pos + 8;
		g_assert_cmphex(crc32(crc32(0, NULL, 0), type, 4 + n), ==, png_be32(data + n));
		if (!memcmp(type, "IHDR", 4)) {
			g_assert_false(ihdr);
			g_assert_cmpuint(n, ==, 13);
			*w = png_be32(data);
			*h = png_be32(data + 4);
			g_assert_cmpuint(*w, >, 0);
			g_assert_cmpuint(*h, >, 0);
			g_assert_cmpuint(data[8], ==, 8);  /* bit depth */
			g_assert_cmpuint(data[9], ==, 2);  /* truecolour, no alpha */
			g_assert_cmpuint(data[10], ==, 0); /* deflate */
			g_assert_cmpuint(data[11], ==, 0); /* adaptive filtering */
			g_assert_cmpuint(data[12], ==, 0); /* no interlace */
			ihdr = true;
		} else if (!memcmp(type, "IDAT", 4)) {
			g_assert_true(ihdr);
			g_byte_array_append(z, data, n);
		} else if (!memcmp(type, "IEND", 4)) {
			end = true;
		} else {
			/* Any other chunk must be ancillary (lower-case first letter). */
			g_assert_true(type[0] & 0x20);
		}
		pos += 12 + n;
	}
	g_assert_cmpuint(pos, ==, len);
	return z;
}

static inline uint8_t
png_paeth(uint8_t a, uint8_t b, uint8_t c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes one row's filter in place; prev is the row above, already undone, or NULL. */
static inline void
png_unfilter_row(uint8_t filter, uint8_t *row, const uint8_t *prev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t a = i >= 3 ? row[i - 3] : 0, b = prev ? prev[i] : 0;
		uint8_t c = i >= 3 && prev ? prev[i - 3] : 0;

		switch (filter) {
		case 0:
			break;
		case 1:
			row[i] += a;
			break;
		case 2:
			row[i] += b;
			break;
		case 3:
			row[i] += (uint8_t)((a + b) / 2);
			break;
		case 4:
			row[i] += png_paeth(a, b, c);
			break;
		default:
			g_error("PNG row filter %u", filter);
		}
	}
}

/* Decodes a screenshot; returns its pixels as rows of 3 bytes (R, G, B) a pixel. */
static inline GByteArray *
png_decode(const uint8_t *png, size_t len, uint32_t *w, uint32_t *h)
{
	g_autoptr(GByteArray) z = png_read_chunks(png, len, w, h);
	size_t row = (size_t)*w * 3, filtered = (row + 1) * *h;
	g_autofree uint8_t *raw = g_malloc(filtered + 1);
	uLongf got = (uLongf)filtered + 1;
	GByteArray *pixels;

	/* One byte more than needed: a stream that inflates to more is caught. */
	g_assert_cmpint(uncompress(raw, &got, z->data, z->len), ==, Z_OK);
	g_assert_cmpuint(got, ==, filtered);
	pixels = g_byte_array_sized_new((guint)(row * *h));
	g_byte_array_set_size(pixels, (guint)(row * *h));
	for (uint32_t y = 0; y < *h; y++) {
		uint8_t *dst = pixels->data + y * row;

		memcpy(dst, raw + y * (row + 1) + 1, row);
		png_unfilter_row(raw[y * (row + 1)], dst, y ? dst - row : NULL, row);
	}
	return pixels;
}

/* The pixel at x, y of decoded rows, as 0xRRGGBB. */
static inline uint32_t
png_pixel(const GByteArray *rgb, uint32_t w, uint32_t x, uint32_t y)
{
	const uint8_t *p = rgb->data + ((size_t)y * w + x) * 3;

	return (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
}
