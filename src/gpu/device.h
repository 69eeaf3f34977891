/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-gpu device on the vhost-user back-end library. */
#pragma once

#include "gpu/gpu.h"
#include "vhost/vhost.h"

typedef struct VdGpuDevice VdGpuDevice;

/* Does not take gpu; the VhostDev is created here. */
VdGpuDevice *vd_gpu_device_new(VdGpu *gpu);
void vd_gpu_device_free(VdGpuDevice *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VdGpuDevice, vd_gpu_device_free)
VhostDev *vd_gpu_device_get_vhost(VdGpuDevice *d);
