/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the back-end library, shared between its files only. */
#pragma once

#include "vhost.h"
#include "vhost/fault.h"

#define VHOST_MAX_IOTLB_ENTRIES 4096u
#define VHOST_MAX_LOG_SIZE (256ull << 20)
#define VHOST_MAX_CHAIN VHOST_USER_MAX_QUEUE_SIZE
/* Device-type feature bits: 0..23 and 50 up (virtio 1.2, 6). */
#define VHOST_DEVICE_FEATURE_MASK (0xffffffull | ~((1ull << 50) - 1))

/* A busy-wait step that lets a sibling hyperthread run (polling a ring). */
static inline void
vhost_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* ---- memory.c: the guest memory table ---- */
typedef struct VhostMemRegion {
	uint64_t gpa;
	uint64_t size;
	uint64_t uaddr; /* the front-end's virtual address of gpa */
	uint64_t mmap_offset;
	void *mmap_base;
	size_t mmap_len;
	uint8_t *host; /* host address of gpa */
	dev_t st_dev;
	ino_t st_ino;
} VhostMemRegion;

typedef struct VhostMemTable {
	VhostMemRegion regions[VHOST_USER_MAX_RAM_SLOTS];
	unsigned int nregions;
	unsigned int max_slots;
} VhostMemTable;

void vhost_mem_init(VhostMemTable *mem, unsigned int max_slots);
void vhost_mem_clear(VhostMemTable *mem);
/* Replace the table; regions identical to mapped ones keep their mapping. */
int vhost_mem_set_table(VhostMemTable *mem, const VhostUserMemoryRegion *regions, int *fds,
                        unsigned int n);
int vhost_mem_add_region(VhostMemTable *mem, const VhostUserMemoryRegion *region, int fd);
int vhost_mem_remove_region(VhostMemTable *mem, const VhostUserMemoryRegion *region);
/* Region holding gpa (or the front-end address uaddr), or NULL. */
const VhostMemRegion *vhost_mem_find_gpa(const VhostMemTable *mem, uint64_t gpa);
const VhostMemRegion *vhost_mem_find_uaddr(const VhostMemTable *mem, uint64_t uaddr);
const VhostMemRegion *vhost_mem_find_host(const VhostMemTable *mem, const void *host, size_t len);

/* ---- iotlb.c: device IOTLB (IOVA -> front-end address) ---- */
typedef struct VhostIotlbEntry {
	uint64_t iova;
	uint64_t size;
	uint64_t uaddr;
	uint8_t perm;
} VhostIotlbEntry;

typedef struct VhostIotlb {
	GArray *entries;        /* VhostIotlbEntry, unsorted */
	GArray *pending_misses; /* uint64_t iova pages already asked for */
} VhostIotlb;

void vhost_iotlb_init(VhostIotlb *tlb);
void vhost_iotlb_clear(VhostIotlb *tlb);
int vhost_iotlb_update(VhostIotlb *tlb, uint64_t iova, uint64_t size, uint64_t uaddr, uint8_t perm);
void vhost_iotlb_invalidate(VhostIotlb *tlb, uint64_t iova, uint64_t size);
/*
 * Translate iova with the wanted permission; returns the front-end address
 * and in *contig how many bytes are contiguous from there. -ENOENT on a miss.
 */
int vhost_iotlb_translate(const VhostIotlb *tlb, uint64_t iova, uint8_t perm, uint64_t *uaddr,
                          uint64_t *contig);
/* true the first time a miss for this page is recorded (so it is sent once). */
bool vhost_iotlb_note_miss(VhostIotlb *tlb, uint64_t iova);

/* ---- dirty-log.c ---- */
typedef struct VhostDirtyLog {
	uint8_t *bitmap;
	uint64_t size; /* bytes of bitmap */
	void *mmap_base;
	size_t mmap_len;
	int call_fd;
} VhostDirtyLog;

void vhost_log_init(VhostDirtyLog *log);
void vhost_log_clear(VhostDirtyLog *log);
int vhost_log_set_base(VhostDirtyLog *log, const VhostUserLog *payload, int fd);
void vhost_log_set_call_fd(VhostDirtyLog *log, int fd);
void vhost_log_mark(VhostDirtyLog *log, uint64_t gpa, uint64_t len);
void vhost_log_kick(VhostDirtyLog *log);

/* ---- host-notifier.c: the polling mode (see vhost_dev_set_host_notifiers) ---- */
typedef enum VhostNotifierState {
	VHOST_NOTIFIER_OFF,        /* the guest kicks the eventfd */
	VHOST_NOTIFIER_INSTALLING, /* page offered, ack awaited; polling already */
	VHOST_NOTIFIER_ON,         /* the guest writes the page; polling */
	VHOST_NOTIFIER_REMOVING,   /* removal sent, ack awaited; still polling */
} VhostNotifierState;

typedef struct VhostNotifier {
	VhostNotifierState state;
	int fd;         /* the page's memfd, -1 until first needed */
	uint32_t *page; /* our mapping of it: the doorbell word at offset 0 */
	size_t page_size;
	GSource *poll; /* the polling source, while not OFF */
	gint64 last_activity;
	uint16_t idx_armed; /* avail->idx read just before the doorbell was re-armed */
	/* The request whose ack still matters (0: none); older acks are stale. */
	uint64_t ticket;
} VhostNotifier;

typedef struct VhostNotifierConfig {
	bool enabled;
	unsigned int idle_us;
	bool refused; /* by this connection's front-end: eventfds only */
	bool warned;
	uint64_t last_ticket;
	unsigned int holdoff_ms;
	/* When each queue's page was last taken away (monotonic us; 0: never). */
	gint64 last_removal[VHOST_MAX_QUEUES];
	VhostNotifyStats stats;
} VhostNotifierConfig;

void vhost_notifier_init(VhostNotifier *n);
/* kicks came by eventfd: install the notifier when the mode is on and none is. */
void vhost_notifier_on_kick(VhostQueue *q, uint64_t kicks);
/* The queue stopped: take the page back (when the channel still works), stop polling. */
void vhost_notifier_drop(VhostQueue *q);
/* Reset or disconnect: drop and close the page. */
void vhost_notifier_reset(VhostQueue *q);
/* Whether the protocol features the mode needs were negotiated. */
bool vhost_notifier_usable(VhostDev *dev);

/* ---- virtqueue.c ---- */
struct VhostQueue {
	VhostDev *dev;
	unsigned int index;
	unsigned int num;
	VhostUserVringAddr addr;
	bool addr_set;
	bool log_used;
	VringDesc *desc;
	VringAvail *avail;
	VringUsed *used;
	bool rings_mapped;
	uint16_t last_avail_idx;
	uint16_t used_idx;
	uint16_t signalled_used;
	bool signalled_used_valid;
	unsigned int inuse;
	int kick_fd;
	int call_fd;
	int err_fd;
	guint kick_source;
	bool kick_set;
	bool enabled;
	bool started;
	bool broken;
	bool waiting_iotlb;
	bool notifications_off;
	/* avail->idx when the device was last dispatched: new work is past it. */
	uint16_t seen_avail;
	/* In a vhost_queue_dispatch_polled() that no kick vouches for. */
	bool unvouched;
	VhostNotifier notifier;
	/* Chains this dispatch may still pop; the rest waits for an idle callback. */
	unsigned int budget;
	guint resume_source;
	/* inflight tracking (INFLIGHT_SHMFD) */
	VhostInflightQueueSplit *inflight;
	uint64_t inflight_counter;
	uint16_t *resubmit; /* heads to hand out again, oldest first */
	unsigned int resubmit_num;
	unsigned int resubmit_pos;
};

void vhost_queue_init(VhostQueue *q, VhostDev *dev, unsigned int index);
/* Stop and forget everything (disconnect, reset). */
void vhost_queue_reset(VhostQueue *q);
/* Start or stop processing as the ring's configuration allows. */
void vhost_queue_update_state(VhostQueue *q);
/* Stop (GET_VRING_BASE); returns last_avail_idx. */
uint16_t vhost_queue_stop(VhostQueue *q);
/* Re-translate ring addresses after memory or IOTLB changes. */
void vhost_queue_remap(VhostQueue *q);
/* Call the device's queue_kicked with a fresh pop budget. */
void vhost_queue_dispatch(VhostQueue *q);
/*
 * The same on a read of the ring that found new buffers by polling; unless a
 * kick after that read vouches for it, an implausible available index is
 * taken as not written yet rather than as a guest bug (vhost_queue_pop).
 */
void vhost_queue_dispatch_polled(VhostQueue *q, bool vouched);
void vhost_queue_mark_broken(VhostQueue *q, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void vhost_queue_set_kick_fd(VhostQueue *q, int fd);
void vhost_queue_set_call_fd(VhostQueue *q, int fd);
void vhost_queue_set_err_fd(VhostQueue *q, int fd);
/* Started, not broken, rings mapped: the ring may be read. */
bool vhost_queue_usable(VhostQueue *q);
uint16_t vhost_queue_read_avail_idx(VhostQueue *q);

/* ---- inflight.c ---- */
typedef struct VhostInflight {
	void *base;
	size_t size;
	int fd;
	uint16_t num_queues;
	uint16_t queue_size;
} VhostInflight;

void vhost_inflight_init(VhostInflight *inf);
void vhost_inflight_clear(VhostInflight *inf);
int vhost_inflight_create(VhostInflight *inf, uint16_t num_queues, uint16_t queue_size);
int vhost_inflight_set(VhostInflight *inf, int fd, uint64_t mmap_size, uint64_t mmap_offset,
                       uint16_t num_queues, uint16_t queue_size);
VhostInflightQueueSplit *vhost_inflight_queue(VhostInflight *inf, unsigned int index);
/* Rebuild queue state from the inflight region when a ring starts. */
int vhost_inflight_recover(VhostQueue *q);
void vhost_inflight_on_pop(VhostQueue *q, uint16_t head);
void vhost_inflight_on_push_begin(VhostQueue *q, uint16_t head);
void vhost_inflight_on_push_end(VhostQueue *q, uint16_t head);

/* ---- backend-channel.c ---- */
typedef struct VhostBackendChannel {
	int fd;
	guint source;
	/* Requests sent with NEED_REPLY, oldest first: the front-end answers in order. */
	GQueue acks_pending;
	bool warned_refused;
} VhostBackendChannel;

void vhost_backend_init(VhostBackendChannel *ch);
/* Closes the channel; requests still waiting for an ack get done(false). */
void vhost_backend_close(VhostDev *dev, VhostBackendChannel *ch);
void vhost_backend_set_fd(VhostDev *dev, VhostBackendChannel *ch, int fd);
/*
 * Sends a request with at most one fd (-1 for none). With need_reply, done
 * (which may be NULL) runs when the ack arrives or the channel closes; it
 * does not run when the send fails.
 */
int vhost_backend_send(VhostDev *dev, VhostBackendChannel *ch, uint32_t request,
                       const void *payload, uint32_t size, int fd, bool need_reply,
                       VhostAckFunc done, void *data);

/* ---- message-io.c ---- */
typedef struct VhostMsgReader {
	uint8_t buf[VHOST_USER_HDR_SIZE + VHOST_USER_MAX_PAYLOAD];
	size_t have;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;
} VhostMsgReader;

void vhost_msg_reader_reset(VhostMsgReader *r);
/*
 * Reads what the socket has without blocking. Returns 1 when a whole message
 * sits in r, 0 when more bytes are needed, or a negative errno: -EPIPE at EOF,
 * -EPROTO for framing the peer broke (bad version, oversized payload, too
 * many fds).
 */
int vhost_msg_read(int fd, VhostMsgReader *r);
/* Writes a whole message; waits up to timeout_ms for socket space. */
int vhost_msg_write(int fd, uint32_t request, uint32_t flags, const void *payload, uint32_t size,
                    const int *fds, unsigned int nfds, int timeout_ms);
void vhost_close_fds(int *fds, unsigned int nfds);

/* ---- device.c ---- */
typedef struct VhostStateTransfer {
	int fd;
	guint source;
	uint32_t direction;
	GByteArray *data;
	size_t pos;
	int result;
} VhostStateTransfer;

struct VhostDev {
	VhostDeviceInfo info;
	VhostDevLimits limits;
	int sock;
	guint sock_source;
	VhostMsgReader reader;
	VhostDisconnectFunc disconnect_func;
	void *disconnect_data;
	bool owner_set;
	uint64_t features;
	uint64_t protocol_features;
	bool features_set;
	bool warned_extra_features;
	uint8_t status;
	VhostMemTable mem;
	VhostIotlb iotlb;
	VhostDirtyLog log;
	VhostInflight inflight;
	VhostBackendChannel backend;
	VhostStateTransfer transfer;
	VhostQueue queues[VHOST_MAX_QUEUES];
	VdRateLimit faults; /* what the front-end and guest get logged */
	VhostNotifierConfig notifiers;
};

uint64_t vhost_dev_offered_features(VhostDev *dev);
uint64_t vhost_dev_offered_protocol_features(VhostDev *dev);
bool vhost_dev_iommu(VhostDev *dev);
/* Translate a ring address (front-end address, or IOVA with IOMMU) to host. */
void *vhost_dev_map_ring(VhostDev *dev, uint64_t addr, uint64_t len, bool write, int *err);
/* Translate a DMA address into iovecs, appending at *n. */
int vhost_dev_translate(VhostDev *dev, uint64_t addr, uint64_t len, bool write, struct iovec *iov,
                        unsigned int *n, unsigned int max);
void vhost_dev_iotlb_miss(VhostDev *dev, uint64_t iova, uint8_t perm);
void vhost_dev_log_host_write(VhostDev *dev, const void *host, size_t len);
