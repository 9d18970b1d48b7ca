// SPDX-License-Identifier: GPL-2.0
/*
 * What happens when a guest exits to the host: the exception class of the
 * syndrome (HSR) says what the guest did, and each class has its handler.
 * Anything the guest may not do becomes an exception in the guest, never an
 * error of the host.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <asm/ptrace.h>
#include <asm/unaligned.h>

#include "exit.h"
#include "hyp_abi.h"
#include "irqfd.h"
#include "mmio_decode.h"
#include "stage2.h"
#include "timer.h"
#include "vgic.h"

#define HSR_EC(hsr)	((hsr) >> 26)
#define HSR_IL		BIT(25)
#define HSR_CV		BIT(24)
#define HSR_COND(hsr)	(((hsr) >> 20) & 0xf)

#define EC_WFX		0x01
#define EC_CP15_32	0x03
#define EC_CP15_64	0x04
#define EC_CP14_MR	0x05
#define EC_CP14_LS	0x06
#define EC_CP_0_13	0x07
#define EC_CP10_ID	0x08
#define EC_CP14_64	0x0c
#define EC_HVC		0x12
#define EC_SMC		0x13
#define EC_IABT		0x20
#define EC_DABT		0x24
/* Classes from 0x10 up are unconditional: they have no CV/COND fields. */
#define EC_UNCONDITIONAL	0x10

#define HSR_WFX_WFE	BIT(0)
#define HSR_FSC_TYPE	0x3c
#define FSC_TRANSLATION	0x04
#define FSC_ACCESS	0x08
#define FSC_PERMISSION	0x0c
/* world switch: the IPA of a permission fault could not be found */
#define HPFAR_UNKNOWN	0x1

#define PSR_IT_MASK	0x0600fc00

/* Whether the guest's flags pass condition @cond (ARMv7 ARM A8.3). */
static bool condition_passed(u32 cpsr, u32 cond)
{
	bool n = cpsr & PSR_N_BIT, z = cpsr & PSR_Z_BIT;
	bool c = cpsr & PSR_C_BIT, v = cpsr & PSR_V_BIT;
	bool pass;

	switch (cond >> 1) {
	case 0:
		pass = z;
		break;
	case 1:
		pass = c;
		break;
	case 2:
		pass = n;
		break;
	case 3:
		pass = v;
		break;
	case 4:
		pass = c && !z;
		break;
	case 5:
		pass = n == v;
		break;
	case 6:
		pass = !z && n == v;
		break;
	default:
		return true;	/* AL, and 0b1111 */
	}
	return (cond & 1) ? !pass : pass;
}

/*
 * A trapped conditional instruction traps whether or not its condition
 * passes; one that fails must behave as a NOP. In Thumb the condition comes
 * from the IT state when the syndrome carries none.
 */
static bool trapped_insn_executes(struct kvm32_vcpu *vcpu)
{
	u32 hsr = vcpu->hyp->hsr, cpsr = *vcpu_cpsr(vcpu), it;

	if (HSR_EC(hsr) >= EC_UNCONDITIONAL)
		return true;
	if (hsr & HSR_CV)
		return condition_passed(cpsr, HSR_COND(hsr));
	it = ((cpsr >> 8) & 0xfc) | ((cpsr >> 25) & 0x3);
	return !it || condition_passed(cpsr, it >> 4);
}

/* ITAdvance() (ARMv7 ARM A2.5.2), for a Thumb instruction completed by the host. */
static void advance_itstate(struct kvm32_vcpu *vcpu)
{
	u32 *cpsr = vcpu_cpsr(vcpu);
	u32 it = ((*cpsr >> 8) & 0xfc) | ((*cpsr >> 25) & 0x3);

	if (!(*cpsr & PSR_T_BIT) || !it)
		return;
	it = (it & 0x7) ? (it & 0xe0) | ((it << 1) & 0x1f) : 0;
	*cpsr &= ~PSR_IT_MASK;
	*cpsr |= ((it & 0xfc) << 8) | ((it & 0x3) << 25);
}

void kvm32_skip_instr(struct kvm32_vcpu *vcpu, unsigned int len)
{
	advance_itstate(vcpu);
	*vcpu_pc(vcpu) += len;
}

static unsigned int trapped_insn_len(struct kvm32_vcpu *vcpu)
{
	return (vcpu->hyp->hsr & HSR_IL) ? 4 : 2;
}

/* Waits for a reason to run: a wake-up (PSCI CPU_ON, an interrupt) or a signal. */
static void vcpu_block(struct kvm32_vcpu *vcpu, bool (*ready)(struct kvm32_vcpu *))
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&vcpu->wait, &wait, TASK_INTERRUPTIBLE);
		if (ready(vcpu) || signal_pending(current))
			break;
		schedule();
	}
	finish_wait(&vcpu->wait, &wait);
}

static bool powered_on(struct kvm32_vcpu *vcpu)
{
	return !READ_ONCE(vcpu->power_off);
}

int kvm32_vcpu_wait_powered_on(struct kvm32_vcpu *vcpu)
{
	vcpu_block(vcpu, powered_on);
	return signal_pending(current) ? -EINTR : 1;
}

/*
 * What ends a WFI: an interrupt pending for the vCPU (its timers' lines are
 * brought up to date first), its IRQ/FIQ line without a vGIC, or being
 * powered off meanwhile.
 */
static bool has_interrupt(struct kvm32_vcpu *vcpu)
{
	if (!powered_on(vcpu) || READ_ONCE(vcpu->irq_lines))
		return true;
	kvm32_timer_sync(vcpu);
	return kvm32_vgic_has_work(vcpu);
}

static int handle_wfx(struct kvm32_vcpu *vcpu)
{
	/* WFE: another vCPU may hold what this one waits for; let it run. */
	if (vcpu->hyp->hsr & HSR_WFX_WFE) {
		cond_resched();
	} else if (!has_interrupt(vcpu)) {
		/* The timers' interrupts may be the ones it waits for. */
		kvm32_timer_block_start(vcpu);
		vcpu_block(vcpu, has_interrupt);
		kvm32_timer_block_end(vcpu);
	}
	kvm32_skip_instr(vcpu, trapped_insn_len(vcpu));
	return 1;
}

/* The IPA of a stage-2 fault: HPFAR holds bits [39:12], the FAR the rest. */
static u64 fault_ipa(u32 hpfar, u32 far)
{
	return ((u64)(hpfar & ~0xfU) << 8) | (far & 0xfff);
}

/*
 * Accesses the kernel completes itself, without a trip to the VMM: the vGIC
 * distributor, and writes an ioeventfd is waiting for. Device registers are
 * little-endian; the bytes on the bus follow the guest's data endianness.
 */
static bool mmio_in_kernel(struct kvm32_vcpu *vcpu, u64 ipa, bool be)
{
	struct kvm32_mmio_access *acc = &vcpu->mmio;
	u8 data[4] = {};
	u32 val;

	if (acc->is_write) {
		kvm32_mmio_write_bytes(acc, *vcpu_reg(vcpu, acc->rt), be, data);
		val = get_unaligned_le32(data);
		if (!kvm32_vgic_mmio(vcpu, ipa, true, acc->len, &val) &&
		    !kvm32_ioeventfd_write(vcpu->vm, ipa, acc->len, val))
			return false;
	} else {
		if (!kvm32_vgic_mmio(vcpu, ipa, false, acc->len, &val))
			return false;
		put_unaligned_le32(val, data);
		*vcpu_reg(vcpu, acc->rt) = kvm32_mmio_read_value(acc, data, be);
	}
	kvm32_skip_instr(vcpu, acc->insn_len);
	return true;
}

static int mmio_exit(struct kvm32_vcpu *vcpu, u64 ipa)
{
	struct kvm_run *run = vcpu->run;
	u32 hsr = vcpu->hyp->hsr;
	bool be = *vcpu_cpsr(vcpu) & PSR_E_BIT;
	int ret;

	/* The guest's own page tables outside its RAM: an external abort. */
	if (kvm32_dabt_is_s1ptw(hsr)) {
		kvm32_inject_dabt(vcpu, vcpu->hyp->hdfar);
		return 1;
	}
	/* Cache maintenance by address on MMIO has nothing to maintain. */
	if (kvm32_dabt_is_cache_maint(hsr)) {
		kvm32_skip_instr(vcpu, 4);
		return 1;
	}
	/* Without a valid syndrome KVM cannot emulate the access (ldrd, ldm...). */
	ret = kvm32_decode_dabt(hsr, &vcpu->mmio);
	if (ret)
		return ret;
	if (mmio_in_kernel(vcpu, ipa, be))
		return 1;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = ipa;
	run->mmio.len = vcpu->mmio.len;
	run->mmio.is_write = vcpu->mmio.is_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (vcpu->mmio.is_write)
		kvm32_mmio_write_bytes(&vcpu->mmio, *vcpu_reg(vcpu, vcpu->mmio.rt), be,
				       run->mmio.data);
	vcpu->mmio_pending = true;
	return 0;
}

static int handle_dabt(struct kvm32_vcpu *vcpu)
{
	struct kvm32_vcpu_hyp *hyp = vcpu->hyp;
	u32 type = hyp->hsr & KVM32_HSR_DABT_WNR ? 1 : 0;
	u64 ipa;
	int ret;

	if (hyp->hpfar & HPFAR_UNKNOWN)
		return 1;	/* the guest changed its tables: let it retry */
	ipa = fault_ipa(hyp->hpfar, hyp->hdfar);

	switch (hyp->hsr & HSR_FSC_TYPE) {
	case FSC_TRANSLATION:
	case FSC_ACCESS:
		/* A stage-1 walk reads the guest's tables: map them readable. */
		ret = kvm32_stage2_map(vcpu->vm, ipa,
				       type && !kvm32_dabt_is_s1ptw(hyp->hsr));
		if (ret != -ENOENT)
			return ret ? ret : 1;
		return mmio_exit(vcpu, ipa);
	case FSC_PERMISSION:
		/* Only a read-only slot refuses an access: a write is MMIO. */
		return mmio_exit(vcpu, ipa);
	default:
		/* External aborts and the like: KVM leaves them to the VMM. */
		return -EFAULT;
	}
}

static int handle_iabt(struct kvm32_vcpu *vcpu)
{
	struct kvm32_vcpu_hyp *hyp = vcpu->hyp;
	u64 ipa = fault_ipa(hyp->hpfar, hyp->hifar);
	int ret;

	switch (hyp->hsr & HSR_FSC_TYPE) {
	case FSC_TRANSLATION:
	case FSC_ACCESS:
		ret = kvm32_stage2_map(vcpu->vm, ipa, false);
		if (ret != -ENOENT)
			return ret ? ret : 1;
		fallthrough;
	default:
		/* Executing outside memory: the guest takes a prefetch abort. */
		kvm32_inject_pabt(vcpu, hyp->hifar);
		return 1;
	}
}

int kvm32_handle_exit(struct kvm32_vcpu *vcpu, u32 exit)
{
	u32 hsr = vcpu->hyp->hsr;

	switch (exit) {
	case HYP_EXIT_IRQ:
	case HYP_EXIT_FIQ:
		return 1;	/* the host took its interrupt; go back in */
	case HYP_EXIT_TRAP:
		break;
	default:
		/* Hyp could not run the guest (HYP_ERR_PANIC): a kvm32 bug. */
		pr_err("vCPU %u: unexpected exit %#x from Hyp mode\n", vcpu->id, exit);
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason = exit;
		return 0;
	}

	if (!trapped_insn_executes(vcpu)) {
		kvm32_skip_instr(vcpu, trapped_insn_len(vcpu));
		return 1;
	}

	switch (HSR_EC(hsr)) {
	case EC_WFX:
		return handle_wfx(vcpu);
	case EC_HVC:
		return kvm32_handle_hvc(vcpu);
	case EC_DABT:
		return handle_dabt(vcpu);
	case EC_IABT:
		return handle_iabt(vcpu);
	case EC_CP15_32:
		return kvm32_handle_cp15_32(vcpu);
	case EC_CP15_64:
		return kvm32_handle_cp15_64(vcpu);
	case EC_CP14_MR:
	case EC_CP14_LS:
	case EC_CP14_64:
		return kvm32_handle_cp14(vcpu);
	case EC_SMC:		/* no Secure monitor for guests */
	case EC_CP_0_13:	/* VFP and Advanced SIMD: not given to guests yet */
	case EC_CP10_ID:
	default:
		kvm32_inject_undef(vcpu);
		return 1;
	}
}

int kvm32_get_mp_state(struct kvm32_vcpu *vcpu, void __user *argp)
{
	struct kvm_mp_state state = {
		.mp_state = vcpu->power_off ? KVM_MP_STATE_STOPPED : KVM_MP_STATE_RUNNABLE,
	};

	return copy_to_user(argp, &state, sizeof(state)) ? -EFAULT : 0;
}

int kvm32_set_mp_state(struct kvm32_vcpu *vcpu, void __user *argp)
{
	struct kvm_mp_state state;

	if (copy_from_user(&state, argp, sizeof(state)))
		return -EFAULT;
	switch (state.mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		WRITE_ONCE(vcpu->power_off, false);
		wake_up_interruptible(&vcpu->wait);
		return 0;
	case KVM_MP_STATE_STOPPED:
		WRITE_ONCE(vcpu->power_off, true);
		return 0;
	default:
		return -EINVAL;
	}
}
