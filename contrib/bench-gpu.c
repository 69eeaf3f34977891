/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-gpu: drives GPU back-end binaries through the test front-end and a
 * GPU socket peer (playing QEMU's display side), and prints, for each and
 * side by side:
 *   (a) full-frame 1920x1080 XRGB8888 TRANSFER_TO_HOST_2D + RESOURCE_FLUSH
 *       until the UPDATE has fully arrived at the peer: frames/s, median and
 *       p99 frame time, GB/s;
 *   (b) round trip of RESOURCE_CREATE_2D + RESOURCE_UNREF (64x64);
 *   (c) the limit of the path on this machine: one memcpy of the frame plus
 *       moving it through a Unix socketpair to a reading thread. The limit's
 *       frames/s over the second back-end's is printed as the "ceiling": the
 *       largest frames/s ratio any back-end sending pixels could reach here;
 *   (d) for the first back-end only, one daemon kicked by eventfd and one
 *       with --host-notifiers (kicks as writes into a page it polls): round
 *       trip of one small command, and CPU time per request of the daemon
 *       process and of the driving thread, back to back and with think time
 *       (200 us, below the default idle of 1000 us; 2 ms, above it). The
 *       "guest" is a thread of this process: the VM exit a doorbell write
 *       saves a real guest is not in these figures.
 *
 * Usage: bench-gpu [--frames=N] [--small=N] [--notify=N] [--rounds=N] [BINARY...]
 * Default binaries: src/vhost-desktop-gpu (next to this program's build
 * tree) and /usr/lib/qemu/vhost-user-gpu. Not a test: numbers, not verdicts.
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib.h>
#include <linux/virtio_gpu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-guest.h"
#include "frontend.h"

#define W 1920u
#define H 1080u
#define FRAME_BYTES ((size_t)W * H * 4)
#define RAM_SIZE (128ull * 1024 * 1024)

/* GPU socket messages (docs/interop/vhost-user-gpu.rst). */
enum { MSG_GET_PROTOCOL_FEATURES = 1, MSG_GET_DISPLAY_INFO = 3, MSG_UPDATE = 8, MSG_GET_EDID = 11 };
#define MSG_FLAG_REPLY 0x4u

typedef struct __attribute__((packed)) {
	uint32_t request, flags, size;
} MsgHdr;

typedef struct {
	int fd;
	GThread *thread;
	GMutex lock;
	GCond cond;
	guint64 updates;
	guint64 update_bytes;
	uint32_t first_pixel; /* of the latest UPDATE */
	bool dead;
} Peer;

static bool
read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = recv(fd, p, len, MSG_WAITALL);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static void
peer_reply(Peer *peer, uint32_t request, const void *data, size_t len)
{
	MsgHdr hdr = { request, MSG_FLAG_REPLY, (uint32_t)len };
	g_autofree uint8_t *buf = g_malloc(sizeof(hdr) + len);

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), data, len);
	if (send(peer->fd, buf, sizeof(hdr) + len, MSG_NOSIGNAL) < 0)
		g_printerr("peer: send: %s\n", g_strerror(errno));
}

static gpointer
peer_thread(gpointer data)
{
	Peer *peer = data;
	g_autofree uint8_t *buf = g_malloc(FRAME_BYTES + 4096);

	for (;;) {
		MsgHdr hdr;

		if (!read_full(peer->fd, &hdr, sizeof(hdr)) || hdr.size > FRAME_BYTES + 4096 ||
		    !read_full(peer->fd, buf, hdr.size))
			break;
		switch (hdr.request) {
		case MSG_GET_PROTOCOL_FEATURES: {
			uint64_t f = 1; /* EDID */

			peer_reply(peer, hdr.request, &f, sizeof(f));
			break;
		}
		case MSG_GET_DISPLAY_INFO: {
			struct virtio_gpu_resp_display_info info = { 0 };

			info.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
			info.pmodes[0].r.width = W;
			info.pmodes[0].r.height = H;
			info.pmodes[0].enabled = 1;
			peer_reply(peer, hdr.request, &info, sizeof(info));
			break;
		}
		case MSG_GET_EDID: {
			struct virtio_gpu_resp_edid e = { 0 };

			e.hdr.type = VIRTIO_GPU_RESP_OK_EDID;
			peer_reply(peer, hdr.request, &e, sizeof(e));
			break;
		}
		case MSG_UPDATE:
			g_mutex_lock(&peer->lock);
			peer->updates++;
			peer->update_bytes += hdr.size;
			if (hdr.size >= 24)
				memcpy(&peer->first_pixel, buf + 20, 4);
			g_cond_broadcast(&peer->cond);
			g_mutex_unlock(&peer->lock);
			break;
		default:
			break;
		}
	}
	g_mutex_lock(&peer->lock);
	peer->dead = true;
	g_cond_broadcast(&peer->cond);
	g_mutex_unlock(&peer->lock);
	return NULL;
}

static bool
peer_wait_updates(Peer *peer, guint64 n)
{
	gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	bool ok = true;

	g_mutex_lock(&peer->lock);
	while (peer->updates < n && !peer->dead)
		if (!g_cond_wait_until(&peer->cond, &peer->lock, deadline))
			break;
	ok = peer->updates >= n;
	g_mutex_unlock(&peer->lock);
	return ok;
}

typedef struct {
	VfeFrontend *fe;
	Peer peer;
	uint64_t req_gpa, resp_gpa, fb_gpa;
} Bench;

/* Adds one command in slot i (request and response buffers of their own). */
static int
add_cmd(Bench *b, unsigned int i, const void *req, size_t len)
{
	VfeBuf out = { b->req_gpa + i * 65536ull, (uint32_t)len };
	VfeBuf in = { b->resp_gpa + i * 4096ull, sizeof(struct virtio_gpu_ctrl_hdr) };

	if (vfe_mem_write(b->fe, out.gpa, req, len) < 0)
		return -EFAULT;
	return vfe_queue_add(b->fe, 0, &out, 1, &in, 1);
}

static int
wait_cmds(Bench *b, unsigned int n, bool check)
{
	for (unsigned int i = 0; i < n; i++) {
		uint32_t id, len;
		int ret = vfe_queue_wait_used(b->fe, 0, 5000, &id, &len);

		if (ret < 0)
			return ret;
	}
	if (check) {
		for (unsigned int i = 0; i < n; i++) {
			struct virtio_gpu_ctrl_hdr h;

			vfe_mem_read(b->fe, b->resp_gpa + i * 4096ull, &h, sizeof(h));
			if (h.type != VIRTIO_GPU_RESP_OK_NODATA) {
				g_printerr("command %u answered 0x%x\n", i, h.type);
				return -EIO;
			}
		}
	}
	return 0;
}

static int
run_one(Bench *b, const void *req, size_t len)
{
	int ret = add_cmd(b, 0, req, len);

	if (ret < 0)
		return ret;
	vfe_queue_kick(b->fe, 0);
	return wait_cmds(b, 1, true);
}

/*
 * Spawns binary (with option, if any), sets up the queues, the GPU socket and
 * the full-frame resource. With channel, also the backend channel, on which
 * --host-notifiers hands over its page.
 */
static int
bench_setup(Bench *b, const char *binary, const char *option, bool channel, GError **error)
{
	const char *argv[] = { binary, option, NULL };
	int sv[2];
	size_t alen = bench_attach_pages_len(FRAME_BYTES);
	g_autofree uint8_t *a = NULL;
	struct virtio_gpu_resource_create_2d c = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		.resource_id = 1,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		.width = W,
		.height = H,
	};
	struct virtio_gpu_set_scanout s = {
		.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT,
		.r = { 0, 0, W, H },
		.resource_id = 1,
	};
	g_autofree uint32_t *px = g_new(uint32_t, (size_t)W * H);

	b->fe = vfe_spawn(argv, error);
	if (!b->fe)
		return -1;
	if (vfe_negotiate(b->fe, ~(1ull << 33), UINT64_MAX) < 0 ||
	    vfe_mem_setup(b->fe, RAM_SIZE, 2) < 0 ||
	    (channel && vfe_enable_backend_channel(b->fe) < 0) ||
	    vfe_queue_setup(b->fe, 0, 256, 0) < 0 || vfe_queue_setup(b->fe, 1, 16, 0) < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "vhost-user setup failed");
		return -1;
	}
	/* Like QEMU at DRIVER_OK: the GPU socket, served by the peer thread. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	b->peer.fd = sv[0];
	g_mutex_init(&b->peer.lock);
	g_cond_init(&b->peer.cond);
	b->peer.thread = g_thread_new("peer", peer_thread, &b->peer);
	if (vfe_request(b->fe, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1) < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "GPU_SET_SOCKET failed");
		return -1;
	}
	close(sv[1]);
	if (vfe_has_protocol_feature(b->fe, VHOST_USER_PROTOCOL_F_STATUS))
		vfe_set_status(b->fe, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		                              VIRTIO_CONFIG_S_FEATURES_OK |
		                              VIRTIO_CONFIG_S_DRIVER_OK);

	b->req_gpa = vfe_alloc(b->fe, 4 * 65536 + alen, 4096);
	b->resp_gpa = vfe_alloc(b->fe, 4 * 4096, 4096);
	b->fb_gpa = vfe_alloc(b->fe, FRAME_BYTES, 4096);
	if (!b->req_gpa || !b->resp_gpa || !b->fb_gpa) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "guest RAM too small");
		return -1;
	}
	for (size_t i = 0; i < (size_t)W * H; i++)
		px[i] = (uint32_t)(i * 2654435761u) & 0xffffff;
	vfe_mem_write(b->fe, b->fb_gpa, px, FRAME_BYTES);
	a = bench_attach_pages(1, b->fb_gpa, FRAME_BYTES);
	if (run_one(b, &c, sizeof(c)) < 0 || run_one(b, a, alen) < 0 ||
	    run_one(b, &s, sizeof(s)) < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "resource setup failed");
		return -1;
	}
	return 0;
}

static void
bench_teardown(Bench *b)
{
	if (b->fe) {
		vfe_child_terminate(b->fe);
		vfe_free(b->fe);
	}
	if (b->peer.thread) {
		shutdown(b->peer.fd, SHUT_RDWR);
		g_thread_join(b->peer.thread);
		close(b->peer.fd);
		g_mutex_clear(&b->peer.lock);
		g_cond_clear(&b->peer.cond);
	}
}

/* Microseconds with nanosecond resolution: a small command takes tens of them. */
static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

typedef struct {
	double fps, median_ms, p99_ms, gbps;
	double small_median_us, small_p99_us;
	double transfer_ms, flush_ms; /* medians of each half alone */
	bool ok;
} Result;

static double
pct(double *v, unsigned int n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[MIN(n - 1, (unsigned int)(p * n))];
}

/* The small commands of (b) and (d): a 64x64 resource made and dropped. */
static const struct virtio_gpu_resource_create_2d small_create = {
	.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
	.resource_id = 2,
	.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
	.width = 64,
	.height = 64,
};
static const struct virtio_gpu_resource_unref small_unref = {
	.hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
	.resource_id = 2,
};

static Result
bench_run(const char *binary, unsigned int frames, unsigned int small)
{
	struct virtio_gpu_transfer_to_host_2d t = {
		.hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
		.r = { 0, 0, W, H },
		.resource_id = 1,
	};
	struct virtio_gpu_resource_flush fl = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		.r = { 0, 0, W, H },
		.resource_id = 1,
	};
	g_autofree double *ft = g_new(double, frames);
	g_autofree double *st = g_new(double, small);
	g_autoptr(GError) error = NULL;
	Bench b = { 0 };
	Result r = { 0 };
	gint64 start, total;
	guint64 updates;

	if (bench_setup(&b, binary, NULL, false, &error) < 0) {
		g_printerr("%s: %s\n", binary, error ? error->message : "setup failed");
		bench_teardown(&b);
		return r;
	}
	/* Warm up, and check the pixels arrive right. */
	updates = b.peer.updates;
	add_cmd(&b, 0, &t, sizeof(t));
	add_cmd(&b, 1, &fl, sizeof(fl));
	vfe_queue_kick(b.fe, 0);
	if (wait_cmds(&b, 2, true) < 0 || !peer_wait_updates(&b.peer, updates + 1)) {
		g_printerr("%s: no UPDATE after FLUSH\n", binary);
		bench_teardown(&b);
		return r;
	}
	if ((b.peer.first_pixel & 0xffffff) != 0)
		g_printerr("%s: wrong first pixel %06x\n", binary, b.peer.first_pixel);

	start = g_get_monotonic_time();
	for (unsigned int i = 0; i < frames; i++) {
		gint64 t0 = g_get_monotonic_time();

		updates = b.peer.updates;
		add_cmd(&b, 0, &t, sizeof(t));
		add_cmd(&b, 1, &fl, sizeof(fl));
		vfe_queue_kick(b.fe, 0);
		if (wait_cmds(&b, 2, false) < 0 || !peer_wait_updates(&b.peer, updates + 1)) {
			g_printerr("%s: frame %u lost\n", binary, i);
			bench_teardown(&b);
			return r;
		}
		ft[i] = (g_get_monotonic_time() - t0) / 1000.0;
	}
	total = g_get_monotonic_time() - start;
	r.fps = frames / (total / 1e6);
	r.gbps = r.fps * FRAME_BYTES / 1e9;
	r.median_ms = pct(ft, frames, 0.5);
	r.p99_ms = pct(ft, frames, 0.99);

	/* Where a frame's time goes: TRANSFER alone, then FLUSH until the UPDATE arrived. */
	for (unsigned int i = 0; i < frames; i++) {
		gint64 t0 = g_get_monotonic_time();

		add_cmd(&b, 0, &t, sizeof(t));
		vfe_queue_kick(b.fe, 0);
		if (wait_cmds(&b, 1, false) < 0)
			break;
		ft[i] = (g_get_monotonic_time() - t0) / 1000.0;
	}
	r.transfer_ms = pct(ft, frames, 0.5);
	for (unsigned int i = 0; i < frames; i++) {
		gint64 t0 = g_get_monotonic_time();

		updates = b.peer.updates;
		add_cmd(&b, 0, &fl, sizeof(fl));
		vfe_queue_kick(b.fe, 0);
		if (wait_cmds(&b, 1, false) < 0 || !peer_wait_updates(&b.peer, updates + 1))
			break;
		ft[i] = (g_get_monotonic_time() - t0) / 1000.0;
	}
	r.flush_ms = pct(ft, frames, 0.5);

	for (unsigned int i = 0; i < small; i++) {
		double t0 = now_us();

		add_cmd(&b, 2, &small_create, sizeof(small_create));
		add_cmd(&b, 3, &small_unref, sizeof(small_unref));
		vfe_queue_kick(b.fe, 0);
		if (wait_cmds(&b, 2, false) < 0) {
			g_printerr("%s: small command lost\n", binary);
			bench_teardown(&b);
			return r;
		}
		st[i] = now_us() - t0;
	}
	r.small_median_us = pct(st, small, 0.5);
	r.small_p99_us = pct(st, small, 0.99);
	r.ok = true;
	bench_teardown(&b);
	return r;
}

/* (c): memcpy of the frame + the frame through a socketpair to a reader. */
static gpointer
sink_thread(gpointer data)
{
	int fd = GPOINTER_TO_INT(data);
	g_autofree uint8_t *buf = g_malloc(FRAME_BYTES);

	while (read_full(fd, buf, FRAME_BYTES))
		send(fd, "", 1, MSG_NOSIGNAL); /* one byte back: frame arrived */
	return NULL;
}

static void
limit_run(unsigned int frames, double *fps, double *median_ms)
{
	g_autofree uint8_t *src = g_malloc(FRAME_BYTES);
	g_autofree uint8_t *dst = g_malloc(FRAME_BYTES);
	g_autofree double *ft = g_new(double, frames);
	int sv[2], sndbuf = 8 * 1024 * 1024;
	GThread *th;
	gint64 start;

	memset(src, 0x5a, FRAME_BYTES);
	memset(dst, 0, FRAME_BYTES);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	/* Same socket buffer as the daemon asks for. */
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	th = g_thread_new("sink", sink_thread, GINT_TO_POINTER(sv[0]));
	start = g_get_monotonic_time();
	for (unsigned int i = 0; i < frames; i++) {
		gint64 t0 = g_get_monotonic_time();
		size_t sent = 0;
		char ack;

		memcpy(dst, src, FRAME_BYTES);
		while (sent < FRAME_BYTES) {
			ssize_t n = send(sv[1], dst + sent, FRAME_BYTES - sent, MSG_NOSIGNAL);

			if (n <= 0)
				break;
			sent += (size_t)n;
		}
		if (recv(sv[1], &ack, 1, MSG_WAITALL) != 1)
			break;
		ft[i] = (g_get_monotonic_time() - t0) / 1000.0;
	}
	*fps = frames / ((g_get_monotonic_time() - start) / 1e6);
	*median_ms = pct(ft, frames, 0.5);
	shutdown(sv[1], SHUT_RDWR);
	g_thread_join(th);
	close(sv[0]);
	close(sv[1]);
}

static void
print_result(const char *binary, const Result *r, double lim_ms)
{
	printf("%s\n  (a) full frame: %.0f frames/s, median %.3f ms, p99 %.3f ms, %.2f GB/s"
	       " (%.2fx the limit's frame time)\n"
	       "      alone: TRANSFER %.3f ms, FLUSH until UPDATE arrived %.3f ms (medians)\n"
	       "  (b) CREATE_2D+UNREF 64x64: median %.1f us, p99 %.1f us\n",
	       binary, r->fps, r->median_ms, r->p99_ms, r->gbps, r->median_ms / lim_ms,
	       r->transfer_ms, r->flush_ms, r->small_median_us, r->small_p99_us);
}

/* Median of n values (n >= 1); sorts v. */
static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * CPU time of a process, all its threads (exited ones too), in microseconds:
 * utime + stime of /proc/PID/stat, but in ns rather than clock ticks. 0 when
 * the clock cannot be read.
 */
static double
process_cpu_us(GPid pid)
{
	struct timespec ts;
	clockid_t clk;

	if (clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) != 0)
		return 0;
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* CPU time of the calling thread (the "guest" driving the queue), in microseconds. */
static double
thread_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec +
	       ru.ru_stime.tv_usec;
}

/* (d): one load in one kick mode. CPU times are per request. */
typedef struct {
	double median_us, p99_us;
	double daemon_cpu_us, driver_cpu_us;
	uint64_t eventfd_kicks, doorbell_writes;
	unsigned int installs, removals;
	bool ok;
} KickResult;

/*
 * The loads of (d): sleep before each request, and the share of --notify they
 * run. 200 us stays below the daemon's default idle time (1000 us), so the page
 * stays; 2 ms is above it, so the page comes and goes around each request.
 */
static const struct {
	const char *name;
	unsigned int think_us, div;
} kick_loads[] = {
	{ "back to back", 0, 1 },
	{ "think 200 us", 200, 4 },
	{ "think 2 ms", 2000, 10 },
};
#define KICK_LOADS G_N_ELEMENTS(kick_loads)

/* Requests of load l out of --notify=n: even, so that the resource is gone at the end. */
static unsigned int
kick_load_requests(unsigned int n, unsigned int l)
{
	return MAX(2, n / kick_loads[l].div & ~1u);
}

/*
 * n (even) small commands, CREATE_2D and UNREF of a 64x64 resource in turn, one in
 * flight, think_us of sleep before each. The window starts and ends with no
 * page mapped, so that it holds the daemon's polling after the last request.
 */
static bool
kick_load(Bench *b, unsigned int n, unsigned int think_us, KickResult *r)
{
	g_autofree double *t = g_new(double, n);
	GPid pid = vfe_child_pid(b->fe);
	uint64_t kicks[2];
	unsigned int maps[2];
	double cpu, drv;

	vfe_wait_host_notifier(b->fe, 0, false, 1000);
	vfe_queue_kick_counts(b->fe, 0, &kicks[0], &kicks[1]);
	vfe_host_notifier_counts(b->fe, &maps[0], &maps[1]);
	cpu = process_cpu_us(pid);
	drv = thread_cpu_us();
	for (unsigned int i = 0; i < n; i++) {
		double t0;

		if (think_us)
			g_usleep(think_us);
		t0 = now_us();
		if (run_one(b, i % 2 ? (const void *)&small_unref : &small_create,
		            i % 2 ? sizeof(small_unref) : sizeof(small_create)) < 0)
			return false;
		t[i] = now_us() - t0;
	}
	vfe_wait_host_notifier(b->fe, 0, false, 1000);
	r->daemon_cpu_us = (process_cpu_us(pid) - cpu) / n;
	r->driver_cpu_us = (thread_cpu_us() - drv) / n;
	vfe_queue_kick_counts(b->fe, 0, &r->eventfd_kicks, &r->doorbell_writes);
	r->eventfd_kicks -= kicks[0];
	r->doorbell_writes -= kicks[1];
	vfe_host_notifier_counts(b->fe, &r->installs, &r->removals);
	r->installs -= maps[0];
	r->removals -= maps[1];
	r->median_us = pct(t, n, 0.5);
	r->p99_us = pct(t, n, 0.99);
	r->ok = true;
	return true;
}

/* (d) for one mode: a fresh daemon, eventfd kicks or --host-notifiers, every load. */
static void
kick_mode(const char *binary, bool notifiers, unsigned int n, KickResult *res)
{
	g_autoptr(GError) error = NULL;
	KickResult warm;
	Bench b = { 0 };

	/*
	 * No hold-off between a page's removal and its next install: libvfe has
	 * not QEMU's limit, and the 2 ms load is meant to show what each
	 * transition costs (with QEMU the library allows one a second).
	 */
	g_setenv("VD_HOST_NOTIFIER_HOLDOFF_MS", "0", TRUE);
	if (bench_setup(&b, binary, notifiers ? "--host-notifiers" : NULL, true, &error) < 0)
		g_printerr("%s: %s\n", binary, error ? error->message : "setup failed");
	else if (kick_load(&b, 100, 0, &warm))
		for (unsigned int l = 0; l < KICK_LOADS; l++)
			if (!kick_load(&b, kick_load_requests(n, l), kick_loads[l].think_us,
			               &res[l]))
				break;
	bench_teardown(&b);
}

static void
print_kick_line(const char *mode, const KickResult *r)
{
	printf("    %-8s median %.1f us, p99 %.1f us; CPU per request: daemon %.1f us, driver "
	       "%.1f us; kicks %" G_GUINT64_FORMAT " by eventfd, %" G_GUINT64_FORMAT
	       " into the page; page mapped %u times, taken back %u\n",
	       mode, r->median_us, r->p99_us, r->daemon_cpu_us, r->driver_cpu_us, r->eventfd_kicks,
	       r->doorbell_writes, r->installs, r->removals);
}

static void
kick_run(const char *binary, unsigned int n)
{
	KickResult ev[KICK_LOADS] = { 0 }, hn[KICK_LOADS] = { 0 };

	kick_mode(binary, false, n, ev);
	kick_mode(binary, true, n, hn);
	printf("(d) %s, eventfd kicks vs --host-notifiers (idle 1000 us, no hold-off): one small "
	       "command in flight (CREATE_2D or UNREF 64x64)\n",
	       binary);
	for (unsigned int l = 0; l < KICK_LOADS; l++) {
		printf("  %s, %u requests:\n", kick_loads[l].name, kick_load_requests(n, l));
		if (!ev[l].ok || !hn[l].ok) {
			printf("    failed\n");
			continue;
		}
		print_kick_line("eventfd", &ev[l]);
		print_kick_line("notifier", &hn[l]);
		printf("    notifier/eventfd: median %.2fx, p99 %.2fx; CPU per request: daemon "
		       "%.2fx, driver %.2fx\n",
		       hn[l].median_us / ev[l].median_us, hn[l].p99_us / ev[l].p99_us,
		       hn[l].daemon_cpu_us / ev[l].daemon_cpu_us,
		       hn[l].driver_cpu_us / ev[l].driver_cpu_us);
	}
}

/*
 * With several rounds, the first two back-ends alternate, so a machine that
 * gets busier or quieter during the run weighs on both alike; the ratios are
 * taken per round and their medians printed.
 */
static void
print_rounds_summary(const char *const *list, Result (*res)[2], const double *lim_ms,
                     const double *lim_fps, unsigned int rounds)
{
	g_autofree double *fps = g_new(double, rounds);
	g_autofree double *small = g_new(double, rounds);
	g_autofree double *lim = g_new(double, rounds);
	g_autofree double *ceiling = g_new(double, rounds);
	double med_fps, med_small, med_lim, med_ceiling;
	unsigned int n = 0;

	for (unsigned int k = 0; k < rounds; k++) {
		if (!res[k][0].ok || !res[k][1].ok)
			continue;
		fps[n] = res[k][0].fps / res[k][1].fps;
		small[n] = res[k][0].small_median_us / res[k][1].small_median_us;
		lim[n] = res[k][0].median_ms / lim_ms[k];
		ceiling[n] = lim_fps[k] / res[k][1].fps;
		n++;
	}
	if (n == 0)
		return;
	/* median() sorts: the ranges are read after it. */
	med_fps = median(fps, n);
	med_small = median(small, n);
	med_lim = median(lim, n);
	med_ceiling = median(ceiling, n);
	printf("medians of %u rounds, %s / %s: frames/s %.2fx (range %.2f-%.2f), small median "
	       "%.2fx (range %.2f-%.2f); %s's frame time %.2fx the limit's; "
	       "ceiling %.2fx (range %.2f-%.2f)\n",
	       n, list[0], list[1], med_fps, fps[0], fps[n - 1], med_small, small[0], small[n - 1],
	       list[0], med_lim, med_ceiling, ceiling[0], ceiling[n - 1]);
}

int
main(int argc, char **argv)
{
	int frames = 300, small = 3000, notify = 5000, rounds = 1;
	g_auto(GStrv) binaries = NULL;
	GOptionEntry entries[] = {
		{ "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Full frames per back-end", "N" },
		{ "small", 0, 0, G_OPTION_ARG_INT, &small, "Small command pairs per back-end",
		  "N" },
		{ "notify", 0, 0, G_OPTION_ARG_INT, &notify,
		  "Small commands per kick mode for the first back-end, back to back (0: skip)",
		  "N" },
		{ "rounds", 0, 0, G_OPTION_ARG_INT, &rounds,
		  "Run everything N times, alternating the back-ends, and print the median ratios",
		  "N" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &binaries, NULL,
		  "[BINARY...]" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- GPU back-end benchmark");
	g_autoptr(GError) error = NULL;
	const char *defaults[] = { BENCH_OURS, "/usr/lib/qemu/vhost-user-gpu", NULL };
	const char *const *list;
	g_autofree Result(*pairs)[2] = NULL;
	g_autofree double *lim_ms = NULL, *lim_fps = NULL;
	unsigned int n = 0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	frames = CLAMP(frames, 10, 100000);
	small = CLAMP(small, 10, 1000000);
	notify = CLAMP(notify, 0, 1000000);
	rounds = CLAMP(rounds, 1, 1000);
	list = binaries ? (const char *const *)binaries : defaults;
	while (list[n] && n < 8)
		n++;
	pairs = g_malloc0(sizeof(*pairs) * (size_t)rounds);
	lim_ms = g_new0(double, rounds);
	lim_fps = g_new0(double, rounds);

	for (int k = 0; k < rounds; k++) {
		if (rounds > 1)
			printf("== round %d of %d\n", k + 1, rounds);
		limit_run((unsigned int)frames, &lim_fps[k], &lim_ms[k]);
		printf("(c) limit: memcpy + socketpair of a %ux%u frame: %.0f frames/s, median "
		       "%.3f ms, %.2f GB/s\n",
		       W, H, lim_fps[k], lim_ms[k], lim_fps[k] * FRAME_BYTES / 1e9);
		for (unsigned int b = 0; b < n; b++) {
			Result r;

			if (access(list[b], X_OK) < 0) {
				printf("%s: not found, skipped\n", list[b]);
				continue;
			}
			r = bench_run(list[b], (unsigned int)frames, (unsigned int)small);
			if (!r.ok) {
				printf("%s: failed\n", list[b]);
				continue;
			}
			print_result(list[b], &r, lim_ms[k]);
			if (b < 2)
				pairs[k][b] = r;
		}
		if (n >= 2 && pairs[k][0].ok && pairs[k][1].ok)
			printf("ratios %s / %s: frames/s %.2fx, small median %.2fx; "
			       "ceiling %.2fx\n",
			       list[0], list[1], pairs[k][0].fps / pairs[k][1].fps,
			       pairs[k][0].small_median_us / pairs[k][1].small_median_us,
			       lim_fps[k] / pairs[k][1].fps);
		if (notify > 0 && access(list[0], X_OK) == 0)
			kick_run(list[0], (unsigned int)notify);
	}
	if (n >= 2 && rounds > 1)
		print_rounds_summary(list, pairs, lim_ms, lim_fps, (unsigned int)rounds);
	return 0;
}
