// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2): registers, feature
 * negotiation, device status, queue set-up and interrupts. The contract with
 * device models is in virtio_mmio.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "virtio_mmio.h"

#define VERSION_1_BIT		(1ull << VIRTIO_F_VERSION_1)
/* Feature bits 0..23 are device-specific (6); the rest are the transport's. */
#define DEVICE_FEATURE_MASK	((1ull << 24) - 1)
/* The status bits a driver may set; DEVICE_NEEDS_RESET is the device's (2.1). */
#define DRIVER_STATUS_BITS	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
				 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
				 VIRTIO_STATUS_FAILED)

static uint64_t offered_features(const struct virtio_mmio *t)
{
	return t->backend.features | VERSION_1_BIT;
}

/* Serving queues is allowed only between DRIVER_OK and a reset (3.1.1, 2.1.2). */
static bool live(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_STATUS_DRIVER_OK) && !(t->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* Sets an InterruptStatus bit; a bit going from 0 to 1 is one edge (see the header). */
static void raise_interrupt(struct virtio_mmio *t, uint32_t bit)
{
	if (t->interrupt_status & bit)
		return;
	t->interrupt_status |= bit;
	irq_line_pulse(t->irq);
}

/* The guest broke a queue: DEVICE_NEEDS_RESET with a config-change interrupt (2.1.2). */
static void fail(struct virtio_mmio *t, unsigned int queue, const char *why)
{
	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	raise_interrupt(t, VIRTIO_MMIO_INT_CONFIG);
	if (t->reported)
		return;
	t->reported = true;
	snprintf(t->error, sizeof(t->error), "%s at %#llx, queue %u: %s; device needs reset",
		 t->backend.name, (unsigned long long)t->base, queue, why);
	if (t->report)
		t->report(t->report_ctx, t->error);
}

/* What the queues owe the driver after a batch of work: interrupts, or a failure. */
static void settle(struct virtio_mmio *t)
{
	unsigned int q;

	for (q = 0; q < t->backend.num_queues; q++) {
		struct virtq *vq = &t->queues[q].vq;

		if (virtq_broken(vq))
			fail(t, q, virtq_error(vq));
		else if (virtq_should_interrupt(vq))
			raise_interrupt(t, VIRTIO_MMIO_INT_VRING);
	}
}

void virtio_mmio_lock(struct virtio_mmio *t)
{
	pthread_mutex_lock(&t->lock);
}

void virtio_mmio_unlock(struct virtio_mmio *t)
{
	settle(t);
	pthread_mutex_unlock(&t->lock);
}

/* Back to the state after power-on, without telling the backend. */
static void reset_transport(struct virtio_mmio *t)
{
	unsigned int q;

	for (q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++) {
		struct virtio_mmio_queue *mq = &t->queues[q];

		virtq_disable(&mq->vq);
		mq->num = t->backend.queue_max_size;
		mq->ready = false;
		mq->desc = 0;
		mq->driver = 0;
		mq->device = 0;
	}
	t->status = 0;
	t->interrupt_status = 0;
	t->device_features_sel = 0;
	t->driver_features_sel = 0;
	t->queue_sel = 0;
	t->driver_features = 0;
}

/* The selected queue, or NULL when QueueSel names none (4.2.2: such accesses do nothing). */
static struct virtio_mmio_queue *selected_queue(struct virtio_mmio *t)
{
	if (t->queue_sel >= t->backend.num_queues)
		return NULL;
	return &t->queues[t->queue_sel];
}

/* The selected queue if its set-up registers may change: it exists and is not ready. */
static struct virtio_mmio_queue *queue_being_set_up(struct virtio_mmio *t)
{
	struct virtio_mmio_queue *mq = selected_queue(t);

	return mq && !mq->ready ? mq : NULL;
}

static void notify_locked(struct virtio_mmio *t, unsigned int queue)
{
	if (queue < t->backend.num_queues && t->queues[queue].ready && live(t))
		t->backend.queue_notify(t->dev, queue);
}

static void set_queue_ready(struct virtio_mmio *t, uint32_t value)
{
	struct virtio_mmio_queue *mq = selected_queue(t);

	if (!mq)
		return;
	if (value == 0) {
		/* Linux's vm_del_vq writes 0 and expects to read 0 back. */
		virtq_disable(&mq->vq);
		mq->ready = false;
		return;
	}
	if (value != 1 || mq->ready)
		return;
	if (mq->num > t->backend.queue_max_size) {
		virtq_mark_broken(&mq->vq, "QueueNum %u exceeds QueueNumMax %u", mq->num,
				  t->backend.queue_max_size);
		return;
	}
	/* A bad size or ring address breaks the queue; settle() fails the device. */
	if (virtq_init(&mq->vq, t->mem, mq->num, mq->desc, mq->driver, mq->device) == 0)
		mq->ready = true;
}

/* 3.1.1: the device accepts only a subset of its offer, and needs VERSION_1 of a modern driver. */
static bool features_acceptable(const struct virtio_mmio *t)
{
	return (t->driver_features & VERSION_1_BIT) &&
	       !(t->driver_features & ~offered_features(t));
}

static void write_status(struct virtio_mmio *t, uint32_t value)
{
	uint32_t set;
	unsigned int q;

	if (value == 0) {
		/* 4.2.2: writing zero resets the device. */
		if (t->backend.reset)
			t->backend.reset(t->dev);
		reset_transport(t);
		return;
	}
	/* Bits are only ever added; a driver never clears one except by reset (2.1.1). */
	set = value & ~t->status & DRIVER_STATUS_BITS;
	/* Refusing FEATURES_OK means leaving it clear; the driver reads it back (3.1.1). */
	if ((set & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(t))
		set &= ~VIRTIO_STATUS_FEATURES_OK;
	/* Without negotiated features there is no device to drive. */
	if ((set & VIRTIO_STATUS_DRIVER_OK) && !((t->status | set) & VIRTIO_STATUS_FEATURES_OK))
		set &= ~VIRTIO_STATUS_DRIVER_OK;
	t->status |= set;
	if (set & VIRTIO_STATUS_DRIVER_OK)
		for (q = 0; q < t->backend.num_queues; q++)
			notify_locked(t, q);
}

static uint32_t read_register(struct virtio_mmio *t, uint64_t offset)
{
	struct virtio_mmio_queue *mq = selected_queue(t);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->backend.device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		/* 32 feature bits per DeviceFeaturesSel value; we have 64. */
		if (t->device_features_sel > 1)
			return 0;
		return offered_features(t) >> (32 * t->device_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		/* 0 says "no such queue" (4.2.2). */
		return mq ? t->backend.queue_max_size : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return mq ? mq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* No shared memory regions: a length of -1 says so (4.2.2). */
		return 0xffffffffu;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return t->config_generation;
	default:
		/* Write-only and reserved registers. */
		return 0;
	}
}

/* Replaces the low or high half of a 64-bit ring address. */
static void set_half(uint64_t *addr, bool high, uint32_t value)
{
	if (high)
		*addr = (*addr & 0xffffffffull) | (uint64_t)value << 32;
	else
		*addr = (*addr & ~0xffffffffull) | value;
}

static void write_register(struct virtio_mmio *t, uint64_t offset, uint32_t value)
{
	struct virtio_mmio_queue *mq;

	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* After FEATURES_OK the negotiated set is fixed (3.1.1). */
		if ((t->status & VIRTIO_STATUS_FEATURES_OK) || t->driver_features_sel > 1)
			break;
		if (t->driver_features_sel)
			t->driver_features = (t->driver_features & 0xffffffffull) |
					     (uint64_t)value << 32;
		else
			t->driver_features = (t->driver_features & ~0xffffffffull) | value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		mq = queue_being_set_up(t);
		if (mq)
			mq->num = value;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		set_queue_ready(t, value);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		notify_locked(t, value);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~value;
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(t, value);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		mq = queue_being_set_up(t);
		if (mq)
			set_half(&mq->desc, offset == VIRTIO_MMIO_QUEUE_DESC_HIGH, value);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		mq = queue_being_set_up(t);
		if (mq)
			set_half(&mq->driver, offset == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, value);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		mq = queue_being_set_up(t);
		if (mq)
			set_half(&mq->device, offset == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, value);
		break;
	default:
		/* Read-only and reserved registers, SHMSel (no regions). */
		break;
	}
}

/*
 * The config space offset of an access, or -1 when it is not one the
 * backend should see: 1, 2 or 4 bytes wholly inside config_size.
 */
static int64_t config_offset(const struct virtio_mmio *t, uint64_t offset, uint32_t len)
{
	uint64_t off = offset - VIRTIO_MMIO_CONFIG;

	if (len != 1 && len != 2 && len != 4)
		return -1;
	if (off >= t->backend.config_size || len > t->backend.config_size - off)
		return -1;
	return off;
}

/* Registers take naturally aligned 32-bit accesses only (4.2.2.2); others read 0 / are ignored. */
static bool register_access(uint64_t offset, uint32_t len)
{
	return len == 4 && offset % 4 == 0;
}

static void mmio_read(void *opaque, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct virtio_mmio *t = opaque;
	int64_t off;

	memset(data, 0, len);
	virtio_mmio_lock(t);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		off = config_offset(t, offset, len);
		if (off >= 0 && t->backend.config_read)
			t->backend.config_read(t->dev, off, data, len);
	} else if (register_access(offset, len)) {
		mmio_put_le32(data, read_register(t, offset));
	}
	virtio_mmio_unlock(t);
}

static void mmio_write(void *opaque, uint64_t offset, const uint8_t *data, uint32_t len)
{
	struct virtio_mmio *t = opaque;
	int64_t off;

	virtio_mmio_lock(t);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		off = config_offset(t, offset, len);
		if (off >= 0 && t->backend.config_write)
			t->backend.config_write(t->dev, off, data, len);
	} else if (register_access(offset, len)) {
		write_register(t, offset, mmio_le32(data));
	}
	virtio_mmio_unlock(t);
}

static const struct mmio_ops virtio_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

static bool backend_valid(const struct virtio_backend *b)
{
	return b && b->name && b->queue_notify &&
	       b->num_queues >= 1 && b->num_queues <= VIRTIO_MMIO_MAX_QUEUES &&
	       b->queue_max_size >= 1 && b->queue_max_size <= VIRTQ_MAX_SIZE &&
	       !(b->queue_max_size & (b->queue_max_size - 1)) &&
	       b->config_size <= VIRTIO_MMIO_CONFIG_MAX &&
	       !(b->features & ~DEVICE_FEATURE_MASK);
}

int virtio_mmio_attach(struct virtio_mmio *t, const struct virtio_backend *backend, void *dev,
		       struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
		       const struct guest_mem *mem)
{
	int ret;

	if (!backend_valid(backend) || !mem)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->backend = *backend;
	t->dev = dev;
	t->irq = irq;
	t->mem = mem;
	t->base = base;
	reset_transport(t);
	ret = pthread_mutex_init(&t->lock, NULL);
	if (ret)
		return -ret;
	ret = mmio_bus_add(bus, base, VIRTIO_MMIO_WINDOW, &virtio_mmio_ops, t, backend->name);
	if (ret) {
		pthread_mutex_destroy(&t->lock);
		return ret;
	}
	return 0;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
	pthread_mutex_destroy(&t->lock);
}

void virtio_mmio_set_report(struct virtio_mmio *t, virtio_report_fn fn, void *ctx)
{
	pthread_mutex_lock(&t->lock);
	t->report = fn;
	t->report_ctx = ctx;
	pthread_mutex_unlock(&t->lock);
}

const char *virtio_mmio_error(struct virtio_mmio *t)
{
	bool reported;

	pthread_mutex_lock(&t->lock);
	reported = t->reported;
	pthread_mutex_unlock(&t->lock);
	/* Written once, before `reported`, and never again. */
	return reported ? t->error : NULL;
}

void virtio_mmio_notify(struct virtio_mmio *t, unsigned int queue)
{
	virtio_mmio_lock(t);
	notify_locked(t, queue);
	virtio_mmio_unlock(t);
}

unsigned int virtio_mmio_num_queues(const struct virtio_mmio *t)
{
	return t->backend.num_queues;
}

bool virtio_mmio_queue_ready(struct virtio_mmio *t, unsigned int queue)
{
	bool ready;

	pthread_mutex_lock(&t->lock);
	ready = queue < t->backend.num_queues && t->queues[queue].ready;
	pthread_mutex_unlock(&t->lock);
	return ready;
}

struct virtq *virtio_mmio_queue(struct virtio_mmio *t, unsigned int queue)
{
	if (queue >= t->backend.num_queues || !t->queues[queue].ready || !live(t))
		return NULL;
	return &t->queues[queue].vq;
}

uint64_t virtio_mmio_features(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_STATUS_FEATURES_OK) ? t->driver_features : 0;
}

void virtio_mmio_config_changed(struct virtio_mmio *t)
{
	t->config_generation++;
	raise_interrupt(t, VIRTIO_MMIO_INT_CONFIG);
}
