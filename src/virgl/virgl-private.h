/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State shared by the files of src/virgl; the device sees only virgl.h. */
#pragma once

#include "virgl/virgl.h"

/* A guest context: which resources it may name in its command streams. */
typedef struct VdVirglCtx {
	uint32_t id;
	GHashTable *resources; /* set of attached resource ids */
} VdVirglCtx;

typedef struct VdVirglResource {
	uint32_t id;
	uint32_t target, format, bind;
	uint32_t width, height, depth, array_size, last_level;
	uint64_t hostmem;                     /* bytes charged against max_hostmem */
	struct virtio_gpu_mem_entry *entries; /* the guest backing, as the guest gave it */
	uint32_t nr_entries;
	struct iovec *iov; /* entries mapped, lent to virglrenderer; NULL: unmapped */
	unsigned int nr_iov;
	uint64_t backing_size;
} VdVirglResource;

/* One fenced command waiting for the renderer. */
typedef struct VdVirglFence {
	uint32_t seq; /* our fence id given to virglrenderer */
	VdGpuCmd *cmd;
} VdVirglFence;

typedef struct VdVirglCapset {
	uint32_t id, max_version, max_size;
} VdVirglCapset;

struct VdVirgl {
	VdVirglOptions opts;
	char *render_node; /* NULL: surfaceless on the software rasteriser */
	char *renderer_name;
	bool started;

	VdVirglCapset capsets[VD_VIRGL_MAX_CAPSETS];
	uint32_t num_capsets;

	GHashTable *contexts;  /* id -> VdVirglCtx */
	GHashTable *resources; /* id -> VdVirglResource */
	uint64_t hostmem;

	VdVirglMapSgFunc map_sg;
	void *map_opaque;
	VdVirglCompleteFunc complete;
	void *complete_data;

	GQueue fences;        /* VdVirglFence, oldest first */
	uint32_t fence_seq;   /* the last one handed out */
	GSource *poll_source; /* virglrenderer's fd, or a timer */
	bool poll_fd;         /* the source watches virglrenderer's fd */
	uint32_t forced_seq;  /* retire up to this from the main loop */
	guint forced_source;

	VdRateLimit faults; /* what the guest gets logged */
};

/* capset.c: reads what virglrenderer offers (after init). */
void vd_virgl_capsets_init(VdVirgl *virgl);
void vd_virgl_cmd_get_capset_info(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_get_capset(VdVirgl *virgl, VdGpuCmd *cmd);
/* The renderer string the virgl2 capset carries, or NULL. */
char *vd_virgl_capset_renderer(VdVirgl *virgl);

/* context.c */
void vd_virgl_ctx_free(VdVirglCtx *ctx);
void vd_virgl_contexts_clear(VdVirgl *virgl);
VdVirglCtx *vd_virgl_ctx_lookup(VdVirgl *virgl, uint32_t id);
void vd_virgl_cmd_ctx_create(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_ctx_destroy(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_ctx_attach(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_ctx_detach(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_submit_3d(VdVirgl *virgl, VdGpuCmd *cmd);

/* resource.c */
void vd_virgl_resource_free(VdVirgl *virgl, VdVirglResource *res);
void vd_virgl_resources_clear(VdVirgl *virgl);
VdVirglResource *vd_virgl_resource_lookup(VdVirgl *virgl, uint32_t id);
void vd_virgl_cmd_resource_create_2d(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_resource_create_3d(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_resource_unref(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_attach_backing(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_detach_backing(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_transfer_to_host_2d(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_transfer_to_host_3d(VdVirgl *virgl, VdGpuCmd *cmd);
void vd_virgl_cmd_transfer_from_host_3d(VdVirgl *virgl, VdGpuCmd *cmd);

/* fence.c */
int vd_virgl_fence_setup(VdVirgl *virgl);
void vd_virgl_fence_teardown(VdVirgl *virgl);
/* virglrenderer's write_fence callback. */
void vd_virgl_fence_retired(VdVirgl *virgl, uint32_t seq);
/* Completes every pending command now (reset, teardown). */
void vd_virgl_fence_flush(VdVirgl *virgl);
