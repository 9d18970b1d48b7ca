/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a split virtqueue (virtio 1.2, section 2.7).
 *
 * The rings and every buffer live in guest RAM and are written by an
 * untrusted guest running on other CPUs. Nothing here trusts them: ring
 * addresses, chain links, buffer addresses and lengths are checked, each
 * guest value is read once, and every host pointer handed out comes from
 * guest_mem_ptr(). A queue whose driver breaks the rules is marked broken
 * (virtq_broken()): it hands out nothing more until it is set up again, and
 * the transport turns that into DEVICE_NEEDS_RESET (virtio_mmio.h).
 *
 * Not offered, hence refused when a guest uses them anyway: indirect
 * descriptors (VIRTIO_F_INDIRECT_DESC) and used-event suppression
 * (VIRTIO_F_EVENT_IDX). The driver's VIRTQ_AVAIL_F_NO_INTERRUPT is honoured.
 *
 * Not thread-safe: the owner (the transport's lock) serializes all calls on
 * one queue.
 */
#ifndef VMM_DEVICES_VIRTQUEUE_H
#define VMM_DEVICES_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "guest_mem.h"

/* The largest queue any device here offers; a chain never has more segments. */
#define VIRTQ_MAX_SIZE		256u
/*
 * The most bytes one chain may describe. The spec's limit is 4 GiB (2.7.13.1);
 * a much smaller cap bounds what one request can make the VMM do.
 * virtio-blk keeps its requests below it (SEG_MAX * SIZE_MAX, virtio_blk.c).
 */
#define VIRTQ_CHAIN_MAX_BYTES	(64u << 20)

/* Descriptor flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT	1u
#define VIRTQ_DESC_F_WRITE	2u
#define VIRTQ_DESC_F_INDIRECT	4u
/* Driver's available-ring flag (2.7.6): "do not interrupt me". */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

struct virtq_desc;
struct virtq_avail;
struct virtq_used;

/*
 * One queue's device-side state. All fields are private: use the functions
 * below. A zeroed struct is a disabled queue.
 */
struct virtq {
	const struct guest_mem *mem;
	const struct virtq_desc *desc;	/* guest-written: read field by field, once */
	const struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t size;			/* entries, a power of two */
	uint16_t last_avail;		/* free-running index of the next avail entry to take */
	uint16_t used_idx;		/* free-running index of the next used entry to fill */
	bool enabled;
	bool broken;
	bool used_since_check;		/* pushed since virtq_should_interrupt() last ran */
	char error[128];		/* why it broke (the first reason) */
};

/*
 * One descriptor chain, walked. The driver-readable buffers come first
 * (iov[0 .. nr_readable)), the device-writable ones after them
 * (iov[nr_readable .. nr_readable + nr_writable)): a chain in another order is
 * refused (2.7.4.2). Every iov_base points into guest RAM, wholly inside it,
 * and no iov_len is 0. The guest may still change the bytes at any time:
 * copy a header out once before checking it.
 */
struct virtq_chain {
	uint16_t head;			/* the descriptor index the used ring reports */
	unsigned int nr_readable;
	unsigned int nr_writable;
	size_t readable_len;		/* bytes in the readable segments */
	size_t writable_len;		/* bytes in the writable segments */
	struct iovec iov[VIRTQ_MAX_SIZE];
};

/*
 * Starts using the rings the driver placed at desc/avail/used (guest-physical)
 * with `size` entries, from index 0. Returns 0, or -EINVAL when size is not a
 * power of two in 1..VIRTQ_MAX_SIZE, a ring is not wholly in guest RAM or is
 * misaligned (16/2/4 bytes, 2.7): the queue is then broken and disabled.
 */
int virtq_init(struct virtq *vq, const struct guest_mem *mem, uint16_t size,
	       uint64_t desc, uint64_t avail, uint64_t used);
/* Forgets the rings and any breakage (device reset, QueueReady = 0). */
void virtq_disable(struct virtq *vq);
bool virtq_enabled(const struct virtq *vq);

/*
 * Takes the next available chain. Returns 1 with *chain filled, 0 when the
 * driver has made nothing new available (or the queue is disabled), -EIO when
 * the queue is or just became broken: the avail index moved by more than the
 * queue size, or the chain has a head or next index out of range, more
 * descriptors than the queue (a loop), an indirect descriptor, a zero-length
 * buffer, a buffer not wholly in guest RAM, more than VIRTQ_CHAIN_MAX_BYTES,
 * or a readable buffer after a writable one.
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *chain);
/* Gives the chain virtq_pop() just returned back, to be popped again later. */
void virtq_unpop(struct virtq *vq);
/*
 * Returns a popped chain to the driver through the used ring, saying the device
 * wrote `written` bytes from the start of its writable part (2.7.8.1; clamped
 * to writable_len). Ignored on a disabled or broken queue.
 */
void virtq_push(struct virtq *vq, const struct virtq_chain *chain, uint32_t written);
/*
 * Whether chains were pushed since the last call and the driver wants an
 * interrupt for them (VIRTQ_AVAIL_F_NO_INTERRUPT clear). Clears the former.
 * The transport calls it; devices need not.
 */
bool virtq_should_interrupt(struct virtq *vq);

/*
 * Marks the queue broken for a reason only the device sees (a malformed
 * request: no status byte, a short header). The first reason is kept.
 */
void virtq_mark_broken(struct virtq *vq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool virtq_broken(const struct virtq *vq);
/* Why the queue broke, or "" when it is not. */
const char *virtq_error(const struct virtq *vq);

/*
 * Copies up to len bytes at `offset` in the chain's readable part into buf.
 * Returns the bytes copied (fewer when the part is shorter).
 */
size_t virtq_chain_read(const struct virtq_chain *chain, size_t offset, void *buf, size_t len);
/* Copies up to len bytes of buf to `offset` in the writable part; returns the bytes copied. */
size_t virtq_chain_write(const struct virtq_chain *chain, size_t offset, const void *buf,
			 size_t len);
/*
 * Describes bytes [offset, offset + len) of the readable (writable = false) or
 * writable part in `out` (room for VIRTQ_MAX_SIZE entries), for readv/writev/
 * preadv/pwritev. Returns the entries used; the range is cut at the part's end.
 */
unsigned int virtq_chain_slice(const struct virtq_chain *chain, bool writable, size_t offset,
			       size_t len, struct iovec *out);

#endif /* VMM_DEVICES_VIRTQUEUE_H */
