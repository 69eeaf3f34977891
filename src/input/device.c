/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/device.h"

#include <errno.h>
#include <string.h>

#define INPUT_STATE_MAGIC 0x31495656u /* "VVI1" */

typedef struct InputStatusHandler {
	InputStatusFunc func;
	void *user_data;
} InputStatusHandler;

struct InputDevice {
	InputDesc *desc;
	InputConfig config;
	InputEventQueue *events;
	VhostDev *vhost;
	GArray *status_handlers; /* InputStatusHandler */
	void (*reset_func)(void *user_data);
	void *reset_data;
	VdRateLimit faults; /* what the guest gets logged */
	InputDeviceStats stats;
};

static int
input_get_config(void *opaque, uint8_t *buf, uint32_t offset, uint32_t len)
{
	InputDevice *dev = opaque;

	return input_config_read(&dev->config, buf, offset, len);
}

static int
input_set_config(void *opaque, const uint8_t *buf, uint32_t offset, uint32_t len, uint32_t flags)
{
	InputDevice *dev = opaque;

	return input_config_write(&dev->config, buf, offset, len);
}

/* Hand ready events to the guest, one per buffer, as far as buffers go. */
static void
input_device_flush(InputDevice *dev)
{
	VhostQueue *vq = vhost_dev_get_queue(dev->vhost, INPUT_QUEUE_EVENT);
	struct virtio_input_event ev;
	bool pushed = false;

	if (!vq || !vhost_queue_is_started(vq))
		return;
	while (input_event_queue_peek(dev->events, &ev)) {
		VhostElem *elem = vhost_queue_pop(vq);
		size_t size;

		if (!elem)
			break;
		size = vhost_iov_size(elem->in_sg, elem->in_num);
		if (size < sizeof(ev)) {
			vd_log_fault(&dev->faults, VD_FAULT_GUEST, NULL,
			             "event buffer with %zu writable bytes, need %zu", size,
			             sizeof(ev));
			vhost_queue_push(vq, elem, 0);
		} else {
			vhost_iov_from_buf(elem->in_sg, elem->in_num, 0, &ev, sizeof(ev));
			vhost_queue_push(vq, elem, sizeof(ev));
			input_event_queue_consume(dev->events);
			dev->stats.delivered++;
		}
		vhost_elem_free(elem);
		pushed = true;
	}
	/* One interrupt for the whole batch: the driver reads every used buffer. */
	if (pushed)
		vhost_queue_notify(vq);
}

static void
input_device_status(InputDevice *dev, VhostQueue *vq)
{
	VhostElem *elem;
	bool pushed = false;

	while ((elem = vhost_queue_pop(vq))) {
		struct virtio_input_event ev;
		size_t size = vhost_iov_size(elem->out_sg, elem->out_num);

		if (size < sizeof(ev)) {
			vd_log_fault(&dev->faults, VD_FAULT_GUEST, NULL,
			             "status buffer with %zu readable bytes, need %zu", size,
			             sizeof(ev));
		} else {
			uint16_t type, code;
			int32_t value;

			vhost_iov_to_buf(elem->out_sg, elem->out_num, 0, &ev, sizeof(ev));
			type = GUINT16_FROM_LE(ev.type);
			code = GUINT16_FROM_LE(ev.code);
			value = (int32_t)GUINT32_FROM_LE(ev.value);
			/* Only what the device has: LEDs, sounds, force feedback it announced. */
			if (type != EV_SYN && !input_desc_has_bit(dev->desc, type, code)) {
				vd_log_fault(
				        &dev->faults, VD_FAULT_GUEST, NULL,
				        "status event type %u code %u the device does not have",
				        type, code);
			} else if (type != EV_SYN) {
				dev->stats.status_events++;
				for (unsigned int i = 0; i < dev->status_handlers->len; i++) {
					InputStatusHandler *h = &g_array_index(
					        dev->status_handlers, InputStatusHandler, i);

					h->func(type, code, value, h->user_data);
				}
			}
		}
		vhost_queue_push(vq, elem, 0);
		vhost_elem_free(elem);
		pushed = true;
	}
	if (pushed)
		vhost_queue_notify(vq);
}

static void
input_queue_started(void *opaque, VhostQueue *queue, unsigned int index, bool started)
{
	InputDevice *dev = opaque;

	g_debug("%s queue %s", index == INPUT_QUEUE_EVENT ? "event" : "status",
	        started ? "started" : "stopped");
	if (!started)
		return;
	if (index == INPUT_QUEUE_EVENT)
		input_device_flush(dev);
	else if (index == INPUT_QUEUE_STATUS)
		input_device_status(dev, queue);
}

static void
input_queue_kicked(void *opaque, VhostQueue *queue, unsigned int index)
{
	InputDevice *dev = opaque;

	if (index == INPUT_QUEUE_EVENT)
		input_device_flush(dev);
	else if (index == INPUT_QUEUE_STATUS)
		input_device_status(dev, queue);
}

static void
input_reset(void *opaque)
{
	InputDevice *dev = opaque;

	/* A new driver must not see the previous one's events. */
	input_event_queue_clear(dev->events);
	input_config_reset(&dev->config);
	vd_rate_limit_reset(&dev->faults);
	if (dev->reset_func)
		dev->reset_func(dev->reset_data);
}

/* Migration: the driver's select/subsel. Events in flight are not worth keeping. */
static int
input_save_state(void *opaque, GByteArray *out)
{
	InputDevice *dev = opaque;
	uint32_t magic = GUINT32_TO_LE(INPUT_STATE_MAGIC);
	uint8_t sel[2] = { dev->config.select, dev->config.subsel };

	g_byte_array_append(out, (const uint8_t *)&magic, sizeof(magic));
	g_byte_array_append(out, sel, sizeof(sel));
	return 0;
}

static int
input_load_state(void *opaque, const uint8_t *data, size_t len)
{
	InputDevice *dev = opaque;
	uint32_t magic;

	if (len != 6)
		return -EINVAL;
	memcpy(&magic, data, sizeof(magic));
	if (GUINT32_FROM_LE(magic) != INPUT_STATE_MAGIC)
		return -EINVAL;
	input_config_write(&dev->config, data + 4, 0, 2);
	return 0;
}

static const VhostDeviceOps input_device_ops = {
	.get_config = input_get_config,
	.set_config = input_set_config,
	.queue_started = input_queue_started,
	.queue_kicked = input_queue_kicked,
	.save_state = input_save_state,
	.load_state = input_load_state,
	.reset = input_reset,
};

InputDevice *
input_device_new(InputDesc *desc, unsigned int queue_cap)
{
	InputDevice *dev = g_new0(InputDevice, 1);
	VhostDeviceInfo info = {
		.name = "virtio-input",
		.num_queues = 2,
		.config_size = INPUT_CONFIG_SIZE,
		.ops = &input_device_ops,
		.opaque = dev,
	};

	dev->desc = desc;
	input_config_init(&dev->config, dev->desc);
	dev->events = input_event_queue_new(queue_cap ? queue_cap : INPUT_EVENT_QUEUE_DEFAULT_CAP);
	dev->status_handlers = g_array_new(FALSE, FALSE, sizeof(InputStatusHandler));
	dev->vhost = vhost_dev_new(&info);
	return dev;
}

void
input_device_free(InputDevice *dev)
{
	if (!dev)
		return;
	vhost_dev_free(dev->vhost);
	input_event_queue_free(dev->events);
	g_array_unref(dev->status_handlers);
	input_desc_free(dev->desc);
	g_free(dev);
}

VhostDev *
input_device_get_vhost(InputDevice *dev)
{
	return dev->vhost;
}

const InputDesc *
input_device_get_desc(InputDevice *dev)
{
	return dev->desc;
}

void
input_device_set_desc(InputDevice *dev, InputDesc *desc)
{
	bool same = desc->types == dev->desc->types &&
	            memcmp(desc->bits, dev->desc->bits, sizeof(desc->bits)) == 0 &&
	            memcmp(desc->abs, dev->desc->abs, sizeof(desc->abs)) == 0 &&
	            memcmp(desc->props, dev->desc->props, sizeof(desc->props)) == 0 &&
	            g_strcmp0(desc->name, dev->desc->name) == 0 &&
	            g_strcmp0(desc->serial, dev->desc->serial) == 0;

	input_desc_free(dev->desc);
	dev->desc = desc;
	input_config_set_desc(&dev->config, desc);
	if (!same && vhost_dev_is_attached(dev->vhost)) {
		int r = vhost_dev_notify_config_change(dev->vhost);

		if (r < 0)
			g_message("the device changed; the guest sees it after its next reset (%s)",
			          g_strerror(-r));
	}
}

bool
input_device_is_running(InputDevice *dev)
{
	VhostQueue *vq = vhost_dev_get_queue(dev->vhost, INPUT_QUEUE_EVENT);

	return vq && vhost_queue_is_started(vq);
}

void
input_device_emit(InputDevice *dev, uint16_t type, uint16_t code, int32_t value)
{
	if (!input_event_queue_add(dev->events, type, code, value))
		return;
	if (!input_device_is_running(dev)) {
		/* No driver: nobody will want these once one comes up. */
		dev->stats.discarded_no_driver++;
		input_event_queue_clear(dev->events);
		return;
	}
	input_device_flush(dev);
}

void
input_device_add_status_handler(InputDevice *dev, InputStatusFunc func, void *user_data)
{
	InputStatusHandler h = { func, user_data };

	g_array_append_val(dev->status_handlers, h);
}

void
input_device_remove_status_handler(InputDevice *dev, InputStatusFunc func, void *user_data)
{
	for (unsigned int i = 0; i < dev->status_handlers->len; i++) {
		InputStatusHandler *h = &g_array_index(dev->status_handlers, InputStatusHandler, i);

		if (h->func == func && h->user_data == user_data) {
			g_array_remove_index(dev->status_handlers, i);
			return;
		}
	}
}

void
input_device_set_reset_handler(InputDevice *dev, void (*func)(void *user_data), void *user_data)
{
	dev->reset_func = func;
	dev->reset_data = user_data;
}

void
input_device_get_stats(InputDevice *dev, InputDeviceStats *stats)
{
	*stats = dev->stats;
	stats->dropped_frames = input_event_queue_dropped_frames(dev->events);
	stats->dropped_events = input_event_queue_dropped_events(dev->events);
}
