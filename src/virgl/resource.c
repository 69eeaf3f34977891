/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resources in virglrenderer: RESOURCE_CREATE_2D/3D, RESOURCE_UNREF,
 * ATTACH/DETACH_BACKING and the transfers. Every size is checked here before
 * virglrenderer sees it (it checks too, but older releases had holes), the
 * memory a guest can make the host allocate is capped, and a 3D transfer
 * names a resource attached to the context it runs in.
 */
#define G_LOG_DOMAIN "vd-virgl"

#include <errno.h>
#include <drm_fourcc.h>
#include <string.h>
#include <unistd.h>
#include <virglrenderer.h>

#include "virgl/virgl-private.h"

/* virglrenderer.h declares struct virgl_box only; its layout is virtio_gpu_box's. */
struct virgl_box {
	uint32_t x, y, z, w, h, d;
};
G_STATIC_ASSERT(sizeof(struct virgl_box) == sizeof(struct virtio_gpu_box));

/* Gallium's pipe_texture_target (virglrenderer's p_defines.h). */
#define VD_PIPE_BUFFER 0u
#define VD_PIPE_TEXTURE_2D 2u
#define VD_PIPE_MAX_TEXTURE_TYPES 9u
#define VD_VIRGL_BIND_RENDER_TARGET (1u << 1)
#define VD_VIRGL_MAX_LEVELS 15u
#define VD_VIRGL_MAX_SAMPLES 32u

VdVirglResource *
vd_virgl_resource_lookup(VdVirgl *virgl, uint32_t id)
{
	if (id == 0)
		return NULL;
	return g_hash_table_lookup(virgl->resources, GUINT_TO_POINTER(id));
}

/* The resource a command names, or NULL after answering INVALID_RESOURCE_ID. */
static VdVirglResource *
resource_lookup_or_fail(VdVirgl *virgl, VdGpuCmd *cmd, uint32_t id)
{
	VdVirglResource *res = vd_virgl_resource_lookup(virgl, id);

	if (!res)
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
		                "no such resource");
	return res;
}

/* Takes the mapped backing back from virglrenderer; the guest entries stay. */
static void
resource_unmap_backing(VdVirglResource *res)
{
	struct iovec *iov = NULL;
	int n = 0;

	if (!res->iov)
		return;
	/* virglrenderer hands back the array we lent it. */
	virgl_renderer_resource_detach_iov((int)res->id, &iov, &n);
	g_clear_pointer(&res->iov, g_free);
	res->nr_iov = 0;
}

static void
resource_detach_backing(VdVirglResource *res)
{
	resource_unmap_backing(res);
	g_clear_pointer(&res->entries, g_free);
	res->nr_entries = 0;
	res->backing_size = 0;
}

/*
 * Maps the guest entries and lends them to virglrenderer: at ATTACH_BACKING,
 * and again after the memory table changed. Returns NULL on success or why not.
 */
static const char *
resource_map_backing(VdVirgl *virgl, VdVirglResource *res)
{
	g_autoptr(GArray) iov = g_array_new(FALSE, FALSE, sizeof(struct iovec));

	if (!virgl->map_sg)
		return "no guest memory table";
	for (uint32_t i = 0; i < res->nr_entries; i++) {
		const struct virtio_gpu_mem_entry *ent = &res->entries[i];
		struct iovec part[VD_VIRGL_MAP_IOV];
		/* Written too: transfers from the host land in it. */
		int n = virgl->map_sg(virgl->map_opaque, ent->addr, ent->length, true, part,
		                      G_N_ELEMENTS(part));

		if (n <= 0)
			return "backing entry outside guest memory";
		g_array_append_vals(iov, part, (guint)n);
	}
	res->nr_iov = iov->len;
	res->iov = (struct iovec *)(void *)g_array_free(g_steal_pointer(&iov), FALSE);
	if (virgl_renderer_resource_attach_iov((int)res->id, res->iov, (int)res->nr_iov) != 0) {
		g_clear_pointer(&res->iov, g_free);
		res->nr_iov = 0;
		return "backing refused by the renderer";
	}
	return NULL;
}

void
vd_virgl_memory_changed(VdVirgl *virgl)
{
	GHashTableIter iter;
	VdVirglResource *res;

	/*
	 * Regions may have moved or gone: no pointer into the old table may stay
	 * with virglrenderer. A backing that no longer maps stays unmapped, and
	 * transfers into it fail until the guest attaches a new one.
	 */
	g_hash_table_iter_init(&iter, virgl->resources);
	while (g_hash_table_iter_next(&iter, NULL, (void **)&res)) {
		const char *why;

		if (!res->entries)
			continue;
		resource_unmap_backing(res);
		why = resource_map_backing(virgl, res);
		if (why)
			g_message("resource %u: %s after a memory table change", res->id, why);
	}
}

void
vd_virgl_resource_free(VdVirgl *virgl, VdVirglResource *res)
{
	GHashTableIter iter;
	VdVirglCtx *ctx;

	g_hash_table_iter_init(&iter, virgl->contexts);
	while (g_hash_table_iter_next(&iter, NULL, (void **)&ctx))
		g_hash_table_remove(ctx->resources, GUINT_TO_POINTER(res->id));
	resource_detach_backing(res);
	virgl_renderer_resource_unref(res->id);
	virgl->hostmem -= res->hostmem;
	g_hash_table_remove(virgl->resources, GUINT_TO_POINTER(res->id));
	g_free(res);
}

void
vd_virgl_resources_clear(VdVirgl *virgl)
{
	GHashTableIter iter;
	VdVirglResource *res;

	while (g_hash_table_size(virgl->resources) > 0) {
		g_hash_table_iter_init(&iter, virgl->resources);
		g_hash_table_iter_next(&iter, NULL, (void **)&res);
		vd_virgl_resource_free(virgl, res);
	}
}

static bool
resource_create(VdVirgl *virgl, VdGpuCmd *cmd, struct virgl_renderer_resource_create_args *args)
{
	VdVirglResource *res;
	uint64_t bytes;
	int ret;

	if (args->handle == 0 || vd_virgl_resource_lookup(virgl, args->handle)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID, "%s",
		                args->handle ? "resource id already in use" : "resource id 0");
		return false;
	}
	if (args->target >= VD_PIPE_MAX_TEXTURE_TYPES || args->width == 0 || args->height == 0 ||
	    args->depth == 0 || args->array_size == 0 || args->height > VD_VIRGL_MAX_DIMENSION ||
	    args->depth > VD_VIRGL_MAX_DIMENSION || args->array_size > VD_VIRGL_MAX_ARRAY_SIZE ||
	    args->last_level >= VD_VIRGL_MAX_LEVELS || args->nr_samples > VD_VIRGL_MAX_SAMPLES ||
	    (args->target != VD_PIPE_BUFFER && args->width > VD_VIRGL_MAX_DIMENSION) ||
	    (args->target == VD_PIPE_BUFFER && (args->height != 1 || args->depth != 1))) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "resource size or target out of range");
		return false;
	}
	/* An estimate (4 bytes a texel, mipmaps ignored) that bounds what a guest can pin. */
	bytes = (uint64_t)args->width * args->height * args->depth * args->array_size *
	        MAX(args->nr_samples, 1u) * (args->target == VD_PIPE_BUFFER ? 1u : 4u);
	if (bytes > virgl->opts.max_hostmem || virgl->hostmem > virgl->opts.max_hostmem - bytes) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY,
		                "3D resources above the host memory limit");
		return false;
	}
	ret = virgl_renderer_resource_create(args, NULL, 0);
	if (ret != 0) {
		g_debug("virgl_renderer_resource_create(%u): %d", args->handle, ret);
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "resource refused by the renderer");
		return false;
	}
	res = g_new0(VdVirglResource, 1);
	res->id = args->handle;
	res->target = args->target;
	res->format = args->format;
	res->bind = args->bind;
	res->width = args->width;
	res->height = args->height;
	res->depth = args->depth;
	res->array_size = args->array_size;
	res->last_level = args->last_level;
	res->hostmem = bytes;
	virgl->hostmem += bytes;
	g_hash_table_insert(virgl->resources, GUINT_TO_POINTER(res->id), res);
	vd_gpu_cmd_ok_nodata(cmd);
	return true;
}

void
vd_virgl_cmd_resource_create_2d(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_resource_create_2d req;
	struct virgl_renderer_resource_create_args args = { 0 };

	memcpy(&req, cmd->req, sizeof(req));
	/* As a 2D device would: a render target texture the scanout can show. */
	args.handle = req.resource_id;
	args.target = VD_PIPE_TEXTURE_2D;
	args.format = req.format;
	args.bind = VD_VIRGL_BIND_RENDER_TARGET;
	args.width = req.width;
	args.height = req.height;
	args.depth = 1;
	args.array_size = 1;
	args.flags = VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP;
	resource_create(virgl, cmd, &args);
}

void
vd_virgl_cmd_resource_create_3d(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_resource_create_3d req;
	struct virgl_renderer_resource_create_args args;

	memcpy(&req, cmd->req, sizeof(req));
	args = (struct virgl_renderer_resource_create_args){
		.handle = req.resource_id,
		.target = req.target,
		.format = req.format,
		.bind = req.bind,
		.width = req.width,
		.height = req.height,
		.depth = req.depth,
		.array_size = req.array_size,
		.last_level = req.last_level,
		.nr_samples = req.nr_samples,
		.flags = req.flags,
	};
	resource_create(virgl, cmd, &args);
}

void
vd_virgl_cmd_resource_unref(VdVirgl *virgl, VdGpuCmd *cmd)
{
	VdVirglResource *res = resource_lookup_or_fail(virgl, cmd, vd_gpu_cmd_resource_id(cmd));

	if (!res)
		return;
	vd_virgl_resource_free(virgl, res);
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_virgl_cmd_attach_backing(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_resource_attach_backing req;
	VdVirglResource *res;
	const char *why;

	memcpy(&req, cmd->req, sizeof(req));
	res = resource_lookup_or_fail(virgl, cmd, req.resource_id);
	if (!res)
		return;
	if (res->entries) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "backing already attached");
		return;
	}
	if (req.nr_entries == 0 || req.nr_entries > VD_VIRGL_MAX_BACKING_ENTRIES) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "backing entry count out of range");
		return;
	}
	/* As the 2D device answers (gpu/resource-2d.c): see there why. */
	if ((cmd->req_len - sizeof(req)) / sizeof(struct virtio_gpu_mem_entry) < req.nr_entries) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "%u entries announced, %zu bytes sent", req.nr_entries,
		                cmd->req_len - sizeof(req));
		return;
	}
	res->entries = g_new(struct virtio_gpu_mem_entry, req.nr_entries);
	for (uint32_t i = 0; i < req.nr_entries; i++) {
		struct virtio_gpu_mem_entry e;

		memcpy(&e, cmd->req + sizeof(req) + i * sizeof(e), sizeof(e));
		if (e.length == 0)
			continue;
		res->entries[res->nr_entries++] = e;
		res->backing_size += e.length;
	}
	if (res->nr_entries == 0) {
		resource_detach_backing(res);
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "backing of 0 bytes");
		return;
	}
	why = resource_map_backing(virgl, res);
	if (why) {
		resource_detach_backing(res);
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC, "%s", why);
		return;
	}
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_virgl_cmd_detach_backing(VdVirgl *virgl, VdGpuCmd *cmd)
{
	VdVirglResource *res = resource_lookup_or_fail(virgl, cmd, vd_gpu_cmd_resource_id(cmd));

	if (!res)
		return;
	if (!res->entries) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "no backing attached");
		return;
	}
	resource_detach_backing(res);
	vd_gpu_cmd_ok_nodata(cmd);
}

/* True when [start, start + len) lies in [0, size), with no overflow. */
static bool
range_inside(uint32_t start, uint32_t len, uint32_t size)
{
	return start <= size && len <= size - start;
}

void
vd_virgl_cmd_transfer_to_host_2d(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_transfer_to_host_2d req;
	struct virgl_box box;
	VdVirglResource *res;
	int ret;

	memcpy(&req, cmd->req, sizeof(req));
	res = resource_lookup_or_fail(virgl, cmd, req.resource_id);
	if (!res)
		return;
	if (res->target != VD_PIPE_TEXTURE_2D || !range_inside(req.r.x, req.r.width, res->width) ||
	    !range_inside(req.r.y, req.r.height, res->height)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "rectangle outside the resource");
		return;
	}
	if (!res->iov || req.offset >= res->backing_size) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC, "%s",
		                res->iov ? "offset beyond the backing" : "no backing attached");
		return;
	}
	box = (struct virgl_box){ req.r.x, req.r.y, 0, req.r.width, req.r.height, 1 };
	ret = virgl_renderer_transfer_write_iov(res->id, 0, 0, 0, 0, &box, req.offset, NULL, 0);
	if (ret != 0) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "transfer refused by the renderer");
		return;
	}
	vd_gpu_cmd_ok_nodata(cmd);
}

/* The resource a 3D transfer may touch, or NULL after answering an error. */
static VdVirglResource *
transfer_3d_check(VdVirgl *virgl, VdGpuCmd *cmd, struct virtio_gpu_transfer_host_3d *req)
{
	VdVirglResource *res;
	VdVirglCtx *ctx;
	uint32_t w, h, d;

	memcpy(req, cmd->req, sizeof(*req));
	ctx = vd_virgl_ctx_lookup(virgl, cmd->hdr.ctx_id);
	if (!ctx) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
		                "no such context");
		return NULL;
	}
	res = vd_virgl_resource_lookup(virgl, req->resource_id);
	if (!res || !g_hash_table_contains(ctx->resources, GUINT_TO_POINTER(req->resource_id))) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID, "%s",
		                res ? "resource not attached to the context" : "no such resource");
		return NULL;
	}
	if (req->level > res->last_level) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "mipmap level out of range");
		return NULL;
	}
	w = MAX(res->width >> req->level, 1u);
	h = MAX(res->height >> req->level, 1u);
	/* z indexes depth slices, or layers and cube faces of array textures. */
	d = MAX(MAX(res->depth >> req->level, 1u), res->array_size);
	if (res->target == VD_PIPE_BUFFER)
		w = res->width;
	if (!range_inside(req->box.x, req->box.w, w) || !range_inside(req->box.y, req->box.h, h) ||
	    !range_inside(req->box.z, req->box.d, d)) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "box outside the resource");
		return NULL;
	}
	if (!res->iov) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "no backing attached");
		return NULL;
	}
	if (req->offset >= res->backing_size) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "offset beyond the backing");
		return NULL;
	}
	return res;
}

/* TRANSFER_TO_HOST_3D and TRANSFER_FROM_HOST_3D: one request, two directions. */
static void
transfer_3d(VdVirgl *virgl, VdGpuCmd *cmd, bool to_host)
{
	struct virtio_gpu_transfer_host_3d req;
	VdVirglResource *res = transfer_3d_check(virgl, cmd, &req);
	struct virgl_box box;
	int ret;

	if (!res)
		return;
	memcpy(&box, &req.box, sizeof(box));
	if (to_host)
		ret = virgl_renderer_transfer_write_iov(res->id, cmd->hdr.ctx_id, (int)req.level,
		                                        req.stride, req.layer_stride, &box,
		                                        req.offset, NULL, 0);
	else
		ret = virgl_renderer_transfer_read_iov(res->id, cmd->hdr.ctx_id, req.level,
		                                       req.stride, req.layer_stride, &box,
		                                       req.offset, NULL, 0);
	if (ret != 0) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "transfer refused by the renderer");
		return;
	}
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_virgl_cmd_transfer_to_host_3d(VdVirgl *virgl, VdGpuCmd *cmd)
{
	transfer_3d(virgl, cmd, true);
}

void
vd_virgl_cmd_transfer_from_host_3d(VdVirgl *virgl, VdGpuCmd *cmd)
{
	transfer_3d(virgl, cmd, false);
}

bool
vd_virgl_resource_info(VdVirgl *virgl, uint32_t resource_id, uint32_t *width, uint32_t *height,
                       uint32_t *format)
{
	VdVirglResource *res = vd_virgl_resource_lookup(virgl, resource_id);

	if (!res)
		return false;
	*width = res->width;
	*height = res->height;
	*format = res->format;
	return true;
}

static bool
format_is_32bit(uint32_t format)
{
	switch (format) {
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return true;
	default:
		return false;
	}
}

int
vd_virgl_read_pixels(VdVirgl *virgl, uint32_t resource_id, uint32_t x, uint32_t y, uint32_t width,
                     uint32_t height, void *dst, size_t stride)
{
	VdVirglResource *res = vd_virgl_resource_lookup(virgl, resource_id);
	struct virgl_box box = { x, y, 0, width, height, 1 };
	struct iovec iov;

	if (!res)
		return -ENOENT;
	if (res->target != VD_PIPE_TEXTURE_2D || !format_is_32bit(res->format))
		return -ENOTSUP;
	if (width == 0 || height == 0 || !range_inside(x, width, res->width) ||
	    !range_inside(y, height, res->height) || stride < (size_t)width * 4 ||
	    stride > UINT32_MAX)
		return -EINVAL;
	iov.iov_base = dst;
	iov.iov_len = stride * (height - 1) + (size_t)width * 4;
	if (virgl_renderer_transfer_read_iov(res->id, 0, 0, (uint32_t)stride, 0, &box, 0, &iov, 1))
		return -EIO;
	return 0;
}

int
vd_virgl_export_dmabuf(VdVirgl *virgl, uint32_t resource_id, VdDmabuf *out)
{
	VdVirglResource *res = vd_virgl_resource_lookup(virgl, resource_id);
	struct virgl_renderer_resource_info info = { 0 };
	int fd = -1, stride = 0, offset = 0;

	if (!res)
		return -ENOENT;
	if (res->target != VD_PIPE_TEXTURE_2D || !virgl->render_node)
		return -ENOTSUP;
	if (virgl_renderer_resource_get_info((int)resource_id, &info) != 0 || info.tex_id == 0 ||
	    info.drm_fourcc == 0)
		return -ENOTSUP;
	if (virgl_renderer_get_fd_for_texture2(info.tex_id, &fd, &stride, &offset) != 0 || fd < 0)
		return -ENOTSUP;
	/* The GPU socket has no plane offset; such a buffer is read back instead. */
	if (offset != 0 || stride <= 0) {
		close(fd);
		return -ENOTSUP;
	}
	*out = (VdDmabuf){
		.fd = fd,
		.width = info.width,
		.height = info.height,
		.stride = (uint32_t)stride,
		.fourcc = (uint32_t)info.drm_fourcc,
		.modifier = DRM_FORMAT_MOD_INVALID,
		.y_0_top = info.flags & VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP,
	};
	return 0;
}
