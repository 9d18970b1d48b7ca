// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions injected into a guest, taken exactly as the architecture takes
 * them at PL1 (ARMv7 ARM B1.8): the new mode and its SPSR and LR, the
 * vector from VBAR or the high vectors (SCTLR.V), ARM or Thumb state from
 * SCTLR.TE, endianness from SCTLR.EE, and the masks each exception sets.
 */
#include <linux/bits.h>
#include <asm/ptrace.h>

#include "exit.h"

#define SCTLR_V		BIT(13)
#define SCTLR_EE	BIT(25)
#define SCTLR_TE	BIT(30)
#define HIGH_VECTORS	0xffff0000

#define VECTOR_UNDEF	0x04
#define VECTOR_PABT	0x0c
#define VECTOR_DABT	0x10

/* DFSR/IFSR with TTBCR.EAE = 0 (short format): 0b01000, synchronous external abort. */
#define FSR_SHORT_EXTABT	0x08
/* With TTBCR.EAE = 1 (long format): LPAE bit 9 and status 0b010000. */
#define FSR_LPAE		BIT(9)
#define FSR_LONG_EXTABT		0x10
#define TTBCR_EAE		BIT(31)

/* LR = the faulting instruction's address plus this, by vector and state. */
static u32 return_offset(u32 vector, bool thumb)
{
	switch (vector) {
	case VECTOR_UNDEF:
		return thumb ? 2 : 4;
	case VECTOR_PABT:
		return 4;
	default:	/* VECTOR_DABT */
		return 8;
	}
}

static void take_exception(struct kvm32_vcpu *vcpu, u32 mode, u32 vector)
{
	struct kvm32_cpu_ctxt *c = vcpu_ctxt(vcpu);
	u32 old = *vcpu_cpsr(vcpu);
	u32 pc = *vcpu_pc(vcpu);
	u32 cpsr;

	/* F is kept; I is set; A is set by aborts only. IT and J are cleared. */
	cpsr = mode | PSR_I_BIT | (old & (PSR_F_BIT | PSR_A_BIT));
	if (mode == ABT_MODE)
		cpsr |= PSR_A_BIT;
	if (c->sctlr & SCTLR_TE)
		cpsr |= PSR_T_BIT;
	if (c->sctlr & SCTLR_EE)
		cpsr |= PSR_E_BIT;

	*vcpu_cpsr(vcpu) = cpsr;
	/* Now in the new mode: its banked SPSR and LR. */
	*vcpu_spsr(vcpu) = old;
	*vcpu_reg(vcpu, 14) = pc + return_offset(vector, old & PSR_T_BIT);
	*vcpu_pc(vcpu) = (c->sctlr & SCTLR_V ? HIGH_VECTORS : c->vbar) + vector;
}

void kvm32_inject_undef(struct kvm32_vcpu *vcpu)
{
	take_exception(vcpu, UND_MODE, VECTOR_UNDEF);
}

static u32 external_abort_fsr(struct kvm32_vcpu *vcpu)
{
	if (vcpu_ctxt(vcpu)->ttbcr & TTBCR_EAE)
		return FSR_LPAE | FSR_LONG_EXTABT;
	return FSR_SHORT_EXTABT;
}

void kvm32_inject_dabt(struct kvm32_vcpu *vcpu, u32 addr)
{
	take_exception(vcpu, ABT_MODE, VECTOR_DABT);
	vcpu_ctxt(vcpu)->dfar = addr;
	vcpu_ctxt(vcpu)->dfsr = external_abort_fsr(vcpu);
}

void kvm32_inject_pabt(struct kvm32_vcpu *vcpu, u32 addr)
{
	take_exception(vcpu, ABT_MODE, VECTOR_PABT);
	vcpu_ctxt(vcpu)->ifar = addr;
	vcpu_ctxt(vcpu)->ifsr = external_abort_fsr(vcpu);
}
