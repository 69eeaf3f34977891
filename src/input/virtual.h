/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Standard descriptions for the virtual devices the Linux driver and libinput accept. */
#pragma once

#include "input/desc.h"

typedef enum {
	INPUT_VIRTUAL_KEYBOARD,
	INPUT_VIRTUAL_MOUSE,
	INPUT_VIRTUAL_TABLET,
	INPUT_VIRTUAL_MULTITOUCH,
	INPUT_VIRTUAL_KEYBOARD_MOUSE, /* what --seat serves by default */
} InputVirtualKind;

typedef struct InputVirtualOptions {
	int32_t x_min, x_max; /* absolute range, tablet and multitouch */
	int32_t y_min, y_max;
	unsigned int slots; /* multitouch contacts, 1..INPUT_VIRTUAL_MAX_SLOTS */
} InputVirtualOptions;

#define INPUT_VIRTUAL_DEFAULT_ABS_MAX 32767
#define INPUT_VIRTUAL_DEFAULT_SLOTS 10u
#define INPUT_VIRTUAL_MAX_SLOTS 64u
#define INPUT_VIRTUAL_VENDOR 0x1af4 /* virtio's PCI vendor */

void input_virtual_options_init(InputVirtualOptions *opts);
InputDesc *input_virtual_new(InputVirtualKind kind, const InputVirtualOptions *opts);
