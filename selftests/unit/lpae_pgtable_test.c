// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: kmod/lpae_pgtable.c
/*
 * The LPAE translation tables of both regimes, Hyp's stage 1 and stage 2:
 * what the MMU will find in them, and that the builder never leaks, loses or
 * half-writes a table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpae_pgtable.h"
#include "kselftest_harness.h"

#define PAGE		0x1000u
#define SZ_2M		0x200000u
#define SZ_1G		0x40000000u
#define SZ_1T		0x10000000000ull	/* stage 2's input size */
#define PAGES_2M	(SZ_2M / PAGE)

/*
 * Fake physical addresses of tables: high in the 40-bit space (bit 39 set) so
 * a descriptor that drops address bits, or a builder that uses a table PA as
 * a pointer, fails loudly.
 */
#define TABLE_PA_BASE	0x8000000000ull
#define MAX_TABLES	64

/* Descriptor bits as the ARMv7 ARM (long-descriptor format) defines them. */
#define D_TYPE		0x3ull			/* [1:0] table (L1/L2) or page (L3) */
#define D_BLOCK		0x1ull			/* [1:0] block (L2) */
#define D_SH_INNER	(3ull << 8)
#define D_AF		(1ull << 10)
#define D_XN		(1ull << 54)
#define D_ADDR		0x000000fffffff000ull	/* [39:12] */
/* Hyp stage 1 */
#define D_ATTR_NORMAL	(0ull << 2)		/* AttrIndx [4:2] */
#define D_ATTR_DEVICE	(1ull << 2)
#define D_AP1		(1ull << 6)		/* should-be-one for Hyp */
#define D_AP2_RO	(1ull << 7)
/* Stage 2 */
#define D_S2_NORMAL	(0xfull << 2)		/* MemAttr [5:2]: Outer, Inner WB */
#define D_S2_DEVICE	(0x1ull << 2)		/* MemAttr: Device */
#define D_S2AP_RO	(1ull << 6)		/* S2AP [7:6] */
#define D_S2AP_RW	(3ull << 6)

struct test_table {
	void *va;
	u64 pa;
	unsigned int order;
	bool live;
};

struct test_alloc {
	struct test_table tab[MAX_TABLES];
	unsigned int nr;	/* slots used (every successful allocation) */
	unsigned int live;
	unsigned int live_pages;
	unsigned int calls;	/* alloc_table calls, failed ones included */
	unsigned int fail_at;	/* calls value whose call fails; 0: none */
	unsigned int order1;	/* order-1 tables handed out */
	unsigned int bad_orders;
	unsigned int bad_frees;
	u64 next_pa;		/* offset from TABLE_PA_BASE of the next table */
};

/*
 * Tables are aligned to their size in both spaces, as the kernel's buddy
 * allocator gives them: an order-1 table skips to the next 8 KiB boundary in
 * the fake PA space when the previous allocations left it at an odd page.
 */
static void *test_alloc_table(void *ctx, unsigned int order, u64 *pa)
{
	struct test_alloc *a = ctx;
	struct test_table *t;
	size_t size;

	if (++a->calls == a->fail_at || a->nr == MAX_TABLES)
		return NULL;
	if (order > 1) {
		a->bad_orders++;
		return NULL;
	}
	size = (size_t)PAGE << order;
	t = &a->tab[a->nr];
	t->va = aligned_alloc(size, size);
	if (!t->va)
		return NULL;
	memset(t->va, 0, size);
	a->next_pa = (a->next_pa + size - 1) & ~(u64)(size - 1);
	t->pa = TABLE_PA_BASE + a->next_pa;
	a->next_pa += size;
	t->order = order;
	t->live = true;
	a->nr++;
	a->live++;
	a->live_pages += 1u << order;
	if (order)
		a->order1++;
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

/* A table must come back whole: same pointer, same PA, same order. */
static void test_free_table(void *ctx, void *table, unsigned int order, u64 pa)
{
	struct test_alloc *a = ctx;
	struct test_table *t = find_table(a, pa);

	if (!t || t->va != table || t->order != order) {
		a->bad_frees++;
		return;
	}
	free(t->va);
	t->live = false;
	a->live--;
	a->live_pages -= 1u << order;
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

static const struct lpae_pgtable_ops test_ops = {
	.alloc_table = test_alloc_table,
	.free_table = test_free_table,
	.table_va = test_table_va,
};

/* One fixture per regime, alike but for the regime: pgt (Hyp) and s2. */
#define PGT_FIXTURE(name, regime)					\
FIXTURE(name) {								\
	struct test_alloc alloc;					\
	struct lpae_pgtable_ops ops;					\
	struct lpae_pgtable pgt;					\
	bool destroyed;							\
};									\
									\
FIXTURE_SETUP(name)							\
{									\
	memset(&self->alloc, 0, sizeof(self->alloc));			\
	self->ops = test_ops;						\
	self->ops.ctx = &self->alloc;					\
	self->destroyed = false;					\
	ASSERT_EQ(0, lpae_pgtable_init(&self->pgt, regime, &self->ops)); \
}									\
									\
FIXTURE_TEARDOWN(name)							\
{									\
	if (!self->destroyed)						\
		lpae_pgtable_destroy(&self->pgt);			\
	EXPECT_EQ(0, self->alloc.live);					\
	EXPECT_EQ(0, self->alloc.live_pages);				\
	EXPECT_EQ(0, self->alloc.bad_frees);				\
	EXPECT_EQ(0, self->alloc.bad_orders);				\
	/* Only a stage-2 root is ever order 1. */			\
	EXPECT_EQ(regime == LPAE_STAGE2, self->alloc.order1);		\
	free_all(&self->alloc);						\
}

PGT_FIXTURE(pgt, LPAE_HYP)
PGT_FIXTURE(s2, LPAE_STAGE2)

/* Every table page the builder holds is counted, and no other table is live. */
#define EXPECT_PAGES(n) do {						\
	EXPECT_EQ((n), self->pgt.nr_pages);				\
	EXPECT_EQ((n), self->alloc.live_pages);				\
} while (0)

static u64 *table_at(struct test_alloc *a, u64 desc)
{
	return test_table_va(a, desc & D_ADDR);
}

/* The raw level-2 descriptor of @va, read as the MMU's table walk would. */
static u64 raw_l2(struct lpae_pgtable *pgt, struct test_alloc *a, u64 va)
{
	u64 l1 = pgt->root[va >> 30];

	return table_at(a, l1)[(va >> 21) & 511];
}

/* The raw level-3 descriptor of @va. */
static u64 raw_pte(struct lpae_pgtable *pgt, struct test_alloc *a, u64 va)
{
	return table_at(a, raw_l2(pgt, a, va))[(va >> 12) & 511];
}

static bool mapped(struct lpae_pgtable *pgt, u64 va)
{
	return lpae_pgtable_lookup(pgt, va, NULL, NULL) == 0;
}

static u64 lookup_pa(struct lpae_pgtable *pgt, u64 va)
{
	u64 pa = ~0ull;

	lpae_pgtable_lookup(pgt, va, &pa, NULL);
	return pa;
}

/*
 * Fails each allocation a map needs in turn, until it needs no more: every
 * failure must leave the tree exactly as before. Returns how many
 * allocations the map needed.
 */
static unsigned int map_under_pressure(struct __test_metadata *_metadata,
				       struct lpae_pgtable *pgt,
				       struct test_alloc *a, u64 va, u64 pa,
				       u64 size, unsigned int flags)
{
	unsigned int n, calls = a->calls, pages_before = pgt->nr_pages;
	u64 off;
	int ret;

	for (n = 1; ; n++) {
		a->fail_at = calls + n;
		ret = lpae_pgtable_map(pgt, va, pa, size, LPAE_PROT_RW, flags);
		if (!ret)
			break;
		EXPECT_EQ(-ENOMEM, ret) TH_LOG("allocation %u failing", n);
		EXPECT_EQ(pages_before, pgt->nr_pages)
			TH_LOG("allocation %u failing", n);
		EXPECT_EQ(pages_before, a->live_pages)
			TH_LOG("allocation %u failing", n);
		for (off = 0; off < size; off += PAGE)
			EXPECT_FALSE(mapped(pgt, va + off))
				TH_LOG("allocation %u failing", n);
		calls = a->calls;
		if (n > 16)
			break;
	}
	a->fail_at = 0;
	for (off = 0; off < size; off += PAGE)
		EXPECT_EQ(pa + off, lookup_pa(pgt, va + off));
	return n - 1;
}

/* ---- Hyp stage 1 --------------------------------------------------------- */

TEST(init_fails_cleanly_without_memory)
{
	struct test_alloc alloc = { .fail_at = 1 };
	struct lpae_pgtable_ops ops = test_ops;
	struct lpae_pgtable pgt;

	ops.ctx = &alloc;
	EXPECT_EQ(-ENOMEM, lpae_pgtable_init(&pgt, LPAE_HYP, &ops));
	EXPECT_EQ(NULL, pgt.root);
	EXPECT_EQ(0, alloc.live);
}

TEST(init_refuses_an_unknown_regime)
{
	struct test_alloc alloc = { 0 };
	struct lpae_pgtable_ops ops = test_ops;
	struct lpae_pgtable pgt;

	ops.ctx = &alloc;
	EXPECT_EQ(-EINVAL, lpae_pgtable_init(&pgt, LPAE_STAGE2 + 1, &ops));
	EXPECT_EQ(NULL, pgt.root);
	EXPECT_EQ(0, alloc.calls);
	/* Harmless after a failed init, as after a successful one. */
	lpae_pgtable_destroy(&pgt);
	EXPECT_EQ(0, alloc.bad_frees);
}

TEST_F(pgt, init_allocates_an_empty_root)
{
	unsigned int i;

	EXPECT_PAGES(1);
	EXPECT_EQ(0, self->alloc.tab[0].order);
	EXPECT_EQ(TABLE_PA_BASE, self->pgt.root_pa);
	EXPECT_EQ(self->alloc.tab[0].va, (void *)self->pgt.root);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, self->pgt.root[i]);
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, 0, NULL, NULL));
}

TEST_F(pgt, single_page_maps_and_looks_up)
{
	enum lpae_prot prot = LPAE_PROT_DEVICE;
	u64 pa = 0;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x40001000, 0x12345000, PAGE,
				      LPAE_PROT_RW, 0));
	ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, 0x40001abc, &pa, &prot));
	EXPECT_EQ(0x12345abcull, pa);
	EXPECT_EQ(LPAE_PROT_RW, prot);
	EXPECT_EQ(0x12345000ull, lookup_pa(&self->pgt, 0x40001000));
	EXPECT_EQ(0x12345fffull, lookup_pa(&self->pgt, 0x40001fff));
	/* Neighbours share the tables but are not mapped. */
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, 0x40000fff, &pa, &prot));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, 0x40002000, &pa, &prot));
	/* Root, one second-level and one third-level table. */
	EXPECT_PAGES(3);
}

TEST_F(pgt, table_descriptors_point_at_the_next_level)
{
	u64 l1, l2;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x80000000, 0x1000, PAGE,
				      LPAE_PROT_RW, 0));
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
		enum lpae_prot prot;
		u64 bits;
	} cases[] = {
		{ LPAE_PROT_RX, D_ATTR_NORMAL | D_SH_INNER | D_AP2_RO },
		{ LPAE_PROT_RO, D_ATTR_NORMAL | D_SH_INNER | D_AP2_RO | D_XN },
		{ LPAE_PROT_RW, D_ATTR_NORMAL | D_SH_INNER | D_XN },
		{ LPAE_PROT_DEVICE, D_ATTR_DEVICE | D_XN },
	};
	const u64 pa = 0xab12345000ull;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 va = 0x10000000 + i * PAGE;
		enum lpae_prot prot;

		ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa + i * PAGE, PAGE,
					      cases[i].prot, 0));
		EXPECT_EQ((pa + i * PAGE) | D_TYPE | D_AP1 | D_AF | cases[i].bits,
			  raw_pte(&self->pgt, &self->alloc, va));
		ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, va, NULL, &prot));
		EXPECT_EQ(cases[i].prot, prot);
	}
	/* The literal patterns, so a wrong constant above cannot hide a bug. */
	EXPECT_EQ(0xab123457c3ull, raw_pte(&self->pgt, &self->alloc, 0x10000000));
	EXPECT_EQ(0x004000ab12348447ull,
		  raw_pte(&self->pgt, &self->alloc, 0x10003000));
	EXPECT_PAGES(3);
}

TEST_F(pgt, range_crosses_a_2mib_boundary)
{
	const u32 va = SZ_2M - 2 * PAGE;
	const u64 pa = 0x7000000;
	unsigned int i;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa, 4 * PAGE,
				      LPAE_PROT_RO, 0));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(pa + i * PAGE, lookup_pa(&self->pgt, va + i * PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + 4 * PAGE));
	/* Root, one second-level and two third-level tables. */
	EXPECT_PAGES(4);
}

TEST_F(pgt, range_crosses_a_1gib_boundary)
{
	const u32 va = SZ_1G - 2 * PAGE;
	const u64 pa = 0x123456000;
	unsigned int i;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa, 4 * PAGE,
				      LPAE_PROT_RW, 0));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(pa + i * PAGE, lookup_pa(&self->pgt, va + i * PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + 4 * PAGE));
	/* Root, and a second- and third-level table each side. */
	EXPECT_PAGES(5);
}

TEST_F(pgt, range_spans_several_whole_tables)
{
	/* 5 MiB from 1 MiB: third-level tables for [0,2), [2,4), [4,6) MiB. */
	const u32 va = 0x100000, size = 0x500000;
	u32 off;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, 0x20000000, size,
				      LPAE_PROT_RW, 0));
	for (off = 0; off < size; off += PAGE)
		ASSERT_EQ(0x20000000ull + off, lookup_pa(&self->pgt, va + off));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + size));
	EXPECT_PAGES(5);
	EXPECT_EQ(size / PAGE, lpae_pgtable_unmap(&self->pgt, va, size));
	EXPECT_PAGES(1);
}

TEST_F(pgt, first_and_last_pages_of_the_address_space)
{
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0, 0x1000, PAGE, LPAE_PROT_RX, 0));
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, 0));
	/* va + size == 4 GiB exactly is the end of the space, not a wrap. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0xfffff000, 0x5000, PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(0x5fffull, lookup_pa(&self->pgt, 0xffffffff));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0xffffc000, 0x2000, 3 * PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(0x4000ull, lookup_pa(&self->pgt, 0xffffe000));
	EXPECT_FALSE(mapped(&self->pgt, 0xffffb000));
	EXPECT_FALSE(mapped(&self->pgt, 0x1000));
	EXPECT_PAGES(5);
	EXPECT_EQ(4, lpae_pgtable_unmap(&self->pgt, 0xffffb000, 5 * PAGE));
	EXPECT_PAGES(3);
}

TEST_F(pgt, physical_addresses_have_40_bits)
{
	u64 pa;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x1000, 0xfffffff000ull, PAGE,
				      LPAE_PROT_RW, 0));
	ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, 0x1123, &pa, NULL));
	EXPECT_EQ(0xfffffff123ull, pa);
	EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, 0x2000,
					    0x10000000000ull, PAGE, LPAE_PROT_RW, 0));
	/* Starts below 1 TiB but ends past it. */
	EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, 0x2000,
					    0xfffffff000ull, 2 * PAGE, LPAE_PROT_RW, 0));
	/* pa + size would wrap 64 bits. */
	EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, 0x2000,
					    0xfffffffffffff000ull, 2 * PAGE,
					    LPAE_PROT_RW, 0));
	EXPECT_FALSE(mapped(&self->pgt, 0x2000));
	EXPECT_PAGES(3);
}

TEST_F(pgt, invalid_arguments_change_nothing)
{
	static const struct {
		u64 va;
		u64 pa;
		u64 size;
		enum lpae_prot prot;
		unsigned int flags;
	} cases[] = {
		{ 0x1800, 0x1000, PAGE, LPAE_PROT_RW, 0 },		/* va */
		{ 0x1000, 0x1800, PAGE, LPAE_PROT_RW, 0 },		/* pa */
		{ 0x1000, 0x1000, 0x1800, LPAE_PROT_RW, 0 },		/* size */
		{ 0x1000, 0x1000, 0, LPAE_PROT_RW, 0 },			/* empty */
		{ 0xfffff000, 0x1000, 2 * PAGE, LPAE_PROT_RW, 0 },	/* past */
		{ 0x2000, 0x1000, 0xfffff000, LPAE_PROT_RW, 0 },	/* past */
		{ 0x100000000ull, 0x1000, PAGE, LPAE_PROT_RW, 0 },	/* past */
		{ 0x2000, 0x1000, ~0xfffull, LPAE_PROT_RW, 0 },		/* wraps */
		{ 0x1000, 0x10000000000ull, PAGE, LPAE_PROT_RW, 0 },
		{ 0x1000, 0x1000, PAGE, LPAE_PROT_RW, 2 },		/* flags */
		{ 0x1000, 0x1000, PAGE, LPAE_PROT_RW, ~LPAE_MAP_BLOCKS },
		{ 0x1000, 0x1000, PAGE, LPAE_PROT_DEVICE + 1, 0 },
		{ 0x1000, 0x1000, PAGE, (enum lpae_prot)0x7fffffff, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, cases[i].va,
						    cases[i].pa, cases[i].size,
						    cases[i].prot, cases[i].flags))
			TH_LOG("case %u", i);
	}
	/* Refused before any table is allocated. */
	EXPECT_EQ(1, self->alloc.calls);
	EXPECT_PAGES(1);
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

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, 0x9000000, 4 * PAGE,
				      LPAE_PROT_RW, 0));
	calls = self->alloc.calls;
	for (i = 0; i < ARRAY_SIZE(overlaps); i++) {
		/* Even the very same attributes are refused. */
		EXPECT_EQ(-EEXIST, lpae_pgtable_map(&self->pgt, overlaps[i].va,
						    0x9000000, overlaps[i].size,
						    LPAE_PROT_RW, 0))
			TH_LOG("overlap %u", i);
	}
	/* Checked before allocating the tables the range below va needs. */
	EXPECT_EQ(calls, self->alloc.calls);
	EXPECT_PAGES(3);
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
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x3000, 0x3000, PAGE,
				      LPAE_PROT_RW, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x1000, 0x1000, 2 * PAGE,
				      LPAE_PROT_RX, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x4000, 0x4000, PAGE,
				      LPAE_PROT_DEVICE, 0));
	EXPECT_EQ(0x2000ull, lookup_pa(&self->pgt, 0x2000));
	EXPECT_PAGES(3);
}

TEST_F(pgt, out_of_memory_at_each_level_leaves_nothing)
{
	/* Second- and third-level tables on both sides of 1 GiB. */
	EXPECT_EQ(4, map_under_pressure(_metadata, &self->pgt, &self->alloc,
					SZ_1G - PAGE, 0x50000000, 2 * PAGE, 0));
	EXPECT_PAGES(5);
}

TEST_F(pgt, out_of_memory_keeps_the_tables_already_in_use)
{
	/* Uses the tables below 1 GiB; the map below needs the ones above. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, SZ_1G - 2 * PAGE, 0x1000, PAGE,
				      LPAE_PROT_RO, 0));
	EXPECT_EQ(2, map_under_pressure(_metadata, &self->pgt, &self->alloc,
					SZ_1G - PAGE, 0x50000000, 2 * PAGE, 0));
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, SZ_1G - 2 * PAGE));
	EXPECT_PAGES(5);
}

TEST_F(pgt, unmap_frees_the_tables_it_empties)
{
	const u32 va = SZ_1G - 2 * SZ_2M;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, 0x100000000ull,
				      2 * SZ_2M + PAGE, LPAE_PROT_RW, 0));
	EXPECT_PAGES(6);
	EXPECT_EQ(2 * SZ_2M / PAGE + 1,
		  lpae_pgtable_unmap(&self->pgt, va, 2 * SZ_2M + PAGE));
	EXPECT_PAGES(1);
	EXPECT_EQ(0, self->pgt.root[0]);
	EXPECT_EQ(0, self->pgt.root[1]);
	EXPECT_FALSE(mapped(&self->pgt, va));
	EXPECT_FALSE(mapped(&self->pgt, SZ_1G));
	/* The range can be mapped again, by fresh tables. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, 0x2000, PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(0x2000ull, lookup_pa(&self->pgt, va));
	EXPECT_PAGES(3);
}

TEST_F(pgt, partial_unmap_keeps_tables_in_use)
{
	const u32 va = 0xc0000000;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, 0x1000, 4 * PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(2, lpae_pgtable_unmap(&self->pgt, va + PAGE, 2 * PAGE));
	EXPECT_PAGES(3);
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, va));
	EXPECT_FALSE(mapped(&self->pgt, va + PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + 2 * PAGE));
	EXPECT_EQ(0x4000ull, lookup_pa(&self->pgt, va + 3 * PAGE));
	EXPECT_EQ(2, lpae_pgtable_unmap(&self->pgt, va, 4 * PAGE));
	EXPECT_PAGES(1);
}

TEST_F(pgt, unmap_frees_a_third_level_table_but_keeps_its_parent)
{
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0, 0x1000, PAGE, LPAE_PROT_RW, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, SZ_2M, 0x2000, PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_PAGES(4);
	EXPECT_EQ(1, lpae_pgtable_unmap(&self->pgt, SZ_2M, PAGE));
	EXPECT_PAGES(3);
	EXPECT_EQ(0, table_at(&self->alloc, self->pgt.root[0])[1]);
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, 0));
}

TEST_F(pgt, unmap_of_unmapped_pages_does_nothing)
{
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0, 0xfffff000));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x5000, 0x5000, PAGE,
				      LPAE_PROT_RW, 0));
	/* Around the page, inside its tables and in tables that don't exist. */
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x4000, PAGE));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x6000, 0x10000));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, SZ_1G, SZ_1G));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x5000, 0));
	EXPECT_PAGES(3);
	EXPECT_EQ(0x5000ull, lookup_pa(&self->pgt, 0x5000));
}

TEST_F(pgt, unmap_with_bad_arguments_does_nothing)
{
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x5000, 0x5000, PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x5800, PAGE));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x5000, 0x800));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x5000, 0xfffff800));
	/* A range past 4 GiB is refused, as map refuses it. */
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x5000, 0xfffff000));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x100000000ull, PAGE));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x1000, ~0xfffull));
	EXPECT_PAGES(3);
	EXPECT_EQ(0x5000ull, lookup_pa(&self->pgt, 0x5000));
}

TEST_F(pgt, lookup_of_unmapped_addresses_is_enoent)
{
	u64 pa = 0x1234;
	enum lpae_prot prot = LPAE_PROT_RO;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x7000, 0x7000, PAGE,
				      LPAE_PROT_RW, 0));
	/* Missing page, missing third-level, missing second-level table. */
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, 0x8000, &pa, &prot));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, SZ_2M, &pa, &prot));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, 0xffffffff, &pa, &prot));
	/* Beyond 4 GiB, which would index past the root's 4 entries. */
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, 0x100007000ull, &pa,
					       &prot));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, ~0ull, &pa, &prot));
	/* The outputs are left alone. */
	EXPECT_EQ(0x1234ull, pa);
	EXPECT_EQ(LPAE_PROT_RO, prot);
}

/* kvm32's Hyp maps pages only, but blocks work as for stage 2. */
TEST_F(pgt, blocks_take_stage_1_attributes)
{
	const u64 va = 0xc0200000, pa = 0x8000200000ull;
	enum lpae_prot prot;
	u64 got;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa, 2 * SZ_2M,
				      LPAE_PROT_RX, LPAE_MAP_BLOCKS));
	EXPECT_EQ(pa | D_BLOCK | D_AP1 | D_AF | D_SH_INNER | D_AP2_RO,
		  raw_l2(&self->pgt, &self->alloc, va));
	EXPECT_EQ(0x80002007c1ull, raw_l2(&self->pgt, &self->alloc, va));
	ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, va + SZ_2M + 0x345, &got,
					 &prot));
	EXPECT_EQ(0x8000400345ull, got);
	EXPECT_EQ(LPAE_PROT_RX, prot);
	EXPECT_PAGES(2);
	EXPECT_EQ(-EEXIST, lpae_pgtable_map(&self->pgt, va + PAGE, 0x1000, PAGE,
					    LPAE_PROT_RW, 0));
	EXPECT_EQ(PAGES_2M, lpae_pgtable_unmap(&self->pgt, va + SZ_2M, PAGE));
	EXPECT_EQ(PAGES_2M, lpae_pgtable_unmap(&self->pgt, va, PAGE));
	EXPECT_PAGES(1);
}

TEST_F(pgt, destroy_frees_every_table)
{
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0, 0x1000, PAGE, LPAE_PROT_RX, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x7fe00000, 0x1000,
				      SZ_2M + PAGE, LPAE_PROT_RW, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0xfffff000, 0x1000, PAGE,
				      LPAE_PROT_DEVICE, 0));
	EXPECT_PAGES(9);
	lpae_pgtable_destroy(&self->pgt);
	self->destroyed = true;
	EXPECT_EQ(0, self->alloc.live);
	EXPECT_EQ(0, self->alloc.bad_frees);
}


/* ---- Stage 2 ------------------------------------------------------------- */

/* The exact leaf attributes of each stage-2 prot, type bits excluded. */
#define S2_RW		(D_S2_NORMAL | D_S2AP_RW | D_SH_INNER | D_AF)
#define S2_RO		(D_S2_NORMAL | D_S2AP_RO | D_SH_INNER | D_AF)
#define S2_DEV		(D_S2_DEVICE | D_S2AP_RW | D_AF | D_XN)

TEST(s2_init_fails_cleanly_without_memory)
{
	struct test_alloc alloc = { .fail_at = 1 };
	struct lpae_pgtable_ops ops = test_ops;
	struct lpae_pgtable pgt;

	ops.ctx = &alloc;
	EXPECT_EQ(-ENOMEM, lpae_pgtable_init(&pgt, LPAE_STAGE2, &ops));
	EXPECT_EQ(NULL, pgt.root);
	EXPECT_EQ(0, pgt.nr_pages);
	EXPECT_EQ(0, alloc.live);
	lpae_pgtable_destroy(&pgt);
	EXPECT_EQ(0, alloc.bad_frees);
}

TEST_F(s2, init_allocates_an_empty_order_1_root)
{
	unsigned int i;

	EXPECT_PAGES(2);
	EXPECT_EQ(1, self->alloc.nr);
	EXPECT_EQ(1, self->alloc.tab[0].order);
	EXPECT_EQ(TABLE_PA_BASE, self->pgt.root_pa);
	EXPECT_EQ(self->alloc.tab[0].va, (void *)self->pgt.root);
	for (i = 0; i < 1024; i++)
		EXPECT_EQ(0, self->pgt.root[i]);
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, 0, NULL, NULL));
}

/* Only here does the PA allocator meet an odd page before an order-1 table. */
TEST(s2_root_is_aligned_to_8kib)
{
	struct test_alloc alloc = { 0 };
	struct lpae_pgtable_ops ops = test_ops;
	struct lpae_pgtable hyp, s2;

	ops.ctx = &alloc;
	ASSERT_EQ(0, lpae_pgtable_init(&hyp, LPAE_HYP, &ops));
	ASSERT_EQ(0, lpae_pgtable_init(&s2, LPAE_STAGE2, &ops));
	EXPECT_EQ(TABLE_PA_BASE, hyp.root_pa);
	EXPECT_EQ(TABLE_PA_BASE + 2 * PAGE, s2.root_pa);
	EXPECT_EQ(0, s2.root_pa % (2 * PAGE));
	EXPECT_EQ(0, (uintptr_t)s2.root % (2 * PAGE));
	/* Both pages of the root are in use, each freed with its own order. */
	ASSERT_EQ(0, lpae_pgtable_map(&s2, SZ_1T - PAGE, 0x1000, PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(5, alloc.live_pages);
	lpae_pgtable_destroy(&hyp);
	lpae_pgtable_destroy(&s2);
	EXPECT_EQ(0, alloc.live);
	EXPECT_EQ(0, alloc.live_pages);
	EXPECT_EQ(0, alloc.bad_frees);
	free_all(&alloc);
}

TEST_F(s2, ipas_have_40_bits)
{
	const u64 last = SZ_1T - PAGE;
	enum lpae_prot prot;
	u64 pa;
	unsigned int i;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, last, 0x1000, PAGE,
				      LPAE_PROT_RW, 0));
	ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, last + 0x123, &pa, &prot));
	EXPECT_EQ(0x1123ull, pa);
	EXPECT_EQ(LPAE_PROT_RW, prot);
	EXPECT_EQ(0x1fffull, lookup_pa(&self->pgt, SZ_1T - 1));
	/* The last entry of the root, in its second page; no other is used. */
	EXPECT_EQ(D_TYPE, self->pgt.root[1023] & ~D_ADDR);
	for (i = 0; i < 1023; i++)
		EXPECT_EQ(0, self->pgt.root[i]) TH_LOG("root[%u]", i);
	EXPECT_EQ(0x1000 | D_TYPE | S2_RW, raw_pte(&self->pgt, &self->alloc, last));
	/* Above 4 GiB and half-way: entries 4 and 512, which Hyp lacks. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0x100000000ull, 0x2000, PAGE,
				      LPAE_PROT_RO, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, SZ_1T / 2, 0x3000, PAGE,
				      LPAE_PROT_RO, 0));
	EXPECT_NE(0, self->pgt.root[4]);
	EXPECT_NE(0, self->pgt.root[512]);
	EXPECT_EQ(0x2000ull, lookup_pa(&self->pgt, 0x100000000ull));
	EXPECT_EQ(0x3000ull, lookup_pa(&self->pgt, SZ_1T / 2));
	EXPECT_FALSE(mapped(&self->pgt, 0));
	EXPECT_PAGES(2 + 3 * 2);

	/* 2^40 is the end: a range may reach it, not pass it. */
	EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, SZ_1T, 0x4000, PAGE,
					    LPAE_PROT_RW, 0));
	EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, last - PAGE, 0x4000,
					    3 * PAGE, LPAE_PROT_RW, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, last - PAGE, 0x4000, PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, SZ_1T, &pa, NULL));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, ~0ull, &pa, NULL));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, SZ_1T + last, &pa,
					       NULL));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, SZ_1T, PAGE));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, last, 2 * PAGE));
	EXPECT_EQ(2, lpae_pgtable_unmap(&self->pgt, last - PAGE, 2 * PAGE));
	EXPECT_EQ(0, self->pgt.root[1023]);
	EXPECT_PAGES(2 + 2 * 2);
}

TEST_F(s2, each_prot_writes_its_descriptor_bits)
{
	static const struct {
		enum lpae_prot prot;
		u64 bits;
	} cases[] = {
		{ LPAE_PROT_RW, S2_RW },
		{ LPAE_PROT_RO, S2_RO },
		{ LPAE_PROT_DEVICE, S2_DEV },
	};
	const u64 pa = 0xab12345000ull;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 va = 0x80000000 + i * PAGE;
		enum lpae_prot prot;

		ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa + i * PAGE, PAGE,
					      cases[i].prot, 0));
		EXPECT_EQ((pa + i * PAGE) | D_TYPE | cases[i].bits,
			  raw_pte(&self->pgt, &self->alloc, va));
		ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, va, NULL, &prot));
		EXPECT_EQ(cases[i].prot, prot);
	}
	/* The literal patterns, so a wrong constant above cannot hide a bug. */
	EXPECT_EQ(0xab123457ffull, raw_pte(&self->pgt, &self->alloc, 0x80000000));
	EXPECT_EQ(0xab1234677full, raw_pte(&self->pgt, &self->alloc, 0x80001000));
	EXPECT_EQ(0x004000ab123474c7ull,
		  raw_pte(&self->pgt, &self->alloc, 0x80002000));
	/* Table descriptors are as for Hyp: type 0b11, no attributes. */
	EXPECT_EQ(D_TYPE, self->pgt.root[2] & ~D_ADDR);
	EXPECT_EQ(D_TYPE, table_at(&self->alloc, self->pgt.root[2])[0] & ~D_ADDR);
	EXPECT_PAGES(4);
}

TEST_F(s2, read_only_executable_is_refused)
{
	EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, 0x1000, 0x1000, PAGE,
					    LPAE_PROT_RX, 0));
	EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, 0, 0, SZ_2M,
					    LPAE_PROT_RX, LPAE_MAP_BLOCKS));
	EXPECT_EQ(1, self->alloc.calls);
	EXPECT_FALSE(mapped(&self->pgt, 0x1000));
	EXPECT_PAGES(2);
}

TEST_F(s2, invalid_arguments_change_nothing)
{
	static const struct {
		u64 va;
		u64 pa;
		u64 size;
		enum lpae_prot prot;
		unsigned int flags;
	} cases[] = {
		{ 0x1800, 0x1000, PAGE, LPAE_PROT_RW, 0 },		/* va */
		{ 0x1000, 0x1800, PAGE, LPAE_PROT_RW, 0 },		/* pa */
		{ 0x1000, 0x1000, 0x1800, LPAE_PROT_RW, 0 },		/* size */
		{ 0x1000, 0x1000, 0, LPAE_PROT_RW, LPAE_MAP_BLOCKS },	/* empty */
		{ SZ_1T, 0x1000, PAGE, LPAE_PROT_RW, 0 },		/* va past */
		{ SZ_1T - SZ_2M, 0, 2 * SZ_2M, LPAE_PROT_RW, LPAE_MAP_BLOCKS },
		{ 0x2000, 0x1000, ~0xfffull, LPAE_PROT_RW, 0 },		/* wraps */
		{ ~0xfffull, 0x1000, 2 * PAGE, LPAE_PROT_RW, 0 },	/* wraps */
		{ 0x1000, SZ_1T, PAGE, LPAE_PROT_RW, 0 },		/* pa past */
		{ 0x1000, 0x1000, PAGE, LPAE_PROT_RW, 2 },		/* flags */
		{ 0x1000, 0x1000, PAGE, LPAE_PROT_RW, ~0u },
		{ 0x1000, 0x1000, PAGE, LPAE_PROT_DEVICE + 1, 0 },
		{ 0x1000, 0x1000, PAGE, (enum lpae_prot)0x7fffffff, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-EINVAL, lpae_pgtable_map(&self->pgt, cases[i].va,
						    cases[i].pa, cases[i].size,
						    cases[i].prot, cases[i].flags))
			TH_LOG("case %u", i);
	}
	EXPECT_EQ(1, self->alloc.calls);
	EXPECT_PAGES(2);
	EXPECT_FALSE(mapped(&self->pgt, 0x1000));
	EXPECT_FALSE(mapped(&self->pgt, SZ_1T - SZ_2M));
}

TEST_F(s2, an_aligned_2mib_range_is_one_block)
{
	const u64 va = SZ_1G + 2 * SZ_2M, pa = 0x123400000ull;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa, SZ_2M, LPAE_PROT_RW,
				      LPAE_MAP_BLOCKS));
	/* Root and one second-level table: no third-level table. */
	EXPECT_PAGES(3);
	EXPECT_EQ(2, self->alloc.calls);
	EXPECT_EQ(pa | D_BLOCK | S2_RW, raw_l2(&self->pgt, &self->alloc, va));
	EXPECT_EQ(0x1234007fdull, raw_l2(&self->pgt, &self->alloc, va));
	EXPECT_EQ(0, raw_l2(&self->pgt, &self->alloc, va - SZ_2M));
	EXPECT_EQ(0, raw_l2(&self->pgt, &self->alloc, va + SZ_2M));
	EXPECT_EQ(pa, lookup_pa(&self->pgt, va));
	EXPECT_FALSE(mapped(&self->pgt, va - 1));
	EXPECT_FALSE(mapped(&self->pgt, va + SZ_2M));
}

TEST_F(s2, blocks_carry_the_attributes_of_pages)
{
	static const struct {
		enum lpae_prot prot;
		u64 bits;
	} cases[] = {
		{ LPAE_PROT_RW, S2_RW },
		{ LPAE_PROT_RO, S2_RO },
		{ LPAE_PROT_DEVICE, S2_DEV },
	};
	const u64 pa = 0xab12400000ull;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 va = i * SZ_2M;
		enum lpae_prot prot;

		ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa + va, SZ_2M,
					      cases[i].prot, LPAE_MAP_BLOCKS));
		EXPECT_EQ((pa + va) | D_BLOCK | cases[i].bits,
			  raw_l2(&self->pgt, &self->alloc, va));
		ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, va + 0x1234, NULL,
						 &prot));
		EXPECT_EQ(cases[i].prot, prot);
	}
	EXPECT_EQ(0x004000ab128004c5ull, raw_l2(&self->pgt, &self->alloc, 2 * SZ_2M));
	EXPECT_PAGES(3);
}

TEST_F(s2, lookup_inside_a_block_gives_the_exact_address)
{
	const u64 va = 0x7fe00000, pa = 0xfe00000000ull;
	enum lpae_prot prot = LPAE_PROT_RW;
	u64 off, got;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa, SZ_2M, LPAE_PROT_RO,
				      LPAE_MAP_BLOCKS));
	for (off = 0; off < SZ_2M; off += PAGE + 0x11) {
		got = 0;
		ASSERT_EQ(0, lpae_pgtable_lookup(&self->pgt, va + off, &got, &prot));
		EXPECT_EQ(pa + off, got);
		EXPECT_EQ(LPAE_PROT_RO, prot);
	}
	EXPECT_EQ(pa + SZ_2M - 1, lookup_pa(&self->pgt, va + SZ_2M - 1));
	EXPECT_EQ(-ENOENT, lpae_pgtable_lookup(&self->pgt, va + SZ_2M, &got, NULL));
}

TEST_F(s2, misaligned_physical_address_falls_back_to_pages)
{
	const u64 va = 0x600000, pa = 0x10201000;
	u64 off;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa, SZ_2M, LPAE_PROT_RW,
				      LPAE_MAP_BLOCKS));
	EXPECT_EQ(D_TYPE, raw_l2(&self->pgt, &self->alloc, va) & ~D_ADDR);
	for (off = 0; off < SZ_2M; off += PAGE)
		ASSERT_EQ((pa + off) | D_TYPE | S2_RW,
			  raw_pte(&self->pgt, &self->alloc, va + off));
	EXPECT_PAGES(4);
	/* A misaligned input address with an aligned physical one: pages too. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, SZ_1G + PAGE, 0x20000000,
				      SZ_2M, LPAE_PROT_RW, LPAE_MAP_BLOCKS));
	EXPECT_EQ(D_TYPE, raw_l2(&self->pgt, &self->alloc, SZ_1G) & ~D_ADDR);
	EXPECT_EQ(D_TYPE, raw_l2(&self->pgt, &self->alloc, SZ_1G + SZ_2M) & ~D_ADDR);
	EXPECT_EQ(0x201ff000ull, lookup_pa(&self->pgt, SZ_1G + SZ_2M));
	EXPECT_PAGES(7);
}

TEST_F(s2, pages_then_blocks_then_pages)
{
	/* 6 MiB across 1 GiB, 1 MiB in: pages, two blocks, pages. */
	const u64 va = SZ_1G - 3 * SZ_2M / 2, size = 3 * SZ_2M;
	const u64 pa = va + 0x100000000ull;
	u64 off;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va, pa, size, LPAE_PROT_RW,
				      LPAE_MAP_BLOCKS));
	EXPECT_EQ(D_TYPE, raw_l2(&self->pgt, &self->alloc, va) & ~D_ADDR);
	EXPECT_EQ((pa + SZ_2M / 2) | D_BLOCK | S2_RW,
		  raw_l2(&self->pgt, &self->alloc, SZ_1G - SZ_2M));
	EXPECT_EQ((pa + 3 * SZ_2M / 2) | D_BLOCK | S2_RW,
		  raw_l2(&self->pgt, &self->alloc, SZ_1G));
	EXPECT_EQ(D_TYPE, raw_l2(&self->pgt, &self->alloc, SZ_1G + SZ_2M) & ~D_ADDR);
	EXPECT_EQ(pa | D_TYPE | S2_RW, raw_pte(&self->pgt, &self->alloc, va));
	EXPECT_EQ((pa + size - PAGE) | D_TYPE | S2_RW,
		  raw_pte(&self->pgt, &self->alloc, va + size - PAGE));
	for (off = 0; off < size; off += PAGE)
		ASSERT_EQ(pa + off, lookup_pa(&self->pgt, va + off));
	EXPECT_FALSE(mapped(&self->pgt, va - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va + size));
	/* Root, a second-level table each side of 1 GiB, two third-level. */
	EXPECT_PAGES(6);
	EXPECT_EQ(size / PAGE, lpae_pgtable_unmap(&self->pgt, va, size));
	EXPECT_PAGES(2);
}

TEST_F(s2, no_blocks_without_the_flag)
{
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, SZ_2M, SZ_2M, SZ_2M,
				      LPAE_PROT_RW, 0));
	EXPECT_EQ(D_TYPE, raw_l2(&self->pgt, &self->alloc, SZ_2M) & ~D_ADDR);
	EXPECT_EQ((2 * SZ_2M - PAGE) | D_TYPE | S2_RW,
		  raw_pte(&self->pgt, &self->alloc, 2 * SZ_2M - PAGE));
	EXPECT_PAGES(4);
}

TEST_F(s2, pages_and_ranges_overlapping_a_block_are_refused)
{
	const u64 b = SZ_1G + SZ_2M, pa = 0x80200000;
	static const struct {
		u64 off;
		u64 size;
		unsigned int flags;
	} overlaps[] = {
		{ 0x5000, PAGE, 0 },				/* inside */
		{ 0, SZ_2M, LPAE_MAP_BLOCKS },			/* identical */
		{ 0, SZ_2M, 0 },				/* as pages */
		{ -(u64)PAGE, 2 * PAGE, 0 },			/* at the start */
		{ SZ_2M - PAGE, 2 * PAGE, LPAE_MAP_BLOCKS },	/* at the end */
		{ -(u64)SZ_2M, 3 * SZ_2M, LPAE_MAP_BLOCKS },	/* around */
	};
	unsigned int i, calls;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, b, pa, SZ_2M, LPAE_PROT_RW,
				      LPAE_MAP_BLOCKS));
	calls = self->alloc.calls;
	for (i = 0; i < ARRAY_SIZE(overlaps); i++) {
		EXPECT_EQ(-EEXIST, lpae_pgtable_map(&self->pgt, b + overlaps[i].off,
						    pa + overlaps[i].off,
						    overlaps[i].size, LPAE_PROT_RW,
						    overlaps[i].flags))
			TH_LOG("overlap %u", i);
	}
	EXPECT_EQ(calls, self->alloc.calls);
	EXPECT_PAGES(3);
	EXPECT_EQ(pa | D_BLOCK | S2_RW, raw_l2(&self->pgt, &self->alloc, b));
	EXPECT_FALSE(mapped(&self->pgt, b - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, b + SZ_2M));
	/* Blocks and pages right next to it are fine. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, b + SZ_2M, pa + SZ_2M, SZ_2M,
				      LPAE_PROT_RW, LPAE_MAP_BLOCKS));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, b - PAGE, 0x1000, PAGE,
				      LPAE_PROT_RW, LPAE_MAP_BLOCKS));
	EXPECT_PAGES(4);
}

TEST_F(s2, a_block_over_mapped_pages_is_refused)
{
	const u64 va = 4 * SZ_2M;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, va + SZ_2M - PAGE, 0x1000,
				      PAGE, LPAE_PROT_RW, 0));
	EXPECT_EQ(-EEXIST, lpae_pgtable_map(&self->pgt, va, va, SZ_2M,
					    LPAE_PROT_RW, LPAE_MAP_BLOCKS));
	EXPECT_EQ(-EEXIST, lpae_pgtable_map(&self->pgt, va - SZ_2M, va - SZ_2M,
					    3 * SZ_2M, LPAE_PROT_RW,
					    LPAE_MAP_BLOCKS));
	EXPECT_EQ(3, self->alloc.calls);
	EXPECT_PAGES(4);
	EXPECT_EQ(D_TYPE, raw_l2(&self->pgt, &self->alloc, va) & ~D_ADDR);
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, va + SZ_2M - PAGE));
	EXPECT_FALSE(mapped(&self->pgt, va));
	EXPECT_FALSE(mapped(&self->pgt, va - SZ_2M));
	EXPECT_FALSE(mapped(&self->pgt, va + SZ_2M));
}

TEST_F(s2, unmap_of_one_page_removes_its_whole_block)
{
	const u64 b = 0x80200000;

	/* Two blocks, and a page just below them in the same tables. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, b, b, 2 * SZ_2M, LPAE_PROT_RW,
				      LPAE_MAP_BLOCKS));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, b - PAGE, 0x1000, PAGE,
				      LPAE_PROT_RW, 0));
	EXPECT_PAGES(4);
	EXPECT_EQ(PAGES_2M, lpae_pgtable_unmap(&self->pgt, b + 0x5000, PAGE));
	EXPECT_EQ(0, raw_l2(&self->pgt, &self->alloc, b));
	EXPECT_FALSE(mapped(&self->pgt, b));
	EXPECT_FALSE(mapped(&self->pgt, b + SZ_2M - 1));
	EXPECT_EQ(b + SZ_2M, lookup_pa(&self->pgt, b + SZ_2M));
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, b - PAGE));
	EXPECT_PAGES(4);
	/* The page and the first page of the other block: 1 + 512. */
	EXPECT_EQ(1 + PAGES_2M, lpae_pgtable_unmap(&self->pgt, b - PAGE,
						   SZ_2M + 2 * PAGE));
	EXPECT_FALSE(mapped(&self->pgt, b + 2 * SZ_2M - 1));
	/* Nothing left under the root: the tables are gone. */
	EXPECT_PAGES(2);
	EXPECT_EQ(0, self->pgt.root[1]);
	EXPECT_EQ(0, self->pgt.root[2]);
}

TEST_F(s2, unmap_frees_the_tables_it_empties)
{
	const u64 lo = 0x1000, hi = 0x8000000000ull;

	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, lo, 0x2000, SZ_2M * 3,
				      LPAE_PROT_RW, LPAE_MAP_BLOCKS));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, hi, 0x40000000, SZ_2M + PAGE,
				      LPAE_PROT_DEVICE, LPAE_MAP_BLOCKS));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, hi + SZ_1G, 0x40400000, SZ_2M,
				      LPAE_PROT_RO, LPAE_MAP_BLOCKS));
	/* Pages only below (misaligned); a block and a page, a block above. */
	EXPECT_PAGES(2 + 5 + 2 + 1);
	/* The whole input space at once: missing tables are skipped. */
	EXPECT_EQ(3 * PAGES_2M + (PAGES_2M + 1) + PAGES_2M,
		  lpae_pgtable_unmap(&self->pgt, 0, SZ_1T));
	EXPECT_PAGES(2);
	EXPECT_EQ(0, self->pgt.root[0]);
	EXPECT_EQ(0, self->pgt.root[512]);
	EXPECT_EQ(0, self->pgt.root[513]);
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0, SZ_1T));
	/* The range can be mapped again, by fresh tables. */
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, hi, 0x40000000, SZ_2M,
				      LPAE_PROT_RW, LPAE_MAP_BLOCKS));
	EXPECT_EQ(0x40000000ull, lookup_pa(&self->pgt, hi));
	EXPECT_PAGES(3);
}

TEST_F(s2, unmap_with_bad_arguments_does_nothing)
{
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0, 0, SZ_2M, LPAE_PROT_RW,
				      LPAE_MAP_BLOCKS));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x800, PAGE));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0, 0x800));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0, SZ_1T + PAGE));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0x1000, ~0xfffull));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, SZ_1T, SZ_2M));
	EXPECT_EQ(0, lpae_pgtable_unmap(&self->pgt, 0, 0));
	EXPECT_PAGES(3);
	EXPECT_EQ(0x1000ull, lookup_pa(&self->pgt, 0x1000));
}

TEST_F(s2, out_of_memory_at_each_allocation_leaves_nothing)
{
	/* Pages, blocks and pages across 1 GiB: four tables. */
	EXPECT_EQ(4, map_under_pressure(_metadata, &self->pgt, &self->alloc,
					SZ_1G - 3 * SZ_2M / 2, 0x50100000,
					3 * SZ_2M, LPAE_MAP_BLOCKS));
	EXPECT_EQ(D_BLOCK, raw_l2(&self->pgt, &self->alloc, SZ_1G) & ~D_ADDR &
			   ~S2_RW);
	EXPECT_PAGES(6);
}

TEST_F(s2, destroy_frees_every_table)
{
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 0, 0, 5 * SZ_2M, LPAE_PROT_RW,
				      LPAE_MAP_BLOCKS));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, 5 * SZ_2M, 0x1000, PAGE,
				      LPAE_PROT_RO, 0));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, SZ_1T - SZ_2M, 0x200000,
				      SZ_2M, LPAE_PROT_DEVICE, LPAE_MAP_BLOCKS));
	ASSERT_EQ(0, lpae_pgtable_map(&self->pgt, SZ_1T / 2 - PAGE, 0x1000,
				      2 * PAGE, LPAE_PROT_RW, 0));
	EXPECT_PAGES(2 + 2 + 1 + 4);
	lpae_pgtable_destroy(&self->pgt);
	self->destroyed = true;
	EXPECT_EQ(0, self->alloc.live);
	EXPECT_EQ(0, self->alloc.bad_frees);
	EXPECT_EQ(NULL, self->pgt.root);
	EXPECT_EQ(0, self->pgt.nr_pages);
}

TEST_HARNESS_MAIN
