/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 2D resources: pixman images in host memory, backed by guest pages that are
 * copied in by TRANSFER_TO_HOST_2D. Backing entries are kept as guest
 * addresses and mapped at each transfer, so a new memory table (which unmaps
 * the old regions) never leaves a stale pointer behind.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <string.h>

#include "gpu/gpu-private.h"

pixman_format_code_t
vd_gpu_format_to_pixman(uint32_t virtio_format)
{
	/* virtio names bytes in memory order; pixman names bits of a 32-bit word. */
	switch (virtio_format) {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
		return PIXMAN_a8r8g8b8;
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
		return PIXMAN_x8r8g8b8;
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
		return PIXMAN_b8g8r8a8;
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
		return PIXMAN_b8g8r8x8;
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
		return PIXMAN_a8b8g8r8;
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
		return PIXMAN_r8g8b8x8;
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
		return PIXMAN_r8g8b8a8;
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return PIXMAN_x8b8g8r8;
#else
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
		return PIXMAN_b8g8r8a8;
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
		return PIXMAN_b8g8r8x8;
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
		return PIXMAN_a8r8g8b8;
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
		return PIXMAN_x8r8g8b8;
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
		return PIXMAN_r8g8b8a8;
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
		return PIXMAN_x8b8g8r8;
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
		return PIXMAN_a8b8g8r8;
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return PIXMAN_r8g8b8x8;
#endif
	default:
		return 0;
	}
}

bool
vd_gpu_rect_inside(const struct virtio_gpu_rect *r, uint32_t width, uint32_t height)
{
	return r->x <= width && r->width <= width - r->x && r->y <= height &&
	       r->height <= height - r->y;
}

VdGpuResource *
vd_gpu_resource_new(VdGpu *gpu, uint32_t id, uint32_t virtio_format, uint32_t width,
                    uint32_t height, uint32_t *err, const char **why)
{
	pixman_format_code_t format = vd_gpu_format_to_pixman(virtio_format);
	uint64_t stride, size;
	VdGpuResource *res;

	*err = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	if (!format) {
		*why = "unknown format";
		return NULL;
	}
	stride = ((uint64_t)width * PIXMAN_FORMAT_BPP(format) + 31) / 32 * 4;
	size = stride * height;
	if (width == 0 || height == 0 || width > INT32_MAX || height > INT32_MAX ||
	    stride > INT32_MAX || size > INT32_MAX) {
		*why = "bad size";
		return NULL;
	}
	*err = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	if (size > gpu->opts.max_hostmem || gpu->hostmem > gpu->opts.max_hostmem - size) {
		*why = "the host memory limit (--max-hostmem) is reached";
		return NULL;
	}
	res = g_new0(VdGpuResource, 1);
	res->image = pixman_image_create_bits(format, (int)width, (int)height, NULL, 0);
	if (!res->image) {
		g_free(res);
		*why = "no host memory";
		return NULL;
	}
	res->id = id;
	res->memfd = -1;
	res->format = virtio_format;
	res->width = width;
	res->height = height;
	res->hostmem = size;
	gpu->hostmem += size;
	g_hash_table_insert(gpu->resources, GUINT_TO_POINTER(res->id), res);
	return res;
}

void
vd_gpu_cmd_resource_create_2d(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_resource_create_2d c;
	const char *why = NULL;
	uint32_t err;

	memcpy(&c, cmd->req, sizeof(c));
	if (c.resource_id == 0 || vd_gpu_resource_lookup(gpu, c.resource_id)) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
		                "resource id %u %s", c.resource_id,
		                c.resource_id ? "already exists" : "is reserved");
		return;
	}
	if (!vd_gpu_resource_new(gpu, c.resource_id, c.format, c.width, c.height, &err, &why)) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, err, "%ux%u, format %u: %s", c.width, c.height,
		                c.format, why);
		return;
	}
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_gpu_resource_destroy(VdGpu *gpu, VdGpuResource *res)
{
	for (uint32_t i = 0; i < VD_GPU_MAX_OUTPUTS; i++) {
		if (res->scanout_mask & (1u << i))
			vd_gpu_scanout_disable(gpu, i);
	}
	gpu->hostmem -= res->hostmem;
	if (res->memfd >= 0)
		gpu->memfds--;
	g_hash_table_remove(gpu->resources, GUINT_TO_POINTER(res->id));
}

static VdGpuResource *
lookup_or_reply(VdGpu *gpu, VdGpuCmd *cmd, uint32_t id)
{
	VdGpuResource *res = vd_gpu_resource_lookup(gpu, id);

	if (!res)
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
		                "unknown resource %u", id);
	return res;
}

void
vd_gpu_cmd_resource_unref(VdGpu *gpu, VdGpuCmd *cmd)
{
	VdGpuResource *res = lookup_or_reply(gpu, cmd, vd_gpu_cmd_resource_id(cmd));

	if (!res)
		return;
	vd_gpu_resource_destroy(gpu, res);
	vd_gpu_cmd_ok_nodata(cmd);
}

/* Copies len bytes at offset of the backing into dst; 0 or a negative errno. */
static int
backing_read(VdGpu *gpu, const VdGpuResource *res, uint64_t offset, uint8_t *dst, size_t len)
{
	uint32_t lo = 0, hi = res->nr_backing;
	struct iovec iov[VD_GPU_MAP_IOV];

	if (!gpu->map_sg)
		return -EFAULT;
	/* Last entry starting at or before offset. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (res->backing_offset[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	for (uint32_t i = lo; len > 0; i++) {
		uint64_t within, chunk;
		int n;

		if (i >= res->nr_backing)
			return -EFAULT;
		within = offset - res->backing_offset[i];
		if (within >= res->backing[i].length)
			continue;
		chunk = MIN((uint64_t)len, res->backing[i].length - within);
		n = gpu->map_sg(gpu->map_opaque, res->backing[i].addr + within, chunk, false, iov,
		                G_N_ELEMENTS(iov));
		if (n < 0)
			return n;
		for (int k = 0; k < n; k++) {
			memcpy(dst, iov[k].iov_base, iov[k].iov_len);
			dst += iov[k].iov_len;
		}
		offset += chunk;
		len -= chunk;
	}
	return 0;
}

void
vd_gpu_cmd_transfer_to_host_2d(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_transfer_to_host_2d c;
	VdGpuResource *res;
	uint32_t bpp, stride;
	uint8_t *data;
	uint64_t row_len, last;
	int ret = 0;

	memcpy(&c, cmd->req, sizeof(c));
	res = lookup_or_reply(gpu, cmd, c.resource_id);
	if (!res)
		return;
	if (!vd_gpu_rect_inside(&c.r, res->width, res->height)) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "rect %ux%u+%u+%u outside resource %u (%ux%u)", c.r.width,
		                c.r.height, c.r.x, c.r.y, c.resource_id, res->width, res->height);
		return;
	}
	if (!res->backing) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "resource %u has no backing", c.resource_id);
		return;
	}
	if (c.r.width == 0 || c.r.height == 0) {
		vd_gpu_cmd_ok_nodata(cmd);
		return;
	}

	bpp = PIXMAN_FORMAT_BPP(pixman_image_get_format(res->image)) / 8;
	stride = (uint32_t)pixman_image_get_stride(res->image);
	data = (uint8_t *)pixman_image_get_data(res->image);
	row_len = (uint64_t)c.r.width * bpp;
	/* The source rows lie stride apart from offset, as in the resource. */
	last = c.offset + (uint64_t)stride * (c.r.height - 1) + row_len;
	if (last < c.offset || last > res->backing_size) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "transfer reaches past the backing of resource %u", c.resource_id);
		return;
	}

	if (c.r.x == 0 && c.r.width == res->width && row_len == stride) {
		/* Whole rows: one straight copy from guest pages into the image. */
		ret = backing_read(gpu, res, c.offset, data + (size_t)c.r.y * stride,
		                   (size_t)stride * c.r.height);
	} else {
		for (uint32_t h = 0; h < c.r.height && ret == 0; h++) {
			ret = backing_read(
			        gpu, res, c.offset + (uint64_t)stride * h,
			        data + (size_t)(c.r.y + h) * stride + (size_t)c.r.x * bpp, row_len);
		}
	}
	if (ret < 0) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "backing of resource %u is not in guest memory", c.resource_id);
		return;
	}
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_gpu_cmd_attach_backing(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_resource_attach_backing c;
	g_autofree struct virtio_gpu_mem_entry *entries = NULL;
	g_autofree VdGpuBacking *runs = NULL;
	g_autofree uint64_t *offsets = NULL;
	uint32_t nr_runs = 0;
	struct iovec iov[VD_GPU_MAP_IOV];
	VdGpuResource *res;
	uint64_t total = 0;

	memcpy(&c, cmd->req, sizeof(c));
	res = lookup_or_reply(gpu, cmd, c.resource_id);
	if (!res)
		return;
	if (res->backing) {
		/* Keeping the old one avoids the leak of CVE-2021-3544. */
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "resource %u already has backing", c.resource_id);
		return;
	}
	if (c.nr_entries == 0 || c.nr_entries > VD_GPU_MAX_BACKING_ENTRIES) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "%u backing entries", c.nr_entries);
		return;
	}
	/*
	 * The 3D decoder answers these the same way (virgl/resource.c). The spec
	 * does not say; QEMU answers a short entry array ERR_UNSPEC, and Linux's
	 * driver sends neither a short array nor an empty entry. An empty entry
	 * adds no memory: it is skipped, and only a backing of 0 bytes in all is
	 * an error.
	 */
	if (cmd->req_len - sizeof(c) < (size_t)c.nr_entries * sizeof(*entries)) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "%u entries announced, %zu bytes sent", c.nr_entries,
		                cmd->req_len - sizeof(c));
		return;
	}

	entries = g_new(struct virtio_gpu_mem_entry, c.nr_entries);
	memcpy(entries, cmd->req + sizeof(c), c.nr_entries * sizeof(*entries));
	runs = g_new(VdGpuBacking, c.nr_entries);
	offsets = g_new(uint64_t, c.nr_entries);
	for (uint32_t i = 0; i < c.nr_entries; i++) {
		uint64_t addr = entries[i].addr, len = entries[i].length;
		int n = 0;

		if (len && gpu->map_sg)
			n = gpu->map_sg(gpu->map_opaque, addr, len, false, iov, G_N_ELEMENTS(iov));
		if (addr + len < addr || !gpu->map_sg || n < 0) {
			vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
			                "backing entry %u (0x%" G_GINT64_MODIFIER
			                "x+%u) is outside guest RAM",
			                i, (guint64)entries[i].addr, entries[i].length);
			return;
		}
		if (len == 0)
			continue;
		/*
		 * Pages that follow each other in the guest become one run: a
		 * transfer then maps and copies it in one go.
		 */
		if (nr_runs && runs[nr_runs - 1].addr + runs[nr_runs - 1].length == addr) {
			runs[nr_runs - 1].length += len;
		} else {
			runs[nr_runs] = (VdGpuBacking){ addr, len };
			offsets[nr_runs++] = total;
		}
		total += len;
	}
	if (nr_runs == 0) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "backing of 0 bytes");
		return;
	}
	res->backing = g_steal_pointer(&runs);
	res->backing_offset = g_steal_pointer(&offsets);
	res->nr_backing = nr_runs;
	res->backing_size = total;
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_gpu_cmd_detach_backing(VdGpu *gpu, VdGpuCmd *cmd)
{
	VdGpuResource *res = lookup_or_reply(gpu, cmd, vd_gpu_cmd_resource_id(cmd));

	if (!res)
		return;
	if (!res->backing) {
		vd_gpu_cmd_fail(cmd, &gpu->faults, VIRTIO_GPU_RESP_ERR_UNSPEC,
		                "resource %u has no backing", res->id);
		return;
	}
	g_clear_pointer(&res->backing, g_free);
	g_clear_pointer(&res->backing_offset, g_free);
	res->nr_backing = 0;
	res->backing_size = 0;
	vd_gpu_cmd_ok_nodata(cmd);
}

void
vd_gpu_cmd_assign_uuid(VdGpu *gpu, VdGpuCmd *cmd)
{
	struct virtio_gpu_resp_resource_uuid *resp = (void *)cmd->resp;
	VdGpuResource *res = lookup_or_reply(gpu, cmd, vd_gpu_cmd_resource_id(cmd));

	if (!res)
		return;
	if (!res->has_uuid) {
		/* A random (version 4) UUID, stable for the life of the resource. */
		for (unsigned int i = 0; i < 16; i += 4) {
			uint32_t r = g_random_int();

			memcpy(res->uuid + i, &r, 4);
		}
		res->uuid[6] = (res->uuid[6] & 0x0f) | 0x40;
		res->uuid[8] = (res->uuid[8] & 0x3f) | 0x80;
		res->has_uuid = true;
	}
	vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_RESOURCE_UUID, sizeof(*resp));
	memcpy(resp->uuid, res->uuid, sizeof(resp->uuid));
}
