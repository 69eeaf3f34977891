/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio-gpu device model's insides: its state and the command handlers,
 * for the files of src/gpu that are the model (gpu.c, command.c,
 * resource-2d.c, scanout.c, cursor.c, virgl-display.c, dmabuf.c, headless.c)
 * and for its unit tests. The device glue, the D-Bus control and the QEMU
 * output use gpu.h only.
 */
#pragma once

#include "gpu/gpu.h"

/* A run of guest memory backing a resource (adjacent entries merged). */
typedef struct VdGpuBacking {
	uint64_t addr;
	uint64_t length;
} VdGpuBacking;

struct VdGpuResource {
	uint32_t id;
	uint32_t format; /* VIRTIO_GPU_FORMAT_* */
	uint32_t width, height;
	pixman_image_t *image;
	uint64_t hostmem; /* bytes charged against --max-hostmem */
	VdGpuBacking *backing;
	uint64_t *backing_offset; /* start of each run in the backing */
	uint32_t nr_backing;
	uint64_t backing_size;
	uint32_t scanout_mask; /* scanouts showing this resource */
	int memfd;             /* -1, or the memfd holding image's pixels (--dmabuf, 2D) */
	bool has_uuid;
	uint8_t uuid[16];
};

/* A display as the host side sees it (headless, or QEMU's answer cached). */
typedef struct VdGpuOutput {
	bool connected;
	uint32_t width, height;
	pixman_image_t *shown; /* headless: what the last flushes showed */
} VdGpuOutput;

struct VdGpu {
	VdGpuOptions opts;
	GHashTable *resources; /* id -> VdGpuResource */
	uint64_t hostmem;
	VdGpuScanout scanouts[VD_GPU_MAX_OUTPUTS];
	VdGpuOutput outputs[VD_GPU_MAX_OUTPUTS];
	VdGpuCursor cursor;
	struct virtio_gpu_config config;

	VdGpuMapSgFunc map_sg;
	void *map_opaque;
	VdGpuCompleteFunc complete;
	void *complete_data;
	VdGpuConfigChangedFunc config_changed;
	void *config_changed_data;

	VdGpuDisplay display; /* where scanouts and cursor go (display.h) */
	VdVirgl *virgl;       /* 3D (--virgl), or NULL */
	int udmabuf;          /* the udmabuf device (--dmabuf in 2D), or -1 */
	unsigned int memfds;  /* resources whose pixels are in a memfd */
	VdRateLimit faults;   /* what the guest and front-end get logged */
};

/* Command handlers, one family per file; they fill cmd->resp. */
void vd_gpu_cmd_get_display_info(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_get_edid(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_resource_create_2d(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_resource_unref(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_transfer_to_host_2d(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_attach_backing(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_detach_backing(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_assign_uuid(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_set_scanout(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_resource_flush(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_update_cursor(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_cmd_move_cursor(VdGpu *gpu, VdGpuCmd *cmd);

/* resource-2d.c */
pixman_format_code_t vd_gpu_format_to_pixman(uint32_t virtio_format);
/*
 * A resource with a zeroed host image, charged against --max-hostmem and
 * added to the table; NULL with the VIRTIO_GPU_RESP_ERR_* and why if not.
 */
VdGpuResource *vd_gpu_resource_new(VdGpu *gpu, uint32_t id, uint32_t virtio_format, uint32_t width,
                                   uint32_t height, uint32_t *err, const char **why);
void vd_gpu_resource_destroy(VdGpu *gpu, VdGpuResource *res);
/* True when r lies inside a width x height area (no overflow). */
bool vd_gpu_rect_inside(const struct virtio_gpu_rect *r, uint32_t width, uint32_t height);

VdGpuResource *vd_gpu_resource_lookup(VdGpu *gpu, uint32_t id);

/* virgl-display.c: 3D resources on displays and cursor. */
/*
 * The resource to show for id: the 2D one, or with 3D on a host copy of the
 * virgl resource (made or renewed here). NULL with err and why if none.
 */
VdGpuResource *vd_gpu_display_resource(VdGpu *gpu, uint32_t id, uint32_t *err, const char **why);
/* With 3D on, reads rectangle r of the virgl resource into its copy. 0 or -errno. */
int vd_gpu_display_refresh(VdGpu *gpu, VdGpuResource *res, const struct virtio_gpu_rect *r);
/* Runs a command virgl handles; an unref'd resource leaves the displays. */
void vd_gpu_virgl_process_ctrl(VdGpu *gpu, VdGpuCmd *cmd);
