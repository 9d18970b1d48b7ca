/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world switch: from the host into a guest, and back on the guest's
 * next trap or interrupt.
 *
 * HYP_CALL_RUN enters hyp_run from the host's hvc. hyp_run saves the host's
 * PL1 state (banked registers of every mode, CP15, the Hyp controls) in this
 * CPU's Hyp data, loads the vCPU's and erets into the guest, leaving its own
 * frame on the Hyp stack and the vCPU in HYP_CPU_CURRENT_VCPU. The guest's
 * next exception to Hyp mode arrives at a vector, which sees the loaded vCPU
 * and goes to guest_exit: it saves the guest, restores the host, and returns
 * from hyp_run with HYP_EXIT_*, so the host's hvc completes.
 *
 * Every state group is saved and restored by one macro used for host and
 * guest alike, on the shared context layout CTXT_* of hyp_abi.h.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "hyp_abi.h"

	.arch_extension virt
	.fpu	neon

#define HDCR_HPMN_MASK	0x1f
#define HSR_EC_SHIFT	26
#define HSR_EC_CP_0_13	0x07		/* a VFP/Advanced SIMD access HCPTR trapped */
#define HCPTR_VFP_TRAPS	0x8c00		/* TASE, TCP11, TCP10 */
#define FPEXC_EN	(1 << 30)
#define MVFR0_REGS_MASK	0xf		/* 2: thirty-two 64-bit registers */

/*
 * VFP registers in and out of a VFP_* area at \base; FPEXC.EN must be set.
 * d16-d31 exist only where MVFR0 says so. Clobbers r3-r4.
 */
.macro save_vfp base
	add	r3, \base, #VFP_D
	vstmia	r3!, {d0-d15}
	vmrs	r4, mvfr0
	and	r4, r4, #MVFR0_REGS_MASK
	cmp	r4, #2
	vstmiaeq r3, {d16-d31}
	vmrs	r4, fpscr
	str	r4, [\base, #VFP_FPSCR]
.endm

.macro restore_vfp base
	add	r3, \base, #VFP_D
	vldmia	r3!, {d0-d15}
	vmrs	r4, mvfr0
	and	r4, r4, #MVFR0_REGS_MASK
	cmp	r4, #2
	vldmiaeq r3, {d16-d31}
	ldr	r4, [\base, #VFP_FPSCR]
	vmsr	fpscr, r4
.endm

/* sp_usr and the banked registers of SVC, ABT, UND, IRQ and FIQ. Clobbers r3-r11. */
.macro save_banked base
	mrs	r3, SP_usr
	str	r3, [\base, #CTXT_SP_USR]
	mrs	r3, SP_svc
	mrs	r4, LR_svc
	mrs	r5, SPSR_svc
	mrs	r6, SP_abt
	mrs	r7, LR_abt
	mrs	r8, SPSR_abt
	add	r11, \base, #CTXT_SVC
	stm	r11, {r3-r8}			@ CTXT_SVC, CTXT_ABT
	mrs	r3, SP_und
	mrs	r4, LR_und
	mrs	r5, SPSR_und
	mrs	r6, SP_irq
	mrs	r7, LR_irq
	mrs	r8, SPSR_irq
	add	r11, \base, #CTXT_UND
	stm	r11, {r3-r8}			@ CTXT_UND, CTXT_IRQ
	mrs	r3, r8_fiq
	mrs	r4, r9_fiq
	mrs	r5, r10_fiq
	mrs	r6, r11_fiq
	mrs	r7, r12_fiq
	mrs	r8, SP_fiq
	mrs	r9, LR_fiq
	mrs	r10, SPSR_fiq
	add	r11, \base, #CTXT_FIQ
	stm	r11, {r3-r10}
.endm

.macro restore_banked base
	ldr	r3, [\base, #CTXT_SP_USR]
	msr	SP_usr, r3
	add	r11, \base, #CTXT_SVC
	ldm	r11, {r3-r8}
	msr	SP_svc, r3
	msr	LR_svc, r4
	msr	SPSR_svc, r5
	msr	SP_abt, r6
	msr	LR_abt, r7
	msr	SPSR_abt, r8
	add	r11, \base, #CTXT_UND
	ldm	r11, {r3-r8}
	msr	SP_und, r3
	msr	LR_und, r4
	msr	SPSR_und, r5
	msr	SP_irq, r6
	msr	LR_irq, r7
	msr	SPSR_irq, r8
	add	r11, \base, #CTXT_FIQ
	ldm	r11, {r3-r10}
	msr	r8_fiq, r3
	msr	r9_fiq, r4
	msr	r10_fiq, r5
	msr	r11_fiq, r6
	msr	r12_fiq, r7
	msr	SP_fiq, r8
	msr	LR_fiq, r9
	msr	SPSR_fiq, r10
.endm

/* The PL1 CP15 state a guest may change. Clobbers r3-r11. */
.macro save_cp15 base
	mrc	p15, 2, r3, c0, c0, 0		@ CSSELR
	mrc	p15, 0, r4, c1, c0, 0		@ SCTLR
	mrc	p15, 0, r5, c1, c0, 2		@ CPACR
	mrc	p15, 0, r6, c2, c0, 2		@ TTBCR
	mrc	p15, 0, r7, c3, c0, 0		@ DACR
	mrc	p15, 0, r8, c5, c0, 0		@ DFSR
	mrc	p15, 0, r9, c5, c0, 1		@ IFSR
	mrc	p15, 0, r10, c5, c1, 0		@ ADFSR
	add	r11, \base, #CTXT_CSSELR
	stm	r11, {r3-r10}
	mrc	p15, 0, r3, c5, c1, 1		@ AIFSR
	mrc	p15, 0, r4, c6, c0, 0		@ DFAR
	mrc	p15, 0, r5, c6, c0, 2		@ IFAR
	mrc	p15, 0, r6, c10, c2, 0		@ PRRR / MAIR0
	mrc	p15, 0, r7, c10, c2, 1		@ NMRR / MAIR1
	mrc	p15, 0, r8, c10, c3, 0		@ AMAIR0
	mrc	p15, 0, r9, c10, c3, 1		@ AMAIR1
	mrc	p15, 0, r10, c12, c0, 0		@ VBAR
	add	r11, \base, #CTXT_AIFSR
	stm	r11, {r3-r10}
	mrc	p15, 0, r3, c13, c0, 1		@ CONTEXTIDR
	mrc	p15, 0, r4, c13, c0, 2		@ TPIDRURW
	mrc	p15, 0, r5, c13, c0, 3		@ TPIDRURO
	mrc	p15, 0, r6, c13, c0, 4		@ TPIDRPRW
	mrc	p15, 0, r7, c14, c1, 0		@ CNTKCTL
	add	r11, \base, #CTXT_CONTEXTIDR
	stm	r11, {r3-r7}
	mrrc	p15, 0, r3, r4, c2		@ TTBR0
	mrrc	p15, 1, r5, r6, c2		@ TTBR1
	mrrc	p15, 0, r7, r8, c7		@ PAR
	add	r11, \base, #CTXT_TTBR0
	stm	r11, {r3-r8}
.endm

.macro restore_cp15 base
	add	r11, \base, #CTXT_CSSELR
	ldm	r11, {r3-r10}
	mcr	p15, 2, r3, c0, c0, 0		@ CSSELR
	mcr	p15, 0, r4, c1, c0, 0		@ SCTLR
	mcr	p15, 0, r5, c1, c0, 2		@ CPACR
	mcr	p15, 0, r6, c2, c0, 2		@ TTBCR
	mcr	p15, 0, r7, c3, c0, 0		@ DACR
	mcr	p15, 0, r8, c5, c0, 0		@ DFSR
	mcr	p15, 0, r9, c5, c0, 1		@ IFSR
	mcr	p15, 0, r10, c5, c1, 0		@ ADFSR
	add	r11, \base, #CTXT_AIFSR
	ldm	r11, {r3-r10}
	mcr	p15, 0, r3, c5, c1, 1		@ AIFSR
	mcr	p15, 0, r4, c6, c0, 0		@ DFAR
	mcr	p15, 0, r5, c6, c0, 2		@ IFAR
	mcr	p15, 0, r6, c10, c2, 0		@ PRRR / MAIR0
	mcr	p15, 0, r7, c10, c2, 1		@ NMRR / MAIR1
	mcr	p15, 0, r8, c10, c3, 0		@ AMAIR0
	mcr	p15, 0, r9, c10, c3, 1		@ AMAIR1
	mcr	p15, 0, r10, c12, c0, 0		@ VBAR
	add	r11, \base, #CTXT_CONTEXTIDR
	ldm	r11, {r3-r7}
	mcr	p15, 0, r3, c13, c0, 1		@ CONTEXTIDR
	mcr	p15, 0, r4, c13, c0, 2		@ TPIDRURW
	mcr	p15, 0, r5, c13, c0, 3		@ TPIDRURO
	mcr	p15, 0, r6, c13, c0, 4		@ TPIDRPRW
	mcr	p15, 0, r7, c14, c1, 0		@ CNTKCTL
	add	r11, \base, #CTXT_TTBR0
	ldm	r11, {r3-r8}
	mcrr	p15, 0, r3, r4, c2		@ TTBR0
	mcrr	p15, 1, r5, r6, c2		@ TTBR1
	mcrr	p15, 0, r7, r8, c7		@ PAR
.endm

/*
 * The vGIC's list registers and GICH controls into the interface (the vCPU
 * at \vcpu), and back out. GICH is banked per CPU at one address. On the
 * way out the used list registers are zeroed and GICH_HCR cleared, so the
 * host never takes maintenance interrupts for a vCPU that is not running
 * and the next vCPU on this CPU starts from empty list registers.
 * Clobbers r1-r6.
 */
.macro restore_vgic vcpu
	ldr	r1, [\vcpu, #VCPU_VGIC + VGIC_GICH]
	cmp	r1, #0
	beq	2f
	ldr	r2, [\vcpu, #VCPU_VGIC + VGIC_HCR]
	ldr	r3, [\vcpu, #VCPU_VGIC + VGIC_VMCR]
	ldr	r4, [\vcpu, #VCPU_VGIC + VGIC_APR]
	str	r3, [r1, #GICH_VMCR]
	str	r4, [r1, #GICH_APR]
	ldr	r5, [\vcpu, #VCPU_VGIC + VGIC_USED_LRS]
	add	r3, \vcpu, #VCPU_VGIC + VGIC_LR
	add	r6, r1, #GICH_LR0
1:	subs	r5, r5, #1
	ldrge	r4, [r3], #4
	strge	r4, [r6], #4
	bgt	1b
	str	r2, [r1, #GICH_HCR]		@ enabled last, with its list registers in place
2:
.endm

.macro save_vgic vcpu
	ldr	r1, [\vcpu, #VCPU_VGIC + VGIC_GICH]
	cmp	r1, #0
	beq	2f
	mov	r2, #0
	str	r2, [r1, #GICH_HCR]		@ no maintenance interrupt for the host
	ldr	r2, [r1, #GICH_VMCR]
	ldr	r3, [r1, #GICH_APR]
	ldr	r4, [r1, #GICH_ELRSR0]
	ldr	r5, [r1, #GICH_ELRSR1]
	add	r6, \vcpu, #VCPU_VGIC + VGIC_VMCR
	stm	r6, {r2-r5}			@ VMCR, APR, ELRSR0, ELRSR1
	ldr	r2, [\vcpu, #VCPU_VGIC + VGIC_USED_LRS]
	add	r3, \vcpu, #VCPU_VGIC + VGIC_LR
	add	r1, r1, #GICH_LR0
	mov	r5, #0
1:	subs	r2, r2, #1
	ldrge	r4, [r1]
	strge	r5, [r1], #4
	strge	r4, [r3], #4
	bgt	1b
2:
.endm

/*
 * Puts the host's PL1 state and Hyp controls back (saved by hyp_run), marks
 * no vCPU loaded and sets ELR/SPSR to return to the host's hvc. Clobbers
 * r1-r11.
 */
.macro restore_host
	mrc	p15, 4, r1, c13, c0, 2		@ HTPIDR
	add	r2, r1, #HYP_CPU_HOST_CTXT
	restore_cp15 r2
	restore_banked r2
	ldr	r3, [r2, #CTXT_VPIDR]
	ldr	r4, [r2, #CTXT_VMPIDR]
	mcr	p15, 4, r3, c0, c0, 0		@ VPIDR
	mcr	p15, 4, r4, c0, c0, 5		@ VMPIDR
	add	r9, r1, #HYP_CPU_HOST_HCR
	ldm	r9, {r3-r7}
	mcr	p15, 4, r3, c1, c1, 0		@ HCR
	mcr	p15, 4, r4, c1, c1, 3		@ HSTR
	mcr	p15, 4, r5, c1, c1, 2		@ HCPTR
	mcr	p15, 4, r6, c14, c1, 0		@ CNTHCTL
	mcr	p15, 4, r7, c1, c1, 1		@ HDCR
	ldr	r3, [r1, #HYP_CPU_HOST_CNTVOFF]
	ldr	r4, [r1, #HYP_CPU_HOST_CNTVOFF + 4]
	mcrr	p15, 4, r3, r4, c14		@ CNTVOFF
	mov	r3, #0
	mov	r4, #0
	mcrr	p15, 6, r3, r4, c2		@ VTTBR: no VM
	str	r3, [r1, #HYP_CPU_CURRENT_VCPU]
	ldr	r3, [r1, #HYP_CPU_HOST_ELR]	@ the host's hvc, saved by hyp_host_trap
	msr	ELR_hyp, r3
	ldr	r3, [r1, #HYP_CPU_HOST_SPSR]
	msr	spsr_cxsf, r3
.endm

	.section .hyp.text, "ax"

/* u32 hyp_run(struct vcpu *vcpu): see the top of this file. */
ENTRY(hyp_run)
	push	{r4-r11, lr}
	mrc	p15, 4, r1, c13, c0, 2		@ HTPIDR: this CPU's Hyp data

	/* The host's state. */
	add	r2, r1, #HYP_CPU_HOST_CTXT
	save_banked r2
	save_cp15 r2
	mrc	p15, 4, r3, c0, c0, 0		@ VPIDR
	mrc	p15, 4, r4, c0, c0, 5		@ VMPIDR
	str	r3, [r2, #CTXT_VPIDR]
	str	r4, [r2, #CTXT_VMPIDR]
	mrc	p15, 4, r3, c1, c1, 0		@ HCR
	mrc	p15, 4, r4, c1, c1, 3		@ HSTR
	mrc	p15, 4, r5, c1, c1, 2		@ HCPTR
	mrc	p15, 4, r6, c14, c1, 0		@ CNTHCTL
	mrc	p15, 4, r7, c1, c1, 1		@ HDCR
	add	r9, r1, #HYP_CPU_HOST_HCR
	stm	r9, {r3-r7}
	mrrc	p15, 4, r3, r4, c14		@ CNTVOFF
	str	r3, [r1, #HYP_CPU_HOST_CNTVOFF]
	str	r4, [r1, #HYP_CPU_HOST_CNTVOFF + 4]
	and	r12, r7, #HDCR_HPMN_MASK	@ the host's PMU counter split stays
	/* From here on, a Hyp panic restores the host (hyp_panic_restore_host). */
	str	r0, [r1, #HYP_CPU_CURRENT_VCPU]

	/* The guest's. */
	restore_cp15 r0
	restore_banked r0
	ldr	r3, [r0, #CTXT_VPIDR]
	ldr	r4, [r0, #CTXT_VMPIDR]
	mcr	p15, 4, r3, c0, c0, 0		@ VPIDR
	mcr	p15, 4, r4, c0, c0, 5		@ VMPIDR
	add	r9, r0, #VCPU_HCR
	ldm	r9, {r3-r7}
	mcr	p15, 4, r3, c1, c1, 0		@ HCR: the guest's traps and routing
	mcr	p15, 4, r4, c1, c1, 3		@ HSTR
	mcr	p15, 4, r5, c1, c1, 2		@ HCPTR
	mcr	p15, 4, r6, c14, c1, 0		@ CNTHCTL
	orr	r7, r7, r12
	mcr	p15, 4, r7, c1, c1, 1		@ HDCR: PMU and debug traps
	ldr	r3, [r0, #VCPU_VTTBR]
	ldr	r4, [r0, #VCPU_VTTBR + 4]
	mcrr	p15, 6, r3, r4, c2		@ VTTBR: the VM's VMID and stage 2
	ldr	r3, [r0, #VCPU_CNTVOFF]
	ldr	r4, [r0, #VCPU_CNTVOFF + 4]
	mcrr	p15, 4, r3, r4, c14		@ CNTVOFF
	ldr	r3, [r0, #CTXT_CNTV_CVAL]
	ldr	r4, [r0, #CTXT_CNTV_CVAL + 4]
	mcrr	p15, 3, r3, r4, c14		@ CNTV_CVAL before enabling it
	ldr	r3, [r0, #CTXT_CNTV_CTL]
	mcr	p15, 0, r3, c14, c3, 1		@ CNTV_CTL
	restore_vgic r0
	ldr	r3, [r0, #CTXT_PC]
	msr	ELR_hyp, r3
	ldr	r3, [r0, #CTXT_CPSR]
	msr	spsr_cxsf, r3
	ldr	lr, [r0, #CTXT_LR_USR]		@ LR_usr: our return address is on the stack
	ldm	r0, {r0-r12}			@ r0 last: it is the base
	eret
ENDPROC(hyp_run)

/*
 * From a vector, with the guest's r0-r11 saved, its r12 and LR_usr on the
 * stack, r12 = the vCPU and r0 = HYP_EXIT_*.
 */
guest_exit:
	pop	{r1, r2}
	str	r1, [r12, #CTXT_R12]
	str	r2, [r12, #CTXT_LR_USR]
	mrs	r1, ELR_hyp
	str	r1, [r12, #CTXT_PC]
	mrs	r1, spsr
	str	r1, [r12, #CTXT_CPSR]
	mrc	p15, 4, r1, c5, c2, 0		@ HSR
	mrc	p15, 4, r2, c6, c0, 0		@ HDFAR
	mrc	p15, 4, r3, c6, c0, 2		@ HIFAR
	mrc	p15, 4, r4, c6, c0, 4		@ HPFAR
	add	r5, r12, #VCPU_HSR
	stm	r5, {r1-r4}
	save_banked r12
	save_cp15 r12
	mrc	p15, 0, r3, c14, c3, 1		@ CNTV_CTL
	mrrc	p15, 3, r4, r5, c14		@ CNTV_CVAL
	str	r3, [r12, #CTXT_CNTV_CTL]
	str	r4, [r12, #CTXT_CNTV_CVAL]
	str	r5, [r12, #CTXT_CNTV_CVAL + 4]
	mov	r3, #0
	mcr	p15, 0, r3, c14, c3, 1		@ the guest's timer stays quiet in the host
	save_vgic r12

	/* If the guest took VFP over (guest_vfp_trap), give it back. */
	ldr	r1, [r12, #VCPU_VFP_LOADED]
	cmp	r1, #0
	beq	1f
	vmrs	r1, fpexc
	str	r1, [r12, #VCPU_VFP + VFP_FPEXC]
	orr	r1, r1, #FPEXC_EN
	vmsr	fpexc, r1
	add	r2, r12, #VCPU_VFP
	save_vfp r2
	mrc	p15, 4, r2, c13, c0, 2		@ HTPIDR
	add	r2, r2, #HYP_CPU_HOST_VFP
	restore_vfp r2
	ldr	r1, [r2, #VFP_FPEXC]
	vmsr	fpexc, r1
	mov	r1, #0
	str	r1, [r12, #VCPU_VFP_LOADED]
1:

	restore_host
	pop	{r4-r11, lr}			@ hyp_run's frame
	bx	lr				@ into hyp_host_trap, which erets to the host

/*
 * void hyp_flush_vmid(u32 vttbr_lo, u32 vttbr_hi): invalidates every TLB
 * entry of a VM on every CPU, after its stage 2 lost a mapping or before its
 * VMID is reused. TLBIALLIS in Hyp mode acts on the VMID in VTTBR.
 */
ENTRY(hyp_flush_vmid)
	dsb	ishst				@ the stage-2 table writes first
	mcrr	p15, 6, r0, r1, c2		@ VTTBR
	isb
	mcr	p15, 0, r0, c8, c3, 0		@ TLBIALLIS
	dsb	ish
	isb
	mov	r0, #0
	mov	r1, #0
	mcrr	p15, 6, r0, r1, c2		@ VTTBR: no VM
	isb
	mov	r0, #0
	bx	lr
ENDPROC(hyp_flush_vmid)

/*
 * void hyp_flush_all_vmids(void): invalidates the guest TLB entries of every
 * VMID on every CPU, when VMIDs are about to be given out again.
 */
ENTRY(hyp_flush_all_vmids)
	dsb	ishst
	mcr	p15, 4, r0, c8, c3, 4		@ TLBIALLNSNHIS
	dsb	ish
	isb
	mov	r0, #0
	bx	lr
ENDPROC(hyp_flush_all_vmids)

/*
 * Called by hyp_panic when Hyp took an unexpected exception: if a vCPU was
 * loaded (a kvm32 bug in the world switch, or an asynchronous abort routed
 * to Hyp), the CPU holds guest state, and the host must get its own back
 * before hyp_panic returns to it. The guest's state is lost: its KVM_RUN
 * fails. Preserves r0.
 */
ENTRY(hyp_panic_restore_host)
	mrc	p15, 4, r1, c13, c0, 2		@ HTPIDR
	ldr	r2, [r1, #HYP_CPU_CURRENT_VCPU]
	cmp	r2, #0
	bxeq	lr
	mov	r12, lr				@ LR_usr is the host's to restore
	/* The guest's virtual interface off: no maintenance interrupts for the host. */
	ldr	r3, [r2, #VCPU_VGIC + VGIC_GICH]
	cmp	r3, #0
	movne	r4, #0
	strne	r4, [r3, #GICH_HCR]
	restore_host
	bx	r12
ENDPROC(hyp_panic_restore_host)

/*
 * Spectre variant 2: a guest can train the branch predictor with targets
 * that the host, running next, would speculate to. Where the CPU needs it
 * (HYP_CPU_HARDEN_BP, set for Cortex-A15), every exception from the guest
 * first invalidates the instruction cache, which on Cortex-A15 (with
 * ACTLR.IBE set by the firmware) also invalidates the branch predictor.
 * Uses lr (already pushed).
 */
.macro harden_branch_predictor
	mrc	p15, 4, lr, c13, c0, 2		@ HTPIDR
	ldr	lr, [lr, #HYP_CPU_HARDEN_BP]
	cmp	lr, #0
	mcrne	p15, 0, lr, c7, c5, 0		@ ICIALLU
	isb
.endm

/*
 * A vector taken while a vCPU may be loaded: if one is, this is the guest's
 * exit; otherwise continue at \host with the host's r12 and LR_usr pushed.
 */
.macro guest_vector exit_code, host
	push	{r12, lr}
	mrc	p15, 4, r12, c13, c0, 2		@ HTPIDR
	ldr	r12, [r12, #HYP_CPU_CURRENT_VCPU]
	cmp	r12, #0
	beq	\host
	harden_branch_predictor
	stm	r12, {r0-r11}
	mov	r0, #\exit_code
	b	guest_exit
.endm

	.globl	hyp_vec_trap, hyp_vec_irq, hyp_vec_fiq

/*
 * The trap vector has one fast path: the guest's first VFP or Advanced SIMD
 * instruction since it entered. Hyp saves the host's VFP registers (whatever
 * task they belong to: Linux switches VFP lazily too), loads the guest's,
 * lifts the trap and lets the guest execute the instruction again, without
 * leaving Hyp. guest_exit puts the host's back.
 */
hyp_vec_trap:
	push	{r12, lr}
	mrc	p15, 4, r12, c13, c0, 2		@ HTPIDR
	ldr	r12, [r12, #HYP_CPU_CURRENT_VCPU]
	cmp	r12, #0
	beq	hyp_host_trap
	harden_branch_predictor
	mrc	p15, 4, lr, c5, c2, 0		@ HSR (the guest's LR_usr is pushed)
	lsr	lr, lr, #HSR_EC_SHIFT
	cmp	lr, #HSR_EC_CP_0_13
	beq	guest_vfp_trap
	stm	r12, {r0-r11}
	mov	r0, #HYP_EXIT_TRAP
	b	guest_exit

guest_vfp_trap:
	push	{r0-r4}
	mrc	p15, 4, r0, c1, c1, 2		@ HCPTR
	bic	r0, r0, #HCPTR_VFP_TRAPS
	mcr	p15, 4, r0, c1, c1, 2
	isb
	vmrs	r1, fpexc			@ the host's FPEXC ...
	orr	r0, r1, #FPEXC_EN		@ ... enabled while Hyp copies
	vmsr	fpexc, r0
	mrc	p15, 4, r2, c13, c0, 2		@ HTPIDR
	add	r2, r2, #HYP_CPU_HOST_VFP
	str	r1, [r2, #VFP_FPEXC]
	save_vfp r2
	add	r2, r12, #VCPU_VFP
	restore_vfp r2
	ldr	r1, [r2, #VFP_FPEXC]
	vmsr	fpexc, r1			@ the guest's own FPEXC
	mov	r1, #1
	str	r1, [r12, #VCPU_VFP_LOADED]
	pop	{r0-r4}
	pop	{r12, lr}
	eret

hyp_vec_irq:	guest_vector HYP_EXIT_IRQ, hyp_host_irq
hyp_vec_fiq:	guest_vector HYP_EXIT_FIQ, hyp_host_fiq
