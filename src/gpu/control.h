/* SPDX-License-Identifier: GPL-2.0-or-later */
/* D-Bus control of the GPU daemon (org.vhostdesktop.Gpu1), peer to peer. */
#pragma once

#include <gio/gio.h>

#include "gpu/gpu.h"
#include "vhost/vhost.h"

#define VD_GPU_DBUS_PATH "/org/vhostdesktop/Gpu1"
#define VD_GPU_DBUS_INTERFACE "org.vhostdesktop.Gpu1"

typedef struct VdGpuControl VdGpuControl;

/*
 * Listens on unix:path=path (an existing socket file is replaced). gpu and
 * vhost (the device's connection, for its properties) must outlive the result.
 */
VdGpuControl *vd_gpu_control_new(VdGpu *gpu, VhostDev *vhost, const char *path, GError **error);
void vd_gpu_control_free(VdGpuControl *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdGpuControl, vd_gpu_control_free)
/* The interface description (data/org.vhostdesktop.Gpu1.xml). */
const char *vd_gpu_control_xml(void);
