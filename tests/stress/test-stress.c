/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stress: the back-end library (echo-daemon) and both daemons, each in its own
 * process, driven by driver.c from this one with varied timing for a few
 * hundred thousand requests. Each daemon runs through every mode of `modes`,
 * reconnecting between modes (EVENT_IDX is negotiated per connection), and
 * within a mode through three phases separated by a ring disable/enable and
 * a device reset. The GPU's control and cursor queues and the input device's
 * event queue (where the device waits for the driver's buffers, and events
 * come from D-Bus in another thread) are driven in turn.
 *
 * Property, besides the driver's (driver.h): the daemon logs no warning.
 * The wire structs come from the kernel's UAPI headers, not from ours.
 *
 * Each daemon runs twice: kicked by eventfd, and with --host-notifiers, where
 * the test front-end maps the daemon's page as QEMU does and kicks become
 * writes into it. The idle time there is short (NOTIFIER_IDLE_US, inside the
 * think-time regimes), so that the page comes and goes thousands of times
 * while requests keep arriving: a request published across a switch must
 * still be answered within the deadline.
 *
 * VD_STRESS_REQUESTS sets the total per mode of kicking (default 200000;
 * contrib/stress-long.sh runs 10 million), VD_STRESS_SEED the random seed
 * (printed).
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <linux/virtio_gpu.h>
#include <linux/virtio_input.h>
#include <string.h>

#include "driver.h"

#define RAM_SIZE (16u << 20)
#define EV_SYN 0x00
#define EV_ABS 0x03
#define ABS_X 0x00
#define ABS_RANGE 32768
#define NOTIFIER_IDLE_US 200

static const StressMode modes[] = {
	{ "EVENT_IDX, 1 in flight, kick each", true, 1, 1, false },
	{ "EVENT_IDX, 1 in flight, kicks as told", true, 1, 1, true },
	{ "EVENT_IDX, 64 in flight, batches of 8, kicks as told", true, 64, 8, true },
	{ "EVENT_IDX, 32 in flight, kick each", true, 32, 1, false },
	{ "no EVENT_IDX, 1 in flight, NO_NOTIFY honoured", false, 1, 1, true },
	{ "no EVENT_IDX, 64 in flight, batches of 4, NO_NOTIFY honoured", false, 64, 4, true },
	{ "no EVENT_IDX, 16 in flight, kick each", false, 16, 1, false },
};

static uint64_t total_requests = 200000;
static guint32 seed;

/* What one daemon is, to the stress run. */
typedef struct Target {
	const char *name;
	unsigned int nqueues, queue_size;
	/* Share of the total requests, per queue driven (percent). */
	unsigned int share[2];
	const StressOps *ops[2];
	void *opaque;
	/* Before and after each phase (input: the injector thread); phase_end is told
	 * whether the driver failed, and sets *why on a failure of its own. */
	void (*phase_begin)(void *opaque, VfeFrontend *fe, uint64_t n);
	bool (*phase_end)(void *opaque, bool driver_failed, char **why);
} Target;

typedef struct Run {
	const Target *t;
	bool notifiers; /* --host-notifiers: the backend channel maps the page */
	VfeFrontend *fe;
	char *log_path;
	GRand *rand;
	StressStats stats[2];
} Run;

/* ---- the echo device: the library alone ---- */

static void
echo_prepare(VfeFrontend *fe, StressSlot *slot, void *opaque)
{
	uint64_t msg[2] = { slot->seq, ~slot->seq };

	vfe_mem_write(fe, slot->out_gpa, msg, sizeof(msg));
	vfe_mem_fill(fe, slot->in_gpa, 0, sizeof(msg));
}

static bool
echo_check(VfeFrontend *fe, const StressSlot *slot, uint32_t len, void *opaque, char **why)
{
	uint64_t msg[2];

	vfe_mem_read(fe, slot->in_gpa, msg, sizeof(msg));
	if (len != sizeof(msg) || msg[0] != slot->seq || msg[1] != ~slot->seq) {
		*why = g_strdup_printf("echo of request %" G_GUINT64_FORMAT
		                       ": len %u, got %" G_GUINT64_FORMAT,
		                       slot->seq, len, msg[0]);
		return false;
	}
	return true;
}

static const StressOps echo_ops = { 16, 16, echo_prepare, echo_check };

/* ---- the GPU: control queue (display info, EDID, fences) and cursor queue ---- */

static void
gpu_ctrl_prepare(VfeFrontend *fe, StressSlot *slot, void *opaque)
{
	struct virtio_gpu_cmd_get_edid req = { 0 };
	size_t len = sizeof(struct virtio_gpu_ctrl_hdr);

	req.hdr.type = slot->seq % 2 ? VIRTIO_GPU_CMD_GET_EDID : VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
	if (slot->seq % 4 == 1 || slot->seq % 4 == 2) {
		req.hdr.flags = VIRTIO_GPU_FLAG_FENCE;
		req.hdr.fence_id = slot->seq;
	}
	if (slot->seq % 2)
		len = sizeof(req);
	vfe_mem_write(fe, slot->out_gpa, &req, len);
	vfe_mem_fill(fe, slot->in_gpa, 0xee, sizeof(struct virtio_gpu_resp_edid));
}

static bool
gpu_ctrl_check(VfeFrontend *fe, const StressSlot *slot, uint32_t len, void *opaque, char **why)
{
	struct virtio_gpu_resp_edid resp;
	bool edid = slot->seq % 2, fenced = slot->seq % 4 == 1 || slot->seq % 4 == 2;
	uint32_t want_len = edid ? sizeof(struct virtio_gpu_resp_edid)
	                         : sizeof(struct virtio_gpu_resp_display_info);
	uint32_t want_type = edid ? VIRTIO_GPU_RESP_OK_EDID : VIRTIO_GPU_RESP_OK_DISPLAY_INFO;

	vfe_mem_read(fe, slot->in_gpa, &resp, sizeof(resp));
	if (len != want_len || resp.hdr.type != want_type ||
	    !!(resp.hdr.flags & VIRTIO_GPU_FLAG_FENCE) != fenced ||
	    (fenced && resp.hdr.fence_id != slot->seq)) {
		*why = g_strdup_printf("GPU request %" G_GUINT64_FORMAT
		                       ": len %u (want %u), type 0x%x "
		                       "(want 0x%x), flags 0x%x, fence %llu",
		                       slot->seq, len, want_len, resp.hdr.type, want_type,
		                       resp.hdr.flags, (unsigned long long)resp.hdr.fence_id);
		return false;
	}
	if (edid && (resp.size < 128 || memcmp(resp.edid, "\0\xff\xff\xff\xff\xff\xff\0", 8))) {
		*why = g_strdup_printf("GET_EDID: %u bytes, no EDID header", resp.size);
		return false;
	}
	return true;
}

static void
gpu_cursor_prepare(VfeFrontend *fe, StressSlot *slot, void *opaque)
{
	struct virtio_gpu_update_cursor c = { 0 };

	c.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR;
	c.pos.x = (uint32_t)(slot->seq % 1280);
	c.pos.y = (uint32_t)(slot->seq % 800);
	vfe_mem_write(fe, slot->out_gpa, &c, sizeof(c));
}

static bool
gpu_cursor_check(VfeFrontend *fe, const StressSlot *slot, uint32_t len, void *opaque, char **why)
{
	/* The cursor queue has no device-writable buffers: nothing is written back. */
	if (len != 0) {
		*why = g_strdup_printf("MOVE_CURSOR %" G_GUINT64_FORMAT ": used len %u", slot->seq,
		                       len);
		return false;
	}
	return true;
}

static const StressOps gpu_ctrl_ops = { sizeof(struct virtio_gpu_cmd_get_edid),
	                                sizeof(struct virtio_gpu_resp_edid), gpu_ctrl_prepare,
	                                gpu_ctrl_check };
static const StressOps gpu_cursor_ops = { sizeof(struct virtio_gpu_update_cursor), 0,
	                                  gpu_cursor_prepare, gpu_cursor_check };

/* ---- input: the event queue, fed from D-Bus by another thread ---- */

typedef struct Injector {
	char *control;
	GThread *thread;
	uint64_t target;   /* events to inject this phase */
	uint64_t injected; /* this phase, by the thread */
	gint delivered;    /* this phase, by the driver */
	uint64_t expected; /* next event number the driver should see, overall */
	uint64_t base;     /* event number of this phase's first event */
	gint stop;         /* the driver gave up */
	char *error;
	unsigned int not_running; /* calls refused while the device was not running yet */
} Injector;

/* Event number k: frames of ABS_X (k/2 mod range) and SYN_REPORT. */
static struct virtio_input_event
input_event_number(uint64_t k)
{
	struct virtio_input_event ev = { 0 };

	if (k % 2 == 0) {
		ev.type = EV_ABS;
		ev.code = ABS_X;
		ev.value = (uint32_t)(k / 2 % ABS_RANGE);
	} else {
		ev.type = EV_SYN;
	}
	return ev;
}

static gpointer
injector_thread(gpointer data)
{
	Injector *inj = data;
	g_autofree char *address = g_strdup_printf("unix:path=%s", inj->control);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) conn = g_dbus_connection_new_for_address_sync(
	        address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);

	if (!conn) {
		inj->error = g_strdup(error->message);
		return NULL;
	}
	while (inj->injected < inj->target && !inj->error && !g_atomic_int_get(&inj->stop)) {
		/* At most 256 events ahead of the guest: well under --queue-limit. */
		uint64_t ahead = inj->injected - (uint64_t)g_atomic_int_get(&inj->delivered);
		uint64_t n = MIN(inj->target - inj->injected, 16);
		GVariantBuilder b;
		g_autoptr(GVariant) r = NULL;

		if (ahead + n > 256) {
			g_usleep(20);
			continue;
		}
		g_variant_builder_init(&b, G_VARIANT_TYPE("a(qqi)"));
		for (uint64_t i = 0; i < n; i++) {
			struct virtio_input_event ev =
			        input_event_number(inj->base + inj->injected + i);

			g_variant_builder_add(&b, "(qqi)", ev.type, ev.code, (gint32)ev.value);
		}
		r = g_dbus_connection_call_sync(conn, NULL, "/org/vhostdesktop/Input1",
		                                "org.vhostdesktop.Input1", "InjectEvents",
		                                g_variant_new("(a(qqi))", &b), NULL,
		                                G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
		if (r) {
			inj->injected += n;
			continue;
		}
		{
			g_autofree char *name = g_dbus_error_get_remote_error(error);

			/* The guest side is still being set up: as a client would, retry. */
			if (g_strcmp0(name, "org.vhostdesktop.Error.NotRunning") == 0) {
				inj->not_running++;
				g_clear_error(&error);
				g_usleep(1000);
				continue;
			}
			inj->error = g_strdup(error->message);
		}
	}
	return NULL;
}

static void
input_prepare(VfeFrontend *fe, StressSlot *slot, void *opaque)
{
	vfe_mem_fill(fe, slot->in_gpa, 0xee, sizeof(struct virtio_input_event));
}

static bool
input_check(VfeFrontend *fe, const StressSlot *slot, uint32_t len, void *opaque, char **why)
{
	Injector *inj = opaque;
	struct virtio_input_event got, want = input_event_number(inj->expected);

	vfe_mem_read(fe, slot->in_gpa, &got, sizeof(got));
	if (len != sizeof(got) || memcmp(&got, &want, sizeof(got))) {
		*why = g_strdup_printf("event %" G_GUINT64_FORMAT ": len %u, (%u, %u, %d), want "
		                       "(%u, %u, %d)",
		                       inj->expected, len, got.type, got.code, (int)got.value,
		                       want.type, want.code, (int)want.value);
		return false;
	}
	inj->expected++;
	g_atomic_int_inc(&inj->delivered);
	return true;
}

static const StressOps input_ops = { 0, sizeof(struct virtio_input_event), input_prepare,
	                             input_check };

static void
input_phase_begin(void *opaque, VfeFrontend *fe, uint64_t n)
{
	Injector *inj = opaque;

	inj->base = inj->expected;
	inj->target = n;
	inj->injected = 0;
	g_atomic_int_set(&inj->delivered, 0);
	g_atomic_int_set(&inj->stop, 0);
	inj->thread = g_thread_new("injector", injector_thread, inj);
}

static bool
input_phase_end(void *opaque, bool driver_failed, char **why)
{
	Injector *inj = opaque;

	if (driver_failed)
		g_atomic_int_set(&inj->stop, 1);
	g_thread_join(g_steal_pointer(&inj->thread));
	if (inj->error && !*why) {
		*why = g_strdup_printf("D-Bus injection: %s", inj->error);
		return false;
	}
	return true;
}

/* ---- the run ---- */

static void
connect_session(Run *run, const StressMode *mode)
{
	uint64_t features = ~((1ull << VIRTIO_F_IOMMU_PLATFORM) | (1ull << VHOST_F_LOG_ALL));

	if (!mode->event_idx)
		features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
	g_assert_cmpint(vfe_negotiate(run->fe, features, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_has_feature(run->fe, VIRTIO_RING_F_EVENT_IDX), ==, mode->event_idx);
	g_assert_cmpint(vfe_mem_setup(run->fe, RAM_SIZE, 2), ==, 0);
	if (run->notifiers)
		g_assert_cmpint(vfe_enable_backend_channel(run->fe), ==, 0);
}

/* Adds where the kicks of a queue went during a phase to its figures. */
static void
count_kicks(Run *run, unsigned int index, const uint64_t before[2])
{
	uint64_t eventfd, doorbell;

	vfe_queue_kick_counts(run->fe, index, &eventfd, &doorbell);
	run->stats[index].eventfd_kicks += eventfd - before[0];
	run->stats[index].doorbell_kicks += doorbell - before[1];
}

static void
setup_queues(Run *run)
{
	for (unsigned int i = 0; i < run->t->nqueues; i++)
		g_assert_cmpint(vfe_queue_setup(run->fe, i, run->t->queue_size, 0), ==, 0);
}

/* The queues the target drives, one after the other, for a phase of n requests. */
static bool
run_phase(Run *run, const StressMode *mode, uint64_t n, char **why)
{
	const Target *t = run->t;
	unsigned int shares = t->share[0] + t->share[1];

	for (unsigned int i = 0; i < G_N_ELEMENTS(t->ops) && t->ops[i]; i++) {
		StressQueue q;
		uint64_t share = n * t->share[i] / shares, kicks[2];
		bool ok;

		share += share % 2; /* input: whole frames */
		stress_queue_init(&q, run->fe, i, t->queue_size, mode, t->ops[i], t->opaque,
		                  run->rand, &run->stats[i]);
		if (t->phase_begin)
			t->phase_begin(t->opaque, run->fe, share);
		vfe_queue_kick_counts(run->fe, i, &kicks[0], &kicks[1]);
		ok = stress_queue_run(&q, share, true, why);
		count_kicks(run, i, kicks);
		if (t->phase_end)
			ok = t->phase_end(t->opaque, !ok, why) && ok;
		stress_queue_clear(&q);
		if (!ok)
			return false;
	}
	return true;
}

/* Lines of the daemon's log that are warnings (GLib's default handler's format). */
static char *
log_warnings(const char *path)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GString *bad = g_string_new(NULL);

	if (g_file_get_contents(path, &text, NULL, NULL)) {
		lines = g_strsplit(text, "\n", -1);
		for (char **l = lines; *l; l++)
			if (strstr(*l, "-WARNING") || strstr(*l, "-CRITICAL") || strstr(*l, "bug:"))
				g_string_append_printf(bad, "%s\n", *l);
	}
	if (!bad->len) {
		g_string_free(bad, TRUE);
		return NULL;
	}
	return g_string_free(bad, FALSE);
}

/* The daemon's own count of how notifications reached it (--host-notifiers). */
static void
log_exit_line(const char *name, const char *path)
{
	g_autofree char *text = NULL;
	const char *line;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return;
	line = strstr(text, "host notifiers: ");
	if (line)
		g_test_message("%s: %.*s", name, (int)strcspn(line, "\n"), line);
}

static void
run_target(const Target *t, const char *const *argv, bool notifiers)
{
	g_autofree char *dir = g_dir_make_tmp("vd-stress-XXXXXX", NULL);
	g_autofree char *notifier_arg = g_strdup_printf("--host-notifiers=%u", NOTIFIER_IDLE_US);
	Run run = { .t = t, .notifiers = notifiers, .rand = g_rand_new_with_seed(seed) };
	g_autoptr(GPtrArray) full = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *warnings = NULL;
	uint64_t per_mode, t0 = stress_now_ns();
	char *why = NULL;

	run.log_path = g_build_filename(dir, "daemon.log", NULL);
	/* The daemon's stderr into a file, to look for warnings afterwards. */
	g_ptr_array_add(full, "/bin/sh");
	g_ptr_array_add(full, "-c");
	g_ptr_array_add(full, "exec \"$@\" 2>>\"$0\"");
	g_ptr_array_add(full, run.log_path);
	for (; *argv; argv++)
		g_ptr_array_add(full, (char *)*argv);
	if (notifiers)
		g_ptr_array_add(full, notifier_arg);
	/* As many transitions as the think times make: no hold-off between them. */
	g_setenv("VD_HOST_NOTIFIER_HOLDOFF_MS", "0", TRUE);
	g_ptr_array_add(full, NULL);
	run.fe = vfe_spawn((const char *const *)full->pdata, &error);
	g_assert_no_error(error);

	per_mode = (t->share[0] + t->share[1]) * total_requests / 100 / G_N_ELEMENTS(modes);
	for (unsigned int m = 0; m < G_N_ELEMENTS(modes) && !why; m++) {
		const StressMode *mode = &modes[m];

		if (m > 0) {
			vfe_disconnect(run.fe);
			g_assert_cmpint(vfe_reconnect(run.fe, 5000), ==, 0);
		}
		connect_session(&run, mode);
		setup_queues(&run);
		/* Phase 1, ring disable/enable, phase 2, device reset, phase 3. */
		if (!run_phase(&run, mode, per_mode / 3, &why))
			break;
		for (unsigned int i = 0; i < t->nqueues; i++) {
			g_assert_cmpint(vfe_queue_enable(run.fe, i, false), ==, 0);
			g_assert_cmpint(vfe_queue_enable(run.fe, i, true), ==, 0);
		}
		if (!run_phase(&run, mode, per_mode / 3, &why))
			break;
		g_assert_cmpint(vfe_request(run.fe, VHOST_USER_RESET_DEVICE, NULL, 0, NULL, 0), ==,
		                0);
		g_assert_cmpint(vfe_set_features(run.fe, vfe_features(run.fe)), ==, 0);
		setup_queues(&run);
		if (!run_phase(&run, mode, per_mode - 2 * (per_mode / 3), &why))
			break;
	}
	if (why)
		g_error("%s: %s (seed %u)", t->name, why, seed);
	g_assert_cmpint(vfe_child_terminate(run.fe), ==, 0);
	for (unsigned int i = 0; i < G_N_ELEMENTS(t->ops) && t->ops[i]; i++) {
		g_autofree char *line =
		        stress_stats_format(&run.stats[i], (stress_now_ns() - t0) / 1e9);

		g_autofree char *kicks = stress_stats_format_kicks(&run.stats[i]);

		g_test_message("%s queue %u: %s", t->name, i, line);
		g_test_message("%s queue %u: %s", t->name, i, kicks);
		/* The page was really used: the driver wrote its doorbell there. */
		if (notifiers && run.stats[i].doorbell_kicks == 0)
			g_error("%s queue %u: no kick went into the host notifier page", t->name,
			        i);
	}
	log_exit_line(t->name, run.log_path);
	warnings = log_warnings(run.log_path);
	if (warnings)
		g_error("%s logged warnings:\n%s", t->name, warnings);
	vfe_free(run.fe);
	g_unlink(run.log_path);
	g_rmdir(dir);
	g_free(run.log_path);
	g_rand_free(run.rand);
}

static void
test_echo(gconstpointer notifiers)
{
	g_autofree char *prog = vfe_built_path("tests/vhost/echo-daemon");
	const char *argv[] = { prog, NULL };
	const Target t = { "echo-daemon", 1, 256, { 45 }, { &echo_ops } };

	run_target(&t, argv, notifiers != NULL);
}

static void
test_gpu(gconstpointer notifiers)
{
	g_autofree char *prog = vfe_built_path("src/vhost-desktop-gpu");
	const char *argv[] = { prog, NULL };
	const Target t = {
		"vhost-desktop-gpu", 2, 256, { 25, 10 }, { &gpu_ctrl_ops, &gpu_cursor_ops }
	};

	run_target(&t, argv, notifiers != NULL);
}

static void
test_input(gconstpointer notifiers)
{
	g_autofree char *prog = vfe_built_path("src/vhost-desktop-input");
	g_autofree char *dir = g_dir_make_tmp("vd-stress-input-XXXXXX", NULL);
	g_autofree char *control = g_build_filename(dir, "control", NULL);
	g_autofree char *control_arg = g_strdup_printf("--control=%s", control);
	const char *argv[] = { prog, "--tablet", control_arg, NULL };
	Injector inj = { .control = control };
	const Target t = {
		"vhost-desktop-input", 2, 64, { 20 }, { &input_ops }, &inj, input_phase_begin,
		input_phase_end
	};

	run_target(&t, argv, notifiers != NULL);
	g_test_message("vhost-desktop-input: %u injections retried while the device was not "
	               "running yet",
	               inj.not_running);
	g_free(inj.error);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	const char *n = g_getenv("VD_STRESS_REQUESTS"), *s = g_getenv("VD_STRESS_SEED");

	g_test_init(&argc, &argv, NULL);
	if (n)
		total_requests = g_ascii_strtoull(n, NULL, 10);
	seed = s ? (guint32)g_ascii_strtoull(s, NULL, 10) : (guint32)g_get_real_time();
	g_test_message("%" G_GUINT64_FORMAT " requests in all, seed %u (VD_STRESS_SEED to repeat)",
	               total_requests, seed);
	g_test_add_data_func("/stress/echo", NULL, test_echo);
	g_test_add_data_func("/stress/gpu", NULL, test_gpu);
	g_test_add_data_func("/stress/input", NULL, test_input);
	g_test_add_data_func("/stress/echo/host-notifiers", "on", test_echo);
	g_test_add_data_func("/stress/gpu/host-notifiers", "on", test_gpu);
	g_test_add_data_func("/stress/input/host-notifiers", "on", test_input);
	return g_test_run();
}
