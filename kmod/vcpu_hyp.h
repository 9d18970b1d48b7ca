/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's state as the world switch (hyp/hyp_switch.S) sees it: one page
 * per vCPU, mapped into Hyp mode at its kernel address. The layout is fixed
 * by the CTXT_* and VCPU_* offsets of hyp_abi.h, checked in vcpu_hyp.c.
 */
#ifndef KVM32_VCPU_HYP_H
#define KVM32_VCPU_HYP_H

#include <linux/kvm.h>
#include <linux/types.h>

#include "hyp_abi.h"

struct kvm32_cpu_ctxt {
	struct kvm_regs core;	/* as KVM_GET_REGS sees it */
	u32 csselr;
	u32 sctlr;
	u32 cpacr;
	u32 ttbcr;
	u32 dacr;
	u32 dfsr;
	u32 ifsr;
	u32 adfsr;
	u32 aifsr;
	u32 dfar;
	u32 ifar;
	u32 prrr;
	u32 nmrr;
	u32 amair0;
	u32 amair1;
	u32 vbar;
	u32 contextidr;
	u32 tpidrurw;
	u32 tpidruro;
	u32 tpidrprw;
	u32 cntkctl;
	u32 pad0;
	u64 ttbr0;
	u64 ttbr1;
	u64 par;
	u32 cntv_ctl;
	u32 pad1;
	u64 cntv_cval;
	u32 vpidr;
	u32 vmpidr;
};

struct kvm32_vcpu_hyp {
	struct kvm32_cpu_ctxt ctxt;
	/* How to enter the guest: traps, stage 2, virtual counter offset. */
	u32 hcr;
	u32 hstr;
	u32 hcptr;
	u32 cnthctl;
	u32 hdcr;
	u32 pad;
	u64 vttbr;
	u64 cntvoff;
	/* Why it last exited. */
	u32 hsr;
	u32 hdfar;
	u32 hifar;
	u32 hpfar;
	u32 vfp_loaded;		/* Hyp's: the guest's VFP state is in the registers */
	u32 pad2;
	struct kvm32_vfp {
		u64 d[32];
		u32 fpscr;
		u32 fpexc;
		/* Not switched: VFPv3/v4 never use them; kept for ONE_REG. */
		u32 fpinst;
		u32 fpinst2;
	} vfp;
	struct kvm32_vgic_cpu {
		u32 gich;		/* Hyp's address of GICH; 0: no vGIC */
		u32 hcr;		/* GICH_HCR while the guest runs */
		u32 vmcr;		/* the guest's GICC view: PMR, BPR, enables */
		u32 apr;		/* active priorities */
		u32 elrsr[2];		/* empty list registers at the last exit */
		u32 used_lrs;		/* list registers filled for this entry */
		u32 lr[VGIC_MAX_LRS];
		u32 pad;
	} vgic;
};

#endif /* KVM32_VCPU_HYP_H */
