/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_CAPS_H
#define KVM32_CAPS_H

struct kvm32_vm;

/* KVM_CHECK_EXTENSION on /dev/kvm (@vm NULL) or on a VM. */
long kvm32_check_extension(struct kvm32_vm *vm, unsigned long cap);

#endif /* KVM32_CAPS_H */
