/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "input/source.h"

void
input_source_write_status(uint16_t type, uint16_t code, int32_t value, void *source)
{
	const InputSource *s = source;

	s->ops->write_status(s->impl, type, code, value);
}
