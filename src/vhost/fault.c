/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "vhost/fault.h"

static const char *const fault_prefix[] = {
	[VD_FAULT_GUEST] = "guest bug: ",
	[VD_FAULT_FRONTEND] = "front-end bug: ",
	[VD_FAULT_HOST] = "host: ",
	[VD_FAULT_INTERNAL] = "internal error: ",
};

void
vd_log_fault_full(const char *domain, VdRateLimit *rl, VdFault who, const char *subject,
                  const char *fmt, ...)
{
	gint64 now = g_get_monotonic_time();
	g_autofree char *msg = NULL;
	va_list ap;

	if (now - rl->window_start > VD_FAULT_WINDOW_US) {
		if (rl->count > VD_FAULT_BURST)
			g_log(domain, G_LOG_LEVEL_WARNING, "%s%s%u similar messages suppressed",
			      subject ? subject : "", subject ? ": " : "",
			      rl->count - VD_FAULT_BURST);
		rl->window_start = now;
		rl->count = 0;
	}
	if (++rl->count > VD_FAULT_BURST)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_log(domain, G_LOG_LEVEL_WARNING, "%s%s%s%s%s", subject ? subject : "",
	      subject ? ": " : "", fault_prefix[who], msg,
	      rl->count == VD_FAULT_BURST ? " (more like it are not logged for a while)" : "");
}

void
vd_rate_limit_reset(VdRateLimit *rl)
{
	*rl = (VdRateLimit){ 0 };
}
