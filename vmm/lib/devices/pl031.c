// SPDX-License-Identifier: GPL-2.0
/*
 * The PL031 RTC (ARM DDI 0224). What is modelled and how the match is
 * detected without a timer: see pl031.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amba.h"
#include "pl031.h"

/* Register offsets, DDI 0224 "Summary of RTC registers". */
#define RTCDR		0x000
#define RTCMR		0x004
#define RTCLR		0x008
#define RTCCR		0x00c
#define RTCIMSC		0x010
#define RTCRIS		0x014
#define RTCMIS		0x018
#define RTCICR		0x01c

#define CR_START	1u	/* RTCCR bit 0: the counter runs */
#define INT_MATCH	1u	/* bit 0 of IMSC, RIS, MIS and ICR */

/* PeriphID0..3: part 0x031, designer ARM (0x41), revision 0. */
static const uint8_t pl031_periph_id[4] = { 0x31, 0x10, 0x04, 0x00 };

struct pl031 {
	pthread_mutex_t lock;
	struct irq_line *irq;
	pl031_clock_fn now;
	void *now_opaque;

	uint32_t offset;	/* counter = clock + offset (mod 2^32) */
	uint32_t mr, lr, imsc, ris;
	uint32_t last_seen;	/* the counter at the previous look */
	bool irq_level;
};

static uint32_t host_seconds(void *opaque)
{
	(void)opaque;
	return (uint32_t)time(NULL);
}

static uint32_t counter(const struct pl031 *rtc)
{
	return rtc->now(rtc->now_opaque) + rtc->offset;
}

/*
 * Raises RIS if the counter went through MR since the last look: MR lies in
 * (last_seen, now], all modulo 2^32. A counter that went backwards (the
 * host clock was set back) passed nothing.
 */
static void look(struct pl031 *rtc)
{
	uint32_t now = counter(rtc);
	uint32_t advanced = now - rtc->last_seen;

	if (advanced && advanced < 0x80000000u && rtc->mr - rtc->last_seen - 1 < advanced)
		rtc->ris |= INT_MATCH;
	rtc->last_seen = now;
}

/* After MR or LR changed: the comparator sees the counter equal to MR now. */
static void compare_now(struct pl031 *rtc)
{
	rtc->last_seen = counter(rtc);
	if (rtc->last_seen == rtc->mr)
		rtc->ris |= INT_MATCH;
}

/* RTCINTR is RIS & IMSC (DDI 0224, RTCRIS/RTCMIS); the backend hears only of changes. */
static void update_irq(struct pl031 *rtc)
{
	bool level = (rtc->ris & rtc->imsc) != 0;

	if (level != rtc->irq_level) {
		rtc->irq_level = level;
		irq_line_set(rtc->irq, level);
	}
}

static uint32_t read_reg(struct pl031 *rtc, uint64_t word)
{
	uint32_t val;

	switch (word) {
	case RTCDR:
		return rtc->last_seen;	/* look() just read the counter */
	case RTCMR:
		return rtc->mr;
	case RTCLR:
		return rtc->lr;		/* the last value loaded, not the counter */
	case RTCCR:
		return CR_START;
	case RTCIMSC:
		return rtc->imsc;
	case RTCRIS:
		return rtc->ris;
	case RTCMIS:
		return rtc->ris & rtc->imsc;
	}
	if (amba_id_read(pl031_periph_id, word, &val))
		return val;
	return 0;	/* RTCICR is write-only; reserved and test registers read as zero */
}

static void write_reg(struct pl031 *rtc, uint64_t word, uint32_t val)
{
	switch (word) {
	case RTCMR:
		rtc->mr = val;
		compare_now(rtc);
		break;
	case RTCLR:
		/* The counter continues from val (DDI 0224, RTCLR). */
		rtc->lr = val;
		rtc->offset = val - rtc->now(rtc->now_opaque);
		compare_now(rtc);
		break;
	case RTCCR:
		break;	/* always started; only a reset stops a PL031 */
	case RTCIMSC:
		rtc->imsc = val & INT_MATCH;
		break;
	case RTCICR:
		rtc->ris &= ~(val & INT_MATCH);
		break;
	}
	/* DR, RIS, MIS and the ID registers are read-only. */
}

static void pl031_mmio_read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct pl031 *rtc = dev;
	uint32_t val;

	if (len <= 8)
		memset(data, 0, len);
	if (!amba_read_ok(offset, len))
		return;

	pthread_mutex_lock(&rtc->lock);
	look(rtc);
	val = read_reg(rtc, offset & ~3ull);
	update_irq(rtc);
	pthread_mutex_unlock(&rtc->lock);
	amba_put_read(data, len, offset, val);
}

static void pl031_mmio_write(void *dev, uint64_t offset, const uint8_t *data, uint32_t len)
{
	struct pl031 *rtc = dev;

	if (!amba_write_ok(offset, len))
		return;

	pthread_mutex_lock(&rtc->lock);
	/* What happened before the write counts: ICR clears a match that was already due. */
	look(rtc);
	write_reg(rtc, offset, amba_get_write(data, len));
	update_irq(rtc);
	pthread_mutex_unlock(&rtc->lock);
}

static const struct mmio_ops pl031_mmio_ops = {
	.read = pl031_mmio_read,
	.write = pl031_mmio_write,
};

void pl031_tick(struct pl031 *rtc)
{
	pthread_mutex_lock(&rtc->lock);
	look(rtc);
	update_irq(rtc);
	pthread_mutex_unlock(&rtc->lock);
}

struct pl031 *pl031_create(struct irq_line *irq, pl031_clock_fn now, void *opaque)
{
	struct pl031 *rtc;
	int err;

	rtc = calloc(1, sizeof(*rtc));
	if (!rtc)
		return NULL;
	err = pthread_mutex_init(&rtc->lock, NULL);
	if (err) {
		free(rtc);
		errno = err;
		return NULL;
	}
	rtc->irq = irq;
	rtc->now = now ? now : host_seconds;
	rtc->now_opaque = now ? opaque : NULL;
	rtc->last_seen = counter(rtc);
	return rtc;
}

void pl031_destroy(struct pl031 *rtc)
{
	if (!rtc)
		return;
	pthread_mutex_destroy(&rtc->lock);
	free(rtc);
}

int pl031_attach(struct pl031 *rtc, struct mmio_bus *bus, uint64_t base)
{
	return mmio_bus_add(bus, base, AMBA_WINDOW_SIZE, &pl031_mmio_ops, rtc, "pl031");
}
