/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Start-up of the bare-metal payloads. The VMM enters _start the way a boot
 * loader enters a kernel: ARM state, SVC mode, A/I/F masked, MMU and caches
 * off, r2 = the device tree (unused here). We set up a stack, zero .bss
 * (the ELF loader does too, a raw load does not), point VBAR at our vectors,
 * run main() and power the board off with PSCI SYSTEM_OFF, by HVC as the
 * device tree's /psci node says. Interrupts stay masked throughout: the
 * payloads poll the GIC instead of taking IRQ exceptions.
 */
#define MODE_SVC	0x13

	.syntax	unified
	.arm
	.arch_extension virt
	.arch_extension sec

	.section .text.start, "ax"
	.globl	_start
_start:
	cpsid	aif, #MODE_SVC
	ldr	sp, =__stack_top

	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b

	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	isb

	bl	main
	bl	psci_system_off			@ does not return
2:	wfi
	b	2b

/*
 * Exceptions. Nothing here expects one: report which vector, where from
 * (the banked LR of the mode taken) and the SPSR, then power off. The
 * report runs on the SVC stack: the other modes have none of their own.
 */
	.macro	vector	n
	mov	r1, lr
	mrs	r2, spsr
	cps	#MODE_SVC
	mov	r0, #\n
	b	bare_exception
	.endm

	.text
	.balign	32
vectors:
	b	vec_reset
	b	vec_undef
	b	vec_svc
	b	vec_pabt
	b	vec_dabt
	b	vec_unused
	b	vec_irq
	b	vec_fiq
vec_reset:	vector 0
vec_undef:	vector 1
vec_svc:	vector 2
vec_pabt:	vector 3
vec_dabt:	vector 4
vec_unused:	vector 5
vec_irq:	vector 6
vec_fiq:	vector 7

	.section .note.GNU-stack, "", %progbits
