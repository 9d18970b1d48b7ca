/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMIO bus: device models register the guest-physical windows they
 * decode, and the vCPU threads dispatch each KVM_EXIT_MMIO to the owner.
 *
 * Data travels as little-endian bytes exactly as in kvm_run->mmio.data; a
 * device decides which access sizes it honours (most take 32-bit only, and
 * read other sizes as zero / ignore them). Callbacks run on vCPU threads, so
 * concurrently with each other and with the event loop: each device protects
 * its own state.
 */
#ifndef VMM_MMIO_BUS_H
#define VMM_MMIO_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct mmio_ops {
	/* offset is relative to the window's base; len is 1, 2, 4 or 8. */
	void (*read)(void *dev, uint64_t offset, uint8_t *data, uint32_t len);
	void (*write)(void *dev, uint64_t offset, const uint8_t *data, uint32_t len);
};

struct mmio_region {
	uint64_t base;
	uint64_t size;
	const struct mmio_ops *ops;
	void *dev;
	const char *name;
};

#define MMIO_BUS_MAX_REGIONS 64

struct mmio_bus {
	struct mmio_region regions[MMIO_BUS_MAX_REGIONS];
	unsigned int count;
};

/*
 * Adds a window. Returns 0, -EINVAL for an empty or wrapping window, -EEXIST
 * when it overlaps a registered one, -ENOSPC when the bus is full. Regions
 * are registered before the vCPUs start and never removed while they run.
 */
int mmio_bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size,
		 const struct mmio_ops *ops, void *dev, const char *name);

/* The region holding [gpa, gpa + len), or NULL. */
const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, uint64_t gpa, uint32_t len);

/*
 * Performs one access. A read of an address no device decodes returns zeros
 * and a write is ignored, as on a bus without an error response; the return
 * value tells whether a device took it (false lets the caller report it).
 */
bool mmio_bus_access(const struct mmio_bus *bus, uint64_t gpa, bool is_write,
		     uint8_t *data, uint32_t len);

/* Little-endian helpers for device models (registers, config spaces). */
static inline uint32_t mmio_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void mmio_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void mmio_put_le32(uint8_t *p, uint32_t v)
{
	mmio_put_le16(p, v);
	mmio_put_le16(p + 2, v >> 16);
}

static inline void mmio_put_le64(uint8_t *p, uint64_t v)
{
	mmio_put_le32(p, v);
	mmio_put_le32(p + 4, v >> 32);
}

#endif /* VMM_MMIO_BUS_H */
