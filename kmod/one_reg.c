// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_ONE_REG, KVM_SET_ONE_REG and KVM_GET_REG_LIST for the registers
 * kvm32 keeps for a vCPU (api.rst 4.68, ARM encodings):
 *
 *   core  struct kvm_regs as 32-bit words: id = its word index;
 *   CP15  the registers the world switch keeps, by (opc1, CRn, CRm, opc2)
 *         or (opc1, CRm) for 64-bit ones; MIDR and MPIDR;
 *   timer the virtual timer's CTL and CVAL, and its counter CNT (which sets
 *         the VM's virtual counter offset);
 *   VFP   d0-d15 or d0-d31 (as the host has), FPSCR, FPEXC, FPINST, FPINST2,
 *         and the host's FPSID, MVFR0, MVFR1 (read-only: writes must match);
 *   demux CCSIDR of every cache CLIDR lists, selected by a CSSELR value
 *         (the host's: read-only, writes must match).
 *
 * Unknown ids answer -ENOENT, ids of another architecture -EINVAL, as KVM.
 */
#include <linux/irqflags.h>
#include <linux/kvm.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>

#include "one_reg.h"

#define CORE_WORDS	(sizeof(struct kvm_regs) / sizeof(u32))
#define ID_CORE(i)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | (i))

struct cp15_reg {
	u64 id;
	size_t offset;		/* in struct kvm32_cpu_ctxt */
	bool read_only;		/* identification: writes must match */
};

#define R32(op1, crn, crm, op2, field, ro) \
	{ ARM_CP15_REG32(op1, crn, crm, op2), offsetof(struct kvm32_cpu_ctxt, field), ro }
#define R64(op1, crm, field) \
	{ ARM_CP15_REG64(op1, crm), offsetof(struct kvm32_cpu_ctxt, field), false }

static const struct cp15_reg cp15_regs[] = {
	R32(0, 0, 0, 0, vpidr, true),		/* MIDR */
	R32(0, 0, 0, 5, vmpidr, false),		/* MPIDR */
	R32(0, 1, 0, 0, sctlr, false),
	R32(0, 1, 0, 2, cpacr, false),
	R32(0, 2, 0, 2, ttbcr, false),
	R32(0, 3, 0, 0, dacr, false),
	R32(0, 5, 0, 0, dfsr, false),
	R32(0, 5, 0, 1, ifsr, false),
	R32(0, 5, 1, 0, adfsr, false),
	R32(0, 5, 1, 1, aifsr, false),
	R32(0, 6, 0, 0, dfar, false),
	R32(0, 6, 0, 2, ifar, false),
	R32(0, 10, 2, 0, prrr, false),
	R32(0, 10, 2, 1, nmrr, false),
	R32(0, 10, 3, 0, amair0, false),
	R32(0, 10, 3, 1, amair1, false),
	R32(0, 12, 0, 0, vbar, false),
	R32(0, 13, 0, 1, contextidr, false),
	R32(0, 13, 0, 2, tpidrurw, false),
	R32(0, 13, 0, 3, tpidruro, false),
	R32(0, 13, 0, 4, tpidrprw, false),
	R32(0, 14, 1, 0, cntkctl, false),
	R32(0, 14, 3, 1, cntv_ctl, false),	/* KVM_REG_ARM_TIMER_CTL */
	R32(2, 0, 0, 0, csselr, false),
	R64(0, 2, ttbr0),
	R64(1, 2, ttbr1),
	R64(0, 7, par),
	R64(3, 14, cntv_cval),			/* KVM_REG_ARM_TIMER_CVAL */
};

#define ID_VFP(size, i)	(KVM_REG_ARM | (size) | KVM_REG_ARM_VFP | (i))

static const u16 vfp_ctrl_regs[] = {
	KVM_REG_ARM_VFP_FPSID, KVM_REG_ARM_VFP_FPSCR, KVM_REG_ARM_VFP_MVFR1,
	KVM_REG_ARM_VFP_MVFR0, KVM_REG_ARM_VFP_FPEXC, KVM_REG_ARM_VFP_FPINST,
	KVM_REG_ARM_VFP_FPINST2,
};

/* The host's VFP identification (readable whatever FPEXC.EN says). */
static u32 read_fpsid(void)
{
	u32 v;

	asm volatile("mrc p10, 7, %0, cr0, cr0, 0" : "=r" (v));
	return v;
}

static u32 read_mvfr0(void)
{
	u32 v;

	asm volatile("mrc p10, 7, %0, cr7, cr0, 0" : "=r" (v));
	return v;
}

static u32 read_mvfr1(void)
{
	u32 v;

	asm volatile("mrc p10, 7, %0, cr6, cr0, 0" : "=r" (v));
	return v;
}

/* VFPv3-D32 and later have d16-d31 (MVFR0.A_SIMD_registers == 2). */
static unsigned int nr_vfp_dregs(void)
{
	return (read_mvfr0() & 0xf) == 2 ? 32 : 16;
}

#define ID_CCSIDR(csselr)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | \
				 KVM_REG_ARM_DEMUX_ID_CCSIDR | (csselr))
#define CSSELR_MAX		14	/* level 7, instruction: (6 << 1) | 1 */

/* Whether CLIDR lists the cache a CSSELR value selects: (level << 1) | InD. */
static bool valid_csselr(u32 csselr)
{
	u32 clidr, ctype, level = csselr >> 1;

	if (csselr > CSSELR_MAX)
		return false;
	asm volatile("mrc p15, 1, %0, c0, c0, 1" : "=r" (clidr));
	ctype = (clidr >> (level * 3)) & 7;
	switch (ctype) {
	case 1:			/* instruction cache only */
		return csselr & 1;
	case 2:			/* data cache only */
	case 4:			/* unified */
		return !(csselr & 1);
	case 3:			/* separate instruction and data caches */
		return true;
	default:
		return false;
	}
}

/* The host's CCSIDR for a cache: select it, read, put the selection back. */
static u32 read_ccsidr(u32 csselr)
{
	unsigned long flags;
	u32 ccsidr, saved;

	local_irq_save(flags);
	asm volatile("mrc p15, 2, %0, c0, c0, 0" : "=r" (saved));
	asm volatile("mcr p15, 2, %0, c0, c0, 0\n\tisb" : : "r" (csselr));
	asm volatile("mrc p15, 1, %0, c0, c0, 0" : "=r" (ccsidr));
	asm volatile("mcr p15, 2, %0, c0, c0, 0\n\tisb" : : "r" (saved));
	local_irq_restore(flags);
	return ccsidr;
}

static unsigned int nr_caches(void)
{
	unsigned int csselr, n = 0;

	for (csselr = 0; csselr <= CSSELR_MAX; csselr++)
		n += valid_csselr(csselr);
	return n;
}

static int demux_reg(u64 id, bool set, u32 __user *uaddr)
{
	u32 csselr = id & KVM_REG_ARM_DEMUX_VAL_MASK, val;

	if ((id & KVM_REG_ARM_DEMUX_ID_MASK) != KVM_REG_ARM_DEMUX_ID_CCSIDR ||
	    KVM_REG_SIZE(id) != sizeof(u32) || !valid_csselr(csselr))
		return -ENOENT;
	if (!set)
		return put_user(read_ccsidr(csselr), uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	return val == read_ccsidr(csselr) ? 0 : -EINVAL;
}

static unsigned int nr_regs(void)
{
	return CORE_WORDS + ARRAY_SIZE(cp15_regs) + 1 /* TIMER_CNT */ +
	       nr_vfp_dregs() + ARRAY_SIZE(vfp_ctrl_regs) + nr_caches();
}

static bool valid_core_cpsr(u32 cpsr)
{
	switch (cpsr & MODE_MASK) {
	case USR_MODE:
	case FIQ_MODE:
	case IRQ_MODE:
	case SVC_MODE:
	case ABT_MODE:
	case UND_MODE:
	case SYSTEM_MODE:
		return true;
	default:
		return false;	/* Hyp and Monitor mode are not the guest's */
	}
}

static int core_reg(struct kvm32_vcpu *vcpu, u64 id, bool set, u32 __user *uaddr)
{
	u32 *words = (u32 *)&vcpu_ctxt(vcpu)->core;
	u64 index = id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_CORE);
	u32 val;

	if (KVM_REG_SIZE(id) != sizeof(u32) || index >= CORE_WORDS)
		return -ENOENT;
	if (!set)
		return put_user(words[index], uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	if (index == KVM_REG_ARM_CORE_REG(usr_regs.ARM_cpsr) && !valid_core_cpsr(val))
		return -EINVAL;
	words[index] = val;
	return 0;
}

/* The virtual counter: the physical one less the VM's offset. */
static int timer_cnt(struct kvm32_vcpu *vcpu, bool set, u64 __user *uaddr)
{
	struct kvm32_vm *vm = vcpu->vm;
	u64 val, now = __arch_counter_get_cntpct();
	unsigned int i;

	if (!set)
		return put_user(now - vcpu->hyp->cntvoff, uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	/* One virtual counter per VM: every vCPU sees the same. */
	mutex_lock(&vm->lock);
	vm->cntvoff = now - val;
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i]->hyp->cntvoff = vm->cntvoff;
	mutex_unlock(&vm->lock);
	return 0;
}

static int cp15_reg(struct kvm32_vcpu *vcpu, const struct cp15_reg *r, bool set,
		    void __user *uaddr)
{
	void *field = (char *)vcpu_ctxt(vcpu) + r->offset;
	size_t size = KVM_REG_SIZE(r->id);
	u64 val = 0;

	if (!set)
		return copy_to_user(uaddr, field, size) ? -EFAULT : 0;
	if (copy_from_user(&val, uaddr, size))
		return -EFAULT;
	if (r->read_only)
		return memcmp(&val, field, size) ? -EINVAL : 0;
	memcpy(field, &val, size);
	return 0;
}

static int vfp_reg(struct kvm32_vcpu *vcpu, u64 id, bool set, void __user *uaddr)
{
	struct kvm32_vfp *vfp = &vcpu->hyp->vfp;
	u32 index = id & KVM_REG_ARM_VFP_MASK, val, *field, host;

	if (index < nr_vfp_dregs()) {
		if (KVM_REG_SIZE(id) != sizeof(u64))
			return -ENOENT;
		if (set)
			return copy_from_user(&vfp->d[index], uaddr, 8) ? -EFAULT : 0;
		return copy_to_user(uaddr, &vfp->d[index], 8) ? -EFAULT : 0;
	}
	if (KVM_REG_SIZE(id) != sizeof(u32))
		return -ENOENT;
	switch (index) {
	case KVM_REG_ARM_VFP_FPSCR:
		field = &vfp->fpscr;
		break;
	case KVM_REG_ARM_VFP_FPEXC:
		field = &vfp->fpexc;
		break;
	case KVM_REG_ARM_VFP_FPINST:
		field = &vfp->fpinst;
		break;
	case KVM_REG_ARM_VFP_FPINST2:
		field = &vfp->fpinst2;
		break;
	case KVM_REG_ARM_VFP_FPSID:
	case KVM_REG_ARM_VFP_MVFR0:
	case KVM_REG_ARM_VFP_MVFR1:
		host = index == KVM_REG_ARM_VFP_FPSID ? read_fpsid() :
		       index == KVM_REG_ARM_VFP_MVFR0 ? read_mvfr0() : read_mvfr1();
		if (!set)
			return put_user(host, (u32 __user *)uaddr);
		if (get_user(val, (u32 __user *)uaddr))
			return -EFAULT;
		return val == host ? 0 : -EINVAL;
	default:
		return -ENOENT;
	}
	if (set)
		return get_user(*field, (u32 __user *)uaddr);
	return put_user(*field, (u32 __user *)uaddr);
}

int kvm32_one_reg(struct kvm32_vcpu *vcpu, bool set, void __user *argp)
{
	struct kvm_one_reg reg;
	unsigned int i;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	if ((reg.id & KVM_REG_ARCH_MASK) != KVM_REG_ARM)
		return -EINVAL;
	if ((reg.id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_CORE)
		return core_reg(vcpu, reg.id, set, u64_to_user_ptr(reg.addr));
	if ((reg.id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_DEMUX)
		return demux_reg(reg.id, set, u64_to_user_ptr(reg.addr));
	if ((reg.id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_VFP)
		return vfp_reg(vcpu, reg.id, set, u64_to_user_ptr(reg.addr));
	if (reg.id == KVM_REG_ARM_TIMER_CNT)
		return timer_cnt(vcpu, set, u64_to_user_ptr(reg.addr));
	for (i = 0; i < ARRAY_SIZE(cp15_regs); i++)
		if (cp15_regs[i].id == reg.id)
			return cp15_reg(vcpu, &cp15_regs[i], set, u64_to_user_ptr(reg.addr));
	return -ENOENT;
}

int kvm32_reg_list(struct kvm32_vcpu *vcpu, void __user *argp)
{
	struct kvm_reg_list __user *user_list = argp;
	u64 __user *ids = user_list->reg;
	struct kvm_reg_list list;
	unsigned int i;

	if (copy_from_user(&list, user_list, sizeof(list)))
		return -EFAULT;
	if (put_user((u64)nr_regs(), &user_list->n))
		return -EFAULT;
	if (list.n < nr_regs())
		return -E2BIG;
	for (i = 0; i < CORE_WORDS; i++)
		if (put_user(ID_CORE(i), ids++))
			return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(cp15_regs); i++)
		if (put_user(cp15_regs[i].id, ids++))
			return -EFAULT;
	if (put_user((u64)KVM_REG_ARM_TIMER_CNT, ids++))
		return -EFAULT;
	for (i = 0; i < nr_vfp_dregs(); i++)
		if (put_user(ID_VFP(KVM_REG_SIZE_U64, i), ids++))
			return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(vfp_ctrl_regs); i++)
		if (put_user(ID_VFP(KVM_REG_SIZE_U32, vfp_ctrl_regs[i]), ids++))
			return -EFAULT;
	for (i = 0; i <= CSSELR_MAX; i++)
		if (valid_csselr(i) && put_user((u64)ID_CCSIDR(i), ids++))
			return -EFAULT;
	return 0;
}
