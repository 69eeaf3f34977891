/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libinput translation, from recorded sequences in tests/data/input/seat-*.libinput. */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "input/libinput-translate.h"
#include "input/source-libinput.h"
#include "input/virtual.h"

static InputDesc *
make_device(char **tok)
{
	static const struct {
		const char *name;
		InputVirtualKind kind;
	} kinds[] = {
		{ "keyboard", INPUT_VIRTUAL_KEYBOARD },
		{ "mouse", INPUT_VIRTUAL_MOUSE },
		{ "tablet", INPUT_VIRTUAL_TABLET },
		{ "multitouch", INPUT_VIRTUAL_MULTITOUCH },
		{ "seat", INPUT_VIRTUAL_KEYBOARD_MOUSE },
	};
	InputVirtualOptions opts;

	input_virtual_options_init(&opts);
	if (tok[1] && tok[2]) {
		g_assert_cmpint(sscanf(tok[1], "%d:%d", &opts.x_min, &opts.x_max), ==, 2);
		g_assert_cmpint(sscanf(tok[2], "%d:%d", &opts.y_min, &opts.y_max), ==, 2);
	}
	for (unsigned int i = 0; i < G_N_ELEMENTS(kinds); i++) {
		if (g_str_equal(tok[0], kinds[i].name))
			return input_virtual_new(kinds[i].kind, &opts);
	}
	g_error("unknown device %s", tok[0]);
	return NULL;
}

static void
parse_event(char **tok, InputLiEvent *ev)
{
	const char *what = tok[0];
	guint n = g_strv_length(tok);

	memset(ev, 0, sizeof(*ev));
	if (g_str_equal(what, "key") || g_str_equal(what, "button")) {
		g_assert_cmpuint(n, ==, 3);
		ev->kind = g_str_equal(what, "key") ? INPUT_LI_KEY : INPUT_LI_BUTTON;
		ev->code = (uint32_t)g_ascii_strtoull(tok[1], NULL, 10);
		ev->pressed = g_str_equal(tok[2], "pressed");
	} else if (g_str_equal(what, "motion")) {
		ev->kind = INPUT_LI_MOTION;
		ev->dx = g_ascii_strtod(tok[1], NULL);
		ev->dy = g_ascii_strtod(tok[2], NULL);
	} else if (g_str_equal(what, "absolute")) {
		ev->kind = INPUT_LI_MOTION_ABSOLUTE;
		ev->x = g_ascii_strtod(tok[1], NULL);
		ev->y = g_ascii_strtod(tok[2], NULL);
	} else if (g_str_equal(what, "wheel")) {
		ev->kind = INPUT_LI_SCROLL_WHEEL;
		ev->v120_v = g_ascii_strtod(tok[1], NULL);
		ev->v120_h = g_ascii_strtod(tok[2], NULL);
	} else if (g_str_equal(what, "touch-down") || g_str_equal(what, "touch-motion")) {
		g_assert_cmpuint(n, ==, 4);
		ev->kind = g_str_equal(what, "touch-down") ? INPUT_LI_TOUCH_DOWN
		                                           : INPUT_LI_TOUCH_MOTION;
		ev->slot = (int32_t)g_ascii_strtoll(tok[1], NULL, 10);
		ev->x = g_ascii_strtod(tok[2], NULL);
		ev->y = g_ascii_strtod(tok[3], NULL);
	} else if (g_str_equal(what, "touch-up")) {
		ev->kind = INPUT_LI_TOUCH_UP;
		ev->slot = (int32_t)g_ascii_strtoll(tok[1], NULL, 10);
	} else if (g_str_equal(what, "touch-cancel")) {
		ev->kind = INPUT_LI_TOUCH_CANCEL;
	} else if (g_str_equal(what, "touch-frame")) {
		ev->kind = INPUT_LI_TOUCH_FRAME;
	} else {
		g_error("unknown libinput event %s", what);
	}
}

static void
check_expect(const char *line, GArray *out, const char *file, unsigned int lineno)
{
	g_auto(GStrv) items = g_strsplit(line, ",", -1);
	unsigned int n = 0;

	for (char **it = items; *it; it++) {
		int type, code, value;
		const InputEvent *e;

		if (!*g_strstrip(*it))
			continue;
		g_assert_cmpint(sscanf(*it, "%d %d %d", &type, &code, &value), ==, 3);
		if (n >= out->len)
			g_error("%s:%u: expected %s, got no more events", file, lineno, *it);
		e = &g_array_index(out, InputEvent, n);
		if (e->type != type || e->code != code || e->value != value)
			g_error("%s:%u: event %u: expected %d %d %d, got %u %u %d", file, lineno, n,
			        type, code, value, e->type, e->code, e->value);
		n++;
	}
	if (n != out->len) {
		const InputEvent *e = &g_array_index(out, InputEvent, n);

		g_error("%s:%u: %u extra events, first %u %u %d", file, lineno, out->len - n,
		        e->type, e->code, e->value);
	}
	g_array_set_size(out, 0);
}

static void
run_file(gconstpointer data)
{
	const char *name = data;
	g_autofree char *path = g_build_filename(INPUT_TEST_DATA, name, NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(InputDesc) desc = NULL;
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	unsigned int lineno = 0, expects = 0;
	InputLiState st;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	input_li_state_init(&st);
	for (char **l = lines; *l; l++) {
		g_auto(GStrv) tok = NULL;
		char *line = g_strstrip(*l);
		InputLiEvent ev;

		lineno++;
		if (!*line || *line == '#')
			continue;
		if (g_str_has_prefix(line, "expect")) {
			check_expect(line + 6, out, name, lineno);
			expects++;
			continue;
		}
		tok = g_strsplit_set(line, " \t", -1);
		if (g_str_equal(tok[0], "device")) {
			desc = make_device(tok + 1);
			continue;
		}
		g_assert_nonnull(desc);
		parse_event(tok, &ev);
		input_li_translate(&st, desc, &ev, out);
	}
	g_assert_cmpuint(expects, >, 0);
	g_assert_cmpuint(out->len, ==, 0);
}

static void
test_hotkey(void)
{
	uint16_t codes[INPUT_SEAT_MAX_HOTKEY_KEYS];
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(input_hotkey_parse("leftctrl+leftalt+g", codes, NULL), ==, 3);
	g_assert_cmpuint(codes[0], ==, KEY_LEFTCTRL);
	g_assert_cmpuint(codes[1], ==, KEY_LEFTALT);
	g_assert_cmpuint(codes[2], ==, KEY_G);
	g_assert_cmpint(input_hotkey_parse("KEY_RIGHTCTRL+88", codes, NULL), ==, 2);
	g_assert_cmpuint(codes[0], ==, KEY_RIGHTCTRL);
	g_assert_cmpuint(codes[1], ==, KEY_F12);
	g_assert_cmpint(input_hotkey_parse("ctrl+bogus", codes, &error), ==, -1);
	g_assert_cmpstr(error->message, ==,
	                "unknown key \"bogus\" in hot-key \"ctrl+bogus\" (names like leftctrl, "
	                "leftalt, g, f12, or key codes, joined with +)");
	g_clear_error(&error);
	g_assert_cmpint(input_hotkey_parse("a+b+c+d+e", codes, &error), ==, -1);
	g_assert_cmpstr(error->message, ==, "hot-key \"a+b+c+d+e\" has more than 4 keys");
}

int
main(int argc, char **argv)
{
	static const char *const files[] = { "seat-mouse.libinput", "seat-tablet.libinput",
		                             "seat-touch.libinput", "seat-keyboard.libinput" };

	g_test_init(&argc, &argv, NULL);
	for (unsigned int i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *name = g_strdup_printf("/input/libinput/%s", files[i]);

		g_test_add_data_func(name, files[i], run_file);
	}
	g_test_add_func("/input/libinput/hotkey", test_hotkey);
	return g_test_run();
}
