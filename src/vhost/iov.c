/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded copies between flat buffers and scatter lists. */
#include <string.h>

#include "vhost.h"

size_t
vhost_iov_size(const struct iovec *iov, unsigned int n)
{
	size_t total = 0;

	for (unsigned int i = 0; i < n; i++)
		total += iov[i].iov_len;
	return total;
}

/* Walks iov from offset, calling copy on each piece; returns bytes done. */
static size_t
iov_walk(const struct iovec *iov, unsigned int n, size_t offset, uint8_t *buf, size_t len,
         bool to_iov)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		size_t chunk = MIN(iov[i].iov_len - offset, len - done);
		uint8_t *base = (uint8_t *)iov[i].iov_base + offset;
		if (to_iov)
			memcpy(base, buf + done, chunk);
		else
			memcpy(buf + done, base, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

size_t
vhost_iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset, void *buf, size_t len)
{
	return iov_walk(iov, n, offset, buf, len, false);
}

size_t
vhost_iov_from_buf(const struct iovec *iov, unsigned int n, size_t offset, const void *buf,
                   size_t len)
{
	return iov_walk(iov, n, offset, (uint8_t *)buf, len, true);
}
