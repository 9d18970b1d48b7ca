/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel side and the Hyp-mode code agree on: the host call
 * numbers, their error codes, and the per-CPU Hyp data layout. Included by
 * assembly (the .S files of hyp/) and C (kmod/); the C side checks offsets.
 */
#ifndef KVM32_HYP_ABI_H
#define KVM32_HYP_ABI_H

/*
 * Host calls: "hvc #0" from the host kernel with r0 = call number and
 * r1-r3 = arguments; the result comes back in r0. Numbers start high so that
 * they never collide with the kernel's own hyp-stub calls (HVC_SET_VECTORS 0,
 * HVC_SOFT_RESTART 1), which kvm32's vectors keep honouring.
 */
#define HYP_CALL_BASE		0x4b320000	/* "K2" */
#define HYP_CALL_PING		(HYP_CALL_BASE + 0)	/* (token) -> HYP_PING_REPLY(token) */
#define HYP_CALL_RESET		(HYP_CALL_BASE + 1)	/* () -> 0, stub back in charge */
/*
 * Diagnostics: read or write a word at a Hyp address, so the selftests can
 * check what Hyp can and cannot reach. The host already controls Hyp mode;
 * these grant it nothing new.
 */
#define HYP_CALL_READ		(HYP_CALL_BASE + 2)	/* (addr) -> word */
#define HYP_CALL_WRITE		(HYP_CALL_BASE + 3)	/* (addr, word) -> 0 */
#define HYP_CALL_RUN		(HYP_CALL_BASE + 4)	/* (vcpu) -> HYP_EXIT_* */
#define HYP_CALL_FLUSH_VMID	(HYP_CALL_BASE + 5)	/* (vttbr lo, hi) -> 0 */
#define HYP_CALL_FLUSH_ALL_VMIDS (HYP_CALL_BASE + 6)	/* () -> 0 */
#define HYP_CALL_FLUSH_HYP_TLB	(HYP_CALL_BASE + 7)	/* () -> 0 */
#define HYP_CALL_NR		8

/* Why HYP_CALL_RUN came back from the guest. */
#define HYP_EXIT_TRAP		1	/* a trap to Hyp: the syndrome is in HSR */
#define HYP_EXIT_IRQ		2	/* a physical IRQ for the host */
#define HYP_EXIT_FIQ		3	/* a physical FIQ for the host */

/* The kernel's hyp-stub ABI (arch/arm/include/asm/virt.h). */
#define HVC_SOFT_RESTART	1
#define HVC_STUB_ERR		0x0badca11

/* Results. HYP_ERR_* values are never valid results of a successful call. */
#define HYP_ERR_UNKNOWN_CALL	0xffff0001	/* r0 is not a call number */
#define HYP_ERR_PANIC		0xffff0002	/* Hyp took an unexpected exception */

/* PING proves the round trip: Hyp answers with the token transformed. */
#define HYP_PING_REPLY(token)	((token) ^ 0x4b564d32)

/*
 * Per-CPU Hyp data, at the bottom of the CPU's Hyp page; the Hyp stack grows
 * down from the top of the same page. HTPIDR holds its Hyp address.
 */
#define HYP_CPU_STUB_HVBAR	0	/* the kernel stub's vectors, restored on reset */
#define HYP_CPU_STUB_HSCTLR	4	/* HSCTLR as the stub had it (MMU off) */
#define HYP_CPU_IDMAP_RESET	8	/* identity-mapped address of hyp_reset */
#define HYP_CPU_HOST_ELR	12	/* the host's return from its hvc ... */
#define HYP_CPU_HOST_SPSR	16	/* ... restored when Hyp panics */
#define HYP_CPU_PANIC_HSR	20	/* what the panic was: HSR, ... */
#define HYP_CPU_PANIC_ELR	24	/* ... the faulting Hyp address, ... */
#define HYP_CPU_PANIC_HDFAR	28	/* ... the data fault address, ... */
#define HYP_CPU_PANIC_VECTOR	32	/* ... and the vector offset taken */
#define HYP_CPU_CURRENT_VCPU	36	/* the vCPU loaded on this CPU, or 0 */
#define HYP_CPU_HOST_HCR	40	/* Hyp controls as the host had them */
#define HYP_CPU_HOST_HSTR	44
#define HYP_CPU_HOST_HCPTR	48
#define HYP_CPU_HOST_CNTHCTL	52
#define HYP_CPU_HOST_HDCR	56
#define HYP_CPU_HARDEN_BP	60	/* invalidate branch predictors on guest exit */
#define HYP_CPU_HOST_CNTVOFF	64	/* 64-bit */
#define HYP_CPU_HOST_CTXT	72	/* the host's CPU context (CTXT_*) */
#define HYP_CPU_HOST_VFP	(HYP_CPU_HOST_CTXT + CTXT_SIZE)	/* VFP_* while a guest owns VFP */
#define HYP_CPU_DATA_SIZE	(HYP_CPU_HOST_VFP + VFP_SIZE)

#define HYP_CPU_PAGE_SIZE	4096

/*
 * A CPU context: what the world switch saves and restores for the host and
 * for a guest alike. It starts with the layout of struct kvm_regs (uapi), so
 * KVM_GET_REGS and the ONE_REG core registers read it directly: usr_regs
 * (r0-r12, sp, lr, pc, cpsr, ORIG_r0), then sp/lr/spsr of SVC, ABT, UND and
 * IRQ mode, then r8-r12/sp/lr/spsr of FIQ mode. The CP15 state of PL1 and the
 * virtual timer follow.
 */
#define CTXT_R0			0
#define CTXT_R12		48
#define CTXT_SP_USR		52
#define CTXT_LR_USR		56
#define CTXT_PC			60
#define CTXT_CPSR		64
#define CTXT_SVC		72	/* sp, lr, spsr */
#define CTXT_ABT		84
#define CTXT_UND		96
#define CTXT_IRQ		108
#define CTXT_FIQ		120	/* r8-r12, sp, lr, spsr */
#define CTXT_CSSELR		152
#define CTXT_SCTLR		156
#define CTXT_CPACR		160
#define CTXT_TTBCR		164
#define CTXT_DACR		168
#define CTXT_DFSR		172
#define CTXT_IFSR		176
#define CTXT_ADFSR		180
#define CTXT_AIFSR		184
#define CTXT_DFAR		188
#define CTXT_IFAR		192
#define CTXT_PRRR		196	/* MAIR0 with LPAE */
#define CTXT_NMRR		200	/* MAIR1 with LPAE */
#define CTXT_AMAIR0		204
#define CTXT_AMAIR1		208
#define CTXT_VBAR		212
#define CTXT_CONTEXTIDR		216
#define CTXT_TPIDRURW		220
#define CTXT_TPIDRURO		224
#define CTXT_TPIDRPRW		228
#define CTXT_CNTKCTL		232
#define CTXT_TTBR0		240	/* 64-bit */
#define CTXT_TTBR1		248	/* 64-bit */
#define CTXT_PAR		256	/* 64-bit */
#define CTXT_CNTV_CTL		264
#define CTXT_CNTV_CVAL		272	/* 64-bit */
#define CTXT_VPIDR		280	/* what MIDR reads at PL1 */
#define CTXT_VMPIDR		284	/* what MPIDR reads at PL1 */
#define CTXT_SIZE		288

/*
 * A vCPU as Hyp sees it: its context, the traps and stage 2 to enter it
 * with, and the syndrome of its last exit.
 */
#define VCPU_CTXT		0
#define VCPU_HCR		(CTXT_SIZE + 0)
#define VCPU_HSTR		(CTXT_SIZE + 4)
#define VCPU_HCPTR		(CTXT_SIZE + 8)
#define VCPU_CNTHCTL		(CTXT_SIZE + 12)
#define VCPU_HDCR		(CTXT_SIZE + 16)	/* traps; HPMN comes from the host */
#define VCPU_VTTBR		(CTXT_SIZE + 24)	/* 64-bit */
#define VCPU_CNTVOFF		(CTXT_SIZE + 32)	/* 64-bit */
#define VCPU_HSR		(CTXT_SIZE + 40)
#define VCPU_HDFAR		(CTXT_SIZE + 44)
#define VCPU_HIFAR		(CTXT_SIZE + 48)
#define VCPU_HPFAR		(CTXT_SIZE + 52)
#define VCPU_VFP_LOADED		(CTXT_SIZE + 56)	/* the guest's VFP is in the registers */
#define VCPU_VFP		(CTXT_SIZE + 64)	/* VFP_* */
#define VCPU_VGIC		(VCPU_VFP + VFP_SIZE)	/* VGIC_* */
#define VCPU_SIZE		(VCPU_VGIC + VGIC_SIZE)

/*
 * VFP/Advanced SIMD state, switched lazily: d0-d31, then FPSCR and FPEXC
 * (VFPv3/v4 as on Cortex-A15/A7 have no FPINST/FPINST2 state to keep).
 */
#define VFP_D			0
#define VFP_FPSCR		256
#define VFP_FPEXC		260
#define VFP_SIZE		272	/* with room for FPINST, FPINST2 (kernel only) */

/*
 * The vCPU's side of the GIC virtualization interface (GICH), switched in
 * and out with the vCPU: the host fills HCR and the first USED_LRS list
 * registers before each entry; Hyp saves VMCR, APR, ELRSR and those list
 * registers on exit and leaves the hardware's list registers empty. GICH 0
 * means the VM has no vGIC and the interface is left alone.
 */
#define VGIC_GICH		0	/* Hyp address of this CPU's GICH frame, or 0 */
#define VGIC_HCR		4
#define VGIC_VMCR		8
#define VGIC_APR		12
#define VGIC_ELRSR0		16
#define VGIC_ELRSR1		20
#define VGIC_USED_LRS		24
#define VGIC_LR			28
#define VGIC_MAX_LRS		64	/* GICH_VTR.ListRegs allows up to 64 */
#define VGIC_SIZE		(VGIC_LR + 4 * VGIC_MAX_LRS + 4)	/* padded to 8 */

/* GICH register offsets (ARM IHI 0048B 5.3). */
#define GICH_HCR		0x000
#define GICH_VMCR		0x008
#define GICH_ELRSR0		0x030
#define GICH_ELRSR1		0x034
#define GICH_APR		0x0f0
#define GICH_LR0		0x100

/* VTCR for every guest: 40-bit IPA (T0SZ = -8), walks start at level 1. */
#define HYP_VTCR_MASK		0x00003fdf
#define HYP_VTCR		0x00003558

/*
 * Memory attributes of Hyp's mappings: AttrIndx values of its descriptors,
 * and the HMAIR0 that gives them their meaning (HMAIR1 is unused, 0).
 */
#define HYP_ATTR_NORMAL		0	/* 0xff: Normal, Write-Back Write-Allocate */
#define HYP_ATTR_DEVICE		1	/* 0x04: Device memory */
#define HYP_HMAIR0		0x000004ff

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct kvm32_hyp_cpu {
	u32 stub_hvbar;
	u32 stub_hsctlr;
	u32 idmap_reset;
	u32 host_elr;
	u32 host_spsr;
	u32 panic_hsr;
	u32 panic_elr;
	u32 panic_hdfar;
	u32 panic_vector;
	u32 current_vcpu;	/* Hyp address of the loaded vCPU, or 0 */
	u32 host_hcr;
	u32 host_hstr;
	u32 host_hcptr;
	u32 host_cnthctl;
	u32 host_hdcr;
	u32 harden_bp;		/* Spectre v2: see hyp_switch.S */
	u64 host_cntvoff;
	u64 host_ctxt[CTXT_SIZE / 8];	/* Hyp's business only */
	u64 host_vfp[VFP_SIZE / 8];
};
#endif /* __ASSEMBLY__ */

#endif /* KVM32_HYP_ABI_H */
