/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The org.vhostdesktop.Gpu1 D-Bus interface on a peer-to-peer GDBusServer:
 * list outputs, hotplug and resize them, take screenshots; the vhost-user
 * connection's notification figures as properties.
 */
#define G_LOG_DOMAIN "vd-gpu"

#include <errno.h>
#include <glib/gi18n.h>
#include <gio/gunixfdlist.h>
#include <unistd.h>

#include "daemon/dbus-peer.h"
#include "daemon/error.h"
#include "gpu/control.h"
#include "gpu/gpu-dbus-xml.h"

struct VdGpuControl {
	VdGpu *gpu;
	VhostDev *vhost;
	DaemonDbusObject *object;
};

const char *
vd_gpu_control_xml(void)
{
	return vd_gpu_dbus_xml;
}

static void
return_errno(GDBusMethodInvocation *inv, int err, unsigned int output, unsigned int num_outputs)
{
	switch (err) {
	case -ENOENT:
		g_dbus_method_invocation_return_error(
		        inv, DAEMON_ERROR, DAEMON_ERROR_NO_SUCH_OUTPUT,
		        _("No output %u: this device has outputs 0 to %u"), output,
		        num_outputs - 1);
		break;
	case -EINVAL:
		g_dbus_method_invocation_return_error(
		        inv, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT,
		        _("Size must be between %ux%u and %ux%u"), VD_GPU_MIN_SIZE, VD_GPU_MIN_SIZE,
		        VD_GPU_MAX_SIZE, VD_GPU_MAX_SIZE);
		break;
	case -ENOTSUP:
		g_dbus_method_invocation_return_error(
		        inv, DAEMON_ERROR, DAEMON_ERROR_NOT_SUPPORTED,
		        _("Displays follow the front-end's user interface (QEMU GPU socket)"));
		break;
	default:
		g_dbus_method_invocation_return_error(inv, DAEMON_ERROR, DAEMON_ERROR_IO, "%s",
		                                      g_strerror(-err));
	}
}

/* The fd a handle of the call names (a duplicate, the caller's to close); -1 with error. */
static int
message_fd(GDBusMethodInvocation *inv, gint32 handle, GError **error)
{
	GUnixFDList *fds =
	        g_dbus_message_get_unix_fd_list(g_dbus_method_invocation_get_message(inv));

	if (!fds || handle < 0 || handle >= g_unix_fd_list_get_length(fds)) {
		g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARGUMENT, "%s",
		            _("Screenshot needs a file descriptor to write to (the h argument)"));
		return -1;
	}
	return g_unix_fd_list_get(fds, handle, error);
}

static void
method_call(GDBusConnection *conn, const char *sender, const char *object_path,
            const char *interface_name, const char *method, GVariant *params,
            GDBusMethodInvocation *inv, gpointer user_data)
{
	VdGpuControl *c = user_data;
	VdGpu *gpu = c->gpu;
	guint32 output = 0, width = 0, height = 0;
	bool connected = false;
	int ret;

	if (g_str_equal(method, "ListOutputs")) {
		GVariantBuilder b;

		g_variant_builder_init(&b, G_VARIANT_TYPE("a(ubuu)"));
		for (unsigned int i = 0; i < vd_gpu_options(gpu)->num_outputs; i++) {
			vd_gpu_output_get(gpu, i, &connected, &width, &height);
			g_variant_builder_add(&b, "(ubuu)", i, connected, width, height);
		}
		g_dbus_method_invocation_return_value(inv, g_variant_new("(a(ubuu))", &b));
		return;
	}
	if (g_str_equal(method, "Screenshot")) {
		g_autoptr(GError) error = NULL;
		gint32 handle;
		int fd;

		g_variant_get(params, "(uh)", &output, &handle);
		fd = message_fd(inv, handle, &error);
		if (fd < 0 || vd_gpu_output_screenshot(gpu, output, fd, &error) < 0) {
			if (fd >= 0)
				close(fd);
			daemon_dbus_return_error(inv, g_steal_pointer(&error));
			return;
		}
		close(fd);
		g_dbus_method_invocation_return_value(inv, NULL);
		return;
	}
	if (g_str_equal(method, "Resize")) {
		g_variant_get(params, "(uuu)", &output, &width, &height);
	} else {
		g_variant_get(params, "(u)", &output);
	}
	if (output >= vd_gpu_options(gpu)->num_outputs) {
		return_errno(inv, -ENOENT, output, vd_gpu_options(gpu)->num_outputs);
		return;
	}
	if (g_str_equal(method, "Resize")) {
		uint32_t old_width, old_height;

		vd_gpu_output_get(gpu, output, &connected, &old_width, &old_height);
		ret = vd_gpu_output_set(gpu, output, connected, width, height);
	} else {
		vd_gpu_output_get(gpu, output, &connected, &width, &height);
		ret = vd_gpu_output_set(gpu, output, g_str_equal(method, "Connect"), width, height);
	}
	if (ret < 0) {
		return_errno(inv, ret, output, vd_gpu_options(gpu)->num_outputs);
		return;
	}
	g_dbus_method_invocation_return_value(inv, NULL);
}

static GVariant *
get_property(GDBusConnection *conn, const char *sender, const char *object_path,
             const char *interface_name, const char *prop, GError **error, gpointer user_data)
{
	VdGpuControl *c = user_data;

	return daemon_dbus_vhost_property(c->vhost, prop, error);
}

static const GDBusInterfaceVTable vtable = {
	.method_call = method_call,
	.get_property = get_property,
};

VdGpuControl *
vd_gpu_control_new(VdGpu *gpu, VhostDev *vhost, const char *path, GError **error)
{
	g_autoptr(VdGpuControl) c = g_new0(VdGpuControl, 1);

	c->gpu = gpu;
	c->vhost = vhost;
	c->object = daemon_dbus_object_new(VD_GPU_DBUS_PATH, vd_gpu_dbus_xml, &vtable, c);
	if (!daemon_dbus_object_listen(c->object, path, error))
		return NULL;
	return g_steal_pointer(&c);
}

void
vd_gpu_control_free(VdGpuControl *c)
{
	if (!c)
		return;
	daemon_dbus_object_free(c->object);
	g_free(c);
}
