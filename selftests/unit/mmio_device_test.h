/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the unit tests of a level-triggered MMIO device model (PL011, PL031)
 * share: an interrupt line that records what the device sets it to, and
 * register accesses of any size through the MMIO bus. The including test
 * defines DEVICE_BASE, where it attached its device, first.
 */
#ifndef KVM32_MMIO_DEVICE_TEST_H
#define KVM32_MMIO_DEVICE_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "irq.h"
#include "mmio_bus.h"

#ifndef DEVICE_BASE
#error "define DEVICE_BASE before including mmio_device_test.h"
#endif

/* The interrupt line as the guest's GIC would see it: every set_level call. */
struct line_recorder {
	struct irq_line line;
	int changes;
	bool level;
};

static void record_level(struct irq_line *line, bool level)
{
	struct line_recorder *r = line->ctx;

	r->changes++;
	r->level = level;
}

static void no_pulse(struct irq_line *line)
{
	(void)line;
	abort();	/* a level-triggered device never pulses */
}

static const struct irq_line_ops recorder_ops = { .set_level = record_level, .pulse = no_pulse };

/* @r records; the line is SPI @spi. */
static inline void line_recorder_init(struct line_recorder *r, uint32_t spi)
{
	*r = (struct line_recorder){
		.line = { .ops = &recorder_ops, .ctx = r, .spi = spi, .irqfd = -1 },
	};
}

/* An access of len bytes; reads start from a pattern so "left untouched" shows. */
static inline uint32_t rd_len(struct mmio_bus *bus, uint64_t offset, uint32_t len)
{
	uint8_t data[8];
	uint32_t val = 0, i;

	memset(data, 0xee, sizeof(data));
	if (!mmio_bus_access(bus, DEVICE_BASE + offset, false, data, len))
		return 0xdeadbeef;
	for (i = 0; i < len && i < 4; i++)
		val |= (uint32_t)data[i] << (8 * i);
	return val;
}

static inline uint32_t rd(struct mmio_bus *bus, uint64_t offset)
{
	return rd_len(bus, offset, 4);
}

static inline void wr_len(struct mmio_bus *bus, uint64_t offset, uint32_t len, uint64_t val)
{
	uint8_t data[8] = { 0 };
	uint32_t i;

	for (i = 0; i < len && i < sizeof(data); i++)
		data[i] = val >> (8 * i);
	mmio_bus_access(bus, DEVICE_BASE + offset, true, data, len);
}

static inline void wr(struct mmio_bus *bus, uint64_t offset, uint32_t val)
{
	wr_len(bus, offset, 4, val);
}

#endif /* KVM32_MMIO_DEVICE_TEST_H */
