/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvfe: a test front-end that plays QEMU and a guest driver against a
 * vhost-user back-end, over a real socket, real eventfds and memfd guest RAM.
 *
 * One VfeFrontend is one connection to one back-end. It owns the guest RAM,
 * the split virtqueues laid out in it and the driver side of every ring.
 * Everything a test can wait on has a timeout, so no test hangs on a dead or
 * stuck back-end.
 *
 * Building against it: add -I$(top_srcdir)/tests to the program's CPPFLAGS,
 * `#include "frontend/frontend.h"`, and link $(VFE_LIBS) (that is
 * tests/frontend/libvfe.a $(GLIB_LIBS)). Tests that spawn a back-end should
 * ignore SIGPIPE or rely on the library, which sends with MSG_NOSIGNAL.
 *
 * Conventions:
 * - Functions returning int give 0 (or a non-negative value where said) on
 *   success and a negative errno on failure: -ETIMEDOUT when the back-end did
 *   not answer in time, -ECONNRESET on EOF, -EPROTO for a malformed or
 *   unexpected reply, -EIO when the back-end reported failure (a non-zero ack).
 * - Timeouts are milliseconds; a negative timeout means the front-end's
 *   default (vfe_set_timeout(), 5000 ms initially).
 * - Guest addresses are GPAs. When VIRTIO_F_IOMMU_PLATFORM is negotiated the
 *   front-end uses GPAs as IOVAs too (identity); the test maps them with
 *   vfe_iotlb_update() or vfe_iotlb_map_add().
 * - The API is meant for one test thread. The only other thread is the
 *   backend channel listener (vfe_enable_backend_channel()), whose records
 *   are read through the accessors below.
 * - REPLY_ACK: once negotiated, every request that has no reply of its own is
 *   sent with NEED_REPLY by the helpers, and the ack is checked (non-zero ack
 *   gives -EIO). vfe_send_msg() never adds flags on its own.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vhost/protocol.h"

typedef struct VfeFrontend VfeFrontend;

#define VFE_DEFAULT_TIMEOUT_MS 5000
#define VFE_MAX_QUEUES 16u

/* ------------------------------------------------------------------------ */
/* Creation, connection and the back-end process */

/**
 * vfe_built_path:
 * @relative: a program's path in the build tree, e.g. "src/vhost-desktop-gpu"
 *
 * Returns: (transfer full): @relative under $top_builddir (which `make check`
 *   sets), or under the current directory without it.
 */
char *vfe_built_path(const char *relative);

/**
 * vfe_spawn:
 * @argv: NULL-terminated command line of the back-end (argv[0] is looked up
 *   in PATH if it has no slash)
 * @error: return location for an error
 *
 * Starts the back-end with `--socket-path=TMPDIR/sock` appended (TMPDIR is a
 * fresh private directory removed by vfe_free()) and connects to the socket,
 * retrying for 5 s until it appears. The child inherits stdout, stderr and
 * the environment (use `env -u VAR` in @argv to drop a variable). It gets
 * SIGKILL when the calling thread dies (PR_SET_PDEATHSIG), so a test that
 * aborts leaves no back-end behind. Fails early if the child exits before
 * listening. Errors are in the G_IO_ERROR domain.
 *
 * Returns: a connected front-end, or NULL with @error set.
 */
VfeFrontend *vfe_spawn(const char *const *argv, GError **error);

/**
 * vfe_spawn_fd:
 * @argv: NULL-terminated command line of the back-end
 * @error: return location for an error
 *
 * Like vfe_spawn() but hands the back-end one end of a socketpair, as libvirt
 * does: `--fd=3` is appended and the socket is the child's fd 3. The front-end
 * cannot reconnect such a back-end (vfe_reconnect() gives -ENOTSUP).
 *
 * Returns: a connected front-end, or NULL with @error set.
 */
VfeFrontend *vfe_spawn_fd(const char *const *argv, GError **error);

/**
 * vfe_new_from_fd:
 * @fd: a connected stream socket whose other end a back-end serves (for
 *   example a socketpair end given to vhost_dev_attach() in the same process)
 *
 * Takes ownership of @fd. There is no child process.
 *
 * Returns: (transfer full): a new front-end; never NULL.
 */
VfeFrontend *vfe_new_from_fd(int fd);

/**
 * vfe_connect_path:
 * @path: a listening vhost-user socket
 * @timeout_ms: how long to retry while the socket does not accept yet
 * @error: return location for an error
 *
 * Connects to a back-end started by someone else (no child process).
 *
 * Returns: a connected front-end, or NULL with @error set.
 */
VfeFrontend *vfe_connect_path(const char *path, int timeout_ms, GError **error);

/**
 * vfe_free:
 * @fe: (nullable): a front-end
 *
 * Closes the connection and every fd, unmaps guest RAM, stops the backend
 * channel thread, and terminates a spawned child: SIGTERM, then SIGKILL
 * after 2 s. The child's exit status is logged with g_debug; tests that care
 * call vfe_child_terminate() first and check what it returns.
 */
void vfe_free(VfeFrontend *fe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VfeFrontend, vfe_free)

/**
 * vfe_set_timeout:
 * @fe: a front-end
 * @timeout_ms: the default for every call given a negative timeout
 */
void vfe_set_timeout(VfeFrontend *fe, int timeout_ms);

/**
 * vfe_fd:
 * @fe: a front-end
 *
 * Returns: the vhost-user socket, or -1 while disconnected. Still owned by @fe.
 */
int vfe_fd(VfeFrontend *fe);

/**
 * vfe_socket_path:
 * @fe: a front-end
 *
 * Returns: (nullable): the socket path a spawned/connected back-end listens on.
 */
const char *vfe_socket_path(VfeFrontend *fe);

/**
 * vfe_disconnect:
 * @fe: a front-end
 *
 * Closes the vhost-user socket and the backend channel, as QEMU does when
 * the VM stops or the device is unplugged. Guest RAM, queue layouts and
 * inflight fd stay, so a test can reconnect and resume. The negotiated state
 * is forgotten.
 */
void vfe_disconnect(VfeFrontend *fe);

/**
 * vfe_reconnect:
 * @fe: a front-end made by vfe_spawn() or vfe_connect_path()
 * @timeout_ms: how long to retry connecting
 *
 * Connects again to the same socket path (closing the old connection
 * first if still open). The test then negotiates and sets up memory and
 * queues again (see vfe_mem_send_table() and vfe_queue_resume()).
 *
 * Returns: 0, -ENOTSUP without a socket path, or a negative errno.
 */
int vfe_reconnect(VfeFrontend *fe, int timeout_ms);

/**
 * vfe_wait_disconnect:
 * @fe: a front-end
 * @timeout_ms: how long to wait
 *
 * Waits until the back-end closes the connection, discarding anything it
 * sends meanwhile. Used to check that a back-end drops a front-end that
 * sent garbage.
 *
 * Returns: 0 on EOF (the socket is then closed on our side too),
 *   -ETIMEDOUT if the connection stayed open.
 */
int vfe_wait_disconnect(VfeFrontend *fe, int timeout_ms);

/**
 * vfe_child_pid:
 * @fe: a front-end
 *
 * Returns: the spawned back-end's pid, or 0 if there is none (or it was reaped).
 */
GPid vfe_child_pid(VfeFrontend *fe);

/**
 * vfe_child_wait:
 * @fe: a front-end with a spawned child
 * @timeout_ms: how long to wait for the child to exit by itself
 *
 * Returns: the wait status (as from waitpid(); use WIFEXITED() etc.) once
 *   the child exited, -ETIMEDOUT if it is still running, -ECHILD without a
 *   child.
 */
int vfe_child_wait(VfeFrontend *fe, int timeout_ms);

/**
 * vfe_child_terminate:
 * @fe: a front-end with a spawned child
 *
 * Sends SIGTERM, waits up to 2 s, then SIGKILL, and reaps the child.
 *
 * Returns: the wait status, or -ECHILD without a child.
 */
int vfe_child_terminate(VfeFrontend *fe);

/**
 * vfe_child_exit_status:
 * @fe: a front-end
 *
 * Returns: the wait status of a child that was reaped (by vfe_child_wait()
 *   or vfe_child_terminate()), or -1 if it has not been reaped or never existed.
 */
int vfe_child_exit_status(VfeFrontend *fe);

/**
 * vfe_restart:
 * @fe: a front-end made by vfe_spawn()
 * @error: return location for an error
 *
 * Terminates the child, starts the same command line again on the same
 * socket path and reconnects (as after a back-end crash). Guest RAM, queue
 * layouts and the inflight fd are kept for vfe_queue_resume() and
 * vfe_inflight_send(). The negotiated state is forgotten.
 *
 * Returns: TRUE on success.
 */
gboolean vfe_restart(VfeFrontend *fe, GError **error);

/* ------------------------------------------------------------------------ */
/* Raw protocol */

/**
 * vfe_send_msg:
 * @fe: a front-end
 * @request: request number (need not be a known one)
 * @flags: header flags; 0 means VHOST_USER_VERSION. Sent exactly as given
 *   otherwise, so a test can send a wrong version or a reply bit (for a
 *   header with flags 0, build it by hand and use vfe_send_bytes()).
 * @payload: (nullable): @size bytes of payload
 * @size: payload size written into the header and sent
 * @fds: (nullable): file descriptors to pass (not closed; SCM_RIGHTS dups them)
 * @nfds: number of @fds (may exceed VHOST_USER_MAX_FDS, for abuse tests)
 *
 * Returns: 0, or a negative errno (-EPIPE/-ECONNRESET when the back-end hung up).
 */
int vfe_send_msg(VfeFrontend *fe, uint32_t request, uint32_t flags, const void *payload,
                 size_t size, const int *fds, size_t nfds);

/**
 * vfe_send_bytes:
 * @fe: a front-end
 * @data: arbitrary bytes (e.g. a truncated header, or a header whose size
 *   field lies)
 * @len: length of @data
 * @fds: (nullable): file descriptors to attach to the first byte
 * @nfds: number of @fds
 *
 * Returns: 0, or a negative errno.
 */
int vfe_send_bytes(VfeFrontend *fe, const void *data, size_t len, const int *fds, size_t nfds);

/**
 * vfe_recv_msg:
 * @fe: a front-end
 * @hdr: (out): the header received
 * @buf: (nullable): where to store the payload
 * @bufsize: size of @buf; a longer payload is read and discarded, -EMSGSIZE
 * @fds: (nullable) (out): received file descriptors, owned by the caller
 * @nfds: (inout) (nullable): capacity of @fds in, count out; extra fds are closed
 * @timeout_ms: how long to wait for the whole message
 *
 * Receives any message the back-end sends on the vhost-user socket.
 *
 * Returns: the payload size, or a negative errno (-ETIMEDOUT, -ECONNRESET on
 *   EOF, -EMSGSIZE if the payload did not fit).
 */
int vfe_recv_msg(VfeFrontend *fe, VhostUserHeader *hdr, void *buf, size_t bufsize, int *fds,
                 size_t *nfds, int timeout_ms);

/**
 * vfe_recv_reply:
 * @fe: a front-end
 * @expected_request: the request the reply must answer
 * @buf: (nullable): where to store the payload
 * @bufsize: size of @buf
 * @size: (out) (nullable): the payload size received
 * @timeout_ms: how long to wait
 *
 * Receives one reply and checks it: request number, REPLY flag, version 1,
 * payload fits @buf. Received fds are closed.
 *
 * Returns: 0, or -ETIMEDOUT, -ECONNRESET (EOF), -EPROTO (wrong request,
 *   flags or version), -EMSGSIZE (payload larger than @bufsize).
 */
int vfe_recv_reply(VfeFrontend *fe, uint32_t expected_request, void *buf, size_t bufsize,
                   size_t *size, int timeout_ms);

/**
 * vfe_recv_reply_fd:
 * @fe: a front-end
 * @expected_request: the request the reply must answer
 * @buf: (nullable): where to store the payload
 * @bufsize: size of @buf
 * @size: (out) (nullable): the payload size received
 * @fd: (out): the one fd attached, or -1 if none; owned by the caller
 * @timeout_ms: how long to wait
 *
 * vfe_recv_reply() for replies that carry a file descriptor
 * (GET_INFLIGHT_FD, SET_DEVICE_STATE_FD).
 *
 * Returns: as vfe_recv_reply().
 */
int vfe_recv_reply_fd(VfeFrontend *fe, uint32_t expected_request, void *buf, size_t bufsize,
                      size_t *size, int *fd, int timeout_ms);

/**
 * vfe_request:
 * @fe: a front-end
 * @request: a request that has no reply of its own
 * @payload: (nullable): @size bytes
 * @size: payload size
 * @fds: (nullable): fds to pass
 * @nfds: number of @fds
 *
 * Sends a request the way QEMU does: with NEED_REPLY when REPLY_ACK was
 * negotiated, in which case the ack is awaited and checked.
 *
 * Returns: 0, -EIO for a non-zero ack, or a negative errno.
 */
int vfe_request(VfeFrontend *fe, uint32_t request, const void *payload, size_t size, const int *fds,
                size_t nfds);

/**
 * vfe_call:
 * @fe: a front-end
 * @request: a request that has a reply of its own
 * @payload: (nullable): @size bytes
 * @size: payload size
 * @reply: (nullable): where to store the reply payload
 * @reply_size: size of @reply
 * @got_size: (out) (nullable): actual reply payload size
 *
 * Sends a request and receives its reply (no NEED_REPLY flag).
 *
 * Returns: 0 or a negative errno as vfe_recv_reply().
 */
int vfe_call(VfeFrontend *fe, uint32_t request, const void *payload, size_t size, void *reply,
             size_t reply_size, size_t *got_size);

/**
 * vfe_call_u64:
 * @fe: a front-end
 * @request: a request without payload whose reply is a u64 (GET_FEATURES,
 *   GET_PROTOCOL_FEATURES, GET_QUEUE_NUM, GET_MAX_MEM_SLOTS, GET_STATUS)
 * @value: (out): the reply
 *
 * Returns: 0, -EPROTO if the reply is not exactly 8 bytes, or a negative errno.
 */
int vfe_call_u64(VfeFrontend *fe, uint32_t request, uint64_t *value);

/**
 * vfe_request_u64:
 * @fe: a front-end
 * @request: a request whose payload is a u64 and that has no reply
 * @value: the payload
 *
 * vfe_request() with a u64 payload (SET_FEATURES, SET_PROTOCOL_FEATURES,
 * SET_STATUS, ...).
 *
 * Returns: 0, -EIO for a non-zero ack, or a negative errno.
 */
int vfe_request_u64(VfeFrontend *fe, uint32_t request, uint64_t value);

/**
 * vfe_request_state:
 * @fe: a front-end
 * @request: SET_VRING_NUM, SET_VRING_BASE, SET_VRING_ENABLE, ...
 * @index: the vring index
 * @num: the value
 *
 * vfe_request() with a VhostUserVringState payload.
 *
 * Returns: 0, -EIO for a non-zero ack, or a negative errno.
 */
int vfe_request_state(VfeFrontend *fe, uint32_t request, uint32_t index, uint32_t num);

/* ------------------------------------------------------------------------ */
/* Handshake */

/**
 * vfe_negotiate:
 * @fe: a front-end
 * @features_mask: virtio feature bits the "driver" accepts (UINT64_MAX: all)
 * @protocol_mask: protocol feature bits the front-end supports (UINT64_MAX: all)
 *
 * Does what QEMU does at realize: GET_FEATURES; if the back-end offers
 * VHOST_USER_F_PROTOCOL_FEATURES, GET_PROTOCOL_FEATURES and
 * SET_PROTOCOL_FEATURES(offered & @protocol_mask); SET_OWNER;
 * SET_FEATURES(offered & @features_mask, keeping PROTOCOL_FEATURES if offered).
 * The ack for SET_FEATURES is awaited when REPLY_ACK was negotiated.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_negotiate(VfeFrontend *fe, uint64_t features_mask, uint64_t protocol_mask);

/**
 * vfe_set_features:
 * @fe: a front-end
 * @features: the full feature word to send (e.g. vfe_features() |
 *   1ull << VHOST_F_LOG_ALL to start dirty logging)
 *
 * Sends SET_FEATURES and remembers @features as negotiated.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_set_features(VfeFrontend *fe, uint64_t features);

/** vfe_offered_features: Returns: what GET_FEATURES answered (0 before). */
uint64_t vfe_offered_features(VfeFrontend *fe);
/** vfe_features: Returns: the virtio features sent with SET_FEATURES. */
uint64_t vfe_features(VfeFrontend *fe);
/** vfe_offered_protocol_features: Returns: what GET_PROTOCOL_FEATURES answered. */
uint64_t vfe_offered_protocol_features(VfeFrontend *fe);
/** vfe_protocol_features: Returns: protocol features sent with SET_PROTOCOL_FEATURES. */
uint64_t vfe_protocol_features(VfeFrontend *fe);
/** vfe_has_feature: Returns: whether virtio feature @bit was negotiated. */
bool vfe_has_feature(VfeFrontend *fe, unsigned int bit);
/** vfe_has_protocol_feature: Returns: whether protocol feature @bit was negotiated. */
bool vfe_has_protocol_feature(VfeFrontend *fe, unsigned int bit);

/**
 * vfe_set_reply_ack:
 * @fe: a front-end
 * @enable: whether helpers use NEED_REPLY (only effective when REPLY_ACK
 *   was negotiated)
 *
 * Lets a test negotiate REPLY_ACK but send some requests without asking for
 * an ack, as QEMU does for most requests.
 */
void vfe_set_reply_ack(VfeFrontend *fe, bool enable);

/* ------------------------------------------------------------------------ */
/* Guest memory */

/* vfe_mem_init() flags */
enum {
	/* Leave a 1 MiB hole in GPA space between consecutive regions. */
	VFE_MEM_HOLES = 1u << 0,
	/* One memfd per region instead of one memfd with per-region offsets. */
	VFE_MEM_FD_PER_REGION = 1u << 1,
};

/**
 * vfe_mem_init:
 * @fe: a front-end
 * @size: total guest RAM in bytes (rounded up to a multiple of 64 KiB per region)
 * @nregions: number of regions, 1..VHOST_USER_MAX_RAM_SLOTS
 * @flags: VFE_MEM_* flags
 *
 * Creates memfd guest RAM split into @nregions equal regions, mapped on the
 * front-end side. Region i starts at GPA i * (size / nregions) (plus holes
 * with VFE_MEM_HOLES); the regions' front-end "user addresses" (what
 * SET_VRING_ADDR carries) are deliberately not contiguous, so a back-end
 * that translates across a region boundary by pointer arithmetic is caught.
 * Sends nothing; see vfe_mem_send_table(). Replaces earlier guest RAM.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_mem_init(VfeFrontend *fe, uint64_t size, unsigned int nregions, unsigned int flags);

/**
 * vfe_mem_send_table:
 * @fe: a front-end with guest RAM
 *
 * Sends all regions with SET_MEM_TABLE (at most 8; -E2BIG for more), with
 * one fd per region, as QEMU does.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_mem_send_table(VfeFrontend *fe);

/**
 * vfe_mem_add_region:
 * @fe: a front-end with guest RAM
 * @region: region number
 *
 * Sends ADD_MEM_REG for one region (CONFIGURE_MEM_SLOTS).
 *
 * Returns: 0 or a negative errno.
 */
int vfe_mem_add_region(VfeFrontend *fe, unsigned int region);

/**
 * vfe_mem_remove_region:
 * @fe: a front-end with guest RAM
 * @region: region number
 *
 * Sends REM_MEM_REG for one region (without fd, as the specification asks).
 *
 * Returns: 0 or a negative errno.
 */
int vfe_mem_remove_region(VfeFrontend *fe, unsigned int region);

/**
 * vfe_mem_setup:
 * @fe: a negotiated front-end
 * @size: guest RAM size
 * @nregions: number of regions
 *
 * vfe_mem_init() and then either vfe_mem_send_table() or, when
 * CONFIGURE_MEM_SLOTS was negotiated, GET_MAX_MEM_SLOTS and one
 * ADD_MEM_REG per region.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_mem_setup(VfeFrontend *fe, uint64_t size, unsigned int nregions);

/**
 * vfe_mem_region:
 * @fe: a front-end with guest RAM
 * @region: region number
 * @gpa: (out) (nullable): first GPA of the region
 * @size: (out) (nullable): its size
 * @uaddr: (out) (nullable): its front-end user address
 * @fd: (out) (nullable): its memfd (owned by @fe)
 * @offset: (out) (nullable): its mmap offset in that fd
 *
 * Lets a test build its own (possibly malformed) memory table.
 *
 * Returns: 0, or -EINVAL for a region that does not exist.
 */
int vfe_mem_region(VfeFrontend *fe, unsigned int region, uint64_t *gpa, uint64_t *size,
                   uint64_t *uaddr, int *fd, uint64_t *offset);

/** vfe_mem_nregions: Returns: the number of guest RAM regions. */
unsigned int vfe_mem_nregions(VfeFrontend *fe);

/**
 * vfe_gpa_to_host:
 * @fe: a front-end with guest RAM
 * @gpa: a guest physical address
 *
 * Returns: (nullable): the front-end's pointer to @gpa, or NULL outside RAM.
 */
void *vfe_gpa_to_host(VfeFrontend *fe, uint64_t gpa);

/**
 * vfe_gpa_to_uaddr:
 * @fe: a front-end with guest RAM
 * @gpa: a guest physical address
 *
 * Returns: the front-end user address QEMU would put into SET_VRING_ADDR
 *   for @gpa, or 0 outside RAM.
 */
uint64_t vfe_gpa_to_uaddr(VfeFrontend *fe, uint64_t gpa);

/**
 * vfe_alloc:
 * @fe: a front-end with guest RAM
 * @len: bytes, > 0
 * @align: power of two alignment (0 means 8)
 *
 * Bump allocator over guest RAM; an allocation never spans two regions but
 * successive ones may land in different regions. Memory is zeroed.
 * GPA 0 is never returned (the first page is reserved).
 *
 * Returns: the GPA, or 0 when RAM is exhausted.
 */
uint64_t vfe_alloc(VfeFrontend *fe, uint64_t len, uint64_t align);

/**
 * vfe_alloc_in_region:
 * @fe: a front-end with guest RAM
 * @region: the region to allocate from
 * @len: bytes
 * @align: power of two alignment (0 means 8)
 *
 * Returns: the GPA, or 0 when the region is full.
 */
uint64_t vfe_alloc_in_region(VfeFrontend *fe, unsigned int region, uint64_t len, uint64_t align);

/**
 * vfe_mem_write:
 * @fe: a front-end with guest RAM
 * @gpa: destination
 * @data: source
 * @len: bytes; the range may span adjacent regions
 *
 * Returns: 0, or -EFAULT if any byte lies outside guest RAM (then nothing
 *   is written).
 */
int vfe_mem_write(VfeFrontend *fe, uint64_t gpa, const void *data, size_t len);

/**
 * vfe_mem_read:
 * @fe: a front-end with guest RAM
 * @gpa: source
 * @data: destination
 * @len: bytes; the range may span adjacent regions
 *
 * Returns: 0, or -EFAULT if any byte lies outside guest RAM.
 */
int vfe_mem_read(VfeFrontend *fe, uint64_t gpa, void *data, size_t len);

/**
 * vfe_mem_fill:
 * @fe: a front-end with guest RAM
 * @gpa: destination
 * @byte: value
 * @len: bytes
 *
 * Returns: 0, or -EFAULT if any byte lies outside guest RAM.
 */
int vfe_mem_fill(VfeFrontend *fe, uint64_t gpa, uint8_t byte, size_t len);

/* ------------------------------------------------------------------------ */
/* Split virtqueues (the driver side) */

/* A guest buffer: GPA and length. */
typedef struct VfeBuf {
	uint64_t gpa;
	uint32_t len;
} VfeBuf;

/* vfe_queue_setup() flags */
enum {
	/* Do not send SET_VRING_ENABLE 1 (even with protocol features). */
	VFE_QUEUE_NO_ENABLE = 1u << 0,
	/* Do not send SET_VRING_KICK (the ring is set up but not started). */
	VFE_QUEUE_NO_KICK = 1u << 1,
	/* Send SET_VRING_CALL with VHOST_USER_VRING_NOFD_MASK (polling driver). */
	VFE_QUEUE_NO_CALL = 1u << 2,
	/* Also send SET_VRING_ERR with an eventfd. */
	VFE_QUEUE_ERR_FD = 1u << 3,
	/* Set VHOST_VRING_F_LOG in SET_VRING_ADDR, with log_guest_addr of the used ring. */
	VFE_QUEUE_LOG = 1u << 4,
	/* Set VRING_AVAIL_F_NO_INTERRUPT (without EVENT_IDX). */
	VFE_QUEUE_NO_INTERRUPT = 1u << 5,
};

/**
 * vfe_queue_setup:
 * @fe: a front-end with guest RAM sent to the back-end
 * @index: queue index, < VFE_MAX_QUEUES
 * @size: queue size, a power of two, 1..32768
 * @flags: VFE_QUEUE_* flags
 *
 * Allocates and zeroes descriptor table, avail and used rings in guest RAM
 * (they may land in any region), creates kick/call eventfds and sends
 * SET_VRING_NUM, SET_VRING_BASE 0, SET_VRING_ADDR, SET_VRING_CALL,
 * (SET_VRING_ERR), SET_VRING_KICK and, when protocol features were
 * negotiated, SET_VRING_ENABLE 1 — in that order, like QEMU. EVENT_IDX and
 * INDIRECT_DESC follow the negotiated features.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_queue_setup(VfeFrontend *fe, unsigned int index, unsigned int size, unsigned int flags);

/**
 * vfe_queue_resume:
 * @fe: a front-end (typically after vfe_reconnect() or vfe_restart(),
 *   negotiation and vfe_mem_send_table())
 * @index: a queue that was set up before
 * @base: the avail index the back-end continues from (QEMU sends the used
 *   index it finds in guest RAM when there is no inflight tracking)
 *
 * Sends the ring setup again for the existing layout, keeping descriptors,
 * rings and the driver's bookkeeping.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_queue_resume(VfeFrontend *fe, unsigned int index, uint16_t base);

/**
 * vfe_queue_add:
 * @fe: a front-end
 * @index: a set-up queue
 * @out: (array length=n_out): device-readable buffers
 * @n_out: their number
 * @in: (array length=n_in): device-writable buffers
 * @n_in: their number
 *
 * Chains free descriptors, puts the head in the avail ring and publishes
 * avail->idx (with a write barrier). Does not kick.
 *
 * Returns: the head descriptor id, -ENOSPC if not enough free descriptors,
 *   -EINVAL for a chain of 0 buffers.
 */
int vfe_queue_add(VfeFrontend *fe, unsigned int index, const VfeBuf *out, unsigned int n_out,
                  const VfeBuf *in, unsigned int n_in);

/**
 * vfe_queue_add_indirect:
 * @fe: a front-end
 * @index: a set-up queue
 * @out: device-readable buffers
 * @n_out: their number
 * @in: device-writable buffers
 * @n_in: their number
 *
 * Like vfe_queue_add() but with one ring descriptor pointing to an indirect
 * table allocated in guest RAM (VIRTIO_RING_F_INDIRECT_DESC). The table is
 * not reused.
 *
 * Returns: the head descriptor id or a negative errno.
 */
int vfe_queue_add_indirect(VfeFrontend *fe, unsigned int index, const VfeBuf *out,
                           unsigned int n_out, const VfeBuf *in, unsigned int n_in);

/**
 * vfe_queue_kick:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Writes the kick eventfd, unconditionally (see vfe_queue_kick_needed()), or,
 * while the back-end's host notifier is mapped, the queue index into its page.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_queue_kick(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_kick_needed:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * What a driver would decide after publishing: with EVENT_IDX, whether
 * avail_event asks for a kick for the buffers added since the last call;
 * otherwise whether VRING_USED_F_NO_NOTIFY is clear.
 *
 * Returns: true if a kick is wanted.
 */
bool vfe_queue_kick_needed(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_wait_used:
 * @fe: a front-end
 * @index: a set-up queue
 * @timeout_ms: how long to wait
 * @id: (out) (nullable): the used element's id
 * @len: (out) (nullable): the used element's written length
 *
 * Returns the next used element, in ring order. If none is pending, waits
 * on the call eventfd (so a back-end that forgets to signal times out),
 * unless the queue was set up with VFE_QUEUE_NO_CALL, in which case the used
 * ring is polled. Frees the element's descriptors if it was added with
 * vfe_queue_add*(), and with EVENT_IDX sets used_event to ask for the
 * next interrupt.
 *
 * The vhost-user socket is watched meanwhile: a back-end that hangs up
 * (crashes) is reported at once.
 *
 * Returns: 0, -ETIMEDOUT, -ECONNRESET if the back-end hung up, or -EPROTO
 *   if the back-end put an id >= queue size or one that is not in flight
 *   (the element is consumed and @id/@len are still filled in).
 */
int vfe_queue_wait_used(VfeFrontend *fe, unsigned int index, int timeout_ms, uint32_t *id,
                        uint32_t *len);

/**
 * vfe_queue_used_pending:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Returns: used elements published by the back-end and not yet consumed
 *   with vfe_queue_wait_used().
 */
unsigned int vfe_queue_used_pending(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_call_count:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Drains the call eventfd without blocking.
 *
 * Returns: the number of signals seen on the call eventfd since setup
 *   (an eventfd merges signals that arrive between two reads).
 */
uint64_t vfe_queue_call_count(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_free_count:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Returns: descriptors available to vfe_queue_add().
 */
unsigned int vfe_queue_free_count(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_size:
 * @fe: a front-end
 * @index: a queue
 *
 * Returns: the queue size, or 0 if not set up.
 */
unsigned int vfe_queue_size(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_desc:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Raw access for malicious-driver tests: the descriptor table in guest RAM.
 * Writing descriptors this way bypasses the free list; use descriptors the
 * free list does not hand out (e.g. on a queue where nothing else is added)
 * and publish them with vfe_queue_publish().
 *
 * Returns: the descriptor table (queue size entries).
 */
VringDesc *vfe_queue_desc(VfeFrontend *fe, unsigned int index);

/** vfe_queue_avail: Returns: the avail ring in guest RAM (raw access). */
VringAvail *vfe_queue_avail(VfeFrontend *fe, unsigned int index);

/** vfe_queue_used: Returns: the used ring in guest RAM (raw access). */
VringUsed *vfe_queue_used(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_ring_gpa:
 * @fe: a front-end
 * @index: a set-up queue
 * @desc: (out) (nullable): GPA of the descriptor table
 * @avail: (out) (nullable): GPA of the avail ring
 * @used: (out) (nullable): GPA of the used ring
 *
 * Returns: 0, or -EINVAL for a queue that is not set up.
 */
int vfe_queue_ring_gpa(VfeFrontend *fe, unsigned int index, uint64_t *desc, uint64_t *avail,
                       uint64_t *used);

/**
 * vfe_queue_publish:
 * @fe: a front-end
 * @index: a set-up queue
 * @head: the value to put in the next avail ring slot (need not be valid)
 *
 * Raw access: appends @head to the avail ring and publishes avail->idx
 * without touching the free list. Used elements for such heads are returned
 * by vfe_queue_wait_used() but free nothing.
 */
void vfe_queue_publish(VfeFrontend *fe, unsigned int index, uint16_t head);

/**
 * vfe_queue_set_avail_idx:
 * @fe: a front-end
 * @index: a set-up queue
 * @idx: value for avail->idx (e.g. one that claims more entries than the ring has)
 *
 * Raw access.
 */
void vfe_queue_set_avail_idx(VfeFrontend *fe, unsigned int index, uint16_t idx);

/**
 * vfe_queue_get_base:
 * @fe: a front-end
 * @index: a queue
 * @num: (out): the back-end's next avail index
 *
 * Sends GET_VRING_BASE, which stops the ring on the back-end side.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_queue_get_base(VfeFrontend *fe, unsigned int index, uint32_t *num);

/**
 * vfe_queue_enable:
 * @fe: a front-end
 * @index: a queue
 * @enable: SET_VRING_ENABLE value
 *
 * Returns: 0 or a negative errno.
 */
int vfe_queue_enable(VfeFrontend *fe, unsigned int index, bool enable);

/**
 * vfe_queue_kick_fd:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Returns: the kick eventfd (owned by @fe), or -1.
 */
int vfe_queue_kick_fd(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_call_fd:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Returns: the call eventfd (owned by @fe), or -1.
 */
int vfe_queue_call_fd(VfeFrontend *fe, unsigned int index);

/**
 * vfe_queue_err_fd:
 * @fe: a front-end
 * @index: a set-up queue
 *
 * Returns: the error eventfd (owned by @fe) with VFE_QUEUE_ERR_FD, or -1.
 */
int vfe_queue_err_fd(VfeFrontend *fe, unsigned int index);

/* ------------------------------------------------------------------------ */
/* Config space */

/**
 * vfe_get_config:
 * @fe: a front-end
 * @offset: config offset
 * @size: bytes, <= VHOST_USER_MAX_CONFIG_SIZE
 * @buf: (out): @size bytes
 *
 * Sends GET_CONFIG (flags 0).
 *
 * Returns: 0, -EIO when the back-end answered with an empty (error) reply,
 *   -EPROTO for a reply of the wrong size, or a negative errno.
 */
int vfe_get_config(VfeFrontend *fe, uint32_t offset, uint32_t size, void *buf);

/**
 * vfe_set_config:
 * @fe: a front-end
 * @offset: config offset
 * @size: bytes, <= VHOST_USER_MAX_CONFIG_SIZE
 * @flags: VHOST_SET_CONFIG_TYPE_FRONTEND or _MIGRATION
 * @buf: @size bytes
 *
 * Sends SET_CONFIG (ack awaited with REPLY_ACK).
 *
 * Returns: 0, -EIO for a non-zero ack, or a negative errno.
 */
int vfe_set_config(VfeFrontend *fe, uint32_t offset, uint32_t size, uint32_t flags,
                   const void *buf);

/* ------------------------------------------------------------------------ */
/* Backend channel (back-end -> front-end requests) */

/**
 * vfe_enable_backend_channel:
 * @fe: a negotiated front-end (BACKEND_REQ)
 *
 * Creates a socketpair, sends SET_BACKEND_REQ_FD and starts a thread that
 * serves the channel: it records every request, answers NEED_REPLY with an
 * ack (for CONFIG_CHANGE_MSG, the value set by
 * vfe_set_config_change_reply()), and answers IOTLB misses from the map of
 * vfe_iotlb_map_add() with an IOTLB update on the main socket.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_enable_backend_channel(VfeFrontend *fe);

/**
 * vfe_set_config_change_reply:
 * @fe: a front-end
 * @value: the u64 ack sent for CONFIG_CHANGE_MSG with NEED_REPLY (0 = success,
 *   the default; QEMU's vhost-user-gpu answers -1)
 */
void vfe_set_config_change_reply(VfeFrontend *fe, uint64_t value);

/**
 * vfe_backend_msg_count:
 * @fe: a front-end
 * @request: a VhostUserBackendRequest
 *
 * Returns: how many requests of that kind arrived on the backend channel.
 */
unsigned int vfe_backend_msg_count(VfeFrontend *fe, uint32_t request);

/**
 * vfe_backend_bad_msg_count:
 * @fe: a front-end
 *
 * Returns: malformed messages seen on the backend channel (bad version,
 *   wrong payload size, unknown request). A correct back-end has 0.
 */
unsigned int vfe_backend_bad_msg_count(VfeFrontend *fe);

/**
 * vfe_wait_config_change:
 * @fe: a front-end with a backend channel
 * @timeout_ms: how long to wait
 *
 * Consumes one CONFIG_CHANGE_MSG, waiting for it if none is pending.
 *
 * Returns: 0, or -ETIMEDOUT.
 */
int vfe_wait_config_change(VfeFrontend *fe, int timeout_ms);

/**
 * vfe_wait_backend_msg:
 * @fe: a front-end with a backend channel
 * @request: a VhostUserBackendRequest
 * @count: the total count to wait for
 * @timeout_ms: how long to wait
 *
 * Returns: 0 once vfe_backend_msg_count(@request) >= @count, or -ETIMEDOUT.
 */
int vfe_wait_backend_msg(VfeFrontend *fe, uint32_t request, unsigned int count, int timeout_ms);

/**
 * vfe_last_iotlb_miss:
 * @fe: a front-end
 * @iova: (out) (nullable): the IOVA of the last IOTLB miss
 * @perm: (out) (nullable): the permission it asked for
 *
 * Returns: 0, or -ENOENT if no miss arrived.
 */
int vfe_last_iotlb_miss(VfeFrontend *fe, uint64_t *iova, uint8_t *perm);

/**
 * vfe_last_host_notifier:
 * @fe: a front-end
 * @area: (out): the last VRING_HOST_NOTIFIER_MSG payload
 * @fd: (out) (nullable): whether it carried an fd (1) or not (0); the fd is closed
 *
 * Returns: 0, or -ENOENT if none arrived.
 */
int vfe_last_host_notifier(VfeFrontend *fe, VhostUserVringArea *area, int *fd);

/* ------------------------------------------------------------------------ */
/* Host notifiers (BACKEND_VRING_HOST_NOTIFIER_MSG), QEMU's side */

/**
 * vfe_set_host_notifier_refusal:
 * @fe: a front-end
 * @refuse: answer every host notifier install with a nonzero ack
 *
 * Plays QEMU without page-per-vq=on. Removals are still acked with 0.
 */
void vfe_set_host_notifier_refusal(VfeFrontend *fe, bool refuse);

/**
 * vfe_set_host_notifier_grace:
 * @fe: a front-end
 * @ms: QEMU's delay before it frees a removed page (0: not emulated, the default)
 *
 * QEMU 10 aborts when a queue's page is removed again (by the back-end, or
 * by QEMU itself on GET_VRING_BASE) before its RCU callback freed the
 * previous one, some tens of milliseconds later. With @ms set, such an early
 * removal is counted (vfe_host_notifier_early_removals()) and logged.
 */
void vfe_set_host_notifier_grace(VfeFrontend *fe, int ms);

/**
 * vfe_host_notifier_early_removals:
 * @fe: a front-end
 *
 * Returns: removals that came within the grace time of the previous one.
 */
unsigned int vfe_host_notifier_early_removals(VfeFrontend *fe);

/**
 * vfe_queue_has_host_notifier:
 * @fe: a front-end
 * @index: a queue
 *
 * Returns: whether a page is mapped over the queue's notify area: kicks
 * are then 16-bit writes of @index into it instead of eventfd writes.
 */
bool vfe_queue_has_host_notifier(VfeFrontend *fe, unsigned int index);

/**
 * vfe_wait_host_notifier:
 * @fe: a front-end with a backend channel
 * @index: a queue
 * @installed: the state to wait for
 * @timeout_ms: how long to wait (negative: the default)
 *
 * Returns: 0 once vfe_queue_has_host_notifier() is @installed, or -ETIMEDOUT.
 */
int vfe_wait_host_notifier(VfeFrontend *fe, unsigned int index, bool installed, int timeout_ms);

/**
 * vfe_queue_kick_counts:
 * @fe: a front-end
 * @index: a queue
 * @eventfd_kicks: (out): kicks vfe_queue_kick() wrote to the eventfd
 * @doorbell_writes: (out): kicks it wrote into a host notifier page
 */
void vfe_queue_kick_counts(VfeFrontend *fe, unsigned int index, uint64_t *eventfd_kicks,
                           uint64_t *doorbell_writes);

/**
 * vfe_host_notifier_counts:
 * @fe: a front-end
 * @installs: (out): pages mapped so far
 * @removals: (out): removal requests (NOFD) handled so far
 */
void vfe_host_notifier_counts(VfeFrontend *fe, unsigned int *installs, unsigned int *removals);

/* ------------------------------------------------------------------------ */
/* IOTLB (VIRTIO_F_IOMMU_PLATFORM) */

/**
 * vfe_iotlb_update:
 * @fe: a front-end
 * @iova: first IOVA
 * @size: bytes
 * @gpa: the guest RAM it maps to (translated to a user address for the message)
 * @perm: VHOST_ACCESS_*
 *
 * Sends IOTLB_MSG with an UPDATE (32-byte payload, as QEMU).
 *
 * Returns: 0, -EFAULT if @gpa is outside RAM, or a negative errno.
 */
int vfe_iotlb_update(VfeFrontend *fe, uint64_t iova, uint64_t size, uint64_t gpa, uint8_t perm);

/**
 * vfe_iotlb_invalidate:
 * @fe: a front-end
 * @iova: first IOVA
 * @size: bytes
 *
 * Sends IOTLB_MSG with an INVALIDATE.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_iotlb_invalidate(VfeFrontend *fe, uint64_t iova, uint64_t size);

/**
 * vfe_iotlb_map_add:
 * @fe: a front-end
 * @iova: first IOVA
 * @size: bytes
 * @gpa: guest RAM it maps to
 * @perm: VHOST_ACCESS_*
 *
 * Records a mapping in the front-end's own IOMMU, used to answer IOTLB
 * misses from the backend channel thread. Sends nothing by itself.
 */
void vfe_iotlb_map_add(VfeFrontend *fe, uint64_t iova, uint64_t size, uint64_t gpa, uint8_t perm);

/**
 * vfe_iotlb_map_identity:
 * @fe: a front-end with guest RAM
 * @perm: VHOST_ACCESS_*
 *
 * Maps all guest RAM at IOVA = GPA, like a guest whose IOMMU is in
 * passthrough mode: one IOTLB update per region, each also recorded with
 * vfe_iotlb_map_add() so that later misses are answered. Call it after
 * negotiating VIRTIO_F_IOMMU_PLATFORM and before vfe_queue_setup(), since
 * the back-end translates ring addresses when they arrive.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_iotlb_map_identity(VfeFrontend *fe, uint8_t perm);

/* ------------------------------------------------------------------------ */
/* Dirty log */

/**
 * vfe_set_log:
 * @fe: a front-end (LOG_SHMFD negotiated)
 * @size: log size in bytes (one bit per VHOST_LOG_PAGE of GPA space); 0
 *   picks the size covering all guest RAM
 *
 * Creates a memfd log, sends SET_LOG_BASE with it and waits for the reply.
 *
 * Returns: 0 or a negative errno.
 */
int vfe_set_log(VfeFrontend *fe, uint64_t size);

/**
 * vfe_log_is_dirty:
 * @fe: a front-end with a log
 * @gpa: an address
 *
 * Returns: whether the page holding @gpa is marked dirty.
 */
bool vfe_log_is_dirty(VfeFrontend *fe, uint64_t gpa);

/**
 * vfe_log_dirty_pages:
 * @fe: a front-end with a log
 *
 * Returns: the number of dirty bits set.
 */
uint64_t vfe_log_dirty_pages(VfeFrontend *fe);

/**
 * vfe_log_clear:
 * @fe: a front-end with a log
 */
void vfe_log_clear(VfeFrontend *fe);

/* ------------------------------------------------------------------------ */
/* Inflight tracking */

/**
 * vfe_inflight_get:
 * @fe: a front-end (INFLIGHT_SHMFD negotiated)
 * @num_queues: queues to track
 * @queue_size: their size
 *
 * Sends GET_INFLIGHT_FD, keeps and maps the fd the back-end returns
 * (replacing an earlier one).
 *
 * Returns: 0 or a negative errno (-EPROTO if no fd came back).
 */
int vfe_inflight_get(VfeFrontend *fe, uint16_t num_queues, uint16_t queue_size);

/**
 * vfe_inflight_send:
 * @fe: a front-end holding an inflight fd
 *
 * Sends SET_INFLIGHT_FD with the kept fd, e.g. after vfe_restart().
 *
 * Returns: 0, -ENOENT without an inflight fd, or a negative errno.
 */
int vfe_inflight_send(VfeFrontend *fe);

/**
 * vfe_inflight_area:
 * @fe: a front-end
 * @size: (out) (nullable): mapped size
 *
 * Returns: (nullable): the front-end's mapping of the inflight area.
 */
void *vfe_inflight_area(VfeFrontend *fe, size_t *size);

/* ------------------------------------------------------------------------ */
/* Device state (migration) and status */

/**
 * vfe_device_state_save:
 * @fe: a front-end (DEVICE_STATE negotiated, rings stopped)
 * @out: (out): the state the back-end wrote
 *
 * SET_DEVICE_STATE_FD(SAVE, STOPPED) with a pipe, reads the pipe to EOF,
 * then CHECK_DEVICE_STATE.
 *
 * Returns: 0, -EIO if the back-end reported failure, or a negative errno.
 */
int vfe_device_state_save(VfeFrontend *fe, GBytes **out);

/**
 * vfe_device_state_load:
 * @fe: a front-end (DEVICE_STATE negotiated, rings stopped)
 * @data: the state
 * @len: its length
 *
 * SET_DEVICE_STATE_FD(LOAD, STOPPED) with a pipe, writes @data and closes,
 * then CHECK_DEVICE_STATE.
 *
 * Returns: 0, -EIO if the back-end rejected the state, or a negative errno.
 */
int vfe_device_state_load(VfeFrontend *fe, const void *data, size_t len);

/**
 * vfe_set_status:
 * @fe: a front-end (STATUS negotiated)
 * @status: VIRTIO_CONFIG_S_* bits
 *
 * Returns: 0 or a negative errno.
 */
int vfe_set_status(VfeFrontend *fe, uint8_t status);

/**
 * vfe_get_status:
 * @fe: a front-end (STATUS negotiated)
 * @status: (out): the status
 *
 * Returns: 0 or a negative errno.
 */
int vfe_get_status(VfeFrontend *fe, uint8_t *status);
