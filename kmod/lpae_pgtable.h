/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builder of ARMv7 long-descriptor (LPAE) translation tables, for the two
 * translation regimes kvm32 manages, which walk alike:
 *
 *  - Hyp mode's stage 1 (HTTBR) translates 32-bit virtual addresses: with
 *    HTCR.T0SZ = 0 the walk starts at a first-level table of 4 entries.
 *  - A VM's stage 2 (VTTBR) translates 40-bit intermediate physical addresses
 *    (IPAs): with VTCR.T0SZ = -8 and SL0 = 1 the walk starts at a first-level
 *    table of 1024 entries, two 4 KiB tables concatenated into one of 8 KiB
 *    that must be aligned to 8 KiB.
 *
 * In both, a first-level entry covers 1 GiB and points at a second-level
 * table of 512 entries (2 MiB each); a second-level entry is either a 2 MiB
 * block or points at a third-level table of 512 page entries (4 KiB each).
 * Output addresses have 40 bits. Below, "va" is the input address of either
 * regime: a Hyp virtual address or a guest IPA.
 *
 * This file is pure logic with no kernel calls, so the host unit tests cover
 * it: the caller supplies table memory through struct lpae_pgtable_ops, and
 * does the barriers and TLB maintenance that make a change visible to the
 * walker.
 */
#ifndef KVM32_LPAE_PGTABLE_H
#define KVM32_LPAE_PGTABLE_H

#include <linux/types.h>

#include "hyp_abi.h"	/* HYP_ATTR_*: the memory attributes HMAIR0 defines */

#define LPAE_PAGE_SHIFT		12
#define LPAE_PAGE_SIZE		4096u		/* 1 << LPAE_PAGE_SHIFT */
#define LPAE_BLOCK_SIZE		0x200000u	/* a second-level block: 2 MiB */
#define LPAE_PA_BITS		40

enum lpae_regime {
	/* Hyp stage 1: 32-bit VA, root of 4 entries in one 4 KiB table */
	LPAE_HYP,
	/* Stage 2: 40-bit IPA, root of 1024 entries in an 8 KiB table */
	LPAE_STAGE2,
};

/*
 * Stage 2 only restricts what the guest's own stage 1 allows, and a guest
 * executes from its RAM, so its Normal memory is executable whether writable
 * or not; LPAE_PROT_RX would mean the same as LPAE_PROT_RO there and is
 * refused.
 */
enum lpae_prot {
	LPAE_PROT_RX,		/* Normal, read-only, executable: Hyp text; Hyp only */
	LPAE_PROT_RO,		/* Normal, read-only; execute-never for Hyp only */
	LPAE_PROT_RW,		/* Normal, read-write; execute-never for Hyp only */
	LPAE_PROT_DEVICE,	/* Device, read-write, execute-never: MMIO */
};

struct lpae_pgtable_ops {
	/*
	 * Returns a zeroed table of 4 KiB << @order bytes (@order is 0, or 1
	 * for the stage-2 root), aligned to its size in physical memory, that
	 * the builder may write through the returned pointer as one array; its
	 * physical address in *pa (below 2^40, which descriptors can hold); NULL
	 * when out of memory.
	 */
	void *(*alloc_table)(void *ctx, unsigned int order, u64 *pa);
	/* Gets back every table alloc_table gave, with the same @order. */
	void (*free_table)(void *ctx, void *table, unsigned int order, u64 pa);
	/* The pointer for a table physical address that alloc_table returned. */
	void *(*table_va)(void *ctx, u64 pa);
	void *ctx;
};

struct lpae_pgtable {
	const struct lpae_pgtable_ops *ops;
	enum lpae_regime regime;
	u64 *root;		/* first-level table */
	u64 root_pa;		/* what HTTBR's or VTTBR's base address holds */
	unsigned int nr_pages;	/* 4 KiB pages of tables, root included */
};

/*
 * Allocates the root table of @regime (one page for Hyp, two for stage 2).
 * Returns 0, -EINVAL for an unknown @regime or -ENOMEM; on error pgt->root
 * is NULL.
 */
int lpae_pgtable_init(struct lpae_pgtable *pgt, enum lpae_regime regime,
		      const struct lpae_pgtable_ops *ops);

/* Flags of lpae_pgtable_map(). */
#define LPAE_MAP_BLOCKS		1u	/* 2 MiB blocks where possible */

/*
 * Maps the input range [va, va + size) to the physical range starting at
 * pa, with protection @prot (Access Flag set; Normal memory Inner
 * Shareable). Page descriptors are used, but with LPAE_MAP_BLOCKS in @flags
 * each 2 MiB-aligned 2 MiB piece of the range whose physical address is
 * 2 MiB-aligned too gets one block descriptor instead of a third-level table.
 *
 * Returns 0, or without changing any mapping:
 *  -EINVAL  va, pa or size not 4 KiB-aligned, size 0, the input range past
 *           the regime's end (4 GiB for Hyp, 2^40 for stage 2), the physical
 *           range beyond 40 bits, an unknown @flags bit, or a @prot unknown
 *           or not valid for the regime;
 *  -EEXIST  any page of the range is mapped already, by a page or a block
 *           (overlaps are refused, even with identical attributes);
 *  -ENOMEM  a table could not be allocated (tables allocated by this call
 *           for the range are freed again).
 */
int lpae_pgtable_map(struct lpae_pgtable *pgt, u64 va, u64 pa, u64 size,
		     enum lpae_prot prot, unsigned int flags);

/*
 * Removes every page mapping in [va, va + size) and every block the range
 * touches: a block only partly inside the range is removed whole, as it
 * cannot be split without allocating (stage 2 faults the rest in again).
 * Unmapped addresses are skipped. Second- and third-level tables left empty
 * are freed at once: while a walker uses these tables, the caller must have
 * invalidated its TLBs (for Hyp TLBIALLH on every CPU, for stage 2 the VM's
 * VMID; both also drop cached table walks) before freed table memory can be
 * reused, e.g. by deferring free_table. va and size must be page-aligned and
 * the range within the regime's input size, else nothing happens. Returns
 * the number of 4 KiB pages unmapped, 512 for a block.
 */
unsigned int lpae_pgtable_unmap(struct lpae_pgtable *pgt, u64 va, u64 size);

/*
 * Looks an input address up as the MMU would. Returns 0 with the physical
 * address of that byte in *pa and the protection of its page or block in
 * *prot (either may be NULL), or -ENOENT if unmapped or beyond the regime's
 * input size.
 */
int lpae_pgtable_lookup(const struct lpae_pgtable *pgt, u64 va, u64 *pa,
			enum lpae_prot *prot);

/* Frees every table, the root included. */
void lpae_pgtable_destroy(struct lpae_pgtable *pgt);

#endif /* KVM32_LPAE_PGTABLE_H */
