/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon under test as a child process, driven by the test front-end,
 * which plays QEMU and the guest's virtio-gpu driver; a D-Bus connection to
 * its control socket, and a GPU socket peer that plays QEMU's display side.
 * Shared by the 2D and the 3D integration tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend.h"
#include "gpu/qemu-socket.h"
#include "integration.h"
#include "png-decode.h"

void
fixture_start(Fixture *f, const char *const *extra)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autofree char *ctl_arg = NULL;
	g_autofree char *address = NULL;

	f->dir = g_dir_make_tmp("vd-gpu-it-XXXXXX", &error);
	g_assert_no_error(error);
	f->control = g_build_filename(f->dir, "control", NULL);
	ctl_arg = g_strdup_printf("--control=%s", f->control);
	f->peer = -1;
	g_ptr_array_add(argv, (char *)GPU_DAEMON);
	g_ptr_array_add(argv, ctl_arg);
	for (; extra && *extra; extra++)
		g_ptr_array_add(argv, (char *)*extra);
	g_ptr_array_add(argv, NULL);
	f->fe = vfe_spawn((const char *const *)argv->pdata, &error);
	g_assert_no_error(error);
	/* QEMU does not give vhost-user-gpu-pci an IOMMU by default. */
	g_assert_cmpint(vfe_negotiate(f->fe, ~(1ull << VIRTIO_F_IOMMU_PLATFORM), UINT64_MAX), ==,
	                0);
	g_assert_cmpint(vfe_mem_setup(f->fe, RAM_SIZE, 2), ==, 0);
	g_assert_cmpint(vfe_enable_backend_channel(f->fe), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, CTRL, 64, 0), ==, 0);
	g_assert_cmpint(vfe_queue_setup(f->fe, CURSOR, 16, 0), ==, 0);
	f->req_gpa = vfe_alloc(f->fe, 512 * 1024, 4096);
	f->resp_gpa = vfe_alloc(f->fe, 4 * 4096, 4096);
	g_assert_cmpuint(f->req_gpa, !=, 0);

	address = g_strdup_printf("unix:path=%s", f->control);
	f->bus = g_dbus_connection_new_for_address_sync(
	        address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, &error);
	g_assert_no_error(error);
}

void
fixture_setup(Fixture *f, gconstpointer data)
{
	static const char *const args[] = { "--outputs=2", "--output-size=640x480",
		                            "--output-size=320x200", NULL };

	fixture_start(f, args);
}

void
fixture_teardown(Fixture *f, gconstpointer data)
{
	int status;

	g_clear_object(&f->bus);
	status = vfe_child_terminate(f->fe);
	/* The daemon exits cleanly on SIGTERM: no crash, no sanitizer abort. */
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	vfe_free(f->fe);
	if (f->peer >= 0)
		close(f->peer);
	g_unlink(f->control);
	g_rmdir(f->dir);
	g_free(f->control);
	g_free(f->dir);
}

/*
 * Queues one command in buffer slot `slot` (commands in flight together need
 * their own slots) and kicks.
 */
int
ctrl_send_slot(Fixture *f, unsigned int queue, unsigned int slot, const void *req, size_t len,
               size_t resp_len)
{
	uint64_t req_gpa = f->req_gpa + slot * 65536ull, resp_gpa = f->resp_gpa + slot * 4096ull;
	VfeBuf out = { req_gpa, (uint32_t)len };
	VfeBuf in = { resp_gpa, (uint32_t)resp_len };
	int head;

	g_assert_cmpuint(slot, <, 4);
	g_assert_cmpuint(len, <=, slot == 0 ? 512 * 1024 : 65536);
	g_assert_cmpint(vfe_mem_fill(f->fe, resp_gpa, 0xaa, 4096), ==, 0);
	g_assert_cmpint(vfe_mem_write(f->fe, req_gpa, req, len), ==, 0);
	head = vfe_queue_add(f->fe, queue, &out, 1, resp_len ? &in : NULL, resp_len ? 1 : 0);
	g_assert_cmpint(head, >=, 0);
	g_assert_cmpint(vfe_queue_kick(f->fe, queue), ==, 0);
	return head;
}

void
ctrl_send(Fixture *f, unsigned int queue, const void *req, size_t len, void *resp, size_t resp_len)
{
	ctrl_send_slot(f, queue, 0, req, len, resp_len);
}

uint32_t
ctrl_wait_slot(Fixture *f, unsigned int queue, unsigned int slot, void *resp, size_t resp_len,
               int timeout_ms)
{
	uint32_t id, len;

	g_assert_cmpint(vfe_queue_wait_used(f->fe, queue, timeout_ms, &id, &len), ==, 0);
	if (!resp_len)
		return 0;
	g_assert_cmpuint(len, ==, resp_len);
	g_assert_cmpint(vfe_mem_read(f->fe, f->resp_gpa + slot * 4096ull, resp, resp_len), ==, 0);
	return ((struct virtio_gpu_ctrl_hdr *)resp)->type;
}

uint32_t
ctrl_wait(Fixture *f, unsigned int queue, void *resp, size_t resp_len, int timeout_ms)
{
	return ctrl_wait_slot(f, queue, 0, resp, resp_len, timeout_ms);
}

uint32_t
ctrl(Fixture *f, const void *req, size_t len, void *resp, size_t resp_len)
{
	ctrl_send(f, CTRL, req, len, resp, resp_len);
	return ctrl_wait(f, CTRL, resp, resp_len, -1);
}

uint32_t
ctrl_nodata(Fixture *f, const void *req, size_t len)
{
	struct virtio_gpu_ctrl_hdr resp;

	return ctrl(f, req, len, &resp, sizeof(resp));
}

uint32_t
pattern(uint32_t x, uint32_t y)
{
	return (x * 5 + y * 977) * 2654435761u >> 8 & 0xffffff;
}

/* A w x h XRGB resource whose backing holds pattern(), in 4 KiB pages. */
void
make_fb(Fixture *f, uint32_t id, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_create_2d c = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		.resource_id = id,
		.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
		.width = w,
		.height = h,
	};
	size_t size = (size_t)w * h * 4, npages = (size + 4095) / 4096;
	size_t alen = sizeof(struct virtio_gpu_resource_attach_backing) +
	              npages * sizeof(struct virtio_gpu_mem_entry);
	g_autofree uint8_t *a = g_malloc0(alen);
	g_autofree uint32_t *px = g_new(uint32_t, (size_t)w * h);
	struct virtio_gpu_resource_attach_backing *ab = (void *)a;
	struct virtio_gpu_mem_entry *e = (void *)(a + sizeof(*ab));
	uint64_t base = vfe_alloc(f->fe, npages * 4096 * 2, 4096);

	g_assert_cmpuint(base, !=, 0);
	for (uint32_t i = 0; i < w * h; i++)
		px[i] = pattern(i % w, i / w);
	ab->hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING;
	ab->resource_id = id;
	ab->nr_entries = (uint32_t)npages;
	/* Pages in reverse order: the backing is not contiguous in the guest. */
	for (size_t i = 0; i < npages; i++) {
		size_t len = MIN(4096, size - i * 4096);
		uint64_t gpa = base + (npages - 1 - i) * 2 * 4096;

		e[i].addr = gpa;
		e[i].length = (uint32_t)len;
		g_assert_cmpint(vfe_mem_write(f->fe, gpa, (uint8_t *)px + i * 4096, len), ==, 0);
	}
	g_assert_cmphex(ctrl_nodata(f, &c, sizeof(c)), ==, VIRTIO_GPU_RESP_OK_NODATA);
	g_assert_cmphex(ctrl_nodata(f, a, alen), ==, VIRTIO_GPU_RESP_OK_NODATA);
}

uint32_t
transfer(Fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t stride)
{
	struct virtio_gpu_transfer_to_host_2d t = {
		.hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
		.r = { x, y, w, h },
		.offset = (uint64_t)y * stride + x * 4,
		.resource_id = id,
	};

	return ctrl_nodata(f, &t, sizeof(t));
}

uint32_t
set_scanout(Fixture *f, uint32_t scanout, uint32_t id, uint32_t w, uint32_t h)
{
	struct virtio_gpu_set_scanout s = {
		.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT,
		.r = { 0, 0, w, h },
		.scanout_id = scanout,
		.resource_id = id,
	};

	return ctrl_nodata(f, &s, sizeof(s));
}

uint32_t
flush(Fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_flush fl = {
		.hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
		.r = { x, y, w, h },
		.resource_id = id,
	};

	return ctrl_nodata(f, &fl, sizeof(fl));
}

GVariant *
dbus_call(Fixture *f, const char *method, GVariant *params, GError **error)
{
	return g_dbus_connection_call_sync(f->bus, NULL, "/org/vhostdesktop/Gpu1",
	                                   "org.vhostdesktop.Gpu1", method, params, NULL,
	                                   G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
}

GVariant *
dbus_get_property(Fixture *f, const char *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = g_dbus_connection_call_sync(
	        f->bus, NULL, "/org/vhostdesktop/Gpu1", "org.freedesktop.DBus.Properties", "Get",
	        g_variant_new("(ss)", "org.vhostdesktop.Gpu1", name), G_VARIANT_TYPE("(v)"),
	        G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	GVariant *v;

	g_assert_no_error(error);
	g_variant_get(r, "(v)", &v);
	return v;
}

GVariant *
dbus_call_fd(Fixture *f, const char *method, GVariant *params, int fd, GError **error)
{
	g_autoptr(GUnixFDList) fds = g_unix_fd_list_new();

	if (fd >= 0)
		g_assert_cmpint(g_unix_fd_list_append(fds, fd, NULL), ==, 0);
	return g_dbus_connection_call_with_unix_fd_list_sync(
	        f->bus, NULL, "/org/vhostdesktop/Gpu1", "org.vhostdesktop.Gpu1", method, params,
	        NULL, G_DBUS_CALL_FLAGS_NONE, 5000, fd >= 0 ? fds : NULL, NULL, NULL, error);
}

void
assert_dbus_error(Fixture *f, const char *method, GVariant *params, const char *name,
                  const char *message)
{
	assert_dbus_error_fd(f, method, params, -1, name, message);
}

void
assert_dbus_error_fd(Fixture *f, const char *method, GVariant *params, int fd, const char *name,
                     const char *message)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = dbus_call_fd(f, method, params, fd, &error);
	g_autofree char *remote = NULL;

	g_assert_null(r);
	g_assert_nonnull(error);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, name);
	g_dbus_error_strip_remote_error(error);
	g_assert_cmpstr(error->message, ==, message);
}

GByteArray *
screenshot(Fixture *f, unsigned int output, uint32_t *w, uint32_t *h)
{
	g_autofree char *path = g_build_filename(f->dir, "shot.png", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) r = NULL;
	g_autofree char *data = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	gsize len;

	/* The daemon writes to the file the caller opened: it opens nothing by name. */
	g_assert_cmpint(fd, >=, 0);
	r = dbus_call_fd(f, "Screenshot", g_variant_new("(uh)", output, 0), fd, &error);
	close(fd);
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_unlink(path);
	return png_decode((const uint8_t *)data, len, w, h);
}

/* --- GPU socket peer (QEMU's display side) --- */

bool
peer_read(Fixture *f, VdGpuMsgHdr *hdr, void **payload, int timeout_ms)
{
	struct pollfd pfd = { f->peer, POLLIN, 0 };
	size_t got = 0;
	uint8_t *p;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return false;
	if (recv(f->peer, hdr, sizeof(*hdr), MSG_WAITALL) != sizeof(*hdr))
		return false;
	p = g_malloc(hdr->size + 1);
	while (got < hdr->size) {
		ssize_t n = recv(f->peer, p + got, hdr->size - got, MSG_WAITALL);

		if (n <= 0) {
			g_free(p);
			return false;
		}
		got += (size_t)n;
	}
	*payload = p;
	return true;
}

void *
peer_expect(Fixture *f, uint32_t request, uint32_t size)
{
	VdGpuMsgHdr hdr;
	void *p = NULL;

	g_assert_true(peer_read(f, &hdr, &p, 5000));
	g_assert_cmpuint(hdr.request, ==, request);
	g_assert_cmpuint(hdr.size, ==, size);
	return p;
}

void
peer_reply(Fixture *f, uint32_t request, const void *data, size_t len)
{
	VdGpuMsgHdr hdr = { request, VD_GPU_MSG_FLAG_REPLY, (uint32_t)len };

	g_assert_cmpint(send(f->peer, &hdr, sizeof(hdr), 0), ==, sizeof(hdr));
	g_assert_cmpint(send(f->peer, data, len, 0), ==, (ssize_t)len);
}

void
connect_gpu_socket(Fixture *f)
{
	int sv[2];
	uint64_t features = 3;
	g_autofree uint64_t *set = NULL;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	g_assert_cmpint(vfe_request(f->fe, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1), ==, 0);
	close(sv[1]);
	f->peer = sv[0];
	g_free(peer_expect(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, 0));
	peer_reply(f, VD_GPU_MSG_GET_PROTOCOL_FEATURES, &features, sizeof(features));
	set = peer_expect(f, VD_GPU_MSG_SET_PROTOCOL_FEATURES, 8);
	/* EDID, and DMABUF2 when the daemon runs with --dmabuf; nothing else. */
	g_assert_cmphex(*set & ~3ull, ==, 0);
	g_assert_cmphex(*set & 1, ==, 1);
}
