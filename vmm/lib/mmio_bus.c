// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO bus: a short table of guest-physical windows searched linearly
 * (a board has a few dozen devices; a KVM_EXIT_MMIO costs far more than the
 * search).
 *
 * Every range is handled through its last byte (base + size - 1) rather than
 * its end, so a window that reaches the top of the 64-bit space and a guest
 * access near it are computed without overflow.
 */
#include <errno.h>
#include <string.h>

#include "mmio_bus.h"

static uint64_t region_last(const struct mmio_region *r)
{
	return r->base + (r->size - 1);
}

int mmio_bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size,
		 const struct mmio_ops *ops, void *dev, const char *name)
{
	uint64_t last;
	unsigned int i;

	if (!ops || size == 0 || size - 1 > UINT64_MAX - base)
		return -EINVAL;
	last = base + (size - 1);

	/* [a, a_last] and [b, b_last] share a byte iff each starts before the other ends. */
	for (i = 0; i < bus->count; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (base <= region_last(r) && r->base <= last)
			return -EEXIST;
	}
	if (bus->count >= MMIO_BUS_MAX_REGIONS)
		return -ENOSPC;

	bus->regions[bus->count] = (struct mmio_region){
		.base = base,
		.size = size,
		.ops = ops,
		.dev = dev,
		.name = name,
	};
	bus->count++;
	return 0;
}

const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, uint64_t gpa, uint32_t len)
{
	unsigned int i;

	if (len == 0)
		return NULL;

	for (i = 0; i < bus->count; i++) {
		const struct mmio_region *r = &bus->regions[i];
		uint64_t offset;

		if (gpa < r->base || gpa > region_last(r))
			continue;
		/*
		 * gpa is inside r; the access fits when its last byte is too.
		 * Regions do not overlap, so no other region can hold it either.
		 */
		offset = gpa - r->base;
		if (len - 1 > (r->size - 1) - offset)
			return NULL;
		return r;
	}
	return NULL;
}

static bool valid_access_len(uint32_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

bool mmio_bus_access(const struct mmio_bus *bus, uint64_t gpa, bool is_write,
		     uint8_t *data, uint32_t len)
{
	const struct mmio_region *r = NULL;

	if (valid_access_len(len))
		r = mmio_bus_find(bus, gpa, len);

	/*
	 * Zeros where nobody, or a device that fills in fewer bytes, answers. An
	 * impossible length (KVM reports 1..8) touches no more than kvm_run's 8 bytes.
	 */
	if (!is_write)
		memset(data, 0, len < 8 ? len : 8);
	if (!r)
		return false;

	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->dev, gpa - r->base, data, len);
	} else if (r->ops->read) {
		r->ops->read(r->dev, gpa - r->base, data, len);
	}
	return true;
}
