/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A buffer the front-end shows from a dmabuf (DMABUF_SCANOUT2): a texture a
 * GPU rendered (3D, src/virgl) or a 2D resource's pixels in a memfd, turned
 * into a dmabuf by /dev/udmabuf (src/gpu/dmabuf.c). Shared by both modules.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct VdDmabuf {
	int fd; /* owned by the caller after a successful export */
	uint32_t width, height;
	uint32_t stride;
	uint32_t fourcc;   /* DRM_FORMAT_* */
	uint64_t modifier; /* DRM_FORMAT_MOD_INVALID: not known */
	bool y_0_top;      /* rows top to bottom (else GL's bottom-up) */
} VdDmabuf;
