/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What contrib's GPU benchmarks build as a guest's driver would. */
#pragma once

#include <glib.h>
#include <linux/virtio_gpu.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_PAGE 4096u

/* The size of bench_attach_pages()'s request for `bytes` of backing. */
static inline size_t
bench_attach_pages_len(size_t bytes)
{
	return sizeof(struct virtio_gpu_resource_attach_backing) +
	       (bytes + BENCH_PAGE - 1) / BENCH_PAGE * sizeof(struct virtio_gpu_mem_entry);
}

/*
 * ATTACH_BACKING of `bytes` of guest RAM at gpa, one entry per 4 KiB page, as
 * a guest's shmem buffer looks. g_free() it; its size is bench_attach_pages_len().
 */
static inline uint8_t *
bench_attach_pages(uint32_t resource_id, uint64_t gpa, size_t bytes)
{
	size_t npages = (bytes + BENCH_PAGE - 1) / BENCH_PAGE;
	uint8_t *a = g_malloc0(bench_attach_pages_len(bytes));
	struct virtio_gpu_resource_attach_backing *ab = (void *)a;
	struct virtio_gpu_mem_entry *e = (void *)(a + sizeof(*ab));

	ab->hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING;
	ab->resource_id = resource_id;
	ab->nr_entries = (uint32_t)npages;
	for (size_t i = 0; i < npages; i++)
		e[i] = (struct virtio_gpu_mem_entry){
			gpa + i * BENCH_PAGE, (uint32_t)MIN(BENCH_PAGE, bytes - i * BENCH_PAGE), 0
		};
	return a;
}
