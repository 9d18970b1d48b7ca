// SPDX-License-Identifier: GPL-2.0
/*
 * ARMv7 long-descriptor translation tables, for Hyp's stage 1 and stage 2.
 *
 * Both regimes walk the same three levels: VA[n:30] picks a first-level
 * entry (n = 31 for Hyp's 4 entries, 39 for stage 2's 1024), VA[29:21] a
 * second-level entry and VA[20:12] a third-level page entry. They differ only
 * in the size of the root and in the attribute bits of leaf descriptors, so
 * one walker serves both and only those two are looked up per regime.
 *
 * First-level entries are always tables: 1 GiB blocks are never made. A
 * second-level entry is a table, or a 2 MiB block when the caller asks for
 * blocks and the range and its physical addresses allow one.
 *
 * Invariant: every second- and third-level table maps at least one page or
 * block. unmap frees tables it empties, and a failed map frees the tables it
 * allocated, which keeps the tree small and lets the rollback recognise this
 * call's tables as the empty ones in the range.
 */
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/errno.h>

#include "lpae_pgtable.h"

/* BIT_ULL() and GENMASK_ULL(), without <linux/bits.h>: the host build lacks it. */
#define DESC_BIT(n)		(1ULL << (n))
#define DESC_BITS(h, l)		((~0ULL >> (63 - (h))) & ~(DESC_BIT(l) - 1))

#define L1_SHIFT		30
#define L2_SHIFT		21	/* log2(LPAE_BLOCK_SIZE) */
#define L3_SHIFT		LPAE_PAGE_SHIFT
#define PTRS_PER_TABLE		512	/* 4 KiB of 8-byte descriptors */
#define PAGE_OFFSET_MASK	((u64)LPAE_PAGE_SIZE - 1)
#define BLOCK_OFFSET_MASK	((u64)LPAE_BLOCK_SIZE - 1)
#define PAGES_PER_BLOCK		(LPAE_BLOCK_SIZE / LPAE_PAGE_SIZE)

/*
 * Input address sizes: HTCR.T0SZ = 0 gives Hyp 32 bits; VTCR.T0SZ = -8 gives
 * stage 2 40 bits, whose first level then resolves 10 bits and so needs two
 * 4 KiB tables concatenated (the ARM ARM requires the pair aligned to 8 KiB).
 */
#define HYP_VA_BITS		32
#define S2_IPA_BITS		40
#define S2_ROOT_ORDER		1
#define PA_LIMIT		DESC_BIT(LPAE_PA_BITS)

/*
 * Bits [1:0] of a descriptor: 0b11 is a table at levels 1 and 2 and a page
 * at level 3; 0b01 is a block at level 2 (and would be one at level 1).
 */
#define DESC_TYPE_MASK		DESC_BITS(1, 0)
#define DESC_TYPE_TABLE		3ULL
#define DESC_TYPE_BLOCK		1ULL
#define DESC_TYPE_PAGE		3ULL
/* The next-level table or the page: 40-bit physical, page-aligned. */
#define DESC_ADDR_MASK		DESC_BITS(LPAE_PA_BITS - 1, LPAE_PAGE_SHIFT)

/* Leaf (block and page) attributes at the same place in both regimes. */
#define LEAF_SH_INNER		(3ULL << 8)	/* SH[1:0]: Inner Shareable */
#define LEAF_AF			DESC_BIT(10)	/* clear: every access faults */
#define LEAF_XN			DESC_BIT(54)	/* Hyp and stage 2 have no PXN */

/* Hyp stage 1: AttrIndx selects an HMAIR0/1 attribute, AP[2:1] the access. */
#define HYP_ATTRINDX_SHIFT	2
#define HYP_ATTRINDX_MASK	DESC_BITS(4, 2)
#define HYP_ATTRINDX(idx)	((u64)(idx) << HYP_ATTRINDX_SHIFT)
#define HYP_AP1			DESC_BIT(6)	/* should-be-one in Hyp mode */
#define HYP_AP2_RDONLY		DESC_BIT(7)

#define HYP_NORMAL		(HYP_ATTRINDX(HYP_ATTR_NORMAL) | LEAF_SH_INNER)
/* Device memory is always Outer Shareable: its SH field is left 0. */
#define HYP_DEVICE		HYP_ATTRINDX(HYP_ATTR_DEVICE)
#define HYP_LEAF_COMMON		(HYP_AP1 | LEAF_AF)

/*
 * Stage 2: MemAttr[3:0] is the memory type itself, no indirection. It is
 * combined with the guest's stage-1 type and the stronger one wins, so
 * Write-Back Normal leaves RAM to the guest's choice, and Device keeps MMIO
 * Device whatever the guest maps it as.
 */
#define S2_MEMATTR_SHIFT	2
#define S2_MEMATTR_MASK		DESC_BITS(5, 2)
#define S2_MEMATTR(attr)	((u64)(attr) << S2_MEMATTR_SHIFT)
#define S2_MEMATTR_NORMAL_WB	0xf	/* Outer [3:2] and Inner [1:0] Write-Back */
#define S2_MEMATTR_DEVICE	0x1	/* [3:2] = 0b00: Device-class; [1:0] = 0b01: Device */
/* S2AP[1:0] (HAP[2:1]): 0b01 read-only, 0b11 read-write. */
#define S2AP_READ		DESC_BIT(6)
#define S2AP_WRITE		DESC_BIT(7)
#define S2AP_MASK		(S2AP_READ | S2AP_WRITE)
#define S2AP_RDONLY		S2AP_READ
#define S2AP_RDWR		(S2AP_READ | S2AP_WRITE)

#define S2_NORMAL		(S2_MEMATTR(S2_MEMATTR_NORMAL_WB) | LEAF_SH_INNER)
/* As for Hyp, SH is ignored for Device memory and left 0. */
#define S2_DEVICE		(S2_MEMATTR(S2_MEMATTR_DEVICE) | LEAF_XN)

/* What a map call writes: leaves for [va, end) mapping pa onwards. */
struct map_req {
	u64 va;
	u64 end;
	u64 pa;
	u64 attrs;	/* leaf attributes, without the descriptor type */
	bool blocks;	/* LPAE_MAP_BLOCKS */
};

static u64 input_limit(enum lpae_regime regime)
{
	return DESC_BIT(regime == LPAE_STAGE2 ? S2_IPA_BITS : HYP_VA_BITS);
}

static unsigned int root_order(enum lpae_regime regime)
{
	return regime == LPAE_STAGE2 ? S2_ROOT_ORDER : 0;
}

static unsigned int root_entries(enum lpae_regime regime)
{
	return input_limit(regime) >> L1_SHIFT;
}

/* Spans the concatenated root of stage 2: callers keep @va below the limit. */
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
 * @end if sooner. Addresses are u64 so that a range may end at the limit.
 */
static u64 region_end(u64 va, u64 end, unsigned int shift)
{
	u64 next = (va | (DESC_BIT(shift) - 1)) + 1;

	return next < end ? next : end;
}

static bool is_table(u64 desc)
{
	return (desc & DESC_TYPE_MASK) == DESC_TYPE_TABLE;
}

/* Only meaningful for a second-level descriptor. */
static bool is_block(u64 desc)
{
	return (desc & DESC_TYPE_MASK) == DESC_TYPE_BLOCK;
}

/* The table a level-1 or level-2 descriptor points at, or NULL. */
static u64 *next_table(const struct lpae_pgtable *pgt, u64 desc)
{
	if (!is_table(desc))
		return NULL;
	return pgt->ops->table_va(pgt->ops->ctx, desc & DESC_ADDR_MASK);
}

static u64 *alloc_table(struct lpae_pgtable *pgt, unsigned int order, u64 *pa)
{
	u64 *table = pgt->ops->alloc_table(pgt->ops->ctx, order, pa);

	if (table)
		pgt->nr_pages += 1u << order;
	return table;
}

/* Frees the second- or third-level table @entry points at and clears @entry. */
/*
 * Every descriptor is written with one 64-bit store: the walker of another
 * CPU may read the table at any time (stage 2 is live while vCPUs run), and
 * must never see half of a descriptor. With LPAE, an aligned 64-bit store
 * (strd) is single-copy atomic; WRITE_ONCE keeps the compiler from
 * splitting it.
 */
static void write_desc(u64 *entry, u64 desc)
{
	WRITE_ONCE(*entry, desc);
}

static void free_table(struct lpae_pgtable *pgt, u64 *entry)
{
	u64 pa = *entry & DESC_ADDR_MASK;

	pgt->ops->free_table(pgt->ops->ctx, next_table(pgt, *entry), 0, pa);
	write_desc(entry, 0);
	pgt->nr_pages--;
}

static bool table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE; i++)
		if (table[i])
			return false;
	return true;
}

int lpae_pgtable_init(struct lpae_pgtable *pgt, enum lpae_regime regime,
		      const struct lpae_pgtable_ops *ops)
{
	pgt->ops = ops;
	pgt->regime = regime;
	pgt->root = NULL;
	pgt->nr_pages = 0;
	if (regime != LPAE_HYP && regime != LPAE_STAGE2)
		return -EINVAL;
	pgt->root = alloc_table(pgt, root_order(regime), &pgt->root_pa);
	return pgt->root ? 0 : -ENOMEM;
}

static int hyp_leaf_attrs(enum lpae_prot prot, u64 *attrs)
{
	switch (prot) {
	case LPAE_PROT_RX:
		*attrs = HYP_NORMAL | HYP_AP2_RDONLY;
		break;
	case LPAE_PROT_RO:
		*attrs = HYP_NORMAL | HYP_AP2_RDONLY | LEAF_XN;
		break;
	case LPAE_PROT_RW:
		*attrs = HYP_NORMAL | LEAF_XN;
		break;
	case LPAE_PROT_DEVICE:
		*attrs = HYP_DEVICE | LEAF_XN;
		break;
	default:
		return -EINVAL;
	}
	*attrs |= HYP_LEAF_COMMON;
	return 0;
}

/* RX is refused: stage-2 RO is executable already (see enum lpae_prot). */
static int s2_leaf_attrs(enum lpae_prot prot, u64 *attrs)
{
	switch (prot) {
	case LPAE_PROT_RO:
		*attrs = S2_NORMAL | S2AP_RDONLY;
		break;
	case LPAE_PROT_RW:
		*attrs = S2_NORMAL | S2AP_RDWR;
		break;
	case LPAE_PROT_DEVICE:
		*attrs = S2_DEVICE | S2AP_RDWR;
		break;
	default:
		return -EINVAL;
	}
	*attrs |= LEAF_AF;
	return 0;
}

static int leaf_attrs(enum lpae_regime regime, enum lpae_prot prot, u64 *attrs)
{
	if (regime == LPAE_STAGE2)
		return s2_leaf_attrs(prot, attrs);
	return hyp_leaf_attrs(prot, attrs);
}

static enum lpae_prot hyp_leaf_prot(u64 desc)
{
	if ((desc & HYP_ATTRINDX_MASK) == HYP_ATTRINDX(HYP_ATTR_DEVICE))
		return LPAE_PROT_DEVICE;
	if (!(desc & HYP_AP2_RDONLY))
		return LPAE_PROT_RW;
	return desc & LEAF_XN ? LPAE_PROT_RO : LPAE_PROT_RX;
}

static enum lpae_prot s2_leaf_prot(u64 desc)
{
	if ((desc & S2_MEMATTR_MASK) == S2_MEMATTR(S2_MEMATTR_DEVICE))
		return LPAE_PROT_DEVICE;
	return (desc & S2AP_MASK) == S2AP_RDWR ? LPAE_PROT_RW : LPAE_PROT_RO;
}

static enum lpae_prot leaf_prot(enum lpae_regime regime, u64 desc)
{
	if (regime == LPAE_STAGE2)
		return s2_leaf_prot(desc);
	return hyp_leaf_prot(desc);
}

static int check_map_args(enum lpae_regime regime, u64 va, u64 pa, u64 size,
			  unsigned int flags)
{
	u64 limit = input_limit(regime);

	if (!size || (va | pa | size) & PAGE_OFFSET_MASK)
		return -EINVAL;
	if (flags & ~LPAE_MAP_BLOCKS)
		return -EINVAL;
	/* Compared so that nothing wraps, whatever the caller passed. */
	if (va >= limit || size > limit - va)
		return -EINVAL;
	if (pa >= PA_LIMIT || size > PA_LIMIT - pa)
		return -EINVAL;
	return 0;
}

static bool l3_mapped(const u64 *l3, u64 va, u64 end)
{
	for (; va < end; va += LPAE_PAGE_SIZE)
		if (l3[l3_index(va)])
			return true;
	return false;
}

static bool l2_mapped(const struct lpae_pgtable *pgt, const u64 *l2, u64 va,
		      u64 end)
{
	const u64 *l3;
	u64 next, desc;

	for (; va < end; va = next) {
		next = region_end(va, end, L2_SHIFT);
		desc = l2[l2_index(va)];
		/* A block maps all of its region, so any part of it overlaps. */
		if (is_block(desc))
			return true;
		l3 = next_table(pgt, desc);
		if (l3 && l3_mapped(l3, va, next))
			return true;
	}
	return false;
}

/* Skips missing tables whole: a stage-2 range may span a terabyte. */
static bool range_mapped(const struct lpae_pgtable *pgt, u64 va, u64 end)
{
	const u64 *l2;
	u64 next;

	for (; va < end; va = next) {
		next = region_end(va, end, L1_SHIFT);
		l2 = next_table(pgt, pgt->root[l1_index(va)]);
		if (l2 && l2_mapped(pgt, l2, va, next))
			return true;
	}
	return false;
}

static u64 req_pa(const struct map_req *req, u64 va)
{
	return req->pa + (va - req->va);
}

/*
 * Whether the second-level region [va, next) gets a block: only when it is
 * all of the region, its physical address can be a block's, and no table
 * holds the place (which the invariant and the overlap check already ensure).
 */
static bool wants_block(const struct map_req *req, const u64 *entry, u64 va,
			u64 next)
{
	return req->blocks && !*entry && next - va == LPAE_BLOCK_SIZE &&
	       !(va & BLOCK_OFFSET_MASK) && !(req_pa(req, va) & BLOCK_OFFSET_MASK);
}

/* The table @entry points at, allocated and linked in if missing. */
static u64 *get_table(struct lpae_pgtable *pgt, u64 *entry)
{
	u64 *table;
	u64 pa;

	if (*entry)
		return next_table(pgt, *entry);
	table = alloc_table(pgt, 0, &pa);
	if (table)
		write_desc(entry, pa | DESC_TYPE_TABLE);
	return table;
}

static int alloc_l3_tables(struct lpae_pgtable *pgt, u64 *l2,
			   const struct map_req *req, u64 va, u64 end)
{
	u64 next;
	u64 *entry;

	for (; va < end; va = next) {
		next = region_end(va, end, L2_SHIFT);
		entry = &l2[l2_index(va)];
		if (!wants_block(req, entry, va, next) && !get_table(pgt, entry))
			return -ENOMEM;
	}
	return 0;
}

static int alloc_tables(struct lpae_pgtable *pgt, const struct map_req *req)
{
	u64 va, next;
	u64 *l2;

	for (va = req->va; va < req->end; va = next) {
		next = region_end(va, req->end, L1_SHIFT);
		l2 = get_table(pgt, &pgt->root[l1_index(va)]);
		if (!l2 || alloc_l3_tables(pgt, l2, req, va, next))
			return -ENOMEM;
	}
	return 0;
}

static void map_l3(u64 *l3, const struct map_req *req, u64 va, u64 end)
{
	for (; va < end; va += LPAE_PAGE_SIZE)
		write_desc(&l3[l3_index(va)], req_pa(req, va) | req->attrs | DESC_TYPE_PAGE);
}

/* Every table is in place: alloc_tables made the same block decisions. */
static void map_l2(const struct lpae_pgtable *pgt, u64 *l2,
		   const struct map_req *req, u64 va, u64 end)
{
	u64 next;
	u64 *entry;

	for (; va < end; va = next) {
		next = region_end(va, end, L2_SHIFT);
		entry = &l2[l2_index(va)];
		if (wants_block(req, entry, va, next))
			write_desc(entry, req_pa(req, va) | req->attrs | DESC_TYPE_BLOCK);
		else
			map_l3(next_table(pgt, *entry), req, va, next);
	}
}

static void map_range(const struct lpae_pgtable *pgt, const struct map_req *req)
{
	u64 va, next;

	for (va = req->va; va < req->end; va = next) {
		next = region_end(va, req->end, L1_SHIFT);
		map_l2(pgt, next_table(pgt, pgt->root[l1_index(va)]), req, va, next);
	}
}

static unsigned int unmap_l3(u64 *l3, u64 va, u64 end)
{
	unsigned int unmapped = 0;
	u64 *pte;

	for (; va < end; va += LPAE_PAGE_SIZE) {
		pte = &l3[l3_index(va)];
		if (*pte) {
			write_desc(pte, 0);
			unmapped++;
		}
	}
	return unmapped;
}

static unsigned int unmap_l2(struct lpae_pgtable *pgt, u64 *l2, u64 va, u64 end)
{
	unsigned int unmapped = 0;
	u64 *entry, *l3;
	u64 next;

	for (; va < end; va = next) {
		next = region_end(va, end, L2_SHIFT);
		entry = &l2[l2_index(va)];
		/* Whole: splitting a block would need memory unmap cannot fail for. */
		if (is_block(*entry)) {
			write_desc(entry, 0);
			unmapped += PAGES_PER_BLOCK;
			continue;
		}
		l3 = next_table(pgt, *entry);
		if (!l3)
			continue;
		unmapped += unmap_l3(l3, va, next);
		if (table_empty(l3))
			free_table(pgt, entry);
	}
	return unmapped;
}

/* Also frees the empty tables in the range even when nothing is cleared. */
static unsigned int unmap_range(struct lpae_pgtable *pgt, u64 va, u64 end)
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

int lpae_pgtable_map(struct lpae_pgtable *pgt, u64 va, u64 pa, u64 size,
		     enum lpae_prot prot, unsigned int flags)
{
	struct map_req req = {
		.va = va,
		.pa = pa,
		.blocks = flags & LPAE_MAP_BLOCKS,
	};
	int ret;

	ret = check_map_args(pgt->regime, va, pa, size, flags);
	if (!ret)
		ret = leaf_attrs(pgt->regime, prot, &req.attrs);
	if (ret)
		return ret;
	req.end = va + size;
	if (range_mapped(pgt, req.va, req.end))
		return -EEXIST;

	/*
	 * Every table before any leaf, so that a failure never shows a walker
	 * (which may cache what it saw) part of the range.
	 */
	ret = alloc_tables(pgt, &req);
	if (ret) {
		/* Nothing is mapped in the range yet: this frees just our tables. */
		unmap_range(pgt, req.va, req.end);
		return ret;
	}
	map_range(pgt, &req);
	return 0;
}

unsigned int lpae_pgtable_unmap(struct lpae_pgtable *pgt, u64 va, u64 size)
{
	u64 limit = input_limit(pgt->regime);

	/* A range past the limit is refused as map refuses it. */
	if ((va | size) & PAGE_OFFSET_MASK || va >= limit || size > limit - va)
		return 0;
	return unmap_range(pgt, va, va + size);
}

/*
 * The block or page descriptor that maps @va, with in *offset_mask the bits
 * of @va it leaves untranslated; 0 if @va is unmapped.
 */
static u64 find_leaf(const struct lpae_pgtable *pgt, u64 va, u64 *offset_mask)
{
	const u64 *l2, *l3;
	u64 desc;

	if (va >= input_limit(pgt->regime))
		return 0;
	l2 = next_table(pgt, pgt->root[l1_index(va)]);
	if (!l2)
		return 0;
	desc = l2[l2_index(va)];
	if (is_block(desc)) {
		*offset_mask = BLOCK_OFFSET_MASK;
		return desc;
	}
	l3 = next_table(pgt, desc);
	if (!l3)
		return 0;
	desc = l3[l3_index(va)];
	*offset_mask = PAGE_OFFSET_MASK;
	return (desc & DESC_TYPE_MASK) == DESC_TYPE_PAGE ? desc : 0;
}

int lpae_pgtable_lookup(const struct lpae_pgtable *pgt, u64 va, u64 *pa,
			enum lpae_prot *prot)
{
	u64 offset_mask;
	u64 desc = find_leaf(pgt, va, &offset_mask);

	if (!desc)
		return -ENOENT;
	if (pa)
		*pa = (desc & DESC_ADDR_MASK & ~offset_mask) | (va & offset_mask);
	if (prot)
		*prot = leaf_prot(pgt->regime, desc);
	return 0;
}

/* Blocks in the table need nothing freed. */
static void free_l2(struct lpae_pgtable *pgt, u64 *entry)
{
	u64 *l2 = next_table(pgt, *entry);
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE; i++)
		if (is_table(l2[i]))
			free_table(pgt, &l2[i]);
	free_table(pgt, entry);
}

void lpae_pgtable_destroy(struct lpae_pgtable *pgt)
{
	unsigned int order = root_order(pgt->regime);
	unsigned int i;

	if (!pgt->root)
		return;
	for (i = 0; i < root_entries(pgt->regime); i++)
		if (pgt->root[i])
			free_l2(pgt, &pgt->root[i]);
	pgt->ops->free_table(pgt->ops->ctx, pgt->root, order, pgt->root_pa);
	pgt->root = NULL;
	pgt->nr_pages -= 1u << order;
}
