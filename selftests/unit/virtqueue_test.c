// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devices/virtqueue.c
/*
 * The device side of a split virtqueue against a driver that builds its rings
 * in a fake guest RAM: good chains and what the device hands out for them,
 * the used ring, interrupt suppression, 16-bit index wrap-around, and every
 * way a guest can break the rules — which must break the queue, never reach
 * outside guest RAM.
 */
#include <stdio.h>

#include "virtio_guest.h"
#include "devices/virtqueue.h"
#include "kselftest_harness.h"

#define QSIZE 8

FIXTURE(vq) {
	struct guest g;
	struct drv_vq drv;
	struct virtq vq;
	struct virtq_chain chain;
};

FIXTURE_SETUP(vq)
{
	guest_init(&self->g);
	drv_vq_init(&self->drv, &self->g, 0, QSIZE);
	ASSERT_EQ(0, virtq_init(&self->vq, &self->g.mem, QSIZE, self->drv.desc, self->drv.avail,
				self->drv.used));
}

FIXTURE_TEARDOWN(vq)
{
	guest_free(&self->g);
}

static int init_at(struct guest *g, struct virtq *vq, uint16_t size, uint64_t desc,
		   uint64_t avail, uint64_t used)
{
	return virtq_init(vq, &g->mem, size, desc, avail, used);
}

TEST_F(vq, init_refuses_sizes_that_are_not_powers_of_two_up_to_the_max)
{
	struct virtq q;
	uint64_t a = RING_AREA(1);

	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, 0, a, a + 0x1000, a + 0x2000));
	EXPECT_TRUE(virtq_broken(&q));
	EXPECT_FALSE(virtq_enabled(&q));
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, 6, a, a + 0x1000, a + 0x2000));
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, VIRTQ_MAX_SIZE * 2, a, a + 0x4000, a + 0x8000));
	EXPECT_EQ(0, init_at(&self->g, &q, VIRTQ_MAX_SIZE, a, a + 0x1000, a + 0x2000));
	EXPECT_FALSE(virtq_broken(&q));
	EXPECT_EQ(0, init_at(&self->g, &q, 1, a, a + 0x1000, a + 0x2000));
}

TEST_F(vq, init_refuses_rings_outside_ram_or_straddling_its_end)
{
	struct virtq q;
	uint64_t end = RAM_BASE + RAM_SIZE;
	uint64_t a = RING_AREA(1);

	/* Before RAM, after it, and each ring's last bytes past its end (2.7 sizes). */
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, RAM_BASE - 0x1000, a + 0x1000, a + 0x2000));
	EXPECT_TRUE(strstr(virtq_error(&q), "not in guest RAM") != NULL);
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, a, end, a + 0x2000));
	EXPECT_TRUE(strstr(virtq_error(&q), "not in guest RAM") != NULL);
	/* 16 * 8 bytes of descriptors, 16 of them past the end. */
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, end - 112, a + 0x1000, a + 0x2000));
	EXPECT_TRUE(strstr(virtq_error(&q), "not in guest RAM") != NULL);
	/* 6 + 2 * 8 = 22 bytes of available ring, 2 past the end. */
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, a, end - 20, a + 0x2000));
	EXPECT_TRUE(strstr(virtq_error(&q), "not in guest RAM") != NULL);
	/* 6 + 8 * 8 = 70 bytes of used ring, 2 past the end. */
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, a, a + 0x1000, end - 68));
	EXPECT_TRUE(strstr(virtq_error(&q), "not in guest RAM") != NULL);
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, a, a + 0x1000, 0xfffffffffffffff0ull));
	/* Ending exactly at the end (or 2 bytes short, for the used ring's alignment) is fine. */
	EXPECT_EQ(0, init_at(&self->g, &q, QSIZE, end - 128, a + 0x1000, a + 0x2000));
	EXPECT_EQ(0, init_at(&self->g, &q, QSIZE, a, end - 22, a + 0x2000));
	EXPECT_EQ(0, init_at(&self->g, &q, QSIZE, a, a + 0x1000, end - 72));
}

TEST_F(vq, init_refuses_misaligned_rings)
{
	struct virtq q;
	uint64_t a = RING_AREA(1);

	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, a + 8, a + 0x1000, a + 0x2000));
	EXPECT_TRUE(strstr(virtq_error(&q), "aligned") != NULL);
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, a, a + 0x1001, a + 0x2000));
	EXPECT_EQ(-EINVAL, init_at(&self->g, &q, QSIZE, a, a + 0x1000, a + 0x2002));
	/* The spec's minimum alignments: 16, 2, 4. */
	EXPECT_EQ(0, init_at(&self->g, &q, QSIZE, a + 16, a + 0x1002, a + 0x2004));
}

TEST_F(vq, an_empty_ring_gives_nothing)
{
	EXPECT_EQ(0, virtq_pop(&self->vq, &self->chain));
	EXPECT_FALSE(virtq_broken(&self->vq));
}

TEST_F(vq, a_disabled_queue_gives_nothing)
{
	struct drv_buf b = { DATA_BASE, 16, false };

	drv_add(&self->drv, &b, 1);
	virtq_disable(&self->vq);
	EXPECT_EQ(0, virtq_pop(&self->vq, &self->chain));
}

TEST_F(vq, a_chain_arrives_as_readable_then_writable_segments_in_guest_ram)
{
	struct drv_buf bufs[] = {
		{ DATA_BASE, 16, false },
		{ DATA_BASE + 0x1000, 100, false },
		{ DATA_BASE + 0x2000, 512, true },
		{ DATA_BASE + 0x3000, 1, true },
	};
	struct virtq_chain *c = &self->chain;
	uint16_t head = drv_add(&self->drv, bufs, 4);
	unsigned int i;

	ASSERT_EQ(1, virtq_pop(&self->vq, c));
	EXPECT_EQ(head, c->head);
	EXPECT_EQ(2, c->nr_readable);
	EXPECT_EQ(2, c->nr_writable);
	EXPECT_EQ(116, c->readable_len);
	EXPECT_EQ(513, c->writable_len);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(gptr(&self->g, bufs[i].gpa), c->iov[i].iov_base);
		EXPECT_EQ(bufs[i].len, c->iov[i].iov_len);
	}
	/* Taken once only. */
	EXPECT_EQ(0, virtq_pop(&self->vq, c));
}

TEST_F(vq, chains_come_in_the_order_the_driver_made_them_available)
{
	struct drv_buf a = { DATA_BASE, 8, false }, b = { DATA_BASE + 8, 8, true };
	uint16_t ha = drv_add(&self->drv, &a, 1);
	uint16_t hb = drv_add(&self->drv, &b, 1);

	ASSERT_NE(ha, hb);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_EQ(ha, self->chain.head);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_EQ(hb, self->chain.head);
	EXPECT_EQ(1, self->chain.nr_writable);
}

TEST_F(vq, a_chain_may_use_any_free_descriptors_in_any_order)
{
	/* 5 -> 2 -> 7: links go backwards and forwards. */
	drv_set_desc(&self->drv, 5, DATA_BASE, 10, D_NEXT, 2);
	drv_set_desc(&self->drv, 2, DATA_BASE + 10, 20, D_NEXT | D_WRITE, 7);
	drv_set_desc(&self->drv, 7, DATA_BASE + 30, 30, D_WRITE, 0);
	drv_publish(&self->drv, 5);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_EQ(5, self->chain.head);
	EXPECT_EQ(10, self->chain.readable_len);
	EXPECT_EQ(50, self->chain.writable_len);
}

TEST_F(vq, unpop_gives_the_same_chain_again)
{
	struct drv_buf b = { DATA_BASE, 8, true };
	uint16_t head = drv_add(&self->drv, &b, 1);

	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	virtq_unpop(&self->vq);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_EQ(head, self->chain.head);
	EXPECT_EQ(0, virtq_pop(&self->vq, &self->chain));
}

TEST_F(vq, push_fills_the_used_ring_then_publishes_its_index)
{
	struct drv_buf b[] = { { DATA_BASE, 8, false }, { DATA_BASE + 8, 64, true } };
	uint16_t head = drv_add(&self->drv, b, 2);
	uint32_t id, len;

	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_FALSE(drv_get_used(&self->drv, &id, &len));
	virtq_push(&self->vq, &self->chain, 40);
	ASSERT_TRUE(drv_get_used(&self->drv, &id, &len));
	EXPECT_EQ(head, id);
	EXPECT_EQ(40, len);
	EXPECT_FALSE(drv_get_used(&self->drv, &id, &len));
}

TEST_F(vq, push_never_claims_more_than_the_writable_bytes)
{
	struct drv_buf b[] = { { DATA_BASE, 8, false }, { DATA_BASE + 8, 64, true } };
	uint32_t id, len;

	drv_add(&self->drv, b, 2);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	virtq_push(&self->vq, &self->chain, 1000);
	ASSERT_TRUE(drv_get_used(&self->drv, &id, &len));
	EXPECT_EQ(64, len);
}

TEST_F(vq, chain_read_write_and_slice_cross_segment_boundaries)
{
	struct drv_buf b[] = {
		{ DATA_BASE, 3, false }, { DATA_BASE + 0x100, 5, false },
		{ DATA_BASE + 0x200, 4, true }, { DATA_BASE + 0x300, 4, true },
	};
	const uint8_t in[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t out[8] = { 0 };
	struct iovec iov[VIRTQ_MAX_SIZE];
	struct virtq_chain *c = &self->chain;

	memcpy(gptr(&self->g, DATA_BASE), in, 3);
	memcpy(gptr(&self->g, DATA_BASE + 0x100), in + 3, 5);
	drv_add(&self->drv, b, 4);
	ASSERT_EQ(1, virtq_pop(&self->vq, c));

	EXPECT_EQ(4, virtq_chain_read(c, 2, out, 4));
	EXPECT_EQ(0, memcmp(out, in + 2, 4));
	/* Cut at the end of the readable part: the writable part is not read. */
	EXPECT_EQ(2, virtq_chain_read(c, 6, out, 8));

	EXPECT_EQ(3, virtq_chain_write(c, 3, in, 3));
	EXPECT_EQ(1, gptr(&self->g, DATA_BASE + 0x200)[3]);
	EXPECT_EQ(2, gptr(&self->g, DATA_BASE + 0x300)[0]);
	EXPECT_EQ(3, gptr(&self->g, DATA_BASE + 0x300)[1]);
	EXPECT_EQ(0, gptr(&self->g, DATA_BASE + 0x300)[2]);
	EXPECT_EQ(0, virtq_chain_write(c, 8, in, 1));

	ASSERT_EQ(2, virtq_chain_slice(c, true, 2, 4, iov));
	EXPECT_EQ(gptr(&self->g, DATA_BASE + 0x202), iov[0].iov_base);
	EXPECT_EQ(2, iov[0].iov_len);
	EXPECT_EQ(gptr(&self->g, DATA_BASE + 0x300), iov[1].iov_base);
	EXPECT_EQ(2, iov[1].iov_len);
	ASSERT_EQ(1, virtq_chain_slice(c, false, 3, 100, iov));
	EXPECT_EQ(gptr(&self->g, DATA_BASE + 0x100), iov[0].iov_base);
	EXPECT_EQ(5, iov[0].iov_len);
	EXPECT_EQ(0, virtq_chain_slice(c, false, 8, 1, iov));
}

/* The queue broke: nothing more is handed out or pushed, and it says why. */
static void expect_broken(struct __test_metadata *_metadata, struct virtq *vq,
			  struct virtq_chain *c, const char *why)
{
	EXPECT_TRUE(virtq_broken(vq));
	EXPECT_TRUE(strstr(virtq_error(vq), why) != NULL) {
		TH_LOG("error: \"%s\", expected \"%s\"", virtq_error(vq), why);
	}
	EXPECT_EQ(-EIO, virtq_pop(vq, c));
}

TEST_F(vq, a_looping_chain_breaks_the_queue)
{
	drv_set_desc(&self->drv, 0, DATA_BASE, 8, D_NEXT, 1);
	drv_set_desc(&self->drv, 1, DATA_BASE, 8, D_NEXT, 0);
	drv_publish(&self->drv, 0);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
	expect_broken(_metadata, &self->vq, &self->chain, "loop");
}

TEST_F(vq, a_descriptor_linking_to_itself_breaks_the_queue)
{
	drv_set_desc(&self->drv, 3, DATA_BASE, 8, D_NEXT, 3);
	drv_publish(&self->drv, 3);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
	expect_broken(_metadata, &self->vq, &self->chain, "loop");
}

TEST_F(vq, a_chain_using_every_descriptor_once_is_fine)
{
	unsigned int i;

	for (i = 0; i < QSIZE; i++)
		drv_set_desc(&self->drv, i, DATA_BASE + i, 1, i + 1 < QSIZE ? D_NEXT : 0, i + 1);
	drv_publish(&self->drv, 0);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_EQ(QSIZE, self->chain.nr_readable);
}

TEST_F(vq, a_next_index_out_of_range_breaks_the_queue)
{
	drv_set_desc(&self->drv, 0, DATA_BASE, 8, D_NEXT, QSIZE);
	drv_publish(&self->drv, 0);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
	expect_broken(_metadata, &self->vq, &self->chain, "out of range");
}

TEST_F(vq, a_head_index_out_of_range_breaks_the_queue)
{
	drv_publish(&self->drv, 0xffff);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
	expect_broken(_metadata, &self->vq, &self->chain, "out of range");
}

/* Publishes a one-descriptor chain [addr, +len) and expects it to break the queue. */
static void expect_buffer_refused(struct __test_metadata *_metadata, FIXTURE_DATA(vq) *self,
				  uint64_t addr, uint32_t len, uint16_t flags, const char *why)
{
	drv_set_desc(&self->drv, 0, addr, len, flags, 0);
	drv_publish(&self->drv, 0);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
	expect_broken(_metadata, &self->vq, &self->chain, why);
}

TEST_F(vq, a_buffer_below_ram_breaks_the_queue)
{
	expect_buffer_refused(_metadata, self, RAM_BASE - 16, 8, 0, "not in guest RAM");
}

TEST_F(vq, a_buffer_straddling_the_start_of_ram_breaks_the_queue)
{
	expect_buffer_refused(_metadata, self, RAM_BASE - 4, 8, D_WRITE, "not in guest RAM");
}

TEST_F(vq, a_buffer_straddling_the_end_of_ram_breaks_the_queue)
{
	expect_buffer_refused(_metadata, self, RAM_BASE + RAM_SIZE - 4, 5, D_WRITE,
			      "not in guest RAM");
}

TEST_F(vq, a_buffer_whose_end_wraps_the_address_space_breaks_the_queue)
{
	expect_buffer_refused(_metadata, self, 0xfffffffffffffff0ull, 0x20, 0, "not in guest RAM");
}

TEST_F(vq, a_buffer_at_the_very_end_of_ram_is_fine)
{
	drv_set_desc(&self->drv, 0, RAM_BASE + RAM_SIZE - 4, 4, D_WRITE, 0);
	drv_publish(&self->drv, 0);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_EQ(self->g.mem.host + RAM_SIZE - 4, self->chain.iov[0].iov_base);
}

TEST_F(vq, a_zero_length_buffer_breaks_the_queue)
{
	expect_buffer_refused(_metadata, self, DATA_BASE, 0, 0, "length 0");
}

TEST_F(vq, an_absurd_length_breaks_the_queue)
{
	expect_buffer_refused(_metadata, self, DATA_BASE, 0xffffffffu, 0, "exceeds");
}

TEST_F(vq, an_indirect_descriptor_breaks_the_queue)
{
	/* A valid-looking table: refused anyway, the feature was not offered. */
	drv_set_desc(&self->drv, 1, DATA_BASE, 8, 0, 0);
	expect_buffer_refused(_metadata, self, self->drv.desc + 16, 16, D_INDIRECT, "indirect");
}

TEST_F(vq, a_readable_buffer_after_a_writable_one_breaks_the_queue)
{
	struct drv_buf b[] = { { DATA_BASE, 8, true }, { DATA_BASE + 8, 8, false } };

	drv_add(&self->drv, b, 2);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
	expect_broken(_metadata, &self->vq, &self->chain, "readable after a writable");
}

TEST(a_chain_beyond_the_byte_cap_breaks_the_queue)
{
	/* 65 descriptors of 1 MiB (the same RAM each time): 65 MiB > 64 MiB. */
	const uint16_t size = 128;
	struct virtq_chain *c = malloc(sizeof(*c));
	struct drv_vq drv;
	struct guest g;
	struct virtq vq;
	unsigned int i, n = VIRTQ_CHAIN_MAX_BYTES / RAM_SIZE;

	guest_init(&g);
	drv_vq_init(&drv, &g, 0, size);
	ASSERT_EQ(0, virtq_init(&vq, &g.mem, size, drv.desc, drv.avail, drv.used));
	/* Exactly at the cap: fine. */
	for (i = 0; i < n; i++)
		drv_set_desc(&drv, i, RAM_BASE, RAM_SIZE, i + 1 < n ? D_NEXT : 0, i + 1);
	drv_publish(&drv, 0);
	ASSERT_EQ(1, virtq_pop(&vq, c));
	EXPECT_EQ(VIRTQ_CHAIN_MAX_BYTES, c->readable_len);
	/* One byte more: refused. */
	drv_set_desc(&drv, n - 1, RAM_BASE, RAM_SIZE, D_NEXT, n);
	drv_set_desc(&drv, n, RAM_BASE, 1, 0, 0);
	drv_publish(&drv, 0);
	EXPECT_EQ(-EIO, virtq_pop(&vq, c));
	EXPECT_TRUE(strstr(virtq_error(&vq), "exceeds") != NULL);
	free(c);
	guest_free(&g);
}

TEST_F(vq, an_available_index_jumping_beyond_the_queue_size_breaks_the_queue)
{
	gw16(&self->g, self->drv.avail + 2, QSIZE + 1);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
	expect_broken(_metadata, &self->vq, &self->chain, "jumped");
}

TEST_F(vq, a_full_ring_of_chains_is_fine)
{
	struct drv_buf b = { DATA_BASE, 8, true };
	unsigned int i;

	for (i = 0; i < QSIZE; i++)
		drv_add(&self->drv, &b, 1);
	for (i = 0; i < QSIZE; i++)
		ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_EQ(0, virtq_pop(&self->vq, &self->chain));
}

TEST_F(vq, the_available_index_going_backwards_breaks_the_queue)
{
	struct drv_buf b = { DATA_BASE, 8, true };

	drv_add(&self->drv, &b, 1);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	/* Back to 0: 0xffff entries "available", more than the ring holds. */
	gw16(&self->g, self->drv.avail + 2, 0);
	EXPECT_EQ(-EIO, virtq_pop(&self->vq, &self->chain));
}

TEST_F(vq, a_broken_queue_ignores_pushes_until_set_up_again)
{
	struct drv_buf b = { DATA_BASE, 8, true };
	uint32_t id, len;

	drv_add(&self->drv, &b, 1);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	virtq_mark_broken(&self->vq, "device says %s", "no");
	EXPECT_STREQ("device says no", virtq_error(&self->vq));
	virtq_push(&self->vq, &self->chain, 8);
	EXPECT_FALSE(drv_get_used(&self->drv, &id, &len));
	EXPECT_FALSE(virtq_should_interrupt(&self->vq));
	/* The first reason stays. */
	virtq_mark_broken(&self->vq, "later");
	EXPECT_STREQ("device says no", virtq_error(&self->vq));

	virtq_disable(&self->vq);
	EXPECT_FALSE(virtq_broken(&self->vq));
	EXPECT_STREQ("", virtq_error(&self->vq));
	memset(gptr(&self->g, RING_AREA(0)), 0, 0x3000);
	drv_vq_init(&self->drv, &self->g, 0, QSIZE);
	ASSERT_EQ(0, virtq_init(&self->vq, &self->g.mem, QSIZE, self->drv.desc, self->drv.avail,
				self->drv.used));
	drv_add(&self->drv, &b, 1);
	EXPECT_EQ(1, virtq_pop(&self->vq, &self->chain));
}

TEST_F(vq, interrupts_are_wanted_only_after_a_push_and_without_no_interrupt)
{
	struct drv_buf b = { DATA_BASE, 8, true };

	EXPECT_FALSE(virtq_should_interrupt(&self->vq));
	drv_add(&self->drv, &b, 1);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	EXPECT_FALSE(virtq_should_interrupt(&self->vq));
	virtq_push(&self->vq, &self->chain, 0);
	EXPECT_TRUE(virtq_should_interrupt(&self->vq));
	/* Answered: no second interrupt for the same push. */
	EXPECT_FALSE(virtq_should_interrupt(&self->vq));

	drv_set_no_interrupt(&self->drv, true);
	drv_add(&self->drv, &b, 1);
	ASSERT_EQ(1, virtq_pop(&self->vq, &self->chain));
	virtq_push(&self->vq, &self->chain, 0);
	EXPECT_FALSE(virtq_should_interrupt(&self->vq));
	/* The driver re-enabling interrupts later polls the used ring itself. */
	drv_set_no_interrupt(&self->drv, false);
	EXPECT_FALSE(virtq_should_interrupt(&self->vq));
}

TEST(indexes_wrap_around_at_16_bits)
{
	/* A 4-entry queue through 70000 chains: both free-running indexes wrap. */
	struct virtq_chain *c = malloc(sizeof(*c));
	struct drv_vq drv;
	struct guest g;
	struct virtq vq;
	unsigned int i;

	guest_init(&g);
	drv_vq_init(&drv, &g, 0, 4);
	ASSERT_EQ(0, virtq_init(&vq, &g.mem, 4, drv.desc, drv.avail, drv.used));
	for (i = 0; i < 70000; i++) {
		struct drv_buf b[] = { { DATA_BASE + i % 64, 1 + i % 3, false },
				       { DATA_BASE + 0x1000, 4, true } };
		uint16_t head;
		uint32_t id, len;

		head = drv_add(&drv, b, 2);
		ASSERT_EQ(1, virtq_pop(&vq, c));
		ASSERT_EQ(head, c->head);
		ASSERT_EQ(1 + i % 3, c->readable_len);
		virtq_push(&vq, c, i % 5);
		ASSERT_TRUE(drv_get_used(&drv, &id, &len));
		ASSERT_EQ(head, id);
		ASSERT_EQ(i % 5, len);
		ASSERT_EQ(0, virtq_pop(&vq, c));
	}
	EXPECT_EQ((uint16_t)70000, drv_used_idx(&drv));
	EXPECT_FALSE(virtq_broken(&vq));
	free(c);
	guest_free(&g);
}

TEST_HARNESS_MAIN
