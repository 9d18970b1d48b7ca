// SPDX-License-Identifier: GPL-2.0
/*
 * The PL011 UART (ARM DDI 0183): register file, receive FIFO and interrupt
 * state behind one lock. What is and is not modelled: see pl011.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "amba.h"
#include "pl011.h"

/* Register offsets, DDI 0183 "Summary of registers". */
#define UARTDR		0x000
#define UARTRSR		0x004	/* reads: receive status; writes: UARTECR, error clear */
#define UARTFR		0x018
#define UARTILPR	0x020
#define UARTIBRD	0x024
#define UARTFBRD	0x028
#define UARTLCR_H	0x02c
#define UARTCR		0x030
#define UARTIFLS	0x034
#define UARTIMSC	0x038
#define UARTRIS		0x03c
#define UARTMIS		0x040
#define UARTICR		0x044
#define UARTDMACR	0x048

/* UARTFR bits. */
#define FR_CTS		(1u << 0)
#define FR_DSR		(1u << 1)
#define FR_DCD		(1u << 2)
#define FR_BUSY		(1u << 3)
#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)
#define FR_RXFF		(1u << 6)
#define FR_TXFE		(1u << 7)

#define LCR_H_FEN	(1u << 4)

/* Interrupt bits, the same in IMSC, RIS, MIS and ICR (DDI 0183, UARTIMSC..UARTICR). */
#define INT_RX		(1u << 4)
#define INT_TX		(1u << 5)
#define INT_RT		(1u << 6)
#define INT_ALL		0x7ffu

/* Implemented widths; the rest of each word reads as zero. */
#define ILPR_MASK	0xffu
#define IBRD_MASK	0xffffu
#define FBRD_MASK	0x3fu
#define LCR_H_MASK	0xffu
#define CR_MASK		0xff87u	/* bits 6:3 are reserved */
#define IFLS_MASK	0x3fu
#define DMACR_MASK	0x7u

/* Reset values (DDI 0183, "Summary of registers"): TXE and RXE set, FIFO levels half way. */
#define CR_RESET	0x0300u
#define IFLS_RESET	0x12u

/* PeriphID0..3: part 0x011, designer ARM (0x41), revision 1. */
static const uint8_t pl011_periph_id[4] = { 0x11, 0x10, 0x14, 0x00 };

struct pl011 {
	pthread_mutex_t lock;
	struct irq_line *irq;
	pl011_tx_fn tx;
	void *tx_opaque;
	void (*rx_ready)(void *opaque);
	void *rx_ready_opaque;

	uint8_t fifo[PL011_FIFO_DEPTH];
	unsigned int fifo_head;		/* index of the oldest character */
	unsigned int fifo_count;
	bool rx_refused;		/* a receive came up short; rx_ready is owed */

	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
	uint32_t ris;			/* latched sources; TXRIS is added on reading */
	bool irq_level;			/* what the line was last set to */
};

/* How many characters the receive side holds now (DDI 0183, UARTLCR_H.FEN). */
static unsigned int rx_depth(const struct pl011 *uart)
{
	return uart->lcr_h & LCR_H_FEN ? PL011_FIFO_DEPTH : 1;
}

/*
 * The fill level that raises RXRIS: IFLS.RXIFLSEL is 1/8, 1/4, 1/2, 3/4 or
 * 7/8 of the FIFO (DDI 0183, UARTIFLS); the reserved encodings act as 1/2, the
 * reset value. Without the FIFO, one character.
 */
static unsigned int rx_trigger(const struct pl011 *uart)
{
	static const unsigned int eighths[8] = { 1, 2, 4, 6, 7, 4, 4, 4 };

	if (!(uart->lcr_h & LCR_H_FEN))
		return 1;
	return PL011_FIFO_DEPTH * eighths[(uart->ifls >> 3) & 7] / 8;
}

/* The transmitter can always take a byte: its interrupt is always raised. */
static uint32_t raw_status(const struct pl011 *uart)
{
	return uart->ris | INT_TX;
}

/* The output is RIS & IMSC (DDI 0183, "Interrupts": UARTINTR); the backend hears of changes. */
static void update_irq(struct pl011 *uart)
{
	bool level = (raw_status(uart) & uart->imsc) != 0;

	if (level != uart->irq_level) {
		uart->irq_level = level;
		irq_line_set(uart->irq, level);
	}
}

/* A callback to make once the lock is dropped. */
struct rx_ready_call {
	void (*fn)(void *opaque);
	void *opaque;
};

/* Takes the rx_ready call a short receive is owed, once there is room again. */
static struct rx_ready_call owed_rx_ready(struct pl011 *uart)
{
	struct rx_ready_call call = { NULL, NULL };

	if (uart->rx_refused && uart->fifo_count < rx_depth(uart)) {
		uart->rx_refused = false;
		call.fn = uart->rx_ready;
		call.opaque = uart->rx_ready_opaque;
	}
	return call;
}

static uint32_t fifo_peek(const struct pl011 *uart)
{
	return uart->fifo_count ? uart->fifo[uart->fifo_head] : 0;
}

/* Reading DR takes the oldest character (DDI 0183, UARTDR); an empty FIFO reads 0. */
static uint32_t fifo_pop(struct pl011 *uart)
{
	uint32_t c;

	if (!uart->fifo_count)
		return 0;
	c = uart->fifo[uart->fifo_head];
	uart->fifo_head = (uart->fifo_head + 1) % PL011_FIFO_DEPTH;
	uart->fifo_count--;

	if (uart->fifo_count < rx_trigger(uart))
		uart->ris &= ~INT_RX;
	if (!uart->fifo_count)
		uart->ris &= ~INT_RT;
	return c;
}

static uint32_t flags(const struct pl011 *uart)
{
	uint32_t fr = FR_CTS | FR_DSR | FR_DCD | FR_TXFE;

	if (!uart->fifo_count)
		fr |= FR_RXFE;
	if (uart->fifo_count >= rx_depth(uart))
		fr |= FR_RXFF;
	return fr;
}

/*
 * One register read. Only a read of DR's first byte pops the FIFO: a byte
 * read of its error flags (offset 1) must not lose a character.
 */
static uint32_t read_reg(struct pl011 *uart, uint64_t word, bool first_byte)
{
	uint32_t val;

	switch (word) {
	case UARTDR:
		/* Error flags (bits 11:8) are always clear: the line is perfect. */
		return first_byte ? fifo_pop(uart) : fifo_peek(uart);
	case UARTRSR:
		return 0;
	case UARTFR:
		return flags(uart);
	case UARTILPR:
		return uart->ilpr;
	case UARTIBRD:
		return uart->ibrd;
	case UARTFBRD:
		return uart->fbrd;
	case UARTLCR_H:
		return uart->lcr_h;
	case UARTCR:
		return uart->cr;
	case UARTIFLS:
		return uart->ifls;
	case UARTIMSC:
		return uart->imsc;
	case UARTRIS:
		return raw_status(uart);
	case UARTMIS:
		return raw_status(uart) & uart->imsc;
	case UARTDMACR:
		return uart->dmacr;
	}
	if (amba_id_read(pl011_periph_id, word, &val))
		return val;
	return 0;	/* UARTICR is write-only; reserved and test registers read as zero */
}

static void write_reg(struct pl011 *uart, uint64_t word, uint32_t val)
{
	switch (word) {
	case UARTRSR:
		break;	/* UARTECR: clears error flags, which are never set */
	case UARTILPR:
		uart->ilpr = val & ILPR_MASK;
		break;
	case UARTIBRD:
		uart->ibrd = val & IBRD_MASK;
		break;
	case UARTFBRD:
		uart->fbrd = val & FBRD_MASK;
		break;
	case UARTLCR_H:
		/*
		 * Turning the FIFO off keeps what it holds: the characters are
		 * read out in order, and receive waits until it is empty again.
		 */
		uart->lcr_h = val & LCR_H_MASK;
		break;
	case UARTCR:
		uart->cr = val & CR_MASK;
		break;
	case UARTIFLS:
		uart->ifls = val & IFLS_MASK;
		break;
	case UARTIMSC:
		uart->imsc = val & INT_ALL;
		break;
	case UARTICR:
		/* Clears latched sources; TXRIS comes straight back: the FIFO is still empty. */
		uart->ris &= ~(val & INT_ALL);
		break;
	case UARTDMACR:
		uart->dmacr = val & DMACR_MASK;
		break;
	}
	/* FR, RIS, MIS and the ID registers are read-only; DR was handled by the caller. */
}

static void pl011_mmio_read(void *dev, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct pl011 *uart = dev;
	struct rx_ready_call notify;
	uint32_t val;

	if (len <= 8)
		memset(data, 0, len);
	if (!amba_read_ok(offset, len))
		return;

	pthread_mutex_lock(&uart->lock);
	val = read_reg(uart, offset & ~3ull, offset % 4 == 0);
	update_irq(uart);
	notify = owed_rx_ready(uart);
	pthread_mutex_unlock(&uart->lock);

	amba_put_read(data, len, offset, val);
	if (notify.fn)
		notify.fn(notify.opaque);
}

static void pl011_mmio_write(void *dev, uint64_t offset, const uint8_t *data, uint32_t len)
{
	struct pl011 *uart = dev;
	struct rx_ready_call notify;
	uint32_t val;

	if (!amba_write_ok(offset, len))
		return;
	val = amba_get_write(data, len);

	if (offset == UARTDR) {
		/* Sent at once, and no state changes: no lock, so a slow tx stalls nobody else. */
		if (uart->tx)
			uart->tx(uart->tx_opaque, val & 0xff);
		return;
	}

	pthread_mutex_lock(&uart->lock);
	write_reg(uart, offset, val);
	update_irq(uart);
	notify = owed_rx_ready(uart);
	pthread_mutex_unlock(&uart->lock);

	if (notify.fn)
		notify.fn(notify.opaque);
}

static const struct mmio_ops pl011_mmio_ops = {
	.read = pl011_mmio_read,
	.write = pl011_mmio_write,
};

size_t pl011_receive(struct pl011 *uart, const uint8_t *buf, size_t len)
{
	unsigned int depth;
	size_t taken = 0;

	pthread_mutex_lock(&uart->lock);
	depth = rx_depth(uart);
	while (taken < len && uart->fifo_count < depth) {
		unsigned int tail = (uart->fifo_head + uart->fifo_count) % PL011_FIFO_DEPTH;

		uart->fifo[tail] = buf[taken++];
		uart->fifo_count++;
	}
	if (taken) {
		/* The timeout is raised at once (see pl011.h); RX at the trigger level. */
		uart->ris |= INT_RT;
		if (uart->fifo_count >= rx_trigger(uart))
			uart->ris |= INT_RX;
		update_irq(uart);
	}
	if (taken < len)
		uart->rx_refused = true;
	pthread_mutex_unlock(&uart->lock);
	return taken;
}

void pl011_set_rx_ready(struct pl011 *uart, void (*fn)(void *opaque), void *opaque)
{
	pthread_mutex_lock(&uart->lock);
	uart->rx_ready = fn;
	uart->rx_ready_opaque = opaque;
	pthread_mutex_unlock(&uart->lock);
}

struct pl011 *pl011_create(struct irq_line *irq, pl011_tx_fn tx, void *opaque)
{
	struct pl011 *uart;
	int err;

	uart = calloc(1, sizeof(*uart));
	if (!uart)
		return NULL;
	err = pthread_mutex_init(&uart->lock, NULL);
	if (err) {
		free(uart);
		errno = err;
		return NULL;
	}
	uart->irq = irq;
	uart->tx = tx;
	uart->tx_opaque = opaque;
	uart->cr = CR_RESET;
	uart->ifls = IFLS_RESET;
	/* Everything masked: the line starts, and stays, low until the guest unmasks. */
	return uart;
}

void pl011_destroy(struct pl011 *uart)
{
	if (!uart)
		return;
	pthread_mutex_destroy(&uart->lock);
	free(uart);
}

int pl011_attach(struct pl011 *uart, struct mmio_bus *bus, uint64_t base)
{
	return mmio_bus_add(bus, base, AMBA_WINDOW_SIZE, &pl011_mmio_ops, uart, "pl011");
}
