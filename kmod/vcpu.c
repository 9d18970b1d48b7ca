// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: creation, the vCPU file (mmap of struct kvm_run and the ioctls),
 * the state KVM_ARM_VCPU_INIT gives, and KVM_RUN's loop around the world
 * switch.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>
#include <asm/cputype.h>

#include "cpu_id.h"
#include "exit.h"
#include "hyp_call.h"
#include "hyp_mmu.h"
#include "one_reg.h"
#include "stage2.h"
#include "timer.h"
#include "vcpu.h"
#include "vgic.h"
#include "vmid.h"

/* HCR while a guest runs: stage 2 on, its interrupts and aborts to Hyp, and
 * the traps KVM sets (SMC, set/way cache ops, ACTLR, implementation-defined
 * registers, WFI/WFE); TLB and barrier operations broadcast in the Inner
 * Shareable domain, so they reach a vCPU's state wherever it runs next.
 */
#define HCR_VM		BIT(0)
#define HCR_SWIO	BIT(1)
#define HCR_FMO		BIT(3)
#define HCR_VF		BIT(6)
#define HCR_VI		BIT(7)
#define HCR_IMO		BIT(4)
#define HCR_AMO		BIT(5)
#define HCR_FB		BIT(9)
#define HCR_BSU_IS	BIT(10)
#define HCR_TWI		BIT(13)
#define HCR_TWE		BIT(14)
#define HCR_TSC		BIT(19)
#define HCR_TIDCP	BIT(20)
#define HCR_TAC		BIT(21)
#define HCR_TSW		BIT(22)
#define HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | \
			 HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TIDCP | HCR_TAC | \
			 HCR_TSW)
/* CP15 c15 (implementation defined) traps. */
#define HSTR_T15	BIT(15)
/* VFP/Advanced SIMD (cp10, cp11) trap: the host's VFP state stays the host's. */
#define HCPTR_TCP10	BIT(10)
#define HCPTR_TCP11	BIT(11)
#define HCPTR_TASE	BIT(15)
/* The guest reads the physical counter but cannot program the physical timer. */
#define CNTHCTL_PL1PCTEN	BIT(0)
/* PMU and debug registers trap: they belong to the host. */
#define HDCR_TPMCR	BIT(5)
#define HDCR_TPM	BIT(6)
#define HDCR_TDA	BIT(9)
#define HDCR_TDOSA	BIT(10)
#define HDCR_TDRA	BIT(11)

#define SCTLR_RESET	0x00c50078	/* Cortex-A15/A7: MMU, caches off */
#define ACTLR_SMP	BIT(6)
#define L2CTLR_NCPUS_SHIFT	24
#define L2CTLR_NCPUS_MASK	(3 << L2CTLR_NCPUS_SHIFT)

/*
 * ACTLR and L2CTLR as the guest reads them (KVM's values): the host's, with
 * the SMP bit and the cluster's CPU count telling the VM's topology (four
 * vCPUs per cluster, as MPIDR numbers them).
 */
static void reset_impdef_regs(struct kvm32_vcpu *vcpu)
{
	unsigned int nr = vcpu->vm->nr_vcpus, in_cluster;
	u32 actlr, l2ctlr;

	asm volatile("mrc p15, 0, %0, c1, c0, 1" : "=r" (actlr));
	asm volatile("mrc p15, 1, %0, c9, c0, 2" : "=r" (l2ctlr));
	vcpu->actlr = nr > 1 ? actlr | ACTLR_SMP : actlr & ~ACTLR_SMP;
	in_cluster = min(nr - (vcpu->id & ~3U), 4U);
	vcpu->l2ctlr = (l2ctlr & ~L2CTLR_NCPUS_MASK) | ((in_cluster - 1) << L2CTLR_NCPUS_SHIFT);
}

u32 *vcpu_reg(struct kvm32_vcpu *vcpu, unsigned int n)
{
	struct kvm_regs *r = &vcpu_ctxt(vcpu)->core;
	u32 mode = *vcpu_cpsr(vcpu) & MODE_MASK;

	if (n < 8 || n == 15 || (n < 13 && mode != FIQ_MODE))
		return (u32 *)&r->usr_regs.uregs[n];
	if (mode == FIQ_MODE)
		return (u32 *)&r->fiq_regs[n - 8];
	switch (mode) {
	case SVC_MODE:
		return (u32 *)&r->svc_regs[n - 13];
	case ABT_MODE:
		return (u32 *)&r->abt_regs[n - 13];
	case UND_MODE:
		return (u32 *)&r->und_regs[n - 13];
	case IRQ_MODE:
		return (u32 *)&r->irq_regs[n - 13];
	default:	/* USR, SYS */
		return (u32 *)&r->usr_regs.uregs[n];
	}
}

u32 *vcpu_spsr(struct kvm32_vcpu *vcpu)
{
	struct kvm_regs *r = &vcpu_ctxt(vcpu)->core;

	switch (*vcpu_cpsr(vcpu) & MODE_MASK) {
	case SVC_MODE:
		return (u32 *)&r->svc_regs[2];
	case ABT_MODE:
		return (u32 *)&r->abt_regs[2];
	case UND_MODE:
		return (u32 *)&r->und_regs[2];
	case IRQ_MODE:
		return (u32 *)&r->irq_regs[2];
	case FIQ_MODE:
		return (u32 *)&r->fiq_regs[7];
	default:
		return NULL;
	}
}

void kvm32_vcpu_reset(struct kvm32_vcpu *vcpu)
{
	struct kvm32_vcpu_hyp *hyp = vcpu->hyp;
	struct kvm32_cpu_ctxt *c = &hyp->ctxt;

	memset(c, 0, sizeof(*c));
	memset(&hyp->vfp, 0, sizeof(hyp->vfp));	/* FPEXC.EN clear: VFP off */
	c->core.usr_regs.ARM_cpsr = SVC_MODE | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;
	c->sctlr = SCTLR_RESET;
	c->vpidr = read_cpuid_id();
	/* Four vCPUs per cluster, as KVM numbers them. */
	c->vmpidr = BIT(31) | ((vcpu->id >> 2) << 8) | (vcpu->id & 3);

	hyp->hcr = HCR_GUEST;
	hyp->hstr = HSTR_T15;
	hyp->hcptr = HCPTR_TCP10 | HCPTR_TCP11 | HCPTR_TASE;
	hyp->cnthctl = CNTHCTL_PL1PCTEN;
	hyp->hdcr = HDCR_TPMCR | HDCR_TPM | HDCR_TDA | HDCR_TDOSA | HDCR_TDRA;
	hyp->cntvoff = vcpu->vm->cntvoff;

	vcpu->power_off = vcpu->features & BIT(KVM_ARM_VCPU_POWER_OFF);
	vcpu->mmio_pending = false;
	reset_impdef_regs(vcpu);
	kvm32_timer_vcpu_reset(vcpu);
}

int kvm32_vcpu_preferred_target(void __user *argp)
{
	struct kvm_vcpu_init init = {};
	int target = kvm32_cpu_target(read_cpuid_id());

	if (target < 0)
		return -ENODEV;
	init.target = target;
	return copy_to_user(argp, &init, sizeof(init)) ? -EFAULT : 0;
}

/* KVM_ARM_VCPU_POWER_OFF and KVM_ARM_VCPU_PSCI_0_2: bits 0 and 1. */
#define NR_FEATURES	2

static int vcpu_init(struct kvm32_vcpu *vcpu, void __user *argp)
{
	struct kvm_vcpu_init init;
	unsigned int i;
	u32 features = 0;

	if (copy_from_user(&init, argp, sizeof(init)))
		return -EFAULT;
	if (init.target != kvm32_cpu_target(read_cpuid_id()))
		return -EINVAL;
	/* Bit by bit from bit 0, so the same error wins as in KVM. */
	for (i = 0; i < ARRAY_SIZE(init.features) * 32; i++) {
		bool set = init.features[i / 32] & BIT(i % 32);

		if (set && i >= NR_FEATURES)
			return -ENOENT;
		/* Init again is a reset, but with the same features. */
		if (vcpu->target >= 0 && i < NR_FEATURES &&
		    !!(vcpu->features & BIT(i)) != set)
			return -EINVAL;
		if (set)
			features |= BIT(i);
	}

	vcpu->target = init.target;
	vcpu->features = features;
	/*
	 * A reset after running (a reboot): what the VMM wrote into guest
	 * memory since (new images) may sit in the host's caches, while the
	 * guest starts with its caches off. Unmapping makes every page go
	 * through the clean to PoC again when the guest touches it, as KVM's
	 * stage2_unmap_vm() does at this point.
	 */
	if (vcpu->has_run)
		kvm32_stage2_evict_all(vcpu->vm);
	kvm32_vcpu_reset(vcpu);
	return 0;
}

/* Completes the MMIO access the VMM has just served (KVM_EXIT_MMIO). */
static void complete_mmio(struct kvm32_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	vcpu->mmio_pending = false;
	if (run->exit_reason != KVM_EXIT_MMIO)
		return;
	if (!vcpu->mmio.is_write) {
		bool be = *vcpu_cpsr(vcpu) & PSR_E_BIT;

		*vcpu_reg(vcpu, vcpu->mmio.rt) =
			kvm32_mmio_read_value(&vcpu->mmio, run->mmio.data, be);
	}
	kvm32_skip_instr(vcpu, vcpu->mmio.insn_len);
}

void kvm32_vcpu_kick(struct kvm32_vcpu *vcpu)
{
	wake_up_interruptible(&vcpu->wait);
	/* The caller's new pending state is visible before we look at the mode. */
	smp_mb();
	/* A reschedule IPI to its CPU: any interrupt makes the guest exit. */
	rcu_read_lock();
	if (READ_ONCE(vcpu->mode) == VCPU_IN_GUEST)
		kick_process(READ_ONCE(vcpu->task));
	rcu_read_unlock();
}

int kvm32_vcpu_set_irq_line(struct kvm32_vcpu *vcpu, unsigned int line, bool level)
{
	if (line > KVM_ARM_IRQ_CPU_FIQ)
		return -EINVAL;
	if (level)
		set_bit(line, &vcpu->irq_lines);
	else
		clear_bit(line, &vcpu->irq_lines);
	if (level)
		kvm32_vcpu_kick(vcpu);
	return 0;
}

/* One trip into the guest and back; returns HYP_EXIT_*. */
static u32 enter_guest(struct kvm32_vcpu *vcpu)
{
	unsigned long lines;
	u32 exit;

	for (;;) {
		preempt_disable();
		kvm32_vmid_update(vcpu->vm);
		local_irq_disable();
		if (!kvm32_vmid_stale(vcpu->vm))
			break;
		local_irq_enable();
		preempt_enable();
	}
	/*
	 * From here a kick sends an IPI, which stays pending while interrupts
	 * are off and makes the guest exit at once: new work found by neither
	 * the flush below nor the kick is impossible (see kvm32_vcpu_kick).
	 */
	WRITE_ONCE(vcpu->mode, VCPU_IN_GUEST);
	smp_mb();	/* the mode before the work: pairs with kvm32_vcpu_kick() */
	/* The common case, nothing new for this vCPU, costs a load. */
	if (READ_ONCE(vcpu->vm->vgic.dirty) & BIT(vcpu->idx))
		kvm32_vgic_flush(vcpu);
	kvm32_timer_before_entry(vcpu);
	lines = READ_ONCE(vcpu->irq_lines);
	vcpu->hyp->hcr = HCR_GUEST | (lines & BIT(KVM_ARM_IRQ_CPU_IRQ) ? HCR_VI : 0) |
			 (lines & BIT(KVM_ARM_IRQ_CPU_FIQ) ? HCR_VF : 0);
	vcpu->hyp->vttbr = kvm32_vm_vttbr(vcpu->vm);

	exit = kvm32_hyp_call(HYP_CALL_RUN, (unsigned long)vcpu->hyp, 0, 0);

	WRITE_ONCE(vcpu->mode, VCPU_OUTSIDE_GUEST);
	if (vcpu->hyp->vgic.used_lrs)
		kvm32_vgic_sync(vcpu);
	/* An interrupt that made the guest exit is taken by the host here. */
	local_irq_enable();
	preempt_enable();
	kvm32_timer_sync(vcpu);
	return exit;
}

/* The first KVM_RUN fixes the interrupt controller: it must be usable now. */
static int first_run(struct kvm32_vcpu *vcpu)
{
	/* Kicks go to whichever thread runs it; the reference outlives any kick. */
	if (vcpu->task != current) {
		struct task_struct *old = vcpu->task;

		WRITE_ONCE(vcpu->task, get_task_struct(current));
		if (old) {
			synchronize_rcu();	/* no kick still holds the old one */
			put_task_struct(old);
		}
	}
	if (!vcpu->has_run) {
		mutex_lock(&vcpu->vm->lock);
		vcpu->has_run = true;
		mutex_unlock(&vcpu->vm->lock);
	}
	return kvm32_vgic_prepare_run(vcpu);
}

static int vcpu_run(struct kvm32_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	sigset_t saved;
	int ret;

	if (vcpu->target < 0)
		return -ENOEXEC;
	ret = first_run(vcpu);
	if (ret)
		return ret;
	if (vcpu->mmio_pending)
		complete_mmio(vcpu);
	if (READ_ONCE(run->immediate_exit))
		return -EINTR;
	if (vcpu->sigmask_set)
		sigprocmask(SIG_SETMASK, &vcpu->sigmask, &saved);

	run->exit_reason = KVM_EXIT_UNKNOWN;
	do {
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		if (vcpu->power_off) {
			/* Woken by CPU_ON, or by a signal the next pass reports. */
			kvm32_vcpu_wait_powered_on(vcpu);
			ret = 1;
			continue;
		}
		cond_resched();
		ret = kvm32_handle_exit(vcpu, enter_guest(vcpu));
	} while (ret > 0);

	if (vcpu->sigmask_set)
		sigprocmask(SIG_SETMASK, &saved, NULL);
	return ret;
}

static int vcpu_set_sigmask(struct kvm32_vcpu *vcpu, void __user *argp)
{
	struct kvm_signal_mask mask;
	sigset_t set;

	if (!argp) {
		vcpu->sigmask_set = false;
		return 0;
	}
	if (copy_from_user(&mask, argp, sizeof(mask)))
		return -EFAULT;
	if (mask.len != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, argp + sizeof(mask), sizeof(set)))
		return -EFAULT;
	sigdelsetmask(&set, sigmask(SIGKILL) | sigmask(SIGSTOP));
	vcpu->sigmask = set;
	vcpu->sigmask_set = true;
	return 0;
}

static long vcpu_ioctl_locked(struct kvm32_vcpu *vcpu, unsigned int ioctl, void __user *argp)
{
	switch (ioctl) {
	case KVM_RUN:
		return argp ? -EINVAL : vcpu_run(vcpu);
	case KVM_ARM_VCPU_INIT:
		return vcpu_init(vcpu, argp);
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		if (vcpu->target < 0)
			return -ENOEXEC;
		return kvm32_one_reg(vcpu, ioctl == KVM_SET_ONE_REG, argp);
	case KVM_GET_REG_LIST:
		if (vcpu->target < 0)
			return -ENOEXEC;
		return kvm32_reg_list(vcpu, argp);
	case KVM_SET_SIGNAL_MASK:
		return vcpu_set_sigmask(vcpu, argp);
	case KVM_GET_MP_STATE:
		return kvm32_get_mp_state(vcpu, argp);
	case KVM_SET_MP_STATE:
		return kvm32_set_mp_state(vcpu, argp);
	default:
		return -EINVAL;
	}
}

static long vcpu_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	struct kvm32_vcpu *vcpu = file->private_data;
	long ret;

	if (current->mm != vcpu->vm->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	ret = vcpu_ioctl_locked(vcpu, ioctl, (void __user *)arg);
	mutex_unlock(&vcpu->lock);
	return ret;
}

static vm_fault_t vcpu_fault(struct vm_fault *vmf)
{
	struct kvm32_vcpu *vcpu = vmf->vma->vm_file->private_data;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct vcpu_vm_ops = {
	.fault = vcpu_fault,
};

static int vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &vcpu_vm_ops;
	return 0;
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct kvm32_vcpu *vcpu = file->private_data;

	kvm32_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.release = vcpu_release,
	.unlocked_ioctl = vcpu_ioctl,
	.mmap = vcpu_mmap,
	.llseek = noop_llseek,
};

void kvm32_vcpu_free(struct kvm32_vcpu *vcpu)
{
	kvm32_timer_vcpu_destroy(vcpu);
	if (vcpu->task)
		put_task_struct(vcpu->task);
	if (vcpu->hyp)
		kvm32_hyp_unmap(vcpu->hyp, PAGE_SIZE);
	free_page((unsigned long)vcpu->hyp);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

int kvm32_vcpu_create(struct kvm32_vm *vm, unsigned long id)
{
	struct kvm32_vcpu *vcpu;
	char name[24];
	unsigned int i;
	int ret, fd;

	if (id >= KVM32_MAX_VCPUS || vm->nr_vcpus >= KVM32_MAX_VCPUS)
		return -EINVAL;
	/* The vGIC has counted its CPUs. */
	if (vm->vgic.initialized)
		return -EBUSY;
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i]->id == id)
			return -EEXIST;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->target = -1;
	vcpu->idx = vm->nr_vcpus;
	mutex_init(&vcpu->lock);
	init_waitqueue_head(&vcpu->wait);
	kvm32_timer_vcpu_init(vcpu);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->hyp = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!vcpu->run || !vcpu->hyp)
		goto err;
	ret = kvm32_hyp_map(vcpu->hyp, PAGE_SIZE);
	if (ret) {
		free_page((unsigned long)vcpu->hyp);
		vcpu->hyp = NULL;
		goto err;
	}

	kvm32_vm_get(vm);
	snprintf(name, sizeof(name), "kvm-vcpu:%lu", id);
	fd = anon_inode_getfd(name, &vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		kvm32_vm_put(vm);
		ret = fd;
		goto err;
	}
	vm->vcpus[vm->nr_vcpus++] = vcpu;
	/* As KVM 5.6 does for each new vCPU: the VM's virtual counter restarts from zero. */
	kvm32_vm_set_cntvoff(vm, __arch_counter_get_cntpct());
	return fd;
err:
	kvm32_vcpu_free(vcpu);
	return ret;
}
