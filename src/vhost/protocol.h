/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user wire format, as specified by QEMU's docs/interop/vhost-user.rst.
 *
 * Shared by the back-end library and by the test front-end, so that both sides
 * of every test are built from one description of the protocol. Everything is
 * native-endian and packed, as on the wire.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define VHOST_USER_VERSION 1u
#define VHOST_USER_VERSION_MASK 0x3u
#define VHOST_USER_REPLY_MASK (1u << 2)
#define VHOST_USER_NEED_REPLY_MASK (1u << 3)

#define VHOST_USER_HDR_SIZE 12u
/* The largest payload any request may carry: a full SET_MEM_TABLE. */
#define VHOST_USER_MAX_FDS 8u
#define VHOST_USER_MAX_CONFIG_SIZE 256u
#define VHOST_USER_MAX_RAM_SLOTS 32u
#define VHOST_USER_MAX_QUEUE_SIZE 1024u
#define VHOST_LOG_PAGE 4096u

/* Virtio feature bits the library deals with itself. */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VHOST_F_LOG_ALL 26
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_IOMMU_PLATFORM 33
/* Never offered; QEMU 10 acks it anyway (see handle_set_features). */
#define VIRTIO_F_RING_RESET 40

enum VhostUserProtocolFeature {
	VHOST_USER_PROTOCOL_F_MQ = 0,
	VHOST_USER_PROTOCOL_F_LOG_SHMFD = 1,
	VHOST_USER_PROTOCOL_F_RARP = 2,
	VHOST_USER_PROTOCOL_F_REPLY_ACK = 3,
	VHOST_USER_PROTOCOL_F_NET_MTU = 4,
	VHOST_USER_PROTOCOL_F_BACKEND_REQ = 5,
	VHOST_USER_PROTOCOL_F_CROSS_ENDIAN = 6,
	VHOST_USER_PROTOCOL_F_CRYPTO_SESSION = 7,
	VHOST_USER_PROTOCOL_F_PAGEFAULT = 8,
	VHOST_USER_PROTOCOL_F_CONFIG = 9,
	VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD = 10,
	VHOST_USER_PROTOCOL_F_HOST_NOTIFIER = 11,
	VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD = 12,
	VHOST_USER_PROTOCOL_F_RESET_DEVICE = 13,
	VHOST_USER_PROTOCOL_F_INBAND_NOTIFICATIONS = 14,
	VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS = 15,
	VHOST_USER_PROTOCOL_F_STATUS = 16,
	VHOST_USER_PROTOCOL_F_XEN_MMAP = 17,
	VHOST_USER_PROTOCOL_F_SHARED_OBJECT = 18,
	VHOST_USER_PROTOCOL_F_DEVICE_STATE = 19,
};

typedef enum VhostUserRequest {
	VHOST_USER_NONE = 0,
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SEND_RARP = 19,
	VHOST_USER_NET_SET_MTU = 20,
	VHOST_USER_SET_BACKEND_REQ_FD = 21,
	VHOST_USER_IOTLB_MSG = 22,
	VHOST_USER_SET_VRING_ENDIAN = 23,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_CREATE_CRYPTO_SESSION = 26,
	VHOST_USER_CLOSE_CRYPTO_SESSION = 27,
	VHOST_USER_POSTCOPY_ADVISE = 28,
	VHOST_USER_POSTCOPY_LISTEN = 29,
	VHOST_USER_POSTCOPY_END = 30,
	VHOST_USER_GET_INFLIGHT_FD = 31,
	VHOST_USER_SET_INFLIGHT_FD = 32,
	VHOST_USER_GPU_SET_SOCKET = 33,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_VRING_KICK = 35,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
	VHOST_USER_SET_STATUS = 39,
	VHOST_USER_GET_STATUS = 40,
	VHOST_USER_GET_SHARED_OBJECT = 41,
	VHOST_USER_SET_DEVICE_STATE_FD = 42,
	VHOST_USER_CHECK_DEVICE_STATE = 43,
	VHOST_USER_REQUEST_MAX
} VhostUserRequest;

typedef enum VhostUserBackendRequest {
	VHOST_USER_BACKEND_NONE = 0,
	VHOST_USER_BACKEND_IOTLB_MSG = 1,
	VHOST_USER_BACKEND_CONFIG_CHANGE_MSG = 2,
	VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG = 3,
	VHOST_USER_BACKEND_VRING_CALL = 4,
	VHOST_USER_BACKEND_VRING_ERR = 5,
	VHOST_USER_BACKEND_SHARED_OBJECT_ADD = 6,
	VHOST_USER_BACKEND_SHARED_OBJECT_REMOVE = 7,
	VHOST_USER_BACKEND_SHARED_OBJECT_LOOKUP = 8,
	VHOST_USER_BACKEND_REQUEST_MAX
} VhostUserBackendRequest;

#define VHOST_USER_VRING_IDX_MASK 0xffu
#define VHOST_USER_VRING_NOFD_MASK (1u << 8)

/* SET_VRING_ADDR flags */
#define VHOST_VRING_F_LOG 0

/* SET_CONFIG flags */
#define VHOST_SET_CONFIG_TYPE_FRONTEND 0u
#define VHOST_SET_CONFIG_TYPE_MIGRATION 1u

/* IOTLB message types and permissions (struct vhost_iotlb_msg) */
#define VHOST_IOTLB_MISS 1
#define VHOST_IOTLB_UPDATE 2
#define VHOST_IOTLB_INVALIDATE 3
#define VHOST_IOTLB_ACCESS_FAIL 4
#define VHOST_ACCESS_RO 0x1
#define VHOST_ACCESS_WO 0x2
#define VHOST_ACCESS_RW 0x3

/* SET_DEVICE_STATE_FD */
#define VHOST_TRANSFER_STATE_DIRECTION_SAVE 0u
#define VHOST_TRANSFER_STATE_DIRECTION_LOAD 1u
#define VHOST_TRANSFER_STATE_PHASE_STOPPED 0u
#define VHOST_USER_DEVICE_STATE_INVALID_FD (1ull << 8)

/* Device status bits (virtio spec, 2.1) */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1u
#define VIRTIO_CONFIG_S_DRIVER 2u
#define VIRTIO_CONFIG_S_DRIVER_OK 4u
#define VIRTIO_CONFIG_S_FEATURES_OK 8u
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40u
#define VIRTIO_CONFIG_S_FAILED 0x80u

typedef struct __attribute__((packed)) VhostUserHeader {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} VhostUserHeader;

typedef struct __attribute__((packed)) VhostUserVringState {
	uint32_t index;
	uint32_t num;
} VhostUserVringState;

typedef struct __attribute__((packed)) VhostUserVringAddr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc_user_addr;
	uint64_t used_user_addr;
	uint64_t avail_user_addr;
	uint64_t log_guest_addr;
} VhostUserVringAddr;

typedef struct __attribute__((packed)) VhostUserMemoryRegion {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;
} VhostUserMemoryRegion;

#define VHOST_MEMORY_BASELINE_NREGIONS 8u

typedef struct __attribute__((packed)) VhostUserMemory {
	uint32_t nregions;
	uint32_t padding;
	VhostUserMemoryRegion regions[VHOST_MEMORY_BASELINE_NREGIONS];
} VhostUserMemory;

typedef struct __attribute__((packed)) VhostUserMemRegMsg {
	uint64_t padding;
	VhostUserMemoryRegion region;
} VhostUserMemRegMsg;

typedef struct __attribute__((packed)) VhostUserLog {
	uint64_t mmap_size;
	uint64_t mmap_offset;
} VhostUserLog;

typedef struct __attribute__((packed)) VhostUserIotlb {
	uint64_t iova;
	uint64_t size;
	uint64_t uaddr;
	uint8_t perm;
	uint8_t type;
} VhostUserIotlb;

/* The kernel's struct vhost_iotlb_msg is padded to 8 bytes; QEMU sends that. */
#define VHOST_USER_IOTLB_MSG_SIZE 32u

typedef struct __attribute__((packed)) VhostUserConfig {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	uint8_t region[VHOST_USER_MAX_CONFIG_SIZE];
} VhostUserConfig;

#define VHOST_USER_CONFIG_HDR_SIZE 12u

typedef struct __attribute__((packed)) VhostUserVringArea {
	uint64_t u64;
	uint64_t size;
	uint64_t offset;
} VhostUserVringArea;

typedef struct __attribute__((packed)) VhostUserInflight {
	uint64_t mmap_size;
	uint64_t mmap_offset;
	uint16_t num_queues;
	uint16_t queue_size;
} VhostUserInflight;

typedef struct __attribute__((packed)) VhostUserTransferDeviceState {
	uint32_t direction;
	uint32_t phase;
} VhostUserTransferDeviceState;

typedef union __attribute__((packed)) VhostUserPayload {
	uint64_t u64;
	VhostUserVringState state;
	VhostUserVringAddr addr;
	VhostUserMemory memory;
	VhostUserMemRegMsg memreg;
	VhostUserLog log;
	VhostUserIotlb iotlb;
	uint8_t iotlb_raw[VHOST_USER_IOTLB_MSG_SIZE];
	VhostUserConfig config;
	VhostUserVringArea area;
	VhostUserInflight inflight;
	VhostUserTransferDeviceState transfer_state;
	uint8_t raw[sizeof(VhostUserMemory)];
} VhostUserPayload;

#define VHOST_USER_MAX_PAYLOAD sizeof(VhostUserPayload)

/* Inflight tracking of split virtqueues (vhost-user.rst, "Inflight I/O tracking"). */
typedef struct __attribute__((packed)) VhostInflightDescSplit {
	uint8_t inflight;
	uint8_t padding[5];
	uint16_t next;
	uint64_t counter;
} VhostInflightDescSplit;

typedef struct __attribute__((packed)) VhostInflightQueueSplit {
	uint64_t features;
	uint16_t version;
	uint16_t desc_num;
	uint16_t last_batch_head;
	uint16_t used_idx;
	VhostInflightDescSplit desc[];
} VhostInflightQueueSplit;

#define VHOST_INFLIGHT_ALIGNMENT 64u

static inline size_t
vhost_inflight_queue_region_size(uint16_t queue_size)
{
	size_t sz = sizeof(VhostInflightQueueSplit) +
	            (size_t)queue_size * sizeof(VhostInflightDescSplit);
	return (sz + VHOST_INFLIGHT_ALIGNMENT - 1) & ~(size_t)(VHOST_INFLIGHT_ALIGNMENT - 1);
}

/* Split virtqueue layout (virtio 1.x, 2.7); naturally aligned, as the spec requires. */
#define VRING_DESC_F_NEXT 1u
#define VRING_DESC_F_WRITE 2u
#define VRING_DESC_F_INDIRECT 4u
#define VRING_USED_F_NO_NOTIFY 1u
#define VRING_AVAIL_F_NO_INTERRUPT 1u

typedef struct VringDesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} VringDesc;

typedef struct VringAvail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
} VringAvail;

typedef struct VringUsedElem {
	uint32_t id;
	uint32_t len;
} VringUsedElem;

typedef struct VringUsed {
	uint16_t flags;
	uint16_t idx;
	VringUsedElem ring[];
} VringUsed;

static inline int
vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

const char *vhost_user_request_name(uint32_t request);
const char *vhost_user_backend_request_name(uint32_t request);
