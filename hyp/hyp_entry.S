/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm32's Hyp-mode vectors and the host call interface.
 *
 * Everything in section .hyp.text runs in Hyp mode at the same virtual
 * address the kernel sees it at: the kernel maps exactly the pages of
 * .hyp.text into Hyp's address space (read-only, executable). This file
 * opens the section on a page boundary and hyp_text_end.S closes it.
 *
 * Hyp mode has no LR of its own: "bl" here overwrites the host's LR_usr,
 * so every path that calls saves and restores it.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "hyp_abi.h"

#define HSR_EC_SHIFT	26
#define HSR_EC_HVC	0x12		/* hvc from PL1 (or PL0) */

	.arch_extension virt
	.section .hyp.text, "ax"
	.balign	4096
	.globl	kvm32_hyp_text_start
kvm32_hyp_text_start:

/* HVBAR points here. Only the Hyp trap is expected; all else is a bug. */
	.balign	32
ENTRY(kvm32_hyp_vectors)
	b	hyp_vec_reset			@ 0x00: not used in Hyp
	b	hyp_vec_undef			@ 0x04: undefined instruction in Hyp
	b	hyp_vec_hvc			@ 0x08: hvc/svc executed in Hyp
	b	hyp_vec_pabt			@ 0x0c: prefetch abort in Hyp
	b	hyp_vec_dabt			@ 0x10: data abort in Hyp
	b	hyp_vec_trap			@ 0x14: trap from the host or a guest
	b	hyp_vec_irq			@ 0x18: IRQ while a guest runs
	b	hyp_vec_fiq			@ 0x1c: FIQ while a guest runs
ENDPROC(kvm32_hyp_vectors)

hyp_vec_reset:	mov	r0, #0x00
		b	hyp_panic
hyp_vec_undef:	mov	r0, #0x04
		b	hyp_panic
hyp_vec_hvc:	mov	r0, #0x08
		b	hyp_panic
hyp_vec_pabt:	mov	r0, #0x0c
		b	hyp_panic
hyp_vec_dabt:	mov	r0, #0x10
		b	hyp_panic
	.globl	hyp_host_irq, hyp_host_fiq, hyp_host_trap
hyp_host_irq:	mov	r0, #0x18		@ IRQs reach Hyp only while a guest runs
		b	hyp_panic
hyp_host_fiq:	mov	r0, #0x1c
		b	hyp_panic

/*
 * A trap from the host: its "hvc #0", with r0 = call number, r1-r3 =
 * arguments. hyp_vec_trap (hyp_switch.S) has pushed the host's r12 and
 * LR_usr on the otherwise empty stack (every call returns it balanced).
 */
hyp_host_trap:
	mrc	p15, 4, r12, c5, c2, 0		@ HSR
	lsr	r12, r12, #HSR_EC_SHIFT
	cmp	r12, #HSR_EC_HVC
	movne	r0, #0x14
	bne	hyp_panic

	/* The kernel's own stub call keeps working: kexec uses it. */
	cmp	r0, #HVC_SOFT_RESTART
	beq	hyp_soft_restart

	/* Where to return if Hyp panics while serving this call. */
	mrc	p15, 4, r12, c13, c0, 2		@ HTPIDR: this CPU's Hyp data
	mrs	lr, ELR_hyp
	str	lr, [r12, #HYP_CPU_HOST_ELR]
	mrs	lr, spsr
	str	lr, [r12, #HYP_CPU_HOST_SPSR]

	movw	r12, #:lower16:HYP_CALL_BASE
	movt	r12, #:upper16:HYP_CALL_BASE
	sub	r12, r0, r12
	cmp	r12, #HYP_CALL_NR
	bhs	hyp_unknown_call
	adr	lr, hyp_call_table
	ldr	r12, [lr, r12, lsl #2]
	mov	r0, r1
	mov	r1, r2
	mov	r2, r3
	blx	r12
	pop	{r12, lr}
	eret

hyp_unknown_call:
	ldr	r0, =HVC_STUB_ERR		@ what the kernel's stub answers
	pop	{r12, lr}
	eret

	.balign	4
hyp_call_table:					@ indexed by call number - HYP_CALL_BASE
	.word	hyp_ping			@ HYP_CALL_PING
	.word	hyp_reset			@ HYP_CALL_RESET
	.word	hyp_read			@ HYP_CALL_READ
	.word	hyp_write			@ HYP_CALL_WRITE
	.word	hyp_run				@ HYP_CALL_RUN (hyp_switch.S)
	.word	hyp_flush_vmid			@ HYP_CALL_FLUSH_VMID (hyp_switch.S)
	.word	hyp_flush_all_vmids		@ HYP_CALL_FLUSH_ALL_VMIDS (hyp_switch.S)
	.word	hyp_flush_hyp_tlb		@ HYP_CALL_FLUSH_HYP_TLB

/* u32 hyp_ping(u32 token): proves that this code answered, on this CPU. */
hyp_ping:
	movw	r1, #:lower16:HYP_PING_REPLY(0)
	movt	r1, #:upper16:HYP_PING_REPLY(0)
	eor	r0, r0, r1
	bx	lr

/*
 * After the kernel changed Hyp's own tables: drop every Hyp TLB entry (and
 * cached walk) on every CPU, before freed table or data pages are reused.
 */
hyp_flush_hyp_tlb:
	dsb	ishst				@ the table writes first
	mcr	p15, 4, r0, c8, c3, 0		@ TLBIALLHIS
	dsb	ish
	isb
	mov	r0, #0
	bx	lr

/* u32 hyp_read(const u32 *addr), void hyp_write(u32 *addr, u32 word) */
hyp_read:
	ldr	r0, [r0]
	bx	lr
hyp_write:
	str	r1, [r0]
	mov	r0, #0
	bx	lr

/*
 * HYP_CALL_RESET: give Hyp mode back to the kernel's stub and return to the
 * host. HVC_SOFT_RESTART (r1 = physical address): the same, then branch
 * there in Hyp mode with the MMU off, as the stub would.
 */
hyp_reset:
	pop	{r12, lr}			@ pushed by hyp_vec_trap: we never return there
	mov	r2, #0
	b	hyp_goto_reset
hyp_soft_restart:
	pop	{r12, lr}
	mov	r2, r1
hyp_goto_reset:
	mrc	p15, 4, r3, c13, c0, 2		@ HTPIDR
	ldr	r0, [r3, #HYP_CPU_STUB_HSCTLR]
	ldr	r1, [r3, #HYP_CPU_STUB_HVBAR]
	ldr	r3, [r3, #HYP_CPU_IDMAP_RESET]
	bx	r3				@ kvm32_hyp_reset, identity-mapped

/*
 * Hyp took an exception it cannot handle (r0 = vector offset). Record what
 * happened for the host, drop the Hyp stack and return to the host's hvc
 * with HYP_ERR_PANIC; the host reports it. Host registers the Hyp code may
 * have used are restored by the host's call wrapper.
 */
hyp_panic:
	mrc	p15, 4, r1, c13, c0, 2		@ HTPIDR
	str	r0, [r1, #HYP_CPU_PANIC_VECTOR]
	mrc	p15, 4, r0, c5, c2, 0		@ HSR, before anything else traps
	str	r0, [r1, #HYP_CPU_PANIC_HSR]
	mrs	r0, ELR_hyp
	str	r0, [r1, #HYP_CPU_PANIC_ELR]
	mrc	p15, 4, r0, c6, c0, 0		@ HDFAR
	str	r0, [r1, #HYP_CPU_PANIC_HDFAR]
	bl	hyp_panic_restore_host		@ hyp_switch.S: if a guest was loaded
	mrc	p15, 4, r1, c13, c0, 2

	add	sp, r1, #HYP_CPU_PAGE_SIZE
	ldr	lr, [sp, #-4]			@ host's LR_usr, as hyp_vec_trap pushed it
	ldr	r0, [r1, #HYP_CPU_HOST_ELR]
	msr	ELR_hyp, r0
	ldr	r0, [r1, #HYP_CPU_HOST_SPSR]
	msr	spsr_cxsf, r0
	ldr	r0, =HYP_ERR_PANIC
	eret

/* Called with the MMU just switched on by kvm32_hyp_init (see there). */
ENTRY(kvm32_hyp_init_continue)
	mov	sp, r4
	mcr	p15, 4, r6, c13, c0, 2		@ HTPIDR
	str	r8, [r6, #HYP_CPU_STUB_HVBAR]
	str	r9, [r6, #HYP_CPU_STUB_HSCTLR]
	mrc	p15, 4, r0, c2, c1, 2		@ VTCR, the same for every guest,
	ldr	r1, =HYP_VTCR_MASK		@ keeping its reserved bits
	bic	r0, r0, r1
	ldr	r1, =HYP_VTCR
	orr	r0, r0, r1
	mcr	p15, 4, r0, c2, c1, 2
	mcr	p15, 4, r5, c12, c0, 0		@ HVBAR: kvm32's vectors from now on
	isb
	mov	r0, #0
	eret
ENDPROC(kvm32_hyp_init_continue)

	.ltorg
