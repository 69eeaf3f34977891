/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "daemon"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdbool.h>

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

/* The org.freedesktop.DBus answers on a peer connection; the registration id, or 0. */
static guint
export_bus(GDBusConnection *conn)
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

static GDBusServer *
server_new(const char *path, GError **error)
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

struct DaemonDbusObject {
	char *path;
	GDBusNodeInfo *node;
	const GDBusInterfaceVTable *vtable;
	gpointer user_data;
	GDBusServer *server;
	char *socket_path;
	guint owner_id;
	GPtrArray *served; /* Served* */
};

/* One connection the object is on. */
typedef struct Served {
	GDBusConnection *conn;
	guint object_id;
	guint bus_id;     /* the greeting answers of a peer connection, or 0 */
	bool message_bus; /* the session bus: not ours to close */
} Served;

DaemonDbusObject *
daemon_dbus_object_new(const char *path, const char *xml, const GDBusInterfaceVTable *vtable,
                       gpointer user_data)
{
	DaemonDbusObject *obj = g_new0(DaemonDbusObject, 1);
	g_autoptr(GError) error = NULL;

	obj->path = g_strdup(path);
	obj->node = g_dbus_node_info_new_for_xml(xml, &error);
	g_assert_no_error(error);
	obj->vtable = vtable;
	obj->user_data = user_data;
	obj->served = g_ptr_array_new();
	return obj;
}

static void
unserve(DaemonDbusObject *obj, guint i)
{
	Served *s = g_ptr_array_steal_index(obj->served, i);

	g_signal_handlers_disconnect_by_data(s->conn, obj);
	g_dbus_connection_unregister_object(s->conn, s->object_id);
	if (s->bus_id)
		g_dbus_connection_unregister_object(s->conn, s->bus_id);
	g_object_unref(s->conn);
	g_free(s);
}

static void
connection_closed(GDBusConnection *conn, gboolean remote_peer_vanished, GError *error,
                  gpointer user_data)
{
	DaemonDbusObject *obj = user_data;

	for (guint i = 0; i < obj->served->len; i++) {
		if (((Served *)g_ptr_array_index(obj->served, i))->conn == conn) {
			unserve(obj, i);
			return;
		}
	}
}

static gboolean
serve(DaemonDbusObject *obj, GDBusConnection *conn, bool message_bus)
{
	g_autoptr(GError) error = NULL;
	Served *s;
	guint id;

	id = g_dbus_connection_register_object(conn, obj->path, obj->node->interfaces[0],
	                                       obj->vtable, obj->user_data, NULL, &error);
	if (!id) {
		g_warning("D-Bus: cannot export %s: %s", obj->path, error->message);
		return FALSE;
	}
	s = g_new0(Served, 1);
	s->conn = g_object_ref(conn);
	s->object_id = id;
	s->message_bus = message_bus;
	if (!message_bus)
		s->bus_id = export_bus(conn);
	g_ptr_array_add(obj->served, s);
	g_signal_connect(conn, "closed", G_CALLBACK(connection_closed), obj);
	return TRUE;
}

static gboolean
new_connection(GDBusServer *server, GDBusConnection *conn, gpointer user_data)
{
	g_debug("control connection");
	return serve(user_data, conn, false);
}

gboolean
daemon_dbus_object_listen(DaemonDbusObject *obj, const char *socket_path, GError **error)
{
	obj->server = server_new(socket_path, error);
	if (!obj->server)
		return FALSE;
	obj->socket_path = g_strdup(socket_path);
	g_signal_connect(obj->server, "new-connection", G_CALLBACK(new_connection), obj);
	g_dbus_server_start(obj->server);
	g_debug("control socket %s", socket_path);
	return TRUE;
}

static void
bus_acquired(GDBusConnection *conn, const char *name, gpointer user_data)
{
	serve(user_data, conn, true);
}

static void
name_lost(GDBusConnection *conn, const char *name, gpointer user_data)
{
	if (conn)
		g_warning(_("cannot own %s on the session bus (taken by another process?)"), name);
	else
		g_warning(_("no session bus for %s"), name);
}

void
daemon_dbus_object_own_name(DaemonDbusObject *obj, const char *name)
{
	obj->owner_id = g_bus_own_name(G_BUS_TYPE_SESSION, name, G_BUS_NAME_OWNER_FLAGS_NONE,
	                               bus_acquired, NULL, name_lost, obj, NULL);
}

void
daemon_dbus_object_emit(DaemonDbusObject *obj, const char *signal, GVariant *params)
{
	g_variant_ref_sink(params);
	for (guint i = 0; i < obj->served->len; i++) {
		Served *s = g_ptr_array_index(obj->served, i);

		g_dbus_connection_emit_signal(s->conn, NULL, obj->path,
		                              obj->node->interfaces[0]->name, signal, params, NULL);
	}
	g_variant_unref(params);
}

void
daemon_dbus_object_free(DaemonDbusObject *obj)
{
	if (!obj)
		return;
	if (obj->owner_id)
		g_bus_unown_name(obj->owner_id);
	while (obj->served->len) {
		Served *s = g_ptr_array_index(obj->served, obj->served->len - 1);

		if (!s->message_bus)
			g_dbus_connection_close_sync(s->conn, NULL, NULL);
		unserve(obj, obj->served->len - 1);
	}
	g_ptr_array_unref(obj->served);
	if (obj->server) {
		g_dbus_server_stop(obj->server);
		g_signal_handlers_disconnect_by_data(obj->server, obj);
		g_object_unref(obj->server);
		(void)g_unlink(obj->socket_path);
	}
	g_free(obj->socket_path);
	g_dbus_node_info_unref(obj->node);
	g_free(obj->path);
	g_free(obj);
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
