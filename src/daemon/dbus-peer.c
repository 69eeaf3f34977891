/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "daemon"

#include <glib/gi18n.h>

#include "daemon/dbus-peer.h"
#include "daemon/listen.h"

static const char bus_xml[] = "<node><interface name='org.freedesktop.DBus'>"
                              "<method name='Hello'><arg type='s' direction='out'/></method>"
                              "<method name='AddMatch'><arg type='s' direction='in'/></method>"
                              "<method name='RemoveMatch'><arg type='s' direction='in'/></method>"
                              "</interface></node>";

static void
bus_method(GDBusConnection *conn, const char *sender, const char *path, const char *iface,
           const char *method, GVariant *params, GDBusMethodInvocation *inv, gpointer user_data)
{
	static unsigned int serial;

	if (g_str_equal(method, "Hello")) {
		g_autofree char *name = g_strdup_printf(":1.%u", ++serial);

		g_dbus_method_invocation_return_value(inv, g_variant_new("(s)", name));
		return;
	}
	/* AddMatch/RemoveMatch: every signal reaches every peer anyway. */
	g_dbus_method_invocation_return_value(inv, NULL);
}

static const GDBusInterfaceVTable bus_vtable = {
	.method_call = bus_method,
};

guint
daemon_dbus_peer_export_bus(GDBusConnection *conn)
{
	static GDBusNodeInfo *node;
	g_autoptr(GError) error = NULL;
	guint id;

	if (g_once_init_enter(&node))
		g_once_init_leave(&node, g_dbus_node_info_new_for_xml(bus_xml, NULL));
	id = g_dbus_connection_register_object(conn, "/org/freedesktop/DBus", node->interfaces[0],
	                                       &bus_vtable, NULL, NULL, &error);
	if (!id)
		g_debug("cannot answer bus greetings: %s", error->message);
	return id;
}

GDBusServer *
daemon_dbus_server_new(const char *path, GError **error)
{
	g_autofree char *guid = g_dbus_generate_guid();
	g_autofree char *escaped = g_dbus_address_escape_value(path);
	g_autofree char *address = g_strdup_printf("unix:path=%s", escaped);
	GDBusServer *server;

	/* Never removes what is not a stale socket: a mistyped path must not cost a file. */
	if (!daemon_socket_path_prepare("--control", path, error))
		return NULL;
	server = g_dbus_server_new_sync(address,
	                                G_DBUS_SERVER_FLAGS_AUTHENTICATION_REQUIRE_SAME_USER, guid,
	                                NULL, NULL, error);
	if (!server)
		g_prefix_error(error, "--control=%s: ", path);
	return server;
}

GVariant *
daemon_dbus_vhost_property(VhostDev *dev, const char *prop, GError **error)
{
	VhostNotifyStats st;
	GVariantBuilder b;

	if (g_str_equal(prop, "HostNotifiers"))
		return g_variant_new_boolean(vhost_dev_host_notifiers_enabled(dev));
	if (!g_str_equal(prop, "NotifyStats")) {
		g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, _("no property %s"),
		            prop);
		return NULL;
	}
	vhost_dev_get_notify_stats(dev, &st);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{st}"));
	g_variant_builder_add(&b, "{st}", "eventfd-kicks", (guint64)st.eventfd_kicks);
	g_variant_builder_add(&b, "{st}", "doorbell-writes", (guint64)st.doorbell_writes);
	g_variant_builder_add(&b, "{st}", "polled-requests", (guint64)st.polled_requests);
	g_variant_builder_add(&b, "{st}", "notifier-installs", (guint64)st.notifier_installs);
	g_variant_builder_add(&b, "{st}", "notifier-refusals", (guint64)st.notifier_refusals);
	return g_variant_builder_end(&b);
}
