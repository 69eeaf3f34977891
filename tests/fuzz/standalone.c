/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a fuzz target over saved inputs without libFuzzer, so that the corpus
 * and every crash reproducer are regression tests in `make check`.
 * Usage: PROGRAM DIR-OR-FILE...; prints TAP, one line per input.
 */
#include <glib.h>
#include <stdio.h>

#include "fuzz-common.h"

static unsigned int count;

static void
run_file(const char *path)
{
	g_autofree char *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL)) {
		printf("not ok %u - %s (unreadable)\n", ++count, path);
		return;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	printf("ok %u - %s\n", ++count, path);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);

	for (int i = 1; i < argc; i++) {
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
			g_autoptr(GDir) dir = g_dir_open(argv[i], 0, NULL);
			const char *name;
			while (dir && (name = g_dir_read_name(dir)))
				g_ptr_array_add(files, g_build_filename(argv[i], name, NULL));
		} else {
			g_ptr_array_add(files, g_strdup(argv[i]));
		}
	}
	printf("1..%u\n", files->len);
	for (guint i = 0; i < files->len; i++)
		run_file(files->pdata[i]);
	return 0;
}
