/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GET_CAPSET_INFO / GET_CAPSET. The lessons of CVE-2016-10028 (a capset of
 * size 0 made QEMU allocate 0 bytes and the renderer write past them),
 * CVE-2021-3545 (uninitialised capset info sent to the guest) and
 * CVE-2021-3546 (the guest's version trusted for the copy size): only capsets
 * the renderer reported with a non-zero size that fits the response are
 * offered, sizes come from the renderer and never from the guest, and every
 * response is zeroed before it is filled.
 */
#define G_LOG_DOMAIN "vd-virgl"

#include <string.h>
#include <virglrenderer.h>

#include "virgl/virgl-private.h"

/*
 * Where virgl_caps_v2 (virglrenderer's src/virgl_hw.h) keeps the host's
 * renderer string, char renderer[64]: after virgl_caps_v1 (332 bytes) and the
 * v2 limits; fields are only ever appended to that struct, so the offset holds
 * for every version that has the field (checked: printable and NUL-terminated).
 */
#define VD_VIRGL_CAPS_V2_RENDERER_OFFSET 696u
#define VD_VIRGL_CAPS_V2_RENDERER_SIZE 64u

static const uint32_t vd_virgl_capset_ids[] = {
	VIRTIO_GPU_CAPSET_VIRGL,
	VIRTIO_GPU_CAPSET_VIRGL2,
};

void
vd_virgl_capsets_init(VdVirgl *virgl)
{
	virgl->num_capsets = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(vd_virgl_capset_ids); i++) {
		uint32_t max_version = 0, max_size = 0;

		virgl_renderer_get_cap_set(vd_virgl_capset_ids[i], &max_version, &max_size);
		if (max_size == 0 || max_size > VD_GPU_MAX_CAPSET_SIZE) {
			g_message("capset %u not offered (size %u)", vd_virgl_capset_ids[i],
			          max_size);
			continue;
		}
		virgl->capsets[virgl->num_capsets++] = (VdVirglCapset){
			.id = vd_virgl_capset_ids[i],
			.max_version = max_version,
			.max_size = max_size,
		};
	}
}

uint32_t
vd_virgl_num_capsets(VdVirgl *virgl)
{
	return virgl->num_capsets;
}

static const VdVirglCapset *
capset_lookup(VdVirgl *virgl, uint32_t id)
{
	for (uint32_t i = 0; i < virgl->num_capsets; i++) {
		if (virgl->capsets[i].id == id)
			return &virgl->capsets[i];
	}
	return NULL;
}

char *
vd_virgl_capset_renderer(VdVirgl *virgl)
{
	const VdVirglCapset *cs = capset_lookup(virgl, VIRTIO_GPU_CAPSET_VIRGL2);
	g_autofree uint8_t *caps = NULL;
	const char *name;
	size_t len;

	if (!cs || cs->max_size < VD_VIRGL_CAPS_V2_RENDERER_OFFSET + VD_VIRGL_CAPS_V2_RENDERER_SIZE)
		return NULL;
	caps = g_malloc0(cs->max_size);
	virgl_renderer_fill_caps(cs->id, cs->max_version, caps);
	name = (const char *)caps + VD_VIRGL_CAPS_V2_RENDERER_OFFSET;
	len = strnlen(name, VD_VIRGL_CAPS_V2_RENDERER_SIZE);
	if (len == 0 || len == VD_VIRGL_CAPS_V2_RENDERER_SIZE)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (!g_ascii_isprint(name[i]))
			return NULL;
	}
	return g_strndup(name, len);
}

void
vd_virgl_cmd_get_capset_info(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_get_capset_info req;
	struct virtio_gpu_resp_capset_info *resp = (void *)cmd->resp;
	const VdVirglCapset *cs;

	memcpy(&req, cmd->req, sizeof(req));
	if (req.capset_index >= virgl->num_capsets) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "capset index out of range");
		return;
	}
	cs = &virgl->capsets[req.capset_index];
	vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_CAPSET_INFO, sizeof(*resp));
	resp->capset_id = cs->id;
	resp->capset_max_version = cs->max_version;
	resp->capset_max_size = cs->max_size;
	resp->padding = 0;
}

void
vd_virgl_cmd_get_capset(VdVirgl *virgl, VdGpuCmd *cmd)
{
	struct virtio_gpu_get_capset req;
	struct virtio_gpu_resp_capset *resp = (void *)cmd->resp;
	const VdVirglCapset *cs;

	memcpy(&req, cmd->req, sizeof(req));
	cs = capset_lookup(virgl, req.capset_id);
	if (!cs) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "unknown capset id");
		return;
	}
	if (req.capset_version > cs->max_version) {
		vd_gpu_cmd_fail(cmd, &virgl->faults, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		                "capset version above the maximum offered");
		return;
	}
	/* max_size <= VD_GPU_MAX_CAPSET_SIZE was checked when it was offered. */
	vd_gpu_cmd_respond(cmd, VIRTIO_GPU_RESP_OK_CAPSET, sizeof(*resp) + cs->max_size);
	virgl_renderer_fill_caps(cs->id, req.capset_version, resp->capset_data);
}
