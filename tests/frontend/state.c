/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfe: config space, dirty log, inflight tracking and device state transfer. */
#define G_LOG_DOMAIN "vfe"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frontend-private.h"

void
vfe_state_free(VfeFrontend *fe)
{
	if (fe->log)
		munmap(fe->log, fe->log_size);
	fe->log = NULL;
	fe->log_size = 0;
	if (fe->log_fd >= 0)
		close(fe->log_fd);
	fe->log_fd = -1;
	if (fe->inflight)
		munmap(fe->inflight, fe->inflight_size);
	fe->inflight = NULL;
	fe->inflight_size = 0;
	if (fe->inflight_fd >= 0)
		close(fe->inflight_fd);
	fe->inflight_fd = -1;
}

int
vfe_get_config(VfeFrontend *fe, uint32_t offset, uint32_t size, void *buf)
{
	VhostUserConfig req = { .offset = offset, .size = size, .flags = 0 };
	VhostUserConfig reply;
	size_t got = 0;
	int r;

	if (size > VHOST_USER_MAX_CONFIG_SIZE)
		return -EINVAL;
	r = vfe_call(fe, VHOST_USER_GET_CONFIG, &req, VHOST_USER_CONFIG_HDR_SIZE + size, &reply,
	             sizeof(reply), &got);
	if (r < 0)
		return r;
	if (got == 0)
		return -EIO;
	if (got != VHOST_USER_CONFIG_HDR_SIZE + size || reply.size != size) {
		g_message("back-end bug: GET_CONFIG reply of %zu bytes for %u bytes of config", got,
		          size);
		return -EPROTO;
	}
	memcpy(buf, reply.region, size);
	return 0;
}

int
vfe_set_config(VfeFrontend *fe, uint32_t offset, uint32_t size, uint32_t flags, const void *buf)
{
	VhostUserConfig req = { .offset = offset, .size = size, .flags = flags };

	if (size > VHOST_USER_MAX_CONFIG_SIZE)
		return -EINVAL;
	memcpy(req.region, buf, size);
	return vfe_request(fe, VHOST_USER_SET_CONFIG, &req, VHOST_USER_CONFIG_HDR_SIZE + size, NULL,
	                   0);
}

/* Dirty log */

static uint64_t
vfe_ram_end(VfeFrontend *fe)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < fe->nregions; i++)
		end = MAX(end, fe->regions[i].gpa + fe->regions[i].size);
	return end;
}

int
vfe_set_log(VfeFrontend *fe, uint64_t size)
{
	VhostUserLog log;
	uint64_t reply = 0;
	size_t got = 0;
	void *p;
	int fd;
	int r;

	if (size == 0) {
		uint64_t pages = (vfe_ram_end(fe) + VHOST_LOG_PAGE - 1) / VHOST_LOG_PAGE;

		size = MAX((pages + 7) / 8, 1);
	}
	fd = memfd_create("vfe-dirty-log", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		close(fd);
		return r;
	}
	log.mmap_size = size;
	log.mmap_offset = 0;
	/* The back-end answers SET_LOG_BASE with a reply of its own once it mapped the log. */
	r = vfe_call_fds(fe, VHOST_USER_SET_LOG_BASE, &log, sizeof(log), &fd, 1, &reply,
	                 sizeof(reply), &got, NULL);
	if (r < 0) {
		munmap(p, size);
		close(fd);
		return r;
	}
	if (fe->log)
		munmap(fe->log, fe->log_size);
	if (fe->log_fd >= 0)
		close(fe->log_fd);
	fe->log = p;
	fe->log_size = size;
	fe->log_fd = fd;
	return 0;
}

bool
vfe_log_is_dirty(VfeFrontend *fe, uint64_t gpa)
{
	uint64_t page = gpa / VHOST_LOG_PAGE;

	if (!fe->log || page / 8 >= fe->log_size)
		return false;
	return __atomic_load_n(&fe->log[page / 8], __ATOMIC_ACQUIRE) & (1u << (page % 8));
}

uint64_t
vfe_log_dirty_pages(VfeFrontend *fe)
{
	uint64_t n = 0;

	for (uint64_t i = 0; fe->log && i < fe->log_size; i++)
		n += (uint64_t)__builtin_popcount(__atomic_load_n(&fe->log[i], __ATOMIC_ACQUIRE));
	return n;
}

void
vfe_log_clear(VfeFrontend *fe)
{
	if (fe->log)
		memset(fe->log, 0, fe->log_size);
}

/* Inflight */

int
vfe_inflight_get(VfeFrontend *fe, uint16_t num_queues, uint16_t queue_size)
{
	VhostUserInflight req = { .num_queues = num_queues, .queue_size = queue_size };
	VhostUserInflight reply = { 0 };
	size_t got = 0;
	int fd = -1;
	void *p;
	int r;

	r = vfe_call_fds(fe, VHOST_USER_GET_INFLIGHT_FD, &req, sizeof(req), NULL, 0, &reply,
	                 sizeof(reply), &got, &fd);
	if (r < 0)
		return r;
	if (got != sizeof(reply) || fd < 0 || reply.mmap_size == 0) {
		g_message("back-end bug: GET_INFLIGHT_FD reply of %zu bytes, fd %d, size "
		          "%" G_GUINT64_FORMAT,
		          got, fd, (guint64)reply.mmap_size);
		if (fd >= 0)
			close(fd);
		return -EPROTO;
	}
	p = mmap(NULL, reply.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	         (off_t)reply.mmap_offset);
	if (p == MAP_FAILED) {
		r = -errno;
		close(fd);
		return r;
	}
	if (fe->inflight)
		munmap(fe->inflight, fe->inflight_size);
	if (fe->inflight_fd >= 0)
		close(fe->inflight_fd);
	fe->inflight = p;
	fe->inflight_size = reply.mmap_size;
	fe->inflight_fd = fd;
	fe->inflight_info = reply;
	fe->inflight_info.num_queues = num_queues;
	fe->inflight_info.queue_size = queue_size;
	return 0;
}

int
vfe_inflight_send(VfeFrontend *fe)
{
	if (fe->inflight_fd < 0)
		return -ENOENT;
	return vfe_request(fe, VHOST_USER_SET_INFLIGHT_FD, &fe->inflight_info,
	                   sizeof(fe->inflight_info), &fe->inflight_fd, 1);
}

void *
vfe_inflight_area(VfeFrontend *fe, size_t *size)
{
	if (size)
		*size = fe->inflight_size;
	return fe->inflight;
}

/* Device state */

/*
 * Sends SET_DEVICE_STATE_FD with our end of a pipe and returns the fd to use
 * for the transfer: ours, or the one the back-end sent back instead.
 * While waiting for the reply, a SAVE drains the pipe into out, so that a
 * back-end that writes before replying cannot deadlock us.
 */
static int
vfe_device_state_start(VfeFrontend *fe, uint32_t direction, int give_fd, int our_fd,
                       GByteArray *out, int *transfer_fd)
{
	VhostUserTransferDeviceState req = {
		.direction = direction,
		.phase = VHOST_TRANSFER_STATE_PHASE_STOPPED,
	};
	gint64 deadline = vfe_deadline(fe->timeout_ms);
	uint64_t reply = 0;
	size_t got = 0;
	int reply_fd = -1;
	int r;

	r = vfe_send_msg(fe, VHOST_USER_SET_DEVICE_STATE_FD, VHOST_USER_VERSION, &req, sizeof(req),
	                 &give_fd, 1);
	close(give_fd);
	if (r < 0)
		return r;
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = fe->fd, .events = POLLIN },
			{ .fd = out ? our_fd : -1, .events = POLLIN },
		};
		int n = poll(pfd, 2, vfe_remaining_ms(deadline));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		if (pfd[0].revents)
			break;
		if (pfd[1].revents) {
			uint8_t buf[4096];
			ssize_t k = read(our_fd, buf, sizeof(buf));

			if (k > 0)
				g_byte_array_append(out, buf, (guint)k);
			else if (k == 0)
				break;
		}
	}
	r = vfe_recv_reply_fd(fe, VHOST_USER_SET_DEVICE_STATE_FD, &reply, sizeof(reply), &got,
	                      &reply_fd, -1);
	if (r < 0)
		return r;
	if (got != sizeof(reply)) {
		if (reply_fd >= 0)
			close(reply_fd);
		return -EPROTO;
	}
	if (reply & 0xff) {
		if (reply_fd >= 0)
			close(reply_fd);
		return -EIO;
	}
	if (!(reply & VHOST_USER_DEVICE_STATE_INVALID_FD)) {
		if (reply_fd < 0)
			return -EPROTO;
		*transfer_fd = reply_fd;
	} else {
		if (reply_fd >= 0)
			close(reply_fd);
		*transfer_fd = -1;
	}
	return 0;
}

static int
vfe_device_state_check(VfeFrontend *fe)
{
	uint64_t result;
	int r = vfe_call_u64(fe, VHOST_USER_CHECK_DEVICE_STATE, &result);

	if (r < 0)
		return r;
	return result == 0 ? 0 : -EIO;
}

/*
 * Opens a transfer in direction: a pipe whose far end goes to the back-end,
 * or the fd the back-end answers with instead; *fd is the end to read
 * (SAVE) or write (LOAD). Bytes the back-end writes early land in out.
 */
static int
vfe_device_state_open(VfeFrontend *fe, uint32_t direction, GByteArray *out, int *fd)
{
	bool save = direction == VHOST_TRANSFER_STATE_DIRECTION_SAVE;
	int other = -1;
	int p[2];
	int r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	r = vfe_device_state_start(fe, direction, save ? p[1] : p[0], save ? p[0] : p[1], out,
	                           &other);
	*fd = save ? p[0] : p[1];
	if (r < 0) {
		close(*fd);
		return r;
	}
	if (other >= 0) {
		close(*fd);
		*fd = other;
	}
	return 0;
}

int
vfe_device_state_save(VfeFrontend *fe, GBytes **out)
{
	g_autoptr(GByteArray) data = g_byte_array_new();
	gint64 deadline = vfe_deadline(fe->timeout_ms);
	int fd;
	int r;

	r = vfe_device_state_open(fe, VHOST_TRANSFER_STATE_DIRECTION_SAVE, data, &fd);
	if (r < 0)
		return r;
	for (;;) {
		uint8_t buf[65536];
		ssize_t k;

		r = vfe_poll_fd(fd, POLLIN, deadline);
		if (r <= 0) {
			close(fd);
			return r < 0 ? r : -ETIMEDOUT;
		}
		k = read(fd, buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		if (k == 0)
			break;
		g_byte_array_append(data, buf, (guint)k);
	}
	close(fd);
	r = vfe_device_state_check(fe);
	if (r < 0)
		return r;
	*out = g_byte_array_free_to_bytes(g_steal_pointer(&data));
	return 0;
}

int
vfe_device_state_load(VfeFrontend *fe, const void *data, size_t len)
{
	gint64 deadline = vfe_deadline(fe->timeout_ms);
	const uint8_t *d = data;
	size_t done = 0;
	int fd;
	int r;

	r = vfe_device_state_open(fe, VHOST_TRANSFER_STATE_DIRECTION_LOAD, NULL, &fd);
	if (r < 0)
		return r;
	/* Only our end: the back-end's end keeps its own file status flags. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (done < len) {
		ssize_t k;

		r = vfe_poll_fd(fd, POLLOUT, deadline);
		if (r <= 0) {
			close(fd);
			return r < 0 ? r : -ETIMEDOUT;
		}
		k = write(fd, d + done, len - done);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		done += (size_t)k;
	}
	close(fd);
	return vfe_device_state_check(fe);
}
