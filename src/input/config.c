/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/config.h"

#include <errno.h>
#include <string.h>

G_STATIC_ASSERT(sizeof(struct virtio_input_config) == 136);
G_STATIC_ASSERT(sizeof(struct virtio_input_absinfo) == 20);
G_STATIC_ASSERT(sizeof(struct virtio_input_devids) == 8);

static void
input_config_string(struct virtio_input_config *cfg, const char *s)
{
	size_t n;

	if (!s)
		return;
	/* No terminating NUL needed: the driver bounds the copy by size. */
	n = MIN(strlen(s), sizeof(cfg->u.string));
	memcpy(cfg->u.string, s, n);
	cfg->size = (uint8_t)n;
}

static void
input_config_bitmap(struct virtio_input_config *cfg, const uint8_t *bitmap, bool present)
{
	unsigned int n = input_bitmap_used_bytes(bitmap);

	G_STATIC_ASSERT(INPUT_BITMAP_BYTES == sizeof(cfg->u.bitmap));
	memcpy(cfg->u.bitmap, bitmap, n);
	/*
	 * A type with no codes (EV_REP) still has to read as present, so the
	 * driver sets it: size 1 with an empty bitmap, as QEMU's keyboards do.
	 */
	cfg->size = (uint8_t)(n ? n : (present ? 1 : 0));
}

/* Recompute size and union for the current select/subsel. */
static void
input_config_update(InputConfig *config)
{
	struct virtio_input_config *cfg = &config->cfg;
	const InputDesc *desc = config->desc;
	unsigned int sub = config->subsel;

	memset(cfg, 0, sizeof(*cfg));
	cfg->select = config->select;
	cfg->subsel = config->subsel;
	if (!desc)
		return;

	switch (config->select) {
	case VIRTIO_INPUT_CFG_ID_NAME:
		if (sub == 0)
			input_config_string(cfg, desc->name);
		break;
	case VIRTIO_INPUT_CFG_ID_SERIAL:
		if (sub == 0)
			input_config_string(cfg, desc->serial);
		break;
	case VIRTIO_INPUT_CFG_ID_DEVIDS:
		if (sub == 0) {
			cfg->u.ids.bustype = GUINT16_TO_LE(desc->bustype);
			cfg->u.ids.vendor = GUINT16_TO_LE(desc->vendor);
			cfg->u.ids.product = GUINT16_TO_LE(desc->product);
			cfg->u.ids.version = GUINT16_TO_LE(desc->version);
			cfg->size = sizeof(cfg->u.ids);
		}
		break;
	case VIRTIO_INPUT_CFG_PROP_BITS:
		if (sub == 0)
			input_config_bitmap(cfg, desc->props, false);
		break;
	case VIRTIO_INPUT_CFG_EV_BITS:
		/* EV_SYN is implied by the driver; only real types have bitmaps. */
		if (sub > EV_SYN && sub < EV_CNT && input_desc_has_type(desc, sub))
			input_config_bitmap(cfg, desc->bits[sub], true);
		break;
	case VIRTIO_INPUT_CFG_ABS_INFO:
		if (sub < ABS_CNT && input_desc_has_bit(desc, EV_ABS, sub)) {
			const InputAbsInfo *ai = &desc->abs[sub];

			cfg->u.abs.min = GUINT32_TO_LE((uint32_t)ai->min);
			cfg->u.abs.max = GUINT32_TO_LE((uint32_t)ai->max);
			cfg->u.abs.fuzz = GUINT32_TO_LE((uint32_t)ai->fuzz);
			cfg->u.abs.flat = GUINT32_TO_LE((uint32_t)ai->flat);
			cfg->u.abs.res = GUINT32_TO_LE((uint32_t)ai->res);
			cfg->size = sizeof(cfg->u.abs);
		}
		break;
	default:
		/* UNSET and unknown selectors: size 0. */
		break;
	}
}

void
input_config_init(InputConfig *config, const InputDesc *desc)
{
	memset(config, 0, sizeof(*config));
	config->desc = desc;
	input_config_update(config);
}

void
input_config_set_desc(InputConfig *config, const InputDesc *desc)
{
	config->desc = desc;
	input_config_update(config);
}

void
input_config_reset(InputConfig *config)
{
	config->select = 0;
	config->subsel = 0;
	input_config_update(config);
}

int
input_config_read(InputConfig *config, uint8_t *buf, uint32_t offset, uint32_t len)
{
	if (offset > INPUT_CONFIG_SIZE || len > INPUT_CONFIG_SIZE - offset)
		return -EINVAL;
	/* Recomputed on each read: a passthrough device's description may have changed. */
	input_config_update(config);
	memcpy(buf, (const uint8_t *)&config->cfg + offset, len);
	return 0;
}

int
input_config_write(InputConfig *config, const uint8_t *buf, uint32_t offset, uint32_t len)
{
	if (offset > INPUT_CONFIG_SIZE || len > INPUT_CONFIG_SIZE - offset)
		return -EINVAL;
	if (offset == 0 && len > 0)
		config->select = buf[0];
	if (offset <= 1 && offset + len > 1)
		config->subsel = buf[1 - offset];
	input_config_update(config);
	return 0;
}
