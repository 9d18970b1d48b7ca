/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk (virtio 1.2, 5.2) on a raw disk image, over virtio-mmio.
 *
 * One request queue, served synchronously on the thread that notified it
 * (a vCPU's QueueNotify exit or the ioeventfd handler), with the transport's
 * lock held. Offered: FLUSH, SEG_MAX, SIZE_MAX, BLK_SIZE, and RO for a
 * read-only disk. Requests: IN, OUT, FLUSH, GET_ID; any other type is
 * answered UNSUPP. A completed FLUSH has reached the disk (fdatasync) before
 * its status byte is written; a driver that declines FLUSH gets write-through.
 */
#ifndef VMM_DEVICES_VIRTIO_BLK_H
#define VMM_DEVICES_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio_mmio.h"

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define VIRTIO_BLK_SECTOR_SIZE	512u
#define VIRTIO_BLK_ID_BYTES	20u	/* GET_ID's answer: the serial, NUL-padded */
#define VIRTIO_BLK_QUEUE_SIZE	256u

struct virtio_blk_params {
	/*
	 * The raw image, open for reading and writing (reading only when
	 * read_only). Its size, rounded down to whole sectors, is the disk's
	 * capacity. It stays the caller's: destroy does not close it.
	 */
	int fd;
	bool read_only;
	/* GET_ID's answer: its first 20 bytes are used. NULL is "". */
	const char *serial;
};

struct virtio_blk;

/*
 * Creates the device and attaches its transport at `base` (see
 * virtio_mmio_attach()). Returns 0 with *blk set, or a negative errno:
 * -EINVAL for bad parameters, the error of finding the image's size, or of
 * virtio_mmio_attach().
 */
int virtio_blk_create(struct virtio_blk **blk, const struct virtio_blk_params *params,
		      struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
		      const struct guest_mem *mem);
/* Its transport, for ioeventfds and error reports. */
struct virtio_mmio *virtio_blk_transport(struct virtio_blk *blk);
/* The capacity in 512-byte sectors. */
uint64_t virtio_blk_capacity(const struct virtio_blk *blk);
/* Once nothing can reach the device any more. Does not close the image. */
void virtio_blk_destroy(struct virtio_blk *blk);

#endif /* VMM_DEVICES_VIRTIO_BLK_H */
