/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-desktop's vhost-user back-end library.
 *
 * One VhostDev serves one device over one front-end connection at a time.
 * A device plugs in through VhostDeviceOps; it never sees the socket. All
 * work happens on the thread-default GLib main context: the library adds its
 * own sources for the socket, the kick eventfds and the backend channel.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "protocol.h"

typedef struct VhostDev VhostDev;
typedef struct VhostQueue VhostQueue;

/*
 * One available-ring entry, mapped into host addresses. out_sg are the
 * buffers the device reads (driver -> device), in_sg those it writes.
 */
typedef struct VhostElem {
	unsigned int index;
	unsigned int out_num;
	unsigned int in_num;
	struct iovec *out_sg;
	struct iovec *in_sg;
} VhostElem;

typedef struct VhostDeviceOps {
	/* Device-specific virtio feature bits (the library adds its own). */
	uint64_t (*get_features)(void *opaque);
	/* The features the driver accepted, device bits only. Optional. */
	void (*set_features)(void *opaque, uint64_t features);
	/*
	 * Config space. Both optional; with get_config the library offers
	 * VHOST_USER_PROTOCOL_F_CONFIG. Return 0 or a negative errno; offset and
	 * len are already checked against config_size.
	 */
	int (*get_config)(void *opaque, uint8_t *buf, uint32_t offset, uint32_t len);
	int (*set_config)(void *opaque, const uint8_t *buf, uint32_t offset, uint32_t len,
	                  uint32_t flags);
	/* A queue became ready to process (true) or was stopped (false). */
	void (*queue_started)(void *opaque, VhostQueue *queue, unsigned int index, bool started);
	/* The driver kicked a started queue. */
	void (*queue_kicked)(void *opaque, VhostQueue *queue, unsigned int index);
	/* Device state for migration (DEVICE_STATE); both or neither. */
	int (*save_state)(void *opaque, GByteArray *out);
	int (*load_state)(void *opaque, const uint8_t *data, size_t len);
	/* Back to power-on state: disconnect, RESET_DEVICE, RESET_OWNER, status 0. */
	void (*reset)(void *opaque);
	/* Device status written by the driver (SET_STATUS). Optional. */
	void (*status_changed)(void *opaque, uint8_t status);
	/*
	 * The guest memory table changed (SET_MEM_TABLE, ADD/REM_MEM_REG): host
	 * pointers a device took from vhost_dev_map_sg() into regions that went
	 * away are invalid now; map again. Optional.
	 */
	void (*memory_changed)(void *opaque);
	/*
	 * A front-end message that belongs to one kind of device (QEMU sends
	 * VHOST_USER_GPU_SET_SOCKET to GPUs): the library checked its size and fd
	 * count against the protocol and knows nothing more of it. The device
	 * takes the fds it keeps (setting their slots to -1); the library closes
	 * the rest. Returns 0, a negative errno, or -ENOTSUP for a request this
	 * device does not know (the library then says so). Optional.
	 */
	int (*device_message)(void *opaque, uint32_t request, const void *payload, size_t size,
	                      int *fds, unsigned int nfds);
} VhostDeviceOps;

typedef struct VhostDeviceInfo {
	const char *name;        /* for log messages */
	unsigned int num_queues; /* 1..VHOST_MAX_QUEUES */
	uint32_t config_size;    /* bytes of config space, <= 256 */
	const VhostDeviceOps *ops;
	void *opaque;
} VhostDeviceInfo;

#define VHOST_MAX_QUEUES 16u

/* Library-level policy knobs, mostly for tests. */
typedef struct VhostDevLimits {
	unsigned int max_mem_slots; /* default VHOST_USER_MAX_RAM_SLOTS */
	unsigned int backend_ack_timeout_ms;
} VhostDevLimits;

VhostDev *vhost_dev_new(const VhostDeviceInfo *info);
void vhost_dev_free(VhostDev *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VhostDev, vhost_dev_free)

/*
 * Serve a connected front-end socket; takes ownership of fd. Fails with
 * -EBUSY while another front-end is connected.
 */
int vhost_dev_attach(VhostDev *dev, int fd);
/* Drop the connection (if any) and reset the device. */
void vhost_dev_detach(VhostDev *dev);
bool vhost_dev_is_attached(VhostDev *dev);

/* Called after the front-end went away (EOF, protocol error, detach). */
typedef void (*VhostDisconnectFunc)(VhostDev *dev, void *user_data);
void vhost_dev_set_disconnect_handler(VhostDev *dev, VhostDisconnectFunc func, void *user_data);

/*
 * Process one already-received message (used by the fuzzer and by tests that
 * need no socket). fds are owned by the library after the call. Replies are
 * written to the attached socket if any, else dropped. Returns 0, or a
 * negative errno when the connection would have been closed.
 */
int vhost_dev_handle_message(VhostDev *dev, const VhostUserHeader *hdr, const void *payload,
                             int *fds, unsigned int nfds);

/* Negotiated virtio features (all bits) and protocol features. */
uint64_t vhost_dev_features(VhostDev *dev);
uint64_t vhost_dev_protocol_features(VhostDev *dev);
bool vhost_dev_has_feature(VhostDev *dev, unsigned int bit);
bool vhost_dev_has_protocol_feature(VhostDev *dev, unsigned int bit);
const char *vhost_dev_name(VhostDev *dev);

/*
 * Tell the front-end the config space changed (BACKEND_CONFIG_CHANGE_MSG).
 * The ack, when REPLY_ACK is negotiated, is awaited asynchronously. Returns
 * -ENOTCONN without a backend channel.
 */
int vhost_dev_notify_config_change(VhostDev *dev);

/*
 * Host notifiers (VHOST_USER_PROTOCOL_F_HOST_NOTIFIER with BACKEND_SEND_FD):
 * a polling mode. Off by default; call before vhost_dev_attach(). Once on,
 * the library offers both protocol features; a queue that gets a kick by
 * eventfd hands the front-end a page of its own (memfd) to map over the
 * queue's notify area, so that the guest's notifications become plain
 * memory writes, and the library serves the ring by polling. After idle_us
 * without a new buffer it takes the page back, waits for the front-end's
 * ack, reads the ring once more and sleeps on the kick eventfd again.
 * Needs REPLY_ACK and the backend channel; without them, or when the
 * front-end refuses (QEMU maps the page only with page-per-vq=on), queues
 * stay on eventfds and the library says so once per connection.
 */
#define VHOST_HOST_NOTIFIER_IDLE_US_DEFAULT 1000u
void vhost_dev_set_host_notifiers(VhostDev *dev, bool enable, unsigned int idle_us);
/*
 * The least time between taking a queue's page away and offering it again.
 * QEMU 10 frees a removed page in an RCU callback and aborts when the same
 * queue's page is removed again before that ran (vhost-user.c:
 * vhost_user_host_notifier_remove, assertion '!n->unmap_addr'), some tens
 * of milliseconds later; it removes it itself whenever it stops the device.
 * 0 turns the hold-off off (for front-ends without that limit, and tests).
 */
#define VHOST_HOST_NOTIFIER_HOLDOFF_MS_DEFAULT 1000u
void vhost_dev_set_host_notifier_holdoff(VhostDev *dev, unsigned int ms);
bool vhost_dev_host_notifiers_enabled(VhostDev *dev);

/* How the driver's notifications arrived, summed over queues since the start. */
typedef struct VhostNotifyStats {
	uint64_t eventfd_kicks;     /* kicks read from kick eventfds */
	uint64_t doorbell_writes;   /* doorbell found written in a page (once per look) */
	uint64_t polled_requests;   /* buffers found by polling, notifier installed */
	uint64_t notifier_installs; /* notifiers the front-end accepted */
	uint64_t notifier_refusals; /* notifiers it refused */
} VhostNotifyStats;
void vhost_dev_get_notify_stats(VhostDev *dev, VhostNotifyStats *stats);

/*
 * Sends BACKEND_VRING_HOST_NOTIFIER_MSG for a queue: with fd >= 0, map size
 * bytes of fd at offset over the queue's notify area; with fd < 0, remove it
 * (VHOST_USER_VRING_NOFD_MASK). fd stays the caller's. With REPLY_ACK, done
 * runs once the front-end answered (accepted true or false), or with false
 * when the channel closed first; without it, done runs at once with true.
 * Returns 0 or a negative errno (-ENOTCONN without a backend channel,
 * -ENOTSUP without HOST_NOTIFIER and BACKEND_SEND_FD negotiated), in which
 * case done does not run. done may be NULL.
 */
typedef void (*VhostAckFunc)(VhostDev *dev, bool accepted, void *data);
int vhost_queue_set_host_notifier(VhostQueue *queue, int fd, uint64_t size, uint64_t offset,
                                  VhostAckFunc done, void *data);

/*
 * Guest memory access for devices. Addresses are guest DMA addresses: guest
 * physical, or IOVAs when VIRTIO_F_IOMMU_PLATFORM was negotiated. Ranges
 * must lie fully inside guest memory. map_sg may span several regions and
 * fills at most max_iov entries; returns the count or a negative errno
 * (-EFAULT outside memory, -ENOBUFS too many pieces, -EAGAIN IOTLB miss sent).
 */
int vhost_dev_map_sg(VhostDev *dev, uint64_t addr, uint64_t len, bool write, struct iovec *iov,
                     unsigned int max_iov);
/* Contiguous mapping or NULL. */
void *vhost_dev_map(VhostDev *dev, uint64_t addr, uint64_t len, bool write);
/* Mark a range the device wrote as dirty when logging is on. */
void vhost_dev_log_write(VhostDev *dev, uint64_t addr, uint64_t len);

/* Queues */
VhostQueue *vhost_dev_get_queue(VhostDev *dev, unsigned int index);
unsigned int vhost_queue_index(VhostQueue *queue);
bool vhost_queue_is_started(VhostQueue *queue);
unsigned int vhost_queue_size(VhostQueue *queue);
/*
 * Next available buffer chain, or NULL when the ring is empty, stopped,
 * broken (logged once) or waiting for an IOTLB update (processing resumes
 * by itself, through queue_kicked, when it arrives).
 */
VhostElem *vhost_queue_pop(VhostQueue *queue);
/* Give back the last num popped elements, newest first (they must be freed). */
void vhost_queue_rewind(VhostQueue *queue, unsigned int num);
/* Return a chain to the driver with len bytes written; does not free elem. */
void vhost_queue_push(VhostQueue *queue, const VhostElem *elem, uint32_t len);
/* Signal the call eventfd if the driver wants it (EVENT_IDX aware). */
void vhost_queue_notify(VhostQueue *queue);
/* push + notify + free, the common case. */
void vhost_queue_complete(VhostQueue *queue, VhostElem *elem, uint32_t len);
/* Number of chains the driver made available that were not popped yet. */
unsigned int vhost_queue_avail_count(VhostQueue *queue);
/* Suppress (true) or re-enable driver notifications for this queue. */
void vhost_queue_set_notification(VhostQueue *queue, bool enable);

void vhost_elem_free(VhostElem *elem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VhostElem, vhost_elem_free)

/* iovec helpers: copy with bounds, return bytes copied. */
size_t vhost_iov_size(const struct iovec *iov, unsigned int n);
size_t vhost_iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset, void *buf,
                        size_t len);
size_t vhost_iov_from_buf(const struct iovec *iov, unsigned int n, size_t offset, const void *buf,
                          size_t len);
