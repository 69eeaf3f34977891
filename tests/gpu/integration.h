/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The integration fixture of tests/gpu: see integration.c. */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <stdbool.h>
#include <linux/virtio_gpu.h>

#include "frontend.h"
#include "gpu/qemu-socket.h"

#define RAM_SIZE (64ull * 1024 * 1024)
#define CTRL 0
#define CURSOR 1

typedef struct {
	char *dir;
	char *control;
	VfeFrontend *fe;
	GDBusConnection *bus;
	int peer; /* GPU socket, QEMU's end */
	uint64_t req_gpa, resp_gpa;
} Fixture;

/* Starts the daemon with --control and extra arguments, and sets up the device. */
void fixture_start(Fixture *f, const char *const *extra);
/* Two outputs, 640x480 and 320x200. */
void fixture_setup(Fixture *f, gconstpointer data);
void fixture_teardown(Fixture *f, gconstpointer data);
/* Queues one command in buffer slot `slot` (0..3) and kicks; returns its head. */
int ctrl_send_slot(Fixture *f, unsigned int queue, unsigned int slot, const void *req, size_t len,
                   size_t resp_len);
void ctrl_send(Fixture *f, unsigned int queue, const void *req, size_t len, void *resp,
               size_t resp_len);
uint32_t ctrl_wait_slot(Fixture *f, unsigned int queue, unsigned int slot, void *resp,
                        size_t resp_len, int timeout_ms);
uint32_t ctrl_wait(Fixture *f, unsigned int queue, void *resp, size_t resp_len, int timeout_ms);
/* One command and its answer; returns the response type. */
uint32_t ctrl(Fixture *f, const void *req, size_t len, void *resp, size_t resp_len);
uint32_t ctrl_nodata(Fixture *f, const void *req, size_t len);
/* The colour make_fb() puts at x, y. */
uint32_t pattern(uint32_t x, uint32_t y);
/* A w x h XRGB 2D resource with pattern() in its (scattered) backing. */
void make_fb(Fixture *f, uint32_t id, uint32_t w, uint32_t h);
uint32_t transfer(Fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                  uint32_t stride);
uint32_t set_scanout(Fixture *f, uint32_t scanout, uint32_t id, uint32_t w, uint32_t h);
uint32_t flush(Fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h);
GVariant *dbus_call(Fixture *f, const char *method, GVariant *params, GError **error);
/* A property of org.vhostdesktop.Gpu1, which must be there. */
GVariant *dbus_get_property(Fixture *f, const char *name);
/* A call that also passes fd (index 0 of its fd list); fd stays the caller's. */
GVariant *dbus_call_fd(Fixture *f, const char *method, GVariant *params, int fd, GError **error);
/* A call that must fail with the D-Bus error name and exactly that message. */
void assert_dbus_error(Fixture *f, const char *method, GVariant *params, const char *name,
                       const char *message);
/* The same, passing fd along (-1: none). */
void assert_dbus_error_fd(Fixture *f, const char *method, GVariant *params, int fd,
                          const char *name, const char *message);
/* The D-Bus Screenshot of an output, decoded: 3 bytes a pixel. */
GByteArray *screenshot(Fixture *f, unsigned int output, uint32_t *w, uint32_t *h);
/* The GPU socket peer (QEMU's display side). */
bool peer_read(Fixture *f, VdGpuMsgHdr *hdr, void **payload, int timeout_ms);
void *peer_expect(Fixture *f, uint32_t request, uint32_t size);
void peer_reply(Fixture *f, uint32_t request, const void *data, size_t len);
/* Hands the daemon a GPU socket and answers the protocol features (EDID, DMABUF2). */
void connect_gpu_socket(Fixture *f);
