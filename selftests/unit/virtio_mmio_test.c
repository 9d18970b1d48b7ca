// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/virtio_mmio.c vmm/lib/devices/virtqueue.c vmm/lib/mmio_bus.c
/*
 * The virtio-mmio transport (version 2) as a guest driver sees it through its
 * registers, with a fake device behind it: identification, access widths,
 * feature negotiation, the status state machine and reset, queue set-up,
 * notifications (MMIO and the ioeventfd path), interrupts as counted edges,
 * config space, and what a guest breaking a queue does to the device.
 */
#include <stdio.h>

#include "virtio_guest.h"
#include "devices/virtio_mmio.h"
#include "kselftest_harness.h"

#define FAKE_ID		42
#define FAKE_FEATURES	((1ull << 0) | (1ull << 5) | (1ull << 23))
#define FAKE_QUEUES	2
#define FAKE_QMAX	16
#define FAKE_CONFIG	12

struct fake_dev {
	struct virtio_mmio t;
	struct guest *g;
	unsigned int notified[FAKE_QUEUES];
	unsigned int no_queue;		/* notifications where virtio_mmio_queue() gave NULL */
	unsigned int resets;
	unsigned int served;
	uint8_t config[FAKE_CONFIG];
	unsigned int config_writes;
	unsigned int reports;
	char report[256];
	struct virtq_chain chain;
};

/* Serves every chain: "writes" all its writable bytes. */
static void fake_queue_notify(void *dev, unsigned int queue)
{
	struct fake_dev *d = dev;
	struct virtq *vq = virtio_mmio_queue(&d->t, queue);

	d->notified[queue]++;
	if (!vq) {
		d->no_queue++;
		return;
	}
	while (virtq_pop(vq, &d->chain) > 0) {
		virtq_push(vq, &d->chain, d->chain.writable_len);
		d->served++;
	}
}

static void fake_reset(void *dev)
{
	((struct fake_dev *)dev)->resets++;
}

static void fake_config_read(void *dev, uint32_t offset, uint8_t *data, uint32_t len)
{
	memcpy(data, ((struct fake_dev *)dev)->config + offset, len);
}

static void fake_config_write(void *dev, uint32_t offset, const uint8_t *data, uint32_t len)
{
	struct fake_dev *d = dev;

	memcpy(d->config + offset, data, len);
	d->config_writes++;
}

static void fake_report(void *ctx, const char *msg)
{
	struct fake_dev *d = ctx;

	d->reports++;
	snprintf(d->report, sizeof(d->report), "%s", msg);
}

static const struct virtio_backend fake_backend = {
	.name = "fake",
	.device_id = FAKE_ID,
	.features = FAKE_FEATURES,
	.num_queues = FAKE_QUEUES,
	.queue_max_size = FAKE_QMAX,
	.config_size = FAKE_CONFIG,
	.config_read = fake_config_read,
	.config_write = fake_config_write,
	.queue_notify = fake_queue_notify,
	.reset = fake_reset,
};

FIXTURE(mmio) {
	struct guest g;
	struct fake_dev d;
	struct drv_vq vq;
};

FIXTURE_SETUP(mmio)
{
	unsigned int i;

	guest_init(&self->g);
	memset(&self->d, 0, sizeof(self->d));
	self->d.g = &self->g;
	for (i = 0; i < FAKE_CONFIG; i++)
		self->d.config[i] = 0x10 + i;
	ASSERT_EQ(0, virtio_mmio_attach(&self->d.t, &fake_backend, &self->d, &self->g.bus,
					DEV_BASE, &self->g.irq, &self->g.mem));
	virtio_mmio_set_report(&self->d.t, fake_report, &self->d);
}

FIXTURE_TEARDOWN(mmio)
{
	/* Virtio-mmio interrupts are edges: the level interface is never used. */
	EXPECT_EQ(0, self->g.level_changes);
	virtio_mmio_destroy(&self->d.t);
	guest_free(&self->g);
}

/* A driver ready to use queue 0 (8 entries), as Linux leaves it after probing. */
static void start(FIXTURE_DATA(mmio) *self)
{
	drv_start_one_queue(&self->g, F_VERSION_1, &self->vq, 8);
}

/* Makes one chain (a readable and a writable buffer) available on the driver's queue. */
static uint16_t add_request(struct drv_vq *vq)
{
	struct drv_buf b[] = { { DATA_BASE, 16, false }, { DATA_BASE + 0x100, 32, true } };

	return drv_add(vq, b, 2);
}

TEST_F(mmio, registers_a_window_of_0x200_bytes_at_base)
{
	ASSERT_EQ(1, self->g.bus.count);
	EXPECT_EQ(DEV_BASE, self->g.bus.regions[0].base);
	EXPECT_EQ(0x200, self->g.bus.regions[0].size);
	EXPECT_STREQ("fake", self->g.bus.regions[0].name);
}

TEST_F(mmio, identifies_itself_as_a_version_2_device)
{
	EXPECT_EQ(0x74726976, rd(&self->g, R_MAGIC));
	EXPECT_EQ(2, rd(&self->g, R_VERSION));
	EXPECT_EQ(FAKE_ID, rd(&self->g, R_DEVICE_ID));
	EXPECT_EQ(0x554d4551, rd(&self->g, R_VENDOR_ID));
}

TEST_F(mmio, registers_take_aligned_32_bit_accesses_only)
{
	EXPECT_EQ(0, mmio_rd(&self->g, R_MAGIC, 1));
	EXPECT_EQ(0, mmio_rd(&self->g, R_MAGIC, 2));
	EXPECT_EQ(0, mmio_rd(&self->g, R_MAGIC, 8));
	EXPECT_EQ(0, mmio_rd(&self->g, R_MAGIC + 1, 4));
	EXPECT_EQ(0, mmio_rd(&self->g, R_VERSION + 2, 2));
	/* A 16-bit Status write is ignored. */
	mmio_wr(&self->g, R_STATUS, 2, S_ACK);
	mmio_wr(&self->g, R_STATUS, 1, S_ACK);
	EXPECT_EQ(0, rd(&self->g, R_STATUS));
	wr(&self->g, R_STATUS, S_ACK);
	EXPECT_EQ(S_ACK, rd(&self->g, R_STATUS));
}

TEST_F(mmio, write_only_and_reserved_registers_read_zero)
{
	wr(&self->g, R_QUEUE_SEL, 1);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_SEL));
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_NOTIFY));
	EXPECT_EQ(0, rd(&self->g, R_DESC_LO));
	EXPECT_EQ(0, rd(&self->g, 0x018));
	EXPECT_EQ(0, rd(&self->g, 0x0f8));
}

TEST_F(mmio, reports_no_shared_memory_regions)
{
	EXPECT_EQ(0xffffffff, rd(&self->g, R_SHM_LEN_LO));
	EXPECT_EQ(0xffffffff, rd(&self->g, R_SHM_LEN_LO + 4));
}

TEST_F(mmio, offers_the_device_features_and_version_1)
{
	EXPECT_EQ(FAKE_FEATURES | F_VERSION_1, dev_features(&self->g));
	wr(&self->g, R_DEV_FEAT_SEL, 2);
	EXPECT_EQ(0, rd(&self->g, R_DEV_FEAT));
	wr(&self->g, R_DEV_FEAT_SEL, 0xffffffff);
	EXPECT_EQ(0, rd(&self->g, R_DEV_FEAT));
}

TEST_F(mmio, features_ok_sticks_for_a_subset_with_version_1)
{
	uint64_t accepted = F_VERSION_1 | (1ull << 5);

	EXPECT_EQ(S_ACK | S_DRIVER | S_FEATURES_OK, drv_negotiate(&self->g, accepted));
	virtio_mmio_lock(&self->d.t);
	EXPECT_EQ(accepted, virtio_mmio_features(&self->d.t));
	virtio_mmio_unlock(&self->d.t);
}

TEST_F(mmio, features_ok_is_refused_without_version_1)
{
	/* A legacy driver: every device feature but not VERSION_1. */
	EXPECT_EQ(S_ACK | S_DRIVER, drv_negotiate(&self->g, FAKE_FEATURES));
	virtio_mmio_lock(&self->d.t);
	EXPECT_EQ(0, virtio_mmio_features(&self->d.t));
	virtio_mmio_unlock(&self->d.t);
}

TEST_F(mmio, features_ok_is_refused_for_features_not_offered)
{
	EXPECT_EQ(S_ACK | S_DRIVER, drv_negotiate(&self->g, F_VERSION_1 | (1ull << 1)));
	EXPECT_EQ(S_ACK | S_DRIVER, drv_negotiate(&self->g, F_VERSION_1 | (1ull << 33)));
	/* A second try with a proper subset succeeds. */
	set_driver_features(&self->g, F_VERSION_1);
	wr(&self->g, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	EXPECT_EQ(S_ACK | S_DRIVER | S_FEATURES_OK, rd(&self->g, R_STATUS));
}

TEST_F(mmio, driver_features_are_fixed_after_features_ok)
{
	ASSERT_EQ(S_ACK | S_DRIVER | S_FEATURES_OK, drv_negotiate(&self->g, F_VERSION_1));
	set_driver_features(&self->g, F_VERSION_1 | 1);
	virtio_mmio_lock(&self->d.t);
	EXPECT_EQ(F_VERSION_1, virtio_mmio_features(&self->d.t));
	virtio_mmio_unlock(&self->d.t);
}

TEST_F(mmio, driver_features_sel_beyond_1_writes_nothing)
{
	wr(&self->g, R_DRV_FEAT_SEL, 1);
	wr(&self->g, R_DRV_FEAT, 1);		/* VERSION_1 */
	wr(&self->g, R_DRV_FEAT_SEL, 3);
	wr(&self->g, R_DRV_FEAT, 1);		/* must not land anywhere */
	wr(&self->g, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	virtio_mmio_lock(&self->d.t);
	EXPECT_EQ(F_VERSION_1, virtio_mmio_features(&self->d.t));
	virtio_mmio_unlock(&self->d.t);
}

TEST_F(mmio, driver_ok_needs_features_ok)
{
	wr(&self->g, R_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
	EXPECT_EQ(S_ACK | S_DRIVER, rd(&self->g, R_STATUS));
}

TEST_F(mmio, status_bits_are_only_added_and_needs_reset_is_the_devices)
{
	wr(&self->g, R_STATUS, S_ACK | S_DRIVER);
	wr(&self->g, R_STATUS, S_ACK);
	EXPECT_EQ(S_ACK | S_DRIVER, rd(&self->g, R_STATUS));
	wr(&self->g, R_STATUS, S_NEEDS_RESET);
	EXPECT_EQ(S_ACK | S_DRIVER, rd(&self->g, R_STATUS));
	wr(&self->g, R_STATUS, S_FAILED);
	EXPECT_EQ(S_ACK | S_DRIVER | S_FAILED, rd(&self->g, R_STATUS));
}

TEST_F(mmio, writing_status_0_resets_the_device)
{
	unsigned int resets;

	start(self);
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	ASSERT_EQ(1, rd(&self->g, R_INT_STATUS));
	ASSERT_EQ(1, rd(&self->g, R_QUEUE_READY));
	wr(&self->g, R_DEV_FEAT_SEL, 1);
	resets = self->d.resets;

	wr(&self->g, R_STATUS, 0);
	EXPECT_EQ(resets + 1, self->d.resets);
	EXPECT_EQ(0, rd(&self->g, R_STATUS));
	EXPECT_EQ(0, rd(&self->g, R_INT_STATUS));
	wr(&self->g, R_QUEUE_SEL, 0);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	virtio_mmio_lock(&self->d.t);
	EXPECT_EQ(0, virtio_mmio_features(&self->d.t));
	EXPECT_EQ(NULL, virtio_mmio_queue(&self->d.t, 0));
	virtio_mmio_unlock(&self->d.t);
	EXPECT_FALSE(virtio_mmio_queue_ready(&self->d.t, 0));
	/* Feature selectors are back at 0 too. */
	EXPECT_EQ((uint32_t)FAKE_FEATURES, rd(&self->g, R_DEV_FEAT));
}

TEST_F(mmio, queue_num_max_says_which_queues_exist)
{
	wr(&self->g, R_QUEUE_SEL, 0);
	EXPECT_EQ(FAKE_QMAX, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_SEL, FAKE_QUEUES - 1);
	EXPECT_EQ(FAKE_QMAX, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_SEL, FAKE_QUEUES);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_READY, 1);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	EXPECT_EQ(FAKE_QUEUES, virtio_mmio_num_queues(&self->d.t));
}

TEST_F(mmio, a_queue_set_up_by_the_driver_becomes_ready)
{
	struct drv_vq vq1;

	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&vq1, &self->g, 1, 4);
	drv_setup_queue(&self->g, 1, &vq1);
	EXPECT_EQ(1, rd(&self->g, R_QUEUE_READY));
	EXPECT_TRUE(virtio_mmio_queue_ready(&self->d.t, 1));
	EXPECT_FALSE(virtio_mmio_queue_ready(&self->d.t, 0));
	EXPECT_FALSE(virtio_mmio_queue_ready(&self->d.t, FAKE_QUEUES));
	wr(&self->g, R_QUEUE_SEL, 0);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	/* Writing 0 disables it again (Linux checks it reads 0 back). */
	wr(&self->g, R_QUEUE_SEL, 1);
	wr(&self->g, R_QUEUE_READY, 0);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	EXPECT_FALSE(virtio_mmio_queue_ready(&self->d.t, 1));
	EXPECT_EQ(0, rd(&self->g, R_STATUS) & S_NEEDS_RESET);
}

TEST_F(mmio, queue_registers_are_ignored_while_the_queue_is_ready)
{
	uint32_t id, len;
	uint16_t head;

	start(self);
	/* Move every ring outside RAM and make the size invalid: all ignored... */
	wr(&self->g, R_QUEUE_SEL, 0);
	wr(&self->g, R_QUEUE_NUM, 3);
	wr(&self->g, R_DESC_LO, 0x1000);
	wr(&self->g, R_DRIVER_HI, 0x10);
	wr(&self->g, R_DEVICE_LO, 0);
	/* ...so re-enabling the queue finds the rings it had. */
	wr(&self->g, R_QUEUE_READY, 0);
	wr(&self->g, R_QUEUE_READY, 1);
	EXPECT_EQ(1, rd(&self->g, R_QUEUE_READY));
	head = add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_EQ(head, id);
	EXPECT_EQ(0, rd(&self->g, R_STATUS) & S_NEEDS_RESET);
}

TEST_F(mmio, a_queue_with_a_bad_size_breaks_the_device)
{
	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq, &self->g, 0, 6);		/* not a power of two */
	drv_setup_queue(&self->g, 0, &self->vq);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_EQ(2, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(1, self->d.reports);
}

TEST_F(mmio, a_queue_bigger_than_queue_num_max_breaks_the_device)
{
	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq, &self->g, 0, FAKE_QMAX * 2);
	drv_setup_queue(&self->g, 0, &self->vq);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_TRUE(strstr(self->d.report, "QueueNumMax") != NULL);
}

TEST_F(mmio, a_queue_with_rings_outside_ram_breaks_the_device)
{
	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq, &self->g, 0, 8);
	self->vq.used = RAM_BASE + RAM_SIZE;
	drv_setup_queue(&self->g, 0, &self->vq);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_TRUE(strstr(self->d.report, "used ring") != NULL);
}

TEST_F(mmio, the_high_halves_of_ring_addresses_count)
{
	/* The descriptor table 4 GiB above its RAM address: outside RAM. */
	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq, &self->g, 0, 8);
	self->vq.desc += 1ull << 32;
	drv_setup_queue(&self->g, 0, &self->vq);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_READY));
	EXPECT_TRUE(strstr(self->d.report, "descriptor table at 0x140000000") != NULL) {
		TH_LOG("report: %s", self->d.report);
	}
}

TEST_F(mmio, notifications_reach_the_device_only_for_ready_queues_after_driver_ok)
{
	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq, &self->g, 0, 8);
	drv_setup_queue(&self->g, 0, &self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(0, self->d.notified[0]);

	drv_driver_ok(&self->g);
	/* DRIVER_OK looks at every ready queue once. */
	EXPECT_EQ(1, self->d.notified[0]);
	EXPECT_EQ(0, self->d.notified[1]);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(2, self->d.notified[0]);
	wr(&self->g, R_QUEUE_NOTIFY, 1);		/* exists, not ready */
	wr(&self->g, R_QUEUE_NOTIFY, FAKE_QUEUES);	/* does not exist */
	wr(&self->g, R_QUEUE_NOTIFY, 0xffffffff);
	EXPECT_EQ(0, self->d.notified[1]);
	EXPECT_EQ(2, self->d.notified[0]);
	EXPECT_EQ(0, self->d.no_queue);
}

TEST_F(mmio, buffers_made_available_before_driver_ok_are_served_at_driver_ok)
{
	uint32_t id, len;

	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq, &self->g, 0, 8);
	drv_setup_queue(&self->g, 0, &self->vq);
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(0, self->d.served);
	drv_driver_ok(&self->g);
	EXPECT_EQ(1, self->d.served);
	EXPECT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_EQ(1, self->g.pulses);
}

TEST_F(mmio, the_ioeventfd_path_serves_like_a_queue_notify_write)
{
	uint32_t id, len;

	start(self);
	add_request(&self->vq);
	virtio_mmio_notify(&self->d.t, 0);
	EXPECT_EQ(1, self->d.served);
	ASSERT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_EQ(32, len);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(1, self->g.pulses);
	virtio_mmio_notify(&self->d.t, 1);
	virtio_mmio_notify(&self->d.t, 99);
	EXPECT_EQ(0, self->d.notified[1]);
}

TEST_F(mmio, a_used_buffer_sets_interrupt_status_and_sends_one_edge)
{
	start(self);
	EXPECT_EQ(0, self->g.pulses);
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(1, self->g.pulses);

	/* Not yet acknowledged: the bit is set already, no second edge. */
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1, self->g.pulses);

	wr(&self->g, R_INT_ACK, 1);
	EXPECT_EQ(0, rd(&self->g, R_INT_STATUS));
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(2, self->g.pulses);
}

TEST_F(mmio, a_notification_with_nothing_used_sends_no_edge)
{
	start(self);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1 + 1, self->d.notified[0]);	/* DRIVER_OK's and this one */
	EXPECT_EQ(0, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(0, self->g.pulses);
}

TEST_F(mmio, no_interrupt_from_the_driver_suppresses_the_edge)
{
	uint32_t id, len;

	start(self);
	drv_set_no_interrupt(&self->vq, true);
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_EQ(0, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(0, self->g.pulses);
	drv_set_no_interrupt(&self->vq, false);
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1, self->g.pulses);
}

TEST_F(mmio, acknowledging_clears_only_the_bits_written)
{
	start(self);
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	virtio_mmio_lock(&self->d.t);
	virtio_mmio_config_changed(&self->d.t);
	virtio_mmio_unlock(&self->d.t);
	EXPECT_EQ(3, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(2, self->g.pulses);
	wr(&self->g, R_INT_ACK, 2);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
	wr(&self->g, R_INT_ACK, 1);
	EXPECT_EQ(0, rd(&self->g, R_INT_STATUS));
}

TEST_F(mmio, a_config_change_bumps_the_generation_and_interrupts)
{
	uint32_t gen = rd(&self->g, R_CONFIG_GEN);

	virtio_mmio_lock(&self->d.t);
	virtio_mmio_config_changed(&self->d.t);
	virtio_mmio_unlock(&self->d.t);
	EXPECT_NE(gen, rd(&self->g, R_CONFIG_GEN));
	EXPECT_EQ(2, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(1, self->g.pulses);
}

TEST_F(mmio, config_space_takes_1_2_and_4_byte_accesses_inside_its_size)
{
	EXPECT_EQ(0x10, mmio_rd(&self->g, R_CONFIG, 1));
	EXPECT_EQ(0x1211, mmio_rd(&self->g, R_CONFIG + 1, 2));
	EXPECT_EQ(0x1b1a1918, mmio_rd(&self->g, R_CONFIG + 8, 4));
	/* Past config_size, partly or wholly; 8-byte accesses. */
	EXPECT_EQ(0, mmio_rd(&self->g, R_CONFIG + 10, 4));
	EXPECT_EQ(0, mmio_rd(&self->g, R_CONFIG + FAKE_CONFIG, 1));
	EXPECT_EQ(0, mmio_rd(&self->g, R_CONFIG + 0xfc, 4));
	EXPECT_EQ(0, mmio_rd(&self->g, R_CONFIG, 8));

	mmio_wr(&self->g, R_CONFIG + 4, 2, 0xbeef);
	EXPECT_EQ(0xef, self->d.config[4]);
	EXPECT_EQ(0xbe, self->d.config[5]);
	mmio_wr(&self->g, R_CONFIG + 11, 2, 0xffff);
	mmio_wr(&self->g, R_CONFIG, 8, 0xffff);
	EXPECT_EQ(1, self->d.config_writes);
	EXPECT_EQ(0x1b, self->d.config[11]);
}

TEST_F(mmio, a_broken_chain_makes_the_device_need_a_reset)
{
	uint32_t id, len;

	start(self);
	drv_set_desc(&self->vq, 0, DATA_BASE, 8, D_NEXT, 0);	/* links to itself */
	drv_publish(&self->vq, 0);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_NEEDS_RESET,
		  rd(&self->g, R_STATUS));
	/* 2.1.2: with a configuration change notification. */
	EXPECT_EQ(2, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(1, self->d.reports);
	EXPECT_TRUE(strstr(self->d.report, "fake at 0xa000000, queue 0") != NULL) {
		TH_LOG("report: %s", self->d.report);
	}
	EXPECT_STREQ(self->d.report, virtio_mmio_error(&self->d.t));

	/* Nothing is served until the driver resets the device. */
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	virtio_mmio_notify(&self->d.t, 0);
	EXPECT_EQ(2, self->d.notified[0]);	/* DRIVER_OK's and the one that broke it */
	EXPECT_FALSE(drv_get_used(&self->vq, &id, &len));
	EXPECT_EQ(1, self->g.pulses);
	virtio_mmio_lock(&self->d.t);
	EXPECT_EQ(NULL, virtio_mmio_queue(&self->d.t, 0));
	virtio_mmio_unlock(&self->d.t);
}

TEST_F(mmio, after_a_reset_the_device_works_again_and_reports_no_second_time)
{
	uint32_t id, len;

	start(self);
	drv_publish(&self->vq, 0xff);		/* head out of range */
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);

	memset(gptr(&self->g, RING_AREA(0)), 0, 0x3000);
	start(self);
	EXPECT_EQ(0, rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	add_request(&self->vq);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(drv_get_used(&self->vq, &id, &len));

	/* Broken again: NEEDS_RESET again, but the report was once per transport. */
	drv_publish(&self->vq, 0xff);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_EQ(1, self->d.reports);
}

TEST_F(mmio, no_error_before_the_guest_makes_one)
{
	start(self);
	EXPECT_EQ(NULL, virtio_mmio_error(&self->d.t));
}

TEST_F(mmio, queues_are_not_handed_out_before_driver_ok)
{
	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq, &self->g, 0, 8);
	drv_setup_queue(&self->g, 0, &self->vq);
	virtio_mmio_lock(&self->d.t);
	EXPECT_EQ(NULL, virtio_mmio_queue(&self->d.t, 0));
	virtio_mmio_unlock(&self->d.t);
	drv_driver_ok(&self->g);
	virtio_mmio_lock(&self->d.t);
	EXPECT_NE(NULL, virtio_mmio_queue(&self->d.t, 0));
	EXPECT_EQ(NULL, virtio_mmio_queue(&self->d.t, 1));
	EXPECT_EQ(NULL, virtio_mmio_queue(&self->d.t, FAKE_QUEUES));
	virtio_mmio_unlock(&self->d.t);
}

TEST_F(mmio, work_outside_callbacks_interrupts_when_the_lock_is_released)
{
	struct virtq_chain *c = &self->d.chain;
	struct virtq *vq;

	start(self);
	add_request(&self->vq);
	/* As an event-loop handler feeding a receive queue would. */
	virtio_mmio_lock(&self->d.t);
	vq = virtio_mmio_queue(&self->d.t, 0);
	ASSERT_NE(NULL, vq);
	ASSERT_EQ(1, virtq_pop(vq, c));
	virtq_push(vq, c, 4);
	EXPECT_EQ(0, self->g.pulses);
	virtio_mmio_unlock(&self->d.t);
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
}

TEST(attach_refuses_unusable_backends)
{
	struct virtio_backend b;
	struct virtio_mmio t;
	struct guest g;

	guest_init(&g);
#define EXPECT_REFUSED(field, value) do { \
		b = fake_backend; \
		b.field = value; \
		EXPECT_EQ(-EINVAL, virtio_mmio_attach(&t, &b, NULL, &g.bus, DEV_BASE, NULL, \
						      &g.mem)); \
	} while (0)
	EXPECT_REFUSED(num_queues, 0);
	EXPECT_REFUSED(num_queues, VIRTIO_MMIO_MAX_QUEUES + 1);
	EXPECT_REFUSED(queue_max_size, 0);
	EXPECT_REFUSED(queue_max_size, 24);
	EXPECT_REFUSED(queue_max_size, VIRTQ_MAX_SIZE * 2);
	EXPECT_REFUSED(config_size, 0x101);
	EXPECT_REFUSED(features, 1ull << 28);		/* a transport bit: INDIRECT_DESC */
	EXPECT_REFUSED(features, F_VERSION_1);
	EXPECT_REFUSED(queue_notify, NULL);
	EXPECT_REFUSED(name, NULL);
#undef EXPECT_REFUSED
	EXPECT_EQ(0, g.bus.count);
	EXPECT_EQ(-EINVAL, virtio_mmio_attach(&t, NULL, NULL, &g.bus, DEV_BASE, NULL, &g.mem));
	guest_free(&g);
}

TEST(attach_passes_on_the_bus_refusing_the_window)
{
	struct fake_dev *d = calloc(2, sizeof(*d));
	struct guest g;

	guest_init(&g);
	ASSERT_EQ(0, virtio_mmio_attach(&d[0].t, &fake_backend, &d[0], &g.bus, DEV_BASE, NULL,
					&g.mem));
	EXPECT_EQ(-EEXIST, virtio_mmio_attach(&d[1].t, &fake_backend, &d[1], &g.bus,
					      DEV_BASE + 0x100, NULL, &g.mem));
	EXPECT_EQ(0, virtio_mmio_attach(&d[1].t, &fake_backend, &d[1], &g.bus, DEV_BASE + 0x200,
					NULL, &g.mem));
	virtio_mmio_destroy(&d[0].t);
	virtio_mmio_destroy(&d[1].t);
	free(d);
	guest_free(&g);
}

TEST(works_without_an_interrupt_line)
{
	struct fake_dev *d = calloc(1, sizeof(*d));
	struct drv_vq vq;
	struct guest g;

	guest_init(&g);
	ASSERT_EQ(0, virtio_mmio_attach(&d->t, &fake_backend, d, &g.bus, DEV_BASE, NULL, &g.mem));
	drv_start_one_queue(&g, F_VERSION_1, &vq, 8);
	add_request(&vq);
	wr(&g, R_QUEUE_NOTIFY, 0);
	EXPECT_EQ(1, d->served);
	EXPECT_EQ(1, rd(&g, R_INT_STATUS));
	virtio_mmio_destroy(&d->t);
	free(d);
	guest_free(&g);
}

TEST_HARNESS_MAIN
