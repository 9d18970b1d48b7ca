// SPDX-License-Identifier: GPL-2.0
/*
 * Coprocessor accesses the guest is made to trap (vcpu.c sets HCR, HSTR and
 * HDCR), emulated as 32-bit ARM KVM emulates them:
 *
 *   ACTLR (HCR.TAC)               the vCPU's value (the host's, with SMP
 *                                 as the VM needs, see vcpu.c); writes ignored
 *   L2CTLR, L2ECTLR (HCR.TIDCP)   the vCPU's value (the VM's CPU count); 0
 *   DC ISW/CSW/CISW (HCR.TSW)     set/way operations cannot be confined to
 *                                 one VM: clean+invalidate all its memory
 *   PMU (HDCR.TPM)                read as zero, writes ignored: no PMU
 *   debug, cp14 (HDCR.TDA...)     read as zero, writes ignored
 *   physical timer (CNTHCTL)      read as zero, writes ignored, until it is
 *                                 emulated
 *
 * Anything else (other implementation-defined registers, c15) is UNDEFINED.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <asm/cacheflush.h>

#include "exit.h"
#include "timer.h"

/* ISS of MCR/MRC (EC 0x03, 0x05) and MCRR/MRRC (EC 0x04, 0x0c) traps. */
#define ISS_READ		BIT(0)
#define ISS32_OPC2(hsr)		(((hsr) >> 17) & 0x7)
#define ISS32_OPC1(hsr)		(((hsr) >> 14) & 0x7)
#define ISS32_CRN(hsr)		(((hsr) >> 10) & 0xf)
#define ISS_RT(hsr)		(((hsr) >> 5) & 0xf)
#define ISS_CRM(hsr)		(((hsr) >> 1) & 0xf)
#define ISS64_OPC1(hsr)		(((hsr) >> 16) & 0xf)
#define ISS64_RT2(hsr)		(((hsr) >> 10) & 0xf)

/* A 32-bit CP15 register by its encoding: CRn, opc1, CRm, opc2. */
#define CP15(crn, opc1, crm, opc2)	(((crn) << 12) | ((opc1) << 8) | ((crm) << 4) | (opc2))
#define ENC_ACTLR	CP15(1, 0, 0, 1)
#define ENC_L2CTLR	CP15(9, 1, 0, 2)
#define ENC_L2ECTLR	CP15(9, 1, 0, 3)
#define ENC_DCISW	CP15(7, 0, 6, 2)
#define ENC_DCCSW	CP15(7, 0, 10, 2)
#define ENC_DCCISW	CP15(7, 0, 14, 2)
#define ENC_CNTP_TVAL	CP15(14, 0, 2, 0)
#define ENC_CNTP_CTL	CP15(14, 0, 2, 1)

static bool is_pmu(u32 crn, u32 crm)
{
	return crn == 9 && crm >= 12 && crm <= 14;
}

/* Cleans and invalidates every page the VM can reach, to the PoC. */
static void flush_vm_memory(struct kvm32_vm *vm)
{
	unsigned int id;
	u64 i;

	mutex_lock(&vm->lock);
	for (id = 0; id < KVM32_USER_MEM_SLOTS; id++) {
		struct page **pages = vm->pinned[id];

		for (i = 0; pages && i < vm->slots.slot[id].npages; i++) {
			void *va;

			if (!pages[i])
				continue;
			va = kmap_local_page(pages[i]);
			__cpuc_flush_dcache_area(va, PAGE_SIZE);
			kunmap_local(va);
		}
	}
	mutex_unlock(&vm->lock);
}

/* Returns true if emulated; *val is the value read, or the value written. */
static bool emulate_cp15_32(struct kvm32_vcpu *vcpu, u32 enc, bool read, u32 *val)
{
	switch (enc) {
	case ENC_ACTLR:
		if (read)
			*val = vcpu->actlr;
		return true;
	case ENC_L2CTLR:
		if (read)
			*val = vcpu->l2ctlr;
		return true;
	case ENC_L2ECTLR:
		if (read)
			*val = 0;
		return true;
	case ENC_CNTP_TVAL:
	case ENC_CNTP_CTL: {
		enum kvm32_ptimer_reg reg = enc == ENC_CNTP_CTL ? PTIMER_CTL : PTIMER_TVAL;
		u64 v = *val;

		kvm32_ptimer_access(vcpu, reg, !read, &v);
		*val = v;
		return true;
	}
	case ENC_DCISW:
	case ENC_DCCSW:
	case ENC_DCCISW:
		if (read)
			return false;
		flush_vm_memory(vcpu->vm);
		return true;
	default:
		if (!is_pmu(enc >> 12, (enc >> 4) & 0xf))
			return false;
		if (read)
			*val = 0;
		return true;
	}
}

int kvm32_handle_cp15_32(struct kvm32_vcpu *vcpu)
{
	u32 hsr = vcpu->hyp->hsr;
	u32 enc = CP15(ISS32_CRN(hsr), ISS32_OPC1(hsr), ISS_CRM(hsr), ISS32_OPC2(hsr));
	bool read = hsr & ISS_READ;
	u32 *rt = vcpu_reg(vcpu, ISS_RT(hsr));
	u32 val = *rt;

	if (!emulate_cp15_32(vcpu, enc, read, &val)) {
		kvm32_inject_undef(vcpu);
		return 1;
	}
	if (read)
		*rt = val;
	kvm32_skip_instr(vcpu, 4);
	return 1;
}

int kvm32_handle_cp15_64(struct kvm32_vcpu *vcpu)
{
	u32 hsr = vcpu->hyp->hsr;

	u32 *lo = vcpu_reg(vcpu, ISS_RT(hsr)), *hi = vcpu_reg(vcpu, ISS64_RT2(hsr));
	u64 val = ((u64)*hi << 32) | *lo;

	/* Only CNTP_CVAL (opc1 2, CRm 14) traps among 64-bit registers. */
	if (ISS64_OPC1(hsr) != 2 || ISS_CRM(hsr) != 14) {
		kvm32_inject_undef(vcpu);
		return 1;
	}
	kvm32_ptimer_access(vcpu, PTIMER_CVAL, !(hsr & ISS_READ), &val);
	if (hsr & ISS_READ) {
		*lo = lower_32_bits(val);
		*hi = upper_32_bits(val);
	}
	kvm32_skip_instr(vcpu, 4);
	return 1;
}

int kvm32_handle_cp14(struct kvm32_vcpu *vcpu)
{
	u32 hsr = vcpu->hyp->hsr;

	/* MRC, MRRC: read as zero. MCR, MCRR, LDC, STC: ignored. */
	if ((hsr >> 26) != 0x06 && (hsr & ISS_READ)) {
		*vcpu_reg(vcpu, ISS_RT(hsr)) = 0;
		if ((hsr >> 26) == 0x0c)
			*vcpu_reg(vcpu, ISS64_RT2(hsr)) = 0;
	}
	kvm32_skip_instr(vcpu, 4);
	return 1;
}
