// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/virtio_console.c vmm/lib/devices/virtio_mmio.c vmm/lib/devices/virtqueue.c vmm/lib/mmio_bus.c
/*
 * virtio-console through its virtio-mmio registers: what the guest sees, its
 * output reaching the terminal in order, terminal input going into the
 * buffers it posts without a byte lost when it has posted too few, the
 * terminal size, and buffers the spec forbids breaking the device (which
 * recovers with a reset).
 */
#include "virtio_guest.h"
#include "devices/virtio_console.h"
#include "kselftest_harness.h"

#define F_SIZE		(1ull << 0)
#define RXQ		0
#define TXQ		1
#define RX_BUFS		(DATA_BASE + 0x10000)	/* receive buffers, 0x100 apart */

FIXTURE(con) {
	struct guest g;
	struct virtio_console *con;
	struct drv_vq vq[2];
	char out[4096];			/* what the output callback got, concatenated */
	size_t out_len;
	unsigned int out_calls;
	unsigned int rx_ready_calls;
};

static void record_output(void *opaque, const uint8_t *buf, size_t len)
{
	FIXTURE_DATA(con) *self = opaque;

	if (len > sizeof(self->out) - self->out_len)
		len = sizeof(self->out) - self->out_len;
	memcpy(self->out + self->out_len, buf, len);
	self->out_len += len;
	self->out_calls++;
}

static void count_rx_ready(void *opaque)
{
	((FIXTURE_DATA(con) *)opaque)->rx_ready_calls++;
}

FIXTURE_SETUP(con)
{
	struct virtio_console_params params = { .output = record_output, .opaque = self };

	guest_init(&self->g);
	ASSERT_EQ(0, virtio_console_create(&self->con, &params, &self->g.bus, DEV_BASE,
					   &self->g.irq, &self->g.mem));
	virtio_console_set_rx_ready(self->con, count_rx_ready, self);
	drv_start_queues(&self->g, F_VERSION_1, self->vq, 2, 8);
}

FIXTURE_TEARDOWN(con)
{
	virtio_console_destroy(self->con);
	guest_free(&self->g);
}

/* Posts receive buffer i (RX_BUFS + 0x100 * i) of len bytes, and notifies queue 0. */
static void post_rx(FIXTURE_DATA(con) *self, unsigned int i, uint32_t len)
{
	struct drv_buf b = { RX_BUFS + 0x100 * i, len, true };

	drv_add(&self->vq[RXQ], &b, 1);
	wr(&self->g, R_QUEUE_NOTIFY, RXQ);
}

/* Takes the next used receive buffer; returns its used length, or -1 when there is none. */
static int64_t used_rx(FIXTURE_DATA(con) *self, uint32_t *id)
{
	uint32_t len;

	return drv_get_used(&self->vq[RXQ], id, &len) ? (int64_t)len : -1;
}

/* Sends the chain of text segments (each its own readable buffer) on the transmit queue. */
static void transmit(FIXTURE_DATA(con) *self, const char *const *seg, unsigned int n,
		     uint64_t at)
{
	struct drv_buf b[4];
	unsigned int i;

	for (i = 0; i < n; i++) {
		b[i] = (struct drv_buf){ at, strlen(seg[i]), false };
		memcpy(gptr(&self->g, at), seg[i], strlen(seg[i]));
		at += 0x100;
	}
	drv_add(&self->vq[TXQ], b, n);
}

TEST_F(con, the_guest_sees_a_console_with_one_port)
{
	EXPECT_EQ(3, rd(&self->g, R_DEVICE_ID));
	/* No size given: no F_SIZE; never MULTIPORT. */
	EXPECT_EQ(F_VERSION_1, dev_features(&self->g));
	wr(&self->g, R_QUEUE_SEL, RXQ);
	EXPECT_EQ(64, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_SEL, TXQ);
	EXPECT_EQ(64, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_SEL, 2);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_NUM_MAX));
	EXPECT_EQ(S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK, rd(&self->g, R_STATUS));
}

TEST_F(con, transmit_buffers_reach_the_output_in_order)
{
	static const char *const first[] = { "hello, " };
	static const char *const second[] = { "wor", "ld" };	/* one chain, two buffers */
	static const char *const third[] = { "!\r\n" };
	uint32_t id, len;
	unsigned int used = 0;

	transmit(self, first, 1, DATA_BASE);
	transmit(self, second, 2, DATA_BASE + 0x1000);
	transmit(self, third, 1, DATA_BASE + 0x2000);
	EXPECT_EQ(0, self->out_len);		/* nothing before the notification */
	wr(&self->g, R_QUEUE_NOTIFY, TXQ);
	ASSERT_EQ(strlen("hello, world!\r\n"), self->out_len);
	EXPECT_EQ(0, memcmp("hello, world!\r\n", self->out, self->out_len));
	/* Every chain came back, having had nothing written into it. */
	while (drv_get_used(&self->vq[TXQ], &id, &len)) {
		EXPECT_EQ(0, len);
		used++;
	}
	EXPECT_EQ(3, used);
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
	EXPECT_EQ(0, self->g.level_changes);
}

TEST_F(con, input_fills_the_posted_buffers_in_order)
{
	static const char text[] = "0123456789abc";
	uint32_t id;

	post_rx(self, 0, 8);
	post_rx(self, 1, 8);
	post_rx(self, 2, 8);
	EXPECT_EQ(0, self->rx_ready_calls);	/* nothing was waiting */
	EXPECT_EQ(13, virtio_console_receive(self->con, (const uint8_t *)text, 13));
	EXPECT_EQ(8, used_rx(self, &id));
	EXPECT_EQ(0, id);
	EXPECT_EQ(5, used_rx(self, &id));
	EXPECT_EQ(1, id);
	/* The third buffer is left for the next input, not returned empty. */
	EXPECT_EQ(-1, used_rx(self, &id));
	EXPECT_EQ(0, memcmp(gptr(&self->g, RX_BUFS), "01234567", 8));
	EXPECT_EQ(0, memcmp(gptr(&self->g, RX_BUFS + 0x100), "89abc", 5));
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(2, virtio_console_receive(self->con, (const uint8_t *)"xy", 2));
	EXPECT_EQ(2, used_rx(self, &id));
	EXPECT_EQ(2, id);
	EXPECT_EQ(0, memcmp(gptr(&self->g, RX_BUFS + 0x200), "xy", 2));
	EXPECT_EQ(0, self->rx_ready_calls);
}

TEST_F(con, input_without_buffers_waits_for_them_and_nothing_is_lost)
{
	static const char text[] = "the quick brown fox";	/* 19 bytes */
	const size_t total = strlen(text);
	char got[64] = "";
	size_t off = 0, got_len = 0;
	unsigned int i, next_buf = 0;
	uint32_t id;
	int64_t n;

	/* Nothing posted: nothing taken, and no wake-up yet. */
	EXPECT_EQ(0, virtio_console_receive(self->con, (const uint8_t *)text, total));
	EXPECT_EQ(0, self->rx_ready_calls);
	/* Feed it as a caller does, 5-byte buffers at a time, only when told there is room. */
	for (i = 0; off < total && i < 10; i++) {
		unsigned int calls = self->rx_ready_calls;

		post_rx(self, next_buf++, 5);
		EXPECT_EQ(calls + 1, self->rx_ready_calls);
		off += virtio_console_receive(self->con, (const uint8_t *)text + off, total - off);
		while ((n = used_rx(self, &id)) >= 0) {
			memcpy(got + got_len, gptr(&self->g, RX_BUFS + 0x100 * id), n);
			got_len += n;
		}
	}
	EXPECT_EQ(total, off);
	EXPECT_EQ(4, next_buf);
	ASSERT_EQ(total, got_len);
	EXPECT_EQ(0, memcmp(text, got, total));
	/* Everything went in: posting more wakes nobody. */
	i = self->rx_ready_calls;
	post_rx(self, next_buf, 5);
	EXPECT_EQ(i, self->rx_ready_calls);
}

TEST_F(con, input_before_the_driver_is_up_waits_for_driver_ok)
{
	struct drv_buf b = { RX_BUFS, 16, true };
	uint32_t id;

	wr(&self->g, R_STATUS, 0);		/* reset: the driver is not there */
	EXPECT_EQ(0, virtio_console_receive(self->con, (const uint8_t *)"ls\r", 3));
	drv_negotiate(&self->g, F_VERSION_1);
	drv_vq_init(&self->vq[RXQ], &self->g, RXQ, 8);
	drv_vq_init(&self->vq[TXQ], &self->g, TXQ, 8);
	drv_setup_queue(&self->g, RXQ, &self->vq[RXQ]);
	drv_setup_queue(&self->g, TXQ, &self->vq[TXQ]);
	drv_add(&self->vq[RXQ], &b, 1);		/* posted before DRIVER_OK, no notification */
	EXPECT_EQ(0, self->rx_ready_calls);
	drv_driver_ok(&self->g);
	EXPECT_EQ(1, self->rx_ready_calls);
	EXPECT_EQ(3, virtio_console_receive(self->con, (const uint8_t *)"ls\r", 3));
	EXPECT_EQ(3, used_rx(self, &id));
	EXPECT_EQ(0, memcmp(gptr(&self->g, RX_BUFS), "ls\r", 3));
}

TEST(the_terminal_size_is_offered_when_known)
{
	struct virtio_console_params params = { .cols = 132, .rows = 43 };
	struct virtio_console *con;
	struct guest g;
	uint32_t gen;

	guest_init(&g);
	ASSERT_EQ(0, virtio_console_create(&con, &params, &g.bus, DEV_BASE, &g.irq, &g.mem));
	EXPECT_EQ(F_VERSION_1 | F_SIZE, dev_features(&g));
	drv_negotiate(&g, F_VERSION_1 | F_SIZE);
	EXPECT_EQ(132, mmio_rd(&g, R_CONFIG + 0, 2));
	EXPECT_EQ(43, mmio_rd(&g, R_CONFIG + 2, 2));
	gen = rd(&g, R_CONFIG_GEN);
	virtio_console_set_size(con, 80, 24);
	EXPECT_EQ(80, mmio_rd(&g, R_CONFIG + 0, 2));
	EXPECT_EQ(24, mmio_rd(&g, R_CONFIG + 2, 2));
	EXPECT_NE(gen, rd(&g, R_CONFIG_GEN));
	EXPECT_EQ(2, rd(&g, R_INT_STATUS));	/* a configuration change */
	virtio_console_destroy(con);
	guest_free(&g);
}

TEST_F(con, a_readable_receive_buffer_breaks_the_device_until_reset)
{
	struct drv_buf b = { RX_BUFS, 16, false };
	const char *err;
	uint32_t id;

	drv_add(&self->vq[RXQ], &b, 1);
	wr(&self->g, R_QUEUE_NOTIFY, RXQ);
	EXPECT_EQ(0, virtio_console_receive(self->con, (const uint8_t *)"abc", 3));
	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_EQ(0, memcmp(gptr(&self->g, RX_BUFS), "\0\0\0", 3));
	err = virtio_mmio_error(virtio_console_transport(self->con));
	ASSERT_NE(NULL, err);
	EXPECT_NE(NULL, strstr(err, "virtio-console")) TH_LOG("%s", err);
	/* Broken, it takes nothing more... */
	EXPECT_EQ(0, virtio_console_receive(self->con, (const uint8_t *)"abc", 3));
	/* ... and after a reset the held input goes in. */
	drv_start_queues(&self->g, F_VERSION_1, self->vq, 2, 8);
	EXPECT_LE(1, self->rx_ready_calls);
	post_rx(self, 0, 16);
	EXPECT_EQ(3, virtio_console_receive(self->con, (const uint8_t *)"abc", 3));
	EXPECT_EQ(3, used_rx(self, &id));
	EXPECT_EQ(0, memcmp(gptr(&self->g, RX_BUFS), "abc", 3));
}

TEST_F(con, a_writable_transmit_buffer_breaks_the_device)
{
	struct drv_buf b[] = { { DATA_BASE, 4, false }, { DATA_BASE + 0x100, 4, true } };

	memcpy(gptr(&self->g, DATA_BASE), "oops", 4);
	drv_add(&self->vq[TXQ], b, 2);
	wr(&self->g, R_QUEUE_NOTIFY, TXQ);
	EXPECT_EQ(0, self->out_len);
	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_TRUE(rd(&self->g, R_INT_STATUS) & 2);
	ASSERT_NE(NULL, virtio_mmio_error(virtio_console_transport(self->con)));
}

TEST_HARNESS_MAIN
