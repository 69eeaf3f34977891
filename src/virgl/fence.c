/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fences: a fenced command is answered only when the renderer has finished
 * everything submitted before it. Each gets a fence of our own numbering
 * (guest fence ids are 64-bit, virglrenderer's are 32-bit); virglrenderer
 * retires them in order through write_fence, and the commands are answered
 * in the order they came, so the guest's "all fences up to N" logic holds.
 * Retirement is noticed on virglrenderer's poll fd (THREAD_SYNC: a thread
 * waits on the GL fences and signals an eventfd) or, where that is not in
 * effect, by a short timer while fences are pending; a long render never
 * blocks the queues.
 */
#define G_LOG_DOMAIN "vd-virgl"

#include <errno.h>
#include <glib-unix.h>
#include <virglrenderer.h>

#include "virgl/virgl-private.h"

/* Without a poll fd: how often to look for finished work. */
#define VD_VIRGL_POLL_MS 1

static void
fence_complete(VdVirgl *virgl, VdVirglFence *fence)
{
	VdGpuCmd *cmd = fence->cmd;

	g_free(fence);
	cmd->pending = false;
	if (virgl->complete)
		virgl->complete(virgl, cmd, virgl->complete_data);
}

/* Sequence numbers wrap: seq is retired when it is not after done. */
static bool
seq_done(uint32_t seq, uint32_t done)
{
	return (int32_t)(seq - done) <= 0;
}

void
vd_virgl_fence_retired(VdVirgl *virgl, uint32_t seq)
{
	VdVirglFence *fence;

	while ((fence = g_queue_peek_head(&virgl->fences)) && seq_done(fence->seq, seq)) {
		g_queue_pop_head(&virgl->fences);
		fence_complete(virgl, fence);
	}
}

void
vd_virgl_fence_flush(VdVirgl *virgl)
{
	VdVirglFence *fence;

	/* Give the renderer the chance to retire them properly first. */
	if (!g_queue_is_empty(&virgl->fences))
		virgl_renderer_poll();
	while ((fence = g_queue_pop_head(&virgl->fences)))
		fence_complete(virgl, fence);
}

void
vd_virgl_fence_poll(VdVirgl *virgl)
{
	(void)virgl;
	virgl_renderer_poll();
}

unsigned int
vd_virgl_fences_pending(VdVirgl *virgl)
{
	return g_queue_get_length(&virgl->fences);
}

static gboolean
on_poll_fd(int fd, GIOCondition cond, void *data)
{
	(void)fd;
	(void)cond;
	/* virgl_renderer_poll() drains the eventfd and calls write_fence. */
	virgl_renderer_poll();
	(void)data;
	return G_SOURCE_CONTINUE;
}

static gboolean
on_poll_timer(void *data)
{
	VdVirgl *virgl = data;

	virgl_renderer_poll();
	if (g_queue_is_empty(&virgl->fences)) {
		g_source_unref(virgl->poll_source);
		virgl->poll_source = NULL;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
on_forced(void *data)
{
	VdVirgl *virgl = data;

	virgl->forced_source = 0;
	virgl_renderer_poll();
	vd_virgl_fence_retired(virgl, virgl->forced_seq);
	return G_SOURCE_REMOVE;
}

int
vd_virgl_fence_setup(VdVirgl *virgl)
{
	int fd = virgl_renderer_get_poll_fd();

	if (fd < 0) {
		g_debug("no fence poll fd: polling every %u ms while fences are pending",
		        VD_VIRGL_POLL_MS);
		return 0;
	}
	virgl->poll_fd = true;
	virgl->poll_source = g_unix_fd_source_new(fd, G_IO_IN);
	g_source_set_callback(virgl->poll_source, G_SOURCE_FUNC(on_poll_fd), virgl, NULL);
	g_source_set_name(virgl->poll_source, "virgl fences");
	g_source_attach(virgl->poll_source, g_main_context_get_thread_default());
	return 0;
}

void
vd_virgl_fence_teardown(VdVirgl *virgl)
{
	if (virgl->forced_source) {
		g_source_remove(virgl->forced_source);
		virgl->forced_source = 0;
	}
	if (virgl->poll_source) {
		g_source_destroy(virgl->poll_source);
		g_source_unref(virgl->poll_source);
		virgl->poll_source = NULL;
	}
}

void
vd_virgl_fence_submit(VdVirgl *virgl, VdGpuCmd *cmd)
{
	VdVirglFence *fence = g_new0(VdVirglFence, 1);
	int ret;

	fence->seq = ++virgl->fence_seq;
	fence->cmd = cmd;
	cmd->pending = true;
	/* Queued first: virglrenderer may retire it from inside create_fence. */
	g_queue_push_tail(&virgl->fences, fence);
	/* ctx 0: one timeline for every context, which keeps the answers in order. */
	ret = virgl_renderer_create_fence((int)fence->seq, 0);
	if (ret != 0) {
		/*
		 * No fence: the work is submitted all the same. Answer it (and what
		 * came before) from the main loop, never from inside process_ctrl.
		 */
		g_warning("virglrenderer could not create a fence (%d)", ret);
		virgl->forced_seq = fence->seq;
		if (!virgl->forced_source)
			virgl->forced_source = g_idle_add(on_forced, virgl);
		return;
	}
	if (!virgl->poll_fd && !virgl->poll_source) {
		virgl->poll_source = g_timeout_source_new(VD_VIRGL_POLL_MS);
		g_source_set_callback(virgl->poll_source, on_poll_timer, virgl, NULL);
		g_source_set_name(virgl->poll_source, "virgl fence timer");
		g_source_attach(virgl->poll_source, g_main_context_get_thread_default());
	}
}
