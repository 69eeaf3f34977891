/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Description files of recorded devices, and the config space the guest reads for them. */
#include <gio/gio.h>
#include <string.h>

#include "input/config.h"
#include "input/desc.h"

static InputDesc *
load(const char *name)
{
	g_autofree char *path = g_build_filename(INPUT_TEST_DATA, name, NULL);
	g_autoptr(GError) error = NULL;
	InputDesc *desc = input_desc_load(path, &error);

	g_assert_no_error(error);
	g_assert_nonnull(desc);
	return desc;
}

static uint8_t
cfg(InputConfig *config, uint8_t select, uint8_t subsel, struct virtio_input_config *c)
{
	input_config_write(config, &select, 0, 1);
	input_config_write(config, &subsel, 1, 1);
	g_assert_cmpint(input_config_read(config, (uint8_t *)c, 0, INPUT_CONFIG_SIZE), ==, 0);
	return c->size;
}

static void
test_keyboard(void)
{
	g_autoptr(InputDesc) desc = load("usb-keyboard.desc");
	struct virtio_input_config c;
	InputConfig config;

	g_assert_cmpstr(desc->name, ==, "Logitech USB Keyboard");
	g_assert_null(desc->serial); /* empty EVIOCGUNIQ is no serial */
	g_assert_cmphex(desc->bustype, ==, 0x3);
	g_assert_cmphex(desc->vendor, ==, 0x046d);
	g_assert_cmphex(desc->product, ==, 0xc31c);
	g_assert_cmphex(desc->version, ==, 0x0110);
	g_assert_true(input_desc_has_bit(desc, EV_KEY, KEY_ESC));
	g_assert_true(input_desc_has_bit(desc, EV_KEY, 88));
	g_assert_false(input_desc_has_bit(desc, EV_KEY, 89));
	g_assert_true(input_desc_has_bit(desc, EV_KEY, 194));
	g_assert_true(input_desc_has_type(desc, EV_REP));
	g_assert_false(input_desc_has_type(desc, EV_ABS));

	input_config_init(&config, desc);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_ID_SERIAL, 0, &c), ==, 0);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &c), ==, 194 / 8 + 1);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_MSC, &c), ==, 1);
	g_assert_cmpuint(c.u.bitmap[0], ==, 1u << MSC_SCAN);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_LED, &c), ==, 1);
	g_assert_cmpuint(c.u.bitmap[0], ==, 0x1f);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_REP, &c), ==, 1);
	g_assert_cmpuint(c.u.bitmap[0], ==, 3);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &c), ==, 0);
}

static void
test_touchscreen(void)
{
	g_autoptr(InputDesc) desc = load("touchscreen.desc");
	struct virtio_input_config c;
	InputConfig config;

	g_assert_cmpstr(desc->serial, ==, "ELAN:0001");
	g_assert_true(input_desc_has_prop(desc, INPUT_PROP_DIRECT));
	input_config_init(&config, desc);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_ID_SERIAL, 0, &c), ==, 9);
	g_assert_cmpmem(c.u.string, 9, "ELAN:0001", 9);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_PROP_BITS, 0, &c), ==, 1);
	g_assert_cmpuint(c.u.bitmap[0], ==, 1u << INPUT_PROP_DIRECT);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_ABS_INFO, ABS_X, &c), ==, 20);
	g_assert_cmpuint(GUINT32_FROM_LE(c.u.abs.max), ==, 3200);
	g_assert_cmpuint(GUINT32_FROM_LE(c.u.abs.res), ==, 13);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_ABS_INFO, ABS_MT_SLOT, &c), ==, 20);
	g_assert_cmpuint(GUINT32_FROM_LE(c.u.abs.max), ==, 9);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_ABS_INFO, ABS_MT_PRESSURE, &c), ==, 0);
	g_assert_cmpuint(cfg(&config, VIRTIO_INPUT_CFG_ABS_INFO, ABS_Z, &c), ==, 0);
}

static void
test_round_trip(void)
{
	const char *names[] = { "usb-keyboard.desc", "usb-mouse.desc", "touchscreen.desc" };

	for (unsigned int i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(InputDesc) desc = load(names[i]);
		g_autofree char *text = input_desc_to_string(desc);
		g_autoptr(GError) error = NULL;
		g_autoptr(InputDesc) again = input_desc_parse(text, &error);
		g_autofree char *text2 = NULL;

		g_assert_no_error(error);
		text2 = input_desc_to_string(again);
		g_assert_cmpstr(text, ==, text2);
		g_assert_cmpmem(desc->bits, sizeof(desc->bits), again->bits, sizeof(again->bits));
		g_assert_cmpmem(desc->abs, sizeof(desc->abs), again->abs, sizeof(again->abs));
		g_assert_cmpuint(desc->types, ==, again->types);
	}
}

static void
test_errors(void)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "id=1 2 3 4\n", "description has no name= line" },
		{ "name=x\nbogus\n", "line 2: expected key=value" },
		{ "name=x\nfrob=1\n", "line 2: unknown key \"frob\"" },
		{ "name=x\nkey=1 2 99999\n",
		  "line 2: bad code \"99999\" (numbers below 1024 or ranges a-b)" },
		{ "name=x\nkey=5-3\n",
		  "line 2: bad code \"5\" (numbers below 1024 or ranges a-b)" },
		{ "name=x\nid=1 2 3\n",
		  "line 2: id wants four numbers: bustype vendor product version" },
		{ "name=x\nid=1 2 3 0x10000\n",
		  "line 2: id wants four numbers: bustype vendor product version" },
		{ "name=x\nabsinfo.64=0 1\n", "line 2: bad axis in \"absinfo.64\" (0..63)" },
		{ "name=x\nabsinfo.0=5\n",
		  "line 2: absinfo.0 wants min max [fuzz flat resolution]" },
		{ "name=x\nev=EV_FROB\n", "line 2: unknown event type \"EV_FROB\"" },
	};

	for (unsigned int i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(InputDesc) desc = input_desc_parse(cases[i].text, &error);

		g_assert_null(desc);
		g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
		g_assert_cmpstr(error->message, ==, cases[i].message);
	}
}

static void
test_type_names(void)
{
	g_assert_cmpint(input_type_from_name("EV_KEY"), ==, EV_KEY);
	g_assert_cmpint(input_type_from_name("abs"), ==, EV_ABS);
	g_assert_cmpint(input_type_from_name("0x11"), ==, EV_LED);
	g_assert_cmpint(input_type_from_name("32"), ==, -1);
	g_assert_cmpstr(input_type_name(EV_REL), ==, "EV_REL");
	g_assert_null(input_type_name(0x1f));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/desc/keyboard", test_keyboard);
	g_test_add_func("/input/desc/touchscreen", test_touchscreen);
	g_test_add_func("/input/desc/round-trip", test_round_trip);
	g_test_add_func("/input/desc/errors", test_errors);
	g_test_add_func("/input/desc/type-names", test_type_names);
	return g_test_run();
}
