// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/virtio_blk.c vmm/lib/devices/virtio_mmio.c vmm/lib/devices/virtqueue.c vmm/lib/mmio_bus.c
/*
 * virtio-blk on a temporary raw image, driven through its virtio-mmio
 * registers and a split queue in fake guest RAM: what the guest sees of the
 * disk, each request type, the bytes that land in the image file, bounds
 * (including sectors whose byte offset overflows), read-only disks, and
 * malformed requests.
 */
#include <stdio.h>
#include <unistd.h>

#include "virtio_guest.h"
#include "devices/virtio_blk.h"
#include "kselftest_harness.h"

/* Request types and status (5.2.6), feature bits (5.2.3), spelled out. */
#define T_IN		0
#define T_OUT		1
#define T_FLUSH		4
#define T_GET_ID	8
#define T_DISCARD	11
#define S_OK		0
#define S_IOERR		1
#define S_UNSUPP	2
#define F_SIZE_MAX	(1ull << 1)
#define F_SEG_MAX	(1ull << 2)
#define F_RO		(1ull << 5)
#define F_BLK_SIZE	(1ull << 6)
#define F_FLUSH		(1ull << 9)

#define SECTOR		512
/* 1 MiB and 100 bytes: 2048 whole sectors; the tail is not part of the disk. */
#define IMAGE_BYTES	((1 << 20) + 100)
#define CAPACITY	2048
#define SERIAL		"kvm32-disk-0"

/* Where requests live in guest RAM. */
#define HDR		(DATA_BASE)
#define STATUS		(DATA_BASE + 0x100)
#define BUF		(DATA_BASE + 0x1000)	/* data buffers, up to 64 KiB */

FIXTURE(blk) {
	struct guest g;
	int fd;
	struct virtio_blk *blk;
	struct drv_vq vq;
};

static int make_image(void)
{
	char path[] = "/tmp/virtio_blk_test.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (ftruncate(fd, IMAGE_BYTES)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Guest, image and device, the driver started with VERSION_1 and FLUSH. Returns 0 or -errno. */
static int open_disk(FIXTURE_DATA(blk) *self, bool read_only, const char *serial)
{
	struct virtio_blk_params p = { .read_only = read_only, .serial = serial };
	int ret;

	guest_init(&self->g);
	self->blk = NULL;
	self->fd = make_image();
	if (self->fd < 0)
		return -errno;
	p.fd = self->fd;
	ret = virtio_blk_create(&self->blk, &p, &self->g.bus, DEV_BASE, &self->g.irq,
				&self->g.mem);
	if (ret == 0)
		drv_start_one_queue(&self->g, F_VERSION_1 | F_FLUSH, &self->vq, 16);
	return ret;
}

static void close_disk(FIXTURE_DATA(blk) *self)
{
	virtio_blk_destroy(self->blk);
	if (self->fd >= 0)
		close(self->fd);
	guest_free(&self->g);
}

FIXTURE_SETUP(blk)
{
	ASSERT_EQ(0, open_disk(self, false, SERIAL));
}

FIXTURE_TEARDOWN(blk)
{
	close_disk(self);
}

/* Writes the 16-byte request header (5.2.6) at HDR. */
static void put_header(struct guest *g, uint32_t type, uint64_t sector)
{
	gw32(g, HDR, type);
	gw32(g, HDR + 4, 0);
	gw64(g, HDR + 8, sector);
}

/*
 * Sends header + bufs + status byte as one chain, notifies, and returns the
 * status byte the device wrote (0xee if it wrote none); *used gets the used
 * length (or 0xdeadbeef when the chain was not returned).
 */
static unsigned int request(FIXTURE_DATA(blk) *self, uint32_t type, uint64_t sector,
			    const struct drv_buf *bufs, unsigned int n, uint32_t *used)
{
	struct drv_buf chain[8];
	uint32_t id, len = 0xdeadbeef;
	unsigned int i;

	put_header(&self->g, type, sector);
	*gptr(&self->g, STATUS) = 0xee;
	chain[0] = (struct drv_buf){ HDR, 16, false };
	for (i = 0; i < n; i++)
		chain[1 + i] = bufs[i];
	chain[1 + n] = (struct drv_buf){ STATUS, 1, true };
	drv_add(&self->vq, chain, n + 2);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	if (!drv_get_used(&self->vq, &id, &len))
		len = 0xdeadbeef;
	if (used)
		*used = len;
	return *gptr(&self->g, STATUS);
}

static void fill(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7 + (i >> 9);
}

static bool file_is(int fd, uint64_t offset, const uint8_t *expect, size_t len)
{
	uint8_t buf[8192];

	if (len > sizeof(buf) || pread(fd, buf, len, offset) != (ssize_t)len)
		return false;
	return memcmp(buf, expect, len) == 0;
}

static bool file_is_zero(int fd, uint64_t offset, size_t len)
{
	static const uint8_t zero[8192];

	return file_is(fd, offset, zero, len);
}

static uint32_t config32(struct guest *g, unsigned int offset)
{
	return rd(g, R_CONFIG + offset);
}

TEST_F(blk, the_guest_sees_a_block_device_of_the_image_size)
{
	uint64_t f = dev_features(&self->g);

	EXPECT_EQ(2, rd(&self->g, R_DEVICE_ID));
	EXPECT_TRUE(f & F_VERSION_1);
	EXPECT_TRUE(f & F_FLUSH);
	EXPECT_TRUE(f & F_SEG_MAX);
	EXPECT_TRUE(f & F_SIZE_MAX);
	EXPECT_TRUE(f & F_BLK_SIZE);
	EXPECT_FALSE(f & F_RO);
	/* Config layout (5.2.4): le64 capacity, le32 size_max, le32 seg_max, geometry, blk_size. */
	EXPECT_EQ(CAPACITY, config32(&self->g, 0));
	EXPECT_EQ(0, config32(&self->g, 4));
	EXPECT_EQ(256 << 10, config32(&self->g, 8));
	EXPECT_EQ(254, config32(&self->g, 12));
	EXPECT_EQ(SECTOR, config32(&self->g, 20));
	EXPECT_EQ(CAPACITY, virtio_blk_capacity(self->blk));
	wr(&self->g, R_QUEUE_SEL, 0);
	EXPECT_EQ(256, rd(&self->g, R_QUEUE_NUM_MAX));
	/* The largest request the driver may build fits in the 64 MiB cap on a chain. */
	EXPECT_LE(254ull * config32(&self->g, 8) + 17, VIRTQ_CHAIN_MAX_BYTES);
}

TEST_F(blk, a_write_lands_in_the_image_file)
{
	struct drv_buf data[] = { { BUF, 1024, false }, { BUF + 0x2000, 512, false } };
	uint8_t expect[1536];
	uint32_t used;

	fill(gptr(&self->g, BUF), 1024, 1);
	fill(gptr(&self->g, BUF + 0x2000), 512, 99);
	memcpy(expect, gptr(&self->g, BUF), 1024);
	memcpy(expect + 1024, gptr(&self->g, BUF + 0x2000), 512);
	EXPECT_EQ(S_OK, request(self, T_OUT, 3, data, 2, &used));
	EXPECT_EQ(1, used);
	EXPECT_TRUE(file_is(self->fd, 3 * SECTOR, expect, sizeof(expect)));
	EXPECT_TRUE(file_is_zero(self->fd, 0, 3 * SECTOR));
	EXPECT_TRUE(file_is_zero(self->fd, 6 * SECTOR, SECTOR));
}

TEST_F(blk, a_read_returns_the_image_bytes)
{
	struct drv_buf data[] = {
		{ BUF, 512, true }, { BUF + 0x1000, 100, true }, { BUF + 0x2000, 924, true },
	};
	uint8_t image[1536], got[1536];
	uint32_t used;

	fill(image, sizeof(image), 5);
	ASSERT_EQ(sizeof(image), pwrite(self->fd, image, sizeof(image), 7 * SECTOR));
	EXPECT_EQ(S_OK, request(self, T_IN, 7, data, 3, &used));
	EXPECT_EQ(1536 + 1, used);
	memcpy(got, gptr(&self->g, BUF), 512);
	memcpy(got + 512, gptr(&self->g, BUF + 0x1000), 100);
	memcpy(got + 612, gptr(&self->g, BUF + 0x2000), 924);
	EXPECT_EQ(0, memcmp(image, got, sizeof(got)));
}

TEST_F(blk, the_last_sector_of_the_disk_is_readable_and_writable)
{
	struct drv_buf in = { BUF, SECTOR, true }, out = { BUF + 0x1000, SECTOR, false };
	uint32_t used;

	fill(gptr(&self->g, BUF + 0x1000), SECTOR, 3);
	EXPECT_EQ(S_OK, request(self, T_OUT, CAPACITY - 1, &out, 1, &used));
	EXPECT_TRUE(file_is(self->fd, (CAPACITY - 1) * SECTOR, gptr(&self->g, BUF + 0x1000),
			    SECTOR));
	EXPECT_EQ(S_OK, request(self, T_IN, CAPACITY - 1, &in, 1, &used));
	EXPECT_EQ(0, memcmp(gptr(&self->g, BUF), gptr(&self->g, BUF + 0x1000), SECTOR));
}

TEST_F(blk, a_request_need_not_give_each_part_its_own_descriptor)
{
	/* Header split 10 + 6, data and status sharing one writable buffer (2.6.4). */
	struct drv_buf chain[] = {
		{ HDR, 10, false }, { HDR + 10, 6, false }, { BUF, SECTOR + 1, true },
	};
	uint8_t image[SECTOR];
	uint32_t id, len;

	fill(image, SECTOR, 77);
	ASSERT_EQ(SECTOR, pwrite(self->fd, image, SECTOR, 9 * SECTOR));
	put_header(&self->g, T_IN, 9);
	gptr(&self->g, BUF)[SECTOR] = 0xee;
	drv_add(&self->vq, chain, 3);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	ASSERT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_EQ(SECTOR + 1, len);
	EXPECT_EQ(S_OK, gptr(&self->g, BUF)[SECTOR]);
	EXPECT_EQ(0, memcmp(image, gptr(&self->g, BUF), SECTOR));
}

TEST_F(blk, flush_completes)
{
	struct drv_buf data = { BUF, SECTOR, false };
	uint32_t used;

	ASSERT_EQ(S_OK, request(self, T_OUT, 0, &data, 1, &used));
	EXPECT_EQ(S_OK, request(self, T_FLUSH, 0, NULL, 0, &used));
	EXPECT_EQ(1, used);
}

TEST_F(blk, get_id_returns_the_serial_nul_padded_to_20_bytes)
{
	struct drv_buf id = { BUF, 20, true };
	uint8_t expect[20] = SERIAL;
	uint32_t used;

	memset(gptr(&self->g, BUF), 0xee, 20);
	EXPECT_EQ(S_OK, request(self, T_GET_ID, 0, &id, 1, &used));
	EXPECT_EQ(21, used);
	EXPECT_EQ(0, memcmp(expect, gptr(&self->g, BUF), 20));
}

TEST_F(blk, get_id_fills_what_fits_of_a_shorter_buffer)
{
	struct drv_buf id = { BUF, 5, true };
	uint32_t used;

	memset(gptr(&self->g, BUF), 0xee, 8);
	EXPECT_EQ(S_OK, request(self, T_GET_ID, 0, &id, 1, &used));
	EXPECT_EQ(6, used);
	EXPECT_EQ(0, memcmp(SERIAL, gptr(&self->g, BUF), 5));
	EXPECT_EQ(0xee, gptr(&self->g, BUF)[5]);
}

TEST(get_id_cuts_a_long_serial_at_20_bytes)
{
	FIXTURE_DATA(blk) disk, *self = &disk;
	struct drv_buf id = { BUF, 32, true };
	uint32_t used;

	ASSERT_EQ(0, open_disk(self, false, "0123456789abcdefghijKLMNOP"));
	memset(gptr(&self->g, BUF), 0xee, 32);
	EXPECT_EQ(S_OK, request(self, T_GET_ID, 0, &id, 1, &used));
	EXPECT_EQ(0, memcmp("0123456789abcdefghij", gptr(&self->g, BUF), 20));
	EXPECT_EQ(0xee, gptr(&self->g, BUF)[20]);
	/* Written from the start: 20 bytes, not reaching the status byte. */
	EXPECT_EQ(20, used);
	close_disk(self);
}

TEST_F(blk, requests_beyond_the_capacity_fail_with_ioerr)
{
	struct drv_buf in = { BUF, SECTOR, true }, in2 = { BUF, 2 * SECTOR, true };
	struct drv_buf out = { BUF, SECTOR, false };
	uint32_t used;

	fill(gptr(&self->g, BUF), 2 * SECTOR, 9);
	EXPECT_EQ(S_IOERR, request(self, T_IN, CAPACITY, &in, 1, &used));
	EXPECT_EQ(0, used);
	EXPECT_EQ(S_IOERR, request(self, T_IN, CAPACITY - 1, &in2, 1, &used));
	EXPECT_EQ(S_IOERR, request(self, T_OUT, CAPACITY, &out, 1, &used));
	EXPECT_EQ(1, used);
	EXPECT_EQ(S_IOERR, request(self, T_IN, CAPACITY + 1000, &in, 1, &used));
	/* The image's partial tail sector is not part of the disk, and was not written. */
	EXPECT_TRUE(file_is_zero(self->fd, CAPACITY * SECTOR, 100));
	EXPECT_EQ(IMAGE_BYTES, lseek(self->fd, 0, SEEK_END));
}

TEST_F(blk, sectors_whose_byte_offset_overflows_fail_with_ioerr)
{
	struct drv_buf out = { BUF, SECTOR, false };
	/* 2^55 sectors are 2^64 bytes: offset 0 if the product wrapped. */
	const uint64_t sectors[] = {
		1ull << 55, (1ull << 55) + 3, UINT64_MAX, UINT64_MAX / SECTOR + 1, 1ull << 63,
	};
	unsigned int i;
	uint32_t used;

	fill(gptr(&self->g, BUF), SECTOR, 4);
	for (i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
		EXPECT_EQ(S_IOERR, request(self, T_OUT, sectors[i], &out, 1, &used)) {
			TH_LOG("sector %#llx", (unsigned long long)sectors[i]);
		}
	}
	EXPECT_TRUE(file_is_zero(self->fd, 0, 8 * SECTOR));
}

TEST_F(blk, data_that_is_not_whole_sectors_fails_with_ioerr)
{
	struct drv_buf in = { BUF, 100, true }, out = { BUF, SECTOR + 1, false };

	EXPECT_EQ(S_IOERR, request(self, T_IN, 0, &in, 1, NULL));
	fill(gptr(&self->g, BUF), SECTOR + 1, 4);
	EXPECT_EQ(S_IOERR, request(self, T_OUT, 0, &out, 1, NULL));
	EXPECT_TRUE(file_is_zero(self->fd, 0, 2 * SECTOR));
}

TEST_F(blk, a_read_past_the_end_of_a_shrunken_image_fails_with_ioerr)
{
	struct drv_buf in = { BUF, 2 * SECTOR, true };

	ASSERT_EQ(0, ftruncate(self->fd, 5 * SECTOR));
	EXPECT_EQ(S_OK, request(self, T_IN, 3, &in, 1, NULL));
	EXPECT_EQ(S_IOERR, request(self, T_IN, 4, &in, 1, NULL));
	EXPECT_EQ(S_IOERR, request(self, T_IN, 10, &in, 1, NULL));
}

TEST_F(blk, unknown_request_types_are_unsupported)
{
	struct drv_buf data = { BUF, SECTOR, false };
	uint32_t used;

	EXPECT_EQ(S_UNSUPP, request(self, T_DISCARD, 0, &data, 1, &used));
	EXPECT_EQ(1, used);
	EXPECT_EQ(S_UNSUPP, request(self, 0xffffffff, 0, NULL, 0, &used));
	EXPECT_EQ(0, rd(&self->g, R_STATUS) & S_NEEDS_RESET);
}

TEST_F(blk, several_requests_in_one_notification_are_all_served_with_one_edge)
{
	struct drv_buf chain[] = { { HDR, 16, false }, { BUF, SECTOR, false },
				   { STATUS, 1, true } };
	struct drv_buf chain2[] = { { HDR, 16, false }, { BUF, SECTOR, false },
				    { STATUS + 1, 1, true } };
	uint32_t id, len;

	put_header(&self->g, T_OUT, 1);
	fill(gptr(&self->g, BUF), SECTOR, 8);
	drv_add(&self->vq, chain, 3);
	drv_add(&self->vq, chain2, 3);
	drv_add(&self->vq, chain, 3);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	EXPECT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_TRUE(drv_get_used(&self->vq, &id, &len));
	EXPECT_FALSE(drv_get_used(&self->vq, &id, &len));
	EXPECT_EQ(1, self->g.pulses);
	EXPECT_EQ(S_OK, *gptr(&self->g, STATUS + 1));
	EXPECT_TRUE(file_is(self->fd, SECTOR, gptr(&self->g, BUF), SECTOR));
}

/* The device needs a reset, and said why. */
static void expect_broken(struct __test_metadata *_metadata, FIXTURE_DATA(blk) *self,
			  const char *why)
{
	const char *err = virtio_mmio_error(virtio_blk_transport(self->blk));
	uint32_t id, len;

	EXPECT_TRUE(rd(&self->g, R_STATUS) & S_NEEDS_RESET);
	EXPECT_EQ(2, rd(&self->g, R_INT_STATUS));
	EXPECT_FALSE(drv_get_used(&self->vq, &id, &len));
	ASSERT_NE(NULL, err);
	EXPECT_TRUE(strstr(err, why) != NULL) {
		TH_LOG("error: %s", err);
	}
}

TEST_F(blk, a_request_without_a_status_byte_breaks_the_device)
{
	struct drv_buf chain[] = { { HDR, 16, false }, { BUF, SECTOR, false } };

	put_header(&self->g, T_OUT, 0);
	drv_add(&self->vq, chain, 2);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	expect_broken(_metadata, self, "status byte");
	EXPECT_TRUE(file_is_zero(self->fd, 0, SECTOR));
}

TEST_F(blk, a_request_with_a_short_header_breaks_the_device)
{
	struct drv_buf chain[] = { { HDR, 8, false }, { STATUS, 1, true } };

	put_header(&self->g, T_FLUSH, 0);
	*gptr(&self->g, STATUS) = 0xee;
	drv_add(&self->vq, chain, 2);
	wr(&self->g, R_QUEUE_NOTIFY, 0);
	expect_broken(_metadata, self, "header");
	EXPECT_EQ(0xee, *gptr(&self->g, STATUS));
}

TEST_F(blk, a_write_buffer_outside_guest_ram_breaks_the_device)
{
	struct drv_buf data = { RAM_BASE + RAM_SIZE - SECTOR / 2, SECTOR, false };

	request(self, T_OUT, 0, &data, 1, NULL);
	expect_broken(_metadata, self, "not in guest RAM");
	EXPECT_TRUE(file_is_zero(self->fd, 0, SECTOR));
}

TEST(a_read_only_disk_says_so_and_refuses_writes)
{
	FIXTURE_DATA(blk) disk, *self = &disk;
	struct drv_buf out = { BUF, SECTOR, false }, in = { BUF + 0x1000, SECTOR, true };
	uint8_t image[SECTOR];

	ASSERT_EQ(0, open_disk(self, true, NULL));
	EXPECT_TRUE(dev_features(&self->g) & F_RO);
	fill(image, SECTOR, 1);
	ASSERT_EQ(SECTOR, pwrite(self->fd, image, SECTOR, 0));
	fill(gptr(&self->g, BUF), SECTOR, 2);
	EXPECT_EQ(S_IOERR, request(self, T_OUT, 0, &out, 1, NULL));
	EXPECT_TRUE(file_is(self->fd, 0, image, SECTOR));
	EXPECT_EQ(S_OK, request(self, T_IN, 0, &in, 1, NULL));
	EXPECT_EQ(0, memcmp(image, gptr(&self->g, BUF + 0x1000), SECTOR));
	EXPECT_EQ(S_OK, request(self, T_FLUSH, 0, NULL, 0, NULL));
	close_disk(self);
}

TEST(get_id_without_a_serial_is_all_zero)
{
	FIXTURE_DATA(blk) disk, *self = &disk;
	struct drv_buf id = { BUF, 20, true };
	static const uint8_t zero[20];

	ASSERT_EQ(0, open_disk(self, true, NULL));
	memset(gptr(&self->g, BUF), 0xee, 20);
	EXPECT_EQ(S_OK, request(self, T_GET_ID, 0, &id, 1, NULL));
	EXPECT_EQ(0, memcmp(zero, gptr(&self->g, BUF), 20));
	close_disk(self);
}

TEST(create_refuses_what_is_not_a_seekable_image)
{
	struct virtio_blk_params p = { .fd = -1 };
	struct virtio_blk *blk = NULL;
	struct guest g;
	int pipefd[2];

	guest_init(&g);
	EXPECT_EQ(-EINVAL, virtio_blk_create(&blk, &p, &g.bus, DEV_BASE, NULL, &g.mem));
	ASSERT_EQ(0, pipe(pipefd));
	p.fd = pipefd[0];
	EXPECT_EQ(-ESPIPE, virtio_blk_create(&blk, &p, &g.bus, DEV_BASE, NULL, &g.mem));
	EXPECT_EQ(NULL, blk);
	EXPECT_EQ(0, g.bus.count);
	close(pipefd[0]);
	close(pipefd[1]);
	guest_free(&g);
}

TEST_HARNESS_MAIN
