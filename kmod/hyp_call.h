/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calling into kvm32's Hyp code, and the symbols of hyp/ the kernel needs.
 */
#ifndef KVM32_HYP_CALL_H
#define KVM32_HYP_CALL_H

#include <linux/types.h>

#include "hyp_abi.h"

/* Arguments of kvm32_hyp_init in the order hyp_call.S loads them (r1-r7). */
struct kvm32_hyp_install_args {
	u32 init_pa;		/* r1: identity-mapped kvm32_hyp_init */
	u32 httbr_lo;		/* r2 */
	u32 httbr_hi;		/* r3 */
	u32 stack_top;		/* r4 */
	u32 vectors;		/* r5 */
	u32 cpu_data;		/* r6 */
	u32 init_continue;	/* r7 */
};

/* Runs a HYP_CALL_* on this CPU; the caller keeps preemption disabled. */
u32 kvm32_hyp_call(u32 call, u32 a1, u32 a2, u32 a3);
/* Takes Hyp mode over from the kernel's stub on this CPU. */
u32 kvm32_hyp_install(const struct kvm32_hyp_install_args *args);
void kvm32_icache_inval_all(void);

/* Bounds of the code that runs in Hyp mode (hyp/hyp_entry.S .. hyp_text_end.S). */
extern const char kvm32_hyp_text_start[], kvm32_hyp_text_end[];
/* Bounds of the code copied to the identity-mapped page (hyp/hyp_init.S). */
extern const char kvm32_hyp_idmap_start[], kvm32_hyp_idmap_end[];
extern const char kvm32_hyp_init[], kvm32_hyp_reset[];
extern const char kvm32_hyp_vectors[], kvm32_hyp_init_continue[];

#endif /* KVM32_HYP_CALL_H */
