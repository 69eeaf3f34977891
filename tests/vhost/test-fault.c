/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one fault logger: who is at fault in the message, and a loop cannot flood the log. */
#include <glib.h>

#include "vhost/fault.h"

#define DOMAIN "test-fault"

static GPtrArray *logged;

static void
collect(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
	g_ptr_array_add(logged, g_strdup(message));
}

static void
test_rate_limit(void)
{
	VdRateLimit rl = { 0 };

	logged = g_ptr_array_new_with_free_func(g_free);
	/* GTest makes warnings fatal: these are the ones under test. */
	g_log_set_always_fatal(G_LOG_FATAL_MASK);
	g_log_set_fatal_mask(DOMAIN, 0);
	g_log_set_handler(DOMAIN, G_LOG_LEVEL_MASK, collect, NULL);
	for (unsigned int i = 0; i < VD_FAULT_BURST + 5; i++)
		vd_log_fault_full(DOMAIN, &rl, VD_FAULT_GUEST, NULL, "bad %u", i);
	g_assert_cmpuint(logged->len, ==, VD_FAULT_BURST);
	g_assert_cmpstr(logged->pdata[0], ==, "guest bug: bad 0");
	g_assert_cmpstr(logged->pdata[VD_FAULT_BURST - 1], ==,
	                "guest bug: bad 19 (more like it are not logged for a while)");

	/* A reset (a new guest) starts a new window. */
	vd_rate_limit_reset(&rl);
	vd_log_fault_full(DOMAIN, &rl, VD_FAULT_FRONTEND, "vm1", "odd %s", "message");
	g_assert_cmpstr(logged->pdata[VD_FAULT_BURST], ==, "vm1: front-end bug: odd message");
	vd_log_fault_full(DOMAIN, &rl, VD_FAULT_HOST, NULL, "no udmabuf");
	vd_log_fault_full(DOMAIN, &rl, VD_FAULT_INTERNAL, NULL, "unexpected state");
	g_assert_cmpstr(logged->pdata[VD_FAULT_BURST + 1], ==, "host: no udmabuf");
	g_assert_cmpstr(logged->pdata[VD_FAULT_BURST + 2], ==, "internal error: unexpected state");
	g_ptr_array_unref(logged);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/vhost/fault/rate-limit", test_rate_limit);
	return g_test_run();
}
