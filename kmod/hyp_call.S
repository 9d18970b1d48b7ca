/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's side of the hvc interface to kvm32's Hyp code (hyp/).
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "hyp_abi.h"

	.arch_extension virt
	.text

/*
 * u32 kvm32_hyp_call(u32 call, u32 a1, u32 a2, u32 a3)
 *
 * Hyp code follows the AAPCS, but if it panics it returns here without
 * unwinding, so the registers the C caller expects preserved are saved here
 * rather than trusted to Hyp.
 */
ENTRY(kvm32_hyp_call)
	push	{r4-r12, lr}
	hvc	#0
	pop	{r4-r12, pc}
ENDPROC(kvm32_hyp_call)

/*
 * u32 kvm32_hyp_install(const struct kvm32_hyp_install_args *args)
 *
 * Asks the kernel's hyp stub to run kvm32_hyp_init (at its identity-mapped
 * physical address) with the arguments it takes in r2-r7; it returns here
 * with r0 = 0 once kvm32's vectors are in place.
 */
ENTRY(kvm32_hyp_install)
	push	{r4-r12, lr}
	ldm	r0, {r1-r7}
	mov	r0, #HVC_SOFT_RESTART
	hvc	#0
	pop	{r4-r12, pc}
ENDPROC(kvm32_hyp_install)

/*
 * void kvm32_icache_inval_all(void)
 *
 * Invalidates all instruction caches and branch predictors of the Inner
 * Shareable domain, so that code just written (and cleaned from the data
 * cache) is what every CPU fetches next.
 */
ENTRY(kvm32_icache_inval_all)
	mov	r0, #0
	mcr	p15, 0, r0, c7, c1, 0		@ ICIALLUIS
	mcr	p15, 0, r0, c7, c1, 6		@ BPIALLIS
	dsb	ish
	isb
	ret	lr
ENDPROC(kvm32_icache_inval_all)
