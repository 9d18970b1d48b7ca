/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_VMID_H
#define KVM32_VMID_H

#include <linux/types.h>

#include "vm.h"

/*
 * Gives @vm a VMID of the current generation if it has none. Called with
 * preemption disabled and interrupts enabled, before a vCPU enters its
 * guest. When the 8-bit VMID space runs out, a new generation starts: every
 * other CPU is made to leave its guest and every guest TLB entry of every
 * VMID is dropped, so no VM can see entries another VM left under its VMID.
 */
void kvm32_vmid_update(struct kvm32_vm *vm);

/*
 * Whether @vm's VMID is of an old generation. Checked again with interrupts
 * disabled, right before the world switch: if so, enable them and update.
 */
bool kvm32_vmid_stale(const struct kvm32_vm *vm);

#endif /* KVM32_VMID_H */
