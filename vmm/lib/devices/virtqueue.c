// SPDX-License-Identifier: GPL-2.0
/*
 * The device side of a split virtqueue (virtio 1.2, section 2.7).
 *
 * Memory ordering (2.7.13 and 2.7.10): the driver writes descriptors and
 * avail ring entries, then the avail index; we load the avail index with
 * acquire semantics, so what it covers is visible before we read it. We fill
 * a used entry, then store the used index with release semantics, so the
 * driver never sees an index covering an unwritten entry. Before reading the
 * driver's NO_INTERRUPT flag we need a full barrier after that store: the
 * driver clears the flag and then re-reads the used index, and without the
 * barrier each side could miss the other's write (a lost interrupt).
 *
 * Virtio structures are little-endian (1.4); the conversions cost nothing on
 * the little-endian hosts we build for, and keep the intent visible.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "virtqueue.h"

/* Ring layouts, 2.7.5 (descriptor table), 2.7.6 (available), 2.7.8 (used). */
struct virtq_desc {
	uint32_t addr_lo;	/* le64 addr, read as two halves: see read_desc() */
	uint32_t addr_hi;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* size entries, then le16 used_event (EVENT_IDX only) */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];	/* size entries, then le16 avail_event */
};

_Static_assert(sizeof(struct virtq_desc) == 16, "descriptor layout, 2.7.5");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "used element layout, 2.7.8");

/* Alignment of each ring (2.7, table "Virtqueue Part Alignment"). */
#define DESC_ALIGN	16u
#define AVAIL_ALIGN	2u
#define USED_ALIGN	4u

/* A descriptor as read once from guest memory. */
struct desc_copy {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static uint16_t load16(const uint16_t *p, int order)
{
	return le16toh(__atomic_load_n(p, order));
}

static uint32_t load32(const uint32_t *p)
{
	return le32toh(__atomic_load_n(p, __ATOMIC_RELAXED));
}

/*
 * Each field is loaded exactly once, so a guest rewriting the descriptor
 * while we walk it cannot make a checked value differ from the used one. The
 * 64-bit address is two 32-bit loads: 32-bit ARM has no plain 64-bit atomic
 * load, and a torn address is still checked as a whole below.
 */
static struct desc_copy read_desc(const struct virtq *vq, uint16_t i)
{
	const struct virtq_desc *d = &vq->desc[i];

	return (struct desc_copy){
		.addr = load32(&d->addr_lo) | (uint64_t)load32(&d->addr_hi) << 32,
		.len = load32(&d->len),
		.flags = load16(&d->flags, __ATOMIC_RELAXED),
		.next = load16(&d->next, __ATOMIC_RELAXED),
	};
}

static void vmark_broken(struct virtq *vq, const char *fmt, va_list ap)
{
	if (vq->broken)
		return;
	vq->broken = true;
	vsnprintf(vq->error, sizeof(vq->error), fmt, ap);
}

void virtq_mark_broken(struct virtq *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmark_broken(vq, fmt, ap);
	va_end(ap);
}

/* Marks the queue broken and returns -EIO, for `return broken(...)`. */
__attribute__((format(printf, 2, 3)))
static int broken(struct virtq *vq, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmark_broken(vq, fmt, ap);
	va_end(ap);
	return -EIO;
}

bool virtq_broken(const struct virtq *vq)
{
	return vq->broken;
}

const char *virtq_error(const struct virtq *vq)
{
	return vq->broken ? vq->error : "";
}

bool virtq_enabled(const struct virtq *vq)
{
	return vq->enabled;
}

void virtq_disable(struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
}

/* The host address of a whole ring, or NULL (with the queue broken). */
static void *map_ring(struct virtq *vq, const char *what, uint64_t gpa, uint64_t bytes,
		      unsigned int align)
{
	void *p = guest_mem_ptr(vq->mem, gpa, bytes);

	if (!p) {
		broken(vq, "%s at %#llx (%llu bytes) is not in guest RAM", what,
		       (unsigned long long)gpa, (unsigned long long)bytes);
		return NULL;
	}
	/*
	 * The host pointer's alignment is what the CPU's ring accesses need;
	 * guest RAM's mapping is page-aligned, so it equals the guest's.
	 */
	if ((uintptr_t)p % align) {
		broken(vq, "%s at %#llx is not %u-byte aligned", what, (unsigned long long)gpa,
		       align);
		return NULL;
	}
	return p;
}

int virtq_init(struct virtq *vq, const struct guest_mem *mem, uint16_t size,
	       uint64_t desc, uint64_t avail, uint64_t used)
{
	virtq_disable(vq);
	vq->mem = mem;
	if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1))) {
		broken(vq, "queue size %u is not a power of two in 1..%u", size, VIRTQ_MAX_SIZE);
		return -EINVAL;
	}
	/* Sizes of 2.7: the avail and used rings end with a 16-bit event field. */
	vq->desc = map_ring(vq, "descriptor table", desc, 16ull * size, DESC_ALIGN);
	vq->avail = map_ring(vq, "available ring", avail, 6ull + 2ull * size, AVAIL_ALIGN);
	vq->used = map_ring(vq, "used ring", used, 6ull + 8ull * size, USED_ALIGN);
	if (vq->broken) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return -EINVAL;
	}
	vq->size = size;
	vq->enabled = true;
	return 0;
}

/* Follows the chain starting at `head` into *c, checking every link and buffer. */
static int walk_chain(struct virtq *vq, uint16_t head, struct virtq_chain *c)
{
	uint16_t i = head;
	uint64_t total = 0;
	unsigned int n;

	c->head = head;
	c->nr_readable = 0;
	c->nr_writable = 0;
	c->readable_len = 0;
	c->writable_len = 0;
	for (n = 0;; n++) {
		struct desc_copy d;
		void *p;

		if (i >= vq->size)
			return broken(vq, "descriptor index %u is out of range (queue size %u)", i,
				      vq->size);
		/* More links than descriptors means some descriptor repeats: a loop. */
		if (n == vq->size)
			return broken(vq, "chain at head %u has more than %u descriptors (a loop?)",
				      head, vq->size);
		d = read_desc(vq, i);
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return broken(vq, "descriptor %u is indirect, which was not offered", i);
		/* guest_mem_ptr() refuses 0 too; say why in plain words. */
		if (d.len == 0)
			return broken(vq, "descriptor %u has length 0", i);
		total += d.len;
		if (total > VIRTQ_CHAIN_MAX_BYTES)
			return broken(vq, "chain at head %u exceeds %u bytes", head,
				      VIRTQ_CHAIN_MAX_BYTES);
		p = guest_mem_ptr(vq->mem, d.addr, d.len);
		if (!p)
			return broken(vq,
				      "descriptor %u: buffer %#llx (%u bytes) is not in guest RAM",
				      i, (unsigned long long)d.addr, d.len);
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			c->nr_writable++;
			c->writable_len += d.len;
		} else {
			/* 2.7.4.2: device-writable buffers follow all readable ones. */
			if (c->nr_writable)
				return broken(vq,
					      "descriptor %u is readable after a writable one",
					      i);
			c->nr_readable++;
			c->readable_len += d.len;
		}
		c->iov[n].iov_base = p;
		c->iov[n].iov_len = d.len;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_chain *chain)
{
	uint16_t avail_idx, pending, head;

	if (vq->broken)
		return -EIO;
	if (!vq->enabled)
		return 0;
	/* Acquire: the ring entries and descriptors it covers are visible below. */
	avail_idx = load16(&vq->avail->idx, __ATOMIC_ACQUIRE);
	pending = avail_idx - vq->last_avail;
	if (pending == 0)
		return 0;
	/* The driver can have at most `size` chains outstanding (2.7.13.3). */
	if (pending > vq->size)
		return broken(vq, "available index jumped from %u to %u, beyond the %u entries",
			      vq->last_avail, avail_idx, vq->size);
	head = load16(&vq->avail->ring[vq->last_avail & (vq->size - 1)], __ATOMIC_RELAXED);
	if (walk_chain(vq, head, chain))
		return -EIO;
	vq->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *vq)
{
	vq->last_avail--;
}

void virtq_push(struct virtq *vq, const struct virtq_chain *chain, uint32_t written)
{
	struct virtq_used_elem *e;

	if (!vq->enabled || vq->broken)
		return;
	if (written > chain->writable_len)
		written = chain->writable_len;
	e = &vq->used->ring[vq->used_idx & (vq->size - 1)];
	__atomic_store_n(&e->id, htole32(chain->head), __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, htole32(written), __ATOMIC_RELAXED);
	vq->used_idx++;
	/* Release: the element is visible before the index that covers it. */
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx), __ATOMIC_RELEASE);
	vq->used_since_check = true;
}

bool virtq_should_interrupt(struct virtq *vq)
{
	if (!vq->enabled || !vq->used_since_check)
		return false;
	vq->used_since_check = false;
	/* Order the used index store before the flags load (see the top of this file). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(load16(&vq->avail->flags, __ATOMIC_RELAXED) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/* One piece of a byte range: `bytes` at `base`, after `done` bytes of the range. */
typedef void (*piece_fn)(void *ctx, uint8_t *base, size_t bytes, size_t done);

/*
 * Walks iov[0..n) from byte `offset`, calling back on each piece of
 * [offset, offset + len). Returns the bytes covered.
 */
static size_t for_each_piece(const struct iovec *iov, unsigned int n, size_t offset, size_t len,
			     piece_fn fn, void *ctx)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		size_t piece;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		piece = iov[i].iov_len - offset;
		if (piece > len - done)
			piece = len - done;
		fn(ctx, (uint8_t *)iov[i].iov_base + offset, piece, done);
		done += piece;
		offset = 0;
	}
	return done;
}

static void copy_out(void *buf, uint8_t *base, size_t bytes, size_t done)
{
	memcpy((uint8_t *)buf + done, base, bytes);
}

static void copy_in(void *buf, uint8_t *base, size_t bytes, size_t done)
{
	memcpy(base, (const uint8_t *)buf + done, bytes);
}

size_t virtq_chain_read(const struct virtq_chain *chain, size_t offset, void *buf, size_t len)
{
	return for_each_piece(chain->iov, chain->nr_readable, offset, len, copy_out, buf);
}

size_t virtq_chain_write(const struct virtq_chain *chain, size_t offset, const void *buf,
			 size_t len)
{
	return for_each_piece(chain->iov + chain->nr_readable, chain->nr_writable, offset, len,
			      copy_in, (void *)buf);
}

struct slice_ctx {
	struct iovec *out;
	unsigned int count;
};

static void add_slice(void *ctx, uint8_t *base, size_t bytes, size_t done)
{
	struct slice_ctx *s = ctx;

	(void)done;
	s->out[s->count].iov_base = base;
	s->out[s->count].iov_len = bytes;
	s->count++;
}

unsigned int virtq_chain_slice(const struct virtq_chain *chain, bool writable, size_t offset,
			       size_t len, struct iovec *out)
{
	struct slice_ctx s = { .out = out, .count = 0 };

	if (writable)
		for_each_piece(chain->iov + chain->nr_readable, chain->nr_writable, offset, len,
			       add_slice, &s);
	else
		for_each_piece(chain->iov, chain->nr_readable, offset, len, add_slice, &s);
	return s.count;
}
