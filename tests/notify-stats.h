/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NotifyStats property both daemons' interfaces have, as
 * data/org.vhostdesktop.{Gpu1,Input1}.xml document it: written out here, not
 * taken from the daemons' code.
 */
#pragma once

#include <glib.h>

static const char *const notify_stats_keys[] = { "eventfd-kicks", "doorbell-writes",
	                                         "polled-requests", "notifier-installs",
	                                         "notifier-refusals" };

/* The counter key of stats, a NotifyStats value, which must have exactly the keys above. */
static inline guint64
notify_stats_get(GVariant *stats, const char *key)
{
	guint64 v = 0;

	g_assert_true(g_variant_is_of_type(stats, G_VARIANT_TYPE("a{st}")));
	g_assert_cmpuint(g_variant_n_children(stats), ==, G_N_ELEMENTS(notify_stats_keys));
	for (unsigned int i = 0; i < G_N_ELEMENTS(notify_stats_keys); i++)
		g_assert_true(g_variant_lookup(stats, notify_stats_keys[i], "t", NULL));
	g_assert_true(g_variant_lookup(stats, key, "t", &v));
	return v;
}

/*
 * HostNotifiers and NotifyStats of a daemon that saw traffic, started with
 * --host-notifiers or not (want_on). Without it every counter is 0 but
 * eventfd-kicks; with it, whether the front-end takes notifiers is its
 * business, so the counters are only shown.
 */
static inline void
notify_props_check(GVariant *host_notifiers, GVariant *stats, gboolean want_on)
{
	g_autofree char *text = g_variant_print(stats, FALSE);

	g_assert_cmpint(g_variant_get_boolean(host_notifiers), ==, want_on);
	g_test_message("NotifyStats: %s", text);
	g_assert_cmpuint(notify_stats_get(stats, "eventfd-kicks"), >, 0);
	if (want_on)
		return;
	for (unsigned int i = 1; i < G_N_ELEMENTS(notify_stats_keys); i++)
		g_assert_cmpuint(notify_stats_get(stats, notify_stats_keys[i]), ==, 0);
}
