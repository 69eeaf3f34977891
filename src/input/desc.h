/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a virtio-input device is: name, serial, ids, properties, the codes it
 * has per event type and the range of each absolute axis. Virtual devices,
 * evdev passthrough and description files all produce one of these; the
 * config space is computed from it.
 */
#pragma once

#include <glib.h>
#include <linux/input.h>
#include <stdbool.h>
#include <stdint.h>

/* The config space's bitmap is 128 bytes: codes 0..1023 per event type. */
#define INPUT_BITMAP_BYTES 128u
#define INPUT_MAX_CODE (INPUT_BITMAP_BYTES * 8u)
#define INPUT_NAME_MAX 128u

typedef struct InputAbsInfo {
	int32_t min;
	int32_t max;
	int32_t fuzz;
	int32_t flat;
	int32_t res;
} InputAbsInfo;

/* One evdev event in host byte order. */
typedef struct InputEvent {
	uint16_t type;
	uint16_t code;
	int32_t value;
} InputEvent;

typedef struct InputDesc {
	char *name;
	char *serial; /* NULL: none */
	uint16_t bustype;
	uint16_t vendor;
	uint16_t product;
	uint16_t version;
	uint32_t types; /* bit per EV_* type the device has, even with no codes (EV_REP) */
	uint8_t props[INPUT_BITMAP_BYTES];
	uint8_t bits[EV_CNT][INPUT_BITMAP_BYTES];
	InputAbsInfo abs[ABS_CNT];
} InputDesc;

InputDesc *input_desc_new(void);
void input_desc_free(InputDesc *desc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InputDesc, input_desc_free)
InputDesc *input_desc_copy(const InputDesc *desc);

void input_desc_set_name(InputDesc *desc, const char *name);
void input_desc_set_serial(InputDesc *desc, const char *serial);
/* Adds the type too. Codes >= INPUT_MAX_CODE or types >= EV_CNT are ignored (false). */
bool input_desc_set_bit(InputDesc *desc, unsigned int type, unsigned int code);
bool input_desc_has_bit(const InputDesc *desc, unsigned int type, unsigned int code);
void input_desc_set_type(InputDesc *desc, unsigned int type);
bool input_desc_has_type(const InputDesc *desc, unsigned int type);
void input_desc_set_prop(InputDesc *desc, unsigned int prop);
bool input_desc_has_prop(const InputDesc *desc, unsigned int prop);
void input_desc_set_abs(InputDesc *desc, unsigned int axis, int32_t min, int32_t max, int32_t fuzz,
                        int32_t flat, int32_t res);
/* Bytes of a bitmap up to its last non-zero byte (0 when empty). */
unsigned int input_bitmap_used_bytes(const uint8_t *bitmap);

/* Whether the device may send this event (EV_SYN always). */
bool input_desc_accepts(const InputDesc *desc, uint16_t type, uint16_t code);

/* Short names for messages: "EV_KEY", "ABS_X"... or NULL when unknown. */
const char *input_type_name(unsigned int type);
const char *input_abs_name(unsigned int axis);
/* Type from "EV_KEY"/"KEY"/"key"/number; -1 when unknown. */
int input_type_from_name(const char *name);

/*
 * Description files: a recorded device as key=value lines, see
 * tests/data/input/README. Returns NULL and sets error on malformed input.
 */
InputDesc *input_desc_parse(const char *text, GError **error);
InputDesc *input_desc_load(const char *path, GError **error);
char *input_desc_to_string(const InputDesc *desc);
