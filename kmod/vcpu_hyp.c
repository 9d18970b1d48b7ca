// SPDX-License-Identifier: GPL-2.0
/*
 * The C and assembly views of a vCPU's Hyp state must agree byte for byte:
 * a mismatch would make the world switch load the wrong registers.
 */
#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/stddef.h>

#include "vcpu_hyp.h"

#define CTXT(field, off) static_assert(offsetof(struct kvm32_cpu_ctxt, field) == (off))
#define VCPU(field, off) static_assert(offsetof(struct kvm32_vcpu_hyp, field) == (off))

CTXT(core.usr_regs.ARM_r0, CTXT_R0);
CTXT(core.usr_regs.ARM_ip, CTXT_R12);
CTXT(core.usr_regs.ARM_sp, CTXT_SP_USR);
CTXT(core.usr_regs.ARM_lr, CTXT_LR_USR);
CTXT(core.usr_regs.ARM_pc, CTXT_PC);
CTXT(core.usr_regs.ARM_cpsr, CTXT_CPSR);
CTXT(core.svc_regs, CTXT_SVC);
CTXT(core.abt_regs, CTXT_ABT);
CTXT(core.und_regs, CTXT_UND);
CTXT(core.irq_regs, CTXT_IRQ);
CTXT(core.fiq_regs, CTXT_FIQ);
CTXT(csselr, CTXT_CSSELR);
CTXT(sctlr, CTXT_SCTLR);
CTXT(cpacr, CTXT_CPACR);
CTXT(ttbcr, CTXT_TTBCR);
CTXT(dacr, CTXT_DACR);
CTXT(dfsr, CTXT_DFSR);
CTXT(ifsr, CTXT_IFSR);
CTXT(adfsr, CTXT_ADFSR);
CTXT(aifsr, CTXT_AIFSR);
CTXT(dfar, CTXT_DFAR);
CTXT(ifar, CTXT_IFAR);
CTXT(prrr, CTXT_PRRR);
CTXT(nmrr, CTXT_NMRR);
CTXT(amair0, CTXT_AMAIR0);
CTXT(amair1, CTXT_AMAIR1);
CTXT(vbar, CTXT_VBAR);
CTXT(contextidr, CTXT_CONTEXTIDR);
CTXT(tpidrurw, CTXT_TPIDRURW);
CTXT(tpidruro, CTXT_TPIDRURO);
CTXT(tpidrprw, CTXT_TPIDRPRW);
CTXT(cntkctl, CTXT_CNTKCTL);
CTXT(ttbr0, CTXT_TTBR0);
CTXT(ttbr1, CTXT_TTBR1);
CTXT(par, CTXT_PAR);
CTXT(cntv_ctl, CTXT_CNTV_CTL);
CTXT(cntv_cval, CTXT_CNTV_CVAL);
CTXT(vpidr, CTXT_VPIDR);
CTXT(vmpidr, CTXT_VMPIDR);
static_assert(sizeof(struct kvm32_cpu_ctxt) == CTXT_SIZE);

VCPU(ctxt, VCPU_CTXT);
VCPU(hcr, VCPU_HCR);
VCPU(hstr, VCPU_HSTR);
VCPU(hcptr, VCPU_HCPTR);
VCPU(cnthctl, VCPU_CNTHCTL);
VCPU(hdcr, VCPU_HDCR);
VCPU(vttbr, VCPU_VTTBR);
VCPU(cntvoff, VCPU_CNTVOFF);
VCPU(hsr, VCPU_HSR);
VCPU(hdfar, VCPU_HDFAR);
VCPU(hifar, VCPU_HIFAR);
VCPU(hpfar, VCPU_HPFAR);
VCPU(vfp_loaded, VCPU_VFP_LOADED);
VCPU(vfp, VCPU_VFP);
static_assert(offsetof(struct kvm32_vfp, d) == VFP_D);
static_assert(offsetof(struct kvm32_vfp, fpscr) == VFP_FPSCR);
static_assert(offsetof(struct kvm32_vfp, fpexc) == VFP_FPEXC);
static_assert(sizeof(struct kvm32_vfp) <= VFP_SIZE);
VCPU(vgic, VCPU_VGIC);
static_assert(offsetof(struct kvm32_vgic_cpu, gich) == VGIC_GICH);
static_assert(offsetof(struct kvm32_vgic_cpu, hcr) == VGIC_HCR);
static_assert(offsetof(struct kvm32_vgic_cpu, vmcr) == VGIC_VMCR);
static_assert(offsetof(struct kvm32_vgic_cpu, apr) == VGIC_APR);
static_assert(offsetof(struct kvm32_vgic_cpu, elrsr) == VGIC_ELRSR0);
static_assert(offsetof(struct kvm32_vgic_cpu, used_lrs) == VGIC_USED_LRS);
static_assert(offsetof(struct kvm32_vgic_cpu, lr) == VGIC_LR);
static_assert(sizeof(struct kvm32_vgic_cpu) == VGIC_SIZE);
static_assert(sizeof(struct kvm32_vcpu_hyp) == VCPU_SIZE);
static_assert(sizeof(struct kvm32_vcpu_hyp) <= PAGE_SIZE);
