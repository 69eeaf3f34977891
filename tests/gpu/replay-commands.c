/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs the command fuzz target over the saved corpus and crash reproducers
 * without libFuzzer (TAP, one line per input), so each is a regression test.
 * Usage: replay-commands DIR-OR-FILE...
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gint
compare_paths(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
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
		} else if (g_file_test(argv[i], G_FILE_TEST_EXISTS)) {
			g_ptr_array_add(files, g_strdup(argv[i]));
		}
	}
	g_ptr_array_sort(files, compare_paths);
	printf("1..%u\n", files->len);
	for (guint i = 0; i < files->len; i++) {
		g_autofree char *data = NULL;
		gsize len = 0;

		if (!g_file_get_contents(files->pdata[i], &data, &len, NULL)) {
			printf("not ok %u - %s (unreadable)\n", i + 1, (char *)files->pdata[i]);
			continue;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		printf("ok %u - %s\n", i + 1, (char *)files->pdata[i]);
		fflush(stdout);
	}
	return 0;
}
