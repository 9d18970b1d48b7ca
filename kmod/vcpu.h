/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual CPU: its file and ioctls, its state, and the run loop.
 */
#ifndef KVM32_VCPU_H
#define KVM32_VCPU_H

#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/signal.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "mmio_decode.h"
#include "timer.h"
#include "vcpu_hyp.h"
#include "vgic_dist.h"
#include "vm.h"

/* Where a vCPU is, for whoever must make it notice an interrupt (kvm32_vcpu_kick). */
enum kvm32_vcpu_mode {
	VCPU_OUTSIDE_GUEST,
	VCPU_IN_GUEST,		/* from its last check for work until it left the guest */
};

struct kvm32_vcpu {
	struct kvm32_vm *vm;
	unsigned int id;
	unsigned int idx;		/* creation order: the vGIC's CPU number */
	struct mutex lock;		/* one ioctl at a time */
	struct kvm_run *run;		/* a page the VMM maps */
	struct kvm32_vcpu_hyp *hyp;	/* a page Hyp maps: what the world switch uses */

	int target;			/* KVM_ARM_TARGET_*, or -1 before KVM_ARM_VCPU_INIT */
	u32 features;			/* KVM_ARM_VCPU_* bits given at init */
	bool power_off;			/* PSCI CPU_OFF, or created powered off */
	u32 actlr;			/* what the guest reads from ACTLR ... */
	u32 l2ctlr;			/* ... and L2CTLR (writes are ignored) */
	wait_queue_head_t wait;		/* where it sleeps when off or in WFI */
	bool has_run;			/* KVM_RUN was called: the vGIC comes too late now */

	int mode;			/* enum kvm32_vcpu_mode */
	struct task_struct *task;	/* the thread in KVM_RUN (a reference), for kicks */
	unsigned long irq_lines;	/* KVM_ARM_IRQ_TYPE_CPU without a vGIC: bit 0 IRQ, 1 FIQ */

	struct vgic_lr lrs[VGIC_MAX_LRS];	/* what the last flush queued */
	struct kvm32_timer timer;

	bool mmio_pending;		/* a KVM_EXIT_MMIO to complete on the next run */
	struct kvm32_mmio_access mmio;

	bool sigmask_set;		/* KVM_SET_SIGNAL_MASK */
	sigset_t sigmask;
};

/* KVM_CREATE_VCPU, with vm->lock held. Returns the vCPU's fd. */
int kvm32_vcpu_create(struct kvm32_vm *vm, unsigned long id);
/* Frees a vCPU once its VM goes away. */
void kvm32_vcpu_free(struct kvm32_vcpu *vcpu);
/* KVM_ARM_PREFERRED_TARGET. */
int kvm32_vcpu_preferred_target(void __user *argp);

/* The guest's registers, as the world switch keeps them. */
static inline struct kvm32_cpu_ctxt *vcpu_ctxt(struct kvm32_vcpu *vcpu)
{
	return &vcpu->hyp->ctxt;
}

static inline u32 *vcpu_pc(struct kvm32_vcpu *vcpu)
{
	return (u32 *)&vcpu->hyp->ctxt.core.usr_regs.ARM_pc;
}

static inline u32 *vcpu_cpsr(struct kvm32_vcpu *vcpu)
{
	return (u32 *)&vcpu->hyp->ctxt.core.usr_regs.ARM_cpsr;
}

/* Register @n (0-15) as the guest's current mode sees it. */
u32 *vcpu_reg(struct kvm32_vcpu *vcpu, unsigned int n);
/* The SPSR of the guest's current mode (an exception mode). */
u32 *vcpu_spsr(struct kvm32_vcpu *vcpu);

/*
 * Makes @vcpu notice new work (an interrupt became pending for it): wakes it
 * from WFI, or sends its CPU an IPI so it leaves the guest. Any context.
 */
void kvm32_vcpu_kick(struct kvm32_vcpu *vcpu);

/* KVM_IRQ_LINE for KVM_ARM_IRQ_TYPE_CPU: the vCPU's own IRQ or FIQ input. */
int kvm32_vcpu_set_irq_line(struct kvm32_vcpu *vcpu, unsigned int line, bool level);

/* Resets the vCPU's state as KVM_ARM_VCPU_INIT does. */
void kvm32_vcpu_reset(struct kvm32_vcpu *vcpu);

#endif /* KVM32_VCPU_H */
