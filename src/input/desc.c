/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/desc.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

static const char *const input_type_names[EV_CNT] = {
	[EV_SYN] = "syn", [EV_KEY] = "key", [EV_REL] = "rel", [EV_ABS] = "abs",
	[EV_MSC] = "msc", [EV_SW] = "sw",   [EV_LED] = "led", [EV_SND] = "snd",
	[EV_REP] = "rep", [EV_FF] = "ff",   [EV_PWR] = "pwr", [EV_FF_STATUS] = "ff_status",
};

static const char *const input_type_upper[EV_CNT] = {
	[EV_SYN] = "EV_SYN", [EV_KEY] = "EV_KEY", [EV_REL] = "EV_REL",
	[EV_ABS] = "EV_ABS", [EV_MSC] = "EV_MSC", [EV_SW] = "EV_SW",
	[EV_LED] = "EV_LED", [EV_SND] = "EV_SND", [EV_REP] = "EV_REP",
	[EV_FF] = "EV_FF",   [EV_PWR] = "EV_PWR", [EV_FF_STATUS] = "EV_FF_STATUS",
};

static const char *const input_abs_names[ABS_CNT] = {
	[ABS_X] = "ABS_X",
	[ABS_Y] = "ABS_Y",
	[ABS_Z] = "ABS_Z",
	[ABS_RX] = "ABS_RX",
	[ABS_RY] = "ABS_RY",
	[ABS_RZ] = "ABS_RZ",
	[ABS_THROTTLE] = "ABS_THROTTLE",
	[ABS_WHEEL] = "ABS_WHEEL",
	[ABS_PRESSURE] = "ABS_PRESSURE",
	[ABS_DISTANCE] = "ABS_DISTANCE",
	[ABS_TILT_X] = "ABS_TILT_X",
	[ABS_TILT_Y] = "ABS_TILT_Y",
	[ABS_MT_SLOT] = "ABS_MT_SLOT",
	[ABS_MT_TOUCH_MAJOR] = "ABS_MT_TOUCH_MAJOR",
	[ABS_MT_TOUCH_MINOR] = "ABS_MT_TOUCH_MINOR",
	[ABS_MT_ORIENTATION] = "ABS_MT_ORIENTATION",
	[ABS_MT_POSITION_X] = "ABS_MT_POSITION_X",
	[ABS_MT_POSITION_Y] = "ABS_MT_POSITION_Y",
	[ABS_MT_TOOL_TYPE] = "ABS_MT_TOOL_TYPE",
	[ABS_MT_TRACKING_ID] = "ABS_MT_TRACKING_ID",
	[ABS_MT_PRESSURE] = "ABS_MT_PRESSURE",
	[ABS_MT_DISTANCE] = "ABS_MT_DISTANCE",
};

const char *
input_abs_name(unsigned int axis)
{
	return axis < ABS_CNT ? input_abs_names[axis] : NULL;
}

InputDesc *
input_desc_new(void)
{
	return g_new0(InputDesc, 1);
}

void
input_desc_free(InputDesc *desc)
{
	if (!desc)
		return;
	g_free(desc->name);
	g_free(desc->serial);
	g_free(desc);
}

InputDesc *
input_desc_copy(const InputDesc *desc)
{
	InputDesc *copy = g_memdup2(desc, sizeof(*desc));

	copy->name = g_strdup(desc->name);
	copy->serial = g_strdup(desc->serial);
	return copy;
}

void
input_desc_set_name(InputDesc *desc, const char *name)
{
	g_free(desc->name);
	desc->name = g_strdup(name);
}

void
input_desc_set_serial(InputDesc *desc, const char *serial)
{
	g_free(desc->serial);
	desc->serial = serial && *serial ? g_strdup(serial) : NULL;
}

void
input_desc_set_type(InputDesc *desc, unsigned int type)
{
	/* EV_SYN is implied, every device has it; keeping it out makes copies compare equal. */
	if (type > EV_SYN && type < EV_CNT)
		desc->types |= 1u << type;
}

bool
input_desc_has_type(const InputDesc *desc, unsigned int type)
{
	return type < EV_CNT && (desc->types & (1u << type));
}

bool
input_desc_set_bit(InputDesc *desc, unsigned int type, unsigned int code)
{
	if (type >= EV_CNT || code >= INPUT_MAX_CODE)
		return false;
	input_desc_set_type(desc, type);
	desc->bits[type][code / 8] |= 1u << (code % 8);
	return true;
}

bool
input_desc_has_bit(const InputDesc *desc, unsigned int type, unsigned int code)
{
	if (type >= EV_CNT || code >= INPUT_MAX_CODE)
		return false;
	return desc->bits[type][code / 8] & (1u << (code % 8));
}

void
input_desc_set_prop(InputDesc *desc, unsigned int prop)
{
	if (prop < INPUT_MAX_CODE)
		desc->props[prop / 8] |= 1u << (prop % 8);
}

bool
input_desc_has_prop(const InputDesc *desc, unsigned int prop)
{
	return prop < INPUT_MAX_CODE && (desc->props[prop / 8] & (1u << (prop % 8)));
}

void
input_desc_set_abs(InputDesc *desc, unsigned int axis, int32_t min, int32_t max, int32_t fuzz,
                   int32_t flat, int32_t res)
{
	if (axis >= ABS_CNT)
		return;
	input_desc_set_bit(desc, EV_ABS, axis);
	desc->abs[axis] = (InputAbsInfo){ min, max, fuzz, flat, res };
}

unsigned int
input_bitmap_used_bytes(const uint8_t *bitmap)
{
	unsigned int n = INPUT_BITMAP_BYTES;

	while (n > 0 && bitmap[n - 1] == 0)
		n--;
	return n;
}

bool
input_desc_accepts(const InputDesc *desc, uint16_t type, uint16_t code)
{
	if (type == EV_SYN)
		return code == SYN_REPORT || code == SYN_DROPPED || code == SYN_MT_REPORT;
	return input_desc_has_bit(desc, type, code);
}

const char *
input_type_name(unsigned int type)
{
	return type < EV_CNT ? input_type_upper[type] : NULL;
}

int
input_type_from_name(const char *name)
{
	const char *s = name;
	char *end;
	gint64 v;

	if (g_ascii_strncasecmp(s, "EV_", 3) == 0)
		s += 3;
	for (unsigned int i = 0; i < EV_CNT; i++) {
		if (input_type_names[i] && g_ascii_strcasecmp(s, input_type_names[i]) == 0)
			return (int)i;
	}
	errno = 0;
	v = g_ascii_strtoll(name, &end, 0);
	if (errno || end == name || *end || v < 0 || v >= EV_CNT)
		return -1;
	return (int)v;
}

/* Description files */

static gboolean
input_parse_long(const char *tok, gint64 min, gint64 max, gint64 *out)
{
	char *end;

	errno = 0;
	*out = g_ascii_strtoll(tok, &end, 0);
	return !errno && end != tok && *end == '\0' && *out >= min && *out <= max;
}

/* "1 2 0x10 30-40": codes and inclusive ranges. */
static gboolean
input_parse_codes(const char *value, unsigned int limit,
                  void (*set)(InputDesc *, unsigned int, unsigned int), InputDesc *desc,
                  unsigned int type, GError **error)
{
	g_auto(GStrv) toks = g_strsplit_set(value, " \t,", -1);

	for (char **t = toks; *t; t++) {
		gint64 lo, hi;
		char *dash;

		if (!**t)
			continue;
		dash = strchr(*t + 1, '-');
		if (dash) {
			*dash = '\0';
			if (!input_parse_long(*t, 0, limit - 1, &lo) ||
			    !input_parse_long(dash + 1, 0, limit - 1, &hi) || hi < lo)
				goto bad;
		} else {
			if (!input_parse_long(*t, 0, limit - 1, &lo))
				goto bad;
			hi = lo;
		}
		for (gint64 c = lo; c <= hi; c++)
			set(desc, type, (unsigned int)c);
		continue;
bad:
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
		            _("bad code \"%s\" (numbers below %u or ranges a-b)"), *t, limit);
		return FALSE;
	}
	return TRUE;
}

static void
input_set_bit_cb(InputDesc *desc, unsigned int type, unsigned int code)
{
	input_desc_set_bit(desc, type, code);
}

static void
input_set_prop_cb(InputDesc *desc, unsigned int type, unsigned int code)
{
	input_desc_set_prop(desc, code);
}

static void
input_set_type_cb(InputDesc *desc, unsigned int type, unsigned int code)
{
	input_desc_set_type(desc, code);
}

static gboolean
input_desc_parse_line(InputDesc *desc, const char *key, const char *value, GError **error)
{
	int type;

	if (strcmp(key, "name") == 0) {
		if (strlen(value) > INPUT_NAME_MAX) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			            _("name longer than %u bytes"), INPUT_NAME_MAX);
			return FALSE;
		}
		input_desc_set_name(desc, value);
		return TRUE;
	}
	if (strcmp(key, "serial") == 0) {
		if (strlen(value) > INPUT_NAME_MAX) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			            _("serial longer than %u bytes"), INPUT_NAME_MAX);
			return FALSE;
		}
		input_desc_set_serial(desc, value);
		return TRUE;
	}
	if (strcmp(key, "id") == 0) {
		g_auto(GStrv) toks = g_strsplit_set(value, " \t", -1);
		gint64 v[4];
		unsigned int n = 0;

		for (char **t = toks; *t; t++) {
			if (!**t)
				continue;
			if (n == 4 || !input_parse_long(*t, 0, 0xffff, &v[n])) {
				n = 5;
				break;
			}
			n++;
		}
		if (n != 4) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			            _("id wants four numbers: bustype vendor product version"));
			return FALSE;
		}
		desc->bustype = (uint16_t)v[0];
		desc->vendor = (uint16_t)v[1];
		desc->product = (uint16_t)v[2];
		desc->version = (uint16_t)v[3];
		return TRUE;
	}
	if (strcmp(key, "props") == 0)
		return input_parse_codes(value, INPUT_MAX_CODE, input_set_prop_cb, desc, 0, error);
	if (strcmp(key, "ev") == 0) {
		g_auto(GStrv) toks = g_strsplit_set(value, " \t,", -1);

		for (char **t = toks; *t; t++) {
			if (!**t)
				continue;
			type = input_type_from_name(*t);
			if (type < 0) {
				g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
				            _("unknown event type \"%s\""), *t);
				return FALSE;
			}
			input_set_type_cb(desc, 0, (unsigned int)type);
		}
		return TRUE;
	}
	if (g_str_has_prefix(key, "absinfo.")) {
		gint64 axis, v[5] = { 0 };
		g_auto(GStrv) toks = g_strsplit_set(value, " \t", -1);
		unsigned int n = 0;

		if (!input_parse_long(key + 8, 0, ABS_CNT - 1, &axis)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			            _("bad axis in \"%s\" (0..%u)"), key, ABS_CNT - 1);
			return FALSE;
		}
		for (char **t = toks; *t; t++) {
			if (!**t)
				continue;
			if (n == 5 || !input_parse_long(*t, G_MININT32, G_MAXINT32, &v[n])) {
				n = 0;
				break;
			}
			n++;
		}
		if (n < 2) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			            _("%s wants min max [fuzz flat resolution]"), key);
			return FALSE;
		}
		input_desc_set_abs(desc, (unsigned int)axis, (int32_t)v[0], (int32_t)v[1],
		                   (int32_t)v[2], (int32_t)v[3], (int32_t)v[4]);
		return TRUE;
	}
	type = input_type_from_name(key);
	if (type > EV_SYN) {
		input_desc_set_type(desc, (unsigned int)type);
		return input_parse_codes(value, INPUT_MAX_CODE, input_set_bit_cb, desc,
		                         (unsigned int)type, error);
	}
	g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("unknown key \"%s\""), key);
	return FALSE;
}

InputDesc *
input_desc_parse(const char *text, GError **error)
{
	g_autoptr(InputDesc) desc = input_desc_new();
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	unsigned int lineno = 0;

	for (char **l = lines; *l; l++) {
		g_autoptr(GError) local = NULL;
		char *line = g_strstrip(*l);
		char *eq;

		lineno++;
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			            _("line %u: expected key=value"), lineno);
			return NULL;
		}
		*eq = '\0';
		if (!input_desc_parse_line(desc, g_strstrip(line), g_strstrip(eq + 1), &local)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %u: %s"),
			            lineno, local->message);
			return NULL;
		}
	}
	if (!desc->name) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
		            _("description has no name= line"));
		return NULL;
	}
	/* An axis listed without absinfo keeps 0..0, as a device reporting that would. */
	return g_steal_pointer(&desc);
}

InputDesc *
input_desc_load(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) local = NULL;
	InputDesc *desc;

	if (!g_file_get_contents(path, &text, NULL, error))
		return NULL;
	desc = input_desc_parse(text, &local);
	if (!desc)
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path,
		            local->message);
	return desc;
}

static void
input_append_codes(GString *s, const char *key, const uint8_t *bitmap)
{
	bool any = false;

	for (unsigned int c = 0; c < INPUT_MAX_CODE; c++) {
		if (!(bitmap[c / 8] & (1u << (c % 8))))
			continue;
		g_string_append_printf(s, "%s%u", any ? " " : "", c);
		any = true;
	}
	if (any || !key)
		g_string_append_c(s, '\n');
}

char *
input_desc_to_string(const InputDesc *desc)
{
	GString *s = g_string_new(NULL);
	bool first = true;

	g_string_append_printf(s, "name=%s\n", desc->name ? desc->name : "");
	if (desc->serial)
		g_string_append_printf(s, "serial=%s\n", desc->serial);
	g_string_append_printf(s, "id=0x%04x 0x%04x 0x%04x 0x%04x\n", desc->bustype, desc->vendor,
	                       desc->product, desc->version);
	g_string_append(s, "ev=");
	for (unsigned int t = 1; t < EV_CNT; t++) {
		if (input_desc_has_type(desc, t) && input_type_upper[t]) {
			g_string_append_printf(s, "%s%s", first ? "" : " ", input_type_upper[t]);
			first = false;
		}
	}
	g_string_append_c(s, '\n');
	if (input_bitmap_used_bytes(desc->props)) {
		g_string_append(s, "props=");
		input_append_codes(s, NULL, desc->props);
	}
	for (unsigned int t = 1; t < EV_CNT; t++) {
		if (!input_type_names[t] || !input_bitmap_used_bytes(desc->bits[t]))
			continue;
		g_string_append_printf(s, "%s=", input_type_names[t]);
		input_append_codes(s, NULL, desc->bits[t]);
	}
	for (unsigned int a = 0; a < ABS_CNT; a++) {
		const InputAbsInfo *ai = &desc->abs[a];

		if (!input_desc_has_bit(desc, EV_ABS, a))
			continue;
		g_string_append_printf(s, "absinfo.%u=%d %d %d %d %d\n", a, ai->min, ai->max,
		                       ai->fuzz, ai->flat, ai->res);
	}
	return g_string_free(s, FALSE);
}
