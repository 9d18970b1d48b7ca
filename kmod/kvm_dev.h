/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_KVM_DEV_H
#define KVM32_KVM_DEV_H

/* Registers /dev/kvm (or the name given by the devname parameter). */
int kvm32_dev_init(void);
void kvm32_dev_exit(void);

#endif /* KVM32_KVM_DEV_H */
