/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ARM PL011 UART (PrimeCell UART, ARM DDI 0183) as the guest's console,
 * with the registers and identification Linux's amba-pl011 driver and its
 * earlycon use.
 *
 * The line is perfect and the transmitter infinitely fast: every byte the
 * guest writes to DR goes straight to the tx callback, the transmit FIFO is
 * always empty (FR.TXFE 1, TXFF 0, BUSY 0) and the transmit interrupt is
 * always raised (RIS.TXRIS 1; it reaches the line when IMSC.TXIM is set).
 * Receive errors (framing, parity, break, overrun) never happen: the receive
 * FIFO never overruns because pl011_receive() takes only what fits.
 *
 * Receive. The FIFO holds 32 characters with LCR_H.FEN set and 1 (the
 * holding register) without. RXRIS is raised when the FIFO reaches the
 * IFLS.RXIFLSEL level (1 with the FIFO off) and drops when reads take it
 * below (DDI 0183, "Interrupts": UARTRXINTR). The receive timeout
 * (RTRIS), which the hardware raises after 32 bit periods of silence with
 * the FIFO not empty, is raised here as soon as a character arrives: the
 * simplification lets a driver see every keystroke at once, and it still
 * drops when the FIFO empties. ICR clears either until the next character.
 *
 * Deviations, all harmless to Linux: transmit and receive work whatever
 * CR.UARTEN/TXE/RXE say (an earlycon writes before anyone enables the
 * UART, as there is no firmware); CR.LBE (loopback), IrDA and DMA are not
 * modelled (DMACR is a plain register); the modem inputs read as a
 * connected terminal (FR.CTS, DSR, DCD set; RI clear) and never change.
 *
 * Threads: MMIO callbacks on vCPU threads and pl011_receive() on the event
 * loop meet under the UART's own lock.
 */
#ifndef VMM_DEVICES_PL011_H
#define VMM_DEVICES_PL011_H

#include <stddef.h>
#include <stdint.h>

#include "irq.h"
#include "mmio_bus.h"

#define PL011_FIFO_DEPTH 32

struct pl011;

/*
 * One byte the guest sent. Runs on the vCPU thread that wrote DR, without
 * the UART's lock, possibly on several threads at once.
 */
typedef void (*pl011_tx_fn)(void *opaque, uint8_t byte);

/*
 * A UART in its reset state whose output goes to tx(opaque, byte) (NULL:
 * discarded) and whose interrupt output drives irq (NULL: none). Returns
 * NULL with errno set on failure.
 */
struct pl011 *pl011_create(struct irq_line *irq, pl011_tx_fn tx, void *opaque);
void pl011_destroy(struct pl011 *uart);

/* Decodes the UART's 4 KiB window at base. Returns mmio_bus_add()'s result. */
int pl011_attach(struct pl011 *uart, struct mmio_bus *bus, uint64_t base);

/*
 * Characters arriving on the line. Returns how many of buf's first bytes
 * fit in the receive FIFO (possibly 0); the caller keeps the rest and offers
 * them again later, best when told to by the rx_ready callback.
 */
size_t pl011_receive(struct pl011 *uart, const uint8_t *buf, size_t len);

/*
 * Optional: fn(opaque) is called once after a pl011_receive() that took less
 * than it was offered, as soon as the guest has made room (read DR, or
 * turned the FIFO on). It runs on a vCPU thread, without the UART's lock, so
 * it may call pl011_receive() — though waking the event loop is kinder to
 * the vCPU.
 */
void pl011_set_rx_ready(struct pl011 *uart, void (*fn)(void *opaque), void *opaque);

#endif /* VMM_DEVICES_PL011_H */
