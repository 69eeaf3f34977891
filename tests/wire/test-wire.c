/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every wire fact of our headers (ours.c) equals the same fact taken from the
 * kernel's UAPI headers or the specifications (reference.c), and every fact
 * of the reference is checked. A wrong struct or constant in our headers can
 * no longer hide by being copied into the test front-end as well.
 */
#include <glib.h>

#include "wire.h"

static const WireFact *
find(const WireFact *list, const char *name, unsigned int *count)
{
	const WireFact *found = NULL;

	*count = 0;
	for (; list->name; list++)
		if (g_str_equal(list->name, name)) {
			found = found ? found : list;
			(*count)++;
		}
	return found;
}

static void
test_ours_match_reference(void)
{
	unsigned int checked = 0, bad = 0, n;

	for (const WireFact *f = wire_ours; f->name; f++) {
		const WireFact *ref = find(wire_reference, f->name, &n);

		if (n != 1) {
			g_printerr("%s: %u entries in the reference\n", f->name, n);
			bad++;
		} else if (ref->value != f->value) {
			g_printerr("%s: ours %" G_GUINT64_FORMAT ", reference %" G_GUINT64_FORMAT
			           "\n",
			           f->name, f->value, ref->value);
			bad++;
		}
		checked++;
	}
	for (const WireFact *f = wire_reference; f->name; f++) {
		find(wire_ours, f->name, &n);
		if (n != 1) {
			g_printerr("%s: %u entries in ours\n", f->name, n);
			bad++;
		}
	}
	g_test_message("%u wire facts compared", checked);
	g_assert_cmpuint(bad, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wire/ours-match-reference", test_ours_match_reference);
	return g_test_run();
}
