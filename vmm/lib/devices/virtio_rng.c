// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (virtio 1.2, 5.4): each request is a chain of device-writable
 * buffers, returned filled with random bytes from getrandom(2).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "virtio_rng.h"

struct virtio_rng {
	struct virtio_mmio transport;
	struct virtq_chain chain;	/* used under the transport's lock only */
};

/* Fills [p, p + len) from the kernel's generator; returns the bytes filled. */
static size_t fill_random(uint8_t *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		/*
		 * Flags 0: blocks only until the host's pool is first
		 * initialized, long before a VM runs.
		 */
		ssize_t r = getrandom(p + done, len - done, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		done += r;
	}
	return done;
}

/* Fills the chain's writable part up to the cap; returns the bytes written from its start. */
static uint32_t fill_chain(const struct virtq_chain *c)
{
	size_t budget = VIRTIO_RNG_MAX_PER_REQUEST;
	size_t written = 0;
	unsigned int i;

	for (i = c->nr_readable; i < c->nr_readable + c->nr_writable && budget; i++) {
		size_t want = c->iov[i].iov_len < budget ? c->iov[i].iov_len : budget;
		size_t got = fill_random(c->iov[i].iov_base, want);

		written += got;
		budget -= want;
		if (got < want)
			break;
	}
	return written;
}

static void queue_notify(void *dev, unsigned int queue)
{
	struct virtio_rng *rng = dev;
	struct virtq *vq = virtio_mmio_queue(&rng->transport, queue);
	struct virtq_chain *c = &rng->chain;

	if (!vq)
		return;
	while (virtq_pop(vq, c) > 0) {
		/* 5.4.6.1: the driver places only device-writable buffers. */
		if (c->nr_readable) {
			virtq_mark_broken(vq, "virtio-rng: request has a driver-readable buffer");
			return;
		}
		virtq_push(vq, c, fill_chain(c));
	}
}

int virtio_rng_create(struct virtio_rng **out, struct mmio_bus *bus, uint64_t base,
		      struct irq_line *irq, const struct guest_mem *mem)
{
	const struct virtio_backend backend = {
		.name = "virtio-rng",
		.device_id = VIRTIO_ID_ENTROPY,
		.num_queues = 1,
		.queue_max_size = VIRTIO_RNG_QUEUE_SIZE,
		.queue_notify = queue_notify,
	};
	struct virtio_rng *rng;
	int ret;

	if (!out)
		return -EINVAL;
	rng = calloc(1, sizeof(*rng));
	if (!rng)
		return -ENOMEM;
	ret = virtio_mmio_attach(&rng->transport, &backend, rng, bus, base, irq, mem);
	if (ret) {
		free(rng);
		return ret;
	}
	*out = rng;
	return 0;
}

struct virtio_mmio *virtio_rng_transport(struct virtio_rng *rng)
{
	return &rng->transport;
}

void virtio_rng_destroy(struct virtio_rng *rng)
{
	if (!rng)
		return;
	virtio_mmio_destroy(&rng->transport);
	free(rng);
}
