/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wire facts, as name and value: sizes and field offsets of the structs that
 * cross a boundary, and the numbers of the protocols. ours.c reads them off
 * the project's own definitions; reference.c writes them down from sources
 * the project did not write (the kernel's UAPI headers, the vhost-user and
 * vhost-user-gpu specifications) and is built without the project's include
 * path, so it cannot use our headers. test-wire.c compares the two lists.
 */
#pragma once

#include <stdint.h>

typedef struct WireFact {
	const char *name;
	uint64_t value;
} WireFact;

/* Both lists end with { NULL, 0 }. */
extern const WireFact wire_ours[];
extern const WireFact wire_reference[];

#define WIRE_SIZE(name, type)                \
	{                                    \
		name ".sizeof", sizeof(type) \
	}
#define WIRE_OFFSET(name, type, field)                 \
	{                                              \
		name "." #field, offsetof(type, field) \
	}
#define WIRE_VALUE(name, value)         \
	{                               \
		name, (uint64_t)(value) \
	}
