/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfe internals shared by its source files. */
#pragma once

#include <glib.h>

#include "frontend.h"

#define VFE_LOG_DOMAIN "vfe"

typedef struct VfeRegion {
	uint64_t gpa;
	uint64_t size;
	uint64_t uaddr;
	uint64_t offset; /* mmap offset inside fd */
	int fd;          /* owned when own_fd */
	bool own_fd;
	uint8_t *host; /* front-end mapping of the region */
	uint64_t next; /* bump allocator, offset inside the region */
} VfeRegion;

/* Driver-side state of a descriptor head. */
enum {
	VFE_HEAD_FREE = 0,
	VFE_HEAD_CHAIN, /* added with vfe_queue_add*(): frees chain_len descriptors */
	VFE_HEAD_RAW,   /* published with vfe_queue_publish(): frees nothing */
};

typedef struct VfeQueue {
	bool ready;
	unsigned int size;
	unsigned int flags;
	uint64_t desc_gpa;
	uint64_t avail_gpa;
	uint64_t used_gpa;
	uint8_t *desc; /* host pointers into guest RAM */
	uint8_t *avail;
	uint8_t *used;
	int kick_fd;
	int call_fd;
	int err_fd;
	uint16_t avail_idx; /* next avail->idx the driver publishes */
	uint16_t last_used; /* next used element the driver consumes */
	uint16_t kick_old;  /* avail_idx at the last vfe_queue_kick_needed() */
	uint16_t free_head;
	unsigned int num_free;
	uint16_t *free_next;  /* private free list, never read from guest RAM */
	uint16_t *chain_next; /* private copy of the chains' next links */
	uint16_t *chain_len;
	uint8_t *head_state;
	uint64_t calls;
	/* Host notifier (host-notifier.c), under notifier_lock. */
	void *notifier_page;
	size_t notifier_len;
	gint64 notifier_unmapped; /* when an installed page was last removed */
	uint64_t eventfd_kicks, doorbell_writes;
} VfeQueue;

typedef struct VfeIotlbEntry {
	uint64_t iova;
	uint64_t size;
	uint64_t uaddr;
	uint8_t perm;
} VfeIotlbEntry;

struct VfeFrontend {
	int fd;
	GMutex send_lock; /* the backend channel thread sends IOTLB updates */
	int timeout_ms;

	/* Back-end process */
	char *tmpdir;
	char *sock_path;
	char **argv; /* as given, for vfe_restart() */
	bool fd_mode;
	GPid pid;
	int child_status; /* -1 until reaped */

	/* Negotiation */
	uint64_t offered_features;
	uint64_t features;
	uint64_t offered_protocol;
	uint64_t protocol;
	bool reply_ack;

	/* Guest RAM */
	VfeRegion regions[VHOST_USER_MAX_RAM_SLOTS];
	unsigned int nregions;
	unsigned int alloc_region;

	VfeQueue queues[VFE_MAX_QUEUES];

	/* Backend channel */
	int bc_fd;
	int bc_stop_fd;
	GThread *bc_thread;
	GMutex bc_lock;
	GCond bc_cond;
	unsigned int bc_counts[VHOST_USER_BACKEND_REQUEST_MAX];
	unsigned int bc_bad;
	unsigned int config_changes_consumed;
	uint64_t config_change_reply;
	bool have_miss;
	uint64_t miss_iova;
	uint8_t miss_perm;
	bool have_notifier;
	VhostUserVringArea notifier_area;
	int notifier_fd;
	bool refuse_notifiers;
	unsigned int notifier_installs, notifier_removals;
	int notifier_grace_ms;                /* QEMU's RCU delay to emulate, 0: none */
	unsigned int notifier_early_removals; /* under notifier_lock */
	/* Taken by every kick: a notifier is installed or removed between two kicks. */
	GMutex notifier_lock;
	GArray *iotlb_map; /* VfeIotlbEntry, under bc_lock */

	/* Dirty log */
	int log_fd;
	uint8_t *log;
	uint64_t log_size;

	/* Inflight */
	int inflight_fd;
	void *inflight;
	size_t inflight_size;
	VhostUserInflight inflight_info;
};

/* A negative timeout means the front-end's default. */
static inline int
vfe_timeout(VfeFrontend *fe, int timeout_ms)
{
	return timeout_ms < 0 ? fe->timeout_ms : timeout_ms;
}

/* Monotonic deadline in microseconds for a timeout in milliseconds. */
static inline gint64
vfe_deadline(int timeout_ms)
{
	return g_get_monotonic_time() + (gint64)timeout_ms * 1000;
}

/* Milliseconds left until deadline, at least 0, rounded up. */
static inline int
vfe_remaining_ms(gint64 deadline)
{
	gint64 left = deadline - g_get_monotonic_time();

	if (left <= 0)
		return 0;
	return (int)MIN((left + 999) / 1000, G_MAXINT);
}

/* Poll one fd for events until deadline: 1 ready, 0 timeout, negative errno. */
int vfe_poll_fd(int fd, short events, gint64 deadline);

/* Reads exactly len bytes before deadline; fds from the first read go to fds. */
int vfe_read_full(int fd, void *buf, size_t len, int *fds, size_t *nfds, gint64 deadline);

/* Sends one message on any socket (main or backend channel), under no lock. */
int vfe_sendmsg(int fd, const void *hdr, size_t hdr_len, const void *payload, size_t size,
                const int *fds, size_t nfds);

/* Receives a whole message with fds from any socket. */
int vfe_recvmsg(int fd, VhostUserHeader *hdr, void *buf, size_t bufsize, int *fds, size_t *nfds,
                gint64 deadline);

/* A call that passes fds and expects its own reply (SET_LOG_BASE, GET_INFLIGHT_FD, ...). */
int vfe_call_fds(VfeFrontend *fe, uint32_t request, const void *payload, size_t size,
                 const int *fds, size_t nfds, void *reply, size_t reply_size, size_t *got_size,
                 int *reply_fd);

void vfe_backend_channel_stop(VfeFrontend *fe);

/* host-notifier.c */
uint64_t vfe_notifier_apply(VfeFrontend *fe, const VhostUserVringArea *area, int fd);
void vfe_notifier_remove(VfeFrontend *fe, unsigned int index);
void vfe_notifiers_remove_all(VfeFrontend *fe);
int vfe_notifier_kick(VfeFrontend *fe, unsigned int index);
void vfe_queues_free(VfeFrontend *fe);
void vfe_mem_free(VfeFrontend *fe);
void vfe_state_free(VfeFrontend *fe);
void vfe_forget_negotiation(VfeFrontend *fe);
