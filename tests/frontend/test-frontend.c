/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of libvfe itself: the raw protocol and the driver side against a
 * socketpair peer the test controls, then a full handshake and a GPU command
 * against QEMU's reference back-end, /usr/lib/qemu/vhost-user-gpu.
 */
#include <errno.h>
#include <gio/gio.h>
#include <linux/virtio_gpu.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend.h"

#define QEMU_GPU "/usr/lib/qemu/vhost-user-gpu"
/*
 * QEMU's back-end logs guest errors with g_critical(); the test environment's
 * G_DEBUG=fatal-criticals must not turn those into aborts in the child.
 */
#define QEMU_GPU_ARGV "env", "-u", "G_DEBUG", QEMU_GPU

/* Two front-ends on the two ends of a socketpair: one plays the back-end. */
static void
make_pair(VfeFrontend **fe, VfeFrontend **peer)
{
	int sv[2];

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	*fe = vfe_new_from_fd(sv[0]);
	*peer = vfe_new_from_fd(sv[1]);
}

/* Reads and drops one message on peer, returning its request. */
static uint32_t
peer_skip(VfeFrontend *peer)
{
	VhostUserHeader hdr;
	uint8_t buf[VHOST_USER_MAX_PAYLOAD];
	int fds[8];
	size_t nfds = 8;
	int r = vfe_recv_msg(peer, &hdr, buf, sizeof(buf), fds, &nfds, 1000);

	g_assert_cmpint(r, >=, 0);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	return hdr.request;
}

static void
test_raw_roundtrip(void)
{
	g_autoptr(VfeFrontend) fe = NULL;
	g_autoptr(VfeFrontend) peer = NULL;
	VhostUserHeader hdr;
	uint64_t value = 0x1122334455667788ull;
	uint64_t got = 0;
	int efd = eventfd(0, EFD_CLOEXEC);
	int fds[4];
	size_t nfds = G_N_ELEMENTS(fds);
	size_t size = 0;

	make_pair(&fe, &peer);
	g_assert_cmpint(
	        vfe_send_msg(fe, VHOST_USER_SET_VRING_KICK, 0, &value, sizeof(value), &efd, 1), ==,
	        0);
	g_assert_cmpint(vfe_recv_msg(peer, &hdr, &got, sizeof(got), fds, &nfds, 1000), ==, 8);
	g_assert_cmpuint(hdr.request, ==, VHOST_USER_SET_VRING_KICK);
	g_assert_cmpuint(hdr.flags, ==, VHOST_USER_VERSION);
	g_assert_cmpuint(got, ==, value);
	g_assert_cmpuint(nfds, ==, 1);
	/* The received fd is the same eventfd: a write on it shows on ours. */
	{
		uint64_t one = 1, v = 0;

		g_assert_cmpint(write(fds[0], &one, 8), ==, 8);
		g_assert_cmpint(read(efd, &v, 8), ==, 8);
		g_assert_cmpuint(v, ==, 1);
		close(fds[0]);
	}

	/* A good reply. */
	value = 42;
	g_assert_cmpint(vfe_send_msg(peer, VHOST_USER_GET_FEATURES,
	                             VHOST_USER_VERSION | VHOST_USER_REPLY_MASK, &value, 8, NULL,
	                             0),
	                ==, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_FEATURES, &got, 8, &size, 1000), ==, 0);
	g_assert_cmpuint(got, ==, 42);
	g_assert_cmpuint(size, ==, 8);

	/* A reply to the wrong request, one without the reply bit, one too large. */
	vfe_send_msg(peer, VHOST_USER_GET_STATUS, VHOST_USER_VERSION | VHOST_USER_REPLY_MASK,
	             &value, 8, NULL, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_FEATURES, &got, 8, NULL, 1000), ==,
	                -EPROTO);
	vfe_send_msg(peer, VHOST_USER_GET_FEATURES, VHOST_USER_VERSION, &value, 8, NULL, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_FEATURES, &got, 8, NULL, 1000), ==,
	                -EPROTO);
	vfe_send_msg(peer, VHOST_USER_GET_FEATURES, VHOST_USER_VERSION | VHOST_USER_REPLY_MASK,
	             &value, 8, NULL, 0);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_FEATURES, &got, 4, NULL, 1000), ==,
	                -EMSGSIZE);

	/* Silence times out; the stream is still in sync afterwards. */
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_FEATURES, &got, 8, NULL, 50), ==,
	                -ETIMEDOUT);
	{
		uint8_t partial[6] = { 1, 0, 0, 0, 5, 0 };

		/* Half a header, then silence: a timeout, not a hang. */
		g_assert_cmpint(vfe_send_bytes(peer, partial, sizeof(partial), NULL, 0), ==, 0);
		g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_FEATURES, &got, 8, NULL, 50), ==,
		                -ETIMEDOUT);
	}

	/* EOF. */
	g_clear_pointer(&peer, vfe_free);
	g_assert_cmpint(vfe_recv_reply(fe, VHOST_USER_GET_FEATURES, &got, 8, NULL, 1000), ==,
	                -ECONNRESET);
	g_assert_cmpint(vfe_wait_disconnect(fe, 1000), ==, 0);
	g_assert_cmpint(vfe_fd(fe), ==, -1);
	close(efd);
}

/* A scripted back-end on a thread: answers the handshake with REPLY_ACK. */
typedef struct {
	VfeFrontend *peer;
	uint64_t features;
	uint64_t protocol;
	unsigned int acks;
	uint64_t set_features;
	uint64_t set_protocol;
	uint64_t ack_value;
} Script;

static void
peer_reply_u64(VfeFrontend *peer, uint32_t request, uint64_t v)
{
	g_assert_cmpint(vfe_send_msg(peer, request, VHOST_USER_VERSION | VHOST_USER_REPLY_MASK, &v,
	                             8, NULL, 0),
	                ==, 0);
}

static gpointer
script_thread(gpointer data)
{
	Script *s = data;

	for (;;) {
		VhostUserHeader hdr;
		uint64_t p = 0;
		int r = vfe_recv_msg(s->peer, &hdr, &p, sizeof(p), NULL, NULL, 2000);

		if (r < 0)
			break;
		switch (hdr.request) {
		case VHOST_USER_GET_FEATURES:
			peer_reply_u64(s->peer, hdr.request, s->features);
			continue;
		case VHOST_USER_GET_PROTOCOL_FEATURES:
			peer_reply_u64(s->peer, hdr.request, s->protocol);
			continue;
		case VHOST_USER_SET_PROTOCOL_FEATURES:
			s->set_protocol = p;
			break;
		case VHOST_USER_SET_FEATURES:
			s->set_features = p;
			break;
		default:
			break;
		}
		if (hdr.flags & VHOST_USER_NEED_REPLY_MASK) {
			s->acks++;
			peer_reply_u64(s->peer, hdr.request,
			               hdr.request == VHOST_USER_SET_OWNER ? 0 : s->ack_value);
		}
	}
	return NULL;
}

static void
test_negotiate_scripted(void)
{
	g_autoptr(VfeFrontend) fe = NULL;
	Script s = {
		.features = (1ull << VIRTIO_F_VERSION_1) |
		            (1ull << VHOST_USER_F_PROTOCOL_FEATURES) |
		            (1ull << VIRTIO_RING_F_EVENT_IDX),
		.protocol = (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |
		            (1ull << VHOST_USER_PROTOCOL_F_CONFIG) |
		            (1ull << VHOST_USER_PROTOCOL_F_MQ),
	};
	GThread *t;

	make_pair(&fe, &s.peer);
	t = g_thread_new("script", script_thread, &s);
	g_assert_cmpint(vfe_negotiate(fe, ~(1ull << VIRTIO_RING_F_EVENT_IDX),
	                              ~(1ull << VHOST_USER_PROTOCOL_F_MQ)),
	                ==, 0);
	g_assert_cmpuint(vfe_offered_features(fe), ==, s.features);
	g_assert_cmpuint(vfe_offered_protocol_features(fe), ==, s.protocol);
	g_assert_true(vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_REPLY_ACK));
	g_assert_false(vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_MQ));
	g_assert_false(vfe_has_feature(fe, VIRTIO_RING_F_EVENT_IDX));
	g_assert_true(vfe_has_feature(fe, VIRTIO_F_VERSION_1));
	/* A failing ack is reported as -EIO. */
	s.ack_value = 1;
	g_assert_cmpint(vfe_request_u64(fe, VHOST_USER_SET_STATUS, 1), ==, -EIO);
	/* Without REPLY_ACK use, nothing is awaited. */
	vfe_set_reply_ack(fe, false);
	g_assert_cmpint(vfe_request_u64(fe, VHOST_USER_SET_STATUS, 1), ==, 0);
	vfe_disconnect(fe);
	g_thread_join(t);
	/* SET_OWNER and SET_FEATURES were acked, then the failing SET_STATUS. */
	g_assert_cmpuint(s.acks, ==, 3);
	g_assert_cmpuint(s.set_protocol, ==, s.protocol & ~(1ull << VHOST_USER_PROTOCOL_F_MQ));
	g_assert_cmpuint(s.set_features, ==, s.features & ~(1ull << VIRTIO_RING_F_EVENT_IDX));
	vfe_free(s.peer);
}

static void
test_memory(void)
{
	g_autoptr(VfeFrontend) fe = NULL;
	g_autoptr(VfeFrontend) peer = NULL;
	uint64_t gpa0, size0, uaddr0, gpa1, size1, uaddr1, off1;
	uint8_t pattern[8192], back[8192];
	uint64_t a, b;
	int fd;

	make_pair(&fe, &peer);
	g_assert_cmpint(vfe_mem_init(fe, 1 << 20, 3, VFE_MEM_HOLES), ==, 0);
	g_assert_cmpuint(vfe_mem_nregions(fe), ==, 3);
	g_assert_cmpint(vfe_mem_region(fe, 0, &gpa0, &size0, &uaddr0, &fd, NULL), ==, 0);
	g_assert_cmpint(vfe_mem_region(fe, 1, &gpa1, &size1, &uaddr1, NULL, &off1), ==, 0);
	g_assert_cmpint(vfe_mem_region(fe, 3, NULL, NULL, NULL, NULL, NULL), ==, -EINVAL);
	g_assert_cmpuint(gpa0, ==, 0);
	g_assert_cmpuint(size0 % 65536, ==, 0);
	g_assert_cmpuint(size0 * 3, >=, 1 << 20);
	g_assert_cmpuint(gpa1, >, gpa0 + size0); /* a hole */
	g_assert_cmpuint(off1, ==, size0);       /* one memfd, per-region offsets */
	g_assert_true(uaddr1 != uaddr0 + size0); /* user addresses not contiguous */
	g_assert_cmpint(fd, >=, 0);
	g_assert_null(vfe_gpa_to_host(fe, gpa0 + size0));
	g_assert_nonnull(vfe_gpa_to_host(fe, gpa1));
	g_assert_cmpuint(vfe_gpa_to_uaddr(fe, gpa1 + 10), ==, uaddr1 + 10);
	g_assert_cmpuint(vfe_gpa_to_uaddr(fe, gpa0 + size0), ==, 0);

	/* The allocator never returns 0, aligns, and moves on to the next region. */
	a = vfe_alloc(fe, 100, 4096);
	g_assert_cmpuint(a, !=, 0);
	g_assert_cmpuint(a % 4096, ==, 0);
	b = vfe_alloc(fe, size0 - 4096, 8);
	g_assert_cmpuint(b, >=, gpa1);
	g_assert_cmpuint(vfe_alloc(fe, size0 + 1, 8), ==, 0);
	g_assert_cmpuint(vfe_alloc_in_region(fe, 2, 16, 16) % 16, ==, 0);

	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	g_assert_cmpint(vfe_mem_write(fe, a, pattern, sizeof(pattern)), ==, 0);
	g_assert_cmpint(vfe_mem_read(fe, a, back, sizeof(back)), ==, 0);
	g_assert_cmpmem(pattern, sizeof(pattern), back, sizeof(back));
	/* Across the hole: refused. */
	g_assert_cmpint(vfe_mem_write(fe, gpa0 + size0 - 16, pattern, 32), ==, -EFAULT);

	/* Without holes, accesses span adjacent regions. */
	g_assert_cmpint(vfe_mem_init(fe, 256 << 10, 2, VFE_MEM_FD_PER_REGION), ==, 0);
	g_assert_cmpint(vfe_mem_region(fe, 1, &gpa1, NULL, NULL, &fd, &off1), ==, 0);
	g_assert_cmpuint(off1, ==, 0);
	g_assert_cmpint(vfe_mem_write(fe, gpa1 - 4096, pattern, sizeof(pattern)), ==, 0);
	g_assert_cmpint(vfe_mem_read(fe, gpa1 - 4096, back, sizeof(back)), ==, 0);
	g_assert_cmpmem(pattern, sizeof(pattern), back, sizeof(back));
	g_assert_cmpint(vfe_mem_fill(fe, gpa1 - 1, 0xab, 2), ==, 0);
	g_assert_cmpuint(*(uint8_t *)vfe_gpa_to_host(fe, gpa1), ==, 0xab);
}

/* Completes head on the peer's side of the used ring, as a device would. */
static void
device_push(VfeFrontend *fe, unsigned int q, uint32_t id, uint32_t len)
{
	VringUsed *used = vfe_queue_used(fe, q);
	unsigned int size = vfe_queue_size(fe, q);
	uint16_t idx = used->idx;
	VringUsedElem e = { .id = id, .len = len };
	uint64_t one = 1;

	memcpy((uint8_t *)used + 4 + 8 * (idx % size), &e, sizeof(e));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	used->idx = (uint16_t)(idx + 1);
	g_assert_cmpint(write(vfe_queue_call_fd(fe, q), &one, 8), ==, 8);
}

static void
test_queue_driver(void)
{
	g_autoptr(VfeFrontend) fe = NULL;
	g_autoptr(VfeFrontend) peer = NULL;
	VfeBuf out[2], in[1];
	uint32_t id = 0, len = 0;
	VringAvail *avail;
	VringDesc *desc;
	uint64_t dgpa, agpa, ugpa;
	int h1, h2, h3;

	make_pair(&fe, &peer);
	g_assert_cmpint(vfe_mem_init(fe, 1 << 20, 2, 0), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 4, 0), ==, 0);
	/* Without protocol features: NUM, BASE, ADDR, CALL, KICK and no ENABLE. */
	g_assert_cmpuint(peer_skip(peer), ==, VHOST_USER_SET_VRING_NUM);
	g_assert_cmpuint(peer_skip(peer), ==, VHOST_USER_SET_VRING_BASE);
	g_assert_cmpuint(peer_skip(peer), ==, VHOST_USER_SET_VRING_ADDR);
	g_assert_cmpuint(peer_skip(peer), ==, VHOST_USER_SET_VRING_CALL);
	g_assert_cmpuint(peer_skip(peer), ==, VHOST_USER_SET_VRING_KICK);
	g_assert_cmpint(vfe_queue_ring_gpa(fe, 0, &dgpa, &agpa, &ugpa), ==, 0);
	g_assert_cmpuint(dgpa % 16, ==, 0);
	g_assert_cmpuint(vfe_queue_free_count(fe, 0), ==, 4);

	out[0] = (VfeBuf){ vfe_alloc(fe, 64, 8), 64 };
	out[1] = (VfeBuf){ vfe_alloc(fe, 32, 8), 32 };
	in[0] = (VfeBuf){ vfe_alloc(fe, 128, 8), 128 };
	h1 = vfe_queue_add(fe, 0, out, 2, in, 1);
	g_assert_cmpint(h1, >=, 0);
	g_assert_cmpuint(vfe_queue_free_count(fe, 0), ==, 1);
	g_assert_cmpint(vfe_queue_add(fe, 0, out, 2, NULL, 0), ==, -ENOSPC);
	h2 = vfe_queue_add(fe, 0, NULL, 0, in, 1);
	g_assert_cmpint(h2, >=, 0);

	/* What the device sees. */
	avail = vfe_queue_avail(fe, 0);
	desc = vfe_queue_desc(fe, 0);
	g_assert_cmpuint(avail->idx, ==, 2);
	g_assert_cmpuint(avail->ring[0], ==, (unsigned int)h1);
	g_assert_cmpuint(desc[h1].addr, ==, out[0].gpa);
	g_assert_cmpuint(desc[h1].flags, ==, VRING_DESC_F_NEXT);
	{
		uint16_t n1 = desc[h1].next, n2 = desc[n1].next;

		g_assert_cmpuint(desc[n1].len, ==, 32);
		g_assert_cmpuint(desc[n2].flags, ==, VRING_DESC_F_WRITE);
		g_assert_cmpuint(desc[n2].addr, ==, in[0].gpa);
	}
	g_assert_cmpint(vfe_queue_kick(fe, 0), ==, 0);
	{
		uint64_t v = 0;

		g_assert_cmpint(read(vfe_queue_kick_fd(fe, 0), &v, 8), ==, 8);
		g_assert_cmpuint(v, ==, 1);
	}
	g_assert_true(vfe_queue_kick_needed(fe, 0));

	/* Nothing used: times out. */
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 20, &id, &len), ==, -ETIMEDOUT);
	/* Completions in the device's order, not the driver's. */
	device_push(fe, 0, (uint32_t)h2, 7);
	device_push(fe, 0, (uint32_t)h1, 9);
	g_assert_cmpuint(vfe_queue_used_pending(fe, 0), ==, 2);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 1000, &id, &len), ==, 0);
	g_assert_cmpuint(id, ==, (unsigned int)h2);
	g_assert_cmpuint(len, ==, 7);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 1000, &id, &len), ==, 0);
	g_assert_cmpuint(id, ==, (unsigned int)h1);
	g_assert_cmpuint(vfe_queue_free_count(fe, 0), ==, 4);
	g_assert_cmpuint(vfe_queue_call_count(fe, 0), >=, 1);

	/* A device that completes something twice is caught. */
	device_push(fe, 0, (uint32_t)h1, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 1000, &id, &len), ==, -EPROTO);
	device_push(fe, 0, 99, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 1000, &id, &len), ==, -EPROTO);

	/* Indirect: one ring descriptor. */
	h3 = vfe_queue_add_indirect(fe, 0, out, 2, in, 1);
	g_assert_cmpint(h3, >=, 0);
	g_assert_cmpuint(vfe_queue_free_count(fe, 0), ==, 3);
	g_assert_cmpuint(desc[h3].flags, ==, VRING_DESC_F_INDIRECT);
	g_assert_cmpuint(desc[h3].len, ==, 48);
	{
		VringDesc *table = vfe_gpa_to_host(fe, desc[h3].addr);

		g_assert_cmpuint(table[2].addr, ==, in[0].gpa);
		g_assert_cmpuint(table[2].flags, ==, VRING_DESC_F_WRITE);
		g_assert_cmpuint(table[0].next, ==, 1);
	}
	device_push(fe, 0, (uint32_t)h3, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 1000, NULL, NULL), ==, 0);
	g_assert_cmpuint(vfe_queue_free_count(fe, 0), ==, 4);

	/* Raw: a loop published by hand is the test's business, not the free list's. */
	desc[3] =
	        (VringDesc){ .addr = out[0].gpa, .len = 8, .flags = VRING_DESC_F_NEXT, .next = 3 };
	vfe_queue_publish(fe, 0, 3);
	g_assert_cmpuint(avail->ring[(avail->idx - 1) % 4], ==, 3);
	device_push(fe, 0, 3, 0);
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 1000, &id, NULL), ==, 0);
	g_assert_cmpuint(id, ==, 3);
	g_assert_cmpuint(vfe_queue_free_count(fe, 0), ==, 4);
}

static void
test_backend_channel(void)
{
	g_autoptr(VfeFrontend) fe = NULL;
	g_autoptr(VfeFrontend) peer = NULL;
	g_autoptr(VfeFrontend) channel = NULL;
	VhostUserHeader hdr;
	VhostUserIotlb miss = { .iova = 0x2345, .perm = VHOST_ACCESS_RO, .type = VHOST_IOTLB_MISS };
	uint8_t raw[VHOST_USER_IOTLB_MSG_SIZE] = { 0 };
	VhostUserIotlb update;
	uint64_t ack = 99;
	uint64_t iova = 0;
	uint8_t perm = 0;
	int fds[2];
	size_t nfds = 2;

	make_pair(&fe, &peer);
	g_assert_cmpint(vfe_mem_init(fe, 1 << 20, 2, 0), ==, 0);
	g_assert_cmpint(vfe_enable_backend_channel(fe), ==, 0);
	g_assert_cmpint(vfe_recv_msg(peer, &hdr, NULL, 0, fds, &nfds, 1000), ==, 0);
	g_assert_cmpuint(hdr.request, ==, VHOST_USER_SET_BACKEND_REQ_FD);
	g_assert_cmpuint(nfds, ==, 1);
	channel = vfe_new_from_fd(fds[0]);

	/* A config change asking for an ack gets the configured value. */
	g_assert_cmpint(vfe_wait_config_change(fe, 20), ==, -ETIMEDOUT);
	vfe_set_config_change_reply(fe, (uint64_t)-1);
	g_assert_cmpint(vfe_send_msg(channel, VHOST_USER_BACKEND_CONFIG_CHANGE_MSG,
	                             VHOST_USER_VERSION | VHOST_USER_NEED_REPLY_MASK, NULL, 0, NULL,
	                             0),
	                ==, 0);
	g_assert_cmpint(vfe_recv_reply(channel, VHOST_USER_BACKEND_CONFIG_CHANGE_MSG, &ack,
	                               sizeof(ack), NULL, 1000),
	                ==, 0);
	g_assert_cmpuint(ack, ==, (uint64_t)-1);
	g_assert_cmpint(vfe_wait_config_change(fe, 1000), ==, 0);
	g_assert_cmpint(vfe_wait_config_change(fe, 20), ==, -ETIMEDOUT);
	/* Without NEED_REPLY: counted, not answered. */
	vfe_send_msg(channel, VHOST_USER_BACKEND_CONFIG_CHANGE_MSG, 0, NULL, 0, NULL, 0);
	g_assert_cmpint(vfe_wait_config_change(fe, 1000), ==, 0);
	g_assert_cmpuint(vfe_backend_msg_count(fe, VHOST_USER_BACKEND_CONFIG_CHANGE_MSG), ==, 2);

	/* An IOTLB miss inside the front-end's map is answered on the main socket. */
	g_assert_cmpint(vfe_last_iotlb_miss(fe, NULL, NULL), ==, -ENOENT);
	vfe_iotlb_map_add(fe, 0x2000, 0x3000, 0x10000, VHOST_ACCESS_RW);
	memcpy(raw, &miss, sizeof(miss));
	vfe_send_msg(channel, VHOST_USER_BACKEND_IOTLB_MSG, 0, raw, sizeof(raw), NULL, 0);
	g_assert_cmpint(vfe_recv_msg(peer, &hdr, raw, sizeof(raw), NULL, NULL, 1000), ==,
	                (int)VHOST_USER_IOTLB_MSG_SIZE);
	g_assert_cmpuint(hdr.request, ==, VHOST_USER_IOTLB_MSG);
	memcpy(&update, raw, sizeof(update));
	g_assert_cmpuint(update.type, ==, VHOST_IOTLB_UPDATE);
	g_assert_cmpuint(update.iova, ==, 0x2000);
	g_assert_cmpuint(update.size, ==, 0x3000);
	g_assert_cmpuint(update.uaddr, ==, vfe_gpa_to_uaddr(fe, 0x10000));
	g_assert_cmpuint(update.perm, ==, VHOST_ACCESS_RW);
	g_assert_cmpint(vfe_last_iotlb_miss(fe, &iova, &perm), ==, 0);
	g_assert_cmpuint(iova, ==, 0x2345);
	g_assert_cmpuint(perm, ==, VHOST_ACCESS_RO);
	/* A miss outside the map is recorded but not answered. */
	miss.iova = 0x9000;
	memcpy(raw, &miss, sizeof(miss));
	vfe_send_msg(channel, VHOST_USER_BACKEND_IOTLB_MSG, 0, raw, sizeof(raw), NULL, 0);
	g_assert_cmpint(vfe_wait_backend_msg(fe, VHOST_USER_BACKEND_IOTLB_MSG, 2, 1000), ==, 0);
	g_assert_cmpint(vfe_recv_msg(peer, &hdr, raw, sizeof(raw), NULL, NULL, 50), ==, -ETIMEDOUT);
	g_assert_cmpuint(vfe_backend_bad_msg_count(fe), ==, 0);

	/* Malformed requests are counted. */
	vfe_send_msg(channel, VHOST_USER_BACKEND_IOTLB_MSG, 0, raw, 4, NULL, 0);
	vfe_send_msg(channel, 77, 0, NULL, 0, NULL, 0);
	g_assert_cmpint(vfe_wait_backend_msg(fe, VHOST_USER_BACKEND_IOTLB_MSG, 3, 1000), ==, 0);
	for (int i = 0; i < 100 && vfe_backend_bad_msg_count(fe) < 2; i++)
		g_usleep(10 * 1000);
	g_assert_cmpuint(vfe_backend_bad_msg_count(fe), ==, 2);

	/* The channel closes with the connection. */
	vfe_disconnect(fe);
	g_assert_cmpint(vfe_wait_disconnect(channel, 1000), ==, 0);
}

static bool
have_qemu_gpu(void)
{
	if (access(QEMU_GPU, X_OK) == 0)
		return true;
	g_test_skip(QEMU_GPU " is not installed (package qemu-system-gui)");
	return false;
}

static bool use_indirect;

/* Queues a RESOURCE_CREATE_2D and kicks; returns the response's GPA. */
static uint64_t
gpu_send_create_2d(VfeFrontend *fe, uint32_t resource_id)
{
	struct virtio_gpu_resource_create_2d cmd = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		.resource_id = resource_id,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		.width = 64,
		.height = 32,
	};
	/* Own pages, so that dirty logging can tell them apart. */
	VfeBuf out = { vfe_alloc(fe, sizeof(cmd), 4096), sizeof(cmd) };
	VfeBuf in = { vfe_alloc(fe, sizeof(struct virtio_gpu_ctrl_hdr), 4096),
		      sizeof(struct virtio_gpu_ctrl_hdr) };

	g_assert_cmpint(vfe_mem_write(fe, out.gpa, &cmd, sizeof(cmd)), ==, 0);
	if (use_indirect)
		g_assert_cmpint(vfe_queue_add_indirect(fe, 0, &out, 1, &in, 1), >=, 0);
	else
		g_assert_cmpint(vfe_queue_add(fe, 0, &out, 1, &in, 1), >=, 0);
	g_assert_cmpint(vfe_queue_kick(fe, 0), ==, 0);
	return in.gpa;
}

/* A RESOURCE_CREATE_2D round trip: returns the response type. */
static uint32_t
gpu_create_2d(VfeFrontend *fe, uint32_t resource_id)
{
	struct virtio_gpu_ctrl_hdr resp = { 0 };
	uint32_t id = 0, len = 0;
	uint64_t resp_gpa = gpu_send_create_2d(fe, resource_id);

	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 5000, &id, &len), ==, 0);
	g_assert_cmpuint(len, ==, sizeof(resp));
	g_assert_cmpint(vfe_mem_read(fe, resp_gpa, &resp, sizeof(resp)), ==, 0);
	return resp.type;
}

static void
test_qemu_gpu_handshake(void)
{
	const char *argv[] = { QEMU_GPU_ARGV, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = NULL;
	struct virtio_gpu_config config = { 0 };
	uint64_t queues = 0;
	int status;

	if (!have_qemu_gpu())
		return;
	fe = vfe_spawn(argv, &error);
	g_assert_no_error(error);
	g_assert_cmpint(vfe_child_pid(fe), >, 0);
	g_assert_nonnull(vfe_socket_path(fe));

	g_assert_cmpint(vfe_negotiate(fe, UINT64_MAX, UINT64_MAX), ==, 0);
	g_assert_true(vfe_offered_features(fe) & (1ull << VIRTIO_F_VERSION_1));
	g_assert_true(vfe_offered_features(fe) & (1ull << VHOST_USER_F_PROTOCOL_FEATURES));
	g_assert_true(vfe_has_feature(fe, VIRTIO_F_VERSION_1));
	g_assert_true(vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_CONFIG));
	g_test_message("offered features 0x%" G_GINT64_MODIFIER "x, protocol 0x%" G_GINT64_MODIFIER
	               "x",
	               vfe_offered_features(fe), vfe_offered_protocol_features(fe));

	g_assert_cmpint(vfe_get_config(fe, 0, sizeof(config), &config), ==, 0);
	/* QEMU's front-end fills in num_scanouts itself; the back-end's value is not used. */
	g_assert_cmpuint(config.events_read, ==, 0);
	g_assert_cmpuint(config.num_scanouts, <=, 16);
	g_test_message("config: events_read %u num_scanouts %u num_capsets %u", config.events_read,
	               config.num_scanouts, config.num_capsets);
	if (vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_MQ)) {
		g_assert_cmpint(vfe_call_u64(fe, VHOST_USER_GET_QUEUE_NUM, &queues), ==, 0);
		g_assert_cmpuint(queues, >=, 2);
	}

	/* Two regions, so the rings and buffers are spread over both. */
	g_assert_cmpint(vfe_mem_setup(fe, 8 << 20, 2), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 256, 0), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 1, 16, 0), ==, 0);

	g_assert_cmpuint(gpu_create_2d(fe, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
	/* The same id again, and id 0: errors the guest sees. */
	g_assert_cmpuint(gpu_create_2d(fe, 1), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmpuint(gpu_create_2d(fe, 0), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	g_assert_cmpuint(vfe_queue_call_count(fe, 0), >=, 1);
	/* The same through an indirect table. */
	g_assert_true(vfe_has_feature(fe, VIRTIO_RING_F_INDIRECT_DESC));
	use_indirect = true;
	g_assert_cmpuint(gpu_create_2d(fe, 2), ==, VIRTIO_GPU_RESP_OK_NODATA);
	use_indirect = false;
	/* Every chain came back: the free list is whole again. */
	g_assert_cmpuint(vfe_queue_free_count(fe, 0), ==, 256);

	status = vfe_child_terminate(fe);
	g_assert_cmpint(status, >=, 0);
	g_assert_cmpint(vfe_child_exit_status(fe), ==, status);
	g_assert_cmpint(vfe_child_pid(fe), ==, 0);
	g_test_message("vhost-user-gpu wait status after SIGTERM: 0x%x", (unsigned int)status);
}

static void
test_qemu_gpu_spawn_fd(void)
{
	const char *argv[] = { QEMU_GPU_ARGV, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = NULL;

	if (!have_qemu_gpu())
		return;
	fe = vfe_spawn_fd(argv, &error);
	g_assert_no_error(error);
	g_assert_null(vfe_socket_path(fe));
	g_assert_cmpint(vfe_negotiate(fe, UINT64_MAX, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, 4 << 20, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 64, 0), ==, 0);
	g_assert_cmpuint(gpu_create_2d(fe, 7), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmpint(vfe_reconnect(fe, 100), ==, -ENOTSUP);
	/* A back-end whose front-end goes away exits by itself. */
	vfe_disconnect(fe);
	{
		int status = vfe_child_wait(fe, 5000);

		g_test_message("vhost-user-gpu wait status after disconnect: 0x%x",
		               (unsigned int)status);
		g_assert_cmpint(status, >=, 0);
	}
}

static void
test_qemu_gpu_dirty_log(void)
{
	const char *argv[] = { QEMU_GPU_ARGV, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = NULL;
	struct virtio_gpu_ctrl_hdr resp = { 0 };
	uint64_t resp_gpa, desc, avail, used, cmd_gpa;

	if (!have_qemu_gpu())
		return;
	fe = vfe_spawn(argv, &error);
	g_assert_no_error(error);
	/* The SET_MEM_TABLE path this time, with holes between three regions. */
	g_assert_cmpint(
	        vfe_negotiate(fe, UINT64_MAX, ~(1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)),
	        ==, 0);
	g_assert_true(vfe_has_protocol_feature(fe, VHOST_USER_PROTOCOL_F_LOG_SHMFD));
	g_assert_cmpint(vfe_mem_init(fe, 6 << 20, 3, VFE_MEM_HOLES), ==, 0);
	g_assert_cmpint(vfe_mem_send_table(fe), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 64, VFE_QUEUE_LOG), ==, 0);
	g_assert_cmpint(vfe_set_log(fe, 0), ==, 0);
	g_assert_cmpint(vfe_set_features(fe, vfe_features(fe) | (1ull << VHOST_F_LOG_ALL)), ==, 0);
	vfe_log_clear(fe);
	g_assert_cmpuint(vfe_log_dirty_pages(fe), ==, 0);

	resp_gpa = gpu_send_create_2d(fe, 3);
	cmd_gpa = resp_gpa - 4096;
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 5000, NULL, NULL), ==, 0);
	g_assert_cmpint(vfe_mem_read(fe, resp_gpa, &resp, sizeof(resp)), ==, 0);
	g_assert_cmpuint(resp.type, ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmpint(vfe_queue_ring_gpa(fe, 0, &desc, &avail, &used), ==, 0);
	/* What the back-end wrote is dirty; what it only read is not. */
	g_assert_true(vfe_log_is_dirty(fe, resp_gpa));
	g_assert_true(vfe_log_is_dirty(fe, used));
	g_assert_false(vfe_log_is_dirty(fe, cmd_gpa));
	g_test_message("dirty pages after one command: %" G_GUINT64_FORMAT,
	               (guint64)vfe_log_dirty_pages(fe));
}

/* Round trips per second through QEMU's back-end: the cost of the test front-end's path. */
static void
test_qemu_gpu_perf(void)
{
	const char *argv[] = { QEMU_GPU_ARGV, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = NULL;
	const unsigned int n = 2000;
	/* Create and unref resource 1 in turn: every command succeeds, nothing is logged. */
	struct virtio_gpu_resource_create_2d create = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		.resource_id = 1,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		.width = 64,
		.height = 64,
	};
	struct virtio_gpu_resource_unref unref = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
		.resource_id = 1,
	};
	struct virtio_gpu_ctrl_hdr resp;
	VfeBuf out[2], in;
	gint64 start, elapsed;

	if (!g_test_perf()) {
		g_test_skip("performance test; run with -m perf");
		return;
	}
	if (!have_qemu_gpu())
		return;
	fe = vfe_spawn(argv, &error);
	g_assert_no_error(error);
	g_assert_cmpint(vfe_negotiate(fe, UINT64_MAX, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, 4 << 20, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 256, 0), ==, 0);
	out[0] = (VfeBuf){ vfe_alloc(fe, sizeof(create), 8), sizeof(create) };
	out[1] = (VfeBuf){ vfe_alloc(fe, sizeof(unref), 8), sizeof(unref) };
	in = (VfeBuf){ vfe_alloc(fe, sizeof(resp), 8), sizeof(resp) };
	vfe_mem_write(fe, out[0].gpa, &create, sizeof(create));
	vfe_mem_write(fe, out[1].gpa, &unref, sizeof(unref));
	start = g_get_monotonic_time();
	for (unsigned int i = 0; i < n; i++) {
		g_assert_cmpint(vfe_queue_add(fe, 0, &out[i % 2], 1, &in, 1), >=, 0);
		vfe_queue_kick(fe, 0);
		g_assert_cmpint(vfe_queue_wait_used(fe, 0, 5000, NULL, NULL), ==, 0);
		vfe_mem_read(fe, in.gpa, &resp, sizeof(resp));
		g_assert_cmpuint(resp.type, ==, VIRTIO_GPU_RESP_OK_NODATA);
	}
	elapsed = g_get_monotonic_time() - start;
	g_test_minimized_result((double)elapsed / n, "%.1f us per round trip (%u requests)",
	                        (double)elapsed / n, n);
}

static void
test_qemu_gpu_crash(void)
{
	/* With fatal criticals, QEMU's back-end aborts on a guest error: a crash on demand. */
	const char *argv[] = { "env", "G_DEBUG=fatal-criticals", QEMU_GPU, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(VfeFrontend) fe = NULL;
	gint64 start;
	int status;

	if (!have_qemu_gpu())
		return;
	fe = vfe_spawn(argv, &error);
	g_assert_no_error(error);
	g_assert_cmpint(vfe_negotiate(fe, UINT64_MAX, UINT64_MAX), ==, 0);
	g_assert_cmpint(vfe_mem_setup(fe, 4 << 20, 1), ==, 0);
	g_assert_cmpint(vfe_queue_setup(fe, 0, 64, 0), ==, 0);
	gpu_send_create_2d(fe, 0);
	start = g_get_monotonic_time();
	g_assert_cmpint(vfe_queue_wait_used(fe, 0, 10000, NULL, NULL), ==, -ECONNRESET);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 3 * G_USEC_PER_SEC);
	status = vfe_child_wait(fe, 5000);
	g_assert_true(WIFSIGNALED(status));
	/* GLib ends a fatal log with SIGTRAP or SIGABRT, depending on how it was built. */
	g_assert_true(WTERMSIG(status) == SIGABRT || WTERMSIG(status) == SIGTRAP);
	/* Everything else now fails fast too. */
	g_assert_cmpint(vfe_get_status(fe, &(uint8_t){ 0 }), <, 0);
}

static void
test_spawn_failure(void)
{
	const char *missing[] = { "/nonexistent/vhost-user-backend", NULL };
	const char *quits[] = { "/bin/false", NULL };
	g_autoptr(GError) error = NULL;
	VfeFrontend *fe;

	fe = vfe_spawn(missing, &error);
	g_assert_null(fe);
	g_assert_nonnull(error);
	g_clear_error(&error);

	/* A child that exits without listening is noticed well before 5 s. */
	{
		gint64 start = g_get_monotonic_time();

		fe = vfe_spawn(quits, &error);
		g_assert_null(fe);
		g_assert_error(error, G_IO_ERROR, G_IO_ERROR_FAILED);
		g_assert_cmpint(g_get_monotonic_time() - start, <, 2 * G_USEC_PER_SEC);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	signal(SIGPIPE, SIG_IGN);
	g_test_add_func("/frontend/raw/roundtrip", test_raw_roundtrip);
	g_test_add_func("/frontend/raw/negotiate-scripted", test_negotiate_scripted);
	g_test_add_func("/frontend/memory", test_memory);
	g_test_add_func("/frontend/queue/driver", test_queue_driver);
	g_test_add_func("/frontend/backend-channel", test_backend_channel);
	g_test_add_func("/frontend/spawn/failure", test_spawn_failure);
	g_test_add_func("/frontend/qemu-gpu/handshake", test_qemu_gpu_handshake);
	g_test_add_func("/frontend/qemu-gpu/spawn-fd", test_qemu_gpu_spawn_fd);
	g_test_add_func("/frontend/qemu-gpu/dirty-log", test_qemu_gpu_dirty_log);
	g_test_add_func("/frontend/qemu-gpu/crash", test_qemu_gpu_crash);
	g_test_add_func("/frontend/qemu-gpu/perf", test_qemu_gpu_perf);
	return g_test_run();
}
