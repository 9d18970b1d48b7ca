// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_ONE_REG, KVM_SET_ONE_REG and KVM_GET_REG_LIST for the registers
 * kvm32 keeps for a vCPU (api.rst 4.68, ARM encodings):
 *
 *   core  struct kvm_regs as 32-bit words: id = its word index;
 *   CP15  the registers the world switch keeps, by (opc1, CRn, CRm, opc2)
 *         or (opc1, CRm) for 64-bit ones (TTBR0/1 also by their 32-bit
 *         view); MPIDR; ACTLR and L2CTLR as the guest reads them; the
 *         host's identification registers (read-only: writes must match);
 *   timer the virtual timer's CTL and CVAL, and its counter CNT (which sets
 *         the VM's virtual counter offset); the physical timer's
 *         KVM_REG_ARM_PTIMER_* ids are unknown (-ENOENT), as in 32-bit
 *         Linux 5.6, whose CNTP_* coproc entries keep no state for ONE_REG;
 *   VFP   d0-d15 or d0-d31 (as the host has), FPSCR, FPEXC, FPINST, FPINST2,
 *         and the host's FPSID, MVFR0, MVFR1 (read-only: writes must match);
 *   demux CCSIDR of every cache CLIDR lists, selected by a CSSELR value
 *         (the host's: read-only, writes must match);
 *   firmware  the VM's PSCI version, and the levels of the SMCCC workarounds.
 *
 * Unknown ids answer -ENOENT, ids of another architecture -EINVAL, as KVM.
 */
#include <linux/irqflags.h>
#include <linux/kvm.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>
#include <asm/cputype.h>

#include "cpu_id.h"
#include "one_reg.h"

#define CORE_WORDS	(sizeof(struct kvm_regs) / sizeof(u32))
#define ID_CORE(i)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | (i))

struct cp15_reg {
	u64 id;
	size_t offset;		/* in struct kvm32_cpu_ctxt */
};

#define R32(op1, crn, crm, op2, field) \
	{ ARM_CP15_REG32(op1, crn, crm, op2), offsetof(struct kvm32_cpu_ctxt, field) }
#define R64(op1, crm, field) \
	{ ARM_CP15_REG64(op1, crm), offsetof(struct kvm32_cpu_ctxt, field) }

static const struct cp15_reg cp15_regs[] = {
	R32(0, 0, 0, 5, vmpidr),		/* MPIDR */
	R32(0, 1, 0, 0, sctlr),
	R32(0, 1, 0, 2, cpacr),
	R32(0, 2, 0, 0, ttbr0),		/* TTBR0, 32-bit view: low word */
	R32(0, 2, 0, 1, ttbr1),		/* TTBR1, 32-bit view */
	R32(0, 2, 0, 2, ttbcr),
	R32(0, 3, 0, 0, dacr),
	R32(0, 5, 0, 0, dfsr),
	R32(0, 5, 0, 1, ifsr),
	R32(0, 5, 1, 0, adfsr),
	R32(0, 5, 1, 1, aifsr),
	R32(0, 6, 0, 0, dfar),
	R32(0, 6, 0, 2, ifar),
	R32(0, 10, 2, 0, prrr),
	R32(0, 10, 2, 1, nmrr),
	R32(0, 10, 3, 0, amair0),
	R32(0, 10, 3, 1, amair1),
	R32(0, 12, 0, 0, vbar),
	R32(0, 13, 0, 1, contextidr),
	R32(0, 13, 0, 2, tpidrurw),
	R32(0, 13, 0, 3, tpidruro),
	R32(0, 13, 0, 4, tpidrprw),
	R32(0, 14, 1, 0, cntkctl),
	R32(0, 14, 3, 1, cntv_ctl),	/* KVM_REG_ARM_TIMER_CTL */
	R32(2, 0, 0, 0, csselr),
	R64(0, 2, ttbr0),
	R64(1, 2, ttbr1),
	R64(0, 7, par),
	R64(3, 14, cntv_cval),			/* KVM_REG_ARM_TIMER_CVAL */
};

/* The host's identification registers, read at PL1 as the guest reads them. */
#define ID_REG(op1, crn, crm, op2)					\
	static u32 read_id_##op1##_##crn##_##crm##_##op2(void)		\
	{								\
		u32 v;							\
		asm volatile("mrc p15, " #op1 ", %0, c" #crn ", c" #crm ", " #op2 \
			     : "=r" (v));				\
		return v;						\
	}
#define ID_ENTRY(op1, crn, crm, op2) \
	{ ARM_CP15_REG32(op1, crn, crm, op2), read_id_##op1##_##crn##_##crm##_##op2 }

ID_REG(0, 0, 0, 0)	/* MIDR (the guest's VPIDR equals it) */
ID_REG(0, 0, 0, 1)	/* CTR */
ID_REG(0, 0, 0, 2)	/* TCMTR */
ID_REG(0, 0, 0, 3)	/* TLBTR */
ID_REG(0, 0, 0, 6)	/* REVIDR */
ID_REG(0, 0, 1, 0)	/* ID_PFR0 */
ID_REG(0, 0, 1, 1)	/* ID_PFR1 */
ID_REG(0, 0, 1, 2)	/* ID_DFR0 */
ID_REG(0, 0, 1, 3)	/* ID_AFR0 */
ID_REG(0, 0, 1, 4)	/* ID_MMFR0 */
ID_REG(0, 0, 1, 5)	/* ID_MMFR1 */
ID_REG(0, 0, 1, 6)	/* ID_MMFR2 */
ID_REG(0, 0, 1, 7)	/* ID_MMFR3 */
ID_REG(0, 0, 2, 0)	/* ID_ISAR0 */
ID_REG(0, 0, 2, 1)	/* ID_ISAR1 */
ID_REG(0, 0, 2, 2)	/* ID_ISAR2 */
ID_REG(0, 0, 2, 3)	/* ID_ISAR3 */
ID_REG(0, 0, 2, 4)	/* ID_ISAR4 */
ID_REG(0, 0, 2, 5)	/* ID_ISAR5 */
ID_REG(1, 0, 0, 1)	/* CLIDR */
ID_REG(1, 0, 0, 7)	/* AIDR */

static const struct id_reg {
	u64 id;
	u32 (*read)(void);
} id_regs[] = {
	ID_ENTRY(0, 0, 0, 0), ID_ENTRY(0, 0, 0, 1), ID_ENTRY(0, 0, 0, 2),
	ID_ENTRY(0, 0, 0, 3), ID_ENTRY(0, 0, 0, 6), ID_ENTRY(0, 0, 1, 0),
	ID_ENTRY(0, 0, 1, 1), ID_ENTRY(0, 0, 1, 2), ID_ENTRY(0, 0, 1, 3),
	ID_ENTRY(0, 0, 1, 4), ID_ENTRY(0, 0, 1, 5), ID_ENTRY(0, 0, 1, 6),
	ID_ENTRY(0, 0, 1, 7), ID_ENTRY(0, 0, 2, 0), ID_ENTRY(0, 0, 2, 1),
	ID_ENTRY(0, 0, 2, 2), ID_ENTRY(0, 0, 2, 3), ID_ENTRY(0, 0, 2, 4),
	ID_ENTRY(0, 0, 2, 5), ID_ENTRY(1, 0, 0, 1), ID_ENTRY(1, 0, 0, 7),
};

#define ID_ACTLR	ARM_CP15_REG32(0, 1, 0, 1)
#define ID_L2CTLR	ARM_CP15_REG32(1, 9, 0, 2)

static const u64 fw_regs[] = {
	KVM_REG_ARM_PSCI_VERSION,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
};

#define KVM_REG_FEATURE_LEVEL_MASK	0xf
#define PSCI_0_1	0x00000001
#define PSCI_0_2	0x00000002
#define PSCI_1_0	0x00010000
#define TIMER_CTL_ISTATUS	BIT(2)

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

	if (id != ID_CCSIDR(csselr) || !valid_csselr(csselr))
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
	       ARRAY_SIZE(id_regs) + 2 /* ACTLR, L2CTLR */ + ARRAY_SIZE(fw_regs) +
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
		return true;
	default:
		return false;	/* as KVM: no System, Hyp or Monitor mode */
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

	if (!set)
		return put_user(now - vcpu->hyp->cntvoff, uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	mutex_lock(&vm->lock);
	kvm32_vm_set_cntvoff(vm, now - val);
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
	memcpy(field, &val, size);
	return 0;
}

static int vfp_reg(struct kvm32_vcpu *vcpu, u64 id, bool set, void __user *uaddr)
{
	struct kvm32_vfp *vfp = &vcpu->hyp->vfp;
	u32 index = id & KVM_REG_ARM_VFP_MASK, val, *field, host;

	/* No stray bits: exactly a VFP id of its size (as KVM). */
	if (id != ID_VFP(id & KVM_REG_SIZE_MASK, index))
		return -ENOENT;
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

/* Read-only registers: reads give @host; a write must repeat it. */
static int read_only_reg(u32 host, bool set, u32 __user *uaddr)
{
	u32 val;

	if (!set)
		return put_user(host, uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	return val == host ? 0 : -EINVAL;
}

/* Registers the guest reads but cannot write (ACTLR, L2CTLR): set by the VMM. */
static int vcpu_word(u32 *field, bool set, u32 __user *uaddr)
{
	return set ? get_user(*field, uaddr) : put_user(*field, uaddr);
}

/*
 * 5.6's levels on 32-bit ARM: WORKAROUND_1 (Spectre v2) is available where
 * Hyp invalidates the branch predictor on guest exit (hyp_switch.S);
 * WORKAROUND_2 (SSBD) is unknown.
 */
static u64 workaround_level(u64 id)
{
	if (id == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1)
		return kvm32_cpu_needs_bp_hardening(read_cpuid_id()) ?
		       KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL :
		       KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL;
	return KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN;
}

static int fw_reg(struct kvm32_vcpu *vcpu, u64 id, bool set, u64 __user *uaddr)
{
	bool psci_0_2 = vcpu->features & BIT(KVM_ARM_VCPU_PSCI_0_2);
	u64 val, level;

	if (id == KVM_REG_ARM_PSCI_VERSION) {
		if (!set)
			return put_user(psci_0_2 ? (u64)vcpu->vm->psci_version : PSCI_0_1, uaddr);
		if (get_user(val, uaddr))
			return -EFAULT;
		/* The version a VM offers, chosen among those its vCPUs' features allow. */
		if (val == PSCI_0_1 ? psci_0_2 : !psci_0_2 || (val != PSCI_0_2 && val != PSCI_1_0))
			return -EINVAL;
		vcpu->vm->psci_version = val;
		return 0;
	}
	level = workaround_level(id);
	if (!set)
		return put_user(level, uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	/* A level the host does not provide cannot be promised to a guest. */
	if ((val & ~(u64)KVM_REG_FEATURE_LEVEL_MASK) || val > level)
		return -EINVAL;
	return 0;
}

/* The virtual timer's control: ISTATUS is computed, not stored (as KVM). */
static int timer_ctl(struct kvm32_vcpu *vcpu, bool set, u32 __user *uaddr)
{
	struct kvm32_cpu_ctxt *c = vcpu_ctxt(vcpu);
	u64 now = __arch_counter_get_cntpct() - vcpu->hyp->cntvoff;
	u32 val;

	if (!set)
		return put_user(c->cntv_ctl | (now >= c->cntv_cval ? TIMER_CTL_ISTATUS : 0),
				uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	c->cntv_ctl = val & ~TIMER_CTL_ISTATUS;
	return 0;
}

static int cp15_or_id_reg(struct kvm32_vcpu *vcpu, u64 id, bool set, void __user *uaddr)
{
	unsigned int i;

	if (id == KVM_REG_ARM_TIMER_CTL)
		return timer_ctl(vcpu, set, uaddr);
	if (id == ID_ACTLR)
		return vcpu_word(&vcpu->actlr, set, uaddr);
	if (id == ID_L2CTLR)
		return vcpu_word(&vcpu->l2ctlr, set, uaddr);
	for (i = 0; i < ARRAY_SIZE(id_regs); i++)
		if (id_regs[i].id == id)
			return read_only_reg(id_regs[i].read(), set, uaddr);
	for (i = 0; i < ARRAY_SIZE(cp15_regs); i++)
		if (cp15_regs[i].id == id)
			return cp15_reg(vcpu, &cp15_regs[i], set, uaddr);
	return -ENOENT;
}

int kvm32_one_reg(struct kvm32_vcpu *vcpu, bool set, void __user *argp)
{
	struct kvm_one_reg reg;
	void __user *uaddr;
	unsigned int i;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	/* Nothing architecture-specific lives in the upper 32 bits (as KVM). */
	if ((reg.id & ~KVM_REG_SIZE_MASK) >> 32 != KVM_REG_ARM >> 32)
		return -EINVAL;
	uaddr = u64_to_user_ptr(reg.addr);

	switch (reg.id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_CORE:
		return core_reg(vcpu, reg.id, set, uaddr);
	case KVM_REG_ARM_DEMUX:
		return demux_reg(reg.id, set, uaddr);
	case KVM_REG_ARM_VFP:
		return vfp_reg(vcpu, reg.id, set, uaddr);
	case KVM_REG_ARM_FW:
		for (i = 0; i < ARRAY_SIZE(fw_regs); i++)
			if (reg.id == fw_regs[i])
				return fw_reg(vcpu, reg.id, set, uaddr);
		return -ENOENT;
	default:
		if (reg.id == KVM_REG_ARM_TIMER_CNT)
			return timer_cnt(vcpu, set, uaddr);
		return cp15_or_id_reg(vcpu, reg.id, set, uaddr);
	}
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
	if (put_user((u64)KVM_REG_ARM_TIMER_CNT, ids++) ||
	    put_user((u64)ID_ACTLR, ids++) || put_user((u64)ID_L2CTLR, ids++))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(id_regs); i++)
		if (put_user(id_regs[i].id, ids++))
			return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(fw_regs); i++)
		if (put_user(fw_regs[i], ids++))
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
