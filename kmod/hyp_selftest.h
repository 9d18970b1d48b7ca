/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_HYP_SELFTEST_H
#define KVM32_HYP_SELFTEST_H

#include <linux/seq_file.h>

/*
 * Checks, on every online CPU, that Hyp reaches what it must, cannot reach
 * or change what it must not, and survives the faults that follow; writes
 * one line per check: "cpuN CHECK ok" or "cpuN CHECK FAIL: why".
 */
void kvm32_hyp_selftest(struct seq_file *m);

#endif /* KVM32_HYP_SELFTEST_H */
