// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on a frame-per-read backend (virtio 1.2, 5.1): frames from the
 * backend into the guest's receive chains, the guest's transmit chains out
 * to the backend (virtio_net.h).
 *
 * A frame read from the backend that finds no receive chain stays here
 * (`held`) until the guest posts one: never two, so the backend's own queue
 * (the TAP's, bounded by its txqueuelen) does the buffering and the VMM's
 * memory stays fixed.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtio_net.h"

#define CONFIG_MAC		0
#define CONFIG_STATUS		6
#define STATUS_LINK_UP		1
/* Header fields used here (5.1.6). */
#define HDR_GSO_TYPE		1
#define HDR_NUM_BUFFERS		10
/*
 * Reads take a buffer for the largest frame a TAP can carry (MTU 65535 plus
 * the Ethernet header), so a long frame is seen whole and dropped rather
 * than cut to a wrong but plausible one.
 */
#define READ_MAX		(65536u + 64u)
/* Frames moved per call: the loop comes back for more while the fd stays readable. */
#define RX_BUDGET		64

struct virtio_net {
	struct virtio_mmio transport;
	int fd;
	uint8_t config[VIRTIO_NET_CONFIG_SIZE];
	void (*rx_ready)(void *opaque);
	void *opaque;
	/* Under the transport's lock: */
	bool rx_waiting;		/* a frame waits for a receive chain: call rx_ready */
	size_t held;			/* bytes of the frame in `frame` waiting, 0: none */
	struct virtio_net_stats stats;
	struct virtq_chain chain;
	struct iovec io[VIRTQ_MAX_SIZE];
	uint8_t frame[READ_MAX];
};

static void config_read(void *dev, uint32_t offset, uint8_t *data, uint32_t len)
{
	struct virtio_net *net = dev;

	memcpy(data, net->config + offset, len);
}

/* Writes the frame of one transmit chain to the backend. Returns false when the chain is malformed. */
static bool transmit_one(struct virtio_net *net, struct virtq *vq)
{
	struct virtq_chain *c = &net->chain;
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	size_t len;
	unsigned int n;
	ssize_t r;

	if (c->nr_writable) {
		virtq_mark_broken(vq, "virtio-net: transmit chain has a device-writable buffer");
		return false;
	}
	if (c->readable_len < VIRTIO_NET_HDR_SIZE) {
		virtq_mark_broken(vq, "virtio-net: transmit chain has %zu bytes, less than the %u-byte header",
				  c->readable_len, VIRTIO_NET_HDR_SIZE);
		return false;
	}
	/* One copy: the guest may rewrite it meanwhile. */
	virtq_chain_read(c, 0, hdr, sizeof(hdr));
	if (hdr[HDR_GSO_TYPE] != VIRTIO_NET_HDR_GSO_NONE) {
		virtq_mark_broken(vq, "virtio-net: transmit asks for segmentation (gso_type %u), not offered",
				  hdr[HDR_GSO_TYPE]);
		return false;
	}
	len = c->readable_len - VIRTIO_NET_HDR_SIZE;
	r = -1;
	if (len) {
		n = virtq_chain_slice(c, false, VIRTIO_NET_HDR_SIZE, len, net->io);
		do {
			r = writev(net->fd, net->io, n);
		} while (r < 0 && errno == EINTR);
	}
	/* An empty frame, or a full or refusing backend, loses it, as a congested link would. */
	if (len && r == (ssize_t)len)
		net->stats.tx_frames++;
	else
		net->stats.tx_dropped++;
	virtq_push(vq, c, 0);
	return true;
}

static void transmit(struct virtio_net *net, struct virtq *vq)
{
	while (virtq_pop(vq, &net->chain) > 0)
		if (!transmit_one(net, vq))
			return;
}

/*
 * Puts the held frame into the next receive chain. Returns 1 when it went,
 * 0 when there is no chain to take it (not posted, the queue not ready or
 * the device not live), -1 when the chain was malformed (the device broke).
 */
static int deliver(struct virtio_net *net)
{
	static const uint8_t num_buffers_one[2] = { 1, 0 };	/* le16 1 */
	uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0 };
	struct virtq_chain *c = &net->chain;
	struct virtq *vq = virtio_mmio_queue(&net->transport, VIRTIO_NET_RX_QUEUE);
	int r;

	if (!vq)
		return 0;
	r = virtq_pop(vq, c);
	if (r <= 0)
		return r < 0 ? -1 : 0;
	if (c->nr_readable) {
		virtq_mark_broken(vq, "virtio-net: receive chain has a device-readable buffer");
		return -1;
	}
	/* Without MRG_RXBUF a frame must fit one chain (5.1.6.3.1: 1526 bytes or more). */
	if (c->writable_len < VIRTIO_NET_HDR_SIZE + net->held) {
		virtq_mark_broken(vq, "virtio-net: receive chain of %zu bytes, too short for the %u-byte header and a %zu-byte frame",
				  c->writable_len, VIRTIO_NET_HDR_SIZE, net->held);
		return -1;
	}
	/* No offloads: nothing to say but num_buffers, which is 1 without MRG_RXBUF (5.1.6.4.1). */
	memcpy(hdr + HDR_NUM_BUFFERS, num_buffers_one, 2);
	virtq_chain_write(c, 0, hdr, sizeof(hdr));
	virtq_chain_write(c, VIRTIO_NET_HDR_SIZE, net->frame, net->held);
	virtq_push(vq, c, VIRTIO_NET_HDR_SIZE + net->held);
	net->stats.rx_frames++;
	net->held = 0;
	return 1;
}

/* Reads the next frame into `frame`. Returns 1, 0 when none is waiting, -1 when the backend ended. */
static int read_frame(struct virtio_net *net)
{
	ssize_t n;

	for (;;) {
		n = read(net->fd, net->frame, sizeof(net->frame));
		if (n > 0 && (size_t)n > VIRTIO_NET_MAX_FRAME) {
			net->stats.rx_dropped++;
			continue;
		}
		if (n > 0) {
			net->held = n;
			return 1;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		/* End of file (a closed socket) or an error: nothing more will come. */
		return -1;
	}
}

enum virtio_net_rx virtio_net_backend_readable(struct virtio_net *net)
{
	enum virtio_net_rx result = VIRTIO_NET_RX_MORE;
	unsigned int budget;
	int r;

	virtio_mmio_lock(&net->transport);
	for (budget = RX_BUDGET; budget; budget--) {
		if (!net->held) {
			r = read_frame(net);
			if (r <= 0) {
				result = r < 0 ? VIRTIO_NET_RX_CLOSED : VIRTIO_NET_RX_MORE;
				break;
			}
		}
		/* A broken device waits for its reset like a guest that posted nothing. */
		if (deliver(net) <= 0) {
			net->rx_waiting = true;
			result = VIRTIO_NET_RX_WAIT;
			break;
		}
	}
	virtio_mmio_unlock(&net->transport);
	return result;
}

static void queue_notify(void *dev, unsigned int queue)
{
	struct virtio_net *net = dev;
	struct virtq *vq = virtio_mmio_queue(&net->transport, queue);

	if (!vq)
		return;
	if (queue == VIRTIO_NET_TX_QUEUE) {
		transmit(net, vq);
		return;
	}
	/* New receive chains (or DRIVER_OK): the held frame can go. */
	if (net->rx_waiting && net->rx_ready) {
		net->rx_waiting = false;
		net->rx_ready(net->opaque);
	}
}

int virtio_net_create(struct virtio_net **out, const struct virtio_net_params *params,
		      struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
		      const struct guest_mem *mem)
{
	const struct virtio_backend backend = {
		.name = "virtio-net",
		.device_id = VIRTIO_ID_NET,
		.features = 1ull << VIRTIO_NET_F_MAC,
		.num_queues = 2,
		.queue_max_size = VIRTIO_NET_QUEUE_SIZE,
		.config_size = VIRTIO_NET_CONFIG_SIZE,
		.config_read = config_read,
		.queue_notify = queue_notify,
	};
	struct virtio_net *net;
	int flags, ret;

	if (!out || !params || params->fd < 0 || (params->mac[0] & 1))
		return -EINVAL;
	/* Reads stop at EAGAIN, and a stalled backend must not stall a vCPU's writes. */
	flags = fcntl(params->fd, F_GETFL);
	if (flags < 0 || fcntl(params->fd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	net = calloc(1, sizeof(*net));
	if (!net)
		return -ENOMEM;
	net->fd = params->fd;
	net->rx_ready = params->rx_ready;
	net->opaque = params->opaque;
	memcpy(net->config + CONFIG_MAC, params->mac, 6);
	net->config[CONFIG_STATUS] = STATUS_LINK_UP;
	ret = virtio_mmio_attach(&net->transport, &backend, net, bus, base, irq, mem);
	if (ret) {
		free(net);
		return ret;
	}
	*out = net;
	return 0;
}

struct virtio_mmio *virtio_net_transport(struct virtio_net *net)
{
	return &net->transport;
}

void virtio_net_get_stats(struct virtio_net *net, struct virtio_net_stats *stats)
{
	virtio_mmio_lock(&net->transport);
	*stats = net->stats;
	virtio_mmio_unlock(&net->transport);
}

void virtio_net_destroy(struct virtio_net *net)
{
	if (!net)
		return;
	virtio_mmio_destroy(&net->transport);
	free(net);
}
