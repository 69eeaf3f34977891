/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * org.vhostdesktop.Input1 (data/org.vhostdesktop.Input1.xml) at
 * /org/vhostdesktop/Input1: on a peer-to-peer socket (--control=PATH) and,
 * optionally, on the session bus as org.vhostdesktop.Input1 (docs/dbus.md).
 */
#pragma once

#include <gio/gio.h>

#include "input/device.h"
#include "input/source.h"

#define INPUT_DBUS_PATH "/org/vhostdesktop/Input1"
#define INPUT_DBUS_INTERFACE "org.vhostdesktop.Input1"
#define INPUT_DBUS_NAME "org.vhostdesktop.Input1"

typedef struct InputDbus InputDbus;

/* For sources that can take and release host devices. */

/* dev is not owned and must outlive the result. */
InputDbus *input_dbus_new(InputDevice *dev);
void input_dbus_free(InputDbus *dbus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InputDbus, input_dbus_free)

/* The host source behind SetGrab and Grabbed (not owned; NULL: none). */
void input_dbus_set_source(InputDbus *dbus, const InputSource *source);
/* Serve unix:path=PATH (a stale socket there is replaced); removed again by free. */
gboolean input_dbus_listen(InputDbus *dbus, const char *path, GError **error);
/* Own name on the session bus (asynchronous; failures are logged). */
void input_dbus_own_name(InputDbus *dbus, const char *name);
/* The description changed: forget touch contacts and wheel remainders. */
void input_dbus_device_changed(InputDbus *dbus);
