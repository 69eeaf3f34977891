/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 3D for the virtio-gpu device through virglrenderer, independent of the
 * vhost queues: the device hands request bytes and a guest memory accessor
 * to vd_virgl_process_ctrl() and gets response bytes back, at once or, for a
 * fenced command, through the completion callback once the host GPU (or
 * llvmpipe) has finished the work before it. Fenced commands complete in the
 * order they were submitted.
 *
 * virglrenderer keeps global state, so one VdVirgl exists per process, and it
 * is used from the thread that created it (the GL context is current there);
 * its fence source is attached to that thread's default GMainContext.
 *
 * How the GPU device plugs in (--virgl):
 *  - at start: vd_virgl_new(); on error exit non-zero, never offer VIRGL;
 *    set VIRTIO_GPU_F_VIRGL and config.num_capsets = vd_virgl_num_capsets();
 *    vd_virgl_set_complete_func() (push the used element, notify).
 *  - vd_virgl_set_memory() once; after every memory table change
 *    vd_virgl_memory_changed(), which maps the backings again.
 *  - per control queue element, when vd_virgl_handles(hdr.type): a VdGpuCmd
 *    (allocated with the element), vd_gpu_cmd_init(), vd_virgl_process_ctrl();
 *    not pending: push resp/resp_len now; pending: wait for the callback.
 *    The request may be up to VD_VIRGL_MAX_REQUEST_SIZE (SUBMIT_3D).
 *  - a fenced command the device answers itself (SET_SCANOUT, RESOURCE_FLUSH):
 *    vd_virgl_fence_submit(), so it is answered after the 3D work before it.
 *  - SET_SCANOUT / RESOURCE_FLUSH of a virgl resource: vd_virgl_resource_info()
 *    and vd_virgl_read_pixels() into the UPDATE / headless image.
 *  - device reset: vd_virgl_reset(); at exit vd_virgl_free().
 */
#pragma once

#include <glib.h>
#include <linux/virtio_gpu.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "gpu/command.h"
#include "gpu/dmabuf.h"

/* The capsets offered: VIRTIO_GPU_CAPSET_VIRGL and VIRTIO_GPU_CAPSET_VIRGL2. */
#define VD_VIRGL_MAX_CAPSETS 2u
/* A SUBMIT_3D command stream; Mesa's virgl winsys flushes at 256 KiB. */
#define VD_VIRGL_MAX_SUBMIT_SIZE (1024u * 1024)
/* The largest request accepted: a SUBMIT_3D of the largest stream. */
#define VD_VIRGL_MAX_REQUEST_SIZE (sizeof(struct virtio_gpu_cmd_submit) + VD_VIRGL_MAX_SUBMIT_SIZE)
#define VD_VIRGL_MAX_CONTEXTS 1024u
#define VD_VIRGL_MAX_BACKING_ENTRIES 16384u
/* iovecs for one backing entry: it may span several memory regions. */
#define VD_VIRGL_MAP_IOV 32u
/* Texture sizes beyond any GL implementation's limits are refused early. */
#define VD_VIRGL_MAX_DIMENSION 16384u
#define VD_VIRGL_MAX_ARRAY_SIZE 2048u
#define VD_VIRGL_DEFAULT_MAX_HOSTMEM (1024ull * 1024 * 1024)

typedef struct VdVirgl VdVirgl;

/* Maps guest DMA ranges; the same contract as VdGpuMapSgFunc (vhost_dev_map_sg). */
typedef int (*VdVirglMapSgFunc)(void *opaque, uint64_t addr, uint64_t len, bool write,
                                struct iovec *iov, unsigned int max_iov);

typedef struct VdVirglOptions {
	const char *render_node; /* --render-node; NULL: the first libdrm finds */
	bool software;           /* skip render nodes: surfaceless EGL on llvmpipe */
	bool gles;               /* VIRGL_RENDERER_USE_GLES */
	uint64_t max_hostmem;    /* estimated bytes all 3D resources may take */
} VdVirglOptions;

typedef void (*VdVirglCompleteFunc)(VdVirgl *virgl, VdGpuCmd *cmd, void *user_data);

/* renderer.c */
void vd_virgl_options_init(VdVirglOptions *opts);
/*
 * Starts virglrenderer on the render node chosen by opts (or llvmpipe).
 * NULL with error set when it cannot: the daemon must then not offer VIRGL.
 */
VdVirgl *vd_virgl_new(const VdVirglOptions *opts, GError **error);

/* The first DRM render node of the machine (libdrm's list), or NULL when it has none. */
char *vd_virgl_find_render_node(void);

/* Destroys every context and resource; pending fenced commands are completed first. */
void vd_virgl_free(VdVirgl *virgl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdVirgl, vd_virgl_free)
/* GL_RENDERER of the renderer in use ("llvmpipe (LLVM ...)" or a GPU). */
const char *vd_virgl_renderer_name(VdVirgl *virgl);
/* The render node in use, or NULL on the software rasteriser. */
const char *vd_virgl_render_node(VdVirgl *virgl);
void vd_virgl_set_memory(VdVirgl *virgl, VdVirglMapSgFunc map_sg, void *opaque);
/*
 * The guest memory table changed (SET_MEM_TABLE, ADD/REM_MEM_REG): maps every
 * backing again, so virglrenderer holds no pointer into an unmapped region.
 */
void vd_virgl_memory_changed(VdVirgl *virgl);
void vd_virgl_set_complete_func(VdVirgl *virgl, VdVirglCompleteFunc func, void *user_data);
/* Drops all contexts and resources (device reset); pending fences complete first. */
void vd_virgl_reset(VdVirgl *virgl);

/* capset.c: the value for virtio_gpu_config.num_capsets. */
uint32_t vd_virgl_num_capsets(VdVirgl *virgl);

/* commands.c */
/* True when vd_virgl_process_ctrl answers this command type with VIRGL on. */
bool vd_virgl_handles(uint32_t type);
/*
 * Runs one control queue command: on return either resp/resp_len hold the
 * answer, or pending is set and the completion callback gets it later, from
 * the main loop (never from inside this call), or from vd_virgl_reset/free.
 * cmd must stay alive until then; cmd->req is not used after this returns.
 */
void vd_virgl_process_ctrl(VdVirgl *virgl, VdGpuCmd *cmd);

/* resource.c: for scanouts and cursors of virgl resources. */
/* Size and VIRTIO_GPU_FORMAT_* (for 2D textures) of a resource; false if unknown. */
bool vd_virgl_resource_info(VdVirgl *virgl, uint32_t resource_id, uint32_t *width, uint32_t *height,
                            uint32_t *format);
/*
 * Reads the rectangle of a 2D resource back into host memory as 32-bit pixels
 * (the resource's own 4-byte format), rows stride bytes apart. 0 or -errno.
 */
int vd_virgl_read_pixels(VdVirgl *virgl, uint32_t resource_id, uint32_t x, uint32_t y,
                         uint32_t width, uint32_t height, void *dst, size_t stride);

/*
 * Exports a 2D resource's texture as a dmabuf, on a GPU's render node. -ENOTSUP
 * where it cannot be (llvmpipe has no dmabufs): the caller reads pixels back.
 */
int vd_virgl_export_dmabuf(VdVirgl *virgl, uint32_t resource_id, VdDmabuf *out);

/* fence.c */
/*
 * Holds cmd (its response already built) until the renderer has finished the
 * work submitted before it; then the completion callback answers it.
 */
void vd_virgl_fence_submit(VdVirgl *virgl, VdGpuCmd *cmd);
/* Fenced commands still waiting. */
unsigned int vd_virgl_fences_pending(VdVirgl *virgl);
/* Retires what the renderer has finished now (the poll source does this too). */
void vd_virgl_fence_poll(VdVirgl *virgl);
