/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The back-end library against the test front-end: a real echo-daemon
 * process on a real socket, memfd guest RAM, eventfds. Each case asserts what
 * a front-end or a guest driver would observe.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend/frontend.h"

#define RAM_SIZE (4u << 20)
#define SHORT_MS 300
/* What a guest without a vIOMMU accepts; IOTLB tests take everything. */
#define FEATURES (~(1ull << VIRTIO_F_IOMMU_PLATFORM))
#define FEATURES_IOMMU UINT64_MAX

static char *echo_daemon;

static VfeFrontend *
spawn_echo_args(const char *extra)
{
	const char *argv[] = { echo_daemon, extra, NULL };
	g_autoptr(GError) error = NULL;
	VfeFrontend *fe = vfe_spawn(argv, &error);

	g_assert_no_error(error);
	g_assert_nonnull(fe);
	return fe;
}

static VfeFrontend *
spawn_echo(void)
{
	return spawn_echo_args(NULL);
}

/* The handshake QEMU does, with everything the back-end offers. */
static VfeFrontend *
echo_ready(uint64_t features, uint64_t protocol, unsigned int nregions)
{
	VfeFrontend *fe = spawn_echo();

	g_assert_cmpint(vfe_negotiate(fe, features, protocol), ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, RAM_SIZE, nregions), ==, 0);
	return fe;
}

/* Sends msg through queue 0 and returns what came back. */
static GBytes *
echo_roundtrip(VfeFrontend *fe, const char *msg, bool indirect)
{
	size_t len = strlen(msg);
	uint64_t out = vfe_alloc(fe, len, 0), in = vfe_alloc(fe, 64, 0);
	VfeBuf ob = { out, (uint32_t)len }, ib = { in, 64 };
	uint32_t id, used_len;
	int head;
	char buf[64];

	vfe_mem_write(fe, out, msg, len);
	head = indirect ? vfe_queue_add_indirect(fe, 0, &ob, 1, &ib, 1)
	                : vfe_queue_add(fe, 0, &ob, 1, &ib, 1);
	g_assert_cmpint(head, >=, 0);
	g_assert_cmpint(vfe_queue_kick(fe, 0), ==, 0);
	if (vfe_queue_wait_used(fe, 0, -1, &id, &used_len) < 0)
		return NULL;
	g_assert_cmpuint(id, ==, (uint32_t)head);
	g_assert_cmpuint(used_len, <=, sizeof(buf));
	vfe_mem_read(fe, in, buf, used_len);
	return g_bytes_new(buf, used_len);
}

static void
assert_echo(VfeFrontend *fe, const char *msg)
{
	g_autoptr(GBytes) got = echo_roundtrip(fe, msg, false);
	g_assert_nonnull(got);
	g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got), msg, strlen(msg));
}

/* The daemon still serves the protocol (it did not crash or hang). */
static void
assert_alive(VfeFrontend *fe)
{
	uint64_t f = 0;
	g_assert_cmpint(vfe_call_u64(fe, VHOST_USER_GET_FEATURES, &f), ==, 0);
	g_assert_true(f & (1ull << VIRTIO_F_VERSION_1));
}

/* Queues one echo request; the caller kicks and waits. */
static int
add_request(VfeFrontend *fe)
{
	uint64_t out = vfe_alloc(fe, 8, 0), in = vfe_alloc(fe, 8, 0);
	VfeBuf ob = { out, 3 }, ib = { in, 8 };

	vfe_mem_write(fe, out, "abc", 3);
	return vfe_queue_add(fe, 0, &ob, 1, &ib, 1);
}

/* A request is queued and kicked, and nothing comes back. */
static void
assert_not_served(VfeFrontend *fe)
{
	uint32_t id, len;

	g_assert_cmpint(add_request(fe), >=, 0);
	vfe_queue_kick(fe, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, SHORT_MS, &id, &len), ==, -ETIMEDOUT);
}

static void
test_handshake(void)
{
	g_autoptr(VfeFrontend) fe = spawn_echo();
	uint64_t v;

	g_assert_cmpint(vfe_negotiate(fe, FEATURES, UINT64_MAX), ==, 0);
	v = vfe_offered_features(fe);
	for (unsigned int bit = 0; bit < 64; bit++) {
		bool expect = bit == VIRTIO_F_VERSION_1 || bit == VIRTIO_RING_F_INDIRECT_DESC ||
		              bit == VIRTIO_RING_F_EVENT_IDX || bit == VHOST_F_LOG_ALL ||
		              bit == VIRTIO_F_IOMMU_PLATFORM ||
		              bit == VHOST_USER_F_PROTOCOL_FEATURES || bit == 0 /* device bit */;
		g_assert_cmpint(!!(v & (1ull << bit)), ==, expect);
	}
	v = vfe_offered_protocol_features(fe);
	const unsigned int expected[] = {
		VHOST_USER_PROTOCOL_F_MQ,           VHOST_USER_PROTOCOL_F_LOG_SHMFD,
		VHOST_USER_PROTOCOL_F_REPLY_ACK,    VHOST_USER_PROTOCOL_F_BACKEND_REQ,
		VHOST_USER_PROTOCOL_F_CONFIG,       VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD,
		VHOST_USER_PROTOCOL_F_RESET_DEVICE, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS,
		VHOST_USER_PROTOCOL_F_STATUS,       VHOST_USER_PROTOCOL_F_DEVICE_STATE,
	};
	for (unsigned int i = 0; i < G_N_ELEMENTS(expected); i++)
		g_assert_true(v & (1ull << expected[i]));
	/* Nothing that does not work is offered. */
	g_assert_false(v & (1ull << VHOST_USER_PROTOCOL_F_HOST_NOTIFIER));
	g_assert_false(v & (1ull << VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD));
	g_assert_false(v & (1ull << VHOST_USER_PROTOCOL_F_INBAND_NOTIFICATIONS));
	g_assert_false(v & (1ull << VHOST_USER_PROTOCOL_F_PAGEFAULT));
	g_assert_cmpint(vfe_call_u64(fe, VHOST_USER_GET_QUEUE_NUM, &v), ==, 0);
	g_assert_cmpuint(v, ==, 2);
	g_assert_cmpint(vfe_call_u64(fe, VHOST_USER_GET_MAX_MEM_SLOTS, &v), ==, 0);
	g_assert_cmpuint(v, ==, VHOST_USER_MAX_RAM_SLOTS);
}

static void
test_features_unoffered(void)
{
	g_autoptr(VfeFrontend) fe = spawn_echo();

	g_assert_cmpint(vfe_negotiate(fe, FEATURES, UINT64_MAX), ==, 0);
	/* Unknown protocol features are refused (ack 1) and the connection lives on. */
	g_assert_cmpint(vfe_request_u64(fe, VHOST_USER_SET_PROTOCOL_FEATURES, 1ull << 63), ==,
	                -EIO);
	/*
	 * QEMU 10 acks RING_RESET (bit 40) that was never offered: the bit is
	 * dropped and the features that were offered, indirect descriptors
	 * among them, are in force.
	 */
	g_assert_cmpint(vfe_set_features(fe, vfe_features(fe) | (1ull << 40)), ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, RAM_SIZE, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	g_autoptr(GBytes) got = echo_roundtrip(fe, "indirect", true);
	g_assert_nonnull(got);
	g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got), "indirect", 8);
}

static void
test_echo_mem_table(void)
{
	g_autoptr(VfeFrontend) fe = spawn_echo();

	/* Without CONFIGURE_MEM_SLOTS, memory comes as one SET_MEM_TABLE. */
	g_assert_cmpint(
	        vfe_negotiate(fe, FEATURES, ~(1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)),
	        ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, RAM_SIZE, 4), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	for (int i = 0; i < 20; i++)
		assert_echo(fe, "hello, ring");
}

static void
test_echo_add_mem_reg(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 6);

	g_assert_cmpint(vfe_queue_setup(fe, 0, 4, 0), ==, 0);
	assert_echo(fe, "regions one by one");
}

static void
test_echo_no_protocol_features(void)
{
	g_autoptr(VfeFrontend) fe = spawn_echo();

	/* A front-end without protocol features: rings start enabled. */
	g_assert_cmpint(vfe_negotiate(fe, FEATURES & ~(1ull << VHOST_USER_F_PROTOCOL_FEATURES), 0),
	                ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, RAM_SIZE, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	assert_echo(fe, "legacy");
}

static void
test_echo_indirect_and_event_idx(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 2);

	g_assert_true(vfe_has_feature(fe, VIRTIO_RING_F_EVENT_IDX));
	g_assert_cmpint(vfe_queue_setup(fe, 0, 16, 0), ==, 0);
	for (int i = 0; i < 40; i++) {
		g_autoptr(GBytes) got = echo_roundtrip(fe, "indirect", i % 2);
		g_assert_nonnull(got);
		g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got), "indirect", 8);
	}
}

static void
test_echo_across_regions(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 2);
	uint64_t gpa0, size0;
	char buf[32] = { 0 };
	uint32_t id, len;

	/* A buffer straddling two regions becomes a two-piece scatter list. */
	g_assert_cmpint(vfe_mem_region(fe, 0, &gpa0, &size0, NULL, NULL, NULL), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	uint64_t out = gpa0 + size0 - 5, in = gpa0 + size0 - 7;
	vfe_mem_write(fe, out, "straddling", 10);
	/* Write to a separate area for the in-buffer: reuse the allocator. */
	in = vfe_alloc(fe, 32, 0);
	VfeBuf ob = { out, 10 }, ib = { in, 32 };
	g_assert_cmpint(vfe_queue_add(fe, 0, &ob, 1, &ib, 1), >=, 0);
	vfe_queue_kick(fe, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, -1, &id, &len), ==, 0);
	g_assert_cmpuint(len, ==, 10);
	vfe_mem_read(fe, in, buf, len);
	g_assert_cmpstr(buf, ==, "straddling");
}

static void
test_config(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	uint8_t cfg[16], word[4] = { 1, 2, 3, 4 };

	g_assert_cmpint(vfe_get_config(fe, 0, 16, cfg), ==, 0);
	g_assert_cmpstr((char *)cfg, ==, "ECHODEV");
	g_assert_cmpint(vfe_get_config(fe, 4, 4, cfg), ==, 0);
	g_assert_cmpmem(cfg, 4, "DEV", 4);
	/* Past the end, zero-size, and overflowing reads get the empty error reply. */
	g_assert_cmpint(vfe_get_config(fe, 8, 16, cfg), ==, -EIO);
	g_assert_cmpint(vfe_get_config(fe, 17, 1, cfg), ==, -EIO);
	g_assert_cmpint(vfe_get_config(fe, UINT32_MAX, 2, cfg), ==, -EIO);
	/* The writable word, then read-only fields refused unless migrating. */
	g_assert_cmpint(vfe_set_config(fe, 8, 4, VHOST_SET_CONFIG_TYPE_FRONTEND, word), ==, 0);
	g_assert_cmpint(vfe_get_config(fe, 8, 4, cfg), ==, 0);
	g_assert_cmpmem(cfg, 4, word, 4);
	g_assert_cmpint(vfe_set_config(fe, 0, 4, VHOST_SET_CONFIG_TYPE_FRONTEND, "XXXX"), ==, -EIO);
	g_assert_cmpint(vfe_get_config(fe, 0, 8, cfg), ==, 0);
	g_assert_cmpstr((char *)cfg, ==, "ECHODEV");
	g_assert_cmpint(vfe_set_config(fe, 0, 4, VHOST_SET_CONFIG_TYPE_MIGRATION, "MIGR"), ==, 0);
	g_assert_cmpint(vfe_get_config(fe, 0, 4, cfg), ==, 0);
	g_assert_cmpmem(cfg, 4, "MIGR", 4);
	g_assert_cmpint(vfe_set_config(fe, 0, 4, 7 /* unknown flags */, "ABCD"), ==, -EIO);
}

static void
test_config_bad_sizes(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	VhostUserConfig c = { .offset = 0, .size = 16 };
	uint8_t reply[sizeof(VhostUserConfig)];
	size_t got = 99;

	/* Header says 16 bytes, payload carries 4: the reply is empty. */
	g_assert_cmpint(vfe_send_msg(fe, VHOST_USER_GET_CONFIG, 0, &c, 12 + 4, NULL, 0), ==, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_CONFIG, reply, sizeof(reply), &got, -1),
	                ==, 0);
	g_assert_cmpuint(got, ==, 0);
	/* Shorter than the config header. */
	g_assert_cmpint(vfe_send_msg(fe, VHOST_USER_GET_CONFIG, 0, &c, 8, NULL, 0), ==, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_CONFIG, reply, sizeof(reply), &got, -1),
	                ==, 0);
	g_assert_cmpuint(got, ==, 0);
	/* The size that was asked for exactly. */
	c.size = 3;
	g_assert_cmpint(vfe_send_msg(fe, VHOST_USER_GET_CONFIG, 0, &c, 12 + 3, NULL, 0), ==, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_CONFIG, reply, sizeof(reply), &got, -1),
	                ==, 0);
	g_assert_cmpuint(got, ==, 12 + 3);
	g_assert_cmpmem(reply + 12, 3, "ECH", 3);
	assert_alive(fe);
}

static void
test_malformed_messages(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	uint64_t zero = 0, ack = 0;
	int efd = eventfd(0, EFD_CLOEXEC);
	size_t got;

	/* Wrong payload size for SET_FEATURES: failing ack. */
	g_assert_cmpint(vfe_send_msg(fe, VHOST_USER_SET_FEATURES,
	                             VHOST_USER_VERSION | VHOST_USER_NEED_REPLY_MASK, &zero, 4,
	                             NULL, 0),
	                ==, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_SET_FEATURES, &ack, sizeof(ack), &got, -1),
	                ==, 0);
	g_assert_cmpuint(ack, !=, 0);
	/* Unknown request, and one we do not implement. */
	g_assert_cmpint(vfe_send_msg(fe, 99, VHOST_USER_VERSION | VHOST_USER_NEED_REPLY_MASK, NULL,
	                             0, NULL, 0),
	                ==, 0);
	g_assert_cmpint(vfe_recv_reply(fe, 99, &ack, sizeof(ack), &got, -1), ==, 0);
	g_assert_cmpuint(ack, !=, 0);
	g_assert_cmpint(vfe_request(fe, VHOST_USER_POSTCOPY_ADVISE, NULL, 0, NULL, 0), ==, -EIO);
	/* An fd where none belongs: refused, closed, the connection lives. */
	g_assert_cmpint(vfe_request(fe, VHOST_USER_SET_FEATURES, &zero, 8, &efd, 1), ==, -EIO);
	/* A request that needs an fd without one. */
	g_assert_cmpint(vfe_request(fe, VHOST_USER_SET_BACKEND_REQ_FD, NULL, 0, NULL, 0), ==, -EIO);
	/* Queue index out of range. */
	g_assert_cmpint(vfe_request_state(fe, VHOST_USER_SET_VRING_NUM, 7, 8), ==, -EIO);
	g_assert_cmpint(vfe_request_state(fe, VHOST_USER_SET_VRING_NUM, 0, 3), ==, -EIO);
	g_assert_cmpint(vfe_request_state(fe, VHOST_USER_SET_VRING_NUM, 0, 65536), ==, -EIO);
	close(efd);
	assert_alive(fe);
}

static void
test_framing_errors_close(void)
{
	g_autoptr(VfeFrontend) fe = spawn_echo();
	int fds[12];
	uint8_t big[16] = { 0 };
	VhostUserHeader bad_version = { VHOST_USER_GET_FEATURES, 2, 0 };
	VhostUserHeader oversized = { VHOST_USER_SET_FEATURES, VHOST_USER_VERSION, 1u << 20 };

	/* Too many fds: the connection is closed; the daemon serves the next one. */
	for (unsigned int i = 0; i < G_N_ELEMENTS(fds); i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	g_assert_cmpint(vfe_send_msg(fe, VHOST_USER_SET_FEATURES, 0, big, 8, fds, 12), ==, 0);
	g_assert_cmpint(vfe_wait_disconnect(fe, 3000), ==, 0);
	for (unsigned int i = 0; i < G_N_ELEMENTS(fds); i++)
		close(fds[i]);

	g_assert_cmpint(vfe_reconnect(fe, 3000), ==, 0);
	g_assert_cmpint(vfe_send_bytes(fe, &bad_version, sizeof(bad_version), NULL, 0), ==, 0);
	g_assert_cmpint(vfe_wait_disconnect(fe, 3000), ==, 0);

	g_assert_cmpint(vfe_reconnect(fe, 3000), ==, 0);
	g_assert_cmpint(vfe_send_bytes(fe, &oversized, sizeof(oversized), NULL, 0), ==, 0);
	g_assert_cmpint(vfe_wait_disconnect(fe, 3000), ==, 0);

	/* Half a header, then silence: the daemon does not block on it. */
	g_assert_cmpint(vfe_reconnect(fe, 3000), ==, 0);
	g_assert_cmpint(vfe_send_bytes(fe, &bad_version, 5, NULL, 0), ==, 0);
	vfe_disconnect(fe);
	g_assert_cmpint(vfe_reconnect(fe, 3000), ==, 0);
	assert_alive(fe);
	g_assert_cmpint(vfe_child_wait(fe, 0), ==, -ETIMEDOUT);
}

static void
test_memory_table_refused(void)
{
	g_autoptr(VfeFrontend) fe = spawn_echo();
	VhostUserMemory m = { 0 };
	uint64_t gpa, size, uaddr, off;
	int fd;

	g_assert_cmpint(
	        vfe_negotiate(fe, FEATURES, ~(1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)),
	        ==, 0);
	g_assert_cmpint(vfe_mem_init(fe, RAM_SIZE, 2, 0), ==, 0);
	g_assert_cmpint(vfe_mem_region(fe, 0, &gpa, &size, &uaddr, &fd, &off), ==, 0);
	size_t msize = offsetof(VhostUserMemory, regions) + 2 * sizeof(VhostUserMemoryRegion);
	int fds[2] = { fd, fd };

	/* Two regions overlapping in guest physical space. */
	m.nregions = 2;
	m.regions[0] = (VhostUserMemoryRegion){ gpa, size, uaddr, off };
	m.regions[1] = (VhostUserMemoryRegion){ gpa + size / 2, size, uaddr + (1ull << 32), off };
	g_assert_cmpint(vfe_request(fe, VHOST_USER_SET_MEM_TABLE, &m, msize, fds, 2), ==, -EIO);
	/* A region whose end overflows 64 bits. */
	m.regions[1] =
	        (VhostUserMemoryRegion){ UINT64_MAX - 4095, size, uaddr + (1ull << 32), off };
	g_assert_cmpint(vfe_request(fe, VHOST_USER_SET_MEM_TABLE, &m, msize, fds, 2), ==, -EIO);
	/* A region larger than its file (would SIGBUS on access). */
	m.nregions = 1;
	m.regions[0] = (VhostUserMemoryRegion){ gpa, 1ull << 40, uaddr, off };
	g_assert_cmpint(vfe_request(fe, VHOST_USER_SET_MEM_TABLE, &m, msize, fds, 1), ==, -EIO);
	/* More regions than fds. */
	m.nregions = 2;
	m.regions[0] = (VhostUserMemoryRegion){ gpa, size, uaddr, off };
	g_assert_cmpint(vfe_request(fe, VHOST_USER_SET_MEM_TABLE, &m, msize, fds, 1), ==, -EIO);
	/* The front-end's real table still works afterwards. */
	g_assert_cmpint(vfe_mem_send_table(fe), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	assert_echo(fe, "still fine");
}

static void
test_mem_region_removed(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 2);
	uint64_t gpa1;
	uint32_t id, len;

	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, VFE_QUEUE_ERR_FD), ==, 0);
	assert_echo(fe, "before");
	/* A buffer in region 1, then region 1 goes away: the queue stops, the daemon lives. */
	uint64_t buf = vfe_alloc_in_region(fe, 1, 64, 0);
	g_assert_cmpuint(buf, !=, 0);
	g_assert_cmpint(vfe_mem_region(fe, 1, &gpa1, NULL, NULL, NULL, NULL), ==, 0);
	g_assert_cmpint(vfe_mem_remove_region(fe, 1), ==, 0);
	g_assert_cmpint(vfe_mem_remove_region(fe, 1), ==, -EIO);
	VfeBuf ob = { buf, 8 }, ib = { vfe_alloc_in_region(fe, 0, 16, 0), 16 };
	g_assert_cmpint(vfe_queue_add(fe, 0, &ob, 1, &ib, 1), >=, 0);
	vfe_queue_kick(fe, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, SHORT_MS, &id, &len), ==, -ETIMEDOUT);
	eventfd_t v = 0;
	g_usleep(50000);
	g_assert_cmpint(eventfd_read(vfe_queue_err_fd(fe, 0), &v), ==, 0);
	g_assert_cmpuint(v, >=, 1);
	assert_alive(fe);
}

typedef void (*RingAbuse)(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize);

static void
abuse_loop(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	d[0] = (VringDesc){ buf, 8, VRING_DESC_F_NEXT, 1 };
	d[1] = (VringDesc){ buf, 8, VRING_DESC_F_NEXT, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_next_out_of_range(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	d[0] = (VringDesc){ buf, 8, VRING_DESC_F_NEXT, 60000 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_head_out_of_range(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	vfe_queue_publish(fe, 0, (uint16_t)qsize);
}

static void
abuse_outside_memory(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	d[0] = (VringDesc){ 1ull << 40, 8, 0, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_overflowing_buffer(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	d[0] = (VringDesc){ UINT64_MAX - 3, 8, VRING_DESC_F_WRITE, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_straddles_end(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	d[0] = (VringDesc){ RAM_SIZE - 4, 64, VRING_DESC_F_WRITE, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_avail_jump(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	vfe_queue_set_avail_idx(fe, 0, (uint16_t)(qsize + 5));
}

static void
abuse_read_after_write(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	d[0] = (VringDesc){ buf, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1 };
	d[1] = (VringDesc){ buf, 8, 0, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_nested_indirect(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	uint64_t table = vfe_alloc(fe, 2 * sizeof(VringDesc), 16);
	VringDesc inner[2] = { { table, 32, VRING_DESC_F_INDIRECT, 0 }, { buf, 8, 0, 0 } };

	vfe_mem_write(fe, table, inner, sizeof(inner));
	d[0] = (VringDesc){ table, sizeof(inner), VRING_DESC_F_INDIRECT, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_indirect_bad_len(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	d[0] = (VringDesc){ buf, 13, VRING_DESC_F_INDIRECT, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
abuse_indirect_loop(VfeFrontend *fe, VringDesc *d, uint64_t buf, unsigned int qsize)
{
	uint64_t table = vfe_alloc(fe, 2 * sizeof(VringDesc), 16);
	VringDesc inner[2] = { { buf, 8, VRING_DESC_F_NEXT, 1 }, { buf, 8, VRING_DESC_F_NEXT, 0 } };

	vfe_mem_write(fe, table, inner, sizeof(inner));
	d[0] = (VringDesc){ table, sizeof(inner), VRING_DESC_F_INDIRECT, 0 };
	vfe_queue_publish(fe, 0, 0);
}

static void
test_malicious_ring(gconstpointer data)
{
	RingAbuse abuse = (RingAbuse)data;
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	uint64_t buf = vfe_alloc(fe, 64, 0);
	uint32_t id, len;
	eventfd_t v = 0;

	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, VFE_QUEUE_ERR_FD), ==, 0);
	abuse(fe, vfe_queue_desc(fe, 0), buf, 8);
	vfe_queue_kick(fe, 0);
	/* Nothing is completed, the error eventfd fires, the daemon lives on. */
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, SHORT_MS, &id, &len), ==, -ETIMEDOUT);
	g_assert_cmpint(eventfd_read(vfe_queue_err_fd(fe, 0), &v), ==, 0);
	g_assert_cmpuint(v, >=, 1);
	assert_alive(fe);
	g_assert_cmpint(vfe_child_wait(fe, 0), ==, -ETIMEDOUT);
}

static void
test_iotlb_miss_and_update(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES_IOMMU, UINT64_MAX, 1);
	uint64_t iova = 0;
	uint8_t perm = 0;

	g_assert_true(vfe_has_feature(fe, VIRTIO_F_IOMMU_PLATFORM));
	g_assert_cmpint(vfe_enable_backend_channel(fe), ==, 0);
	/* The front-end's IOMMU maps all RAM 1:1; the back-end learns it miss by miss. */
	vfe_iotlb_map_add(fe, 0, RAM_SIZE, 0, VHOST_ACCESS_RW);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	assert_echo(fe, "through the iommu");
	g_assert_cmpuint(vfe_backend_msg_count(fe, VHOST_USER_BACKEND_IOTLB_MSG), >=, 1);
	g_assert_cmpint(vfe_last_iotlb_miss(fe, &iova, &perm), ==, 0);
	g_assert_cmpuint(iova, <, RAM_SIZE);
	g_assert_cmpuint(vfe_backend_bad_msg_count(fe), ==, 0);
	/* Invalidate everything: the next request misses again and still completes. */
	unsigned int before = vfe_backend_msg_count(fe, VHOST_USER_BACKEND_IOTLB_MSG);
	g_assert_cmpint(vfe_iotlb_invalidate(fe, 0, RAM_SIZE), ==, 0);
	assert_echo(fe, "after invalidation");
	g_assert_cmpuint(vfe_backend_msg_count(fe, VHOST_USER_BACKEND_IOTLB_MSG), >, before);
}

static void
test_iotlb_no_access(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES_IOMMU, UINT64_MAX, 1);
	uint32_t id, len;

	g_assert_cmpint(vfe_enable_backend_channel(fe), ==, 0);
	/* Rings mapped read-write, buffers read-only: the device cannot write its reply. */
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, VFE_QUEUE_ERR_FD), ==, 0);
	g_assert_cmpint(vfe_iotlb_update(fe, 0, RAM_SIZE, 0, VHOST_ACCESS_RO), ==, 0);
	uint64_t d, a, u;
	vfe_queue_ring_gpa(fe, 0, &d, &a, &u);
	g_assert_cmpint(vfe_iotlb_update(fe, u, 4096, u, VHOST_ACCESS_RW), ==, 0);
	uint64_t out = vfe_alloc(fe, 8, 0), in = vfe_alloc(fe, 8, 0);
	VfeBuf ob = { out, 8 }, ib = { in, 8 };
	g_assert_cmpint(vfe_queue_add(fe, 0, &ob, 1, &ib, 1), >=, 0);
	vfe_queue_kick(fe, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, SHORT_MS, &id, &len), ==, -ETIMEDOUT);
	assert_alive(fe);
}

static void
test_dirty_log(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 2);
	uint64_t d, a, u;

	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, VFE_QUEUE_LOG), ==, 0);
	g_assert_cmpint(vfe_set_log(fe, 0), ==, 0);
	/* SET_LOG_FD: the back-end signals this eventfd after it logged writes. */
	int log_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g_assert_cmpint(vfe_request(fe, VHOST_USER_SET_LOG_FD, NULL, 0, &log_fd, 1), ==, 0);
	g_assert_cmpint(vfe_set_features(fe, vfe_features(fe) | (1ull << VHOST_F_LOG_ALL)), ==, 0);
	vfe_log_clear(fe);

	uint64_t out = vfe_alloc(fe, 16, 4096), in = vfe_alloc(fe, 8192, 4096);
	uint64_t untouched = vfe_alloc(fe, 4096, 4096);
	VfeBuf ob = { out, 16 }, ib = { in + 4096, 4096 };
	uint32_t id, len;
	vfe_mem_write(fe, out, "dirty pages here", 16);
	g_assert_cmpint(vfe_queue_add(fe, 0, &ob, 1, &ib, 1), >=, 0);
	vfe_queue_kick(fe, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, -1, &id, &len), ==, 0);
	vfe_queue_ring_gpa(fe, 0, &d, &a, &u);
	/* The page written and the used ring are dirty; what was only read is not. */
	g_assert_true(vfe_log_is_dirty(fe, in + 4096));
	g_assert_true(vfe_log_is_dirty(fe, u));
	g_assert_false(vfe_log_is_dirty(fe, in));
	g_assert_false(vfe_log_is_dirty(fe, out));
	g_assert_false(vfe_log_is_dirty(fe, untouched));
	eventfd_t kicks = 0;
	g_assert_cmpint(eventfd_read(log_fd, &kicks), ==, 0);
	g_assert_cmpuint(kicks, >=, 1);
	close(log_fd);
}

static void
test_reconnect(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);

	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	assert_echo(fe, "first connection");
	for (int i = 0; i < 3; i++) {
		vfe_disconnect(fe);
		g_assert_cmpint(vfe_reconnect(fe, 3000), ==, 0);
		g_assert_cmpint(vfe_negotiate(fe, FEATURES, UINT64_MAX), ==, 0);
		g_assert_cmpint(vfe_mem_setup(fe, RAM_SIZE, 1), ==, 0);
		g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
		assert_echo(fe, "next connection");
	}
}

static void
test_inflight_resubmit(void)
{
	g_autofree char *dir = g_dir_make_tmp("vhost-inflight-XXXXXX", NULL);
	g_autofree char *hold = g_build_filename(dir, "hold", NULL);
	g_autofree char *arg = g_strdup_printf("--hold-file=%s", hold);
	g_autoptr(VfeFrontend) fe = NULL;
	g_autoptr(GError) error = NULL;
	uint32_t id, len;
	int heads[3];
	uint64_t ins[3];
	char buf[16];

	g_file_set_contents(hold, "", 0, NULL);
	fe = spawn_echo_args(arg);
	g_assert_cmpint(vfe_negotiate(fe, FEATURES, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, RAM_SIZE, 1), ==, 0);
	g_assert_cmpint(vfe_inflight_get(fe, 2, 8), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	for (int i = 0; i < 3; i++) {
		char msg[8];
		g_snprintf(msg, sizeof(msg), "req%d", i);
		uint64_t out = vfe_alloc(fe, 8, 0);
		ins[i] = vfe_alloc(fe, 16, 0);
		vfe_mem_write(fe, out, msg, 5);
		VfeBuf ob = { out, 5 }, ib = { ins[i], 16 };
		heads[i] = vfe_queue_add(fe, 0, &ob, 1, &ib, 1);
		g_assert_cmpint(heads[i], >=, 0);
	}
	vfe_queue_kick(fe, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, SHORT_MS, &id, &len), ==, -ETIMEDOUT);

	/* The inflight area says all three were taken. */
	VhostInflightQueueSplit *q0 = vfe_inflight_area(fe, NULL);
	g_assert_nonnull(q0);
	for (int i = 0; i < 3; i++)
		g_assert_cmpuint(q0->desc[heads[i]].inflight, ==, 1);

	/* The back-end dies; a new one gets the inflight fd and finishes the work, in order. */
	unlink(hold);
	g_assert_true(vfe_restart(fe, &error));
	g_assert_no_error(error);
	g_assert_cmpint(vfe_negotiate(fe, FEATURES, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_send_table(fe), ==, 0);
	g_assert_cmpint(vfe_inflight_send(fe), ==, 0);
	g_assert_cmpint(vfe_queue_resume(fe, 0, vfe_queue_used(fe, 0)->idx), ==, 0);
	for (int i = 0; i < 3; i++) {
		g_assert_cmpint(vfe_queue_wait_used(fe, 0, -1, &id, &len), ==, 0);
		g_assert_cmpuint(id, ==, (uint32_t)heads[i]);
		g_assert_cmpuint(len, ==, 5);
		vfe_mem_read(fe, ins[i], buf, 5);
		g_assert_cmpmem(buf, 3, "req", 3);
		g_assert_cmpint(buf[3], ==, '0' + i);
		g_assert_cmpuint(q0->desc[heads[i]].inflight, ==, 0);
	}
	/* New requests work as usual afterwards. */
	assert_echo(fe, "fresh");
	rmdir(dir);
}

static void
test_vring_base_stops(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	uint32_t base = 0, id, len;

	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	assert_echo(fe, "one");
	assert_echo(fe, "two");
	g_assert_cmpint(vfe_queue_get_base(fe, 0, &base), ==, 0);
	g_assert_cmpuint(base, ==, 2);
	/* Stopped: a kick is not served until the ring is set up again. */
	assert_not_served(fe);
	g_assert_cmpint(vfe_queue_resume(fe, 0, base), ==, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, -1, &id, &len), ==, 0);
	g_assert_cmpuint(len, ==, 3);
}

static void
test_queue_disable(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	uint32_t id, len;

	/* Disabled rings are not processed; enabling picks up what was queued. */
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, VFE_QUEUE_NO_ENABLE), ==, 0);
	assert_not_served(fe);
	g_assert_cmpint(vfe_queue_enable(fe, 0, true), ==, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, -1, &id, &len), ==, 0);
	/* And again: a ring disabled while running keeps its kick fd for later. */
	g_assert_cmpint(vfe_queue_enable(fe, 0, false), ==, 0);
	assert_not_served(fe);
	g_assert_cmpint(vfe_queue_enable(fe, 0, true), ==, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, -1, &id, &len), ==, 0);
	assert_echo(fe, "kicks work again");
}

static void
test_status_and_reset(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	uint8_t status = 0;

	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	g_assert_cmpint(vfe_set_status(fe, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	                                           VIRTIO_CONFIG_S_FEATURES_OK |
	                                           VIRTIO_CONFIG_S_DRIVER_OK),
	                ==, 0);
	g_assert_cmpint(vfe_get_status(fe, &status), ==, 0);
	g_assert_cmpuint(status, ==, 0xf);
	assert_echo(fe, "running");
	g_assert_cmpint(vfe_request(fe, VHOST_USER_RESET_DEVICE, NULL, 0, NULL, 0), ==, 0);
	g_assert_cmpint(vfe_get_status(fe, &status), ==, 0);
	g_assert_cmpuint(status, ==, 0);
	/* After a reset, rings are gone until the front-end sets them up again. */
	assert_not_served(fe);
	assert_alive(fe);
}

static void
test_reset_owner(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);

	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	assert_echo(fe, "owned");
	/* The deprecated RESET_OWNER resets like RESET_DEVICE: rings stop. */
	g_assert_cmpint(vfe_request(fe, VHOST_USER_RESET_OWNER, NULL, 0, NULL, 0), ==, 0);
	assert_not_served(fe);
	assert_alive(fe);
}

/* A request for another kind of device (a GPU's socket to the echo device) is refused. */
static void
test_device_message_refused(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	int sv[2];

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	g_assert_true(vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_REPLY_ACK));
	g_assert_cmpint(vfe_request(fe, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1), ==, -EIO);
	close(sv[1]);
	/* The library closed the fd it was given: the other end sees EOF. */
	g_assert_cmpint(read(sv[0], &(char){ 0 }, 1), ==, 0);
	close(sv[0]);
	assert_alive(fe);
}

static void
test_device_state(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);
	g_autoptr(GBytes) state = NULL;
	uint8_t word[4] = { 9, 8, 7, 6 }, cfg[4];
	size_t n;

	g_assert_cmpint(vfe_set_config(fe, 8, 4, VHOST_SET_CONFIG_TYPE_FRONTEND, word), ==, 0);
	g_assert_cmpint(vfe_device_state_save(fe, &state), ==, 0);
	const uint8_t *data = g_bytes_get_data(state, &n);
	g_assert_cmpuint(n, ==, 12);
	g_assert_cmpmem(data + 4, 4, word, 4);

	/* Load into a fresh daemon, as the migration destination would. */
	g_autoptr(VfeFrontend) dst = echo_ready(FEATURES, UINT64_MAX, 1);
	g_assert_cmpint(vfe_device_state_load(dst, data, n), ==, 0);
	g_assert_cmpint(vfe_get_config(dst, 8, 4, cfg), ==, 0);
	g_assert_cmpmem(cfg, 4, word, 4);
	/* A state that is not ours is rejected. */
	g_assert_cmpint(vfe_device_state_load(dst, "garbage", 7), ==, -EIO);

	/*
	 * A front-end that checks before closing its end of the pipe gets a
	 * failure at once (no hang), and a second load that follows works:
	 * nothing of the first transfer is left watching a file descriptor.
	 */
	{
		VhostUserTransferDeviceState req = {
			.direction = VHOST_TRANSFER_STATE_DIRECTION_LOAD,
			.phase = VHOST_TRANSFER_STATE_PHASE_STOPPED,
		};
		uint64_t reply, result = 0;
		int p[2];

		g_assert_cmpint(pipe(p), ==, 0);
		g_assert_cmpint(vfe_send_msg(dst, VHOST_USER_SET_DEVICE_STATE_FD,
		                             VHOST_USER_VERSION, &req, sizeof(req), &p[0], 1),
		                ==, 0);
		g_assert_cmpint(vfe_recv_reply(dst, VHOST_USER_SET_DEVICE_STATE_FD, &reply,
		                               sizeof(reply), NULL, 5000),
		                ==, 0);
		close(p[0]);
		g_assert_cmpint(write(p[1], data, 4), ==, 4);
		g_assert_cmpint(vfe_call_u64(dst, VHOST_USER_CHECK_DEVICE_STATE, &result), ==, 0);
		g_assert_cmpuint(result, !=, 0);
		close(p[1]);
		for (int i = 0; i < 3; i++)
			g_assert_cmpint(vfe_device_state_load(dst, data, n), ==, 0);
	}
}

static void
test_config_change_message(void)
{
	g_autoptr(VfeFrontend) fe = echo_ready(FEATURES, UINT64_MAX, 1);

	g_assert_cmpint(vfe_enable_backend_channel(fe), ==, 0);
	vfe_iotlb_map_add(fe, 0, RAM_SIZE, 0, VHOST_ACCESS_RW);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 8, 0), ==, 0);
	assert_echo(fe, "CONFIG changed");
	g_assert_cmpint(vfe_wait_config_change(fe, 3000), ==, 0);
	/* A front-end that refuses it (as QEMU's GPU does) does not upset the back-end. */
	vfe_set_config_change_reply(fe, 1);
	assert_echo(fe, "CONFIG again");
	g_assert_cmpint(vfe_wait_config_change(fe, 3000), ==, 0);
	assert_alive(fe);
	g_assert_cmpuint(vfe_backend_bad_msg_count(fe), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	echo_daemon = vfe_built_path("tests/vhost/echo-daemon");

	g_test_add_func("/vhost/handshake", test_handshake);
	g_test_add_func("/vhost/features-unoffered", test_features_unoffered);
	g_test_add_func("/vhost/echo/mem-table", test_echo_mem_table);
	g_test_add_func("/vhost/echo/add-mem-reg", test_echo_add_mem_reg);
	g_test_add_func("/vhost/echo/no-protocol-features", test_echo_no_protocol_features);
	g_test_add_func("/vhost/echo/indirect-event-idx", test_echo_indirect_and_event_idx);
	g_test_add_func("/vhost/echo/across-regions", test_echo_across_regions);
	g_test_add_func("/vhost/config/read-write", test_config);
	g_test_add_func("/vhost/config/bad-sizes", test_config_bad_sizes);
	g_test_add_func("/vhost/config/change-message", test_config_change_message);
	g_test_add_func("/vhost/malformed/refused", test_malformed_messages);
	g_test_add_func("/vhost/malformed/framing-closes", test_framing_errors_close);
	g_test_add_func("/vhost/memory/refused", test_memory_table_refused);
	g_test_add_func("/vhost/memory/region-removed", test_mem_region_removed);
	g_test_add_data_func("/vhost/ring/loop", abuse_loop, test_malicious_ring);
	g_test_add_data_func("/vhost/ring/next-out-of-range", abuse_next_out_of_range,
	                     test_malicious_ring);
	g_test_add_data_func("/vhost/ring/head-out-of-range", abuse_head_out_of_range,
	                     test_malicious_ring);
	g_test_add_data_func("/vhost/ring/outside-memory", abuse_outside_memory,
	                     test_malicious_ring);
	g_test_add_data_func("/vhost/ring/overflowing-buffer", abuse_overflowing_buffer,
	                     test_malicious_ring);
	g_test_add_data_func("/vhost/ring/straddles-end", abuse_straddles_end, test_malicious_ring);
	g_test_add_data_func("/vhost/ring/avail-jump", abuse_avail_jump, test_malicious_ring);
	g_test_add_data_func("/vhost/ring/read-after-write", abuse_read_after_write,
	                     test_malicious_ring);
	g_test_add_data_func("/vhost/ring/nested-indirect", abuse_nested_indirect,
	                     test_malicious_ring);
	g_test_add_data_func("/vhost/ring/indirect-bad-len", abuse_indirect_bad_len,
	                     test_malicious_ring);
	g_test_add_data_func("/vhost/ring/indirect-loop", abuse_indirect_loop, test_malicious_ring);
	g_test_add_func("/vhost/iotlb/miss-update", test_iotlb_miss_and_update);
	g_test_add_func("/vhost/iotlb/permission", test_iotlb_no_access);
	g_test_add_func("/vhost/dirty-log", test_dirty_log);
	g_test_add_func("/vhost/reconnect", test_reconnect);
	g_test_add_func("/vhost/inflight-resubmit", test_inflight_resubmit);
	g_test_add_func("/vhost/vring-base-stops", test_vring_base_stops);
	g_test_add_func("/vhost/vring-enable", test_queue_disable);
	g_test_add_func("/vhost/status-reset", test_status_and_reset);
	g_test_add_func("/vhost/reset-owner", test_reset_owner);
	g_test_add_func("/vhost/device-message-refused", test_device_message_refused);
	g_test_add_func("/vhost/device-state", test_device_state);
	return g_test_run();
}
