// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls from the guest: PSCI, the firmware interface that starts, stops
 * and resets CPUs and the system. A vCPU initialised with
 * KVM_ARM_VCPU_PSCI_0_2 gets PSCI 1.0 with the standard function numbers
 * (as Linux 5.6's KVM gives it; 0.2 if the VMM chose it with
 * KVM_REG_ARM_PSCI_VERSION); otherwise the KVM-specific PSCI 0.1
 * numbers (KVM_PSCI_FN_*). SMCCC 1.1 is answered too: its version, and
 * ARCH_WORKAROUND_1 where the branch predictor needs it (Cortex-A15; the
 * call itself has nothing left to do: leaving the guest already cleared the
 * predictor). Everything else answers NOT_SUPPORTED.
 */
#include <linux/kvm.h>
#include <linux/psci.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <uapi/linux/psci.h>

#include <asm/cputype.h>

#include "cpu_id.h"
#include "exit.h"

#define PSCI_1_0	0x00010000
#define SMCCC_VERSION_FN	0x80000000
#define SMCCC_ARCH_FEATURES_FN	0x80000001
#define SMCCC_VERSION_1_1	0x00010001
#define SMCCC_ARCH_WORKAROUND_1	0x80008000
/* MIGRATE_INFO_TYPE: no Trusted OS that would need migrating. */
#define PSCI_TOS_NOT_PRESENT_MP	2
#define MPIDR_AFF_MASK	0x00ffffff

static struct kvm32_vcpu *vcpu_by_mpidr(struct kvm32_vm *vm, u32 mpidr)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct kvm32_vcpu *v = vm->vcpus[i];

		if ((v->hyp->ctxt.vmpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return v;
	}
	return NULL;
}

/*
 * CPU_ON: the target starts from its reset state at @entry, with r0 =
 * @context, in the caller's endianness, as the PSCI specification says.
 */
static u32 cpu_on(struct kvm32_vcpu *vcpu, u32 mpidr, u32 entry, u32 context)
{
	struct kvm32_vm *vm = vcpu->vm;
	struct kvm32_vcpu *target;
	u32 ret = PSCI_RET_SUCCESS;

	mutex_lock(&vm->lock);
	target = vcpu_by_mpidr(vm, mpidr);
	if (!target || target == vcpu || target->target < 0) {
		ret = target == vcpu ? PSCI_RET_ALREADY_ON : PSCI_RET_INVALID_PARAMS;
		goto out;
	}
	if (!READ_ONCE(target->power_off)) {
		ret = PSCI_RET_ALREADY_ON;
		goto out;
	}
	/* The target is off: its thread sleeps and does not touch its state. */
	kvm32_vcpu_reset(target);
	*vcpu_pc(target) = entry & ~1U;
	if (entry & 1)
		*vcpu_cpsr(target) |= PSR_T_BIT;
	if (*vcpu_cpsr(vcpu) & PSR_E_BIT) {
		*vcpu_cpsr(target) |= PSR_E_BIT;
		target->hyp->ctxt.sctlr |= BIT(25);	/* SCTLR.EE */
	}
	*vcpu_reg(target, 0) = context;
	WRITE_ONCE(target->power_off, false);
	wake_up_interruptible(&target->wait);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

static u32 affinity_info(struct kvm32_vcpu *vcpu, u32 mpidr, u32 level)
{
	struct kvm32_vcpu *target;
	u32 ret = PSCI_RET_INVALID_PARAMS;

	/* Only level 0 (a single CPU) is meaningful to a vCPU. */
	if (level)
		return ret;
	mutex_lock(&vcpu->vm->lock);	/* vCPUs may be being created */
	target = vcpu_by_mpidr(vcpu->vm, mpidr);
	if (target)
		ret = READ_ONCE(target->power_off) ? PSCI_0_2_AFFINITY_LEVEL_OFF :
						     PSCI_0_2_AFFINITY_LEVEL_ON;
	mutex_unlock(&vcpu->vm->lock);
	return ret;
}

/* SYSTEM_OFF / SYSTEM_RESET: every vCPU stops; the VMM decides the rest. */
static int system_event(struct kvm32_vcpu *vcpu, u32 type)
{
	unsigned int i;

	for (i = 0; i < vcpu->vm->nr_vcpus; i++)
		WRITE_ONCE(vcpu->vm->vcpus[i]->power_off, true);
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->system_event.type = type;
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	return 0;
}

/* The calls PSCI_FEATURES reports, as KVM lists them (64-bit ids included). */
static u32 psci_features(u32 fn)
{
	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
	case SMCCC_VERSION_FN:
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/* Returns the value for r0, or sets *exit (0: to user space) and returns 0. */
static u32 psci_1_0(struct kvm32_vcpu *vcpu, u32 fn, int *exit)
{
	u32 a1 = *vcpu_reg(vcpu, 1), a2 = *vcpu_reg(vcpu, 2), a3 = *vcpu_reg(vcpu, 3);

	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
		return vcpu->vm->psci_version;
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
		/* A standby state is allowed to return at once: it is a WFI. */
		return PSCI_RET_SUCCESS;
	case PSCI_0_2_FN_CPU_OFF:
		WRITE_ONCE(vcpu->power_off, true);
		return PSCI_RET_SUCCESS;
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		return cpu_on(vcpu, a1, a2, a3);
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		return affinity_info(vcpu, a1, a2);
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		return PSCI_TOS_NOT_PRESENT_MP;
	case PSCI_0_2_FN_SYSTEM_OFF:
		*exit = system_event(vcpu, KVM_SYSTEM_EVENT_SHUTDOWN);
		return PSCI_RET_INTERNAL_FAILURE;	/* seen only if the VMM resumes it */
	case PSCI_0_2_FN_SYSTEM_RESET:
		*exit = system_event(vcpu, KVM_SYSTEM_EVENT_RESET);
		return PSCI_RET_INTERNAL_FAILURE;
	case PSCI_1_0_FN_PSCI_FEATURES:
		/* A VM set to PSCI 0.2 (KVM_REG_ARM_PSCI_VERSION) has no 1.0 calls. */
		if (vcpu->vm->psci_version == PSCI_1_0)
			return psci_features(a1);
		return PSCI_RET_NOT_SUPPORTED;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static u32 psci_0_1(struct kvm32_vcpu *vcpu, u32 fn)
{
	switch (fn) {
	case KVM_PSCI_FN_CPU_OFF:
		WRITE_ONCE(vcpu->power_off, true);
		return PSCI_RET_SUCCESS;
	case KVM_PSCI_FN_CPU_ON:
		return cpu_on(vcpu, *vcpu_reg(vcpu, 1), *vcpu_reg(vcpu, 2), 0);
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

int kvm32_handle_hvc(struct kvm32_vcpu *vcpu)
{
	u32 fn = *vcpu_reg(vcpu, 0);
	int exit = 1;
	u32 ret;

	/* The hvc has completed: ELR already points past it. */
	if (fn == SMCCC_VERSION_FN)
		ret = SMCCC_VERSION_1_1;
	else if (fn == SMCCC_ARCH_FEATURES_FN)
		ret = *vcpu_reg(vcpu, 1) == SMCCC_ARCH_WORKAROUND_1 &&
		      kvm32_cpu_needs_bp_hardening(read_cpuid_id()) ?
		      PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
	else if (fn == SMCCC_ARCH_WORKAROUND_1)
		ret = PSCI_RET_SUCCESS;
	else if (vcpu->features & BIT(KVM_ARM_VCPU_PSCI_0_2))
		ret = psci_1_0(vcpu, fn, &exit);
	else
		ret = psci_0_1(vcpu, fn);
	*vcpu_reg(vcpu, 0) = ret;
	return exit;
}
