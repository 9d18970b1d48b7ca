/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_ONE_REG_H
#define KVM32_ONE_REG_H

#include "vcpu.h"

/* KVM_GET_ONE_REG (set = false) and KVM_SET_ONE_REG. */
int kvm32_one_reg(struct kvm32_vcpu *vcpu, bool set, void __user *argp);
/* KVM_GET_REG_LIST. */
int kvm32_reg_list(struct kvm32_vcpu *vcpu, void __user *argp);

#endif /* KVM32_ONE_REG_H */
