/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-input: vhost-desktop-input through the test front-end with QEMU's
 * 4-slot event queue.
 *  - latency: a D-Bus MoveRelative call on the control socket until the
 *    call eventfd fires with the first event in the used ring (median, p99);
 *  - throughput: events per second sustained while a producer thread injects
 *    3-event frames as fast as a guest-side consumer returns buffers.
 * Usage: bench-input [DAEMON] [--iterations N] [--seconds S]
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <linux/virtio_input.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend.h"

#define QSIZE 4

typedef struct Bench {
	VfeFrontend *fe;
	GDBusConnection *bus;
	uint64_t buf[QSIZE];
	gint received; /* events the consumer took, for the producer's window */
	gint stop;
	unsigned int window;
} Bench;

static void
post(Bench *b, uint64_t gpa)
{
	VfeBuf vb = { gpa, sizeof(struct virtio_input_event) };
	int id = vfe_queue_add(b->fe, 0, NULL, 0, &vb, 1);

	if (id < 0 || id >= QSIZE)
		g_error("vfe_queue_add: %d", id);
	b->buf[id] = gpa;
}

/*
 * Like the Linux driver: every used buffer pending is read and posted again,
 * then one kick. Returns the number of events taken (0 on timeout).
 */
static unsigned int
take_batch(Bench *b, int timeout_ms)
{
	unsigned int n = 0;

	do {
		uint32_t id, len;

		if (vfe_queue_wait_used(b->fe, 0, n ? 0 : timeout_ms, &id, &len) < 0)
			break;
		post(b, b->buf[id]);
		n++;
	} while (vfe_queue_used_pending(b->fe, 0) > 0 || n < 1);
	if (n)
		vfe_queue_kick(b->fe, 0);
	return n;
}

/* One event out of the used ring, its buffer given back at once. */
static gboolean
take(Bench *b, int timeout_ms, struct virtio_input_event *ev)
{
	uint32_t id, len;
	uint64_t gpa;

	if (vfe_queue_wait_used(b->fe, 0, timeout_ms, &id, &len) < 0)
		return FALSE;
	gpa = b->buf[id];
	if (ev)
		vfe_mem_read(b->fe, gpa, ev, sizeof(*ev));
	post(b, gpa);
	vfe_queue_kick(b->fe, 0);
	return TRUE;
}

static void
call_async(Bench *b, const char *method, GVariant *params)
{
	/* No callback: NO_REPLY_EXPECTED, the cheapest call a client can make. */
	g_dbus_connection_call(b->bus, NULL, "/org/vhostdesktop/Input1", "org.vhostdesktop.Input1",
	                       method, params, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static int
cmp_gint64(const void *a, const void *b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return x < y ? -1 : x > y;
}

static gpointer
producer(gpointer data)
{
	Bench *b = data;
	GVariantBuilder vb;
	g_autoptr(GVariant) frames = NULL;
	gint64 sent = 0;

	/* 85 frames of REL_X, REL_Y, SYN_REPORT per call. */
	g_variant_builder_init(&vb, G_VARIANT_TYPE("a(qqi)"));
	for (int i = 0; i < 85; i++) {
		g_variant_builder_add(&vb, "(qqi)", (guint16)2, (guint16)0, 1);
		g_variant_builder_add(&vb, "(qqi)", (guint16)2, (guint16)1, -1);
		g_variant_builder_add(&vb, "(qqi)", (guint16)0, (guint16)0, 0);
	}
	frames = g_variant_ref_sink(g_variant_new("(@a(qqi))", g_variant_builder_end(&vb)));
	while (!g_atomic_int_get(&b->stop)) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) r = NULL;

		/* Stay within the daemon's queue so nothing is dropped: a sustained rate. */
		if (sent - g_atomic_int_get(&b->received) > (gint64)b->window) {
			g_usleep(50);
			continue;
		}
		r = g_dbus_connection_call_sync(b->bus, NULL, "/org/vhostdesktop/Input1",
		                                "org.vhostdesktop.Input1", "InjectEvents", frames,
		                                NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
		if (!r)
			g_error("InjectEvents: %s", error->message);
		sent += 255;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *daemon = BENCH_DAEMON;
	int iterations = 5000;
	double seconds = 5.0;
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL, *ctl = NULL, *ctl_arg = NULL, *address = NULL;
	g_autofree gint64 *lat = NULL;
	Bench b = { 0 };
	GThread *thread;
	gint64 t0, t1, got = 0;

	for (int i = 1; i < argc; i++) {
		if (g_str_equal(argv[i], "--iterations") && i + 1 < argc)
			iterations = atoi(argv[++i]);
		else if (g_str_equal(argv[i], "--seconds") && i + 1 < argc)
			seconds = g_ascii_strtod(argv[++i], NULL);
		else
			daemon = argv[i];
	}
	if (iterations < 1)
		iterations = 1;
	dir = g_dir_make_tmp("bench-input-XXXXXX", &error);
	g_assert_no_error(error);
	ctl = g_build_filename(dir, "control", NULL);
	ctl_arg = g_strdup_printf("--control=%s", ctl);
	{
		const char *args[] = { daemon, "--mouse", ctl_arg, "--queue-limit=4096", NULL };

		b.fe = vfe_spawn(args, &error);
	}
	if (!b.fe)
		g_error("cannot start %s: %s", daemon, error->message);
	if (vfe_negotiate(b.fe, ~((1ull << VIRTIO_F_IOMMU_PLATFORM) | (1ull << VHOST_F_LOG_ALL)),
	                  UINT64_MAX) < 0 ||
	    vfe_mem_setup(b.fe, 1 << 20, 1) < 0 || vfe_queue_setup(b.fe, 0, QSIZE, 0) < 0 ||
	    vfe_queue_setup(b.fe, 1, QSIZE, 0) < 0)
		g_error("front-end setup failed");
	for (int i = 0; i < QSIZE; i++)
		post(&b, vfe_alloc(b.fe, 8, 8));
	vfe_queue_kick(b.fe, 0);
	address = g_strdup_printf("unix:path=%s", ctl);
	b.bus = g_dbus_connection_new_for_address_sync(
	        address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
	g_assert_no_error(error);
	/* Wait for the queue to run (the first calls may find it not started yet). */
	for (int i = 0; i < 500; i++) {
		g_autoptr(GVariant) r = g_dbus_connection_call_sync(
		        b.bus, NULL, "/org/vhostdesktop/Input1", "org.vhostdesktop.Input1",
		        "MoveRelative", g_variant_new("(ii)", 1, 1), NULL, G_DBUS_CALL_FLAGS_NONE,
		        -1, NULL, NULL);

		if (r)
			break;
		g_usleep(10000);
	}
	for (int i = 0; i < 3; i++)
		take(&b, 5000, NULL);

	/* Latency: call -> call eventfd with the first event of the frame. */
	lat = g_new(gint64, iterations);
	for (int i = 0; i < iterations; i++) {
		t0 = g_get_monotonic_time();
		call_async(&b, "MoveRelative", g_variant_new("(ii)", 1, -1));
		if (!take(&b, 5000, NULL))
			g_error("no event after %d calls", i);
		lat[i] = g_get_monotonic_time() - t0;
		take(&b, 5000, NULL);
		take(&b, 5000, NULL);
	}
	qsort(lat, iterations, sizeof(*lat), cmp_gint64);
	printf("latency D-Bus MoveRelative -> used ring + call eventfd, %d calls: "
	       "median %" G_GINT64_FORMAT " us, p99 %" G_GINT64_FORMAT " us, max %" G_GINT64_FORMAT
	       " us\n",
	       iterations, lat[iterations / 2], lat[(iterations * 99) / 100], lat[iterations - 1]);

	/* Throughput with a guest that returns each buffer as soon as it is used. */
	b.window = 2048;
	thread = g_thread_new("producer", producer, &b);
	t0 = g_get_monotonic_time();
	t1 = t0 + (gint64)(seconds * G_USEC_PER_SEC);
	while (g_get_monotonic_time() < t1) {
		unsigned int n = take_batch(&b, 1000);

		if (!n)
			g_error("the event stream stopped");
		got += n;
		g_atomic_int_set(&b.received, (gint)got);
	}
	t1 = g_get_monotonic_time();
	g_atomic_int_set(&b.stop, 1);
	/* Let the producer's last call finish: keep consuming until it is done. */
	while (take_batch(&b, 200))
		;
	g_thread_join(thread);
	{
		g_autoptr(GVariant) r = g_dbus_connection_call_sync(
		        b.bus, NULL, "/org/vhostdesktop/Input1", "org.freedesktop.DBus.Properties",
		        "Get", g_variant_new("(ss)", "org.vhostdesktop.Input1", "DroppedFrames"),
		        G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
		g_autoptr(GVariant) v = NULL;

		if (r)
			g_variant_get(r, "(v)", &v);
		printf("throughput, 4-slot queue, 3-event frames: %.0f events/s over %.1f s "
		       "(%" G_GINT64_FORMAT " events, %" G_GUINT64_FORMAT " frames dropped)\n",
		       got / ((t1 - t0) / 1e6), (t1 - t0) / 1e6, got,
		       v ? g_variant_get_uint64(v) : 0);
	}
	g_dbus_connection_close_sync(b.bus, NULL, NULL);
	g_object_unref(b.bus);
	vfe_free(b.fe);
	g_rmdir(dir);
	return 0;
}
