/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net (virtio 1.2, 5.1) over virtio-mmio, on a backend file
 * descriptor that carries one Ethernet frame per read() and write(): a TAP
 * device opened with IFF_TAP | IFF_NO_PI (tap.h), or in tests one end of a
 * datagram socketpair.
 *
 * Queues: receiveq 0 and transmitq 1, one pair, no control queue. Offered:
 * MAC (the config space holds it) and nothing else: no checksum or
 * segmentation offloads, no mergeable receive buffers. So every frame fits
 * one buffer chain, and the 12-byte struct virtio_net_hdr (VERSION_1: with
 * num_buffers) that precedes it is all zero on receive but num_buffers = 1
 * (5.1.6.4.1), and must ask for nothing on transmit (gso_type NONE).
 *
 * Receive. When the backend is readable, virtio_net_backend_readable()
 * moves frames into the receive chains the guest posted, each chain the
 * header then one frame. With no chain posted it keeps the frame it read
 * and answers VIRTIO_NET_RX_WAIT: the caller stops watching the fd until
 * the rx_ready callback says the guest posted buffers, then calls again.
 * Frames longer than VIRTIO_NET_MAX_FRAME are dropped (counted): the guest
 * was not told to expect them.
 *
 * Transmit. Each chain on queue 1 is a header and one frame, written to the
 * backend in one writev(); a frame the backend refuses is dropped (counted),
 * as a network would.
 *
 * Errors of the guest, after which the device needs a reset (virtio_mmio.h):
 * a transmit chain without a whole header, with device-writable buffers, or
 * asking for segmentation; a receive chain with device-readable buffers, or
 * too short for the header and the frame at hand.
 *
 * Threads: queue work runs under the transport's lock, on the thread that
 * notified; virtio_net_backend_readable() takes the same lock (it runs on
 * the event loop).
 */
#ifndef VMM_DEVICES_VIRTIO_NET_H
#define VMM_DEVICES_VIRTIO_NET_H

#include <stdint.h>

#include "virtio_mmio.h"

/* Feature bits (5.1.3). Only MAC is offered. */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16

/* struct virtio_net_hdr (5.1.6): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
#define VIRTIO_NET_HDR_SIZE		12u
#define VIRTIO_NET_HDR_GSO_NONE		0

#define VIRTIO_NET_RX_QUEUE		0
#define VIRTIO_NET_TX_QUEUE		1
#define VIRTIO_NET_QUEUE_SIZE		256u
/* An Ethernet frame without FCS at the guest's default MTU of 1500. */
#define VIRTIO_NET_MAX_FRAME		1514u
/* Config space (5.1.4): mac[6], le16 status (status only with F_STATUS). */
#define VIRTIO_NET_CONFIG_SIZE		8u

struct virtio_net_params {
	/*
	 * The backend: one frame per read()/write(). Made non-blocking by
	 * create; it stays the caller's (destroy does not close it).
	 */
	int fd;
	uint8_t mac[6];
	/*
	 * Called once after virtio_net_backend_readable() answered
	 * VIRTIO_NET_RX_WAIT, as soon as the guest may have posted receive
	 * buffers. Runs with the device's lock held, on a vCPU or the event
	 * loop's thread: it must not call back into the device nor block;
	 * waking the event loop (an eventfd write) is what it is for. NULL: no
	 * calls.
	 */
	void (*rx_ready)(void *opaque);
	void *opaque;
};

enum virtio_net_rx {
	VIRTIO_NET_RX_MORE,	/* keep watching the backend */
	VIRTIO_NET_RX_WAIT,	/* a frame waits for receive buffers: stop until rx_ready */
	VIRTIO_NET_RX_CLOSED,	/* the backend ended or failed: stop watching it */
};

struct virtio_net_stats {
	uint64_t rx_frames, rx_dropped;		/* to the guest; too long for it */
	uint64_t tx_frames, tx_dropped;		/* from the guest; refused by the backend */
};

struct virtio_net;

/*
 * Creates the device and attaches its transport at `base` (see
 * virtio_mmio_attach()). Returns 0 with *net set, or a negative errno:
 * -EINVAL for bad parameters (a negative fd, a multicast MAC).
 */
int virtio_net_create(struct virtio_net **net, const struct virtio_net_params *params,
		      struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
		      const struct guest_mem *mem);
/* Its transport, for ioeventfds and error reports. */
struct virtio_mmio *virtio_net_transport(struct virtio_net *net);

/*
 * The backend is readable: moves frames into receive chains, a bounded
 * number per call (the fd is watched level-triggered, so the loop comes
 * back for the rest). Takes the lock.
 */
enum virtio_net_rx virtio_net_backend_readable(struct virtio_net *net);

void virtio_net_get_stats(struct virtio_net *net, struct virtio_net_stats *stats);

/* Once nothing can reach the device any more. Does not close the backend. */
void virtio_net_destroy(struct virtio_net *net);

#endif /* VMM_DEVICES_VIRTIO_NET_H */
