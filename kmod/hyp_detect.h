/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_HYP_DETECT_H
#define KVM32_HYP_DETECT_H

/*
 * Returns 0 when every online CPU is a supported part that booted in Hyp mode
 * with the kernel's hyp stub in charge of it, or -ENODEV after one dmesg line
 * saying why not and what to do.
 */
int kvm32_hyp_detect(void);

#endif /* KVM32_HYP_DETECT_H */
