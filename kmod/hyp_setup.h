/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_HYP_SETUP_H
#define KVM32_HYP_SETUP_H

#include <linux/types.h>

/*
 * Takes Hyp mode over on every online CPU, and on every CPU that comes
 * online later before it runs anything else; gives it back to the kernel's
 * stub on each CPU going down and in kvm32_hyp_cpus_exit(). Needs
 * kvm32_hyp_mmu_init() first. Returns 0 or a negative errno.
 */
int kvm32_hyp_cpus_init(void);
void kvm32_hyp_cpus_exit(void);

/*
 * Runs HYP_CALL_PING on @cpu (an online CPU) and checks the answer.
 * Returns 0, -EIO if Hyp answered wrongly, or another negative errno.
 */
int kvm32_hyp_ping_cpu(unsigned int cpu);

#endif /* KVM32_HYP_SETUP_H */
