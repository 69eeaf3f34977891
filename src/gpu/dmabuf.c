/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scanouts QEMU shows from dmabufs (--dmabuf): no pixels cross the GPU
 * socket, a flush is a DMABUF_UPDATE that QEMU answers once drawn.
 *
 * 3D: the texture the GPU rendered, exported by virglrenderer.
 *
 * 2D: a resource's pixels move into a sealed memfd the first time it goes on
 * such a scanout (resources never shown stay plain host memory, so creating
 * one costs no syscalls), and /dev/udmabuf turns the memfd into a dmabuf.
 * TRANSFER_TO_HOST_2D then writes straight into what QEMU shows. Where
 * udmabuf is missing (a kernel without CONFIG_UDMABUF, no access to the
 * device) the scanout gets pixels, as without the option.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <drm_fourcc.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gpu/gpu-private.h"

#define UDMABUF_DEVICE "/dev/udmabuf"

bool
vd_gpu_udmabuf_open(VdGpu *gpu, GError **error)
{
	const char *path = gpu->opts.udmabuf_device ? gpu->opts.udmabuf_device : UDMABUF_DEVICE;
	int fd;

	if (gpu->udmabuf >= 0)
		return true;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s: %s", path,
		            g_strerror(err));
		return false;
	}
	gpu->udmabuf = fd;
	return true;
}

/* virtio names the bytes in memory order, DRM the bits of a little-endian word. */
static uint32_t
format_to_drm(uint32_t virtio_format)
{
	if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
		return 0;
	switch (virtio_format) {
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
		return DRM_FORMAT_ARGB8888;
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
		return DRM_FORMAT_XRGB8888;
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
		return DRM_FORMAT_BGRA8888;
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
		return DRM_FORMAT_BGRX8888;
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
		return DRM_FORMAT_ABGR8888;
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
		return DRM_FORMAT_RGBX8888;
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
		return DRM_FORMAT_RGBA8888;
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return DRM_FORMAT_XBGR8888;
	default:
		return 0;
	}
}

typedef struct MemfdMap {
	void *base;
	size_t len;
} MemfdMap;

static void
memfd_map_free(pixman_image_t *image, void *data)
{
	MemfdMap *map = data;

	munmap(map->base, map->len);
	g_free(map);
}

/* udmabuf takes whole pages of a memfd that cannot shrink under it. */
static size_t
memfd_size(const VdGpuResource *res)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t bytes = (size_t)pixman_image_get_stride(res->image) * res->height;

	return (bytes + page - 1) / page * page;
}

/* A sealed memfd of len bytes (udmabuf's conditions) and its mapping: 0 or -errno. */
static int
sealed_memfd_map(size_t len, int *fd_out, void **base_out)
{
	int fd = memfd_create("vd-gpu-scanout", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *base;
	int err;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	*fd_out = fd;
	*base_out = base;
	return 0;
}

/*
 * Moves the pixels of res into a sealed memfd, once. Messages still queued on
 * the GPU socket keep the old image alive through their reference.
 */
static int
resource_to_memfd(VdGpu *gpu, VdGpuResource *res)
{
	size_t len = memfd_size(res);
	int stride = pixman_image_get_stride(res->image);
	pixman_image_t *image;
	MemfdMap *map;
	void *base = NULL;
	int fd = -1, ret;

	if (res->memfd >= 0)
		return 0;
	if (gpu->memfds >= VD_GPU_MAX_MEMFD_RESOURCES)
		return -EMFILE;
	ret = sealed_memfd_map(len, &fd, &base);
	if (ret < 0)
		return ret;
	image = pixman_image_create_bits(pixman_image_get_format(res->image), (int)res->width,
	                                 (int)res->height, base, stride);
	if (!image) {
		munmap(base, len);
		close(fd);
		return -ENOMEM;
	}
	map = g_new(MemfdMap, 1);
	*map = (MemfdMap){ base, len };
	pixman_image_set_destroy_function(image, memfd_map_free, map);
	memcpy(base, pixman_image_get_data(res->image), (size_t)stride * res->height);
	pixman_image_unref(res->image);
	res->image = image;
	res->memfd = fd;
	gpu->memfds++;
	return 0;
}

/* A dmabuf of the 2D resource's pixels: 0, or -errno and nothing to close. */
static int
udmabuf_export(VdGpu *gpu, VdGpuResource *res, VdDmabuf *out)
{
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC };
	uint32_t fourcc = format_to_drm(res->format);
	int fd, ret;

	if (gpu->udmabuf < 0 || !fourcc)
		return -ENOTSUP;
	ret = resource_to_memfd(gpu, res);
	if (ret < 0)
		return ret;
	create.memfd = (uint32_t)res->memfd;
	create.size = memfd_size(res);
	fd = ioctl(gpu->udmabuf, UDMABUF_CREATE, &create);
	if (fd < 0)
		return -errno;
	*out = (VdDmabuf){
		.fd = fd,
		.width = res->width,
		.height = res->height,
		.stride = (uint32_t)pixman_image_get_stride(res->image),
		.fourcc = fourcc,
		.modifier = DRM_FORMAT_MOD_LINEAR,
		.y_0_top = true,
	};
	return 0;
}

bool
vd_gpu_display_dmabuf_scanout(VdGpu *gpu, uint32_t scanout_id)
{
	const VdGpuScanout *s = &gpu->scanouts[scanout_id];
	VdGpuResource *res;
	VdDmabuf buf;
	int ret;

	const VdGpuDisplay *d = &gpu->display;

	/* The QEMU socket's dmabuf_ok also says whether --dmabuf was given. */
	if (!d->ops->dmabuf_ok || !d->ops->dmabuf_ok(d->impl))
		return false;
	if (gpu->virgl) {
		ret = vd_virgl_export_dmabuf(gpu->virgl, s->resource_id, &buf);
	} else {
		res = vd_gpu_resource_lookup(gpu, s->resource_id);
		ret = res ? udmabuf_export(gpu, res, &buf) : -ENOENT;
		if (ret == -EMFILE && gpu->memfds >= VD_GPU_MAX_MEMFD_RESOURCES)
			vd_log_fault(&gpu->faults, VD_FAULT_HOST, NULL,
			             "resource %u is shown as pixels: %u others have dmabufs "
			             "already",
			             s->resource_id, gpu->memfds);
		else if (ret < 0 && ret != -ENOTSUP)
			vd_log_fault(&gpu->faults, VD_FAULT_HOST, NULL,
			             "resource %u is shown as pixels: udmabuf export failed: %s",
			             s->resource_id, g_strerror(-ret));
	}
	if (ret < 0)
		return false;
	return d->ops->dmabuf_scanout(d->impl, scanout_id, &s->r, &buf);
}

void
vd_gpu_dmabuf_scanouts_start(VdGpu *gpu)
{
	for (uint32_t i = 0; i < gpu->opts.num_outputs; i++) {
		VdGpuScanout *s = &gpu->scanouts[i];

		if (s->resource_id && !s->dmabuf)
			s->dmabuf = vd_gpu_display_dmabuf_scanout(gpu, i);
	}
}
