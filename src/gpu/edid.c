/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EDID 1.4 base block for a headless output: one detailed timing with the
 * preferred mode (reduced-blanking style, 60 Hz), range limits, a name.
 */
#include <string.h>

#include "gpu/gpu.h"

#define EDID_HBLANK 160u
#define EDID_HFRONT 48u
#define EDID_HSYNC 32u
#define EDID_VFRONT 3u
#define EDID_VSYNC 6u
#define EDID_VBLANK 23u
#define EDID_DPI 96u

static void
edid_detailed_timing(uint8_t *d, uint32_t width, uint32_t height)
{
	uint32_t htotal = width + EDID_HBLANK, vtotal = height + EDID_VBLANK;
	uint64_t clock = (uint64_t)htotal * vtotal * 60 / 10000; /* 10 kHz units */
	uint32_t wmm = width * 254 / (EDID_DPI * 10), hmm = height * 254 / (EDID_DPI * 10);

	clock = MIN(clock, 0xffffu);
	d[0] = clock & 0xff;
	d[1] = clock >> 8;
	d[2] = width & 0xff;
	d[3] = EDID_HBLANK & 0xff;
	d[4] = ((width >> 8) & 0xf) << 4 | ((EDID_HBLANK >> 8) & 0xf);
	d[5] = height & 0xff;
	d[6] = EDID_VBLANK & 0xff;
	d[7] = ((height >> 8) & 0xf) << 4 | ((EDID_VBLANK >> 8) & 0xf);
	d[8] = EDID_HFRONT & 0xff;
	d[9] = EDID_HSYNC & 0xff;
	d[10] = (EDID_VFRONT & 0xf) << 4 | (EDID_VSYNC & 0xf);
	d[11] = ((EDID_HFRONT >> 8) & 3) << 6 | ((EDID_HSYNC >> 8) & 3) << 4 |
	        ((EDID_VFRONT >> 4) & 3) << 2 | ((EDID_VSYNC >> 4) & 3);
	d[12] = wmm & 0xff;
	d[13] = hmm & 0xff;
	d[14] = ((wmm >> 8) & 0xf) << 4 | ((hmm >> 8) & 0xf);
	d[15] = 0;
	d[16] = 0;
	d[17] = 0x1e; /* digital separate sync, +hsync +vsync */
}

static void
edid_text_descriptor(uint8_t *d, uint8_t tag, const char *text)
{
	size_t n = MIN(strlen(text), 13);

	memset(d, 0, 18);
	d[3] = tag;
	memcpy(d + 5, text, n);
	if (n < 13) {
		d[5 + n] = '\n';
		memset(d + 6 + n, ' ', 13 - n - 1);
	}
}

static void
edid_chromaticity(uint8_t *e)
{
	/* sRGB primaries and D65 white point, 10-bit fractions. */
	static const double xy[8] = { 0.640, 0.330, 0.300, 0.600, 0.150, 0.060, 0.3127, 0.3290 };
	uint16_t v[8];

	for (unsigned int i = 0; i < 8; i++)
		v[i] = (uint16_t)(xy[i] * 1024 + 0.5);
	e[25] = (v[0] & 3) << 6 | (v[1] & 3) << 4 | (v[2] & 3) << 2 | (v[3] & 3);
	e[26] = (v[4] & 3) << 6 | (v[5] & 3) << 4 | (v[6] & 3) << 2 | (v[7] & 3);
	for (unsigned int i = 0; i < 8; i++)
		e[27 + i] = v[i] >> 2;
}

void
vd_gpu_edid_generate(uint8_t e[VD_GPU_EDID_SIZE], uint32_t width, uint32_t height,
                     unsigned int serial)
{
	static const uint8_t header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
	/* "VHD": three 5-bit letters, big endian. */
	uint16_t vendor = ('V' - '@') << 10 | ('H' - '@') << 5 | ('D' - '@');
	uint32_t htotal, vtotal, max_clock_mhz;
	uint8_t sum = 0;
	uint8_t *range;

	width = CLAMP(width, VD_GPU_MIN_SIZE, VD_GPU_MAX_SIZE);
	height = CLAMP(height, VD_GPU_MIN_SIZE, VD_GPU_MAX_SIZE);
	htotal = width + EDID_HBLANK;
	vtotal = height + EDID_VBLANK;

	memset(e, 0, VD_GPU_EDID_SIZE);
	memcpy(e, header, sizeof(header));
	e[8] = vendor >> 8;
	e[9] = vendor & 0xff;
	e[10] = 0x01; /* product code */
	e[11] = 0x00;
	e[12] = serial & 0xff;
	e[13] = (serial >> 8) & 0xff;
	e[14] = (serial >> 16) & 0xff;
	e[15] = (serial >> 24) & 0xff;
	e[16] = 1;           /* week */
	e[17] = 2024 - 1990; /* year */
	e[18] = 1;           /* EDID 1.4 */
	e[19] = 4;
	e[20] = 0xa5; /* digital, 8 bits per colour, DisplayPort */
	e[21] = MAX(1u, width * 254 / (EDID_DPI * 100)); /* cm */
	e[22] = MAX(1u, height * 254 / (EDID_DPI * 100));
	e[23] = 120; /* gamma 2.2 */
	/* sRGB default colour space, preferred timing is native, continuous frequency. */
	e[24] = 0x07;
	edid_chromaticity(e);
	/* No established timings; standard timings unused. */
	for (unsigned int i = 38; i < 54; i++)
		e[i] = 0x01;

	edid_detailed_timing(e + 54, width, height);

	range = e + 72;
	range[3] = 0xfd;
	range[5] = 50; /* min vertical Hz */
	range[6] = 65; /* max vertical Hz */
	range[7] = 30; /* min horizontal kHz */
	range[8] = (uint8_t)MIN(255u, vtotal * 65 / 1000 + 1);
	max_clock_mhz = (uint32_t)((uint64_t)htotal * vtotal * 65 / 1000000);
	range[9] = (uint8_t)MIN(255u, max_clock_mhz / 10 + 1);
	range[10] = 0x01; /* range limits only */
	range[11] = '\n';
	memset(range + 12, ' ', 6);

	edid_text_descriptor(e + 90, 0xfc, "vhost-desktop");
	edid_text_descriptor(e + 108, 0xff, "VD-0");
	e[108 + 5 + 3] = (uint8_t)('0' + serial % 10);

	e[126] = 0; /* no extensions */
	for (unsigned int i = 0; i < 127; i++)
		sum += e[i];
	e[127] = (uint8_t)(0x100 - sum);
}
