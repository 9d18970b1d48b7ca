// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/mmio_bus.c
/*
 * The MMIO bus: which windows it accepts, which access lands where, and what
 * a guest sees when nobody decodes an address (zeros, and no device called).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmio_bus.h"
#include "kselftest_harness.h"

/* A device that records its last access and answers reads with a marker pattern. */
struct recorder {
	unsigned int reads, writes;
	uint64_t offset;
	uint32_t len;
	uint8_t written[8];
	uint8_t fill;
};

static void rec_read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct recorder *r = dev;

	r->reads++;
	r->offset = offset;
	r->len = len;
	memset(data, r->fill, len);
}

static void rec_write(void *dev, uint64_t offset, const uint8_t *data, uint32_t len)
{
	struct recorder *r = dev;

	r->writes++;
	r->offset = offset;
	r->len = len;
	memcpy(r->written, data, len);
}

static const struct mmio_ops rec_ops = { .read = rec_read, .write = rec_write };

/* Reads nothing: the bus must still hand the guest zeros, not stale bytes. */
static void lazy_read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	(void)dev;
	(void)offset;
	(void)data;
	(void)len;
}

static const struct mmio_ops lazy_ops = { .read = lazy_read, .write = rec_write };

FIXTURE(bus) {
	struct mmio_bus bus;
	struct recorder a, b;
};

FIXTURE_SETUP(bus)
{
	memset(&self->bus, 0, sizeof(self->bus));
	memset(&self->a, 0, sizeof(self->a));
	memset(&self->b, 0, sizeof(self->b));
	self->a.fill = 0xaa;
	self->b.fill = 0xbb;
	ASSERT_EQ(0, mmio_bus_add(&self->bus, 0x1000, 0x100, &rec_ops, &self->a, "a"));
	ASSERT_EQ(0, mmio_bus_add(&self->bus, 0x2000, 0x1000, &rec_ops, &self->b, "b"));
}

FIXTURE_TEARDOWN(bus)
{
}

TEST_F(bus, empty_wrapping_and_opless_windows_are_refused)
{
	EXPECT_EQ(-EINVAL, mmio_bus_add(&self->bus, 0x8000, 0, &rec_ops, NULL, "empty"));
	EXPECT_EQ(-EINVAL, mmio_bus_add(&self->bus, UINT64_MAX, 2, &rec_ops, NULL, "wraps"));
	EXPECT_EQ(-EINVAL, mmio_bus_add(&self->bus, 2, UINT64_MAX, &rec_ops, NULL, "wraps"));
	EXPECT_EQ(-EINVAL, mmio_bus_add(&self->bus, 0x8000, 0x10, NULL, NULL, "no ops"));
	EXPECT_EQ(2, self->bus.count);
}

TEST_F(bus, a_window_may_end_at_the_top_of_the_address_space)
{
	struct recorder top = { .fill = 0x77 };
	uint8_t data[4];

	ASSERT_EQ(0, mmio_bus_add(&self->bus, UINT64_MAX - 0xfff, 0x1000, &rec_ops, &top, "top"));
	EXPECT_TRUE(mmio_bus_access(&self->bus, UINT64_MAX - 3, false, data, 4));
	EXPECT_EQ(0xffc, top.offset);
	EXPECT_EQ(0x77, data[3]);
	/* Its last byte is the last address: anything longer runs off the end. */
	EXPECT_TRUE(mmio_bus_access(&self->bus, UINT64_MAX, false, data, 1));
	EXPECT_FALSE(mmio_bus_access(&self->bus, UINT64_MAX, false, data, 2));
	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, UINT64_MAX - 1, 4));
	/* Its top byte belongs to it: a second window there overlaps. */
	EXPECT_EQ(-EEXIST, mmio_bus_add(&self->bus, UINT64_MAX, 1, &rec_ops, NULL, "last"));
}

TEST_F(bus, overlaps_of_every_shape_are_refused)
{
	/* Each of these shares at least one byte with a = [0x1000, 0x10ff]. */
	static const struct { uint64_t base, size; } overlapping[] = {
		{ 0x1000, 0x100 },	/* identical */
		{ 0x0f00, 0x101 },	/* ends on a's first byte */
		{ 0x10ff, 0x1 },	/* a's last byte */
		{ 0x1080, 0x10 },	/* inside */
		{ 0x0800, 0x1000 },	/* covers a */
		{ 0x10ff, 0x800 },	/* starts on a's last byte (and reaches into b) */
		{ 0, UINT64_MAX },	/* everything */
	};
	unsigned int i;

	for (i = 0; i < sizeof(overlapping) / sizeof(overlapping[0]); i++)
		EXPECT_EQ(-EEXIST, mmio_bus_add(&self->bus, overlapping[i].base,
						overlapping[i].size, &rec_ops, NULL, "x"))
			TH_LOG("[%#llx + %#llx]", (unsigned long long)overlapping[i].base,
			       (unsigned long long)overlapping[i].size);
	EXPECT_EQ(2, self->bus.count);

	/* Touching windows do not overlap: right below a and right after it. */
	EXPECT_EQ(0, mmio_bus_add(&self->bus, 0x0f00, 0x100, &rec_ops, NULL, "below"));
	EXPECT_EQ(0, mmio_bus_add(&self->bus, 0x1100, 0x100, &rec_ops, NULL, "above"));
	EXPECT_EQ(4, self->bus.count);
}

TEST(a_full_bus_says_so)
{
	struct mmio_bus *bus = calloc(1, sizeof(*bus));
	unsigned int i;

	ASSERT_NE(NULL, bus);
	for (i = 0; i < MMIO_BUS_MAX_REGIONS; i++)
		ASSERT_EQ(0, mmio_bus_add(bus, 0x10000 + i * 0x100, 0x100, &rec_ops, NULL, "x"));
	EXPECT_EQ(-ENOSPC, mmio_bus_add(bus, 0x900000, 0x100, &rec_ops, NULL, "one more"));
	EXPECT_EQ(MMIO_BUS_MAX_REGIONS, bus->count);
	free(bus);
}

TEST_F(bus, find_returns_the_window_holding_the_whole_access)
{
	const struct mmio_region *r;

	r = mmio_bus_find(&self->bus, 0x1000, 4);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(&self->a, r->dev);
	EXPECT_STREQ("a", r->name);

	r = mmio_bus_find(&self->bus, 0x2ff8, 8);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(&self->b, r->dev);

	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, 0x0fff, 1));
	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, 0x1100, 1));
	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, 0x1000, 0));
	/* Straddling a window's end (into a gap, or into the next window) is nobody's. */
	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, 0x10fe, 4));
	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, 0x2ffc, 8));
	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, 0x0ffe, 4));
	EXPECT_EQ(NULL, mmio_bus_find(&self->bus, UINT64_MAX, 4));
}

TEST_F(bus, accesses_reach_their_device_at_the_window_offset)
{
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	EXPECT_TRUE(mmio_bus_access(&self->bus, 0x2010, true, data, 4));
	EXPECT_EQ(1, self->b.writes);
	EXPECT_EQ(0, self->a.writes);
	EXPECT_EQ(0x10, self->b.offset);
	EXPECT_EQ(4, self->b.len);
	EXPECT_EQ(0, memcmp(self->b.written, data, 4));

	memset(data, 0, sizeof(data));
	EXPECT_TRUE(mmio_bus_access(&self->bus, 0x10fe, false, data, 2));
	EXPECT_EQ(1, self->a.reads);
	EXPECT_EQ(0xfe, self->a.offset);
	EXPECT_EQ(2, self->a.len);
	EXPECT_EQ(0xaa, data[0]);
	EXPECT_EQ(0xaa, data[1]);
	EXPECT_EQ(0, data[2]);
}

TEST_F(bus, nobodys_accesses_read_zero_and_write_nothing)
{
	uint8_t data[8];
	unsigned int i;

	memset(data, 0x5c, sizeof(data));
	EXPECT_FALSE(mmio_bus_access(&self->bus, 0x5000, false, data, 8));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, data[i]) TH_LOG("byte %u", i);

	/* Straddling the end of a: zeros, and a is not asked. */
	memset(data, 0x5c, sizeof(data));
	EXPECT_FALSE(mmio_bus_access(&self->bus, 0x10fc, false, data, 8));
	EXPECT_FALSE(mmio_bus_access(&self->bus, 0x10fc, true, data, 8));
	EXPECT_EQ(0, data[0]);
	EXPECT_EQ(0, self->a.reads);
	EXPECT_EQ(0, self->a.writes);
}

TEST_F(bus, impossible_lengths_are_not_taken)
{
	uint8_t data[8] = { 0 };

	EXPECT_FALSE(mmio_bus_access(&self->bus, 0x1000, false, data, 3));
	EXPECT_FALSE(mmio_bus_access(&self->bus, 0x1000, true, data, 0));
	EXPECT_FALSE(mmio_bus_access(&self->bus, 0x1000, true, data, 16));
	EXPECT_EQ(0, self->a.reads);
	EXPECT_EQ(0, self->a.writes);
}

TEST_F(bus, a_device_that_fills_nothing_reads_as_zero)
{
	struct recorder lazy = { 0 };
	uint8_t data[4];

	ASSERT_EQ(0, mmio_bus_add(&self->bus, 0x9000, 0x10, &lazy_ops, &lazy, "lazy"));
	memset(data, 0x5c, sizeof(data));
	EXPECT_TRUE(mmio_bus_access(&self->bus, 0x9000, false, data, 4));
	EXPECT_EQ(0, mmio_le32(data));
}

TEST_F(bus, little_endian_helpers_round_trip)
{
	uint8_t data[4];

	mmio_put_le32(data, 0x89abcdefu);
	EXPECT_EQ(0xef, data[0]);
	EXPECT_EQ(0x89, data[3]);
	EXPECT_EQ(0x89abcdefu, mmio_le32(data));
}

TEST_HARNESS_MAIN
