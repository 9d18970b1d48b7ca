/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-rng, the entropy device (virtio 1.2, 5.4), over virtio-mmio: one
 * request queue whose device-writable buffers the device fills from the
 * host's getrandom(2). No features, no config space.
 */
#ifndef VMM_DEVICES_VIRTIO_RNG_H
#define VMM_DEVICES_VIRTIO_RNG_H

#include <stdint.h>

#include "virtio_mmio.h"

#define VIRTIO_RNG_QUEUE_SIZE	64u
/*
 * The most bytes given per request; a bigger buffer is filled this far (the
 * used length says so, 5.4.6.2), so one request cannot hold the device's
 * lock for long. Linux asks for a few dozen bytes at a time.
 */
#define VIRTIO_RNG_MAX_PER_REQUEST	(64u << 10)

struct virtio_rng;

/*
 * Creates the device and attaches its transport at `base` (see
 * virtio_mmio_attach()). Returns 0 with *rng set, or a negative errno.
 */
int virtio_rng_create(struct virtio_rng **rng, struct mmio_bus *bus, uint64_t base,
		      struct irq_line *irq, const struct guest_mem *mem);
/* Its transport, for ioeventfds and error reports. */
struct virtio_mmio *virtio_rng_transport(struct virtio_rng *rng);
/* Once nothing can reach the device any more. */
void virtio_rng_destroy(struct virtio_rng *rng);

#endif /* VMM_DEVICES_VIRTIO_RNG_H */
