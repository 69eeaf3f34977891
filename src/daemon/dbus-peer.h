/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the two daemons' D-Bus control shares: the object on every connection, and properties. */
#pragma once

#include <gio/gio.h>

#include "vhost/vhost.h"

/*
 * The one D-Bus object a daemon serves (org.vhostdesktop.Gpu1 or Input1), on
 * every connection it has: each peer of its --control socket and, if asked,
 * the session bus under a well-known name. It keeps the connections, registers
 * the object on each as it comes and forgets each as it closes, and answers a
 * peer's org.freedesktop.DBus greetings (Hello, AddMatch) as a bus would, so
 * that `gdbus call --address` and other message-bus clients work on the
 * socket. Signals go to every connection.
 */
typedef struct DaemonDbusObject DaemonDbusObject;

/*
 * The object at path with the first interface of xml (the daemon's own,
 * compiled in: a parse failure is a build bug), calls going to vtable with
 * user_data. It is on no connection until daemon_dbus_object_listen() or
 * daemon_dbus_object_own_name().
 */
DaemonDbusObject *daemon_dbus_object_new(const char *path, const char *xml,
                                         const GDBusInterfaceVTable *vtable, gpointer user_data);
/*
 * Serves the object on a peer-to-peer D-Bus server at socket_path (--control):
 * same-user authentication, the path checked and a stale socket replaced first
 * (daemon_socket_path_prepare). FALSE with an error naming --control and the
 * path. The socket is removed by daemon_dbus_object_free().
 */
gboolean daemon_dbus_object_listen(DaemonDbusObject *obj, const char *socket_path, GError **error);
/* Serves the object on the session bus as name, once the bus grants it (warns if not). */
void daemon_dbus_object_own_name(DaemonDbusObject *obj, const char *name);
/* Emits signal of the object's interface on every connection; params may be floating. */
void daemon_dbus_object_emit(DaemonDbusObject *obj, const char *signal, GVariant *params);
/* Closes the peer connections, leaves the bus name and removes the socket. */
void daemon_dbus_object_free(DaemonDbusObject *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DaemonDbusObject, daemon_dbus_object_free)

/*
 * The properties both interfaces take from the daemon's VhostDev:
 * HostNotifiers (b, --host-notifiers) and NotifyStats (a{st}, the counters of
 * vhost_dev_get_notify_stats). For any other property: NULL and a D-Bus
 * UnknownProperty error, so that a get_property handler can end with it.
 */
GVariant *daemon_dbus_vhost_property(VhostDev *dev, const char *prop, GError **error);
