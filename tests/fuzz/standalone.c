/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a fuzz target over saved inputs without libFuzzer, so that the corpus
 * and every crash reproducer are regression tests in `make check`. Linked
 * with each target's LLVMFuzzerTestOneInput.
 * Usage: PROGRAM CORPUS-DIR [CRASHES-DIR-OR-FILE...]; prints TAP, one line per
 * input, in name order. Every path must exist and the corpus must hold at least
 * one input (crash directories may be empty): a renamed or emptied corpus fails
 * the test rather than passing it with nothing replayed.
 *
 * The inputs are read first; then, as a daemon does once it serves, the
 * process confines itself with the GPU daemon's sandbox (src/daemon/sandbox.c;
 * VD_FUZZ_NO_SANDBOX=1 leaves it out), so the device code runs under the
 * filter it runs under in the daemons.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gint
compare_paths(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/*
 * Directories contribute their files, minus dot files (.keep holds an empty one
 * in git). Returns how many, or -1 for a path that does not exist.
 */
static int
collect(GPtrArray *files, const char *arg)
{
	guint before = files->len;

	if (g_file_test(arg, G_FILE_TEST_IS_DIR)) {
		g_autoptr(GDir) dir = g_dir_open(arg, 0, NULL);
		const char *name;

		while (dir && (name = g_dir_read_name(dir)))
			if (name[0] != '.')
				g_ptr_array_add(files, g_build_filename(arg, name, NULL));
	} else if (g_file_test(arg, G_FILE_TEST_EXISTS)) {
		g_ptr_array_add(files, g_strdup(arg));
	} else {
		return -1;
	}
	return (int)(files->len - before);
}

/* Reads every input, confines the process, then runs them, printing TAP. */
static int
replay(GPtrArray *files)
{
	g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GError) error = NULL;
	static const uint8_t nothing[1];

	for (guint i = 0; i < files->len; i++) {
		g_autofree char *data = NULL;
		gsize len = 0;

		if (!g_file_get_contents(files->pdata[i], &data, &len, NULL))
			g_ptr_array_add(inputs, NULL);
		else
			g_ptr_array_add(inputs, g_bytes_new_take(g_steal_pointer(&data), len));
	}
	/* The target sets itself up first (a device, virglrenderer), as a daemon does. */
	LLVMFuzzerTestOneInput(nothing, 0);
	if (g_strcmp0(g_getenv("VD_FUZZ_NO_SANDBOX"), "1") != 0 &&
	    !daemon_sandbox_enter(DAEMON_SANDBOX_ON, &daemon_sandbox_virgl, &error)) {
		printf("Bail out! %s\n", error->message);
		return 1;
	}
	printf("1..%u\n", files->len);
	for (guint i = 0; i < files->len; i++) {
		GBytes *in = inputs->pdata[i];
		const char *path = files->pdata[i];

		if (!in) {
			printf("not ok %u - %s (unreadable)\n", i + 1, path);
			continue;
		}
		LLVMFuzzerTestOneInput(g_bytes_get_data(in, NULL), g_bytes_get_size(in));
		printf("ok %u - %s\n", i + 1, path);
		fflush(stdout);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);

	if (argc < 2) {
		printf("Bail out! usage: %s CORPUS-DIR [CRASHES-DIR...]\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		int n = collect(files, argv[i]);

		if (n < 0) {
			printf("Bail out! %s does not exist\n", argv[i]);
			return 1;
		}
		if (i == 1 && n == 0) {
			printf("Bail out! the corpus %s holds no input\n", argv[i]);
			return 1;
		}
	}
	g_ptr_array_sort(files, compare_paths);
	return replay(files);
}
