// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: kmod/hyp_pgtable.c
/*
 * The Hyp translation tables: what Hyp's MMU will find in them, and that the
 * builder never leaks, loses or half-writes a table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyp_pgtable.h"
#include "kselftest_harness.h"

#define PAGE		0x1000u
#define SZ_2M		0x200000u
#define SZ_1G		0x40000000u

/*
 * Fake physical addresses of tables: high in the 40-bit space (bit 39 set) so
 * a descriptor that drops address bits, or a builder that uses a table PA as
 * a pointer, fails loudly.
 */
#define TABLE_PA_BASE	0x8000000000ull
#define MAX_TABLES	64

/* Descriptor bits as the ARMv7 ARM (long-descriptor format) defines them. */
#define D_TYPE		0x3ull			/* [1:0] table (L1/L2) or page (L3) */
#define D_ATTR_NORMAL	(0ull << 2)		/* AttrIndx [4:2] */
#define D_ATTR_DEVICE	(1ull << 2)
#define D_AP1		(1ull << 6)		/* should-be-one for Hyp */
#define D_AP2_RO	(1ull << 7)
#define D_SH_INNER	(3ull << 8)
#define D_AF		(1ull << 10)
#define D_XN		(1ull << 54)
#define D_ADDR		0x000000fffffff000ull	/* [39:12] */

struct test_table {
	void *va;
	u64 pa;
	bool live;
};

struct test_alloc {
	struct test_table tab[MAX_TABLES];
	unsigned int nr;	/* slots used (every successful allocation) */
	unsigned int live;
	unsigned int calls;	/* alloc_table calls, failed ones included */
	unsigned int fail_at;	/* calls value whose call fails; 0: none */
	unsigned int bad_frees;
};

static void *test_alloc_table(void *ctx, u64 *pa)
{
	struct test_alloc *a = ctx;
	struct test_table *t;

	if (++a->calls == a->fail_at || a->nr == MAX_TABLES)
		return NULL;
	t = &a->tab[a->nr];
	t->va = aligned_alloc(PAGE, PAGE);
	if (!t->va)
		return NULL;
	memset(t->va, 0, PAGE);
	t->pa = TABLE_PA_BASE + (u64)a->nr * PAGE;
	t->live = true;
	a->nr++;
	a->live++;
	*pa = t->pa;
	return t->va;
}

static struct test_table *find_table(struct test_alloc *a, u64 pa)
{
	unsigned int i;

	for (i = 0; i < a->nr; i++)
		if (a->tab[i].pa == pa && a->tab[i].live)
			return &a->tab[i];
	return NULL;
}

static void test_free_table(void *ctx, void *table, u64 pa)
{
	struct test_alloc *a = ctx;
	struct test_table *t = find_table(a, pa);

	if (!t || t->va != table) {
		a->bad_frees++;
		return;
	}
	free(t->va);
	t->live = false;
	a->live--;
}

static void *test_table_va(void *ctx, u64 pa)
{
	struct test_table *t = find_table(ctx, pa);

	if (!t) {
		fprintf(stderr, "table_va of unknown PA %#llx\n", (unsigned long long)pa);
		abort();
	}
	return t->va;
}

static void free_all(struct test_alloc *a)
{
	unsigned int i;

	for (i = 0; i < a->nr; i++)
		if (a->tab[i].live)
			free(a->tab[i].va);
}

FIXTURE(pgt) {
	struct test_alloc alloc;
	struct hyp_pgtable_ops ops;
	struct hyp_pgtable pgt;
	bool destroyed;
};

FIXTURE_SETUP(pgt)
{
	memset(&self->alloc, 0, sizeof(self->alloc));
	self->ops = (struct hyp_pgtable_ops){
		.alloc_table = test_alloc_table,
		.free_table = test_free_table,
		.table_va = test_table_va,
		.ctx = &self->alloc,
	};
	self->destroyed = false;
	ASSERT_EQ(0, hyp_pgtable_init(&self->pgt, &self->ops));
}

FIXTURE_TEARDOWN(pgt)
{
	if (!self->destroyed)
		hyp_pgtable_destroy(&self->pgt);
	EXPECT_EQ(0, self->alloc.live);
	EXPECT_EQ(0, self->alloc.bad_frees);
	free_all(&self->alloc);
}

/* Every table the builder holds is counted, and no other table is live. */
#define EXPECT_TABLES(n) do {						\
	EXPECT_EQ((n), self->pgt.nr_tables);				\
	EXPECT_EQ((n), self->alloc.live);				\
} while (0)

static u64 *table_at(struct test_alloc *a, u64 desc)
{
	return test_table_va(a, desc & D_ADDR);
}

/* The raw level-3 descriptor of @va, read as Hyp's table walk would. */
static u64 raw_pte(struct hyp_pgtable *pgt, struct test_alloc *a, u32 va)
{
	u64 l1 = pgt->root[va >> 30];
	u64 l2 = table_at(a, l1)[(va >> 21) & 511];

	return table_at(a, l2)[(va >> 12) & 511];
}

static bool mapped(struct hyp_pgtable *pgt, u32 va)
{
	return hyp_pgtable_lookup(pgt, va, NULL, NULL) == 0;
}

static u64 lookup_pa(struct hyp_pgtable *pgt, u32 va)
{
	u64 pa = ~0ull;

	hyp_pgtable_lookup(pgt, va, &pa, NULL);
	return pa;
}

TEST(init_fails_cleanly_without_memory)
{
	struct test_alloc alloc = { .fail_at = 1 };
	struct hyp_pgtable_ops ops = {
		test_alloc_table, test_free_table, test_table_va, &alloc
	};
	struct hyp_pgtable pgt;

	EXPECT_EQ(-ENOMEM, hyp_pgtable_init(&pgt, &ops));
	EXPECT_EQ(0, alloc.live);
}

TEST_F(pgt, init_allocates_an_empty_root)
{
	unsigned int i;

	EXPECT_TABLES(1);
	EXPECT_EQ(TABLE_PA_BASE, self->pgt.root_pa);
	EXPECT_EQ(self->alloc.tab[0].va, (void *)self->pgt.root);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, self->pgt.root[i]);
	EXPECT_EQ(-ENOENT, hyp_pgtable_lookup(&self->pgt, 0, NULL, NULL));
}

TEST_F(pgt, single_page_maps_and_looks_up)
{
	enum hyp_prot prot = HYP_PROT_DEVICE;
	u64 pa = 0;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x40001000, 0x12345000, PAGE,
				     HYP_PROT_RW));
	ASSERT_EQ(0, hyp_pgtable_lookup(&self->pgt, 0x40001abc, &pa, &prot));
	EXPECT_EQ(0x12345abcull, pa);
	EXPECT_EQ(HYP_PROT_RW, prot);
	EXPECT_EQ(0x12345000ull, lookup_pa(&self->pgt, 0x40001000));
	EXPECT_EQ(0x12345fffull, lookup_pa(&self->pgt, 0x40001fff));
	/* Neighbours share the tables but are not mapped. */
	EXPECT_EQ(-ENOENT, hyp_pgtable_lookup(&self->pgt, 0x40000fff, &pa, &prot));
	EXPECT_EQ(-ENOENT, hyp_pgtable_lookup(&self->pgt, 0x40002000, &pa, &prot));
	/* Root, one second-level and one third-level table. */
	EXPECT_TABLES(3);
}

TEST_F(pgt, table_descriptors_point_at_the_next_level)
{
	u64 l1, l2;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x80000000, 0x1000, PAGE,
				     HYP_PROT_RW));
	/*
	 * Type 0b11 and the address of a live table other than the root (all
	 * with bit 39 set); APTable, XNTable and NSTable 0.
	 */
	l1 = self->pgt.root[2];
	EXPECT_EQ(D_TYPE, l1 & ~D_ADDR);
	EXPECT_NE(NULL, find_table(&self->alloc, l1 & D_ADDR));
	EXPECT_NE(self->pgt.root_pa, l1 & D_ADDR);
	l2 = table_at(&self->alloc, l1)[0];
	EXPECT_EQ(D_TYPE, l2 & ~D_ADDR);
	EXPECT_NE(NULL, find_table(&self->alloc, l2 & D_ADDR));
	EXPECT_NE(l1 & D_ADDR, l2 & D_ADDR);
	EXPECT_EQ(0, self->pgt.root[0]);
	EXPECT_EQ(0, self->pgt.root[1]);
	EXPECT_EQ(0, self->pgt.root[3]);
}

TEST_F(pgt, each_prot_writes_its_descriptor_bits)
{
	static const struct {
		enum hyp_prot prot;
		u64 bits;
	} cases[] = {
		{ HYP_PROT_RX, D_ATTR_NORMAL | D_SH_INNER | D_AP2_RO },
		{ HYP_PROT_RO, D_ATTR_NORMAL | D_SH_INNER | D_AP2_RO | D_XN },
		{ HYP_PROT_RW, D_ATTR_NORMAL | D_SH_INNER | D_XN },
		{ HYP_PROT_DEVICE, D_ATTR_DEVICE | D_XN },
	};
	const u64 pa = 0xab12345000ull;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 va = 0x10000000 + i * PAGE;
		enum hyp_prot prot;

		ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, pa + i * PAGE, PAGE,
					     cases[i].prot));
		EXPECT_EQ((pa + i * PAGE) | D_TYPE | D_AP1 | D_AF | cases[i].bits,
			  raw_pte(&self->pgt, &self->alloc, va));
		ASSERT_EQ(0, hyp_pgtable_lookup(&self->pgt, va, NULL, &prot));
		EXPECT_EQ(cases[i].prot, prot);
	}
	/* The literal patterns, so a wrong constant above cannot hide a bug. */
	EXPECT_EQ(0xab123457c3ull, raw_pte(&self->pgt, &self->alloc, 0x10000000));
	EXPECT_EQ(0x004000ab12348447ull,
		  raw_pte(&self->pgt, &self->alloc, 0x10003000));
	EXPECT_TABLES(3);
}

TEST_F(pgt, range_crosses_a_2mib_boundary)
{
	const u32 va = SZ_2M - 2 * PAGE;
	const u64 pa = 0x7000000;
	unsigned int i;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, pa, 4 * PAGE,
				     HYP_PROT_RO));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(pa + i * PAGE, lookup_pa(&self->pgt, va + i * PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + 4 * PAGE));
	/* Root, one second-level and two third-level tables. */
	EXPECT_TABLES(4);
}

TEST_F(pgt, range_crosses_a_1gib_boundary)
{
	const u32 va = SZ_1G - 2 * PAGE;
	const u64 pa = 0x123456000;
	unsigned int i;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, pa, 4 * PAGE,
				     HYP_PROT_RW));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(pa + i * PAGE, lookup_pa(&self->pgt, va + i * PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + 4 * PAGE));
	/* Root, and a second- and third-level table each side. */
	EXPECT_TABLES(5);
}

TEST_F(pgt, range_spans_several_whole_tables)
{
	/* 5 MiB from 1 MiB: third-level tables for [0,2), [2,4), [4,6) MiB. */
	const u32 va = 0x100000, size = 0x500000;
	u32 off;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, 0x20000000, size,
				     HYP_PROT_RW));
	for (off = 0; off < size; off += PAGE)
		ASSERT_EQ(0x20000000ull + off, lookup_pa(&self->pgt, va + off));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + size));
	EXPECT_TABLES(5);
	EXPECT_EQ(size / PAGE, hyp_pgtable_unmap(&self->pgt, va, size));
	EXPECT_TABLES(1);
}

TEST_F(pgt, first_and_last_pages_of_the_address_space)
{
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0, 0x1000, PAGE, HYP_PROT_RX));
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, 0));
	/* va + size == 4 GiB exactly is the end of the space, not a wrap. */
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0xfffff000, 0x5000, PAGE,
				     HYP_PROT_RW));
	EXPECT_EQ(0x5fffull, lookup_pa(&self->pgt, 0xffffffff));
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0xffffc000, 0x2000, 3 * PAGE,
				     HYP_PROT_RW));
	EXPECT_EQ(0x4000ull, lookup_pa(&self->pgt, 0xffffe000));
	EXPECT_FALSE(mapped(&self->pgt, 0xffffb000));
	EXPECT_FALSE(mapped(&self->pgt, 0x1000));
	EXPECT_TABLES(5);
	EXPECT_EQ(4, hyp_pgtable_unmap(&self->pgt, 0xffffb000, 5 * PAGE));
	EXPECT_TABLES(3);
}

TEST_F(pgt, physical_addresses_have_40_bits)
{
	u64 pa;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x1000, 0xfffffff000ull, PAGE,
				     HYP_PROT_RW));
	ASSERT_EQ(0, hyp_pgtable_lookup(&self->pgt, 0x1123, &pa, NULL));
	EXPECT_EQ(0xfffffff123ull, pa);
	EXPECT_EQ(-EINVAL, hyp_pgtable_map(&self->pgt, 0x2000,
					   0x10000000000ull, PAGE, HYP_PROT_RW));
	/* Starts below 1 TiB but ends past it. */
	EXPECT_EQ(-EINVAL, hyp_pgtable_map(&self->pgt, 0x2000,
					   0xfffffff000ull, 2 * PAGE, HYP_PROT_RW));
	/* pa + size would wrap 64 bits. */
	EXPECT_EQ(-EINVAL, hyp_pgtable_map(&self->pgt, 0x2000,
					   0xfffffffffffff000ull, 2 * PAGE,
					   HYP_PROT_RW));
	EXPECT_FALSE(mapped(&self->pgt, 0x2000));
	EXPECT_TABLES(3);
}

TEST_F(pgt, invalid_arguments_change_nothing)
{
	static const struct {
		u32 va;
		u64 pa;
		u32 size;
		enum hyp_prot prot;
	} cases[] = {
		{ 0x1800, 0x1000, PAGE, HYP_PROT_RW },		/* va */
		{ 0x1000, 0x1800, PAGE, HYP_PROT_RW },		/* pa */
		{ 0x1000, 0x1000, 0x1800, HYP_PROT_RW },	/* size */
		{ 0x1000, 0x1000, 0, HYP_PROT_RW },		/* empty */
		{ 0xfffff000, 0x1000, 2 * PAGE, HYP_PROT_RW },	/* wraps */
		{ 0x2000, 0x1000, 0xfffff000, HYP_PROT_RW },	/* wraps */
		{ 0x1000, 0x10000000000ull, PAGE, HYP_PROT_RW },
		{ 0x1000, 0x1000, PAGE, HYP_PROT_DEVICE + 1 },
		{ 0x1000, 0x1000, PAGE, (enum hyp_prot)0x7fffffff },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-EINVAL, hyp_pgtable_map(&self->pgt, cases[i].va,
						   cases[i].pa, cases[i].size,
						   cases[i].prot))
			TH_LOG("case %u", i);
	}
	/* Refused before any table is allocated. */
	EXPECT_EQ(1, self->alloc.calls);
	EXPECT_TABLES(1);
	EXPECT_FALSE(mapped(&self->pgt, 0x1000));
	EXPECT_FALSE(mapped(&self->pgt, 0xfffff000));
	EXPECT_FALSE(mapped(&self->pgt, 0));
}

TEST_F(pgt, overlaps_are_refused_without_change)
{
	const u32 va = 0x00400000;	/* 4 pages at the start of a 2 MiB table */
	static const struct {
		u32 va;
		u32 size;
	} overlaps[] = {
		{ va, 4 * PAGE },		/* identical */
		{ va + PAGE, PAGE },		/* inside */
		{ va - PAGE, 2 * PAGE },	/* at the start, from below 2 MiB */
		{ va + 3 * PAGE, 3 * PAGE },	/* at the end */
		{ va - SZ_2M, SZ_2M + 8 * PAGE }, /* around */
	};
	unsigned int i, calls;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, 0x9000000, 4 * PAGE,
				     HYP_PROT_RW));
	calls = self->alloc.calls;
	for (i = 0; i < ARRAY_SIZE(overlaps); i++) {
		/* Even the very same attributes are refused. */
		EXPECT_EQ(-EEXIST, hyp_pgtable_map(&self->pgt, overlaps[i].va,
						   0x9000000, overlaps[i].size,
						   HYP_PROT_RW))
			TH_LOG("overlap %u", i);
	}
	/* Checked before allocating the tables the range below va needs. */
	EXPECT_EQ(calls, self->alloc.calls);
	EXPECT_TABLES(3);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0x9000000ull + i * PAGE,
			  lookup_pa(&self->pgt, va + i * PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + 4 * PAGE));
	EXPECT_EQ(0x9000000 | D_TYPE | D_AP1 | D_AF | D_SH_INNER | D_XN,
		  raw_pte(&self->pgt, &self->alloc, va));
}

TEST_F(pgt, adjacent_ranges_share_tables)
{
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x3000, 0x3000, PAGE,
				     HYP_PROT_RW));
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x1000, 0x1000, 2 * PAGE,
				     HYP_PROT_RX));
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x4000, 0x4000, PAGE,
				     HYP_PROT_DEVICE));
	EXPECT_EQ(0x2000ull, lookup_pa(&self->pgt, 0x2000));
	EXPECT_TABLES(3);
}

/*
 * Fails each allocation a map needs in turn, until it needs no more: every
 * failure must leave the tree exactly as before.
 */
static unsigned int map_under_pressure(struct __test_metadata *_metadata,
				       FIXTURE_DATA(pgt) *self, u32 va, u32 size,
				       unsigned int tables_before)
{
	unsigned int n, calls = self->alloc.calls;
	u32 off;
	int ret;

	for (n = 1; ; n++) {
		self->alloc.fail_at = calls + n;
		ret = hyp_pgtable_map(&self->pgt, va, 0x50000000, size,
				      HYP_PROT_RW);
		if (!ret)
			break;
		EXPECT_EQ(-ENOMEM, ret) TH_LOG("allocation %u failing", n);
		EXPECT_EQ(tables_before, self->pgt.nr_tables)
			TH_LOG("allocation %u failing", n);
		EXPECT_EQ(tables_before, self->alloc.live)
			TH_LOG("allocation %u failing", n);
		for (off = 0; off < size; off += PAGE)
			EXPECT_FALSE(mapped(&self->pgt, va + off))
				TH_LOG("allocation %u failing", n);
		calls = self->alloc.calls;
		if (n > 16)
			break;
	}
	self->alloc.fail_at = 0;
	for (off = 0; off < size; off += PAGE)
		EXPECT_EQ(0x50000000ull + off, lookup_pa(&self->pgt, va + off));
	return n - 1;
}

TEST_F(pgt, out_of_memory_at_each_level_leaves_nothing)
{
	/* Second- and third-level tables on both sides of 1 GiB. */
	EXPECT_EQ(4, map_under_pressure(_metadata, self, SZ_1G - PAGE,
					2 * PAGE, 1));
	EXPECT_TABLES(5);
}

TEST_F(pgt, out_of_memory_keeps_the_tables_already_in_use)
{
	/* Uses the tables below 1 GiB; the map below needs the ones above. */
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, SZ_1G - 2 * PAGE, 0x1000, PAGE,
				     HYP_PROT_RO));
	EXPECT_EQ(2, map_under_pressure(_metadata, self, SZ_1G - PAGE,
					2 * PAGE, 3));
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, SZ_1G - 2 * PAGE));
	EXPECT_TABLES(5);
}

TEST_F(pgt, unmap_frees_the_tables_it_empties)
{
	const u32 va = SZ_1G - 2 * SZ_2M;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, 0x100000000ull,
				     2 * SZ_2M + PAGE, HYP_PROT_RW));
	EXPECT_TABLES(6);
	EXPECT_EQ(2 * SZ_2M / PAGE + 1,
		  hyp_pgtable_unmap(&self->pgt, va, 2 * SZ_2M + PAGE));
	EXPECT_TABLES(1);
	EXPECT_EQ(0, self->pgt.root[0]);
	EXPECT_EQ(0, self->pgt.root[1]);
	EXPECT_FALSE(mapped(&self->pgt, va));
	EXPECT_FALSE(mapped(&self->pgt, SZ_1G));
	/* The range can be mapped again, by fresh tables. */
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, 0x2000, PAGE,
				     HYP_PROT_RW));
	EXPECT_EQ(0x2000ull, lookup_pa(&self->pgt, va));
	EXPECT_TABLES(3);
}

TEST_F(pgt, partial_unmap_keeps_tables_in_use)
{
	const u32 va = 0xc0000000;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, va, 0x1000, 4 * PAGE,
				     HYP_PROT_RW));
	EXPECT_EQ(2, hyp_pgtable_unmap(&self->pgt, va + PAGE, 2 * PAGE));
	EXPECT_TABLES(3);
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, va));
	EXPECT_FALSE(mapped(&self->pgt, va + PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + 2 * PAGE));
	EXPECT_EQ(0x4000ull, lookup_pa(&self->pgt, va + 3 * PAGE));
	EXPECT_EQ(2, hyp_pgtable_unmap(&self->pgt, va, 4 * PAGE));
	EXPECT_TABLES(1);
}

TEST_F(pgt, unmap_frees_a_third_level_table_but_keeps_its_parent)
{
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0, 0x1000, PAGE, HYP_PROT_RW));
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, SZ_2M, 0x2000, PAGE,
				     HYP_PROT_RW));
	EXPECT_TABLES(4);
	EXPECT_EQ(1, hyp_pgtable_unmap(&self->pgt, SZ_2M, PAGE));
	EXPECT_TABLES(3);
	EXPECT_EQ(0, table_at(&self->alloc, self->pgt.root[0])[1]);
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, 0));
}

TEST_F(pgt, unmap_of_unmapped_pages_does_nothing)
{
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0, 0xfffff000));
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x5000, 0x5000, PAGE,
				     HYP_PROT_RW));
	/* Around the page, inside its tables and in tables that don't exist. */
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0x4000, PAGE));
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0x6000, 0x10000));
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, SZ_1G, SZ_1G));
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0x5000, 0));
	EXPECT_TABLES(3);
	EXPECT_EQ(0x5000ull, lookup_pa(&self->pgt, 0x5000));
}

TEST_F(pgt, unmap_with_bad_arguments_does_nothing)
{
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x5000, 0x5000, PAGE,
				     HYP_PROT_RW));
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0x5800, PAGE));
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0x5000, 0x800));
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0x5000, 0xfffff800));
	/* A range past 4 GiB is refused, as map refuses it. */
	EXPECT_EQ(0, hyp_pgtable_unmap(&self->pgt, 0x5000, 0xfffff000));
	EXPECT_TABLES(3);
	EXPECT_EQ(0x5000ull, lookup_pa(&self->pgt, 0x5000));
}

TEST_F(pgt, lookup_of_unmapped_addresses_is_enoent)
{
	u64 pa = 0x1234;
	enum hyp_prot prot = HYP_PROT_RO;

	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x7000, 0x7000, PAGE,
				     HYP_PROT_RW));
	/* Missing page, missing third-level, missing second-level table. */
	EXPECT_EQ(-ENOENT, hyp_pgtable_lookup(&self->pgt, 0x8000, &pa, &prot));
	EXPECT_EQ(-ENOENT, hyp_pgtable_lookup(&self->pgt, SZ_2M, &pa, &prot));
	EXPECT_EQ(-ENOENT, hyp_pgtable_lookup(&self->pgt, 0xffffffff, &pa, &prot));
	/* The outputs are left alone. */
	EXPECT_EQ(0x1234ull, pa);
	EXPECT_EQ(HYP_PROT_RO, prot);
}

TEST_F(pgt, destroy_frees_every_table)
{
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0, 0x1000, PAGE, HYP_PROT_RX));
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0x7fe00000, 0x1000,
				     SZ_2M + PAGE, HYP_PROT_RW));
	ASSERT_EQ(0, hyp_pgtable_map(&self->pgt, 0xfffff000, 0x1000, PAGE,
				     HYP_PROT_DEVICE));
	EXPECT_TABLES(9);
	hyp_pgtable_destroy(&self->pgt);
	self->destroyed = true;
	EXPECT_EQ(0, self->alloc.live);
	EXPECT_EQ(0, self->alloc.bad_frees);
}

TEST_HARNESS_MAIN
