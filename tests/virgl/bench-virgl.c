/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark of the 3D path: fences per second (fenced empty SUBMIT_3Ds,
 * one at a time and in batches) and a clear + TRANSFER_FROM_HOST_3D frame
 * loop at 1920x1080, printing the machine and the renderer.
 * Usage: bench-virgl [--render-node=PATH] [--gles] [--seconds=N]
 */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "virgl-test.h"

#define W 1920u
#define H 1080u

static unsigned int done;

static void
on_complete(VdVirgl *v, VdGpuCmd *cmd, void *data)
{
	(void)v;
	(void)cmd;
	(void)data;
	done++;
}

static uint32_t
run(VdVirgl *virgl, const void *req, size_t len)
{
	VdGpuCmd cmd;

	vd_gpu_cmd_init(&cmd, req, len);
	vd_virgl_process_ctrl(virgl, &cmd);
	return ((struct virtio_gpu_ctrl_hdr *)cmd.resp)->type;
}

static char *
cpu_model(void)
{
	g_autofree char *info = NULL;
	char *p, *end;

	if (!g_file_get_contents("/proc/cpuinfo", &info, NULL, NULL))
		return g_strdup("unknown CPU");
	p = strstr(info, "model name");
	if (!p || !(p = strchr(p, ':')))
		return g_strdup("unknown CPU");
	end = strchr(p, '\n');
	return g_strndup(p + 2, end ? (size_t)(end - p - 2) : strlen(p + 2));
}

/* Fenced empty submits, batch at a time; returns fences per second. */
static double
bench_fences(VdVirgl *virgl, uint32_t ctx, unsigned int batch, double seconds)
{
	VdGpuCmd *cmds = g_new(VdGpuCmd, batch);
	uint8_t buf[64];
	gint64 start = g_get_monotonic_time(), now;
	unsigned long total = 0;

	do {
		done = 0;
		for (unsigned int i = 0; i < batch; i++) {
			size_t len = tv_submit(buf, ctx, NULL, 0);
			struct virtio_gpu_ctrl_hdr *hdr = (void *)buf;

			hdr->flags = VIRTIO_GPU_FLAG_FENCE;
			hdr->fence_id = total + i + 1;
			vd_gpu_cmd_init(&cmds[i], buf, len);
			vd_virgl_process_ctrl(virgl, &cmds[i]);
		}
		while (done < batch)
			g_main_context_iteration(NULL, TRUE);
		total += batch;
		now = g_get_monotonic_time();
	} while (now - start < seconds * G_USEC_PER_SEC);
	g_free(cmds);
	return total / ((now - start) / (double)G_USEC_PER_SEC);
}

/* Backing in 1 MiB entries, as a guest's scattered pages would come. */
static bool
attach_backing(VdVirgl *virgl, uint32_t res, uint32_t size)
{
	const uint32_t chunk = 1024 * 1024;
	uint32_t nr = (size + chunk - 1) / chunk;
	struct virtio_gpu_resource_attach_backing a = { 0 };
	g_autofree uint8_t *req = g_malloc0(sizeof(a) + nr * sizeof(struct virtio_gpu_mem_entry));

	tv_hdr(&a.hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, 0);
	a.resource_id = res;
	a.nr_entries = nr;
	memcpy(req, &a, sizeof(a));
	for (uint32_t i = 0; i < nr; i++) {
		struct virtio_gpu_mem_entry e = {
			.addr = TV_RAM_BASE + (uint64_t)i * chunk,
			.length = MIN(chunk, size - i * chunk),
		};
		memcpy(req + sizeof(a) + i * sizeof(e), &e, sizeof(e));
	}
	return run(virgl, req, sizeof(a) + nr * sizeof(struct virtio_gpu_mem_entry)) ==
	       VIRTIO_GPU_RESP_OK_NODATA;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *node = NULL;
	g_autofree char *cpu = cpu_model();
	double seconds = 3;
	gboolean gles = FALSE;
	GOptionEntry entries[] = {
		{ "render-node", 0, 0, G_OPTION_ARG_FILENAME, &node, "render node", "PATH" },
		{ "gles", 0, 0, G_OPTION_ARG_NONE, &gles, "OpenGL ES instead of desktop GL", NULL },
		{ "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "per measurement", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) octx = g_option_context_new("- virgl benchmark");
	g_autoptr(VdVirgl) virgl = NULL;
	VdVirglOptions opts;
	TvRam ram = { 0 };
	struct utsname un;
	uint8_t buf[512];
	uint32_t stream[64];
	uint32_t *pixels;
	unsigned long frames = 0;
	gint64 start, now;
	size_t n;

	g_option_context_add_main_entries(octx, entries, NULL);
	if (!g_option_context_parse(octx, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 2;
	}
	vd_virgl_options_init(&opts);
	opts.render_node = node;
	opts.gles = gles;
	virgl = vd_virgl_new(&opts, &error);
	if (!virgl) {
		g_printerr("bench-virgl: %s\n", error->message);
		return 1;
	}
	uname(&un);
	printf("machine: %s %s, %s, %u CPUs\n", un.sysname, un.release, cpu,
	       g_get_num_processors());
	printf("renderer: %s (%s)\n", vd_virgl_renderer_name(virgl),
	       vd_virgl_render_node(virgl) ? vd_virgl_render_node(virgl) : "surfaceless EGL");

	ram.size = (uint64_t)W * H * 4;
	ram.mem = g_malloc0(ram.size);
	vd_virgl_set_memory(virgl, tv_map_sg, &ram);
	vd_virgl_set_complete_func(virgl, on_complete, NULL);

	if (run(virgl, buf, tv_ctx_create(buf, 1, "bench")) != VIRTIO_GPU_RESP_OK_NODATA ||
	    run(virgl, buf, tv_create_rt(buf, 1, W, H)) != VIRTIO_GPU_RESP_OK_NODATA ||
	    !attach_backing(virgl, 1, W * H * 4) ||
	    run(virgl, buf, tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, 1, 1)) !=
	            VIRTIO_GPU_RESP_OK_NODATA) {
		g_printerr("bench-virgl: setup failed\n");
		return 1;
	}

	printf("fences/s, one in flight: %.0f\n", bench_fences(virgl, 1, 1, seconds));
	printf("fences/s, 64 in flight:  %.0f\n", bench_fences(virgl, 1, 64, seconds));

	n = tv_clear_stream(stream, 1, 1, 0, 0, 0, 1);
	run(virgl, buf, tv_submit(buf, 1, stream, n));
	pixels = (uint32_t *)(void *)ram.mem;
	start = g_get_monotonic_time();
	do {
		uint32_t want = (frames & 1) ? 0xff0000 : 0x00ff00;

		n = tv_clear_only(stream, (frames & 1) ? 1.0f : 0.0f, (frames & 1) ? 0.0f : 1.0f, 0,
		                  1);
		run(virgl, buf, tv_submit(buf, 1, stream, n));
		if (run(virgl, buf,
		        tv_transfer_3d(buf, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, 1, 1, W, H,
		                       W * 4)) != VIRTIO_GPU_RESP_OK_NODATA ||
		    (pixels[W * H / 2] & 0xffffff) != want) {
			g_printerr("bench-virgl: frame %lu wrong (0x%08x)\n", frames,
			           pixels[W * H / 2]);
			return 1;
		}
		frames++;
		now = g_get_monotonic_time();
	} while (now - start < seconds * G_USEC_PER_SEC);
	printf("clear + readback %ux%u: %.1f frames/s (%.0f MiB/s read back)\n", W, H,
	       frames / ((now - start) / (double)G_USEC_PER_SEC),
	       frames * (double)W * H * 4 / (1024.0 * 1024) /
	               ((now - start) / (double)G_USEC_PER_SEC));
	vd_virgl_reset(virgl);
	g_free(ram.mem);
	return 0;
}
