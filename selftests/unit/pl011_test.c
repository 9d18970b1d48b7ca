// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/pl011.c vmm/lib/mmio_bus.c
/*
 * The PL011 UART through the MMIO bus, as a guest driver sees it: the
 * identification the AMBA bus probes, transmit, the receive FIFO and its
 * flags, the interrupt line (recorded), and accesses of every size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pl011.h"
#include "kselftest_harness.h"

/* DDI 0183 register offsets and bits, spelled out so a wrong constant in pl011.c shows. */
#define DR		0x000
#define RSR		0x004
#define FR		0x018
#define ILPR		0x020
#define IBRD		0x024
#define FBRD		0x028
#define LCR_H		0x02c
#define CR		0x030
#define IFLS		0x034
#define IMSC		0x038
#define RIS		0x03c
#define MIS		0x040
#define ICR		0x044
#define DMACR		0x048

#define FR_CTS		0x001
#define FR_DSR		0x002
#define FR_DCD		0x004
#define FR_BUSY		0x008
#define FR_RXFE		0x010
#define FR_TXFF		0x020
#define FR_RXFF		0x040
#define FR_TXFE		0x080
#define FR_RI		0x100

#define LCR_H_FEN	0x10
#define RXIS		0x10
#define TXIS		0x20
#define RTIS		0x40

#define BASE		0x09000000ull

#define DEVICE_BASE	BASE
#include "mmio_device_test.h"

struct tx_log {
	uint8_t bytes[256];
	size_t count;
};

static void record_tx(void *opaque, uint8_t byte)
{
	struct tx_log *log = opaque;

	if (log->count < sizeof(log->bytes))
		log->bytes[log->count++] = byte;
}

FIXTURE(uart) {
	struct mmio_bus bus;
	struct pl011 *uart;
	struct line_recorder irq;
	struct tx_log tx;
};

FIXTURE_SETUP(uart)
{
	memset(&self->bus, 0, sizeof(self->bus));
	line_recorder_init(&self->irq, 1);
	self->uart = pl011_create(&self->irq.line, record_tx, &self->tx);
	ASSERT_NE(NULL, self->uart);
	ASSERT_EQ(0, pl011_attach(self->uart, &self->bus, BASE));
}

FIXTURE_TEARDOWN(uart)
{
	pl011_destroy(self->uart);
}

static size_t receive_str(struct pl011 *uart, const char *s)
{
	return pl011_receive(uart, (const uint8_t *)s, strlen(s));
}

TEST_F(uart, id_registers_name_a_pl011_to_the_amba_bus)
{
	static const uint32_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i;

	for (i = 0; i < 8; i++) {
		EXPECT_EQ(id[i], rd(&self->bus, 0xfe0 + 4 * i)) TH_LOG("ID word %u", i);
		EXPECT_EQ(id[i], rd_len(&self->bus, 0xfe0 + 4 * i, 1));
		/* One byte a word: the rest is zero. */
		EXPECT_EQ(0, rd_len(&self->bus, 0xfe0 + 4 * i + 1, 1));
	}
	/* Read-only. */
	wr(&self->bus, 0xfe0, 0xff);
	EXPECT_EQ(0x11, rd(&self->bus, 0xfe0));
}

TEST_F(uart, reset_state)
{
	uint32_t fr = rd(&self->bus, FR);

	EXPECT_EQ(0x0300, rd(&self->bus, CR));		/* TXE, RXE */
	EXPECT_EQ(0x12, rd(&self->bus, IFLS));		/* half way, both */
	EXPECT_EQ(0, rd(&self->bus, IMSC));
	EXPECT_EQ(0, rd(&self->bus, LCR_H));
	EXPECT_EQ(0, rd(&self->bus, IBRD));
	EXPECT_EQ(0, rd(&self->bus, MIS));
	EXPECT_EQ(0, rd(&self->bus, RSR));
	EXPECT_TRUE(fr & FR_RXFE);
	EXPECT_TRUE(fr & FR_TXFE);
	EXPECT_FALSE(fr & (FR_TXFF | FR_RXFF | FR_BUSY | FR_RI));
	/* A terminal is attached: Linux sees carrier and may send. */
	EXPECT_EQ(FR_CTS | FR_DSR | FR_DCD, fr & (FR_CTS | FR_DSR | FR_DCD));
	EXPECT_EQ(0, self->irq.changes);
}

TEST_F(uart, bytes_written_to_dr_go_out_in_order_at_every_size)
{
	wr(&self->bus, DR, 'h');
	wr_len(&self->bus, DR, 2, 'i');		/* Linux's writew */
	wr_len(&self->bus, DR, 1, '!');		/* earlycon's writeb */
	wr(&self->bus, DR, 0xabcd00 | '\n');	/* bits above the character are not sent */
	ASSERT_EQ(4, self->tx.count);
	EXPECT_EQ(0, memcmp("hi!\n", self->tx.bytes, 4));

	/* The transmitter is done at once, and other registers send nothing. */
	EXPECT_EQ(FR_TXFE, rd(&self->bus, FR) & (FR_TXFE | FR_TXFF | FR_BUSY));
	wr(&self->bus, CR, 0x301);
	wr(&self->bus, IBRD, 'x');
	EXPECT_EQ(4, self->tx.count);
	/* Reading DR does not send either. */
	rd(&self->bus, DR);
	EXPECT_EQ(4, self->tx.count);
}

TEST_F(uart, without_the_fifo_one_character_fits)
{
	EXPECT_EQ(1, receive_str(self->uart, "abc"));
	EXPECT_EQ(FR_RXFF, rd(&self->bus, FR) & (FR_RXFF | FR_RXFE));
	EXPECT_EQ(0, receive_str(self->uart, "bc"));

	EXPECT_EQ('a', rd(&self->bus, DR));
	EXPECT_EQ(FR_RXFE, rd(&self->bus, FR) & (FR_RXFF | FR_RXFE));
	EXPECT_EQ(1, receive_str(self->uart, "bc"));
	EXPECT_EQ('b', rd(&self->bus, DR));
	/* An empty FIFO reads as 0 and stays empty. */
	EXPECT_EQ(0, rd(&self->bus, DR));
	EXPECT_TRUE(rd(&self->bus, FR) & FR_RXFE);
}

TEST_F(uart, with_the_fifo_32_characters_fit_and_come_out_in_order)
{
	uint8_t in[40];
	unsigned int i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = 'A' + i;
	wr(&self->bus, LCR_H, LCR_H_FEN | 0x60);	/* 8 bits, FIFO on */

	EXPECT_EQ(32, pl011_receive(self->uart, in, sizeof(in)));
	EXPECT_EQ(FR_RXFF, rd(&self->bus, FR) & (FR_RXFF | FR_RXFE));
	EXPECT_EQ(0, pl011_receive(self->uart, in + 32, 8));

	for (i = 0; i < 32; i++) {
		EXPECT_EQ(in[i], rd(&self->bus, DR)) TH_LOG("character %u", i);
		EXPECT_FALSE(rd(&self->bus, FR) & FR_RXFF);
	}
	EXPECT_TRUE(rd(&self->bus, FR) & FR_RXFE);

	/* The caller's remainder goes in after, still in order, across the ring's wrap. */
	EXPECT_EQ(8, pl011_receive(self->uart, in + 32, 8));
	for (i = 32; i < 40; i++)
		EXPECT_EQ(in[i], rd(&self->bus, DR));
}

TEST_F(uart, turning_the_fifo_off_keeps_what_it_holds)
{
	wr(&self->bus, LCR_H, LCR_H_FEN);
	EXPECT_EQ(3, receive_str(self->uart, "xyz"));
	wr(&self->bus, LCR_H, 0);

	EXPECT_TRUE(rd(&self->bus, FR) & FR_RXFF);
	EXPECT_EQ(0, receive_str(self->uart, "w"));
	EXPECT_EQ('x', rd(&self->bus, DR));
	EXPECT_EQ('y', rd(&self->bus, DR));
	EXPECT_EQ(0, receive_str(self->uart, "w"));
	EXPECT_EQ('z', rd(&self->bus, DR));
	EXPECT_EQ(1, receive_str(self->uart, "w"));
}

TEST_F(uart, the_line_follows_ris_and_imsc_for_receive)
{
	unsigned int i;

	wr(&self->bus, LCR_H, LCR_H_FEN);	/* IFLS reset: RX at 16 of 32 */
	wr(&self->bus, IMSC, RXIS | RTIS);
	EXPECT_FALSE(self->irq.level);

	/* One character: the (early) receive timeout, not yet the level. */
	EXPECT_EQ(1, receive_str(self->uart, "a"));
	EXPECT_EQ(RTIS, rd(&self->bus, RIS) & (RXIS | RTIS));
	EXPECT_EQ(RTIS, rd(&self->bus, MIS));
	EXPECT_TRUE(self->irq.level);

	/* Emptied: everything drops. */
	EXPECT_EQ('a', rd(&self->bus, DR));
	EXPECT_EQ(0, rd(&self->bus, RIS) & (RXIS | RTIS));
	EXPECT_FALSE(self->irq.level);

	/* Sixteen: the receive level too; it drops below sixteen, RT when empty. */
	for (i = 0; i < 15; i++)
		EXPECT_EQ(1, receive_str(self->uart, "b"));
	EXPECT_EQ(RTIS, rd(&self->bus, RIS) & (RXIS | RTIS));
	EXPECT_EQ(1, receive_str(self->uart, "b"));
	EXPECT_EQ(RXIS | RTIS, rd(&self->bus, RIS) & (RXIS | RTIS));
	rd(&self->bus, DR);
	EXPECT_EQ(RTIS, rd(&self->bus, RIS) & (RXIS | RTIS));
	EXPECT_TRUE(self->irq.level);

	/* Masking the sources lowers the line with the FIFO still full. */
	wr(&self->bus, IMSC, 0);
	EXPECT_FALSE(self->irq.level);
	EXPECT_EQ(0, rd(&self->bus, MIS));
	wr(&self->bus, IMSC, RTIS);
	EXPECT_TRUE(self->irq.level);
	for (i = 0; i < 15; i++)
		rd(&self->bus, DR);
	EXPECT_FALSE(self->irq.level);
	EXPECT_TRUE(rd(&self->bus, FR) & FR_RXFE);
}

TEST_F(uart, the_transmit_interrupt_is_raised_while_unmasked)
{
	EXPECT_TRUE(rd(&self->bus, RIS) & TXIS);
	EXPECT_FALSE(self->irq.level);
	wr(&self->bus, IMSC, TXIS);
	EXPECT_TRUE(self->irq.level);
	EXPECT_EQ(TXIS, rd(&self->bus, MIS));

	/* Writing DR keeps it raised: the FIFO is empty again at once. */
	wr(&self->bus, DR, 'x');
	EXPECT_TRUE(self->irq.level);
	/* So does clearing it. */
	wr(&self->bus, ICR, TXIS);
	EXPECT_TRUE(rd(&self->bus, RIS) & TXIS);
	EXPECT_TRUE(self->irq.level);

	wr(&self->bus, IMSC, 0);
	EXPECT_FALSE(self->irq.level);
	EXPECT_EQ(2, self->irq.changes);
}

TEST_F(uart, icr_clears_the_receive_sources_until_the_next_character)
{
	wr(&self->bus, LCR_H, LCR_H_FEN);
	wr(&self->bus, IFLS, 0);		/* RX at 1/8: 4 characters */
	wr(&self->bus, IMSC, RXIS | RTIS);
	EXPECT_EQ(4, receive_str(self->uart, "abcd"));
	EXPECT_EQ(RXIS | RTIS, rd(&self->bus, MIS));

	wr(&self->bus, ICR, RTIS);
	EXPECT_EQ(RXIS, rd(&self->bus, MIS));
	EXPECT_TRUE(self->irq.level);
	wr(&self->bus, ICR, RXIS);
	EXPECT_EQ(0, rd(&self->bus, MIS));
	EXPECT_FALSE(self->irq.level);

	/* The characters are still there; the next one raises both again. */
	EXPECT_FALSE(rd(&self->bus, FR) & FR_RXFE);
	EXPECT_EQ(1, receive_str(self->uart, "e"));
	EXPECT_EQ(RXIS | RTIS, rd(&self->bus, MIS));
	EXPECT_TRUE(self->irq.level);
	EXPECT_EQ('a', rd(&self->bus, DR));
}

TEST_F(uart, each_fifo_level_raises_rx_at_its_count)
{
	static const unsigned int level[5] = { 4, 8, 16, 24, 28 };
	uint8_t in[32];
	unsigned int sel, i;

	memset(in, 'q', sizeof(in));
	wr(&self->bus, LCR_H, LCR_H_FEN);
	for (sel = 0; sel < 5; sel++) {
		wr(&self->bus, IFLS, sel << 3);
		EXPECT_EQ(level[sel] - 1, pl011_receive(self->uart, in, level[sel] - 1));
		EXPECT_FALSE(rd(&self->bus, RIS) & RXIS) TH_LOG("RXIFLSEL %u", sel);
		EXPECT_EQ(1, pl011_receive(self->uart, in, 1));
		EXPECT_TRUE(rd(&self->bus, RIS) & RXIS) TH_LOG("RXIFLSEL %u", sel);
		for (i = 0; i < level[sel]; i++)
			rd(&self->bus, DR);
	}
}

TEST_F(uart, registers_keep_their_implemented_bits)
{
	static const struct { uint32_t offset, mask; } regs[] = {
		{ ILPR, 0xff }, { IBRD, 0xffff }, { FBRD, 0x3f }, { LCR_H, 0xff },
		{ CR, 0xff87 }, { IFLS, 0x3f }, { IMSC, 0x7ff }, { DMACR, 0x7 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		wr(&self->bus, regs[i].offset, 0xffffffff);
		EXPECT_EQ(regs[i].mask, rd(&self->bus, regs[i].offset))
			TH_LOG("offset %#x", regs[i].offset);
		wr(&self->bus, regs[i].offset, 0);
		EXPECT_EQ(0, rd(&self->bus, regs[i].offset));
	}
	/* Read-only registers ignore writes. */
	wr(&self->bus, FR, 0);
	EXPECT_TRUE(rd(&self->bus, FR) & FR_RXFE);
	wr(&self->bus, RIS, 0);
	EXPECT_TRUE(rd(&self->bus, RIS) & TXIS);
}

TEST_F(uart, odd_accesses_are_harmless)
{
	EXPECT_EQ(1, receive_str(self->uart, "k"));

	/* Neither a misaligned nor an 8-byte read, nor a byte of the error flags, pops DR. */
	EXPECT_EQ(0, rd_len(&self->bus, DR + 2, 4));
	EXPECT_EQ(0, rd_len(&self->bus, DR + 1, 2));
	EXPECT_EQ(0, rd_len(&self->bus, DR, 8));
	EXPECT_EQ(0, rd_len(&self->bus, DR + 1, 1));
	EXPECT_FALSE(rd(&self->bus, FR) & FR_RXFE);

	/* A 16-bit read (Linux's readw) pops it. */
	EXPECT_EQ('k', rd_len(&self->bus, DR, 2));
	EXPECT_TRUE(rd(&self->bus, FR) & FR_RXFE);

	/* Writes into the middle of a word, or of 8 bytes, do nothing. */
	wr_len(&self->bus, DR + 1, 1, 'z');
	wr_len(&self->bus, DR, 8, 'z');
	wr_len(&self->bus, CR + 2, 2, 0xffff);
	EXPECT_EQ(0, self->tx.count);
	EXPECT_EQ(0x0300, rd(&self->bus, CR));

	/* A 16-bit write reaches the register; the upper half of a 16-bit read too. */
	wr_len(&self->bus, CR, 2, 0x0b01);
	EXPECT_EQ(0x0b01, rd(&self->bus, CR));
	EXPECT_EQ(0x0b, rd_len(&self->bus, CR + 1, 1));
	EXPECT_EQ(0, rd_len(&self->bus, CR + 2, 2));

	/* Holes and the write-only ICR read as zero. */
	EXPECT_EQ(0, rd(&self->bus, 0x008));
	EXPECT_EQ(0, rd(&self->bus, ICR));
	EXPECT_EQ(0, rd(&self->bus, 0x800));
}

static void count_call(void *opaque)
{
	(*(int *)opaque)++;
}

TEST_F(uart, a_short_receive_is_told_when_there_is_room)
{
	int calls = 0;

	pl011_set_rx_ready(self->uart, count_call, &calls);
	EXPECT_EQ(1, receive_str(self->uart, "ab"));
	EXPECT_EQ(0, calls);
	EXPECT_EQ('a', rd(&self->bus, DR));
	EXPECT_EQ(1, calls);

	/* Once per short receive. */
	EXPECT_EQ(1, receive_str(self->uart, "b"));
	EXPECT_EQ('b', rd(&self->bus, DR));
	EXPECT_EQ(1, calls);

	/* Turning the FIFO on makes room as well. */
	EXPECT_EQ(1, receive_str(self->uart, "cd"));
	wr(&self->bus, LCR_H, LCR_H_FEN);
	EXPECT_EQ(2, calls);
	EXPECT_EQ(1, receive_str(self->uart, "d"));
}

/* The event loop feeding characters while a vCPU reads them: none lost, none reordered. */
struct feeder {
	struct pl011 *uart;
	unsigned int total;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	unsigned int sent = 0;

	while (sent < f->total) {
		uint8_t c = sent;

		sent += pl011_receive(f->uart, &c, 1);
	}
	return NULL;
}

TEST_F(uart, receive_and_reads_on_two_threads_lose_nothing)
{
	struct feeder f = { .uart = self->uart, .total = 20000 };
	unsigned int got = 0, spins = 0;
	pthread_t thread;

	wr(&self->bus, LCR_H, LCR_H_FEN);
	ASSERT_EQ(0, pthread_create(&thread, NULL, feed, &f));
	while (got < f.total && spins < 100000000) {
		spins++;
		if (rd(&self->bus, FR) & FR_RXFE)
			continue;
		if ((uint8_t)rd(&self->bus, DR) != (uint8_t)got)
			break;
		got++;
	}
	EXPECT_EQ(f.total, got);
	if (got < f.total)	/* let the feeder finish: take whatever it still sends */
		while (pthread_tryjoin_np(thread, NULL))
			rd(&self->bus, DR);
	else
		pthread_join(thread, NULL);
}

TEST(attach_refuses_an_overlapping_window)
{
	struct mmio_bus bus = { 0 };
	struct pl011 *a = pl011_create(NULL, NULL, NULL), *b = pl011_create(NULL, NULL, NULL);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, pl011_attach(a, &bus, BASE));
	EXPECT_EQ(-EEXIST, pl011_attach(b, &bus, BASE + 0xffc));
	EXPECT_EQ(0, pl011_attach(b, &bus, BASE + 0x1000));
	/* Without a tx callback or an irq line the UART still works. */
	EXPECT_EQ(1, pl011_receive(a, (const uint8_t *)"z", 1));
	wr(&bus, DR, 'z');
	pl011_destroy(a);
	pl011_destroy(b);
}

TEST_HARNESS_MAIN
