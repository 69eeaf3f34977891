/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config space: every select/subsel the Linux driver reads, sizes per the virtio spec. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "input/config.h"
#include "input/virtual.h"

/* As the Linux driver does it: select and subsel written as single bytes. */
static uint8_t
select_bytewise(InputConfig *config, uint8_t select, uint8_t subsel,
                struct virtio_input_config *out)
{
	g_assert_cmpint(input_config_write(config, &select, 0, 1), ==, 0);
	g_assert_cmpint(input_config_write(config, &subsel, 1, 1), ==, 0);
	g_assert_cmpint(input_config_read(config, (uint8_t *)out, 0, INPUT_CONFIG_SIZE), ==, 0);
	g_assert_cmpuint(out->select, ==, select);
	g_assert_cmpuint(out->subsel, ==, subsel);
	return out->size;
}

/*
 * As QEMU's vhost-user front-end does it: each guest byte write becomes a
 * SET_CONFIG of the whole 136 bytes, the other bytes as last read.
 */
static uint8_t
select_qemu(InputConfig *config, uint8_t select, uint8_t subsel, struct virtio_input_config *out)
{
	struct virtio_input_config cached;

	g_assert_cmpint(input_config_read(config, (uint8_t *)&cached, 0, INPUT_CONFIG_SIZE), ==, 0);
	cached.select = select;
	g_assert_cmpint(input_config_write(config, (uint8_t *)&cached, 0, INPUT_CONFIG_SIZE), ==,
	                0);
	g_assert_cmpint(input_config_read(config, (uint8_t *)&cached, 0, INPUT_CONFIG_SIZE), ==, 0);
	cached.subsel = subsel;
	/* Stale read-only bytes in the write must not matter. */
	cached.size = 0xee;
	memset(cached.u.bitmap, 0x5a, sizeof(cached.u.bitmap));
	g_assert_cmpint(input_config_write(config, (uint8_t *)&cached, 0, INPUT_CONFIG_SIZE), ==,
	                0);
	g_assert_cmpint(input_config_read(config, (uint8_t *)out, 0, INPUT_CONFIG_SIZE), ==, 0);
	g_assert_cmpuint(out->select, ==, select);
	g_assert_cmpuint(out->subsel, ==, subsel);
	return out->size;
}

typedef uint8_t (*SelectFunc)(InputConfig *, uint8_t, uint8_t, struct virtio_input_config *);

static InputDesc *
make(InputVirtualKind kind)
{
	InputVirtualOptions opts;

	input_virtual_options_init(&opts);
	opts.x_min = -100;
	opts.x_max = 1919;
	opts.y_max = 1079;
	opts.slots = 5;
	return input_virtual_new(kind, &opts);
}

static bool
bit(const struct virtio_input_config *c, unsigned int n)
{
	return n / 8 < c->size && (c->u.bitmap[n / 8] & (1u << (n % 8)));
}

static void
check_ids(SelectFunc sel)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_TABLET);
	struct virtio_input_config c;
	InputConfig config;

	input_desc_set_serial(desc, "SN-42");
	input_config_init(&config, desc);

	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_UNSET, 0, &c), ==, 0);
	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_ID_NAME, 0, &c), ==,
	                 strlen("vhost-desktop tablet"));
	g_assert_cmpmem(c.u.string, c.size, "vhost-desktop tablet", strlen("vhost-desktop tablet"));
	/* Bytes beyond size are zero, so a driver reading more sees no garbage. */
	g_assert_cmpuint(c.u.string[c.size], ==, 0);
	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_ID_NAME, 1, &c), ==, 0);

	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_ID_SERIAL, 0, &c), ==, 5);
	g_assert_cmpmem(c.u.string, 5, "SN-42", 5);

	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, &c), ==, 8);
	g_assert_cmpuint(GUINT16_FROM_LE(c.u.ids.bustype), ==, BUS_VIRTUAL);
	g_assert_cmpuint(GUINT16_FROM_LE(c.u.ids.vendor), ==, INPUT_VIRTUAL_VENDOR);
	g_assert_cmpuint(GUINT16_FROM_LE(c.u.ids.product), ==, 3);
	g_assert_cmpuint(GUINT16_FROM_LE(c.u.ids.version), ==, 1);

	/* Unknown selectors read as size 0 with a zero union. */
	for (unsigned int s = 0x04; s < 0x100; s++) {
		if (s == VIRTIO_INPUT_CFG_PROP_BITS || s == VIRTIO_INPUT_CFG_EV_BITS ||
		    s == VIRTIO_INPUT_CFG_ABS_INFO)
			continue;
		g_assert_cmpuint(sel(&config, (uint8_t)s, 0, &c), ==, 0);
		g_assert_cmpuint(input_bitmap_used_bytes(c.u.bitmap), ==, 0);
	}
}

static void
test_ids_bytewise(void)
{
	check_ids(select_bytewise);
}

static void
test_ids_qemu(void)
{
	check_ids(select_qemu);
}

static void
test_no_serial(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_MOUSE);
	struct virtio_input_config c;
	InputConfig config;

	input_config_init(&config, desc);
	g_assert_cmpuint(select_bytewise(&config, VIRTIO_INPUT_CFG_ID_SERIAL, 0, &c), ==, 0);
	g_assert_cmpuint(select_bytewise(&config, VIRTIO_INPUT_CFG_PROP_BITS, 0, &c), ==, 0);
}

static void
check_keyboard(SelectFunc sel)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_KEYBOARD);
	struct virtio_input_config c;
	InputConfig config;

	input_config_init(&config, desc);
	for (unsigned int t = 0; t < 256; t++) {
		uint8_t size = sel(&config, VIRTIO_INPUT_CFG_EV_BITS, (uint8_t)t, &c);

		switch (t) {
		case EV_KEY:
			/* KEY_MICMUTE = 248 is the last code: 32 bytes. */
			g_assert_cmpuint(size, ==, KEY_MICMUTE / 8 + 1);
			g_assert_true(bit(&c, KEY_A));
			g_assert_true(bit(&c, KEY_ESC));
			g_assert_false(bit(&c, KEY_RESERVED));
			g_assert_false(bit(&c, BTN_LEFT));
			break;
		case EV_LED:
			g_assert_cmpuint(size, ==, 1);
			g_assert_true(bit(&c, LED_CAPSL));
			g_assert_true(bit(&c, LED_NUML));
			break;
		case EV_REP:
			/* Present with no codes: size 1, so the driver enables autorepeat. */
			g_assert_cmpuint(size, ==, 1);
			g_assert_cmpuint(c.u.bitmap[0], ==, 0);
			break;
		default:
			g_assert_cmpuint(size, ==, 0);
			break;
		}
	}
	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_ABS_INFO, ABS_X, &c), ==, 0);
}

static void
test_keyboard_bytewise(void)
{
	check_keyboard(select_bytewise);
}

static void
test_keyboard_qemu(void)
{
	check_keyboard(select_qemu);
}

static void
test_mouse(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_MOUSE);
	struct virtio_input_config c;
	InputConfig config;

	input_config_init(&config, desc);
	g_assert_cmpuint(select_bytewise(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_REL, &c), ==,
	                 REL_HWHEEL_HI_RES / 8 + 1);
	g_assert_true(bit(&c, REL_X));
	g_assert_true(bit(&c, REL_Y));
	g_assert_true(bit(&c, REL_WHEEL));
	g_assert_true(bit(&c, REL_WHEEL_HI_RES));
	g_assert_false(bit(&c, REL_Z));
	g_assert_cmpuint(select_bytewise(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &c), ==,
	                 BTN_EXTRA / 8 + 1);
	g_assert_true(bit(&c, BTN_LEFT));
	g_assert_true(bit(&c, BTN_MIDDLE));
	g_assert_false(bit(&c, BTN_TOUCH));
	g_assert_cmpuint(select_bytewise(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &c), ==, 0);
	g_assert_cmpuint(select_bytewise(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_REP, &c), ==, 0);
}

static void
check_tablet(SelectFunc sel)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_TABLET);
	struct virtio_input_config c;
	InputConfig config;

	input_config_init(&config, desc);
	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &c), ==, 1);
	g_assert_cmpuint(c.u.bitmap[0], ==, (1u << ABS_X) | (1u << ABS_Y));
	g_assert_cmpuint(sel(&config, VIRTIO_INPUT_CFG_PROP_BITS, 0, &c), ==, 0);

	for (unsigned int a = 0; a < 256; a++) {
		uint8_t size = sel(&config, VIRTIO_INPUT_CFG_ABS_INFO, (uint8_t)a, &c);

		if (a == ABS_X) {
			g_assert_cmpuint(size, ==, 20);
			g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.min), ==, -100);
			g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.max), ==, 1919);
			g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.fuzz), ==, 0);
		} else if (a == ABS_Y) {
			g_assert_cmpuint(size, ==, 20);
			g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.min), ==, 0);
			g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.max), ==, 1079);
		} else {
			g_assert_cmpuint(size, ==, 0);
		}
	}
}

static void
test_tablet_bytewise(void)
{
	check_tablet(select_bytewise);
}

static void
test_tablet_qemu(void)
{
	check_tablet(select_qemu);
}

static void
test_multitouch(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_MULTITOUCH);
	struct virtio_input_config c;
	InputConfig config;

	input_config_init(&config, desc);
	g_assert_cmpuint(select_qemu(&config, VIRTIO_INPUT_CFG_PROP_BITS, 0, &c), ==, 1);
	g_assert_cmpuint(c.u.bitmap[0], ==, 1u << INPUT_PROP_DIRECT);
	g_assert_cmpuint(select_qemu(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &c), ==,
	                 ABS_MT_TRACKING_ID / 8 + 1);
	g_assert_true(bit(&c, ABS_MT_SLOT));
	g_assert_true(bit(&c, ABS_MT_POSITION_X));
	g_assert_true(bit(&c, ABS_MT_POSITION_Y));
	g_assert_true(bit(&c, ABS_MT_TRACKING_ID));
	g_assert_false(bit(&c, ABS_MT_PRESSURE));
	g_assert_cmpuint(select_qemu(&config, VIRTIO_INPUT_CFG_ABS_INFO, ABS_MT_SLOT, &c), ==, 20);
	g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.max), ==, 4);
	g_assert_cmpuint(select_qemu(&config, VIRTIO_INPUT_CFG_ABS_INFO, ABS_MT_POSITION_X, &c), ==,
	                 20);
	g_assert_cmpint((int32_t)GUINT32_FROM_LE(c.u.abs.max), ==, 1919);
	g_assert_cmpuint(select_qemu(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &c), ==,
	                 BTN_TOUCH / 8 + 1);
	g_assert_true(bit(&c, BTN_TOUCH));
}

static void
test_partial_access(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_TABLET);
	uint8_t buf[INPUT_CONFIG_SIZE] = { 0 };
	uint8_t two[2] = { VIRTIO_INPUT_CFG_ABS_INFO, ABS_Y };
	InputConfig config;
	uint32_t max;

	input_config_init(&config, desc);
	/* select and subsel in one 2-byte write, then reads of single fields. */
	g_assert_cmpint(input_config_write(&config, two, 0, 2), ==, 0);
	g_assert_cmpint(input_config_read(&config, buf, 2, 1), ==, 0);
	g_assert_cmpuint(buf[0], ==, 20);
	g_assert_cmpint(input_config_read(&config, (uint8_t *)&max, 12, 4), ==, 0);
	g_assert_cmpuint(GUINT32_FROM_LE(max), ==, 1079);
	/* Writes to read-only bytes change nothing. */
	buf[0] = 0x77;
	g_assert_cmpint(input_config_write(&config, buf, 2, 1), ==, 0);
	g_assert_cmpint(input_config_write(&config, buf, 8, 4), ==, 0);
	g_assert_cmpint(input_config_read(&config, buf, 0, 3), ==, 0);
	g_assert_cmpuint(buf[0], ==, VIRTIO_INPUT_CFG_ABS_INFO);
	g_assert_cmpuint(buf[1], ==, ABS_Y);
	g_assert_cmpuint(buf[2], ==, 20);
	/* A write of the last byte only, and out-of-range accesses. */
	g_assert_cmpint(input_config_write(&config, buf, INPUT_CONFIG_SIZE - 1, 1), ==, 0);
	g_assert_cmpint(input_config_read(&config, buf, INPUT_CONFIG_SIZE, 0), ==, 0);
	g_assert_cmpint(input_config_read(&config, buf, INPUT_CONFIG_SIZE, 1), ==, -EINVAL);
	g_assert_cmpint(input_config_read(&config, buf, 1, INPUT_CONFIG_SIZE), ==, -EINVAL);
	g_assert_cmpint(input_config_write(&config, buf, 0xffffffffu, 2), ==, -EINVAL);
	g_assert_cmpint(input_config_read(&config, buf, 4, 0xfffffffeu), ==, -EINVAL);

	input_config_reset(&config);
	g_assert_cmpint(input_config_read(&config, buf, 0, 3), ==, 0);
	g_assert_cmpuint(buf[0], ==, 0);
	g_assert_cmpuint(buf[1], ==, 0);
	g_assert_cmpuint(buf[2], ==, 0);
}

static void
test_long_name(void)
{
	g_autoptr(InputDesc) desc = make(INPUT_VIRTUAL_MOUSE);
	g_autofree char *name = g_strnfill(200, 'n');
	struct virtio_input_config c;
	InputConfig config;

	input_desc_set_name(desc, name);
	input_config_init(&config, desc);
	/* The union holds 128 bytes: the name is cut there, never overflows. */
	g_assert_cmpuint(select_bytewise(&config, VIRTIO_INPUT_CFG_ID_NAME, 0, &c), ==, 128);
	g_assert_cmpmem(c.u.string, 128, name, 128);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/config/ids/bytewise", test_ids_bytewise);
	g_test_add_func("/input/config/ids/qemu-whole-struct", test_ids_qemu);
	g_test_add_func("/input/config/no-serial", test_no_serial);
	g_test_add_func("/input/config/keyboard/bytewise", test_keyboard_bytewise);
	g_test_add_func("/input/config/keyboard/qemu-whole-struct", test_keyboard_qemu);
	g_test_add_func("/input/config/mouse", test_mouse);
	g_test_add_func("/input/config/tablet/bytewise", test_tablet_bytewise);
	g_test_add_func("/input/config/tablet/qemu-whole-struct", test_tablet_qemu);
	g_test_add_func("/input/config/multitouch", test_multitouch);
	g_test_add_func("/input/config/partial-access", test_partial_access);
	g_test_add_func("/input/config/long-name", test_long_name);
	return g_test_run();
}
