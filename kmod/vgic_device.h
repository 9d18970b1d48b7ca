/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_VGIC_DEVICE_H
#define KVM32_VGIC_DEVICE_H

struct kvm32_vm;

/* The VM ioctls of the vGIC's user-space interface (vgic_device.c). */
/* KVM_CREATE_DEVICE, KVM_CREATE_IRQCHIP, KVM_ARM_SET_DEVICE_ADDR, KVM_IRQ_LINE */
int kvm32_vgic_create_device(struct kvm32_vm *vm, void __user *argp);
int kvm32_vgic_create_irqchip(struct kvm32_vm *vm);
int kvm32_vgic_set_device_addr(struct kvm32_vm *vm, void __user *argp);
int kvm32_irq_line(struct kvm32_vm *vm, void __user *argp);

#endif /* KVM32_VGIC_DEVICE_H */
