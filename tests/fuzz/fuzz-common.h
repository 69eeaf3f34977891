/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the fuzz targets: a bounded reader over the fuzzer's input. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <string.h>

typedef struct FuzzInput {
	const uint8_t *data;
	size_t len;
	size_t pos;
} FuzzInput;

static inline size_t
fuzz_take(FuzzInput *in, void *out, size_t n)
{
	size_t avail = in->len - in->pos;

	if (n > avail)
		n = avail;
	memcpy(out, in->data + in->pos, n);
	in->pos += n;
	return n;
}

static inline uint64_t
fuzz_u64(FuzzInput *in, size_t bytes)
{
	uint64_t v = 0;

	fuzz_take(in, &v, bytes > 8 ? 8 : bytes);
	return v;
}

static inline int
fuzz_done(const FuzzInput *in)
{
	return in->pos >= in->len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static GLogWriterOutput
fuzz_discard_log(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
	return G_LOG_WRITER_HANDLED;
}

/* Guest and front-end errors are the point of fuzzing; printing each one only slows it. */
static inline void
fuzz_quiet_logs(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		g_log_set_writer_func(fuzz_discard_log, NULL, NULL);
		g_once_init_leave(&once, 1);
	}
}
