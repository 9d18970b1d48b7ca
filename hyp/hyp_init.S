/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Switching Hyp mode's MMU on and off.
 *
 * The instruction after the one that changes HSCTLR.M is fetched under the
 * new translation regime, so this code must run where its virtual and
 * physical addresses are equal. The kernel copies it (everything between
 * kvm32_hyp_idmap_start and kvm32_hyp_idmap_end, literal pool included,
 * position-independent) into a page of its own that Hyp maps at its physical
 * address: the identity-mapped trampoline.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "hyp_abi.h"

#define HSCTLR_M	(1 << 0)	/* MMU */
#define HSCTLR_A	(1 << 1)	/* alignment checks */
#define HSCTLR_C	(1 << 2)	/* data cache */
#define HSCTLR_I	(1 << 12)	/* instruction cache */
#define HSCTLR_WXN	(1 << 19)	/* writable implies execute-never */
#define HSCTLR_EE	(1 << 25)	/* big-endian exceptions */
#define HSCTLR_TE	(1 << 30)	/* Thumb exceptions */
#define HSCTLR_CLEAR	(HSCTLR_M | HSCTLR_A | HSCTLR_C | HSCTLR_I | HSCTLR_WXN | \
			 HSCTLR_EE | HSCTLR_TE)
#define HSCTLR_SET	(HSCTLR_M | HSCTLR_C | HSCTLR_I | HSCTLR_WXN)

/* HTCR: T0SZ = 0 (4 GiB), walks Inner Shareable, Write-Back Write-Allocate. */
#define HTCR_MASK	0x00003f07
#define HTCR_VALUE	0x00003500

	.arch_extension virt
	.section .hyp.idmap.text, "ax"
	.balign	32
	.globl	kvm32_hyp_idmap_start
kvm32_hyp_idmap_start:

/*
 * Entered through the kernel's hyp stub (HVC_SOFT_RESTART) in Hyp mode with
 * the MMU and caches off; ELR_hyp and SPSR_hyp return to the kernel.
 *   r2, r3  HTTBR (low, high word)
 *   r4      Hyp stack top
 *   r5      HVBAR: kvm32's vectors
 *   r6      this CPU's Hyp data (HTPIDR)
 *   r7      kvm32_hyp_init_continue, where to go with the MMU on
 */
ENTRY(kvm32_hyp_init)
	mrc	p15, 4, r8, c12, c0, 0		@ the stub's HVBAR, for reset
	mrc	p15, 4, r9, c1, c0, 0		@ the stub's HSCTLR, for reset

	mcrr	p15, 4, r2, r3, c2		@ HTTBR
	mrc	p15, 4, r0, c2, c0, 2		@ HTCR, keeping its reserved bits
	ldr	r1, =HTCR_MASK
	bic	r0, r0, r1
	ldr	r1, =HTCR_VALUE
	orr	r0, r0, r1
	mcr	p15, 4, r0, c2, c0, 2
	ldr	r0, =HYP_HMAIR0
	mcr	p15, 4, r0, c10, c2, 0		@ HMAIR0
	mov	r0, #0
	mcr	p15, 4, r0, c10, c2, 1		@ HMAIR1

	/*
	 * A previous kvm32 may have left Hyp TLB entries for addresses that
	 * now hold other pages, and predictor entries for its branches.
	 */
	mcr	p15, 4, r0, c8, c7, 0		@ TLBIALLH
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c7, c5, 6		@ BPIALL
	dsb	ish
	isb

	ldr	r1, =HSCTLR_CLEAR
	bic	r0, r9, r1
	ldr	r1, =HSCTLR_SET
	orr	r0, r0, r1
	mcr	p15, 4, r0, c1, c0, 0		@ HSCTLR: MMU and caches on
	isb
	bx	r7
ENDPROC(kvm32_hyp_init)

/*
 * Back to the kernel's stub. Entered at its identity-mapped address from
 * Hyp code running with the MMU on.
 *   r0  HSCTLR to restore (the stub's: MMU and caches off)
 *   r1  HVBAR to restore (the stub's vectors)
 *   r2  0 to return to the host's hvc with r0 = 0; otherwise the physical
 *       address to branch to in Hyp mode (the stub's HVC_SOFT_RESTART)
 *
 * Dirty cache lines that Hyp wrote stay coherent for the kernel (same
 * physical addresses, same caches); nothing here reads memory after the MMU
 * is off.
 */
ENTRY(kvm32_hyp_reset)
	mcr	p15, 4, r0, c1, c0, 0		@ HSCTLR: MMU off
	isb
	mcr	p15, 4, r1, c12, c0, 0		@ HVBAR
	mcr	p15, 4, r0, c8, c7, 0		@ TLBIALLH: no kvm32 entry survives
	dsb	ish
	isb
	cmp	r2, #0
	bxne	r2
	mov	r0, #0
	eret
ENDPROC(kvm32_hyp_reset)

	.ltorg
	.globl	kvm32_hyp_idmap_end
kvm32_hyp_idmap_end:
