/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's side of virtio for unit tests: a guest RAM buffer, a driver
 * that builds split rings in it (virtio 1.2, 2.7) and drives a virtio-mmio
 * transport's registers (4.2.2) through the MMIO bus, and an interrupt line
 * that counts pulses. Tests using the register helpers link vmm/lib/mmio_bus.c.
 *
 * Ring layouts and register offsets are spelled out here from the spec rather
 * than taken from the device headers, so a wrong constant there cannot hide
 * itself.
 */
#ifndef VIRTIO_GUEST_H
#define VIRTIO_GUEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_mem.h"
#include "irq.h"
#include "mmio_bus.h"

#define RAM_BASE	0x40000000ull
#define RAM_SIZE	(1ull << 20)
#define DEV_BASE	0x0a000000ull	/* where tests attach their one transport */

/* Each queue's rings: descriptors at +0, available at +0x1000, used at +0x2000. */
#define RING_AREA(q)	(RAM_BASE + 0x4000ull * (q))
/* Data buffers live above the rings. */
#define DATA_BASE	(RAM_BASE + 0x40000ull)

/* Registers (4.2.2). */
#define R_MAGIC		0x000
#define R_VERSION	0x004
#define R_DEVICE_ID	0x008
#define R_VENDOR_ID	0x00c
#define R_DEV_FEAT	0x010
#define R_DEV_FEAT_SEL	0x014
#define R_DRV_FEAT	0x020
#define R_DRV_FEAT_SEL	0x024
#define R_QUEUE_SEL	0x030
#define R_QUEUE_NUM_MAX	0x034
#define R_QUEUE_NUM	0x038
#define R_QUEUE_READY	0x044
#define R_QUEUE_NOTIFY	0x050
#define R_INT_STATUS	0x060
#define R_INT_ACK	0x064
#define R_STATUS	0x070
#define R_DESC_LO	0x080
#define R_DESC_HI	0x084
#define R_DRIVER_LO	0x090
#define R_DRIVER_HI	0x094
#define R_DEVICE_LO	0x0a0
#define R_DEVICE_HI	0x0a4
#define R_SHM_LEN_LO	0x0b0
#define R_CONFIG_GEN	0x0fc
#define R_CONFIG	0x100

/* Device status (2.1). */
#define S_ACK		1u
#define S_DRIVER	2u
#define S_DRIVER_OK	4u
#define S_FEATURES_OK	8u
#define S_NEEDS_RESET	64u
#define S_FAILED	128u

#define F_VERSION_1	(1ull << 32)

/* Descriptor flags (2.7.5). */
#define D_NEXT		1u
#define D_WRITE		2u
#define D_INDIRECT	4u

struct guest {
	struct guest_mem mem;
	struct mmio_bus bus;
	struct irq_line irq;
	unsigned int pulses;		/* edges the devices sent */
	unsigned int level_changes;	/* must stay 0: virtio-mmio lines are edge-triggered */
};

static void guest_irq_pulse(struct irq_line *line)
{
	((struct guest *)line->ctx)->pulses++;
}

static void guest_irq_set_level(struct irq_line *line, bool level)
{
	(void)level;
	((struct guest *)line->ctx)->level_changes++;
}

static const struct irq_line_ops guest_irq_ops = {
	.set_level = guest_irq_set_level,
	.pulse = guest_irq_pulse,
};

static inline void guest_init(struct guest *g)
{
	memset(g, 0, sizeof(*g));
	g->mem.gpa = RAM_BASE;
	g->mem.size = RAM_SIZE;
	g->mem.host = aligned_alloc(4096, RAM_SIZE);
	memset(g->mem.host, 0, RAM_SIZE);
	g->irq.ops = &guest_irq_ops;
	g->irq.ctx = g;
	g->irq.spi = 16;
	g->irq.irqfd = -1;
}

static inline void guest_free(struct guest *g)
{
	free(g->mem.host);
}

static inline uint8_t *gptr(struct guest *g, uint64_t gpa)
{
	return g->mem.host + (gpa - RAM_BASE);
}

/* Little-endian stores and loads in guest RAM, as a driver does them. */
static inline void gw16(struct guest *g, uint64_t gpa, uint16_t v)
{
	uint8_t *p = gptr(g, gpa);

	p[0] = v;
	p[1] = v >> 8;
}

static inline void gw32(struct guest *g, uint64_t gpa, uint32_t v)
{
	gw16(g, gpa, v);
	gw16(g, gpa + 2, v >> 16);
}

static inline void gw64(struct guest *g, uint64_t gpa, uint64_t v)
{
	gw32(g, gpa, v);
	gw32(g, gpa + 4, v >> 32);
}

static inline uint16_t gr16(struct guest *g, uint64_t gpa)
{
	uint8_t *p = gptr(g, gpa);

	return p[0] | p[1] << 8;
}

static inline uint32_t gr32(struct guest *g, uint64_t gpa)
{
	return gr16(g, gpa) | (uint32_t)gr16(g, gpa + 2) << 16;
}

/* --- the driver's side of one split queue (2.7) -------------------------------------- */

struct drv_vq {
	struct guest *g;
	uint64_t desc, avail, used;	/* guest-physical */
	uint16_t size;
	uint16_t avail_idx;		/* next available index to publish */
	uint16_t used_seen;		/* used entries consumed so far */
	uint16_t next_desc;		/* descriptors are handed out round-robin */
};

struct drv_buf {
	uint64_t gpa;
	uint32_t len;
	bool writable;
};

static inline void drv_vq_init(struct drv_vq *vq, struct guest *g, unsigned int q, uint16_t size)
{
	memset(vq, 0, sizeof(*vq));
	vq->g = g;
	vq->desc = RING_AREA(q);
	vq->avail = RING_AREA(q) + 0x1000;
	vq->used = RING_AREA(q) + 0x2000;
	vq->size = size;
}

/* Writes descriptor i (2.7.5: le64 addr, le32 len, le16 flags, le16 next). */
static inline void drv_set_desc(struct drv_vq *vq, uint16_t i, uint64_t addr, uint32_t len,
				uint16_t flags, uint16_t next)
{
	uint64_t d = vq->desc + 16ull * i;

	gw64(vq->g, d, addr);
	gw32(vq->g, d + 8, len);
	gw16(vq->g, d + 12, flags);
	gw16(vq->g, d + 14, next);
}

/* Puts `head` in the next available entry and publishes it (2.7.13). */
static inline void drv_publish(struct drv_vq *vq, uint16_t head)
{
	gw16(vq->g, vq->avail + 4 + 2ull * (vq->avail_idx % vq->size), head);
	vq->avail_idx++;
	gw16(vq->g, vq->avail + 2, vq->avail_idx);
}

/* Builds a chain of n buffers from the next free descriptors and publishes it; returns its head. */
static inline uint16_t drv_add(struct drv_vq *vq, const struct drv_buf *bufs, unsigned int n)
{
	uint16_t head = vq->next_desc;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t d = (head + i) % vq->size;
		uint16_t next = (d + 1) % vq->size;

		drv_set_desc(vq, d, bufs[i].gpa, bufs[i].len,
			     (bufs[i].writable ? D_WRITE : 0) | (i + 1 < n ? D_NEXT : 0), next);
	}
	vq->next_desc = (head + n) % vq->size;
	drv_publish(vq, head);
	return head;
}

static inline uint16_t drv_used_idx(struct drv_vq *vq)
{
	return gr16(vq->g, vq->used + 2);
}

/* Takes the next used element (2.7.8); false when the device returned nothing new. */
static inline bool drv_get_used(struct drv_vq *vq, uint32_t *id, uint32_t *len)
{
	uint64_t e;

	if (drv_used_idx(vq) == vq->used_seen)
		return false;
	e = vq->used + 4 + 8ull * (vq->used_seen % vq->size);
	*id = gr32(vq->g, e);
	*len = gr32(vq->g, e + 4);
	vq->used_seen++;
	return true;
}

static inline void drv_set_no_interrupt(struct drv_vq *vq, bool on)
{
	gw16(vq->g, vq->avail, on ? 1 : 0);
}

/* --- the driver's side of the transport (4.2.2, 4.2.3) --------------------------------- */

/* An access of len bytes at DEV_BASE + off, as a vCPU's MMIO exit makes it. */
static inline uint32_t mmio_rd(struct guest *g, uint64_t off, uint32_t len)
{
	uint8_t data[8];
	uint32_t v = 0;
	unsigned int i;

	memset(data, 0xee, sizeof(data));
	mmio_bus_access(&g->bus, DEV_BASE + off, false, data, len);
	for (i = 0; i < len && i < 4; i++)
		v |= (uint32_t)data[i] << (8 * i);
	return v;
}

static inline void mmio_wr(struct guest *g, uint64_t off, uint32_t len, uint32_t v)
{
	uint8_t data[8] = { 0 };
	unsigned int i;

	for (i = 0; i < len && i < 4; i++)
		data[i] = v >> (8 * i);
	mmio_bus_access(&g->bus, DEV_BASE + off, true, data, len);
}

static inline uint32_t rd(struct guest *g, uint64_t off)
{
	return mmio_rd(g, off, 4);
}

static inline void wr(struct guest *g, uint64_t off, uint32_t v)
{
	mmio_wr(g, off, 4, v);
}

static inline uint64_t dev_features(struct guest *g)
{
	uint64_t f;

	wr(g, R_DEV_FEAT_SEL, 0);
	f = rd(g, R_DEV_FEAT);
	wr(g, R_DEV_FEAT_SEL, 1);
	return f | (uint64_t)rd(g, R_DEV_FEAT) << 32;
}

static inline void set_driver_features(struct guest *g, uint64_t f)
{
	wr(g, R_DRV_FEAT_SEL, 0);
	wr(g, R_DRV_FEAT, f);
	wr(g, R_DRV_FEAT_SEL, 1);
	wr(g, R_DRV_FEAT, f >> 32);
}

/* Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK (3.1.1). Returns the status read back. */
static inline uint32_t drv_negotiate(struct guest *g, uint64_t features)
{
	wr(g, R_STATUS, 0);
	wr(g, R_STATUS, S_ACK);
	wr(g, R_STATUS, S_ACK | S_DRIVER);
	set_driver_features(g, features);
	wr(g, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	return rd(g, R_STATUS);
}

/* Sets up queue q with the rings of vq (4.2.3.2). */
static inline void drv_setup_queue(struct guest *g, unsigned int q, struct drv_vq *vq)
{
	wr(g, R_QUEUE_SEL, q);
	wr(g, R_QUEUE_NUM, vq->size);
	wr(g, R_DESC_LO, vq->desc);
	wr(g, R_DESC_HI, vq->desc >> 32);
	wr(g, R_DRIVER_LO, vq->avail);
	wr(g, R_DRIVER_HI, vq->avail >> 32);
	wr(g, R_DEVICE_LO, vq->used);
	wr(g, R_DEVICE_HI, vq->used >> 32);
	wr(g, R_QUEUE_READY, 1);
}

static inline void drv_driver_ok(struct guest *g)
{
	wr(g, R_STATUS, rd(g, R_STATUS) | S_DRIVER_OK);
}

/* The whole of 3.1.1 with one queue of `size` entries. */
static inline void drv_start_one_queue(struct guest *g, uint64_t features, struct drv_vq *vq,
				       uint16_t size)
{
	drv_negotiate(g, features);
	drv_vq_init(vq, g, 0, size);
	drv_setup_queue(g, 0, vq);
	drv_driver_ok(g);
}

/* 3.1.1 with queues 0..n-1 (vqs[0..n)), each of `size` entries. */
static inline void drv_start_queues(struct guest *g, uint64_t features, struct drv_vq *vqs,
				    unsigned int n, uint16_t size)
{
	unsigned int q;

	drv_negotiate(g, features);
	for (q = 0; q < n; q++) {
		drv_vq_init(&vqs[q], g, q, size);
		drv_setup_queue(g, q, &vqs[q]);
	}
	drv_driver_ok(g);
}

#endif /* VIRTIO_GUEST_H */
