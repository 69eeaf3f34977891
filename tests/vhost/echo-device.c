/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "echo"

#include <errno.h>
#include <string.h>

#include "echo-device.h"

struct EchoDevice {
	VhostDev *dev;
	char *hold_file;
	GPtrArray *held;
	uint8_t config[ECHO_CONFIG_SIZE];
};

#define SCRATCH_OFFSET 8u
#define COUNT_OFFSET 12u
#define STATE_MAGIC 0x4f484345u /* "ECHO" */

static uint64_t
echo_get_features(void *opaque)
{
	return 1ull << ECHO_F_TEST_BIT;
}

static int
echo_get_config(void *opaque, uint8_t *buf, uint32_t offset, uint32_t len)
{
	EchoDevice *echo = opaque;

	memcpy(buf, echo->config + offset, len);
	return 0;
}

static int
echo_set_config(void *opaque, const uint8_t *buf, uint32_t offset, uint32_t len, uint32_t flags)
{
	EchoDevice *echo = opaque;

	/* Only the scratch word is writable by the driver; migration may set all. */
	if (flags != VHOST_SET_CONFIG_TYPE_MIGRATION &&
	    (offset < SCRATCH_OFFSET || offset + len > SCRATCH_OFFSET + 4))
		return -EPERM;
	memcpy(echo->config + offset, buf, len);
	return 0;
}

static void
count_request(EchoDevice *echo)
{
	uint32_t count;

	memcpy(&count, echo->config + COUNT_OFFSET, 4);
	count++;
	memcpy(echo->config + COUNT_OFFSET, &count, 4);
}

static void
echo_serve(EchoDevice *echo, VhostQueue *q, VhostElem *elem)
{
	size_t in_size = vhost_iov_size(elem->in_sg, elem->in_num);
	size_t len = MIN(vhost_iov_size(elem->out_sg, elem->out_num), in_size);
	g_autofree uint8_t *buf = g_malloc(len ? len : 1);

	vhost_iov_to_buf(elem->out_sg, elem->out_num, 0, buf, len);
	vhost_iov_from_buf(elem->in_sg, elem->in_num, 0, buf, len);
	count_request(echo);
	if (len >= 6 && memcmp(buf, "CONFIG", 6) == 0)
		vhost_dev_notify_config_change(echo->dev);
	vhost_queue_complete(q, elem, (uint32_t)len);
}

static void
echo_kicked(void *opaque, VhostQueue *q, unsigned int index)
{
	EchoDevice *echo = opaque;
	VhostElem *elem;

	while ((elem = vhost_queue_pop(q))) {
		if (echo->hold_file && g_file_test(echo->hold_file, G_FILE_TEST_EXISTS))
			g_ptr_array_add(echo->held, elem);
		else
			echo_serve(echo, q, elem);
	}
}

static void
echo_reset(void *opaque)
{
	EchoDevice *echo = opaque;

	g_ptr_array_set_size(echo->held, 0);
}

static int
echo_save(void *opaque, GByteArray *out)
{
	EchoDevice *echo = opaque;
	uint32_t magic = STATE_MAGIC;

	g_byte_array_append(out, (const guint8 *)&magic, 4);
	g_byte_array_append(out, echo->config + SCRATCH_OFFSET, 8);
	return 0;
}

static int
echo_load(void *opaque, const uint8_t *data, size_t len)
{
	EchoDevice *echo = opaque;
	uint32_t magic;

	if (len != 12)
		return -EINVAL;
	memcpy(&magic, data, 4);
	if (magic != STATE_MAGIC)
		return -EINVAL;
	memcpy(echo->config + SCRATCH_OFFSET, data + 4, 8);
	return 0;
}

static const VhostDeviceOps echo_ops = {
	.get_features = echo_get_features,
	.get_config = echo_get_config,
	.set_config = echo_set_config,
	.queue_kicked = echo_kicked,
	.reset = echo_reset,
	.save_state = echo_save,
	.load_state = echo_load,
};

EchoDevice *
echo_device_new(const char *hold_file)
{
	EchoDevice *echo = g_new0(EchoDevice, 1);
	VhostDeviceInfo info = {
		.name = "echo",
		.num_queues = 2,
		.config_size = ECHO_CONFIG_SIZE,
		.ops = &echo_ops,
		.opaque = echo,
	};

	memcpy(echo->config, "ECHODEV", 8);
	echo->hold_file = g_strdup(hold_file);
	echo->held = g_ptr_array_new_with_free_func((GDestroyNotify)vhost_elem_free);
	echo->dev = vhost_dev_new(&info);
	return echo;
}

void
echo_device_free(EchoDevice *echo)
{
	if (!echo)
		return;
	vhost_dev_free(echo->dev);
	g_ptr_array_unref(echo->held);
	g_free(echo->hold_file);
	g_free(echo);
}

VhostDev *
echo_device_get_vhost(EchoDevice *echo)
{
	return echo->dev;
}
