/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport, version 2 ("modern", virtio 1.2 section 4.2),
 * shared by every virtio device model.
 *
 * A device model (a "backend": block, entropy, console, net) describes itself
 * with a struct virtio_backend and attaches a struct virtio_mmio, usually
 * embedded in its own state, to the MMIO bus. The transport owns the
 * registers, feature negotiation, the status state machine, the queues'
 * set-up and interrupts; the backend only serves its queues and config space.
 *
 * Locking. Each transport has one mutex. Every backend callback runs with it
 * held, and so must every call of the functions marked "lock held" below: in
 * a callback that is already so; from elsewhere (an event-loop handler
 * feeding a receive queue) wrap the work in virtio_mmio_lock()/_unlock().
 * Backends must not call virtio_mmio_notify() or the lock functions from a
 * callback.
 *
 * Interrupts are delivered when the lock is released (and after every
 * callback), never by the backend: if chains were pushed on a queue whose
 * driver did not set VIRTQ_AVAIL_F_NO_INTERRUPT, InterruptStatus bit 0 is
 * set; a queue marked broken sets DEVICE_NEEDS_RESET instead (below).
 *
 * Why edge-triggered: QEMU's virt board, whose device tree our guests expect,
 * declares the virtio-mmio SPIs edge-rising, and the guest clears the
 * condition itself through InterruptACK. So the transport pulses its
 * irq_line each time an InterruptStatus bit goes from 0 to 1; a bit already
 * set sends nothing, because the guest's handler has not acknowledged it yet
 * and will see every used buffer published before its InterruptACK write
 * (Linux's vm_interrupt reads, acknowledges, then scans the rings).
 *
 * Errors of the guest. A malformed ring or request breaks the device: it
 * sets DEVICE_NEEDS_RESET in Status with a configuration-change interrupt
 * (2.1.2), stops serving its queues until the driver resets it (Status = 0),
 * and reports the first such error once per transport through the report
 * callback (and virtio_mmio_error()). Nothing is printed.
 */
#ifndef VMM_DEVICES_VIRTIO_MMIO_H
#define VMM_DEVICES_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "irq.h"
#include "mmio_bus.h"
#include "virtqueue.h"

/* Register offsets (4.2.2). Only 32-bit accesses reach them. */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000	/* "virt" */
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050	/* the ioeventfd address: base + this */
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090	/* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0	/* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100	/* device-specific config space */

#define VIRTIO_MMIO_MAGIC		0x74726976u
#define VIRTIO_MMIO_VERSION_MODERN	2u
#define VIRTIO_MMIO_VENDOR		0x554d4551u	/* "QEMU", as QEMU's devices say */
/* The window one transport decodes: registers and a config space of 0x100 bytes. */
#define VIRTIO_MMIO_WINDOW		0x200u
#define VIRTIO_MMIO_CONFIG_MAX		0x100u

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	1u
#define VIRTIO_STATUS_DRIVER		2u
#define VIRTIO_STATUS_DRIVER_OK		4u
#define VIRTIO_STATUS_FEATURES_OK	8u
#define VIRTIO_STATUS_NEEDS_RESET	64u
#define VIRTIO_STATUS_FAILED		128u

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_MMIO_INT_VRING		1u	/* a used buffer */
#define VIRTIO_MMIO_INT_CONFIG		2u	/* config change (or NEEDS_RESET) */

/* Reserved feature bits (6). The transport always offers VERSION_1. */
#define VIRTIO_F_VERSION_1		32

/* Device IDs (5). */
#define VIRTIO_ID_NET			1
#define VIRTIO_ID_BLOCK			2
#define VIRTIO_ID_CONSOLE		3
#define VIRTIO_ID_ENTROPY		4

#define VIRTIO_MMIO_MAX_QUEUES		8

/*
 * What a device model tells the transport. virtio_mmio_attach() copies it,
 * so it may be built on the stack. `dev` is the backend's own pointer, given
 * to attach. Callbacks run with the transport's lock held.
 */
struct virtio_backend {
	const char *name;		/* "virtio-blk": the bus region, error reports */
	uint32_t device_id;		/* VIRTIO_ID_* */
	/* Device-specific feature bits offered (0..23); VERSION_1 is added. */
	uint64_t features;
	unsigned int num_queues;	/* 1..VIRTIO_MMIO_MAX_QUEUES */
	uint16_t queue_max_size;	/* QueueNumMax: a power of two <= VIRTQ_MAX_SIZE */
	uint32_t config_size;		/* bytes of config space, <= VIRTIO_MMIO_CONFIG_MAX */
	/*
	 * Config space access of 1, 2 or 4 bytes, already checked to lie in
	 * [0, config_size). Data is little-endian bytes (config fields are
	 * little-endian, 2.4). NULL: reads zero / writes ignored.
	 */
	void (*config_read)(void *dev, uint32_t offset, uint8_t *data, uint32_t len);
	void (*config_write)(void *dev, uint32_t offset, const uint8_t *data, uint32_t len);
	/*
	 * The driver notified `queue` (< num_queues), which is ready, and the
	 * device is live (DRIVER_OK, not NEEDS_RESET): pop, serve, push. Also
	 * called for every ready queue when DRIVER_OK is set, for buffers made
	 * available before it. Get the queue with virtio_mmio_queue().
	 */
	void (*queue_notify)(void *dev, unsigned int queue);
	/* The driver reset the device (Status = 0): drop per-session state. May be NULL. */
	void (*reset)(void *dev);
};

/* Called once per transport, with its lock held, for the first guest error. */
typedef void (*virtio_report_fn)(void *ctx, const char *msg);

/* One transport. All fields are private: use the functions below. */
struct virtio_mmio_queue {
	struct virtq vq;
	uint32_t num;			/* QueueNum as written */
	bool ready;			/* QueueReady */
	uint64_t desc, driver, device;	/* ring addresses as written */
};

struct virtio_mmio {
	pthread_mutex_t lock;
	struct virtio_backend backend;
	void *dev;
	struct irq_line *irq;
	const struct guest_mem *mem;
	uint64_t base;
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t config_generation;
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint32_t queue_sel;
	uint64_t driver_features;
	struct virtio_mmio_queue queues[VIRTIO_MMIO_MAX_QUEUES];
	virtio_report_fn report;
	void *report_ctx;
	bool reported;
	char error[192];
};

/*
 * Initializes t for `backend` and registers its VIRTIO_MMIO_WINDOW-byte
 * window at `base` on the bus. irq may be NULL (no interrupts, for tests).
 * Returns 0, -EINVAL for an unusable backend description, or the error of
 * pthread_mutex_init()/mmio_bus_add() (negative). Call before the vCPUs run.
 */
int virtio_mmio_attach(struct virtio_mmio *t, const struct virtio_backend *backend, void *dev,
		       struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
		       const struct guest_mem *mem);
/* Frees what attach allocated, once no vCPU or event-loop handler can reach t. */
void virtio_mmio_destroy(struct virtio_mmio *t);
/* Sets where the first guest error is reported (e.g. a line on stderr). Before the vCPUs run. */
void virtio_mmio_set_report(struct virtio_mmio *t, virtio_report_fn fn, void *ctx);
/* The first guest error this transport saw, or NULL. */
const char *virtio_mmio_error(struct virtio_mmio *t);

/*
 * The driver notified `queue`: the path of a QueueNotify write, callable as
 * well from an ioeventfd handler bound to base + VIRTIO_MMIO_QUEUE_NOTIFY with
 * datamatch = queue. Ignored unless the queue exists and is ready and the
 * device is live. Takes the lock.
 */
void virtio_mmio_notify(struct virtio_mmio *t, unsigned int queue);
/* How many queues the device has (ioeventfds to bind: one per queue). */
unsigned int virtio_mmio_num_queues(const struct virtio_mmio *t);
/* Whether the driver has set up and enabled `queue`. Takes the lock. */
bool virtio_mmio_queue_ready(struct virtio_mmio *t, unsigned int queue);

/* For work outside callbacks. Unlocking delivers the interrupts owed. */
void virtio_mmio_lock(struct virtio_mmio *t);
void virtio_mmio_unlock(struct virtio_mmio *t);

/*
 * Lock held. The queue to pop from and push to, or NULL when it may not be
 * used now: no such queue, not ready, or the device not live (before
 * DRIVER_OK, or broken).
 */
struct virtq *virtio_mmio_queue(struct virtio_mmio *t, unsigned int queue);
/* Lock held. The features the driver accepted (0 until FEATURES_OK). */
uint64_t virtio_mmio_features(const struct virtio_mmio *t);
/* Lock held. The device changed its config space: new generation, interrupt (4.2.2). */
void virtio_mmio_config_changed(struct virtio_mmio *t);

#endif /* VMM_DEVICES_VIRTIO_MMIO_H */
