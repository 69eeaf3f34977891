/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/dbus.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "daemon/dbus-peer.h"
#include "daemon/error.h"
#include "input/control.h"
#include "input/dbus-xml.h"

struct InputDbus {
	InputDevice *dev;
	InputControl *ctl;
	DaemonDbusObject *object;
	uint32_t leds;             /* bit per LED code the guest has on */
	const InputSource *source; /* host devices, or NULL */
};

static void
input_dbus_status(uint16_t type, uint16_t code, int32_t value, void *user_data)
{
	InputDbus *dbus = user_data;

	if (type == EV_LED && code < 32)
		dbus->leds = value ? (dbus->leds | (1u << code)) : (dbus->leds & ~(1u << code));
	daemon_dbus_object_emit(dbus->object, "StatusEvent",
	                        g_variant_new("(qqi)", type, code, value));
}

/* A rebooted guest has no contacts down and no wheel remainder. */
static void
input_dbus_reset(void *user_data)
{
	InputDbus *dbus = user_data;

	input_control_reset(dbus->ctl);
}

void
input_dbus_set_source(InputDbus *dbus, const InputSource *source)
{
	dbus->source = source && source->ops ? source : NULL;
}

void
input_dbus_device_changed(InputDbus *dbus)
{
	input_control_reset(dbus->ctl);
}

/* Method calls */

static void
input_dbus_send(InputDbus *dbus, GArray *events)
{
	for (unsigned int i = 0; i < events->len; i++) {
		const InputEvent *ev = &g_array_index(events, InputEvent, i);

		input_device_emit(dbus->dev, ev->type, ev->code, ev->value);
	}
}

/* The events a call stands for, from the control state ctl (which it updates). */
static gboolean
input_dbus_build(InputDbus *dbus, InputControl *ctl, const char *method, GVariant *params,
                 GArray *out, GError **error)
{
	const InputDesc *desc = input_device_get_desc(dbus->dev);

	if (g_str_equal(method, "InjectEvents")) {
		g_autoptr(GVariant) arr = g_variant_get_child_value(params, 0);
		gsize n = g_variant_n_children(arr);
		g_autoptr(GArray) evs = NULL;
		GVariantIter iter;
		guint16 type, code;
		gint32 value;

		if (n > INPUT_CONTROL_MAX_EVENTS) {
			g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
			            _("too many events in one call (%zu, at most %u)"), n,
			            INPUT_CONTROL_MAX_EVENTS);
			return FALSE;
		}
		evs = g_array_sized_new(FALSE, FALSE, sizeof(InputEvent), (guint)n);
		g_variant_iter_init(&iter, arr);
		while (g_variant_iter_next(&iter, "(qqi)", &type, &code, &value)) {
			InputEvent ev = { type, code, value };

			g_array_append_val(evs, ev);
		}
		return input_control_inject(ctl, desc, (InputEvent *)(void *)evs->data, evs->len,
		                            out, error);
	}
	if (g_str_equal(method, "PressKey") || g_str_equal(method, "ReleaseKey")) {
		guint16 code;

		g_variant_get(params, "(q)", &code);
		return input_control_key(ctl, desc, code, g_str_equal(method, "PressKey"), out,
		                         error);
	}
	if (g_str_equal(method, "Button")) {
		guint16 code;
		gboolean pressed;

		g_variant_get(params, "(qb)", &code, &pressed);
		return input_control_button(ctl, desc, code, pressed, out, error);
	}
	if (g_str_equal(method, "MoveRelative") || g_str_equal(method, "MoveAbsolute") ||
	    g_str_equal(method, "Scroll")) {
		gint32 a, b;

		g_variant_get(params, "(ii)", &a, &b);
		if (g_str_equal(method, "MoveRelative"))
			return input_control_move_rel(ctl, desc, a, b, out, error);
		if (g_str_equal(method, "MoveAbsolute"))
			return input_control_move_abs(ctl, desc, a, b, out, error);
		return input_control_scroll(ctl, desc, a, b, out, error);
	}
	if (g_str_equal(method, "Touch")) {
		guint32 slot;
		const char *action;
		gint32 x, y;
		int a;

		g_variant_get(params, "(u&sii)", &slot, &action, &x, &y);
		a = input_touch_action_from_string(action);
		if (a < 0) {
			g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
			            _("unknown touch action \"%s\" (down, motion or up)"), action);
			return FALSE;
		}
		return input_control_touch(ctl, desc, slot, (InputTouchAction)a, x, y, out, error);
	}
	g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD, _("no method %s"), method);
	return FALSE;
}

static void
input_dbus_method(GDBusConnection *conn, const char *sender, const char *path, const char *iface,
                  const char *method, GVariant *params, GDBusMethodInvocation *inv,
                  gpointer user_data)
{
	InputDbus *dbus = user_data;
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(InputEvent));
	g_autoptr(InputControl) trial = NULL;
	GError *error = NULL;

	if (g_str_equal(method, "SetGrab")) {
		gboolean grab;

		g_variant_get(params, "(b)", &grab);
		if (!dbus->source) {
			g_dbus_method_invocation_return_error(
			        inv, DAEMON_ERROR, DAEMON_ERROR_NOT_SUPPORTED,
			        _("this device has no host devices to grab (only --evdev and "
			          "--seat do)"));
			return;
		}
		if (!dbus->source->ops->set_grab(dbus->source->impl, grab, &error)) {
			daemon_dbus_return_error(inv, error);
			return;
		}
		g_dbus_method_invocation_return_value(inv, NULL);
		return;
	}
	/*
	 * The call is tried on a copy of the control state: a refused call changes
	 * no state (touch contacts, wheel rests). Invalid arguments are reported
	 * first, whether or not the guest runs; then a call that is valid but has
	 * no guest to go to says so rather than dropping the events: the caller can
	 * retry.
	 */
	trial = input_control_copy(dbus->ctl);
	if (!input_dbus_build(dbus, trial, method, params, out, &error)) {
		daemon_dbus_return_error(inv, error);
		return;
	}
	if (!input_device_is_running(dbus->dev)) {
		g_dbus_method_invocation_return_error(
		        inv, DAEMON_ERROR, DAEMON_ERROR_NOT_RUNNING,
		        _("the guest driver does not run the event queue (yet): events not sent"));
		return;
	}
	input_control_free(dbus->ctl);
	dbus->ctl = g_steal_pointer(&trial);
	input_dbus_send(dbus, out);
	g_dbus_method_invocation_return_value(inv, NULL);
}

static GVariant *
input_dbus_get_property(GDBusConnection *conn, const char *sender, const char *path,
                        const char *iface, const char *prop, GError **error, gpointer user_data)
{
	InputDbus *dbus = user_data;
	const InputDesc *desc = input_device_get_desc(dbus->dev);
	InputDeviceStats stats;

	input_device_get_stats(dbus->dev, &stats);
	if (g_str_equal(prop, "Name"))
		return g_variant_new_string(desc->name ? desc->name : "");
	if (g_str_equal(prop, "Serial"))
		return g_variant_new_string(desc->serial ? desc->serial : "");
	if (g_str_equal(prop, "Description"))
		return g_variant_new_take_string(input_desc_to_string(desc));
	if (g_str_equal(prop, "Grabbed"))
		return g_variant_new_boolean(dbus->source &&
		                             dbus->source->ops->is_grabbed(dbus->source->impl));
	if (g_str_equal(prop, "Leds"))
		return g_variant_new_uint32(dbus->leds);
	if (g_str_equal(prop, "Running"))
		return g_variant_new_boolean(input_device_is_running(dbus->dev));
	if (g_str_equal(prop, "DeliveredEvents"))
		return g_variant_new_uint64(stats.delivered);
	if (g_str_equal(prop, "DroppedFrames"))
		return g_variant_new_uint64(stats.dropped_frames);
	return daemon_dbus_vhost_property(input_device_get_vhost(dbus->dev), prop, error);
}

static const GDBusInterfaceVTable input_dbus_vtable = {
	.method_call = input_dbus_method,
	.get_property = input_dbus_get_property,
};

InputDbus *
input_dbus_new(InputDevice *dev)
{
	InputDbus *dbus = g_new0(InputDbus, 1);

	dbus->dev = dev;
	dbus->ctl = input_control_new();
	dbus->object =
	        daemon_dbus_object_new(INPUT_DBUS_PATH, input_dbus_xml, &input_dbus_vtable, dbus);
	input_device_add_status_handler(dev, input_dbus_status, dbus);
	input_device_set_reset_handler(dev, input_dbus_reset, dbus);
	return dbus;
}

void
input_dbus_free(InputDbus *dbus)
{
	if (!dbus)
		return;
	input_device_remove_status_handler(dbus->dev, input_dbus_status, dbus);
	input_device_set_reset_handler(dbus->dev, NULL, NULL);
	daemon_dbus_object_free(dbus->object);
	input_control_free(dbus->ctl);
	g_free(dbus);
}

gboolean
input_dbus_listen(InputDbus *dbus, const char *path, GError **error)
{
	return daemon_dbus_object_listen(dbus->object, path, error);
}

void
input_dbus_own_name(InputDbus *dbus, const char *name)
{
	daemon_dbus_object_own_name(dbus->object, name);
}
