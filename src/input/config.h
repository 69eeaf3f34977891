/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio-input config space: the driver writes select and subsel, then
 * reads size and the union the device computed for them.
 */
#pragma once

#include <linux/virtio_input.h>
#include <stdint.h>

#include "input/desc.h"

#define INPUT_CONFIG_SIZE ((uint32_t)sizeof(struct virtio_input_config))

typedef struct InputConfig {
	const InputDesc *desc; /* not owned */
	uint8_t select;
	uint8_t subsel;
	struct virtio_input_config cfg; /* computed for select/subsel */
} InputConfig;

void input_config_init(InputConfig *config, const InputDesc *desc);
/* The description changed (evdev device came back with other bits). */
void input_config_set_desc(InputConfig *config, const InputDesc *desc);
/* Power-on state: select = subsel = 0. */
void input_config_reset(InputConfig *config);

/* Range already checked against INPUT_CONFIG_SIZE by the caller; -EINVAL otherwise. */
int input_config_read(InputConfig *config, uint8_t *buf, uint32_t offset, uint32_t len);
/*
 * Only select (byte 0) and subsel (byte 1) are writable; other bytes of a
 * whole-structure write (QEMU sends all 136) are read-only and ignored.
 */
int input_config_write(InputConfig *config, const uint8_t *buf, uint32_t offset, uint32_t len);
