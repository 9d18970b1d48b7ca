// SPDX-License-Identifier: GPL-2.0
/*
 * Hyp-mode stage-1 translation tables in the ARMv7 long-descriptor format.
 *
 * Only page (4 KiB) mappings are made, never blocks, so every walk is the
 * same three levels: VA[31:30] picks one of the 4 first-level entries,
 * VA[29:21] a second-level entry and VA[20:12] a third-level page entry.
 * Every table, the 4-entry root included, takes a whole page.
 *
 * Invariant: every second- and third-level table maps at least one page.
 * unmap frees tables it empties, and a failed map frees the tables it
 * allocated, which keeps the tree small and lets the rollback recognise this
 * call's tables as the empty ones in the range.
 */
#include <linux/types.h>
#include <linux/errno.h>

#include "hyp_pgtable.h"

/* BIT_ULL() and GENMASK_ULL(), without <linux/bits.h>: the host build lacks it. */
#define DESC_BIT(n)		(1ULL << (n))
#define DESC_BITS(h, l)		((~0ULL >> (63 - (h))) & ~(DESC_BIT(l) - 1))

#define L1_SHIFT		30
#define L2_SHIFT		21
#define L3_SHIFT		HYP_PAGE_SHIFT
#define L1_ENTRIES		4	/* 4 GiB of 1 GiB regions */
#define PTRS_PER_TABLE		512	/* 4 KiB of 8-byte descriptors */
#define PAGE_OFFSET_MASK	((u64)HYP_PAGE_SIZE - 1)

#define VA_LIMIT		DESC_BIT(32)
#define PA_LIMIT		DESC_BIT(HYP_PA_BITS)

/*
 * Bits [1:0] of a descriptor: 0b11 is a table at levels 1 and 2 and a page
 * at level 3; 0b01 would be a block, which this builder does not make.
 */
#define DESC_TYPE_MASK		DESC_BITS(1, 0)
#define DESC_TYPE_TABLE		3ULL
#define DESC_TYPE_PAGE		3ULL
/* The next-level table or the page: 40-bit physical, page-aligned. */
#define DESC_ADDR_MASK		DESC_BITS(HYP_PA_BITS - 1, HYP_PAGE_SHIFT)

/* Lower attributes of a page descriptor. */
#define PTE_ATTRINDX_SHIFT	2
#define PTE_ATTRINDX_MASK	DESC_BITS(4, 2)
#define PTE_ATTRINDX(idx)	((u64)(idx) << PTE_ATTRINDX_SHIFT)
#define PTE_AP1			DESC_BIT(6)	/* should-be-one in Hyp mode */
#define PTE_RDONLY		DESC_BIT(7)	/* AP[2] */
#define PTE_SH_INNER		(3ULL << 8)
#define PTE_AF			DESC_BIT(10)	/* clear: every access faults */
/* Upper attributes: PXN (bit 53) has no meaning for Hyp, only XN does. */
#define PTE_XN			DESC_BIT(54)

#define PTE_NORMAL		(PTE_ATTRINDX(HYP_ATTR_NORMAL) | PTE_SH_INNER)
/* Device memory is always Outer Shareable: its SH field is left 0. */
#define PTE_DEVICE		PTE_ATTRINDX(HYP_ATTR_DEVICE)
#define PTE_COMMON		(DESC_TYPE_PAGE | PTE_AP1 | PTE_AF)

static unsigned int l1_index(u64 va)
{
	return va >> L1_SHIFT;
}

static unsigned int l2_index(u64 va)
{
	return (va >> L2_SHIFT) & (PTRS_PER_TABLE - 1);
}

static unsigned int l3_index(u64 va)
{
	return (va >> L3_SHIFT) & (PTRS_PER_TABLE - 1);
}

/*
 * Where the walk leaves the region of 1 << @shift bytes that holds @va, or
 * @end if sooner. Addresses are u64 so that a range may end at 4 GiB.
 */
static u64 region_end(u64 va, u64 end, unsigned int shift)
{
	u64 next = (va | (DESC_BIT(shift) - 1)) + 1;

	return next < end ? next : end;
}

/* The table a level-1 or level-2 descriptor points at, or NULL. */
static u64 *next_table(const struct hyp_pgtable *pgt, u64 desc)
{
	if ((desc & DESC_TYPE_MASK) != DESC_TYPE_TABLE)
		return NULL;
	return pgt->ops->table_va(pgt->ops->ctx, desc & DESC_ADDR_MASK);
}

static u64 *alloc_table(struct hyp_pgtable *pgt, u64 *pa)
{
	u64 *table = pgt->ops->alloc_table(pgt->ops->ctx, pa);

	if (table)
		pgt->nr_tables++;
	return table;
}

/* Frees the table @entry points at and clears @entry. */
static void free_table(struct hyp_pgtable *pgt, u64 *entry)
{
	u64 pa = *entry & DESC_ADDR_MASK;

	pgt->ops->free_table(pgt->ops->ctx, next_table(pgt, *entry), pa);
	*entry = 0;
	pgt->nr_tables--;
}

static bool table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE; i++)
		if (table[i])
			return false;
	return true;
}

/* The level-3 entry of @va, or NULL if a table on the way is missing. */
static u64 *find_pte(const struct hyp_pgtable *pgt, u64 va)
{
	u64 *table = next_table(pgt, pgt->root[l1_index(va)]);

	if (table)
		table = next_table(pgt, table[l2_index(va)]);
	return table ? &table[l3_index(va)] : NULL;
}

int hyp_pgtable_init(struct hyp_pgtable *pgt, const struct hyp_pgtable_ops *ops)
{
	pgt->ops = ops;
	pgt->nr_tables = 0;
	pgt->root = alloc_table(pgt, &pgt->root_pa);
	return pgt->root ? 0 : -ENOMEM;
}

static int prot_attrs(enum hyp_prot prot, u64 *attrs)
{
	switch (prot) {
	case HYP_PROT_RX:
		*attrs = PTE_NORMAL | PTE_RDONLY;
		return 0;
	case HYP_PROT_RO:
		*attrs = PTE_NORMAL | PTE_RDONLY | PTE_XN;
		return 0;
	case HYP_PROT_RW:
		*attrs = PTE_NORMAL | PTE_XN;
		return 0;
	case HYP_PROT_DEVICE:
		*attrs = PTE_DEVICE | PTE_XN;
		return 0;
	}
	return -EINVAL;
}

static int check_map_args(u32 va, u64 pa, u32 size)
{
	if (!size || (va | pa | size) & PAGE_OFFSET_MASK)
		return -EINVAL;
	if ((u64)va + size > VA_LIMIT)
		return -EINVAL;
	if (pa >= PA_LIMIT || size > PA_LIMIT - pa)
		return -EINVAL;
	return 0;
}

static bool range_mapped(const struct hyp_pgtable *pgt, u64 va, u64 end)
{
	u64 *pte;

	for (; va < end; va += HYP_PAGE_SIZE) {
		pte = find_pte(pgt, va);
		if (pte && *pte)
			return true;
	}
	return false;
}

/* The table @entry points at, allocated and linked in if missing. */
static u64 *get_table(struct hyp_pgtable *pgt, u64 *entry)
{
	u64 *table;
	u64 pa;

	if (*entry)
		return next_table(pgt, *entry);
	table = alloc_table(pgt, &pa);
	if (table)
		*entry = pa | DESC_TYPE_TABLE;
	return table;
}

static int alloc_l3_tables(struct hyp_pgtable *pgt, u64 *l2, u64 va, u64 end)
{
	for (; va < end; va = region_end(va, end, L2_SHIFT))
		if (!get_table(pgt, &l2[l2_index(va)]))
			return -ENOMEM;
	return 0;
}

static int alloc_tables(struct hyp_pgtable *pgt, u64 va, u64 end)
{
	u64 next;
	u64 *l2;

	for (; va < end; va = next) {
		next = region_end(va, end, L1_SHIFT);
		l2 = get_table(pgt, &pgt->root[l1_index(va)]);
		if (!l2 || alloc_l3_tables(pgt, l2, va, next))
			return -ENOMEM;
	}
	return 0;
}

static unsigned int unmap_l3(u64 *l3, u64 va, u64 end)
{
	unsigned int unmapped = 0;
	u64 *pte;

	for (; va < end; va += HYP_PAGE_SIZE) {
		pte = &l3[l3_index(va)];
		if (*pte) {
			*pte = 0;
			unmapped++;
		}
	}
	return unmapped;
}

static unsigned int unmap_l2(struct hyp_pgtable *pgt, u64 *l2, u64 va, u64 end)
{
	unsigned int unmapped = 0;
	u64 *entry, *l3;
	u64 next;

	for (; va < end; va = next) {
		next = region_end(va, end, L2_SHIFT);
		entry = &l2[l2_index(va)];
		l3 = next_table(pgt, *entry);
		if (!l3)
			continue;
		unmapped += unmap_l3(l3, va, next);
		if (table_empty(l3))
			free_table(pgt, entry);
	}
	return unmapped;
}

/* Also frees the empty tables in the range even when no page is cleared. */
static unsigned int unmap_range(struct hyp_pgtable *pgt, u64 va, u64 end)
{
	unsigned int unmapped = 0;
	u64 *entry, *l2;
	u64 next;

	for (; va < end; va = next) {
		next = region_end(va, end, L1_SHIFT);
		entry = &pgt->root[l1_index(va)];
		l2 = next_table(pgt, *entry);
		if (!l2)
			continue;
		unmapped += unmap_l2(pgt, l2, va, next);
		if (table_empty(l2))
			free_table(pgt, entry);
	}
	return unmapped;
}

int hyp_pgtable_map(struct hyp_pgtable *pgt, u32 va, u64 pa, u32 size,
		    enum hyp_prot prot)
{
	u64 end = (u64)va + size;
	u64 addr;
	u64 attrs;
	int ret;

	ret = check_map_args(va, pa, size);
	if (!ret)
		ret = prot_attrs(prot, &attrs);
	if (ret)
		return ret;
	if (range_mapped(pgt, va, end))
		return -EEXIST;

	ret = alloc_tables(pgt, va, end);
	if (ret) {
		/* Nothing is mapped in the range yet: this frees just our tables. */
		unmap_range(pgt, va, end);
		return ret;
	}

	for (addr = va; addr < end; addr += HYP_PAGE_SIZE, pa += HYP_PAGE_SIZE)
		*find_pte(pgt, addr) = pa | attrs | PTE_COMMON;
	return 0;
}

unsigned int hyp_pgtable_unmap(struct hyp_pgtable *pgt, u32 va, u32 size)
{
	u64 end = (u64)va + size;

	/* A range past 4 GiB is refused as map refuses it. */
	if ((va | size) & PAGE_OFFSET_MASK || end > VA_LIMIT)
		return 0;
	return unmap_range(pgt, va, end);
}

static enum hyp_prot pte_prot(u64 pte)
{
	if ((pte & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(HYP_ATTR_DEVICE))
		return HYP_PROT_DEVICE;
	if (!(pte & PTE_RDONLY))
		return HYP_PROT_RW;
	return pte & PTE_XN ? HYP_PROT_RO : HYP_PROT_RX;
}

int hyp_pgtable_lookup(const struct hyp_pgtable *pgt, u32 va, u64 *pa,
		       enum hyp_prot *prot)
{
	u64 *pte = find_pte(pgt, va);

	if (!pte || (*pte & DESC_TYPE_MASK) != DESC_TYPE_PAGE)
		return -ENOENT;
	if (pa)
		*pa = (*pte & DESC_ADDR_MASK) | (va & PAGE_OFFSET_MASK);
	if (prot)
		*prot = pte_prot(*pte);
	return 0;
}

static void free_l2(struct hyp_pgtable *pgt, u64 *entry)
{
	u64 *l2 = next_table(pgt, *entry);
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE; i++)
		if (l2[i])
			free_table(pgt, &l2[i]);
	free_table(pgt, entry);
}

void hyp_pgtable_destroy(struct hyp_pgtable *pgt)
{
	unsigned int i;

	if (!pgt->root)
		return;
	for (i = 0; i < L1_ENTRIES; i++)
		if (pgt->root[i])
			free_l2(pgt, &pgt->root[i]);
	pgt->ops->free_table(pgt->ops->ctx, pgt->root, pgt->root_pa);
	pgt->root = NULL;
	pgt->nr_tables--;
}
