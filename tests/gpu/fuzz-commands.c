/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the command decoder: the input is a sequence of commands,
 * each [u16 length, little endian][u8 queue: even control, odd cursor][bytes],
 * run on a fresh device over fake guest RAM; then every output is looked at
 * and encoded as PNG. Built as a libFuzzer program with --enable-fuzzing;
 * replay-commands runs the corpus and the crash reproducers in make check.
 *
 * With VD_FUZZ_VIRGL the device has 3D on (virglrenderer on llvmpipe): the
 * resource commands go to src/virgl, and what is shown or used as the cursor
 * is read back into host copies (virgl-display.c). virglrenderer is global
 * and slow to start, so one device serves every input, reset in between;
 * fenced commands wait for the renderer and are completed by the reset.
 *
 * With VD_FUZZ_QEMU the device shows its scanouts through a GPU socket whose
 * other end plays QEMU (qemu-peer.h): what the guest makes us send is read
 * back and checked there (message sizes, UPDATEs inside their scanout; ASan
 * checks what sendmsg reads), and forwarded commands get QEMU's answers.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "gpu-test.h"
#ifdef VD_FUZZ_QEMU
#include "qemu-peer.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
}

static VdGpu *
device_new(TgRam *ram, const VdGpuOptions *opts)
{
	VdGpu *gpu = vd_gpu_new(opts);

	vd_gpu_set_memory(gpu, tg_map_sg, ram);
	return gpu;
}

/* A completed command's response: at least a header, no more than its buffer. */
static bool
response_fits(const VdGpuCmd *cmd)
{
	return cmd->resp_len >= sizeof(struct virtio_gpu_ctrl_hdr) &&
	       cmd->resp_len <= sizeof(cmd->resp);
}

#ifdef VD_FUZZ_VIRGL
static unsigned int completed;

static void
on_complete(VdGpu *gpu, VdGpuCmd *cmd, void *user_data)
{
	if (!response_fits(cmd))
		abort();
	g_free(cmd);
	completed++;
}

static VdGpu *fuzz_gpu;

/*
 * The device and its renderer go before exit() runs the libraries' destructors:
 * virglrenderer's fence thread would otherwise call into libGLdispatch while it is torn
 * down (a SIGSEGV at exit, about once in a thousand runs under load).
 */
static void
device_teardown(void)
{
	g_clear_pointer(&fuzz_gpu, vd_gpu_free);
}

static VdGpu *
device_get(TgRam *ram, const VdGpuOptions *opts)
{
	VdVirglOptions vopts;
	g_autoptr(GError) error = NULL;
	VdVirgl *virgl;

	if (fuzz_gpu)
		return fuzz_gpu;
	vd_virgl_options_init(&vopts);
	vopts.max_hostmem = 16 * 1024 * 1024;
	virgl = vd_virgl_new(&vopts, &error);
	if (!virgl)
		g_error("no virglrenderer: %s", error->message);
	g_log_set_handler("vd-virgl", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, quiet_log, NULL);
	fuzz_gpu = device_new(ram, opts);
	vd_gpu_set_virgl(fuzz_gpu, virgl);
	vd_gpu_set_complete_func(fuzz_gpu, on_complete, NULL);
	atexit(device_teardown);
	return fuzz_gpu;
}

static void
device_put(VdGpu *gpu)
{
	/* Completes (and frees) what waits for a fence, drops every resource. */
	vd_gpu_reset(gpu);
}

static VdGpuCmd *
cmd_new(void)
{
	return g_new(VdGpuCmd, 1);
}

static void
cmd_done(VdGpuCmd *cmd)
{
	/* A fenced command is the renderer's until on_complete. */
	if (!cmd->pending)
		g_free(cmd);
}
#else
#ifdef VD_FUZZ_QEMU
static QemuPeer peer;

static void
on_complete(VdGpu *gpu, VdGpuCmd *cmd, void *user_data)
{
	if (!response_fits(cmd))
		abort();
}
#endif

static VdGpu *
device_get(TgRam *ram, const VdGpuOptions *opts)
{
	VdGpu *gpu = device_new(ram, opts);

#ifdef VD_FUZZ_QEMU
	vd_gpu_set_complete_func(gpu, on_complete, NULL);
	qemu_peer_attach(&peer, gpu);
#endif
	return gpu;
}

static void
device_put(VdGpu *gpu)
{
	vd_gpu_free(gpu);
#ifdef VD_FUZZ_QEMU
	qemu_peer_detach(&peer);
#endif
}

static VdGpuCmd *
cmd_new(void)
{
	static VdGpuCmd cmd;

	return &cmd;
}

static void
cmd_done(VdGpuCmd *cmd)
{
#ifdef VD_FUZZ_QEMU
	/* Forwarded commands wait for the peer, which answers them all. */
	qemu_peer_serve(&peer, cmd);
#endif
	/* Headless, every answer is immediate: nothing may stay pending. */
	if (cmd->pending)
		abort();
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static TgRam ram;
	static uint8_t *buf;
	VdGpuOptions opts;
	VdGpu *gpu;

	if (!buf) {
		tg_ram_init(&ram);
		buf = g_malloc(65536 + 64);
		/* Guest errors are expected by the thousand. */
		g_log_set_handler("vd-gpu", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, quiet_log,
		                  NULL);
		g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
	}
	vd_gpu_options_init(&opts);
	opts.num_outputs = 2;
	opts.max_hostmem = 4 * 1024 * 1024;
	/* Small outputs: the snapshot and PNG of each run stay cheap. */
	opts.width[0] = opts.width[1] = 64;
	opts.height[0] = opts.height[1] = 48;
	gpu = device_get(&ram, &opts);

	while (size >= 3) {
		size_t n = MIN((size_t)(data[0] | data[1] << 8), size - 3);
		bool cursor = data[2] & 1;
		VdGpuCmd *cmd = cmd_new();

		/* A private copy: handlers may read up to the declared length. */
		memcpy(buf, data + 3, n);
		vd_gpu_cmd_init(cmd, buf, n);
		if (cursor)
			vd_gpu_process_cursor(gpu, cmd);
		else
			vd_gpu_process_ctrl(gpu, cmd);
		if ((!cmd->pending && !response_fits(cmd)) || cmd->resp_len > sizeof(cmd->resp) ||
		    gpu->hostmem > opts.max_hostmem)
			abort();
		cmd_done(cmd);
		data += 3 + n;
		size -= 3 + n;
	}
	for (unsigned int i = 0; i < opts.num_outputs; i++) {
		/* What a screenshot reads; libpng's encoding of it is not ours to fuzz. */
		pixman_image_t *img = vd_gpu_output_snapshot(gpu, i);

		if (!img)
			abort();
		pixman_image_unref(img);
	}
	device_put(gpu);
	return 0;
}
