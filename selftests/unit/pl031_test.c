// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/pl031.c vmm/lib/mmio_bus.c
/*
 * The PL031 RTC through the MMIO bus, on a clock the test turns by hand:
 * the counter, loading it, the match interrupt on its line, and the
 * identification the AMBA bus probes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/pl031.h"
#include "kselftest_harness.h"

/* DDI 0224 register offsets. */
#define DR	0x000
#define MR	0x004
#define LR	0x008
#define CR	0x00c
#define IMSC	0x010
#define RIS	0x014
#define MIS	0x018
#define ICR	0x01c

#define BASE	0x09010000ull

#define DEVICE_BASE	BASE
#include "mmio_device_test.h"

static uint32_t fake_clock(void *opaque)
{
	return *(uint32_t *)opaque;
}

FIXTURE(rtc) {
	struct mmio_bus bus;
	struct pl031 *rtc;
	struct line_recorder irq;
	uint32_t clock;
};

FIXTURE_SETUP(rtc)
{
	memset(&self->bus, 0, sizeof(self->bus));
	line_recorder_init(&self->irq, 2);
	self->clock = 1700000000;
	self->rtc = pl031_create(&self->irq.line, fake_clock, &self->clock);
	ASSERT_NE(NULL, self->rtc);
	ASSERT_EQ(0, pl031_attach(self->rtc, &self->bus, BASE));
}

FIXTURE_TEARDOWN(rtc)
{
	pl031_destroy(self->rtc);
}

TEST_F(rtc, id_registers_name_a_pl031_to_the_amba_bus)
{
	static const uint32_t id[8] = { 0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i;

	for (i = 0; i < 8; i++)
		EXPECT_EQ(id[i], rd(&self->bus, 0xfe0 + 4 * i)) TH_LOG("ID word %u", i);
	wr(&self->bus, 0xfe0, 0);
	EXPECT_EQ(0x31, rd(&self->bus, 0xfe0));
}

TEST_F(rtc, dr_counts_the_clocks_seconds_and_never_stops)
{
	EXPECT_EQ(1700000000u, rd(&self->bus, DR));
	self->clock += 7;
	EXPECT_EQ(1700000007u, rd(&self->bus, DR));

	EXPECT_EQ(1, rd(&self->bus, CR));
	wr(&self->bus, CR, 0);
	EXPECT_EQ(1, rd(&self->bus, CR));
	self->clock++;
	EXPECT_EQ(1700000008u, rd(&self->bus, DR));

	/* DR is read-only. */
	wr(&self->bus, DR, 5);
	EXPECT_EQ(1700000008u, rd(&self->bus, DR));
}

TEST_F(rtc, loading_lr_sets_the_counter_which_then_runs_on)
{
	EXPECT_EQ(0, rd(&self->bus, LR));
	wr(&self->bus, LR, 1000);
	EXPECT_EQ(1000, rd(&self->bus, DR));
	self->clock += 3;
	EXPECT_EQ(1003, rd(&self->bus, DR));
	/* LR keeps the value loaded, not the time. */
	EXPECT_EQ(1000, rd(&self->bus, LR));

	/* Back in time works as well, and through the top of the counter. */
	wr(&self->bus, LR, 0xfffffffe);
	self->clock += 3;
	EXPECT_EQ(1, rd(&self->bus, DR));
}

TEST_F(rtc, the_match_raises_the_line_when_dr_reaches_mr)
{
	wr(&self->bus, MR, 1700000005);
	wr(&self->bus, IMSC, 1);
	EXPECT_EQ(1700000005u, rd(&self->bus, MR));

	self->clock += 4;
	EXPECT_EQ(0, rd(&self->bus, RIS));
	EXPECT_FALSE(self->irq.level);

	self->clock += 1;
	EXPECT_EQ(1, rd(&self->bus, RIS));
	EXPECT_EQ(1, rd(&self->bus, MIS));
	EXPECT_TRUE(self->irq.level);

	/* Cleared, it stays clear: the counter does not reach MR again. */
	wr(&self->bus, ICR, 1);
	EXPECT_EQ(0, rd(&self->bus, RIS));
	EXPECT_FALSE(self->irq.level);
	self->clock += 1;
	EXPECT_EQ(0, rd(&self->bus, RIS));
	EXPECT_EQ(2, self->irq.changes);
}

TEST_F(rtc, a_match_passed_between_two_looks_still_counts)
{
	wr(&self->bus, MR, 1700000010);
	self->clock += 100;
	EXPECT_EQ(1, rd(&self->bus, RIS));
}

TEST_F(rtc, a_match_across_the_top_of_the_counter_counts)
{
	wr(&self->bus, LR, 0xfffffffd);
	wr(&self->bus, MR, 1);
	self->clock += 2;
	EXPECT_EQ(0, rd(&self->bus, RIS));
	self->clock += 2;
	EXPECT_EQ(1, rd(&self->bus, RIS));
}

TEST_F(rtc, mr_or_lr_written_equal_to_the_counter_match_at_once)
{
	wr(&self->bus, MR, 1700000000);
	EXPECT_EQ(1, rd(&self->bus, RIS));
	wr(&self->bus, ICR, 1);

	wr(&self->bus, MR, 50);
	EXPECT_EQ(0, rd(&self->bus, RIS));
	wr(&self->bus, LR, 50);
	EXPECT_EQ(1, rd(&self->bus, RIS));
}

TEST_F(rtc, a_match_already_past_does_not_fire)
{
	wr(&self->bus, MR, 1699999990);
	self->clock += 5;
	EXPECT_EQ(0, rd(&self->bus, RIS));
}

TEST_F(rtc, a_clock_set_back_raises_nothing)
{
	wr(&self->bus, MR, 1700000050);
	self->clock -= 1000;
	EXPECT_EQ(0, rd(&self->bus, RIS));
	/* And the way forward again still reaches the match. */
	self->clock += 1050;
	EXPECT_EQ(1, rd(&self->bus, RIS));
}

TEST_F(rtc, the_mask_gates_the_line_not_the_status)
{
	wr(&self->bus, MR, 1700000001);
	self->clock++;
	EXPECT_EQ(1, rd(&self->bus, RIS));
	EXPECT_EQ(0, rd(&self->bus, MIS));
	EXPECT_FALSE(self->irq.level);

	wr(&self->bus, IMSC, 0xffffffff);
	EXPECT_EQ(1, rd(&self->bus, IMSC));
	EXPECT_TRUE(self->irq.level);
	wr(&self->bus, IMSC, 0);
	EXPECT_FALSE(self->irq.level);
	EXPECT_EQ(1, rd(&self->bus, RIS));
}

TEST_F(rtc, tick_fires_an_alarm_while_the_guest_sleeps)
{
	wr(&self->bus, MR, 1700000003);
	wr(&self->bus, IMSC, 1);
	self->clock += 2;
	pl031_tick(self->rtc);
	EXPECT_FALSE(self->irq.level);
	self->clock += 1;
	pl031_tick(self->rtc);
	EXPECT_TRUE(self->irq.level);
	EXPECT_EQ(1, rd(&self->bus, MIS));
}

TEST_F(rtc, odd_accesses_are_harmless)
{
	wr(&self->bus, LR, 0x11223344);
	/* Sub-word reads see the bytes of the register. */
	EXPECT_EQ(0x44, rd_len(&self->bus, DR, 1));
	EXPECT_EQ(0x1122, rd_len(&self->bus, DR + 2, 2));
	/* Misaligned and 8-byte reads see zero. */
	EXPECT_EQ(0, rd_len(&self->bus, DR + 1, 2));
	EXPECT_EQ(0, rd_len(&self->bus, DR, 8));

	/* Writes into the middle of a word, or of 8 bytes, do nothing; short ones zero-extend. */
	wr_len(&self->bus, LR + 1, 1, 0x55);
	wr_len(&self->bus, LR, 8, 0x55);
	EXPECT_EQ(0x11223344u, rd(&self->bus, LR));
	wr_len(&self->bus, LR, 2, 0xbeef);
	EXPECT_EQ(0xbeef, rd(&self->bus, LR));
	EXPECT_EQ(0xbeef, rd(&self->bus, DR));

	/* Holes and the write-only ICR read as zero. */
	EXPECT_EQ(0, rd(&self->bus, ICR));
	EXPECT_EQ(0, rd(&self->bus, 0x020));
	EXPECT_EQ(0, rd(&self->bus, 0x800));
}

TEST(without_a_clock_the_host_time_is_used)
{
	struct mmio_bus bus = { 0 };
	struct pl031 *rtc = pl031_create(NULL, NULL, NULL);
	uint32_t before, dr, after;

	ASSERT_NE(NULL, rtc);
	ASSERT_EQ(0, pl031_attach(rtc, &bus, BASE));
	before = time(NULL);
	dr = rd(&bus, DR);
	after = time(NULL);
	EXPECT_LE(before, dr);
	EXPECT_GE(after, dr);
	EXPECT_EQ(-EEXIST, pl031_attach(rtc, &bus, BASE + 0x800));
	pl031_destroy(rtc);
}

TEST_HARNESS_MAIN
