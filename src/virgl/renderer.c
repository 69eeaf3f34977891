/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting virglrenderer: on --render-node, else on the first render node
 * libdrm finds, else surfaceless EGL on Mesa's software rasteriser (llvmpipe),
 * so that 3D works on machines without a GPU. virglrenderer 0.10 refuses a
 * NULL cookie and, without SURFACELESS, any machine without a render node;
 * QEMU's back-end never tries surfaceless and offers VIRGL after a failed
 * init, which leaves the guest with a black screen. Here a failed start is an
 * error the daemon turns into a non-zero exit.
 */
#define G_LOG_DOMAIN "vd-virgl"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>
#include <virglrenderer.h>
#include <xf86drm.h>

#include "virgl/virgl-private.h"

/* virglrenderer's state is global: one VdVirgl per process. */
static VdVirgl *vd_virgl_instance;

void
vd_virgl_options_init(VdVirglOptions *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->max_hostmem = VD_VIRGL_DEFAULT_MAX_HOSTMEM;
}

char *
vd_virgl_find_render_node(void)
{
	drmDevicePtr devices[16];
	char *node = NULL;
	int n;

	n = drmGetDevices2(0, devices, G_N_ELEMENTS(devices));
	if (n <= 0)
		return NULL;
	for (int i = 0; i < n && !node; i++) {
		if (devices[i]->available_nodes & (1 << DRM_NODE_RENDER))
			node = g_strdup(devices[i]->nodes[DRM_NODE_RENDER]);
	}
	drmFreeDevices(devices, n);
	return node;
}

static void
cb_write_fence(void *cookie, uint32_t fence)
{
	vd_virgl_fence_retired(cookie, fence);
}

/* virglrenderer owns and closes the fd; it wants a fresh one per call. */
static int
cb_get_drm_fd(void *cookie)
{
	VdVirgl *virgl = cookie;
	int fd;

	if (!virgl->render_node)
		return -1;
	fd = open(virgl->render_node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		g_warning("%s: %s", virgl->render_node, g_strerror(errno));
	return fd;
}

/*
 * virglrenderer's own messages (GL version, guest command stream errors) go
 * to the journal with ours instead of raw stderr; a guest can trigger them at
 * will, so they are debug messages, and our "guest bug:" warnings say enough.
 */
static void G_GNUC_PRINTF(1, 0) cb_debug(const char *fmt, va_list ap)
{
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);

	g_debug("virglrenderer: %s", g_strchomp(msg));
}

static struct virgl_renderer_callbacks vd_virgl_callbacks = {
	.version = 2,
	.write_fence = cb_write_fence,
	.get_drm_fd = cb_get_drm_fd,
};

static int
renderer_start(VdVirgl *virgl, bool surfaceless)
{
	int flags = VIRGL_RENDERER_USE_EGL | VIRGL_RENDERER_THREAD_SYNC;

	if (surfaceless)
		flags |= VIRGL_RENDERER_USE_SURFACELESS;
	if (virgl->opts.gles)
		flags |= VIRGL_RENDERER_USE_GLES;
	virgl_set_debug_callback(cb_debug);
	/* The cookie must not be NULL: virglrenderer 0.10 fails init on it. */
	return virgl_renderer_init(virgl, flags, &vd_virgl_callbacks);
}

VdVirgl *
vd_virgl_new(const VdVirglOptions *opts, GError **error)
{
	g_autoptr(VdVirgl) virgl = NULL;
	int ret = -1;

	virgl = g_new0(VdVirgl, 1);
	virgl->opts = *opts;
	virgl->opts.render_node = NULL;
	virgl->contexts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	                                        (GDestroyNotify)vd_virgl_ctx_free);
	virgl->resources = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_queue_init(&virgl->fences);

	if (opts->render_node) {
		int fd = open(opts->render_node, O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			int err = errno;

			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
			            _("Cannot open render node %s: %s"), opts->render_node,
			            g_strerror(err));
			return NULL;
		}
		close(fd);
	}
	if (vd_virgl_instance) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
		            _("The 3D renderer is already running in this process"));
		return NULL;
	}
	if (opts->render_node) {
		virgl->render_node = g_strdup(opts->render_node);
	} else if (!opts->software) {
		virgl->render_node = vd_virgl_find_render_node();
	}

	if (virgl->render_node) {
		ret = renderer_start(virgl, false);
		if (ret != 0 && opts->render_node) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			            _("virglrenderer could not start on %s (error %d)"),
			            virgl->render_node, ret);
			return NULL;
		}
		if (ret != 0) {
			g_message("virglrenderer could not start on %s (error %d); "
			          "trying the software rasteriser",
			          virgl->render_node, ret);
			g_clear_pointer(&virgl->render_node, g_free);
		}
	}
	if (!virgl->render_node)
		ret = renderer_start(virgl, true);
	if (ret != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
		            _("virglrenderer could not start (error %d): no usable render node "
		              "and no surfaceless EGL (are Mesa's libegl-mesa0 and "
		              "libgl1-mesa-dri installed?)"),
		            ret);
		return NULL;
	}
	virgl->started = true;
	vd_virgl_instance = virgl;

	vd_virgl_capsets_init(virgl);
	if (virgl->num_capsets == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
		            _("virglrenderer started but offers no virgl capset"));
		return NULL;
	}
	virgl->renderer_name = vd_virgl_capset_renderer(virgl);
	if (!virgl->renderer_name)
		virgl->renderer_name = g_strdup("unknown");
	ret = vd_virgl_fence_setup(virgl);
	if (ret < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-ret),
		            _("Cannot watch the 3D renderer's fences: %s"), g_strerror(-ret));
		return NULL;
	}
	g_message("3D renderer: %s on %s%s, fences %s", virgl->renderer_name,
	          virgl->render_node ? virgl->render_node : "surfaceless EGL (software)",
	          virgl->opts.gles ? " (GLES)" : "",
	          virgl->poll_fd ? "signalled on a poll fd" : "polled on a timer");
	return g_steal_pointer(&virgl);
}

void
vd_virgl_reset(VdVirgl *virgl)
{
	vd_virgl_fence_flush(virgl);
	vd_virgl_contexts_clear(virgl);
	vd_virgl_resources_clear(virgl);
	vd_rate_limit_reset(&virgl->faults);
}

void
vd_virgl_free(VdVirgl *virgl)
{
	if (!virgl)
		return;
	if (virgl->started) {
		vd_virgl_reset(virgl);
		vd_virgl_fence_teardown(virgl);
		virgl_renderer_cleanup(virgl);
	}
	if (vd_virgl_instance == virgl)
		vd_virgl_instance = NULL;
	g_hash_table_unref(virgl->contexts);
	g_hash_table_unref(virgl->resources);
	g_free(virgl->render_node);
	g_free(virgl->renderer_name);
	g_free(virgl);
}

const char *
vd_virgl_renderer_name(VdVirgl *virgl)
{
	return virgl->renderer_name;
}

const char *
vd_virgl_render_node(VdVirgl *virgl)
{
	return virgl->render_node;
}

void
vd_virgl_set_memory(VdVirgl *virgl, VdVirglMapSgFunc map_sg, void *opaque)
{
	virgl->map_sg = map_sg;
	virgl->map_opaque = opaque;
}

void
vd_virgl_set_complete_func(VdVirgl *virgl, VdVirglCompleteFunc func, void *user_data)
{
	virgl->complete = func;
	virgl->complete_data = user_data;
}
