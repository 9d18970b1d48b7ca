/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM_IRQFD and KVM_IOEVENTFD: interrupts and notifications that bypass
 * the VMM's KVM_RUN loop. An irqfd is an eventfd whose every signal asserts
 * an SPI (gsi N is INTID 32 + N, as KVM routes it on ARM); with a resample
 * eventfd the line stays high until the guest completes the interrupt, then
 * drops and the resample eventfd is signalled so the device model can check
 * whether it still wants it. An ioeventfd is an eventfd signalled, instead
 * of a KVM_EXIT_MMIO, when the guest writes a given address (and value).
 */
#ifndef KVM32_IRQFD_H
#define KVM32_IRQFD_H

#include <linux/kvm.h>
#include <linux/types.h>

struct kvm32_vm;

void kvm32_irqfd_vm_init(struct kvm32_vm *vm);
/* Detaches and frees every irqfd and ioeventfd: the VM is going away. */
void kvm32_irqfd_vm_destroy(struct kvm32_vm *vm);

int kvm32_irqfd(struct kvm32_vm *vm, const struct kvm_irqfd *args);
/* The guest completed level-triggered SPI 32 + @gsi: lower and notify. */
void kvm32_irqfd_resample(struct kvm32_vm *vm, u32 gsi);

int kvm32_ioeventfd(struct kvm32_vm *vm, const struct kvm_ioeventfd *args);
/* A guest MMIO write: true if an ioeventfd took it (and was signalled). */
bool kvm32_ioeventfd_write(struct kvm32_vm *vm, u64 addr, unsigned int len, u64 val);

#endif /* KVM32_IRQFD_H */
