/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the descriptor walker over arbitrary rings in arbitrary
 * memory. The first bytes choose features, queue size and ring placement;
 * the rest becomes guest RAM, where the rings, descriptors and indirect
 * tables are. Every chain the library accepts is written and completed.
 */
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "vhost/echo-device.h"

#define RAM_SIZE (64u * 1024)
#define RAM_UADDR 0x7f0000000000ull

static void
send(VhostDev *dev, uint32_t request, const void *payload, uint32_t size, int fd)
{
	VhostUserHeader hdr = { request, VHOST_USER_VERSION, size };
	int fds[1] = { fd };

	vhost_dev_handle_message(dev, &hdr, payload, fds, fd >= 0 ? 1 : 0);
}

static void
send_u64(VhostDev *dev, uint32_t request, uint64_t value)
{
	send(dev, request, &value, sizeof(value), -1);
}

static void
send_state(VhostDev *dev, uint32_t request, uint32_t index, uint32_t num)
{
	VhostUserVringState s = { index, num };

	send(dev, request, &s, sizeof(s), -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput in = { data, size, 0 };

	fuzz_quiet_logs();
	g_autoptr(EchoDevice) echo = NULL;
	VhostDev *dev;
	VhostQueue *q;
	uint8_t setup[12] = { 0 };
	int ram_fd;
	void *ram;

	fuzz_take(&in, setup, sizeof(setup));
	ram_fd = memfd_create("fuzz-ram", MFD_CLOEXEC);
	if (ram_fd < 0 || ftruncate(ram_fd, RAM_SIZE) < 0)
		abort();
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
	fuzz_take(&in, ram, RAM_SIZE);

	echo = echo_device_new(NULL);
	dev = echo_device_get_vhost(echo);
	uint64_t features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VHOST_USER_F_PROTOCOL_FEATURES);
	if (setup[0] & 1)
		features |= 1ull << VIRTIO_RING_F_INDIRECT_DESC;
	if (setup[0] & 2)
		features |= 1ull << VIRTIO_RING_F_EVENT_IDX;
	send_u64(dev, VHOST_USER_SET_FEATURES, features);
	VhostUserMemory mem = { .nregions = 1 };
	mem.regions[0] = (VhostUserMemoryRegion){ 0, RAM_SIZE, RAM_UADDR, 0 };
	send(dev, VHOST_USER_SET_MEM_TABLE, &mem,
	     offsetof(VhostUserMemory, regions) + sizeof(VhostUserMemoryRegion), dup(ram_fd));

	uint32_t num = 1u << (setup[1] % 9); /* 1..256 */
	send_state(dev, VHOST_USER_SET_VRING_NUM, 0, num);
	send_state(dev, VHOST_USER_SET_VRING_BASE, 0, setup[2]);
	VhostUserVringAddr addr = { .index = 0 };
	addr.desc_user_addr = RAM_UADDR + (((uint32_t)setup[3] << 8 | setup[4]) & ~15u);
	addr.avail_user_addr = RAM_UADDR + (((uint32_t)setup[5] << 8 | setup[6]) & ~1u);
	addr.used_user_addr = RAM_UADDR + (((uint32_t)setup[7] << 8 | setup[8]) & ~3u);
	send(dev, VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), -1);
	/* No kick fd (NOFD): the queue starts and is drained below. */
	send_u64(dev, VHOST_USER_SET_VRING_KICK, VHOST_USER_VRING_NOFD_MASK);
	send_state(dev, VHOST_USER_SET_VRING_ENABLE, 0, 1);

	q = vhost_dev_get_queue(dev, 0);
	for (unsigned int round = 0; round < 512; round++) {
		VhostElem *elem = vhost_queue_pop(q);
		if (!elem)
			break;
		uint8_t buf[256];
		size_t n = vhost_iov_to_buf(elem->out_sg, elem->out_num, 0, buf, sizeof(buf));
		n = vhost_iov_from_buf(elem->in_sg, elem->in_num, 0, buf, n);
		if (setup[9] & 1)
			vhost_queue_rewind(q, 1), vhost_elem_free(elem);
		else
			vhost_queue_complete(q, elem, (uint32_t)n);
	}
	munmap(ram, RAM_SIZE);
	close(ram_fd);
	return 0;
}
