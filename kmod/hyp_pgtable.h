/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builder of the Hyp-mode translation tables (HTTBR).
 *
 * Hyp mode translates its 32-bit virtual addresses with one stage of ARMv7
 * long-descriptor (LPAE) tables: with HTCR.T0SZ = 0 the walk starts at a
 * first-level table of 4 entries (1 GiB each), then second-level tables of
 * 512 entries (2 MiB each) and third-level tables of 512 page entries (4 KiB
 * each). Output addresses have 40 bits.
 *
 * This file is pure logic with no kernel calls, so the host unit tests cover
 * it: the caller supplies table memory through struct hyp_pgtable_ops, and
 * does the barriers and TLB maintenance that make a change visible to Hyp.
 */
#ifndef KVM32_HYP_PGTABLE_H
#define KVM32_HYP_PGTABLE_H

#include <linux/types.h>

#include "hyp_abi.h"	/* HYP_ATTR_*: the memory attributes HMAIR0 defines */

#define HYP_PAGE_SHIFT		12
#define HYP_PAGE_SIZE		4096u	/* 1 << HYP_PAGE_SHIFT */
#define HYP_PA_BITS		40

enum hyp_prot {
	HYP_PROT_RX,		/* Normal, read-only, executable: Hyp text */
	HYP_PROT_RO,		/* Normal, read-only, execute-never */
	HYP_PROT_RW,		/* Normal, read-write, execute-never */
	HYP_PROT_DEVICE,	/* Device, read-write, execute-never: MMIO */
};

struct hyp_pgtable_ops {
	/*
	 * Returns a zeroed, 4 KiB-aligned 4 KiB table the builder may write
	 * through the returned pointer, and its physical address in *pa (below
	 * 2^40, which descriptors can hold); NULL when out of memory.
	 */
	void *(*alloc_table)(void *ctx, u64 *pa);
	void (*free_table)(void *ctx, void *table, u64 pa);
	/* The pointer for a table physical address that alloc_table returned. */
	void *(*table_va)(void *ctx, u64 pa);
	void *ctx;
};

struct hyp_pgtable {
	const struct hyp_pgtable_ops *ops;
	u64 *root;		/* first-level table (4 entries used) */
	u64 root_pa;		/* what HTTBR points at */
	unsigned int nr_tables;	/* tables allocated, root included */
};

/* Allocates the root table. Returns 0 or -ENOMEM. */
int hyp_pgtable_init(struct hyp_pgtable *pgt, const struct hyp_pgtable_ops *ops);

/*
 * Maps the virtual range [va, va + size) to the physical range starting at
 * pa, with 4 KiB page descriptors of protection @prot (Access Flag set;
 * Normal memory Inner Shareable).
 *
 * Returns 0, or without changing any mapping:
 *  -EINVAL  va, pa or size not 4 KiB-aligned, size 0, the virtual range
 *           wrapping past 4 GiB, the physical range beyond 40 bits, or an
 *           unknown @prot;
 *  -EEXIST  any page of the range is mapped already (overlaps are refused,
 *           even with identical attributes);
 *  -ENOMEM  a table could not be allocated (tables allocated by this call
 *           for the range are freed again).
 */
int hyp_pgtable_map(struct hyp_pgtable *pgt, u32 va, u64 pa, u32 size,
		    enum hyp_prot prot);

/*
 * Removes every page mapping in [va, va + size) (unmapped pages are
 * skipped) and frees second- and third-level tables left empty, at once:
 * while Hyp runs with these tables, the caller must have invalidated Hyp's
 * TLBs (TLBIALLH on every CPU, which also drops cached table walks) before
 * freed table memory can be reused, e.g. by deferring free_table. va and size
 * must be page-aligned, else nothing happens. Returns the number of pages
 * unmapped.
 */
unsigned int hyp_pgtable_unmap(struct hyp_pgtable *pgt, u32 va, u32 size);

/*
 * Looks a virtual address up as Hyp's MMU would. Returns 0 with the
 * physical address of that byte in *pa and the page's protection in *prot
 * (either may be NULL), or -ENOENT if unmapped.
 */
int hyp_pgtable_lookup(const struct hyp_pgtable *pgt, u32 va, u64 *pa,
		       enum hyp_prot *prot);

/* Frees every table, the root included. */
void hyp_pgtable_destroy(struct hyp_pgtable *pgt);

#endif /* KVM32_HYP_PGTABLE_H */
