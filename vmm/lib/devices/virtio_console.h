/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-console (virtio 1.2, 5.3) with one port, over virtio-mmio: the
 * guest's hvc0.
 *
 * Queues: receiveq 0 (port 0 input: the driver posts device-writable
 * buffers, the device fills them with what the terminal typed) and
 * transmitq 1 (port 0 output: device-readable buffers the device hands to
 * the output callback, in order). No MULTIPORT, so no control queues.
 * F_SIZE is offered only when the creator gives a terminal size.
 *
 * Input is never dropped: virtio_console_receive() takes only what the
 * posted receive buffers can hold and returns how much that was; the caller
 * keeps the rest. The rx_ready callback then says when the guest has posted
 * more buffers (a notification of queue 0, or DRIVER_OK after a reset).
 *
 * A receive buffer the device could read, or a transmit buffer it could
 * write, is refused: the device needs a reset (virtio_mmio.h).
 *
 * Threads: the queues are served under the transport's lock, on the thread
 * that notified (a vCPU, or the ioeventfd handler on the event loop);
 * virtio_console_receive() takes the same lock.
 */
#ifndef VMM_DEVICES_VIRTIO_CONSOLE_H
#define VMM_DEVICES_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "virtio_mmio.h"

/* Feature bits (5.3.3). */
#define VIRTIO_CONSOLE_F_SIZE		0
#define VIRTIO_CONSOLE_F_MULTIPORT	1
#define VIRTIO_CONSOLE_F_EMERG_WRITE	2

#define VIRTIO_CONSOLE_RX_QUEUE		0
#define VIRTIO_CONSOLE_TX_QUEUE		1
#define VIRTIO_CONSOLE_QUEUE_SIZE	64u
/* Config space (5.3.4): le16 cols, le16 rows, le32 max_nr_ports, le32 emerg_wr. */
#define VIRTIO_CONSOLE_CONFIG_SIZE	12u

/*
 * Bytes the guest sent, in order: one call per transmit buffer. Runs with the
 * device's lock held, on the thread that notified the transmit queue.
 */
typedef void (*virtio_console_output_fn)(void *opaque, const uint8_t *buf, size_t len);

struct virtio_console_params {
	virtio_console_output_fn output;	/* NULL: output discarded */
	void *opaque;
	/* The terminal's size; 0 and 0: unknown, F_SIZE is not offered. */
	uint16_t cols, rows;
};

struct virtio_console;

/*
 * Creates the device and attaches its transport at `base` (see
 * virtio_mmio_attach()). Returns 0 with *con set, or a negative errno.
 */
int virtio_console_create(struct virtio_console **con, const struct virtio_console_params *params,
			  struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
			  const struct guest_mem *mem);
/* Its transport, for ioeventfds and error reports. */
struct virtio_mmio *virtio_console_transport(struct virtio_console *con);

/*
 * Input for the guest. Copies as much of buf as the posted receive buffers
 * hold (each buffer is returned as soon as something is in it) and returns
 * how many bytes that was, possibly 0: before the driver is up, when it has
 * posted nothing, or while the device needs a reset. Takes the lock.
 */
size_t virtio_console_receive(struct virtio_console *con, const uint8_t *buf, size_t len);

/*
 * Optional: fn(opaque) is called once after a virtio_console_receive() that
 * took less than it was offered, as soon as the guest may have made room
 * (it notified the receive queue, or set DRIVER_OK). It runs with the
 * device's lock held, on a vCPU or the event loop's thread: it must not call
 * back into the device, nor block; waking the caller's event loop (an
 * eventfd write) is what it is for.
 */
void virtio_console_set_rx_ready(struct virtio_console *con, void (*fn)(void *opaque),
				 void *opaque);

/*
 * The terminal changed size: new config values and a configuration-change
 * interrupt, when F_SIZE was offered (a size was given at creation).
 */
void virtio_console_set_size(struct virtio_console *con, uint16_t cols, uint16_t rows);

/* Once nothing can reach the device any more. */
void virtio_console_destroy(struct virtio_console *con);

#endif /* VMM_DEVICES_VIRTIO_CONSOLE_H */
