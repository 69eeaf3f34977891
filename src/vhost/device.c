/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The back-end side of a vhost-user connection: reads requests, checks each
 * against the table below (payload size, file descriptors, negotiated
 * features), and applies it. A request that breaks the rules is refused as the
 * specification says and logged; the daemon never exits because of it, and at
 * worst the connection is closed.
 */
#define G_LOG_DOMAIN "vhost"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vhost-private.h"

#define REPLY_TIMEOUT_MS 2000

/* Everything a handler gets; fds are taken by setting the slot to -1. */
typedef struct VhostRequest {
	const VhostUserHeader *hdr;
	const VhostUserPayload *p;
	int *fds;
	unsigned int nfds;
	/* A reply the handler wants sent, if any. */
	bool has_reply;
	uint32_t reply_size;
	VhostUserPayload reply;
	int reply_fd;
} VhostRequest;

typedef int (*RequestHandler)(VhostDev *dev, VhostRequest *req);

typedef enum {
	SIZE_EXACT, /* payload is exactly size bytes */
	SIZE_MIN,   /* at least size bytes; the handler checks the rest */
} SizeRule;

typedef struct RequestSpec {
	RequestHandler handler;
	SizeRule rule;
	uint32_t size;
	uint8_t min_fds;
	uint8_t max_fds;
	/* Protocol feature the request needs, or -1. */
	int8_t needs_protocol_feature;
	/* A reply is always sent (GET_*): errors reply too, never an ack. */
	bool replies;
} RequestSpec;

const char *
vhost_dev_name(VhostDev *dev)
{
	return dev->info.name ? dev->info.name : "vhost";
}

static int
take_fd(VhostRequest *req, unsigned int i)
{
	int fd;

	if (i >= req->nfds)
		return -1;
	fd = req->fds[i];
	req->fds[i] = -1;
	return fd;
}

static void
reply_u64(VhostRequest *req, uint64_t value)
{
	req->has_reply = true;
	req->reply_size = sizeof(uint64_t);
	req->reply.u64 = value;
}

/* ---- features ---- */

uint64_t
vhost_dev_offered_features(VhostDev *dev)
{
	uint64_t device =
	        dev->info.ops->get_features ? dev->info.ops->get_features(dev->info.opaque) : 0;

	return device | (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
	       (1ull << VIRTIO_RING_F_EVENT_IDX) | (1ull << VHOST_F_LOG_ALL) |
	       (1ull << VIRTIO_F_IOMMU_PLATFORM) | (1ull << VHOST_USER_F_PROTOCOL_FEATURES);
}

/*
 * HOST_NOTIFIER and BACKEND_SEND_FD only in the polling mode the daemon asks
 * for (host-notifier.c): a page the guest writes is one we must poll, which
 * costs CPU. INBAND_NOTIFICATIONS, PAGEFAULT (postcopy), SHARED_OBJECT and
 * XEN_MMAP are not implemented.
 */
uint64_t
vhost_dev_offered_protocol_features(VhostDev *dev)
{
	const VhostDeviceOps *ops = dev->info.ops;
	uint64_t f = (1ull << VHOST_USER_PROTOCOL_F_MQ) |
	             (1ull << VHOST_USER_PROTOCOL_F_LOG_SHMFD) |
	             (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |
	             (1ull << VHOST_USER_PROTOCOL_F_BACKEND_REQ) |
	             (1ull << VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD) |
	             (1ull << VHOST_USER_PROTOCOL_F_RESET_DEVICE) |
	             (1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) |
	             (1ull << VHOST_USER_PROTOCOL_F_STATUS);

	if (ops->get_config)
		f |= 1ull << VHOST_USER_PROTOCOL_F_CONFIG;
	if (dev->notifiers.enabled)
		f |= (1ull << VHOST_USER_PROTOCOL_F_HOST_NOTIFIER) |
		     (1ull << VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD);
	if (ops->save_state && ops->load_state)
		f |= 1ull << VHOST_USER_PROTOCOL_F_DEVICE_STATE;
	return f;
}

uint64_t
vhost_dev_features(VhostDev *dev)
{
	return dev->features;
}

uint64_t
vhost_dev_protocol_features(VhostDev *dev)
{
	return dev->protocol_features;
}

bool
vhost_dev_has_feature(VhostDev *dev, unsigned int bit)
{
	return bit < 64 && (dev->features & (1ull << bit));
}

bool
vhost_dev_has_protocol_feature(VhostDev *dev, unsigned int bit)
{
	return bit < 64 && (dev->protocol_features & (1ull << bit));
}

bool
vhost_dev_iommu(VhostDev *dev)
{
	return vhost_dev_has_feature(dev, VIRTIO_F_IOMMU_PLATFORM);
}

/* ---- address translation ---- */

void
vhost_dev_iotlb_miss(VhostDev *dev, uint64_t iova, uint8_t perm)
{
	uint8_t raw[VHOST_USER_IOTLB_MSG_SIZE] = { 0 };
	VhostUserIotlb *msg = (VhostUserIotlb *)raw;

	if (!vhost_iotlb_note_miss(&dev->iotlb, iova))
		return;
	msg->iova = iova;
	msg->perm = perm;
	msg->type = VHOST_IOTLB_MISS;
	g_debug("%s: IOTLB miss at 0x%" G_GINT64_MODIFIER "x", vhost_dev_name(dev), iova);
	vhost_backend_send(dev, &dev->backend, VHOST_USER_BACKEND_IOTLB_MSG, raw, sizeof(raw), -1,
	                   false, NULL, NULL);
}

/*
 * One step of translation: how many bytes from addr are contiguous in host
 * memory, and where. Front-end addresses (is_uaddr) are used for the rings
 * without an IOMMU; guest physical addresses for buffers.
 */
static int
translate_step(VhostDev *dev, uint64_t addr, bool is_uaddr, bool write, uint8_t **host,
               uint64_t *contig)
{
	const VhostMemRegion *r;
	uint64_t off;

	if (vhost_dev_iommu(dev)) {
		uint8_t perm = write ? VHOST_ACCESS_WO : VHOST_ACCESS_RO;
		uint64_t uaddr, tlb_contig;
		int ret = vhost_iotlb_translate(&dev->iotlb, addr, perm, &uaddr, &tlb_contig);
		if (ret == -ENOENT) {
			vhost_dev_iotlb_miss(dev, addr, perm);
			return -EAGAIN;
		}
		if (ret < 0)
			return -EFAULT;
		r = vhost_mem_find_uaddr(&dev->mem, uaddr);
		if (!r)
			return -EFAULT;
		off = uaddr - r->uaddr;
		*contig = MIN(tlb_contig, r->size - off);
	} else {
		r = is_uaddr ? vhost_mem_find_uaddr(&dev->mem, addr)
		             : vhost_mem_find_gpa(&dev->mem, addr);
		if (!r)
			return -EFAULT;
		off = addr - (is_uaddr ? r->uaddr : r->gpa);
		*contig = r->size - off;
	}
	*host = r->host + off;
	return 0;
}

static int
translate_range(VhostDev *dev, uint64_t addr, uint64_t len, bool is_uaddr, bool write,
                struct iovec *iov, unsigned int *n, unsigned int max)
{
	uint64_t end;

	if (len && __builtin_add_overflow(addr, len - 1, &end))
		return -EFAULT;
	while (len > 0) {
		uint8_t *host;
		uint64_t contig;
		int ret = translate_step(dev, addr, is_uaddr, write, &host, &contig);
		if (ret < 0)
			return ret;
		if (*n >= max)
			return -ENOBUFS;
		contig = MIN(contig, len);
		iov[*n].iov_base = host;
		iov[*n].iov_len = contig;
		(*n)++;
		addr += contig;
		len -= contig;
	}
	return 0;
}

int
vhost_dev_translate(VhostDev *dev, uint64_t addr, uint64_t len, bool write, struct iovec *iov,
                    unsigned int *n, unsigned int max)
{
	return translate_range(dev, addr, len, false, write, iov, n, max);
}

void *
vhost_dev_map_ring(VhostDev *dev, uint64_t addr, uint64_t len, bool write, int *err)
{
	struct iovec iov;
	unsigned int n = 0;
	int ret = translate_range(dev, addr, len, true, write, &iov, &n, 1);

	if (ret < 0) {
		if (*err != -EAGAIN)
			*err = ret;
		return NULL;
	}
	return iov.iov_base;
}

int
vhost_dev_map_sg(VhostDev *dev, uint64_t addr, uint64_t len, bool write, struct iovec *iov,
                 unsigned int max_iov)
{
	unsigned int n = 0;
	int ret = translate_range(dev, addr, len, false, write, iov, &n, max_iov);

	return ret < 0 ? ret : (int)n;
}

void *
vhost_dev_map(VhostDev *dev, uint64_t addr, uint64_t len, bool write)
{
	struct iovec iov;
	int n = vhost_dev_map_sg(dev, addr, len, write, &iov, 1);

	return n == 1 ? iov.iov_base : NULL;
}

void
vhost_dev_log_host_write(VhostDev *dev, const void *host, size_t len)
{
	const VhostMemRegion *r;

	if (!dev->log.bitmap || len == 0)
		return;
	r = vhost_mem_find_host(&dev->mem, host, len);
	if (r)
		vhost_log_mark(&dev->log, r->gpa + ((const uint8_t *)host - r->host), len);
}

void
vhost_dev_log_write(VhostDev *dev, uint64_t addr, uint64_t len)
{
	struct iovec iov[8];
	int n;

	if (!vhost_dev_has_feature(dev, VHOST_F_LOG_ALL) || !dev->log.bitmap)
		return;
	if (!vhost_dev_iommu(dev)) {
		vhost_log_mark(&dev->log, addr, len);
	} else {
		n = vhost_dev_map_sg(dev, addr, len, true, iov, G_N_ELEMENTS(iov));
		for (int i = 0; i < n; i++)
			vhost_dev_log_host_write(dev, iov[i].iov_base, iov[i].iov_len);
	}
	vhost_log_kick(&dev->log);
}

static void
remap_queues(VhostDev *dev)
{
	for (unsigned int i = 0; i < dev->info.num_queues; i++) {
		VhostQueue *q = &dev->queues[i];
		bool was_waiting = q->waiting_iotlb;
		if (!q->addr_set)
			continue;
		vhost_queue_remap(q);
		vhost_queue_update_state(q);
		/* Work stalled on a miss resumes now that the mapping may be there. */
		if (was_waiting && q->started && q->rings_mapped) {
			q->waiting_iotlb = false;
			vhost_queue_dispatch(q);
		}
	}
}

/* The memory table changed: rings and device-held mappings follow. */
static void
memory_changed(VhostDev *dev)
{
	remap_queues(dev);
	if (dev->info.ops->memory_changed)
		dev->info.ops->memory_changed(dev->info.opaque);
}

/* ---- device reset ---- */

static void
transfer_clear(VhostStateTransfer *t)
{
	if (t->source)
		g_source_remove(t->source);
	if (t->fd >= 0)
		close(t->fd);
	if (t->data)
		g_byte_array_unref(t->data);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

static void
dev_reset(VhostDev *dev, bool keep_memory)
{
	for (unsigned int i = 0; i < dev->info.num_queues; i++)
		vhost_queue_reset(&dev->queues[i]);
	if (dev->info.ops->reset)
		dev->info.ops->reset(dev->info.opaque);
	dev->features = 0;
	dev->features_set = false;
	dev->status = 0;
	vhost_iotlb_clear(&dev->iotlb);
	vhost_log_clear(&dev->log);
	transfer_clear(&dev->transfer);
	if (!keep_memory)
		vhost_mem_clear(&dev->mem);
}

/* ---- request handlers ---- */

static int
handle_get_features(VhostDev *dev, VhostRequest *req)
{
	reply_u64(req, vhost_dev_offered_features(dev));
	return 0;
}

static int
handle_set_features(VhostDev *dev, VhostRequest *req)
{
	uint64_t offered = vhost_dev_offered_features(dev);
	uint64_t f = req->p->u64;

	/*
	 * QEMU 10's PCI transport acks VIRTIO_F_RING_RESET (bit 40) whether or
	 * not we offered it. Refusing the whole message would leave the rings
	 * without the features the driver does use, so bits never offered are
	 * dropped, with one note, and the rest is taken. That bit alone is
	 * QEMU's everyday behaviour: a debug note, not a message in every log.
	 */
	if ((f & ~offered) && !dev->warned_extra_features) {
		bool only_ring_reset = (f & ~offered) == 1ull << VIRTIO_F_RING_RESET;

		dev->warned_extra_features = true;
		g_log(G_LOG_DOMAIN, only_ring_reset ? G_LOG_LEVEL_DEBUG : G_LOG_LEVEL_MESSAGE,
		      "%s: the front-end acked features never offered (0x%" G_GINT64_MODIFIER
		      "x); ignoring them",
		      vhost_dev_name(dev), f & ~offered);
	}
	f &= offered;
	dev->features = f;
	dev->features_set = true;
	if (dev->info.ops->set_features)
		dev->info.ops->set_features(dev->info.opaque, f & VHOST_DEVICE_FEATURE_MASK);
	for (unsigned int i = 0; i < dev->info.num_queues; i++) {
		/* Without protocol features, rings start enabled (vhost-user.rst). */
		if (!(f & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)))
			dev->queues[i].enabled = true;
		vhost_queue_update_state(&dev->queues[i]);
	}
	return 0;
}

static int
handle_get_protocol_features(VhostDev *dev, VhostRequest *req)
{
	reply_u64(req, vhost_dev_offered_protocol_features(dev));
	return 0;
}

static int
handle_set_protocol_features(VhostDev *dev, VhostRequest *req)
{
	uint64_t offered = vhost_dev_offered_protocol_features(dev);

	if (req->p->u64 & ~offered) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "protocol features 0x%" G_GINT64_MODIFIER "x were never offered",
		             req->p->u64 & ~offered);
		return -EINVAL;
	}
	dev->protocol_features = req->p->u64;
	return 0;
}

static int
handle_set_owner(VhostDev *dev, VhostRequest *req)
{
	dev->owner_set = true;
	return 0;
}

static int
handle_reset(VhostDev *dev, VhostRequest *req)
{
	uint64_t protocol = dev->protocol_features;

	g_debug("%s: %s", vhost_dev_name(dev), vhost_user_request_name(req->hdr->request));
	dev_reset(dev, true);
	/* RESET_DEVICE keeps what was negotiated about the protocol itself. */
	if (req->hdr->request == VHOST_USER_RESET_DEVICE)
		dev->protocol_features = protocol;
	return 0;
}

static int
handle_set_mem_table(VhostDev *dev, VhostRequest *req)
{
	const VhostUserMemory *m = &req->p->memory;
	int ret;

	if (m->nregions > VHOST_MEMORY_BASELINE_NREGIONS || m->nregions != req->nfds ||
	    req->hdr->size < offsetof(VhostUserMemory, regions) +
	                             m->nregions * sizeof(VhostUserMemoryRegion)) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "SET_MEM_TABLE with %u regions, %u fds, %u bytes", m->nregions,
		             req->nfds, req->hdr->size);
		return -EINVAL;
	}
	ret = vhost_mem_set_table(&dev->mem, m->regions, req->fds, m->nregions);
	if (ret < 0) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "SET_MEM_TABLE refused: %s", g_strerror(-ret));
		return ret;
	}
	memory_changed(dev);
	return 0;
}

static int
handle_get_max_mem_slots(VhostDev *dev, VhostRequest *req)
{
	reply_u64(req, dev->mem.max_slots);
	return 0;
}

static int
handle_add_mem_reg(VhostDev *dev, VhostRequest *req)
{
	int ret = vhost_mem_add_region(&dev->mem, &req->p->memreg.region, req->fds[0]);

	if (ret < 0) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "ADD_MEM_REG refused: %s", g_strerror(-ret));
		return ret;
	}
	memory_changed(dev);
	return 0;
}

static int
handle_rem_mem_reg(VhostDev *dev, VhostRequest *req)
{
	/* QEMU sends the region's fd along; it is closed with the request. */
	int ret = vhost_mem_remove_region(&dev->mem, &req->p->memreg.region);

	if (ret < 0) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "REM_MEM_REG of a region that is not mapped");
		return ret;
	}
	memory_changed(dev);
	return 0;
}

static VhostQueue *
request_queue(VhostDev *dev, VhostRequest *req, uint32_t index)
{
	index &= VHOST_USER_VRING_IDX_MASK;
	if (index >= dev->info.num_queues) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "%s for queue %u of %u", vhost_user_request_name(req->hdr->request),
		             index, dev->info.num_queues);
		return NULL;
	}
	return &dev->queues[index];
}

static int
handle_set_vring_num(VhostDev *dev, VhostRequest *req)
{
	VhostQueue *q = request_queue(dev, req, req->p->state.index);
	uint32_t num = req->p->state.num;

	if (!q)
		return -EINVAL;
	if (num == 0 || num > VHOST_USER_MAX_QUEUE_SIZE || (num & (num - 1)) != 0) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "queue size %u (1..%u, a power of 2)", num, VHOST_USER_MAX_QUEUE_SIZE);
		return -EINVAL;
	}
	if (q->started)
		return -EBUSY;
	q->num = num;
	q->rings_mapped = false;
	return 0;
}

static int
handle_set_vring_addr(VhostDev *dev, VhostRequest *req)
{
	const VhostUserVringAddr *a = &req->p->addr;
	VhostQueue *q = request_queue(dev, req, a->index);

	if (!q)
		return -EINVAL;
	q->addr = *a;
	q->addr_set = true;
	q->log_used = a->flags & (1u << VHOST_VRING_F_LOG);
	vhost_queue_remap(q);
	vhost_queue_update_state(q);
	return 0;
}

static int
handle_set_vring_base(VhostDev *dev, VhostRequest *req)
{
	VhostQueue *q = request_queue(dev, req, req->p->state.index);

	if (!q)
		return -EINVAL;
	if (q->started)
		return -EBUSY;
	q->last_avail_idx = (uint16_t)req->p->state.num;
	return 0;
}

static int
handle_get_vring_base(VhostDev *dev, VhostRequest *req)
{
	VhostQueue *q = request_queue(dev, req, req->p->state.index);

	req->has_reply = true;
	req->reply_size = sizeof(VhostUserVringState);
	req->reply.state.index = req->p->state.index;
	req->reply.state.num = 0;
	if (!q)
		return -EINVAL;
	req->reply.state.num = vhost_queue_stop(q);
	return 0;
}

static int
handle_set_vring_fd(VhostDev *dev, VhostRequest *req)
{
	uint64_t v = req->p->u64;
	bool nofd = v & VHOST_USER_VRING_NOFD_MASK;
	VhostQueue *q;
	int fd;

	if ((v & ~(uint64_t)(VHOST_USER_VRING_IDX_MASK | VHOST_USER_VRING_NOFD_MASK)) != 0 ||
	    nofd != (req->nfds == 0)) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "%s with value 0x%" G_GINT64_MODIFIER "x and %u fds",
		             vhost_user_request_name(req->hdr->request), v, req->nfds);
		return -EINVAL;
	}
	q = request_queue(dev, req, (uint32_t)v);
	if (!q)
		return -EINVAL;
	fd = nofd ? -1 : take_fd(req, 0);
	if (fd >= 0)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	switch (req->hdr->request) {
	case VHOST_USER_SET_VRING_KICK:
		if (nofd)
			g_message("%s: queue %u has no kick fd; it runs only when started",
			          vhost_dev_name(dev), q->index);
		vhost_queue_set_kick_fd(q, fd);
		vhost_queue_update_state(q);
		break;
	case VHOST_USER_SET_VRING_CALL:
		vhost_queue_set_call_fd(q, fd);
		break;
	default:
		vhost_queue_set_err_fd(q, fd);
		break;
	}
	return 0;
}

static int
handle_set_vring_enable(VhostDev *dev, VhostRequest *req)
{
	VhostQueue *q = request_queue(dev, req, req->p->state.index);

	if (!q || req->p->state.num > 1)
		return -EINVAL;
	/* Disabling pauses the ring; its fds and addresses stay for re-enabling. */
	q->enabled = req->p->state.num == 1;
	vhost_queue_update_state(q);
	return 0;
}

static int
handle_get_queue_num(VhostDev *dev, VhostRequest *req)
{
	reply_u64(req, dev->info.num_queues);
	return 0;
}

static int
handle_set_log_base(VhostDev *dev, VhostRequest *req)
{
	int ret = vhost_log_set_base(&dev->log, &req->p->log, req->fds[0]);

	/* The front-end waits for this reply before it trusts the log (vhost-user.rst). */
	reply_u64(req, ret < 0 ? 1 : 0);
	if (ret < 0)
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "SET_LOG_BASE refused: %s", g_strerror(-ret));
	return ret;
}

static int
handle_set_log_fd(VhostDev *dev, VhostRequest *req)
{
	vhost_log_set_call_fd(&dev->log, take_fd(req, 0));
	return 0;
}

static int
handle_set_backend_req_fd(VhostDev *dev, VhostRequest *req)
{
	vhost_backend_set_fd(dev, &dev->backend, take_fd(req, 0));
	return 0;
}

static int
handle_iotlb_msg(VhostDev *dev, VhostRequest *req)
{
	VhostUserIotlb m;
	int ret = 0;

	memcpy(&m, req->p->iotlb_raw, sizeof(m));
	switch (m.type) {
	case VHOST_IOTLB_UPDATE:
		ret = vhost_iotlb_update(&dev->iotlb, m.iova, m.size, m.uaddr, m.perm);
		break;
	case VHOST_IOTLB_INVALIDATE:
		if (m.size == 0)
			return -EINVAL;
		vhost_iotlb_invalidate(&dev->iotlb, m.iova, m.size);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret < 0) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "IOTLB message type %u refused", m.type);
		return ret;
	}
	remap_queues(dev);
	return 0;
}

static int
handle_get_config(VhostDev *dev, VhostRequest *req)
{
	const VhostUserConfig *c = &req->p->config;
	int ret = -EINVAL;

	/* On any error the reply has no payload at all (vhost-user.rst). */
	req->has_reply = true;
	req->reply_size = 0;
	if (req->hdr->size != VHOST_USER_CONFIG_HDR_SIZE + c->size || c->size == 0 ||
	    c->offset > dev->info.config_size || c->size > dev->info.config_size - c->offset) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "GET_CONFIG of %u bytes at %u (config space %u)", c->size, c->offset,
		             dev->info.config_size);
		return -EINVAL;
	}
	memset(&req->reply.config, 0, sizeof(req->reply.config));
	req->reply.config.offset = c->offset;
	req->reply.config.size = c->size;
	req->reply.config.flags = c->flags;
	if (dev->info.ops->get_config)
		ret = dev->info.ops->get_config(dev->info.opaque, req->reply.config.region,
		                                c->offset, c->size);
	if (ret == 0)
		req->reply_size = VHOST_USER_CONFIG_HDR_SIZE + c->size;
	return ret;
}

static int
handle_set_config(VhostDev *dev, VhostRequest *req)
{
	const VhostUserConfig *c = &req->p->config;

	if (req->hdr->size != VHOST_USER_CONFIG_HDR_SIZE + c->size || c->size == 0 ||
	    c->offset > dev->info.config_size || c->size > dev->info.config_size - c->offset ||
	    c->flags > VHOST_SET_CONFIG_TYPE_MIGRATION) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "SET_CONFIG of %u bytes at %u, flags %u", c->size, c->offset,
		             c->flags);
		return -EINVAL;
	}
	if (!dev->info.ops->set_config)
		return -EPERM;
	return dev->info.ops->set_config(dev->info.opaque, c->region, c->offset, c->size, c->flags);
}

static int
handle_get_inflight_fd(VhostDev *dev, VhostRequest *req)
{
	const VhostUserInflight *in = &req->p->inflight;
	int ret;

	req->has_reply = true;
	req->reply_size = sizeof(VhostUserInflight);
	memset(&req->reply.inflight, 0, sizeof(req->reply.inflight));
	if (in->num_queues == 0 || in->num_queues > dev->info.num_queues) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "GET_INFLIGHT_FD for %u queues", in->num_queues);
		return -EINVAL;
	}
	ret = vhost_inflight_create(&dev->inflight, in->num_queues, in->queue_size);
	if (ret < 0) {
		vd_log_fault(&dev->faults, VD_FAULT_HOST, vhost_dev_name(dev),
		             "GET_INFLIGHT_FD: %s", g_strerror(-ret));
		return ret;
	}
	req->reply.inflight.mmap_size = dev->inflight.size;
	req->reply.inflight.mmap_offset = 0;
	req->reply.inflight.num_queues = in->num_queues;
	req->reply.inflight.queue_size = in->queue_size;
	req->reply_fd = dev->inflight.fd;
	for (unsigned int i = 0; i < dev->info.num_queues; i++)
		dev->queues[i].inflight = vhost_inflight_queue(&dev->inflight, i);
	return 0;
}

static int
handle_set_inflight_fd(VhostDev *dev, VhostRequest *req)
{
	const VhostUserInflight *in = &req->p->inflight;
	int fd = take_fd(req, 0);
	int ret = vhost_inflight_set(&dev->inflight, fd, in->mmap_size, in->mmap_offset,
	                             in->num_queues, in->queue_size);

	if (ret < 0) {
		close(fd);
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "SET_INFLIGHT_FD refused: %s", g_strerror(-ret));
		return ret;
	}
	for (unsigned int i = 0; i < dev->info.num_queues; i++)
		dev->queues[i].inflight = vhost_inflight_queue(&dev->inflight, i);
	return 0;
}

/* A request for one kind of device (the table lists it): the device's to handle. */
static int
handle_device_message(VhostDev *dev, VhostRequest *req)
{
	int ret = -ENOTSUP;

	if (dev->info.ops->device_message)
		ret = dev->info.ops->device_message(dev->info.opaque, req->hdr->request, req->p,
		                                    req->hdr->size, req->fds, req->nfds);
	if (ret == -ENOTSUP)
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "%s is not a request for this device",
		             vhost_user_request_name(req->hdr->request));
	return ret;
}

static int
handle_set_status(VhostDev *dev, VhostRequest *req)
{
	uint8_t status = (uint8_t)req->p->u64;

	if (req->p->u64 > 0xff)
		return -EINVAL;
	if (status == 0 && dev->status != 0)
		dev_reset(dev, true);
	dev->status = status;
	if (dev->info.ops->status_changed)
		dev->info.ops->status_changed(dev->info.opaque, status);
	return 0;
}

static int
handle_get_status(VhostDev *dev, VhostRequest *req)
{
	reply_u64(req, dev->status);
	return 0;
}

/* Device state moves through a pipe after the reply, in the main loop. */
static gboolean
transfer_cb(int fd, GIOCondition cond, gpointer data)
{
	VhostDev *dev = data;
	VhostStateTransfer *t = &dev->transfer;
	uint8_t buf[4096];
	ssize_t n;

	if (t->direction == VHOST_TRANSFER_STATE_DIRECTION_SAVE) {
		n = write(fd, t->data->data + t->pos, t->data->len - t->pos);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return G_SOURCE_CONTINUE;
		if (n < 0) {
			t->result = -errno;
		} else {
			t->pos += (size_t)n;
			if (t->pos < t->data->len)
				return G_SOURCE_CONTINUE;
		}
	} else {
		if (t->data->len > (16u << 20)) {
			t->result = -EFBIG;
		} else {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return G_SOURCE_CONTINUE;
			if (n > 0) {
				g_byte_array_append(t->data, buf, (guint)n);
				return G_SOURCE_CONTINUE;
			}
			if (n < 0)
				t->result = -errno;
		}
	}
	/* Done (EOF for a load, all written for a save) or failed. */
	t->source = 0;
	close(t->fd);
	t->fd = -1;
	if (t->direction == VHOST_TRANSFER_STATE_DIRECTION_LOAD && t->result == 0)
		t->result =
		        dev->info.ops->load_state(dev->info.opaque, t->data->data, t->data->len);
	return G_SOURCE_REMOVE;
}

static int
handle_set_device_state_fd(VhostDev *dev, VhostRequest *req)
{
	const VhostUserTransferDeviceState *s = &req->p->transfer_state;
	VhostStateTransfer *t = &dev->transfer;
	int ret = 0;

	reply_u64(req, VHOST_USER_DEVICE_STATE_INVALID_FD | 1);
	if (s->phase != VHOST_TRANSFER_STATE_PHASE_STOPPED ||
	    s->direction > VHOST_TRANSFER_STATE_DIRECTION_LOAD)
		return -EINVAL;
	transfer_clear(t);
	t->fd = take_fd(req, 0);
	t->direction = s->direction;
	t->data = g_byte_array_new();
	(void)fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
	if (s->direction == VHOST_TRANSFER_STATE_DIRECTION_SAVE)
		ret = dev->info.ops->save_state(dev->info.opaque, t->data);
	if (ret < 0) {
		transfer_clear(t);
		return ret;
	}
	t->source = g_unix_fd_add(t->fd,
	                          s->direction == VHOST_TRANSFER_STATE_DIRECTION_SAVE
	                                  ? G_IO_OUT | G_IO_ERR | G_IO_HUP
	                                  : G_IO_IN | G_IO_ERR | G_IO_HUP,
	                          transfer_cb, dev);
	/* Success, and we return no fd of our own. */
	reply_u64(req, VHOST_USER_DEVICE_STATE_INVALID_FD);
	return 0;
}

static int
handle_check_device_state(VhostDev *dev, VhostRequest *req)
{
	VhostStateTransfer *t = &dev->transfer;

	/*
	 * A load still reading finishes now: the front-end closed its end
	 * already. One that did not (nothing to read, no EOF) fails the check
	 * rather than spin here.
	 */
	while (t->source && t->direction == VHOST_TRANSFER_STATE_DIRECTION_LOAD) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
		guint source = t->source;

		if (poll(&pfd, 1, 0) != 1)
			break;

		/*
		 * Called outside the main loop, the callback's "remove" does not
		 * detach the source: left attached it would poll the closed fd,
		 * or whatever file gets that number next (the next transfer's pipe).
		 */
		if (transfer_cb(t->fd, G_IO_IN, dev) == G_SOURCE_REMOVE) {
			g_source_remove(source);
			break;
		}
	}
	reply_u64(req, (t->source || t->result < 0) ? 1 : 0);
	return 0;
}

static int
handle_refused(VhostDev *dev, VhostRequest *req)
{
	vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
	             "%s (%u) is not supported by this back-end",
	             vhost_user_request_name(req->hdr->request), req->hdr->request);
	return -ENOTSUP;
}

#define F(x) VHOST_USER_PROTOCOL_F_##x
static const RequestSpec request_table[VHOST_USER_REQUEST_MAX] = {
	[VHOST_USER_GET_FEATURES] = { handle_get_features, SIZE_EXACT, 0, 0, 0, -1, true },
	[VHOST_USER_SET_FEATURES] = { handle_set_features, SIZE_EXACT, 8, 0, 0, -1, false },
	[VHOST_USER_SET_OWNER] = { handle_set_owner, SIZE_EXACT, 0, 0, 0, -1, false },
	[VHOST_USER_RESET_OWNER] = { handle_reset, SIZE_EXACT, 0, 0, 0, -1, false },
	[VHOST_USER_SET_MEM_TABLE] = { handle_set_mem_table, SIZE_MIN, 8, 0,
	                               VHOST_MEMORY_BASELINE_NREGIONS, -1, false },
	[VHOST_USER_SET_LOG_BASE] = { handle_set_log_base, SIZE_EXACT, sizeof(VhostUserLog), 1, 1,
	                              F(LOG_SHMFD), true },
	[VHOST_USER_SET_LOG_FD] = { handle_set_log_fd, SIZE_EXACT, 0, 1, 1, -1, false },
	[VHOST_USER_SET_VRING_NUM] = { handle_set_vring_num, SIZE_EXACT, 8, 0, 0, -1, false },
	[VHOST_USER_SET_VRING_ADDR] = { handle_set_vring_addr, SIZE_EXACT,
	                                sizeof(VhostUserVringAddr), 0, 0, -1, false },
	[VHOST_USER_SET_VRING_BASE] = { handle_set_vring_base, SIZE_EXACT, 8, 0, 0, -1, false },
	[VHOST_USER_GET_VRING_BASE] = { handle_get_vring_base, SIZE_EXACT, 8, 0, 0, -1, true },
	[VHOST_USER_SET_VRING_KICK] = { handle_set_vring_fd, SIZE_EXACT, 8, 0, 1, -1, false },
	[VHOST_USER_SET_VRING_CALL] = { handle_set_vring_fd, SIZE_EXACT, 8, 0, 1, -1, false },
	[VHOST_USER_SET_VRING_ERR] = { handle_set_vring_fd, SIZE_EXACT, 8, 0, 1, -1, false },
	[VHOST_USER_GET_PROTOCOL_FEATURES] = { handle_get_protocol_features, SIZE_EXACT, 0, 0, 0,
	                                       -1, true },
	[VHOST_USER_SET_PROTOCOL_FEATURES] = { handle_set_protocol_features, SIZE_EXACT, 8, 0, 0,
	                                       -1, false },
	[VHOST_USER_GET_QUEUE_NUM] = { handle_get_queue_num, SIZE_EXACT, 0, 0, 0, F(MQ), true },
	[VHOST_USER_SET_VRING_ENABLE] = { handle_set_vring_enable, SIZE_EXACT, 8, 0, 0, -1, false },
	[VHOST_USER_SET_BACKEND_REQ_FD] = { handle_set_backend_req_fd, SIZE_EXACT, 0, 1, 1,
	                                    F(BACKEND_REQ), false },
	[VHOST_USER_IOTLB_MSG] = { handle_iotlb_msg, SIZE_EXACT, VHOST_USER_IOTLB_MSG_SIZE, 0, 0,
	                           -1, false },
	[VHOST_USER_GET_CONFIG] = { handle_get_config, SIZE_MIN, VHOST_USER_CONFIG_HDR_SIZE, 0, 0,
	                            F(CONFIG), true },
	[VHOST_USER_SET_CONFIG] = { handle_set_config, SIZE_MIN, VHOST_USER_CONFIG_HDR_SIZE, 0, 0,
	                            F(CONFIG), false },
	[VHOST_USER_GET_INFLIGHT_FD] = { handle_get_inflight_fd, SIZE_EXACT,
	                                 sizeof(VhostUserInflight), 0, 0, F(INFLIGHT_SHMFD), true },
	[VHOST_USER_SET_INFLIGHT_FD] = { handle_set_inflight_fd, SIZE_EXACT,
	                                 sizeof(VhostUserInflight), 1, 1, F(INFLIGHT_SHMFD),
	                                 false },
	[VHOST_USER_GPU_SET_SOCKET] = { handle_device_message, SIZE_EXACT, 0, 1, 1, -1, false },
	[VHOST_USER_RESET_DEVICE] = { handle_reset, SIZE_EXACT, 0, 0, 0, F(RESET_DEVICE), false },
	[VHOST_USER_GET_MAX_MEM_SLOTS] = { handle_get_max_mem_slots, SIZE_EXACT, 0, 0, 0,
	                                   F(CONFIGURE_MEM_SLOTS), true },
	[VHOST_USER_ADD_MEM_REG] = { handle_add_mem_reg, SIZE_EXACT, sizeof(VhostUserMemRegMsg), 1,
	                             1, F(CONFIGURE_MEM_SLOTS), false },
	[VHOST_USER_REM_MEM_REG] = { handle_rem_mem_reg, SIZE_EXACT, sizeof(VhostUserMemRegMsg), 0,
	                             1, F(CONFIGURE_MEM_SLOTS), false },
	[VHOST_USER_SET_STATUS] = { handle_set_status, SIZE_EXACT, 8, 0, 0, F(STATUS), false },
	[VHOST_USER_GET_STATUS] = { handle_get_status, SIZE_EXACT, 0, 0, 0, F(STATUS), true },
	[VHOST_USER_SET_DEVICE_STATE_FD] = { handle_set_device_state_fd, SIZE_EXACT,
	                                     sizeof(VhostUserTransferDeviceState), 1, 1,
	                                     F(DEVICE_STATE), true },
	[VHOST_USER_CHECK_DEVICE_STATE] = { handle_check_device_state, SIZE_EXACT, 0, 0, 0,
	                                    F(DEVICE_STATE), true },
};
#undef F

static bool
request_acceptable(VhostDev *dev, const RequestSpec *spec, const VhostUserHeader *hdr,
                   unsigned int nfds)
{
	const char *name = vhost_user_request_name(hdr->request);

	if ((spec->rule == SIZE_EXACT && hdr->size != spec->size) ||
	    (spec->rule == SIZE_MIN && hdr->size < spec->size)) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "%s with a %u-byte payload (expected %s%u)", name, hdr->size,
		             spec->rule == SIZE_MIN ? "at least " : "", spec->size);
		return false;
	}
	if (nfds < spec->min_fds || nfds > spec->max_fds) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "%s with %u file descriptors (expected %u..%u)", name, nfds,
		             spec->min_fds, spec->max_fds);
		return false;
	}
	if (spec->needs_protocol_feature >= 0 &&
	    !vhost_dev_has_protocol_feature(dev, (unsigned int)spec->needs_protocol_feature) &&
	    hdr->request != VHOST_USER_GET_QUEUE_NUM) {
		vd_log_fault(&dev->faults, VD_FAULT_FRONTEND, vhost_dev_name(dev),
		             "%s without negotiating its protocol feature", name);
		return false;
	}
	return true;
}

static int
send_reply(VhostDev *dev, const VhostUserHeader *hdr, const void *payload, uint32_t size, int fd)
{
	uint32_t flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;

	if (dev->sock < 0)
		return 0;
	return vhost_msg_write(dev->sock, hdr->request, flags, payload, size, &fd, fd >= 0 ? 1 : 0,
	                       REPLY_TIMEOUT_MS);
}

int
vhost_dev_handle_message(VhostDev *dev, const VhostUserHeader *hdr, const void *payload, int *fds,
                         unsigned int nfds)
{
	const RequestSpec *spec =
	        hdr->request < VHOST_USER_REQUEST_MAX ? &request_table[hdr->request] : NULL;
	VhostUserPayload p;
	VhostRequest req = { .hdr = hdr, .p = &p, .fds = fds, .nfds = nfds, .reply_fd = -1 };
	bool want_ack = (hdr->flags & VHOST_USER_NEED_REPLY_MASK) &&
	                vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_REPLY_ACK);
	int ret;

	if (hdr->size > sizeof(p)) {
		vhost_close_fds(fds, nfds);
		return -EPROTO;
	}
	/* Handlers read a zero-padded copy, never the message buffer past its size. */
	memset(&p, 0, sizeof(p));
	memcpy(&p, payload, hdr->size);
	g_debug("%s: %s (%u bytes, %u fds)", vhost_dev_name(dev),
	        vhost_user_request_name(hdr->request), hdr->size, nfds);

	if (!spec || !spec->handler) {
		ret = handle_refused(dev, &req);
	} else if (!request_acceptable(dev, spec, hdr, nfds)) {
		ret = -EINVAL;
		if (spec->replies) {
			/* The front-end waits for this reply: send an empty or zero one. */
			req.has_reply = true;
			req.reply_size =
			        hdr->request == VHOST_USER_GET_CONFIG ? 0 : sizeof(uint64_t);
			memset(&req.reply, 0, sizeof(req.reply));
			if (hdr->request == VHOST_USER_GET_VRING_BASE)
				req.reply_size = sizeof(VhostUserVringState);
		}
	} else {
		ret = spec->handler(dev, &req);
	}
	vhost_close_fds(fds, nfds);

	if (req.has_reply) {
		int wret = send_reply(dev, hdr, &req.reply, req.reply_size, req.reply_fd);
		if (wret < 0)
			return wret;
	} else if (want_ack) {
		uint64_t ack = ret < 0 ? 1 : 0;
		int wret = send_reply(dev, hdr, &ack, sizeof(ack), -1);
		if (wret < 0)
			return wret;
	}
	return 0;
}

/* ---- connection ---- */

static void
dev_disconnected(VhostDev *dev)
{
	if (dev->sock_source)
		g_source_remove(dev->sock_source);
	dev->sock_source = 0;
	if (dev->sock >= 0)
		close(dev->sock);
	dev->sock = -1;
	vhost_msg_reader_reset(&dev->reader);
	vhost_backend_close(dev, &dev->backend);
	dev_reset(dev, false);
	vhost_inflight_clear(&dev->inflight);
	dev->protocol_features = 0;
	dev->owner_set = false;
	/* The next front-end may map host notifiers where this one refused. */
	dev->notifiers.refused = false;
	dev->notifiers.warned = false;
	if (dev->disconnect_func)
		dev->disconnect_func(dev, dev->disconnect_data);
}

static gboolean
socket_readable(int fd, GIOCondition cond, gpointer data)
{
	VhostDev *dev = data;

	for (;;) {
		int ret = vhost_msg_read(fd, &dev->reader);
		if (ret == 0)
			return G_SOURCE_CONTINUE;
		if (ret < 0) {
			if (ret == -EPROTO)
				g_warning(
				        "%s: front-end bug: malformed message framing; closing the "
				        "connection",
				        vhost_dev_name(dev));
			else
				g_message("%s: front-end disconnected", vhost_dev_name(dev));
			dev->sock_source = 0;
			dev_disconnected(dev);
			return G_SOURCE_REMOVE;
		}
		VhostUserHeader hdr;
		memcpy(&hdr, dev->reader.buf, sizeof(hdr));
		unsigned int nfds = dev->reader.nfds;
		dev->reader.nfds = 0;
		dev->reader.have = 0;
		ret = vhost_dev_handle_message(dev, &hdr, dev->reader.buf + VHOST_USER_HDR_SIZE,
		                               dev->reader.fds, nfds);
		if (ret < 0) {
			g_warning("%s: cannot answer the front-end (%s); closing the connection",
			          vhost_dev_name(dev), g_strerror(-ret));
			dev->sock_source = 0;
			dev_disconnected(dev);
			return G_SOURCE_REMOVE;
		}
		/* A handler may have detached us (reset callbacks). */
		if (dev->sock != fd)
			return G_SOURCE_REMOVE;
	}
}

VhostDev *
vhost_dev_new(const VhostDeviceInfo *info)
{
	VhostDev *dev;

	g_return_val_if_fail(info && info->ops, NULL);
	g_return_val_if_fail(info->num_queues >= 1 && info->num_queues <= VHOST_MAX_QUEUES, NULL);
	g_return_val_if_fail(info->config_size <= VHOST_USER_MAX_CONFIG_SIZE, NULL);
	dev = g_new0(VhostDev, 1);
	dev->info = *info;
	dev->sock = -1;
	vhost_mem_init(&dev->mem, VHOST_USER_MAX_RAM_SLOTS);
	vhost_iotlb_init(&dev->iotlb);
	vhost_log_init(&dev->log);
	vhost_inflight_init(&dev->inflight);
	vhost_backend_init(&dev->backend);
	dev->notifiers.holdoff_ms = VHOST_HOST_NOTIFIER_HOLDOFF_MS_DEFAULT;
	dev->transfer.fd = -1;
	for (unsigned int i = 0; i < info->num_queues; i++)
		vhost_queue_init(&dev->queues[i], dev, i);
	return dev;
}

void
vhost_dev_free(VhostDev *dev)
{
	if (!dev)
		return;
	dev->disconnect_func = NULL;
	if (dev->sock >= 0)
		dev_disconnected(dev);
	else
		dev_reset(dev, false);
	vhost_inflight_clear(&dev->inflight);
	vhost_backend_close(dev, &dev->backend);
	g_array_unref(dev->iotlb.entries);
	g_array_unref(dev->iotlb.pending_misses);
	g_free(dev);
}

int
vhost_dev_attach(VhostDev *dev, int fd)
{
	if (dev->sock >= 0)
		return -EBUSY;
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	dev->sock = fd;
	vhost_msg_reader_reset(&dev->reader);
	dev->sock_source = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, socket_readable, dev);
	return 0;
}

void
vhost_dev_detach(VhostDev *dev)
{
	if (dev->sock >= 0)
		dev_disconnected(dev);
}

bool
vhost_dev_is_attached(VhostDev *dev)
{
	return dev->sock >= 0;
}

void
vhost_dev_set_disconnect_handler(VhostDev *dev, VhostDisconnectFunc func, void *user_data)
{
	dev->disconnect_func = func;
	dev->disconnect_data = user_data;
}

int
vhost_dev_notify_config_change(VhostDev *dev)
{
	if (!vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_BACKEND_REQ) ||
	    dev->backend.fd < 0)
		return -ENOTCONN;
	return vhost_backend_send(
	        dev, &dev->backend, VHOST_USER_BACKEND_CONFIG_CHANGE_MSG, NULL, 0, -1,
	        vhost_dev_has_protocol_feature(dev, VHOST_USER_PROTOCOL_F_REPLY_ACK), NULL, NULL);
}
