/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the 3D command decoder, against the real virglrenderer on
 * llvmpipe. An input is a list of commands, each: one flags byte (bit 0: the
 * command is fenced; bit 1: keep a SUBMIT_3D stream as given, otherwise its
 * dwords become NOPs so that the decoder, not virglrenderer's own parser, is
 * what gets explored), a 16-bit little-endian length, then the request bytes.
 * Backing entries point into 1 MiB of fake guest RAM. Every input starts from
 * a reset renderer.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "virgl-test.h"

#define FUZZ_RAM_SIZE (1024u * 1024)
#define FUZZ_MAX_CMDS 64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static VdVirgl *fuzz_virgl;
static bool fuzz_tried;
static TvRam fuzz_ram;
static unsigned int fuzz_completed;

static void
on_complete(VdVirgl *v, VdGpuCmd *cmd, void *user_data)
{
	(void)v;
	(void)cmd;
	(void)user_data;
	fuzz_completed++;
}

static void
log_nothing(const char *domain, GLogLevelFlags level, const char *msg, void *data)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)data;
}

/*
 * The renderer goes before exit() runs the libraries' destructors: virglrenderer's fence
 * thread (VIRGL_RENDERER_THREAD_SYNC) would otherwise call into libGLdispatch while it is
 * torn down, a SIGSEGV at exit about once in a thousand runs under load (seen in CI).
 */
static void
fuzz_teardown(void)
{
	g_clear_pointer(&fuzz_virgl, vd_virgl_free);
	g_clear_pointer(&fuzz_ram.mem, g_free);
}

static bool
fuzz_setup(void)
{
	g_autoptr(GError) error = NULL;
	VdVirglOptions opts;

	if (fuzz_tried)
		return fuzz_virgl != NULL;
	fuzz_tried = true;
	/* Guest errors are expected by the thousand here. */
	g_log_set_handler("vd-virgl", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, log_nothing, NULL);
	vd_virgl_options_init(&opts);
	opts.software = true;
	opts.max_hostmem = 64u * 1024 * 1024;
	fuzz_virgl = vd_virgl_new(&opts, &error);
	if (!fuzz_virgl) {
		g_printerr("fuzz-commands: no renderer: %s\n", error->message);
		return false;
	}
	fuzz_ram.size = FUZZ_RAM_SIZE;
	fuzz_ram.mem = g_malloc0(FUZZ_RAM_SIZE);
	vd_virgl_set_memory(fuzz_virgl, tv_map_sg, &fuzz_ram);
	vd_virgl_set_complete_func(fuzz_virgl, on_complete, NULL);
	atexit(fuzz_teardown);
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput in = { data, size, 0 };
	VdGpuCmd *cmds;
	unsigned int n = 0, fenced = 0;

	if (!fuzz_setup())
		return 0;
	cmds = g_new(VdGpuCmd, FUZZ_MAX_CMDS);
	fuzz_completed = 0;
	while (in.pos < in.len && n < FUZZ_MAX_CMDS) {
		uint8_t flags = 0, lenb[2] = { 0, 0 };
		g_autofree uint8_t *req = NULL;
		size_t len;
		struct virtio_gpu_ctrl_hdr hdr;

		fuzz_take(&in, &flags, 1);
		fuzz_take(&in, lenb, 2);
		len = (size_t)lenb[0] | ((size_t)lenb[1] << 8);
		/* An exact-size copy, so ASan sees any read past the request. */
		req = g_malloc(MAX(len, 1));
		len = fuzz_take(&in, req, len);
		if (len >= sizeof(hdr)) {
			memcpy(&hdr, req, sizeof(hdr));
			if (flags & 1)
				hdr.flags |= VIRTIO_GPU_FLAG_FENCE;
			else
				hdr.flags &= ~(uint32_t)VIRTIO_GPU_FLAG_FENCE;
			memcpy(req, &hdr, sizeof(hdr));
			if (hdr.type == VIRTIO_GPU_CMD_SUBMIT_3D && !(flags & 2) &&
			    len > sizeof(struct virtio_gpu_cmd_submit))
				memset(req + sizeof(struct virtio_gpu_cmd_submit), 0,
				       len - sizeof(struct virtio_gpu_cmd_submit));
		}
		vd_gpu_cmd_init(&cmds[n], req, len);
		vd_virgl_process_ctrl(fuzz_virgl, &cmds[n]);
		g_assert(cmds[n].resp_len >= sizeof(struct virtio_gpu_ctrl_hdr));
		g_assert(cmds[n].resp_len <= sizeof(cmds[n].resp));
		if (cmds[n].pending)
			fenced++;
		/* VD_FUZZ_TRACE=1: what each command of an input got (for writing seeds). */
		if (g_getenv("VD_FUZZ_TRACE"))
			g_printerr("%s%s -> 0x%x\n", vd_gpu_cmd_name(cmds[n].hdr.type),
			           cmds[n].pending ? " (fenced)" : "",
			           ((struct virtio_gpu_ctrl_hdr *)cmds[n].resp)->type);
		n++;
	}
	/* Pending fences complete (in order) before their commands go away. */
	vd_virgl_reset(fuzz_virgl);
	g_assert(fuzz_completed == fenced);
	g_assert(vd_virgl_fences_pending(fuzz_virgl) == 0);
	g_free(cmds);
	return 0;
}
