/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-virgl: the 3D path through a GPU back-end process run with --virgl
 * under the test front-end (QEMU and the guest's driver) and a GPU socket
 * peer thread (QEMU's display side). Prints the machine, the renderer the
 * back-end logs and: (1) fenced empty SUBMIT_3Ds answered per second, one and
 * --inflight at a time; (2) 1920x1080 frames of a SUBMIT_3D clear and a
 * RESOURCE_FLUSH until the UPDATE reached the peer; (3) frames of a clear and
 * a fenced TRANSFER_FROM_HOST_3D into guest RAM; then what QEMU's back-end
 * does with --virgl. tests/virgl/bench-virgl does this work on src/virgl
 * in-process: the difference is the cost of the vhost-user path.
 * Not a test: it exits 1 only when an answer or a pixel is wrong.
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-guest.h"
#include "frontend.h"
#include "gpu/qemu-socket.h"
#include "virgl-test.h"

#define W 1920u
#define H 1080u
#define FRAME_BYTES ((size_t)W * H * 4)
#define RAM_SIZE (128ull * 1024 * 1024)
#define SLOTS 64u
#define REQ_SLOT 65536ull
#define CTX 1u
#define RES 1u
#define TIMEOUT_MS 5000
/* What cmd_run() and the frame checks give besides a response type. */
#define NO_ANSWER UINT32_MAX
#define WRONG_PIXEL (UINT32_MAX - 1)

typedef struct {
	VfeFrontend *fe;
	char *log_path;
	uint64_t req_gpa, resp_gpa, fb_gpa, fence;
	/* The GPU socket's peer thread and what it saw. */
	int peer_fd;
	GThread *peer;
	GMutex lock;
	GCond cond;
	guint64 updates;
	uint32_t pixel; /* the first one of the latest UPDATE */
} Bench;

static double opt_seconds = 2;
static int opt_frames, opt_inflight = 32;

/* MSG_WAITALL: whole messages, as no signal handler can cut a wait short here. */
#define RECV_FULL(fd, buf, len) (recv(fd, buf, len, MSG_WAITALL) == (ssize_t)(len))

static gpointer
peer_thread(gpointer data)
{
	Bench *b = data;
	g_autofree uint8_t *buf = g_malloc(FRAME_BYTES + 4096);
	VdGpuMsgHdr hdr;

	while (RECV_FULL(b->peer_fd, &hdr, sizeof(hdr)) && hdr.size <= FRAME_BYTES + 4096 &&
	       RECV_FULL(b->peer_fd, buf, hdr.size)) {
		/* Display info and EDID are asked for only when the guest asks: not here. */
		if (hdr.request == VD_GPU_MSG_GET_PROTOCOL_FEATURES) {
			struct __attribute__((packed)) {
				VdGpuMsgHdr hdr;
				uint64_t features;
			} reply = { { hdr.request, VD_GPU_MSG_FLAG_REPLY, 8 },
				    1u << VD_GPU_PROTOCOL_F_EDID }; /* no dma-bufs */

			if (send(b->peer_fd, &reply, sizeof(reply), MSG_NOSIGNAL) < 0)
				break;
		} else if (hdr.request == VD_GPU_MSG_UPDATE) {
			g_mutex_lock(&b->lock);
			b->updates++;
			if (hdr.size >= sizeof(VdGpuMsgUpdate) + 4)
				memcpy(&b->pixel, buf + sizeof(VdGpuMsgUpdate), 4);
			g_cond_broadcast(&b->cond);
			g_mutex_unlock(&b->lock);
		}
	}
	return NULL; /* a dead back-end: peer_wait() times out */
}

/* Waits until the peer has seen `count` UPDATEs; gives the latest one's first pixel. */
static bool
peer_wait(Bench *b, guint64 count, uint32_t *pixel)
{
	gint64 deadline = g_get_monotonic_time() + TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
	bool ok;

	g_mutex_lock(&b->lock);
	while (b->updates < count && g_cond_wait_until(&b->cond, &b->lock, deadline))
		;
	ok = b->updates >= count;
	*pixel = b->pixel;
	g_mutex_unlock(&b->lock);
	return ok;
}

static void
cmd_add(Bench *b, unsigned int slot, void *req, size_t len, bool fenced)
{
	struct virtio_gpu_ctrl_hdr *hdr = req;
	VfeBuf out = { b->req_gpa + slot * REQ_SLOT, (uint32_t)len };
	VfeBuf in = { b->resp_gpa + slot * 4096ull, sizeof(*hdr) };

	hdr->flags |= fenced ? VIRTIO_GPU_FLAG_FENCE : 0;
	hdr->fence_id = fenced ? ++b->fence : 0;
	vfe_mem_write(b->fe, out.gpa, req, len);
	vfe_queue_add(b->fe, 0, &out, 1, &in, 1);
}

/* Kicks, waits for the answers in slots 0..n-1; gives 0, the first bad type or NO_ANSWER. */
static uint32_t
cmd_run(Bench *b, unsigned int n)
{
	vfe_queue_kick(b->fe, 0);
	for (unsigned int i = 0; i < n; i++)
		if (vfe_queue_wait_used(b->fe, 0, TIMEOUT_MS, NULL, NULL) < 0)
			return NO_ANSWER; /* a timeout or a dead back-end */
	for (unsigned int i = 0; i < n; i++) {
		struct virtio_gpu_ctrl_hdr h;

		vfe_mem_read(b->fe, b->resp_gpa + i * 4096ull, &h, sizeof(h));
		if (h.type != VIRTIO_GPU_RESP_OK_NODATA)
			return h.type;
	}
	return 0;
}

/* Starts it with its stderr in a log file, where its renderer line can be found. */
static bool
bench_start(Bench *b, const char *binary, GError **error)
{
	const char *argv[] = { binary, "--virgl", NULL };
	int sv[2], saved, ret = 0, log;
	const char *step = NULL;

	if ((log = g_file_open_tmp("bench-virgl-XXXXXX.log", &b->log_path, error)) < 0)
		return false;
	saved = dup(STDERR_FILENO);
	dup2(log, STDERR_FILENO);
	b->fe = vfe_spawn(argv, error);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(log);
	if (!b->fe)
		return false;
	if ((ret = vfe_negotiate(b->fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX)) < 0)
		step = "feature negotiation";
	else if ((ret = vfe_mem_setup(b->fe, RAM_SIZE, 2)) < 0)
		step = "SET_MEM_TABLE";
	else if ((ret = vfe_queue_setup(b->fe, 0, 256, 0)) < 0 ||
	         (ret = vfe_queue_setup(b->fe, 1, 16, 0)) < 0)
		step = "queue setup";
	else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		ret = -errno, step = "socketpair";
	if (step) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", step,
		            g_strerror(-ret));
		return false;
	}
	/* As QEMU at DRIVER_OK: the GPU socket, served by the peer thread. */
	b->peer_fd = sv[0];
	b->peer = g_thread_new("peer", peer_thread, b);
	ret = vfe_request(b->fe, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1);
	close(sv[1]);
	if (ret < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "GPU_SET_SOCKET failed");
		return false;
	}
	if (vfe_has_protocol_feature(b->fe, VHOST_USER_PROTOCOL_F_STATUS))
		vfe_set_status(b->fe, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		                              VIRTIO_CONFIG_S_FEATURES_OK |
		                              VIRTIO_CONFIG_S_DRIVER_OK);
	b->req_gpa = vfe_alloc(b->fe, SLOTS * REQ_SLOT, 4096);
	b->resp_gpa = vfe_alloc(b->fe, SLOTS * 4096ull, 4096);
	b->fb_gpa = vfe_alloc(b->fe, FRAME_BYTES, 4096);
	if (!b->req_gpa || !b->resp_gpa || !b->fb_gpa) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "guest RAM too small");
		return false;
	}
	return true;
}

static void
bench_stop(Bench *b)
{
	vfe_free(b->fe); /* SIGTERM, then SIGKILL after 2 s */
	if (b->peer) {
		shutdown(b->peer_fd, SHUT_RDWR);
		g_thread_join(b->peer);
		close(b->peer_fd);
	}
	if (b->log_path)
		g_unlink(b->log_path);
	g_free(b->log_path);
}

/* The first line of the back-end's log that holds `needle`, or NULL. */
static char *
bench_log_find(Bench *b, const char *needle)
{
	g_autofree char *text = NULL;
	char *p;

	if (!b->log_path || !g_file_get_contents(b->log_path, &text, NULL, NULL) ||
	    !(p = strstr(text, needle)))
		return NULL;
	while (p > text && p[-1] != '\n')
		p--;
	return g_strndup(p, strcspn(p, "\n"));
}

/*
 * The guest's 3D picture: a context, a 1920x1080 render target with its
 * backing in 4 KiB pages (as a guest's is), the colour buffer set up by a
 * first clear, shown on scanout 0. Gives NULL or the command that failed.
 */
static const char *
bench_scene(Bench *b, uint32_t *type)
{
	size_t alen = bench_attach_pages_len(FRAME_BYTES);
	g_autofree uint8_t *a = bench_attach_pages(RES, b->fb_gpa, FRAME_BYTES);
	struct virtio_gpu_set_scanout s = {
		.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT,
		.r = { 0, 0, W, H },
		.resource_id = RES,
	};
	uint32_t stream[64];
	uint8_t buf[512];

#define STEP(name, req, len, fenced)     \
	cmd_add(b, 0, req, len, fenced); \
	if ((*type = cmd_run(b, 1)))     \
	return name
	STEP("CTX_CREATE", buf, tv_ctx_create(buf, CTX, "bench"), false);
	STEP("RESOURCE_CREATE_3D", buf, tv_create_rt(buf, RES, W, H), false);
	STEP("RESOURCE_ATTACH_BACKING", a, alen, false);
	STEP("CTX_ATTACH_RESOURCE", buf,
	     tv_ctx_resource(buf, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, CTX, RES), false);
	STEP("SUBMIT_3D", buf,
	     tv_submit(buf, CTX, stream, tv_clear_stream(stream, 1, RES, 0, 0, 0, 1)), true);
	STEP("SET_SCANOUT", &s, sizeof(s), false);
#undef STEP
	return NULL;
}

typedef struct {
	GArray *ms; /* the time of each iteration: --frames, or as many as fit --seconds */
	gint64 start, end;
} Loop;

static bool
loop_next(Loop *l, gint64 *t0)
{
	gint64 now = g_get_monotonic_time();

	if (!l->ms) {
		l->ms = g_array_new(FALSE, FALSE, sizeof(double));
		l->start = now;
	} else {
		double ms = (now - *t0) / 1000.0;

		g_array_append_val(l->ms, ms);
	}
	l->end = *t0 = now;
	if (opt_frames > 0)
		return l->ms->len < (guint)opt_frames;
	return now - l->start < opt_seconds * G_USEC_PER_SEC;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Prints the rate, median and p99, or why the loop stopped (bad); frees the loop. */
static bool
loop_end(Loop *l, uint32_t bad, const char *what, unsigned int per_iteration)
{
	double *v = (double *)(void *)l->ms->data, secs = (l->end - l->start) / 1e6;
	guint n = l->ms->len;

	if (bad == NO_ANSWER)
		printf("  %s: no answer within %d ms\n", what, TIMEOUT_MS);
	else if (bad == WRONG_PIXEL)
		printf("  %s: wrong pixel\n", what);
	else if (bad)
		printf("  %s: answered 0x%x\n", what, bad);
	else if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		printf("  %s: %.1f/s, median %.3f ms, p99 %.3f ms (%u in %.2f s)\n", what,
		       n * per_iteration / secs, v[n / 2], v[MIN(n - 1, n * 99 / 100)], n, secs);
	}
	g_array_free(l->ms, TRUE);
	return !bad;
}

static bool
bench_fences(Bench *b, unsigned int inflight)
{
	g_autofree char *what = g_strdup_printf("(1) fences, %u in flight", inflight);
	uint32_t bad = 0;
	uint8_t buf[64];
	Loop l = { 0 };
	gint64 t0;

	while (!bad && loop_next(&l, &t0)) {
		for (unsigned int i = 0; i < inflight; i++)
			cmd_add(b, i, buf, tv_submit(buf, CTX, NULL, 0), true);
		bad = cmd_run(b, inflight);
	}
	return loop_end(&l, bad, what, inflight);
}

/* A SUBMIT_3D clearing the colour buffer: green on even frames, red on odd ones. */
static size_t
clear_frame(uint8_t *buf, unsigned int frame, uint32_t *xrgb)
{
	uint32_t stream[16];
	bool odd = frame & 1;

	*xrgb = odd ? 0xff0000 : 0x00ff00;
	return tv_submit(buf, CTX, stream, tv_clear_only(stream, odd, !odd, 0, 1));
}

/*
 * (2) clear + RESOURCE_FLUSH, done when the UPDATE reached the peer, or (3)
 * clear + fenced TRANSFER_FROM_HOST_3D, done when answered; either way the
 * colour that arrived is checked.
 */
static bool
bench_frames(Bench *b, bool readback)
{
	const struct virtio_gpu_resource_flush fl = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		.r = { 0, 0, W, H },
		.resource_id = RES,
	};
	const uint64_t probe = b->fb_gpa + ((size_t)H / 2 * W + W / 2) * 4;
	guint64 updates = b->updates;
	uint32_t want = 0, got = 0, bad = 0;
	uint8_t buf[256];
	Loop l = { 0 };
	gint64 t0;

	while (!bad && loop_next(&l, &t0)) {
		cmd_add(b, 0, buf, clear_frame(buf, l.ms->len, &want), false);
		/* buf is free again: cmd_add() copied the clear to guest RAM. */
		if (readback)
			cmd_add(b, 1, buf,
			        tv_transfer_3d(buf, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, CTX, RES,
			                       W, H, W * 4),
			        true);
		else
			cmd_add(b, 1, memcpy(buf, &fl, sizeof(fl)), sizeof(fl), false);
		if ((bad = cmd_run(b, 2)))
			break;
		if (readback)
			vfe_mem_read(b->fe, probe, &got, sizeof(got));
		else if (!peer_wait(b, ++updates, &got))
			bad = NO_ANSWER; /* no UPDATE */
		if (!bad && (got & 0xffffff) != want)
			bad = WRONG_PIXEL;
	}
	if (bad == WRONG_PIXEL)
		printf("  frame %u: %06x in %s, want %06x\n", l.ms->len, got & 0xffffff,
		       readback ? "guest RAM" : "the UPDATE", want);
	return loop_end(&l, bad,
	                readback ? "(3) clear + TRANSFER_FROM_HOST_3D into guest RAM"
	                         : "(2) clear + FLUSH until UPDATE arrived",
	                1);
}

/* Gives false when a check failed; a back-end whose 3D does not start is no failure. */
static bool
bench_run(const char *label, const char *binary)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *line = NULL;
	Bench b = { .peer_fd = -1 };
	const char *step;
	uint32_t type = 0;
	bool ok = true, measured = false;

	printf("%s: %s --virgl\n", label, binary);
	g_mutex_init(&b.lock);
	g_cond_init(&b.cond);
	if (!bench_start(&b, binary, &error)) {
		int status = b.fe ? vfe_child_wait(b.fe, 1000) : -1;

		printf("  did not start: %s", error->message);
		if (b.fe && vfe_offered_features(b.fe) & (1ull << VIRTIO_GPU_F_VIRGL))
			printf(" (VIRGL was offered)");
		if (status >= 0 && WIFEXITED(status))
			printf(", then exited with status %d", WEXITSTATUS(status));
		else if (status >= 0 && WIFSIGNALED(status))
			printf(", then died of signal %d", WTERMSIG(status));
		printf("\n");
	} else if (!vfe_has_feature(b.fe, VIRTIO_GPU_F_VIRGL)) {
		printf("  does not offer VIRGL\n");
	} else if ((step = bench_scene(&b, &type))) {
		g_autofree char *answer = g_strdup_printf("answer 0x%x", type);

		printf("  offers VIRGL, but %s got %s\n", step,
		       type == NO_ANSWER ? "no answer" : answer);
	} else {
		line = bench_log_find(&b, "3D renderer:");
		printf("  %s\n", line ? strstr(line, "3D renderer:") : "(no renderer line logged)");
		measured = true;
		ok = bench_fences(&b, 1) && bench_fences(&b, (unsigned int)opt_inflight) &&
		     bench_frames(&b, false) && bench_frames(&b, true);
	}
	if (!measured) {
		line = bench_log_find(&b, "virgl");
		printf("  its log: %s\n  no figures\n", line ? line : "(nothing about virgl)");
	}
	bench_stop(&b);
	g_mutex_clear(&b.lock);
	g_cond_clear(&b.cond);
	return ok;
}

static char *
command_output(const char *cmdline)
{
	char *out = NULL;
	int status;

	if (g_spawn_command_line_sync(cmdline, &out, NULL, &status, NULL) &&
	    g_spawn_check_wait_status(status, NULL) && *g_strstrip(out))
		return out;
	g_free(out);
	return g_strdup("unknown");
}

static void
print_machine(void)
{
	g_autofree char *cpuinfo = NULL;
	g_autofree char *virgl = command_output("pkg-config --modversion virglrenderer");
	g_autofree char *mesa = command_output("dpkg-query -W -f=${Version} libgl1-mesa-dri");
	g_autofree char *model = NULL;
	const char *p;

	if (g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL) &&
	    (p = strstr(cpuinfo, "model name")) && (p = strchr(p, ':')))
		model = g_strndup(p + 2, strcspn(p + 2, "\n"));
	printf("machine: %s, %u CPUs; virglrenderer %s, Mesa (libgl1-mesa-dri) %s\n",
	       model ? model : "unknown CPU", g_get_num_processors(), virgl, mesa);
}

int
main(int argc, char **argv)
{
	g_autofree char *backend = g_strdup(BENCH_OURS);
	g_autofree char *qemu = g_strdup("/usr/lib/qemu/vhost-user-gpu");
	GOptionEntry entries[] = {
		{ "backend", 0, 0, G_OPTION_ARG_FILENAME, &backend, "Back-end to measure", "PATH" },
		{ "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu, "QEMU's back-end (\"\": none)",
		  "PATH" },
		{ "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt_seconds, "Per measurement (2)", "N" },
		{ "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Or iterations per measurement",
		  "N" },
		{ "inflight", 0, 0, G_OPTION_ARG_INT, &opt_inflight, "Fences in flight (32)", "N" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- 3D benchmark through vhost-user");
	g_autoptr(GError) error = NULL;
	bool ok;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 2;
	}
	opt_seconds = CLAMP(opt_seconds, 0.1, 600);
	opt_inflight = CLAMP(opt_inflight, 2, (int)SLOTS);
	opt_frames = MAX(opt_frames, 0);
	print_machine();
	ok = bench_run("ours", backend);
	if (*qemu && access(qemu, X_OK) == 0)
		bench_run("QEMU's back-end", qemu);
	else if (*qemu)
		printf("QEMU's back-end: %s not found; no comparison\n", qemu);
	return ok ? 0 : 1;
}
