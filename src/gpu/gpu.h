/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio-gpu device model, independent of vhost-user: resources,
 * scanouts, cursor, outputs and the command decoder. The device glue
 * (device.c) feeds it request bytes and a guest memory accessor, so the
 * whole command layer runs in unit tests without sockets.
 */
#pragma once

#include <glib.h>
#include <linux/virtio_gpu.h>
#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "gpu/command.h"
#include "gpu/display.h"
#include "virgl/virgl.h"

#define VD_GPU_MAX_OUTPUTS VIRTIO_GPU_MAX_SCANOUTS
#define VD_GPU_DEFAULT_WIDTH 1280u
#define VD_GPU_DEFAULT_HEIGHT 800u
#define VD_GPU_MIN_SIZE 16u
/* EDID detailed timings hold 12-bit sizes. */
#define VD_GPU_MAX_SIZE 4095u
#define VD_GPU_DEFAULT_MAX_HOSTMEM (256ull * 1024 * 1024)
/* Backing entries per resource; Linux needs one per discontiguous page run. */
#define VD_GPU_MAX_BACKING_ENTRIES 16384u
/* The largest request accepted: an ATTACH_BACKING with the most entries. */
#define VD_GPU_MAX_REQUEST_SIZE                              \
	(sizeof(struct virtio_gpu_resource_attach_backing) + \
	 VD_GPU_MAX_BACKING_ENTRIES * sizeof(struct virtio_gpu_mem_entry))
#define VD_GPU_CURSOR_SIZE 64u
/* iovecs for one backing entry: it may span every memory region. */
#define VD_GPU_MAP_IOV 32u

typedef struct VdGpu VdGpu;
typedef struct VdGpuQemu VdGpuQemu;
typedef struct VdGpuResource VdGpuResource;

/* Maps guest DMA ranges (vhost_dev_map_sg's contract). */
typedef int (*VdGpuMapSgFunc)(void *opaque, uint64_t addr, uint64_t len, bool write,
                              struct iovec *iov, unsigned int max_iov);

/* What the guest put on a scanout. */
typedef struct VdGpuScanout {
	uint32_t resource_id;     /* 0: disabled */
	struct virtio_gpu_rect r; /* the part of the resource shown */
	bool dmabuf;              /* QEMU shows it from a dmabuf (--dmabuf) */
} VdGpuScanout;

typedef struct VdGpuCursor {
	uint32_t scanout_id;
	uint32_t x, y;
	uint32_t hot_x, hot_y;
	uint32_t resource_id;
	bool visible;
	uint32_t data[VD_GPU_CURSOR_SIZE * VD_GPU_CURSOR_SIZE];
} VdGpuCursor;

typedef void (*VdGpuCompleteFunc)(VdGpu *gpu, VdGpuCmd *cmd, void *user_data);
typedef void (*VdGpuConfigChangedFunc)(VdGpu *gpu, void *user_data);

typedef struct VdGpuOptions {
	unsigned int num_outputs;
	uint32_t width[VD_GPU_MAX_OUTPUTS];
	uint32_t height[VD_GPU_MAX_OUTPUTS];
	uint64_t max_hostmem;
	unsigned int forward_timeout_ms; /* waiting for the QEMU GPU socket */
	bool dmabuf;                     /* scanouts to QEMU as dmabufs where possible */
	const char *udmabuf_device;      /* NULL: /dev/udmabuf (2D dmabufs) */
} VdGpuOptions;

/* gpu.c */
void vd_gpu_options_init(VdGpuOptions *opts);
VdGpu *vd_gpu_new(const VdGpuOptions *opts);
void vd_gpu_free(VdGpu *gpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdGpu, vd_gpu_free)
void vd_gpu_set_memory(VdGpu *gpu, VdGpuMapSgFunc map_sg, void *opaque);
void vd_gpu_set_complete_func(VdGpu *gpu, VdGpuCompleteFunc func, void *user_data);
void vd_gpu_set_config_changed_func(VdGpu *gpu, VdGpuConfigChangedFunc func, void *user_data);
/*
 * Turns 3D on: takes virgl (started by the caller, who exits when it cannot
 * be), announces its capsets, and routes the resource and 3D commands to it.
 */
void vd_gpu_set_virgl(VdGpu *gpu, VdVirgl *virgl);
/* The virtio feature bits the device offers (VIRGL only with 3D on). */
uint64_t vd_gpu_features(VdGpu *gpu);
/* The guest memory table changed: mappings held for 3D are renewed. */
void vd_gpu_memory_changed(VdGpu *gpu);
/*
 * Shows the scanouts and the cursor on display (ops, impl) from now on: frees
 * the one before, and shows the new one what the guest shows now. NULL ops:
 * headless (gpu's own displays).
 */
void vd_gpu_set_display(VdGpu *gpu, const VdGpuDisplayOps *ops, void *impl);
/* Drops resources, scanouts, cursor and the display, back to headless (device reset). */
void vd_gpu_reset(VdGpu *gpu);
int vd_gpu_get_config(VdGpu *gpu, uint8_t *buf, uint32_t offset, uint32_t len);
int vd_gpu_set_config(VdGpu *gpu, const uint8_t *buf, uint32_t offset, uint32_t len);

/*
 * What the rest of the daemon may see of the device model (the model itself,
 * struct VdGpu, is in gpu-private.h, for src/gpu's core files and the unit
 * tests): its options, its fault log, what a scanout shows, and an output's
 * state. scanout_id and index must be below the number of outputs.
 */
const VdGpuOptions *vd_gpu_options(VdGpu *gpu);
bool vd_gpu_has_virgl(VdGpu *gpu);
VdRateLimit *vd_gpu_faults(VdGpu *gpu);
const VdGpuScanout *vd_gpu_scanout(VdGpu *gpu, uint32_t scanout_id);
void vd_gpu_output_get(VdGpu *gpu, unsigned int index, bool *connected, uint32_t *width,
                       uint32_t *height);

/* command.c: runs one control or cursor queue command. */
void vd_gpu_process_ctrl(VdGpu *gpu, VdGpuCmd *cmd);
void vd_gpu_process_cursor(VdGpu *gpu, VdGpuCmd *cmd);
/* A pending command got its answer (cmd->resp filled). */
void vd_gpu_cmd_finish(VdGpu *gpu, VdGpuCmd *cmd);

/* scanout.c */
void vd_gpu_scanout_disable(VdGpu *gpu, uint32_t scanout_id);
/* Fills a display info response from the outputs table. */
void vd_gpu_fill_display_info(VdGpu *gpu, struct virtio_gpu_resp_display_info *info);
/* Fills an EDID response for an existing scanout from its output's size. */
void vd_gpu_fill_edid(VdGpu *gpu, uint32_t scanout_id, struct virtio_gpu_resp_edid *resp);
/*
 * The front-end's display info (QEMU's UI): remembered in the outputs table
 * for when it stops answering, and scanouts the device does not have are
 * taken out of info, as the guest cannot set them.
 */
void vd_gpu_outputs_from_display_info(VdGpu *gpu, struct virtio_gpu_resp_display_info *info);

/* dmabuf.c: scanouts QEMU shows from dmabufs (--dmabuf). */
/*
 * Resources whose pixels may move into a memfd, each an open fd: a guest that
 * shows resource after resource cannot run the daemon out of fds. Page
 * flipping needs two or three.
 */
#define VD_GPU_MAX_MEMFD_RESOURCES 64u
/*
 * Opens the udmabuf device, which 2D dmabufs need; false with why if it
 * cannot (2D scanouts are then sent as pixels).
 */
bool vd_gpu_udmabuf_open(VdGpu *gpu, GError **error);
/*
 * Shows scanout_id (already set) in QEMU from a dmabuf: the exported texture
 * (3D) or the resource's pixels through udmabuf (2D). False where it cannot
 * (no GPU socket, QEMU without dmabufs, llvmpipe, no udmabuf): send pixels.
 */
bool vd_gpu_display_dmabuf_scanout(VdGpu *gpu, uint32_t scanout_id);
/*
 * The GPU socket can take dmabufs now (its handshake is done): scanouts set
 * before, or re-shown on a new socket, move from pixels to dmabufs.
 */
void vd_gpu_dmabuf_scanouts_start(VdGpu *gpu);

/* edid.c: a 128-byte EDID 1.4 block whose preferred mode is width x height. */
#define VD_GPU_EDID_SIZE 128u
void vd_gpu_edid_generate(uint8_t edid[VD_GPU_EDID_SIZE], uint32_t width, uint32_t height,
                          unsigned int serial);

/* headless.c: the daemon's own displays (vd_gpu_headless_ops in display.h). */
/* Output changes (D-Bus): 0 or a negative errno. */
int vd_gpu_output_set(VdGpu *gpu, unsigned int index, bool connected, uint32_t width,
                      uint32_t height);
/* An x8r8g8b8 copy of what output index shows (black when nothing). */
pixman_image_t *vd_gpu_output_snapshot(VdGpu *gpu, unsigned int index);
/*
 * Writes what output index shows, as PNG, to fd (the caller's file or pipe: the
 * daemon opens nothing by name, which its sandbox would refuse). 0, or -1 with
 * error in DAEMON_ERROR (daemon/error.h): NoSuchOutput, NoScanout (the guest
 * has shown nothing on it yet), IOError or PermissionDenied (fd refused it).
 */
int vd_gpu_output_screenshot(VdGpu *gpu, unsigned int index, int fd, GError **error);

/* png.c: x8r8g8b8 rows as a compressed 24-bit RGB PNG (libpng); NULL with error. */
GBytes *vd_png_encode_xrgb(const uint32_t *pixels, uint32_t width, uint32_t height, size_t stride,
                           GError **error);

/* qemu-socket.c: the QEMU GPU socket, see qemu-socket.h. */
