/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny device that exercises the back-end library before real devices
 * exist: queue 0 copies each request's readable bytes into its writable
 * buffers. Config space: 8 read-only bytes "ECHODEV\0", a writable u32
 * scratch word, a read-only u32 count of requests served.
 *
 * Special requests: a payload starting with "CONFIG" sends a config change
 * to the front-end. While hold_file exists, requests are taken but not
 * completed (to test inflight resubmission after a restart).
 */
#pragma once

#include "vhost/vhost.h"

#define ECHO_CONFIG_SIZE 16u
#define ECHO_F_TEST_BIT 0 /* a device feature bit, offered to test negotiation */

typedef struct EchoDevice EchoDevice;

EchoDevice *echo_device_new(const char *hold_file);
void echo_device_free(EchoDevice *echo);
VhostDev *echo_device_get_vhost(EchoDevice *echo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EchoDevice, echo_device_free)
