/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one way to log a problem that someone outside the daemon can cause,
 * used by the library and every device: the message says who is at fault,
 * and a guest or front-end that repeats it in a loop cannot flood the log.
 */
#pragma once

#include <glib.h>

typedef enum VdFault {
	VD_FAULT_GUEST,    /* "guest bug: " the guest driver broke the device's rules */
	VD_FAULT_FRONTEND, /* "front-end bug: " QEMU or another VMM broke the protocol */
	VD_FAULT_HOST,     /* "host: " the host refused something (a device, a library) */
	VD_FAULT_INTERNAL, /* "internal error: " a bug of ours */
} VdFault;

/* At most VD_FAULT_BURST messages per window; then one count of the rest. */
#define VD_FAULT_BURST 20u
#define VD_FAULT_WINDOW_US (10 * G_USEC_PER_SEC)

typedef struct VdRateLimit {
	gint64 window_start;
	unsigned int count;
} VdRateLimit;

/*
 * A warning "[SUBJECT: ]WHO-PREFIX MESSAGE" in the caller's log domain, unless
 * rl has let VD_FAULT_BURST through in this window. subject may be NULL.
 */
#define vd_log_fault(rl, who, subject, ...) \
	vd_log_fault_full(G_LOG_DOMAIN, (rl), (who), (subject), __VA_ARGS__)
void vd_log_fault_full(const char *domain, VdRateLimit *rl, VdFault who, const char *subject,
                       const char *fmt, ...) G_GNUC_PRINTF(5, 6);
/* Forgets the window (a device reset: the next guest starts with a clean slate). */
void vd_rate_limit_reset(VdRateLimit *rl);
