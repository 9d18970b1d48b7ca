// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/virtio_rng.c vmm/lib/devices/virtio_mmio.c vmm/lib/devices/virtqueue.c vmm/lib/mmio_bus.c
/*
 * virtio-rng through its virtio-mmio registers: what the guest sees, buffers
 * coming back full of random bytes, the per-request cap, and a request the
 * spec forbids.
 */
#include "virtio_guest.h"
#include "devices/virtio_rng.h"
#include "kselftest_harness.h"

#define MAX_PER_REQUEST	(64u << 10)

FIXTURE(rng) {
	struct guest g;
	struct virtio_rng *rng;
	struct drv_vq vq;
};

FIXTURE_SETUP(rng)
{
	guest_init(&self->g);
	ASSERT_EQ(0, virtio_rng_create(&self->rng, &self->g.bus, DEV_BASE, &self->g.irq,
				       &self->g.mem));
	drv_start_one_queue(&self->g, F_VERSION_1, &self->vq, 8);
}

FIXTURE_TEARDOWN(rng)
{
	virtio_rng_destroy(self->rng);
	guest_free(&self->g);
}

/* Sends the chain, notifies, and returns the used length (0xdeadbeef when not returned). */
static uint32_t request(FIXTURE_DATA(rng) *self, const struct drv_buf *bufs, unsigned int n)
{
	uint32_t id, len;

	drv_add(&self->vq, bufs, n);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	return drv_get_used(&self->vq, &id, &len) ? len : 0xdeadbeef;
}

/* How many bytes of [p, p + len) differ from `value`. */
static size_t count_not(const uint8_t *p, size_t len, uint8_t value)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += p[i] != value;
	return n;
}

TEST_F(rng, the_guest_sees_an_entropy_device_with_one_queue)
{
	EXPECT_EQ(4, rd(&self->g, R_DEVICE_ID));
	EXPECT_EQ(F_VERSION_1, dev_features(&self->g));
	wr(&self->g, R_QUEUE_SEL, 0);
	EXPECT_EQ(64, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_SEL, 1);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_NUM_MAX));
}

TEST_F(rng, a_buffer_comes_back_full_of_random_bytes)
{
	struct drv_buf a = { DATA_BASE, 64, true }, b = { DATA_BASE + 0x100, 64, true };

	EXPECT_EQ(64, request(self, &a, 1));
	EXPECT_EQ(64, request(self, &b, 1));
	/* Random bytes: nearly all differ from the zeroes there before, and from each other. */
	EXPECT_LT(48, count_not(gptr(&self->g, DATA_BASE), 64, 0));
	EXPECT_LT(48, count_not(gptr(&self->g, DATA_BASE + 0x100), 64, 0));
	EXPECT_NE(0, memcmp(gptr(&self->g, DATA_BASE), gptr(&self->g, DATA_BASE + 0x100), 64));
	/* Nothing around them was touched. */
	EXPECT_EQ(0, count_not(gptr(&self->g, DATA_BASE + 64), 0x100 - 64, 0));
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
}

TEST_F(rng, every_buffer_of_a_chain_is_filled)
{
	struct drv_buf b[] = { { DATA_BASE, 16, true }, { DATA_BASE + 0x1000, 1000, true } };

	EXPECT_EQ(1016, request(self, b, 2));
	EXPECT_LT(10, count_not(gptr(&self->g, DATA_BASE), 16, 0));
	EXPECT_LT(950, count_not(gptr(&self->g, DATA_BASE + 0x1000), 1000, 0));
}

TEST_F(rng, a_request_gets_at_most_64_kib)
{
	struct drv_buf b[] = {
		{ DATA_BASE, 0x10000 - 8, true }, { DATA_BASE + 0x10000, 0x8000, true },
	};
	uint8_t *p = gptr(&self->g, DATA_BASE);

	memset(p, 0xa5, 0x18000);
	EXPECT_EQ(MAX_PER_REQUEST, request(self, b, 2));
	/* The first 8 bytes of the second buffer are filled, the rest untouched. */
	EXPECT_EQ(0, count_not(p + 0x10008, 0x8000 - 8, 0xa5));
	EXPECT_LT(0, count_not(p + 0x10000, 8, 0xa5));
	EXPECT_LT(0x10000 - 0x400, count_not(p, 0x10000 - 8, 0xa5));
}

TEST_F(rng, a_readable_buffer_breaks_the_device)
{
	struct drv_buf b[] = { { DATA_BASE, 16, false }, { DATA_BASE + 0x100, 16, true } };
	const char *err;

	EXPECT_EQ(0xdeadbeef, request(self, b, 2));
	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_EQ(0, count_not(gptr(&self->g, DATA_BASE + 0x100), 16, 0));
	err = virtio_mmio_error(virtio_rng_transport(self->rng));
	ASSERT_NE(NULL, err);
	EXPECT_TRUE(strstr(err, "virtio-rng") != NULL);
}

TEST_HARNESS_MAIN
