/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a stream of vhost-user messages, with file descriptors, fed
 * to the echo device's request handler; after each message every started
 * queue is drained so that the rings the stream set up are walked too.
 *
 * Record: u32 request, u32 flags, u16 size, u8 fd spec, payload. The fd spec
 * asks for up to 8 fds (low 4 bits): eventfds, or memfds of guest RAM (bit 4).
 * Request 0xffff writes its payload into guest RAM at the offset in flags.
 */
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "vhost/echo-device.h"

#define GUEST_RAM (256u * 1024)
#define WRITE_RAM 0xffffu

static int ram_fd = -1;

static void
drain_queues(VhostDev *dev)
{
	for (unsigned int i = 0; i < 2; i++) {
		VhostQueue *q = vhost_dev_get_queue(dev, i);
		VhostElem *elem;
		unsigned int guard = 0;
		while (guard++ < 64 && (elem = vhost_queue_pop(q))) {
			uint8_t buf[64] = { 0 };
			size_t n =
			        vhost_iov_to_buf(elem->out_sg, elem->out_num, 0, buf, sizeof(buf));
			n = vhost_iov_from_buf(elem->in_sg, elem->in_num, 0, buf, n);
			vhost_queue_complete(q, elem, (uint32_t)n);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput in = { data, size, 0 };

	fuzz_quiet_logs();
	g_autoptr(EchoDevice) echo = NULL;
	VhostDev *dev;

	if (ram_fd < 0) {
		ram_fd = memfd_create("fuzz-ram", MFD_CLOEXEC);
		if (ftruncate(ram_fd, GUEST_RAM) < 0)
			abort();
	}
	{
		/* Each input starts from zeroed guest RAM. */
		void *ram = mmap(NULL, GUEST_RAM, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
		memset(ram, 0, GUEST_RAM);
		munmap(ram, GUEST_RAM);
	}
	echo = echo_device_new(NULL);
	dev = echo_device_get_vhost(echo);
	while (!fuzz_done(&in)) {
		VhostUserHeader hdr;
		uint8_t payload[VHOST_USER_MAX_PAYLOAD] = { 0 };
		int fds[VHOST_USER_MAX_FDS];
		unsigned int spec, nfds;

		hdr.request = (uint32_t)fuzz_u64(&in, 4);
		hdr.flags = (uint32_t)fuzz_u64(&in, 4);
		hdr.size = (uint32_t)fuzz_u64(&in, 2) % (VHOST_USER_MAX_PAYLOAD + 1);
		spec = (unsigned int)fuzz_u64(&in, 1);
		hdr.size = (uint32_t)fuzz_take(&in, payload, hdr.size);
		if (hdr.request == WRITE_RAM) {
			if (hdr.flags < GUEST_RAM)
				(void)!pwrite(ram_fd, payload, MIN(hdr.size, GUEST_RAM - hdr.flags),
				              hdr.flags);
			continue;
		}
		nfds = MIN(spec & 0xf, VHOST_USER_MAX_FDS);
		for (unsigned int i = 0; i < nfds; i++)
			fds[i] = (spec & 0x10) ? dup(ram_fd)
			                       : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		vhost_dev_handle_message(dev, &hdr, payload, fds, nfds);
		drain_queues(dev);
	}
	return 0;
}
