/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the daemons' peer-to-peer D-Bus control sockets share. */
#pragma once

#include <gio/gio.h>

#include "vhost/vhost.h"

/*
 * `gdbus call --address` and other message-bus clients greet their peer with
 * org.freedesktop.DBus.Hello (and AddMatch for signals). Answers them as a
 * bus would, on /org/freedesktop/DBus of a peer-to-peer connection, so those
 * clients work on a --control socket. Returns the registration id, or 0.
 */
guint daemon_dbus_peer_export_bus(GDBusConnection *conn);

/*
 * A peer-to-peer D-Bus server for --control=PATH, not yet started: same-user
 * authentication, the path checked and a stale socket replaced first
 * (daemon_socket_path_prepare). NULL with an error naming --control and PATH.
 */
GDBusServer *daemon_dbus_server_new(const char *path, GError **error);

/*
 * The properties both interfaces take from the daemon's VhostDev:
 * HostNotifiers (b, --host-notifiers) and NotifyStats (a{st}, the counters of
 * vhost_dev_get_notify_stats). For any other property: NULL and a D-Bus
 * UnknownProperty error, so that a get_property handler can end with it.
 */
GVariant *daemon_dbus_vhost_property(VhostDev *dev, const char *prop, GError **error);
