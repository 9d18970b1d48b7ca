// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console with one port (virtio 1.2, 5.3): transmit buffers go to the
 * output callback, terminal input goes into the receive buffers the guest
 * posts, and what does not fit stays with the caller (virtio_console.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_console.h"

#define CONFIG_COLS		0
#define CONFIG_ROWS		2
#define CONFIG_MAX_NR_PORTS	4

struct virtio_console {
	struct virtio_mmio transport;
	virtio_console_output_fn output;
	void *opaque;
	bool has_size;
	uint8_t config[VIRTIO_CONSOLE_CONFIG_SIZE];
	/* Under the transport's lock: */
	bool rx_waiting;		/* a receive took less than offered: call rx_ready */
	void (*rx_ready)(void *opaque);
	void *rx_ready_opaque;
	struct virtq_chain chain;
};

static void config_read(void *dev, uint32_t offset, uint8_t *data, uint32_t len)
{
	struct virtio_console *con = dev;

	memcpy(data, con->config + offset, len);
}

/* Hands every transmit buffer to the output, in ring order. */
static void transmit(struct virtio_console *con, struct virtq *vq)
{
	struct virtq_chain *c = &con->chain;
	unsigned int i;

	while (virtq_pop(vq, c) > 0) {
		if (c->nr_writable) {
			virtq_mark_broken(vq, "virtio-console: transmit buffer is device-writable");
			return;
		}
		/* The guest may rewrite the bytes meanwhile: only its own output suffers. */
		for (i = 0; i < c->nr_readable && con->output; i++)
			con->output(con->opaque, c->iov[i].iov_base, c->iov[i].iov_len);
		virtq_push(vq, c, 0);
	}
}

/* The guest may have posted receive buffers: tell whoever holds input back. */
static void maybe_rx_ready(struct virtio_console *con)
{
	if (!con->rx_waiting || !con->rx_ready)
		return;
	con->rx_waiting = false;
	con->rx_ready(con->rx_ready_opaque);
}

static void queue_notify(void *dev, unsigned int queue)
{
	struct virtio_console *con = dev;
	struct virtq *vq = virtio_mmio_queue(&con->transport, queue);

	if (!vq)
		return;
	if (queue == VIRTIO_CONSOLE_TX_QUEUE)
		transmit(con, vq);
	else
		maybe_rx_ready(con);
}

size_t virtio_console_receive(struct virtio_console *con, const uint8_t *buf, size_t len)
{
	struct virtq_chain *c = &con->chain;
	struct virtq *vq;
	size_t taken = 0, n;

	virtio_mmio_lock(&con->transport);
	vq = virtio_mmio_queue(&con->transport, VIRTIO_CONSOLE_RX_QUEUE);
	while (vq && taken < len && virtq_pop(vq, c) > 0) {
		if (c->nr_readable) {
			virtq_mark_broken(vq, "virtio-console: receive buffer is device-readable");
			break;
		}
		n = virtq_chain_write(c, 0, buf + taken, len - taken);
		taken += n;
		virtq_push(vq, c, n);
	}
	if (taken < len)
		con->rx_waiting = true;
	virtio_mmio_unlock(&con->transport);
	return taken;
}

void virtio_console_set_rx_ready(struct virtio_console *con, void (*fn)(void *opaque),
				 void *opaque)
{
	virtio_mmio_lock(&con->transport);
	con->rx_ready = fn;
	con->rx_ready_opaque = opaque;
	virtio_mmio_unlock(&con->transport);
}

void virtio_console_set_size(struct virtio_console *con, uint16_t cols, uint16_t rows)
{
	if (!con->has_size)
		return;
	virtio_mmio_lock(&con->transport);
	mmio_put_le16(con->config + CONFIG_COLS, cols);
	mmio_put_le16(con->config + CONFIG_ROWS, rows);
	virtio_mmio_config_changed(&con->transport);
	virtio_mmio_unlock(&con->transport);
}

int virtio_console_create(struct virtio_console **out, const struct virtio_console_params *params,
			  struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
			  const struct guest_mem *mem)
{
	struct virtio_backend backend = {
		.name = "virtio-console",
		.device_id = VIRTIO_ID_CONSOLE,
		.num_queues = 2,
		.queue_max_size = VIRTIO_CONSOLE_QUEUE_SIZE,
		.config_size = VIRTIO_CONSOLE_CONFIG_SIZE,
		.config_read = config_read,
		.queue_notify = queue_notify,
	};
	struct virtio_console *con;
	int ret;

	if (!out || !params)
		return -EINVAL;
	con = calloc(1, sizeof(*con));
	if (!con)
		return -ENOMEM;
	con->output = params->output;
	con->opaque = params->opaque;
	con->has_size = params->cols || params->rows;
	if (con->has_size) {
		backend.features |= 1ull << VIRTIO_CONSOLE_F_SIZE;
		mmio_put_le16(con->config + CONFIG_COLS, params->cols);
		mmio_put_le16(con->config + CONFIG_ROWS, params->rows);
	}
	/* Meaningful with MULTIPORT only (5.3.4), which is not offered: say "one" anyway. */
	mmio_put_le32(con->config + CONFIG_MAX_NR_PORTS, 1);
	ret = virtio_mmio_attach(&con->transport, &backend, con, bus, base, irq, mem);
	if (ret) {
		free(con);
		return ret;
	}
	*out = con;
	return 0;
}

struct virtio_mmio *virtio_console_transport(struct virtio_console *con)
{
	return &con->transport;
}

void virtio_console_destroy(struct virtio_console *con)
{
	if (!con)
		return;
	virtio_mmio_destroy(&con->transport);
	free(con);
}
