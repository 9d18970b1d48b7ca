// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/virtio_net.c vmm/lib/devices/virtio_mmio.c vmm/lib/devices/virtqueue.c vmm/lib/mmio_bus.c vmm/lib/tap.c
/*
 * virtio-net through its virtio-mmio registers, on a datagram socketpair in
 * place of the TAP (one datagram, one frame; the test holds the "host" end):
 * what the guest sees, frames both ways in order and unaltered, frames that
 * wait for receive buffers without being lost, the frame size limit, a full
 * or closed backend, and chains the spec forbids breaking the device, which
 * then recovers with a reset. Also tap_open()'s own checks.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "virtio_guest.h"
#include "devices/virtio_net.h"
#include "tap.h"
#include "kselftest_harness.h"

#define F_MAC		(1ull << 5)
#define RXQ		0
#define TXQ		1
#define HDR		12
#define RX_BUFS		(DATA_BASE + 0x20000)	/* receive buffers, 0x800 apart */
#define RX_BUF_LEN	1526			/* the spec's minimum: header + 1514 */

static const uint8_t test_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };

FIXTURE(net) {
	struct guest g;
	struct virtio_net *net;
	struct drv_vq vq[2];
	int fds[2];			/* [0] the device's backend, [1] the host network */
	unsigned int rx_ready_calls;
};

static void count_rx_ready(void *opaque)
{
	((FIXTURE_DATA(net) *)opaque)->rx_ready_calls++;
}

FIXTURE_SETUP(net)
{
	struct virtio_net_params params = { .rx_ready = count_rx_ready, .opaque = self };

	guest_init(&self->g);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, self->fds));
	params.fd = self->fds[0];
	memcpy(params.mac, test_mac, 6);
	ASSERT_EQ(0, virtio_net_create(&self->net, &params, &self->g.bus, DEV_BASE, &self->g.irq,
				       &self->g.mem));
	drv_start_queues(&self->g, F_VERSION_1 | F_MAC, self->vq, 2, 16);
}

FIXTURE_TEARDOWN(net)
{
	virtio_net_destroy(self->net);
	close(self->fds[0]);
	close(self->fds[1]);
	guest_free(&self->g);
}

/* A recognisable frame: destination, source, ethertype 0x88b5 (local experimental), payload. */
static size_t make_frame(uint8_t *f, size_t len, uint8_t tag)
{
	size_t i;

	memcpy(f, test_mac, 6);
	memset(f + 6, 0x02, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (i = 14; i < len; i++)
		f[i] = (uint8_t)(tag + i);
	return len;
}

/* The host sends a frame of len bytes towards the guest. */
static bool host_send(FIXTURE_DATA(net) *self, size_t len, uint8_t tag)
{
	uint8_t f[2048];

	make_frame(f, len, tag);
	return send(self->fds[1], f, len, 0) == (ssize_t)len;
}

static void post_rx(FIXTURE_DATA(net) *self, unsigned int i, uint32_t len, bool notify)
{
	struct drv_buf b = { RX_BUFS + 0x800 * i, len, true };

	drv_add(&self->vq[RXQ], &b, 1);
	if (notify)
		wr(&self->g, R_QUEUE_NOTIFY, RXQ);
}

/*
 * Checks the next used receive buffer: header all zero but num_buffers = 1,
 * then the frame make_frame(len, tag) would build.
 */
static bool rx_holds(FIXTURE_DATA(net) *self, size_t len, uint8_t tag)
{
	static const uint8_t want_hdr[HDR] = { [10] = 1 };
	uint8_t want[2048];
	uint32_t id, used;
	const uint8_t *p;

	if (!drv_get_used(&self->vq[RXQ], &id, &used) || used != HDR + len)
		return false;
	p = gptr(&self->g, RX_BUFS + 0x800 * id);
	make_frame(want, len, tag);
	return !memcmp(p, want_hdr, HDR) && !memcmp(p + HDR, want, len);
}

static bool rx_nothing_more(FIXTURE_DATA(net) *self)
{
	return drv_used_idx(&self->vq[RXQ]) == self->vq[RXQ].used_seen;
}

static struct virtio_net_stats stats(FIXTURE_DATA(net) *self)
{
	struct virtio_net_stats s;

	virtio_net_get_stats(self->net, &s);
	return s;
}

TEST_F(net, the_guest_sees_a_network_card_with_its_mac)
{
	unsigned int i;

	EXPECT_EQ(1, rd(&self->g, R_DEVICE_ID));
	/* MAC and nothing else: no offloads, no mergeable buffers, no control queue. */
	EXPECT_EQ(F_VERSION_1 | F_MAC, dev_features(&self->g));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(test_mac[i], mmio_rd(&self->g, R_CONFIG + i, 1));
	wr(&self->g, R_QUEUE_SEL, RXQ);
	EXPECT_EQ(256, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_SEL, TXQ);
	EXPECT_EQ(256, rd(&self->g, R_QUEUE_NUM_MAX));
	wr(&self->g, R_QUEUE_SEL, 2);
	EXPECT_EQ(0, rd(&self->g, R_QUEUE_NUM_MAX));
	EXPECT_EQ(S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK, rd(&self->g, R_STATUS));
}

TEST_F(net, transmitted_frames_reach_the_backend_whole_and_in_order)
{
	uint8_t f[3][200], got[2048];
	uint8_t *mem = gptr(&self->g, DATA_BASE);
	uint32_t id, len;
	unsigned int i;

	for (i = 0; i < 3; i++)
		make_frame(f[i], 60 + 40 * i, 0x10 * i);
	/* Header and frame in one buffer (VERSION_1's any layout). */
	memset(mem, 0, HDR);
	memcpy(mem + HDR, f[0], 60);
	drv_add(&self->vq[TXQ], (struct drv_buf[]){ { DATA_BASE, HDR + 60, false } }, 1);
	/* Header in its own buffer, the frame in another. */
	memset(mem + 0x1000, 0, HDR);
	memcpy(mem + 0x1100, f[1], 100);
	drv_add(&self->vq[TXQ], (struct drv_buf[]){ { DATA_BASE + 0x1000, HDR, false },
						    { DATA_BASE + 0x1100, 100, false } }, 2);
	/* The header split, the frame spread over buffers. */
	memset(mem + 0x2000, 0, HDR);
	memcpy(mem + 0x2100, f[2], 50);
	memcpy(mem + 0x2200, f[2] + 50, 90);
	drv_add(&self->vq[TXQ], (struct drv_buf[]){ { DATA_BASE + 0x2000, 5, false },
						    { DATA_BASE + 0x2005, HDR - 5, false },
						    { DATA_BASE + 0x2100, 50, false },
						    { DATA_BASE + 0x2200, 90, false } }, 4);
	EXPECT_EQ(-1, recv(self->fds[1], got, sizeof(got), MSG_DONTWAIT));
	wr(&self->g, R_QUEUE_NOTIFY, TXQ);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(60 + 40 * i, recv(self->fds[1], got, sizeof(got), MSG_DONTWAIT));
		EXPECT_EQ(0, memcmp(f[i], got, 60 + 40 * i)) TH_LOG("frame %u", i);
	}
	EXPECT_EQ(-1, recv(self->fds[1], got, sizeof(got), MSG_DONTWAIT));
	for (i = 0; i < 3; i++) {
		ASSERT_TRUE(drv_get_used(&self->vq[TXQ], &id, &len));
		EXPECT_EQ(0, len);
	}
	EXPECT_EQ(3, stats(self).tx_frames);
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(1, rd(&self->g, R_INT_STATUS));
}

TEST_F(net, received_frames_fill_posted_buffers_in_order)
{
	post_rx(self, 0, RX_BUF_LEN, true);
	post_rx(self, 1, RX_BUF_LEN, true);
	ASSERT_TRUE(host_send(self, 60, 1));
	ASSERT_TRUE(host_send(self, 1000, 2));
	EXPECT_EQ(VIRTIO_NET_RX_MORE, virtio_net_backend_readable(self->net));
	EXPECT_TRUE(rx_holds(self, 60, 1));
	EXPECT_TRUE(rx_holds(self, 1000, 2));
	EXPECT_TRUE(rx_nothing_more(self));
	EXPECT_EQ(2, stats(self).rx_frames);
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(0, self->rx_ready_calls);
}

TEST_F(net, frames_wait_for_receive_buffers_none_lost_order_kept)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		ASSERT_TRUE(host_send(self, 100 + i, i));
	/* No buffers: the first frame is read and kept; the caller stops watching. */
	EXPECT_EQ(VIRTIO_NET_RX_WAIT, virtio_net_backend_readable(self->net));
	EXPECT_EQ(0, self->rx_ready_calls);
	EXPECT_EQ(0, self->g.pulses);
	/* One buffer posted: the caller is told, and one frame goes; the next waits. */
	post_rx(self, 0, RX_BUF_LEN, true);
	EXPECT_EQ(1, self->rx_ready_calls);
	EXPECT_EQ(VIRTIO_NET_RX_WAIT, virtio_net_backend_readable(self->net));
	EXPECT_TRUE(rx_holds(self, 100, 0));
	EXPECT_TRUE(rx_nothing_more(self));
	/* Two more buffers: the other two frames, in order; then the backend is empty. */
	post_rx(self, 1, RX_BUF_LEN, false);
	post_rx(self, 2, RX_BUF_LEN, true);
	EXPECT_EQ(2, self->rx_ready_calls);
	EXPECT_EQ(VIRTIO_NET_RX_MORE, virtio_net_backend_readable(self->net));
	EXPECT_TRUE(rx_holds(self, 101, 1));
	EXPECT_TRUE(rx_holds(self, 102, 2));
	EXPECT_TRUE(rx_nothing_more(self));
	EXPECT_EQ(3, stats(self).rx_frames);
	EXPECT_EQ(0, stats(self).rx_dropped);
	/* Nothing waits now: more buffers wake nobody. */
	post_rx(self, 3, RX_BUF_LEN, true);
	EXPECT_EQ(2, self->rx_ready_calls);
}

TEST_F(net, frames_before_driver_ok_wait_for_it)
{
	ASSERT_TRUE(host_send(self, 64, 7));
	wr(&self->g, R_STATUS, 0);
	EXPECT_EQ(VIRTIO_NET_RX_WAIT, virtio_net_backend_readable(self->net));
	drv_negotiate(&self->g, F_VERSION_1 | F_MAC);
	drv_vq_init(&self->vq[RXQ], &self->g, RXQ, 16);
	drv_vq_init(&self->vq[TXQ], &self->g, TXQ, 16);
	drv_setup_queue(&self->g, RXQ, &self->vq[RXQ]);
	drv_setup_queue(&self->g, TXQ, &self->vq[TXQ]);
	post_rx(self, 0, RX_BUF_LEN, false);
	EXPECT_EQ(0, self->rx_ready_calls);
	drv_driver_ok(&self->g);
	EXPECT_EQ(1, self->rx_ready_calls);
	EXPECT_EQ(VIRTIO_NET_RX_MORE, virtio_net_backend_readable(self->net));
	EXPECT_TRUE(rx_holds(self, 64, 7));
}

TEST_F(net, frames_up_to_1514_bytes_go_longer_ones_are_dropped)
{
	uint8_t big[4000];

	post_rx(self, 0, RX_BUF_LEN, true);
	post_rx(self, 1, RX_BUF_LEN, true);
	ASSERT_TRUE(host_send(self, 1514, 3));
	make_frame(big, sizeof(big), 0);
	ASSERT_EQ(1515, send(self->fds[1], big, 1515, 0));
	ASSERT_EQ(4000, send(self->fds[1], big, 4000, 0));
	ASSERT_TRUE(host_send(self, 42, 4));
	EXPECT_EQ(VIRTIO_NET_RX_MORE, virtio_net_backend_readable(self->net));
	EXPECT_TRUE(rx_holds(self, 1514, 3));
	EXPECT_TRUE(rx_holds(self, 42, 4));
	EXPECT_TRUE(rx_nothing_more(self));
	EXPECT_EQ(2, stats(self).rx_dropped);
	EXPECT_EQ(0, rd(&self->g, R_STATUS) & S_NEEDS_RESET);
}

TEST_F(net, a_full_backend_drops_frames_without_stalling_the_guest)
{
	uint8_t *mem = gptr(&self->g, DATA_BASE);
	struct virtio_net_stats s;
	unsigned int i, rounds = 0;
	uint32_t id, len;

	/* Nobody reads the host end: a datagram socket fills after a few frames. */
	memset(mem, 0, HDR);
	make_frame(mem + HDR, 1000, 9);
	for (rounds = 0; rounds < 40; rounds++) {
		for (i = 0; i < 8; i++)
			drv_add(&self->vq[TXQ],
				(struct drv_buf[]){ { DATA_BASE, HDR + 1000, false } }, 1);
		wr(&self->g, R_QUEUE_NOTIFY, TXQ);
		while (drv_get_used(&self->vq[TXQ], &id, &len))
			;
	}
	s = stats(self);
	EXPECT_EQ(320, s.tx_frames + s.tx_dropped);
	EXPECT_LT(0, s.tx_dropped);
	EXPECT_LT(0, s.tx_frames);
	EXPECT_EQ(0, rd(&self->g, R_STATUS) & S_NEEDS_RESET);
}

TEST(a_closed_backend_is_reported)
{
	struct virtio_net_params params = { .mac = { 0x52, 0x54, 0, 1, 2, 3 } };
	struct virtio_net *net;
	struct guest g;
	int fds[2];

	guest_init(&g);
	/* A stream-like socket has an end of file, which a datagram pair lacks. */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds));
	params.fd = fds[0];
	ASSERT_EQ(0, virtio_net_create(&net, &params, &g.bus, DEV_BASE, &g.irq, &g.mem));
	/* The device made its end non-blocking: nothing there is not the end. */
	EXPECT_TRUE(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(VIRTIO_NET_RX_MORE, virtio_net_backend_readable(net));
	close(fds[1]);
	EXPECT_EQ(VIRTIO_NET_RX_CLOSED, virtio_net_backend_readable(net));
	virtio_net_destroy(net);
	close(fds[0]);
	guest_free(&g);
}

TEST(bad_parameters_are_refused)
{
	struct virtio_net_params params = { .fd = -1, .mac = { 0x52, 0x54, 0, 1, 2, 3 } };
	struct virtio_net *net = NULL;
	struct guest g;
	int fds[2];

	guest_init(&g);
	EXPECT_EQ(-EINVAL, virtio_net_create(&net, &params, &g.bus, DEV_BASE, &g.irq, &g.mem));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, fds));
	params.fd = fds[0];
	params.mac[0] = 0x01;	/* multicast */
	EXPECT_EQ(-EINVAL, virtio_net_create(&net, &params, &g.bus, DEV_BASE, &g.irq, &g.mem));
	EXPECT_EQ(NULL, net);
	close(fds[0]);
	close(fds[1]);
	guest_free(&g);
}

/* The guest breaks the rules; the device must need a reset, and the test process survive. */
static void expect_broken(FIXTURE_DATA(net) *self, struct __test_metadata *_metadata,
			  const char *why)
{
	const char *err = virtio_mmio_error(virtio_net_transport(self->net));

	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_TRUE(rd(&self->g, R_INT_STATUS) & 2);
	ASSERT_NE(NULL, err);
	EXPECT_NE(NULL, strstr(err, why)) TH_LOG("%s", err);
}

TEST_F(net, a_transmit_chain_without_a_whole_header_breaks_the_device)
{
	uint8_t got[64];

	drv_add(&self->vq[TXQ], (struct drv_buf[]){ { DATA_BASE, HDR - 1, false } }, 1);
	wr(&self->g, R_QUEUE_NOTIFY, TXQ);
	expect_broken(self, _metadata, "header");
	EXPECT_EQ(-1, recv(self->fds[1], got, sizeof(got), MSG_DONTWAIT));
}

TEST_F(net, a_transmit_asking_for_segmentation_breaks_the_device)
{
	uint8_t *mem = gptr(&self->g, DATA_BASE);
	uint8_t got[256];

	memset(mem, 0, HDR);
	mem[1] = 1;		/* VIRTIO_NET_HDR_GSO_TCPV4, never offered */
	make_frame(mem + HDR, 100, 0);
	drv_add(&self->vq[TXQ], (struct drv_buf[]){ { DATA_BASE, HDR + 100, false } }, 1);
	wr(&self->g, R_QUEUE_NOTIFY, TXQ);
	expect_broken(self, _metadata, "gso_type");
	EXPECT_EQ(-1, recv(self->fds[1], got, sizeof(got), MSG_DONTWAIT));
}

TEST_F(net, a_writable_transmit_buffer_breaks_the_device)
{
	memset(gptr(&self->g, DATA_BASE), 0, HDR + 60);
	drv_add(&self->vq[TXQ], (struct drv_buf[]){ { DATA_BASE, HDR + 60, false },
						    { DATA_BASE + 0x100, 16, true } }, 2);
	wr(&self->g, R_QUEUE_NOTIFY, TXQ);
	expect_broken(self, _metadata, "device-writable");
}

TEST_F(net, a_readable_receive_buffer_breaks_the_device)
{
	drv_add(&self->vq[RXQ], (struct drv_buf[]){ { RX_BUFS, RX_BUF_LEN, false } }, 1);
	wr(&self->g, R_QUEUE_NOTIFY, RXQ);
	ASSERT_TRUE(host_send(self, 60, 0));
	EXPECT_EQ(VIRTIO_NET_RX_WAIT, virtio_net_backend_readable(self->net));
	expect_broken(self, _metadata, "device-readable");
}

TEST_F(net, a_too_short_receive_buffer_breaks_the_device_until_reset)
{
	uint32_t id, len;

	post_rx(self, 0, 100, true);
	ASSERT_TRUE(host_send(self, 200, 5));
	EXPECT_EQ(VIRTIO_NET_RX_WAIT, virtio_net_backend_readable(self->net));
	expect_broken(self, _metadata, "too short");
	EXPECT_FALSE(drv_get_used(&self->vq[RXQ], &id, &len));
	/* Broken, it waits; the frame is kept for the driver that resets it. */
	EXPECT_EQ(VIRTIO_NET_RX_WAIT, virtio_net_backend_readable(self->net));
	drv_start_queues(&self->g, F_VERSION_1 | F_MAC, self->vq, 2, 16);
	EXPECT_EQ(0, rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	post_rx(self, 0, RX_BUF_LEN, true);
	EXPECT_LE(1, self->rx_ready_calls);
	EXPECT_EQ(VIRTIO_NET_RX_MORE, virtio_net_backend_readable(self->net));
	EXPECT_TRUE(rx_holds(self, 200, 5));
}

TEST_F(net, a_receive_buffer_without_room_for_the_header_breaks_the_device)
{
	post_rx(self, 0, HDR - 2, true);
	ASSERT_TRUE(host_send(self, 60, 0));
	EXPECT_EQ(VIRTIO_NET_RX_WAIT, virtio_net_backend_readable(self->net));
	expect_broken(self, _metadata, "too short");
}

TEST(tap_open_names_the_problem)
{
	char err[256] = "";

	EXPECT_EQ(-EINVAL, tap_open("", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "name")) TH_LOG("%s", err);
	EXPECT_EQ(-EINVAL, tap_open("a-name-much-too-long", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "'a-name-much-too-long'")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "15 characters")) TH_LOG("%s", err);
}

TEST_HARNESS_MAIN
