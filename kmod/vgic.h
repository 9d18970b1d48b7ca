/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's virtual GICv2: the emulated distributor (vgic_dist.c) behind a
 * lock, the guest addresses of its two frames, and the glue to the vCPUs:
 * list registers filled before each entry and read back after each exit,
 * vCPUs woken or kicked when an interrupt becomes pending for them.
 */
#ifndef KVM32_VGIC_H
#define KVM32_VGIC_H

#include <linux/spinlock.h>
#include <linux/types.h>

#include "vgic_dist.h"

struct kvm32_vm;
struct kvm32_vcpu;

#define VGIC_ADDR_UNDEF		(~0ULL)
/* What a VM gets when user space does not set KVM_DEV_ARM_VGIC_GRP_NR_IRQS. */
#define VGIC_NR_IRQS_DEFAULT	256
/* KVM refuses more than this (VGIC_MAX_RESERVED) for a GICv2 guest. */
#define VGIC_NR_IRQS_LIMIT	1023

/* The architected timers' PPIs as KVM wires them for a guest. */
#define VGIC_PPI_VTIMER		27
#define VGIC_PPI_PTIMER		30

struct kvm32_vgic {
	bool created;		/* KVM_CREATE_DEVICE or KVM_CREATE_IRQCHIP */
	bool initialized;	/* the distributor exists: CTRL_INIT, or lazily */
	bool ready;		/* GICV mapped: vCPUs may run */
	u64 dist_base;		/* guest addresses of GICD and GICC */
	u64 cpu_base;
	u32 nr_irqs;		/* requested; 0 means the default */

	spinlock_t lock;	/* the distributor and @dirty; taken in IRQ context */
	struct vgic_dist *dist;
	/* vCPUs (bit n: vCPU n) whose next entry must look at the distributor. */
	u32 dirty;
};

/* Whether this host can give guests a vGIC (its GIC has the extensions). */
bool kvm32_vgic_available(void);

void kvm32_vgic_vm_init(struct kvm32_vm *vm);
void kvm32_vgic_vm_destroy(struct kvm32_vm *vm);

/* KVM_CREATE_DEVICE(VGIC_V2) and KVM_CREATE_IRQCHIP, with vm->lock held. */
int kvm32_vgic_create(struct kvm32_vm *vm);
/* KVM_DEV_ARM_VGIC_CTRL_INIT (and lazily), with vm->lock held. */
int kvm32_vgic_init(struct kvm32_vm *vm);
/* Sets a frame's guest address (KVM_VGIC_V2_ADDR_TYPE_*), with vm->lock held. */
int kvm32_vgic_set_addr(struct kvm32_vm *vm, u64 type, u64 addr);
int kvm32_vgic_get_addr(struct kvm32_vm *vm, u64 type, u64 *addr);
/* Before a vCPU first runs: init if needed and map GICV into stage 2. */
int kvm32_vgic_prepare_run(struct kvm32_vcpu *vcpu);

/* Whether the VM's vCPUs run with a vGIC (a macro: vm.h includes this file). */
#define kvm32_vgic_ready(vm)	READ_ONCE((vm)->vgic.ready)

/*
 * An interrupt line changes (KVM_IRQ_LINE, irqfd, the timers): an SPI, or a
 * PPI of vCPU @cpu. Wakes or kicks the vCPUs that now have an interrupt to
 * take. Any context. Returns 0 or -EINVAL for an INTID the VM lacks, -EBUSY
 * before the distributor exists.
 */
int kvm32_vgic_set_line(struct kvm32_vm *vm, unsigned int cpu, unsigned int intid, bool level);

/*
 * A guest access to its distributor frame, if @ipa is in it: returns true
 * and performs the access (*val in/out, the low @len bytes).
 */
bool kvm32_vgic_mmio(struct kvm32_vcpu *vcpu, u64 ipa, bool is_write, unsigned int len,
		     u32 *val);

/* With interrupts off, just before entering the guest and right after it exits. */
void kvm32_vgic_flush(struct kvm32_vcpu *vcpu);
void kvm32_vgic_sync(struct kvm32_vcpu *vcpu);

/* Whether an interrupt waits for @vcpu (to end its WFI). */
bool kvm32_vgic_has_work(struct kvm32_vcpu *vcpu);

/*
 * Distributor and CPU-interface registers for KVM_DEV_ARM_VGIC_GRP_DIST_REGS
 * and _CPU_REGS (save and restore), with every vCPU stopped. As in Linux
 * 5.6, a register is there (KVM_HAS_DEVICE_ATTR) if it is in KVM's table
 * and, for one with a field per interrupt, its word's first interrupt is
 * below @nr_irqs; reading one that is not gives 0 and writing it does
 * nothing (vgic_uaccess()), neither is an error.
 */
bool kvm32_vgic_dist_reg_exists(u32 offset, unsigned int nr_irqs);
bool kvm32_vgic_cpu_reg_exists(u32 offset);
int kvm32_vgic_dist_uaccess(struct kvm32_vm *vm, unsigned int cpu, u32 offset, bool write,
			    u32 *val);
int kvm32_vgic_cpu_uaccess(struct kvm32_vcpu *vcpu, u32 offset, bool write, u32 *val);

#endif /* KVM32_VGIC_H */
