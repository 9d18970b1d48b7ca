/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_EXIT_H
#define KVM32_EXIT_H

#include <linux/types.h>

#include "vcpu.h"

/*
 * Handles the guest's exit (HYP_EXIT_*, syndrome in vcpu->hyp). Returns > 0
 * to enter the guest again, 0 to return to user space with run->exit_reason
 * set, or a negative errno for KVM_RUN to return.
 */
int kvm32_handle_exit(struct kvm32_vcpu *vcpu, u32 exit);

/* Steps the guest over the trapped instruction of @len bytes (2 or 4). */
void kvm32_skip_instr(struct kvm32_vcpu *vcpu, unsigned int len);

/* Sleeps while the vCPU is powered off; > 0 when it may run, < 0 on a signal. */
int kvm32_vcpu_wait_powered_on(struct kvm32_vcpu *vcpu);

int kvm32_get_mp_state(struct kvm32_vcpu *vcpu, void __user *argp);
int kvm32_set_mp_state(struct kvm32_vcpu *vcpu, void __user *argp);

/* Exceptions taken by the guest as the architecture would (inject.c). */
void kvm32_inject_undef(struct kvm32_vcpu *vcpu);
void kvm32_inject_dabt(struct kvm32_vcpu *vcpu, u32 addr);
void kvm32_inject_pabt(struct kvm32_vcpu *vcpu, u32 addr);

/* PSCI and other hypercalls (psci.c): returns as kvm32_handle_exit does. */
int kvm32_handle_hvc(struct kvm32_vcpu *vcpu);

/* Trapped coprocessor accesses (coproc.c): returns as kvm32_handle_exit does. */
int kvm32_handle_cp15_32(struct kvm32_vcpu *vcpu);
int kvm32_handle_cp15_64(struct kvm32_vcpu *vcpu);
int kvm32_handle_cp14(struct kvm32_vcpu *vcpu);

#endif /* KVM32_EXIT_H */
