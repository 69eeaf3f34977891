/* SPDX-License-Identifier: GPL-2.0-or-later */
#define G_LOG_DOMAIN "vd-input"

#include "input/source-evdev.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct InputEvdev {
	char *path; /* NULL: fd given, no reopening */
	int fd;
	bool writable;
	gboolean want_grab;
	gboolean grabbed;
	InputDesc *desc;
	InputEvdevFilter filter;
	guint watch;
	guint reopen_timer;
	InputEmitFunc emit;
	void *emit_data;
	InputDescChangedFunc desc_changed;
	void *desc_changed_data;
};

/* Filter */

void
input_evdev_filter_init(InputEvdevFilter *f)
{
	memset(f, 0, sizeof(*f));
	f->frame = g_array_new(FALSE, FALSE, sizeof(InputEvent));
}

void
input_evdev_filter_clear(InputEvdevFilter *f)
{
	g_clear_pointer(&f->frame, g_array_unref);
}

static void
input_evdev_filter_flush(InputEvdevFilter *f, InputEmitFunc emit, void *user_data)
{
	for (unsigned int i = 0; i < f->frame->len; i++) {
		const InputEvent *e = &g_array_index(f->frame, InputEvent, i);

		if (e->type == EV_KEY && e->code < KEY_CNT) {
			if (e->value)
				f->keys_down[e->code / 8] |= 1u << (e->code % 8);
			else
				f->keys_down[e->code / 8] &= ~(1u << (e->code % 8));
		}
		emit(e->type, e->code, e->value, user_data);
	}
	g_array_set_size(f->frame, 0);
}

void
input_evdev_filter_feed(InputEvdevFilter *f, const InputDesc *desc, const struct input_event *ev,
                        InputEmitFunc emit, void *user_data)
{
	InputEvent e = { ev->type, ev->code, ev->value };

	if (ev->type == EV_SYN) {
		switch (ev->code) {
		case SYN_DROPPED:
			/* The kernel lost events: this frame and the rest of it are stale. */
			g_array_set_size(f->frame, 0);
			f->dropping = true;
			return;
		case SYN_REPORT:
			if (f->dropping || f->frame->len == 0) {
				/* Stale, or nothing the guest should see: no empty frames. */
				f->resync = f->resync || f->dropping;
				f->dropping = false;
				g_array_set_size(f->frame, 0);
				return;
			}
			g_array_append_val(f->frame, e);
			input_evdev_filter_flush(f, emit, user_data);
			return;
		case SYN_MT_REPORT:
			break;
		default:
			return;
		}
	} else if (ev->type == EV_LED || ev->type == EV_SND || ev->type == EV_REP ||
	           ev->type == EV_FF || ev->type == EV_FF_STATUS || ev->type == EV_PWR) {
		/* Output state the guest drives, not input: never fed back. */
		return;
	} else if (ev->type == EV_KEY && ev->value == 2 && input_desc_has_type(desc, EV_REP)) {
		/* The guest's input core repeats keys itself. */
		return;
	} else if (!input_desc_has_bit(desc, ev->type, ev->code)) {
		return;
	}
	if (f->dropping)
		return;
	/* A source that never closes its frames: bounded like the device's queue. */
	if (f->frame->len >= 4096)
		g_array_set_size(f->frame, 0);
	g_array_append_val(f->frame, e);
}

void
input_evdev_filter_resync_keys(InputEvdevFilter *f, const uint8_t *down_now, InputEmitFunc emit,
                               void *user_data)
{
	bool any = false;

	f->resync = false;
	for (unsigned int k = 0; k < KEY_CNT; k++) {
		uint8_t bit = 1u << (k % 8);

		/* Presses that were lost stay lost: a guest key must not start on its own. */
		if ((f->keys_down[k / 8] & bit) && !(down_now[k / 8] & bit)) {
			f->keys_down[k / 8] &= ~bit;
			emit(EV_KEY, (uint16_t)k, 0, user_data);
			any = true;
		}
	}
	if (any)
		emit(EV_SYN, SYN_REPORT, 0, user_data);
}

void
input_evdev_filter_release_all(InputEvdevFilter *f, InputEmitFunc emit, void *user_data)
{
	bool any = false;

	g_array_set_size(f->frame, 0);
	f->dropping = false;
	for (unsigned int k = 0; k < KEY_CNT; k++) {
		if (f->keys_down[k / 8] & (1u << (k % 8))) {
			emit(EV_KEY, (uint16_t)k, 0, user_data);
			any = true;
		}
	}
	memset(f->keys_down, 0, sizeof(f->keys_down));
	if (any)
		emit(EV_SYN, SYN_REPORT, 0, user_data);
}

/* Description from ioctls */

#define LONG_BITS (sizeof(unsigned long) * 8)

/* Kernel bitmaps are arrays of longs: convert bit by bit, whatever the byte order. */
static void
input_evdev_bits_to_bytes(const unsigned long *longs, unsigned int nbits, uint8_t *bytes)
{
	for (unsigned int b = 0; b < nbits; b++) {
		if (longs[b / LONG_BITS] & (1ul << (b % LONG_BITS)))
			bytes[b / 8] |= 1u << (b % 8);
	}
}

InputDesc *
input_evdev_describe(int fd, GError **error)
{
	g_autoptr(InputDesc) desc = input_desc_new();
	unsigned long bits[INPUT_MAX_CODE / LONG_BITS];
	unsigned long types[EV_CNT / LONG_BITS + 1] = { 0 };
	char buf[INPUT_NAME_MAX + 1];
	struct input_id id;
	int r;

	memset(buf, 0, sizeof(buf));
	r = ioctl(fd, EVIOCGNAME(sizeof(buf) - 1), buf);
	if (r < 0) {
		int err = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
		            _("not an evdev device (EVIOCGNAME: %s)"), g_strerror(err));
		return NULL;
	}
	input_desc_set_name(desc, buf);
	memset(buf, 0, sizeof(buf));
	if (ioctl(fd, EVIOCGUNIQ(sizeof(buf) - 1), buf) >= 0)
		input_desc_set_serial(desc, buf);
	if (ioctl(fd, EVIOCGID, &id) == 0) {
		desc->bustype = id.bustype;
		desc->vendor = id.vendor;
		desc->product = id.product;
		desc->version = id.version;
	}
	memset(bits, 0, sizeof(bits));
	if (ioctl(fd, EVIOCGPROP(sizeof(bits)), bits) >= 0)
		input_evdev_bits_to_bytes(bits, INPUT_PROP_CNT, desc->props);
	if (ioctl(fd, EVIOCGBIT(0, sizeof(types)), types) < 0) {
		int err = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
		            _("cannot read event types (EVIOCGBIT: %s)"), g_strerror(err));
		return NULL;
	}
	for (unsigned int t = EV_SYN + 1; t < EV_CNT; t++) {
		if (!(types[t / LONG_BITS] & (1ul << (t % LONG_BITS))))
			continue;
		/*
		 * Force feedback needs effects uploaded through ioctls that
		 * virtio-input cannot carry: the guest must not see it.
		 */
		if (t == EV_FF || t == EV_FF_STATUS || t == EV_PWR)
			continue;
		input_desc_set_type(desc, t);
		memset(bits, 0, sizeof(bits));
		if (ioctl(fd, EVIOCGBIT(t, sizeof(bits)), bits) >= 0)
			input_evdev_bits_to_bytes(bits, INPUT_MAX_CODE, desc->bits[t]);
	}
	for (unsigned int a = 0; a < ABS_CNT; a++) {
		struct input_absinfo ai;

		if (!input_desc_has_bit(desc, EV_ABS, a))
			continue;
		if (ioctl(fd, EVIOCGABS(a), &ai) == 0)
			desc->abs[a] = (InputAbsInfo){ ai.minimum, ai.maximum, ai.fuzz, ai.flat,
				                       ai.resolution };
	}
	return g_steal_pointer(&desc);
}

/* The source */

static void input_evdev_lost(InputEvdev *ev, int err);

static void
input_evdev_emit_cb(uint16_t type, uint16_t code, int32_t value, void *user_data)
{
	InputEvdev *ev = user_data;

	if (ev->emit)
		ev->emit(type, code, value, ev->emit_data);
}

static gboolean
input_evdev_readable(int fd, GIOCondition cond, gpointer user_data)
{
	InputEvdev *ev = user_data;
	struct input_event buf[64];

	/* A bounded number of reads per wakeup keeps other sources (D-Bus) served. */
	for (unsigned int round = 0; round < 16; round++) {
		ssize_t n = read(ev->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return G_SOURCE_CONTINUE;
		if (n <= 0) {
			ev->watch = 0;
			input_evdev_lost(ev, n < 0 ? errno : ENODEV);
			return G_SOURCE_REMOVE;
		}
		if (n % sizeof(buf[0]))
			g_warning("%s: short read of %zd bytes", ev->path ? ev->path : "evdev", n);
		for (size_t i = 0; i < (size_t)n / sizeof(buf[0]); i++) {
			input_evdev_filter_feed(&ev->filter, ev->desc, &buf[i], input_evdev_emit_cb,
			                        ev);
			if (ev->filter.resync) {
				uint8_t down[KEY_CNT / 8 + 1] = { 0 };

				/* Not an evdev node (tests): nothing to ask, nothing released. */
				if (ioctl(ev->fd, EVIOCGKEY(sizeof(down)), down) >= 0)
					input_evdev_filter_resync_keys(&ev->filter, down,
					                               input_evdev_emit_cb, ev);
				ev->filter.resync = false;
			}
		}
		if ((size_t)n < sizeof(buf))
			break;
	}
	return G_SOURCE_CONTINUE;
}

static int
input_evdev_open_fd(const char *path, bool *writable, GError **error)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	*writable = fd >= 0;
	if (fd < 0 && errno == EACCES) {
		/* Read-only still passes input through; only LEDs cannot be set. */
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			g_message(_("%s is read-only for us: guest LEDs will not reach it"), path);
	}
	if (fd < 0) {
		int err = errno;

		if (err == EACCES || err == EPERM)
			g_set_error(
			        error, G_IO_ERROR, g_io_error_from_errno(err),
			        _("cannot open %s: %s (reading input devices needs membership "
			          "of their group, usually \"input\", or an ACL for this user)"),
			        path, g_strerror(err));
		else
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
			            _("cannot open %s: %s"), path, g_strerror(err));
	}
	return fd;
}

/* Grabs or releases the device now, or when it is back if it went away. */
static gboolean
evdev_set_grab(void *impl, gboolean grab, GError **error)
{
	InputEvdev *ev = impl;

	if (ev->fd < 0) {
		ev->want_grab = grab;
		return TRUE;
	}
	if (ioctl(ev->fd, EVIOCGRAB, grab ? 1 : 0) < 0 && !(errno == EINVAL && !grab)) {
		int err = errno;

		if (grab)
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
			            _("cannot grab %s: %s (another program holds it?)"),
			            ev->path ? ev->path : "evdev", g_strerror(err));
		else
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err),
			            _("cannot release %s: %s"), ev->path ? ev->path : "evdev",
			            g_strerror(err));
		return FALSE;
	}
	ev->want_grab = grab;
	ev->grabbed = grab;
	return TRUE;
}

InputEvdev *
input_evdev_new_for_fd(int fd, InputDesc *desc)
{
	InputEvdev *ev = g_new0(InputEvdev, 1);

	ev->fd = fd;
	ev->desc = desc;
	ev->writable = true;
	input_evdev_filter_init(&ev->filter);
	return ev;
}

InputEvdev *
input_evdev_open(const char *path, gboolean grab, GError **error)
{
	g_autoptr(InputEvdev) ev = NULL;
	InputDesc *desc;
	bool writable;
	int fd;

	fd = input_evdev_open_fd(path, &writable, error);
	if (fd < 0)
		return NULL;
	desc = input_evdev_describe(fd, error);
	if (!desc) {
		g_prefix_error(error, "%s: ", path);
		close(fd);
		return NULL;
	}
	ev = input_evdev_new_for_fd(fd, desc);
	ev->writable = writable;
	ev->path = g_strdup(path);
	if (grab && !evdev_set_grab(ev, TRUE, error))
		return NULL;
	g_message(_("passing through %s: \"%s\""), path, desc->name);
	return g_steal_pointer(&ev);
}

void
input_evdev_free(InputEvdev *ev)
{
	if (!ev)
		return;
	if (ev->watch)
		g_source_remove(ev->watch);
	if (ev->reopen_timer)
		g_source_remove(ev->reopen_timer);
	if (ev->fd >= 0)
		close(ev->fd);
	input_evdev_filter_clear(&ev->filter);
	input_desc_free(ev->desc);
	g_free(ev->path);
	g_free(ev);
}

const InputDesc *
input_evdev_get_desc(InputEvdev *ev)
{
	return ev->desc;
}

static void
evdev_set_emit(void *impl, InputEmitFunc func, void *user_data)
{
	InputEvdev *ev = impl;

	ev->emit = func;
	ev->emit_data = user_data;
}

void
input_evdev_set_desc_changed(InputEvdev *ev, InputDescChangedFunc func, void *user_data)
{
	ev->desc_changed = func;
	ev->desc_changed_data = user_data;
}

/* Starts reading on the thread-default main context. */
static void
evdev_start(void *impl)
{
	InputEvdev *ev = impl;

	if (ev->fd >= 0 && !ev->watch)
		ev->watch = g_unix_fd_add(ev->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
		                          input_evdev_readable, ev);
}

bool
input_evdev_is_open(InputEvdev *ev)
{
	return ev->fd >= 0;
}

static gboolean
input_evdev_try_reopen(gpointer user_data)
{
	InputEvdev *ev = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(InputDesc) desc = NULL;
	bool writable;
	int fd;

	fd = input_evdev_open_fd(ev->path, &writable, NULL);
	if (fd < 0)
		return G_SOURCE_CONTINUE;
	desc = input_evdev_describe(fd, &error);
	if (!desc) {
		close(fd);
		return G_SOURCE_CONTINUE;
	}
	ev->fd = fd;
	ev->writable = writable;
	ev->reopen_timer = 0;
	if (ev->want_grab && !evdev_set_grab(ev, TRUE, &error))
		g_warning("%s", error->message);
	g_message(_("%s is back: \"%s\""), ev->path, desc->name);
	if (ev->desc_changed)
		ev->desc_changed(input_desc_copy(desc), ev->desc_changed_data);
	input_desc_free(ev->desc);
	ev->desc = g_steal_pointer(&desc);
	evdev_start(ev);
	return G_SOURCE_REMOVE;
}

static void
input_evdev_lost(InputEvdev *ev, int err)
{
	close(ev->fd);
	ev->fd = -1;
	ev->grabbed = FALSE;
	/* Keys held when the device went must not stay down in the guest. */
	input_evdev_filter_release_all(&ev->filter, input_evdev_emit_cb, ev);
	if (!ev->path) {
		g_debug("evdev fd closed (%s)", g_strerror(err));
		return;
	}
	g_message(_("%s went away (%s); waiting for it to come back"), ev->path, g_strerror(err));
	ev->reopen_timer =
	        g_timeout_add(INPUT_EVDEV_REOPEN_INTERVAL_MS, input_evdev_try_reopen, ev);
}

/* A status event from the guest (EV_LED, EV_SND): written to the device. */
static void
evdev_write_status(void *impl, uint16_t type, uint16_t code, int32_t value)
{
	InputEvdev *ev = impl;
	struct input_event out[2];
	ssize_t n;

	if (ev->fd < 0 || !ev->writable)
		return;
	memset(out, 0, sizeof(out));
	out[0].type = type;
	out[0].code = code;
	out[0].value = value;
	out[1].type = EV_SYN;
	out[1].code = SYN_REPORT;
	n = write(ev->fd, out, sizeof(out));
	if (n < 0 && errno != EAGAIN)
		g_debug("cannot write status event to %s: %s", ev->path ? ev->path : "evdev",
		        g_strerror(errno));
}

static gboolean
evdev_is_grabbed(void *impl)
{
	InputEvdev *ev = impl;

	return ev->grabbed;
}

/* ---- the source operations (source.h) ---- */

static void
evdev_source_free(void *impl)
{
	input_evdev_free(impl);
}

const InputSourceOps input_evdev_source_ops = {
	.name = "evdev",
	.set_emit = evdev_set_emit,
	.start = evdev_start,
	.write_status = evdev_write_status,
	.is_grabbed = evdev_is_grabbed,
	.set_grab = evdev_set_grab,
	.free = evdev_source_free,
};
