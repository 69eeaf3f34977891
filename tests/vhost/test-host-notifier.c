/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host notifiers: the echo-daemon with --host-notifiers against the test
 * front-end, whose backend channel thread plays QEMU's side (it maps the page
 * over the queue's notify area, so that kicks become writes into it). Each
 * case asserts what the front-end sees (install and removal requests, where
 * the kicks went) and that every request is answered.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/frontend.h"

#define RAM_SIZE (4u << 20)
#define FEATURES (~(1ull << VIRTIO_F_IOMMU_PLATFORM))
#define IDLE_US 50000
#define WAIT_MS 3000

static char *echo_daemon;

typedef struct Fixture {
	VfeFrontend *fe;
	char *dir;
	char *log_path;
} Fixture;

/*
 * The echo-daemon with an option (or none), its stderr into a file we read
 * later, and VD_HOST_NOTIFIER_HOLDOFF_MS=holdoff where not NULL.
 */
static void
fixture_spawn_holdoff(Fixture *f, const char *option, const char *holdoff)
{
	g_autofree char *env = g_strdup_printf("VD_HOST_NOTIFIER_HOLDOFF_MS=%s", holdoff);
	const char *argv[] = { "/bin/sh", "-c", "exec env \"$@\" 2>>\"$0\"", NULL, NULL, NULL,
		               option,    NULL };
	g_autoptr(GError) error = NULL;

	f->dir = g_dir_make_tmp("vd-notifier-XXXXXX", NULL);
	f->log_path = g_build_filename(f->dir, "daemon.log", NULL);
	argv[3] = f->log_path;
	argv[4] = holdoff ? env : "VD_HOST_NOTIFIER_TEST=1";
	argv[5] = echo_daemon;
	f->fe = vfe_spawn(argv, &error);
	g_assert_no_error(error);
}

static void
fixture_spawn(Fixture *f, const char *option)
{
	fixture_spawn_holdoff(f, option, NULL);
}

static void
session(Fixture *f)
{
	g_assert_cmpint(vfe_negotiate(f->fe, FEATURES, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(f->fe, RAM_SIZE, 1), ==, 0);
	g_assert_cmpint(vfe_enable_backend_channel(f->fe), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, 0, 8, 0), ==, 0);
}

/* The daemon's log so far (after vfe_child_terminate: all of it). */
static char *
fixture_log(Fixture *f)
{
	char *text = NULL;

	g_assert_true(g_file_get_contents(f->log_path, &text, NULL, NULL));
	return text;
}

static void
fixture_free(Fixture *f)
{
	vfe_free(f->fe);
	g_unlink(f->log_path);
	g_rmdir(f->dir);
	g_free(f->log_path);
	g_free(f->dir);
}

/* One echo request through queue 0; kicked as vfe_queue_kick() kicks. */
static void
assert_echo(VfeFrontend *fe, const char *msg)
{
	size_t len = strlen(msg);
	uint64_t out = vfe_alloc(fe, len, 0), in = vfe_alloc(fe, 64, 0);
	VfeBuf ob = { out, (uint32_t)len }, ib = { in, 64 };
	uint32_t id, used_len;
	char buf[64];
	int head;

	vfe_mem_write(fe, out, msg, len);
	head = vfe_queue_add(fe, 0, &ob, 1, &ib, 1);
	g_assert_cmpint(head, >=, 0);
	g_assert_cmpint(vfe_queue_kick(fe, 0), ==, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, WAIT_MS, &id, &used_len), ==, 0);
	g_assert_cmpuint(id, ==, (uint32_t)head);
	g_assert_cmpuint(used_len, ==, len);
	vfe_mem_read(fe, in, buf, used_len);
	g_assert_cmpmem(buf, used_len, msg, len);
}

static uint64_t
doorbells(VfeFrontend *fe)
{
	uint64_t kicks, writes;

	vfe_queue_kick_counts(fe, 0, &kicks, &writes);
	return writes;
}

static unsigned int
installs(VfeFrontend *fe)
{
	unsigned int in, out;

	vfe_host_notifier_counts(fe, &in, &out);
	return in;
}

static unsigned int
removals(VfeFrontend *fe)
{
	unsigned int in, out;

	vfe_host_notifier_counts(fe, &in, &out);
	return out;
}

/* Waits until count(fe) (installs, removals) is past n. */
static void
wait_past(VfeFrontend *fe, unsigned int (*count)(VfeFrontend *), unsigned int n)
{
	gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;

	while (count(fe) <= n && g_get_monotonic_time() < deadline)
		g_usleep(100);
	g_assert_cmpuint(count(fe), >, n);
}

/*
 * Echoes until the page is installed (the first kick after the daemon's
 * hold-off brings it), then n more with kicks into the page.
 */
static void
echo_through_page(VfeFrontend *fe, unsigned int n)
{
	unsigned int installed = installs(fe);
	gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
	uint64_t before;

	do {
		assert_echo(fe, "eventfd kick");
		g_usleep(1000);
	} while (installs(fe) <= installed && g_get_monotonic_time() < deadline);
	wait_past(fe, installs, installed);
	before = doorbells(fe);
	for (unsigned int i = 0; i < n; i++) {
		g_autofree char *msg = g_strdup_printf("doorbell %u", i);

		assert_echo(fe, msg);
	}
	/* The page may go between two requests (a slow machine): most used it. */
	g_assert_cmpuint(doorbells(fe) - before, >=, 1);
}

static void
test_offered(void)
{
	Fixture plain = { 0 }, on = { 0 };
	uint64_t offered = 0;

	fixture_spawn(&plain, NULL);
	g_assert_cmpint(vfe_call_u64(plain.fe, VHOST_USER_GET_PROTOCOL_FEATURES, &offered), ==, 0);
	g_assert_false(offered & (1ull << VHOST_USER_PROTOCOL_F_HOST_NOTIFIER));
	g_assert_false(offered & (1ull << VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD));
	fixture_free(&plain);

	fixture_spawn(&on, "--host-notifiers");
	g_assert_cmpint(vfe_call_u64(on.fe, VHOST_USER_GET_PROTOCOL_FEATURES, &offered), ==, 0);
	g_assert_true(offered & (1ull << VHOST_USER_PROTOCOL_F_HOST_NOTIFIER));
	g_assert_true(offered & (1ull << VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD));
	fixture_free(&on);
}

/* Installed on a kick, used, removed after the idle time, installed again. */
static void
test_install_idle_reinstall(void)
{
	g_autofree char *opt = g_strdup_printf("--host-notifiers=%u", IDLE_US);
	g_autofree char *log = NULL;
	Fixture f = { 0 };
	VhostUserVringArea area;
	int fd = 0;

	fixture_spawn(&f, opt);
	session(&f);
	/* Each install passed what QEMU checks: one page, an fd it can map. */
	echo_through_page(f.fe, 20);

	/* Idle: the daemon takes the page back (NOFD) and sleeps on the eventfd. */
	g_assert_cmpint(vfe_wait_host_notifier(f.fe, 0, false, WAIT_MS), ==, 0);
	g_assert_cmpint(vfe_last_host_notifier(f.fe, &area, &fd), ==, 0);
	g_assert_cmpuint(area.u64, ==, VHOST_USER_VRING_NOFD_MASK);
	g_assert_cmpint(fd, ==, 0);
	g_assert_cmpuint(removals(f.fe), >=, 1);

	/* Busy again: back to the page. */
	echo_through_page(f.fe, 20);
	g_assert_cmpuint(installs(f.fe), >=, 2);
	g_assert_cmpuint(vfe_backend_bad_msg_count(f.fe), ==, 0);

	g_assert_true(WIFEXITED(vfe_child_terminate(f.fe)));
	log = fixture_log(&f);
	g_test_message("%s", strstr(log, "host notifiers: ") ?: log);
	/* The exit line counts the doorbell writes the daemon saw in its page. */
	g_assert_nonnull(strstr(log, "host notifiers: "));
	g_assert_null(strstr(log, " 0 doorbell writes"));
	g_assert_null(strstr(log, "WARNING"));
	fixture_free(&f);
}

/* A front-end that refuses (QEMU without page-per-vq=on): eventfds, said once. */
static void
test_refused(void)
{
	g_autofree char *log = NULL;
	Fixture f = { 0 };
	uint64_t kicks, writes;
	const char *said;

	fixture_spawn(&f, "--host-notifiers=1000000");
	vfe_set_host_notifier_refusal(f.fe, true);
	session(&f);
	for (unsigned int i = 0; i < 50; i++)
		assert_echo(f.fe, "refused");
	vfe_queue_kick_counts(f.fe, 0, &kicks, &writes);
	g_assert_cmpuint(kicks, ==, 50);
	g_assert_cmpuint(writes, ==, 0);
	/* Asked once for this connection, not on every kick. */
	g_assert_cmpint(
	        vfe_wait_backend_msg(f.fe, VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG, 1, WAIT_MS),
	        ==, 0);
	g_assert_cmpuint(vfe_backend_msg_count(f.fe, VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG),
	                 ==, 1);

	/* A new connection may accept. */
	vfe_disconnect(f.fe);
	g_assert_cmpint(vfe_reconnect(f.fe, WAIT_MS), ==, 0);
	vfe_set_host_notifier_refusal(f.fe, false);
	session(&f);
	echo_through_page(f.fe, 10);

	g_assert_true(WIFEXITED(vfe_child_terminate(f.fe)));
	log = fixture_log(&f);
	said = strstr(log, "refused the host notifier of queue 0; serving the queues by eventfd");
	g_assert_nonnull(said);
	g_assert_null(strstr(said + 1, "refused the host notifier"));
	g_assert_nonnull(strstr(log, "1 notifiers installed, 1 refused"));
	fixture_free(&f);
}

/* Every way a queue stops takes the page back; the next session installs it again. */
static void
test_stop_paths(void)
{
	Fixture f = { 0 };
	uint32_t base = 0;
	unsigned int removed;

	fixture_spawn_holdoff(&f, "--host-notifiers=1000000", "0");
	session(&f);

	/* Ring disabled: the daemon removes the page; a kick meanwhile is not lost. */
	echo_through_page(f.fe, 5);
	removed = removals(f.fe);
	g_assert_cmpint(vfe_queue_enable(f.fe, 0, false), ==, 0);
	wait_past(f.fe, removals, removed);
	g_assert_false(vfe_queue_has_host_notifier(f.fe, 0));
	g_assert_cmpint(vfe_queue_enable(f.fe, 0, true), ==, 0);
	echo_through_page(f.fe, 5);

	/* GET_VRING_BASE: the front-end drops it (as QEMU does); resume works. */
	g_assert_cmpint(vfe_queue_get_base(f.fe, 0, &base), ==, 0);
	g_assert_false(vfe_queue_has_host_notifier(f.fe, 0));
	g_assert_cmpint(vfe_queue_resume(f.fe, 0, base), ==, 0);
	echo_through_page(f.fe, 5);

	/* Device reset, then a new set-up. */
	removed = removals(f.fe);
	g_assert_cmpint(vfe_request(f.fe, VHOST_USER_RESET_DEVICE, NULL, 0, NULL, 0), ==, 0);
	wait_past(f.fe, removals, removed);
	g_assert_false(vfe_queue_has_host_notifier(f.fe, 0));
	g_assert_cmpint(vfe_set_features(f.fe, vfe_features(f.fe)), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f.fe, 0, 8, 0), ==, 0);
	echo_through_page(f.fe, 5);

	/* Reconnect: the page is offered again to the new front-end. */
	vfe_disconnect(f.fe);
	g_assert_cmpint(vfe_reconnect(f.fe, WAIT_MS), ==, 0);
	session(&f);
	echo_through_page(f.fe, 5);
	g_assert_cmpuint(vfe_backend_bad_msg_count(f.fe), ==, 0);
	fixture_free(&f);
}

/*
 * A queue whose page keeps coming and going, with the front-end playing
 * QEMU's RCU delay: the daemon's hold-off keeps removals apart. Without it
 * (VD_HOST_NOTIFIER_HOLDOFF_MS=0) the front-end sees removals QEMU 10 would
 * abort on: the check can fail.
 */
static unsigned int
cycle_pages(const char *holdoff, unsigned int *installed)
{
	Fixture f = { 0 };
	unsigned int early;
	gint64 end;

	fixture_spawn_holdoff(&f, "--host-notifiers=500", holdoff);
	vfe_set_host_notifier_grace(f.fe, 100);
	session(&f);
	end = g_get_monotonic_time() + 1500 * 1000;
	/* 3 ms between requests: each finds the page taken back after 500 us idle. */
	while (g_get_monotonic_time() < end) {
		assert_echo(f.fe, "cycle");
		g_usleep(3000);
	}
	early = vfe_host_notifier_early_removals(f.fe);
	*installed = installs(f.fe);
	g_assert_cmpuint(vfe_backend_bad_msg_count(f.fe), ==, 0);
	fixture_free(&f);
	return early;
}

static void
test_holdoff(void)
{
	unsigned int installed = 0;

	g_assert_cmpuint(cycle_pages(NULL, &installed), ==, 0);
	g_test_message("default hold-off: %u installs in 1.5 s, no early removal", installed);
	g_assert_cmpuint(installed, >=, 2);
	g_assert_cmpuint(installed, <=, 3);
	g_assert_cmpuint(cycle_pages("0", &installed), >, 0);
	g_test_message("no hold-off: %u installs in 1.5 s", installed);
}

static uint16_t
avail_idx(VfeFrontend *fe)
{
	uint64_t desc, avail, used;
	uint16_t idx;

	g_assert_cmpint(vfe_queue_ring_gpa(fe, 0, &desc, &avail, &used), ==, 0);
	vfe_mem_read(fe, avail + 2, &idx, sizeof(idx));
	return idx;
}

/* Whether the queue's error eventfd fired within timeout_ms. */
static bool
err_fired(VfeFrontend *fe, int timeout_ms)
{
	struct pollfd pfd = { .fd = vfe_queue_err_fd(fe, 0), .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) == 1;
}

/*
 * An implausible available index that polling finds and no doorbell vouches
 * for (a driver's half-done write) is nothing yet; the same index with a
 * doorbell after it is a guest bug.
 */
static void
test_unvouched_index(void)
{
	g_autofree char *log = NULL;
	Fixture f = { 0 };
	uint16_t idx;

	fixture_spawn_holdoff(&f, "--host-notifiers=1000000", "0");
	g_assert_cmpint(vfe_negotiate(f.fe, FEATURES, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(f.fe, RAM_SIZE, 1), ==, 0);
	g_assert_cmpint(vfe_enable_backend_channel(f.fe), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f.fe, 0, 8, VFE_QUEUE_ERR_FD), ==, 0);
	echo_through_page(f.fe, 3);
	g_assert_true(vfe_queue_has_host_notifier(f.fe, 0));

	idx = avail_idx(f.fe);
	vfe_queue_set_avail_idx(f.fe, 0, (uint16_t)(idx + 100));
	g_usleep(20 * 1000);
	vfe_queue_set_avail_idx(f.fe, 0, idx);
	assert_echo(f.fe, "served after an unvouched index");
	g_assert_false(err_fired(f.fe, 0));

	/* Seen by polling first; the doorbell after it vouches for it. */
	vfe_queue_set_avail_idx(f.fe, 0, (uint16_t)(avail_idx(f.fe) + 100));
	g_usleep(20 * 1000);
	g_assert_false(err_fired(f.fe, 0));
	g_assert_cmpint(vfe_queue_kick(f.fe, 0), ==, 0);
	g_assert_true(err_fired(f.fe, WAIT_MS));
	g_assert_true(WIFEXITED(vfe_child_terminate(f.fe)));
	log = fixture_log(&f);
	g_assert_nonnull(strstr(log, "guest bug: queue 0: available index moved by 100"));
	fixture_free(&f);
}

/* Without the backend channel the option changes nothing. */
static void
test_no_channel(void)
{
	Fixture f = { 0 };
	uint64_t kicks, writes;

	fixture_spawn(&f, "--host-notifiers");
	g_assert_cmpint(vfe_negotiate(f.fe, FEATURES, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(f.fe, RAM_SIZE, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f.fe, 0, 8, 0), ==, 0);
	for (unsigned int i = 0; i < 10; i++)
		assert_echo(f.fe, "no channel");
	vfe_queue_kick_counts(f.fe, 0, &kicks, &writes);
	g_assert_cmpuint(kicks, ==, 10);
	g_assert_cmpuint(writes, ==, 0);
	fixture_free(&f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	echo_daemon = vfe_built_path("tests/vhost/echo-daemon");
	g_test_add_func("/vhost/host-notifier/offered", test_offered);
	g_test_add_func("/vhost/host-notifier/install-idle-reinstall", test_install_idle_reinstall);
	g_test_add_func("/vhost/host-notifier/refused", test_refused);
	g_test_add_func("/vhost/host-notifier/stop-paths", test_stop_paths);
	g_test_add_func("/vhost/host-notifier/holdoff", test_holdoff);
	g_test_add_func("/vhost/host-notifier/unvouched-index", test_unvouched_index);
	g_test_add_func("/vhost/host-notifier/no-channel", test_no_channel);
	return g_test_run();
}
