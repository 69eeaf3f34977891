/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal PNG writer for screenshots: 8-bit RGB, filter 0, and a zlib
 * stream made of stored (uncompressed) deflate blocks, so no compression
 * library is needed. Files are larger than they could be; they are exact.
 */
#include <string.h>

#include "gpu/gpu.h"

#define PNG_STORED_MAX 65535u

uint32_t
vd_png_crc32(uint32_t crc, const uint8_t *data, size_t len)
{
	static uint32_t table[256];
	static gsize init;

	if (g_once_init_enter(&init)) {
		for (uint32_t n = 0; n < 256; n++) {
			uint32_t c = n;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[n] = c;
		}
		g_once_init_leave(&init, 1);
	}
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t
vd_png_adler32(uint32_t adler, const uint8_t *data, size_t len)
{
	uint32_t a = adler & 0xffff, b = adler >> 16;

	while (len > 0) {
		/* 5552 bytes cannot overflow b before the modulo. */
		size_t n = MIN(len, 5552);

		len -= n;
		while (n--) {
			a += *data++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static void
put_be32(GByteArray *out, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	g_byte_array_append(out, b, 4);
}

static void
png_chunk(GByteArray *out, const char *type, const uint8_t *data, size_t len)
{
	uint32_t crc;

	put_be32(out, (uint32_t)len);
	g_byte_array_append(out, (const uint8_t *)type, 4);
	if (len)
		g_byte_array_append(out, data, (guint)len);
	crc = vd_png_crc32(0, (const uint8_t *)type, 4);
	crc = vd_png_crc32(crc, data, len);
	put_be32(out, crc);
}

GBytes *
vd_png_encode_xrgb(const uint32_t *pixels, uint32_t width, uint32_t height, size_t stride)
{
	static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) raw = NULL;
	g_autoptr(GByteArray) z = NULL;
	uint8_t ihdr[13] = { 0 };
	size_t row = (size_t)width * 3 + 1, pos;

	g_return_val_if_fail(width > 0 && height > 0, NULL);
	raw = g_byte_array_sized_new((guint)(row * height));
	g_byte_array_set_size(raw, (guint)(row * height));
	for (uint32_t y = 0; y < height; y++) {
		const uint32_t *src = (const uint32_t *)((const uint8_t *)pixels + y * stride);
		uint8_t *dst = raw->data + y * row;

		*dst++ = 0; /* filter: none */
		for (uint32_t x = 0; x < width; x++) {
			*dst++ = (uint8_t)(src[x] >> 16);
			*dst++ = (uint8_t)(src[x] >> 8);
			*dst++ = (uint8_t)src[x];
		}
	}

	z = g_byte_array_sized_new(raw->len + raw->len / PNG_STORED_MAX * 5 + 16);
	{
		uint8_t zhdr[2] = { 0x78, 0x01 }; /* deflate, 32K window, check bits */

		g_byte_array_append(z, zhdr, 2);
	}
	pos = 0;
	do {
		size_t n = MIN(raw->len - pos, PNG_STORED_MAX);
		uint8_t bh[5];

		bh[0] = pos + n == raw->len ? 1 : 0; /* BFINAL, BTYPE 00 */
		bh[1] = n & 0xff;
		bh[2] = n >> 8;
		bh[3] = ~n & 0xff;
		bh[4] = (~n >> 8) & 0xff;
		g_byte_array_append(z, bh, 5);
		g_byte_array_append(z, raw->data + pos, (guint)n);
		pos += n;
	} while (pos < raw->len);
	put_be32(z, vd_png_adler32(1, raw->data, raw->len));

	g_byte_array_append(out, signature, sizeof(signature));
	ihdr[0] = width >> 24;
	ihdr[1] = width >> 16;
	ihdr[2] = width >> 8;
	ihdr[3] = width;
	ihdr[4] = height >> 24;
	ihdr[5] = height >> 16;
	ihdr[6] = height >> 8;
	ihdr[7] = height;
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 2; /* truecolour */
	png_chunk(out, "IHDR", ihdr, sizeof(ihdr));
	png_chunk(out, "IDAT", z->data, z->len);
	png_chunk(out, "IEND", NULL, 0);
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}
