/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest side of kvm_bench: position-independent ARM code, copied into
 * guest memory and run from its first byte. It times each operation with
 * the virtual counter over ITERATIONS repetitions and reports the counter
 * ticks with MMIO writes (REPORT_* addresses, outside every memory slot).
 * Each timed loop is the 4-instruction empty loop plus the operation, so
 * the difference per iteration is the operation's cost, its own
 * instruction(s) included.
 */
#define ITERATIONS	2000
#define MMIO_BASE	0x10000000
#define REPORT_LOOP	0x00	/* ticks of the empty loop */
#define REPORT_HVC	0x04	/* ticks of the hvc loop */
#define REPORT_MMIO	0x08	/* ticks of the MMIO loop */
#define REPORT_GICD	0x0c	/* ticks of the distributor-read loop */
#define REPORT_SGI	0x10	/* ticks of the self-SGI loop */
#define REPORT_IPI	0x14	/* ticks of the IPI ping-pong loop */
#define MMIO_TARGET	0x40	/* written ITERATIONS times: an exit to the VMM each */
#define IPI_ROUNDS	500	/* ping-pongs: two IPIs each */
#define GICD_BASE	0x08000000	/* the vGIC, where kvm_bench puts it */
#define GICC_BASE	0x08010000
#define GICD_CTLR	0x000
#define GICD_TYPER	0x004
#define GICD_SGIR	0xf00
#define GICC_CTLR	0x000
#define GICC_PMR	0x004
#define GICC_IAR	0x00c
#define GICC_EOIR	0x010
#define SGI_TO_CPU1	0x00020001	/* SGI 1 to the CPU list {1} */
#define SGI_TO_CPU0	0x00010001	/* SGI 1 to the CPU list {0} */
#define SGI_TO_SELF	0x02000003	/* SGI 3 to the requester */

/*
 * Acknowledges and completes an interrupt, waiting for one (WFI) while none
 * is pending. Clobbers r1-r3.
 */
.macro take_irq gicc
	b	91f
90:	wfi
91:	ldr	r1, [\gicc, #GICC_IAR]
	ubfx	r2, r1, #0, #10
	movw	r3, #1023
	cmp	r2, r3
	beq	90b
	str	r1, [\gicc, #GICC_EOIR]
.endm

/* This CPU's interface on, every priority unmasked. */
.macro gicc_on gicc
	mov	r0, #0xff
	str	r0, [\gicc, #GICC_PMR]
	mov	r0, #1
	str	r0, [\gicc, #GICC_CTLR]
.endm
#define PSCI_VERSION	0x84000000
#define PSCI_SYSTEM_OFF	0x84000008

	.arm
	.arch_extension virt
	.globl	bench_guest_start, bench_guest_end
bench_guest_start:
	movw	r8, #:lower16:MMIO_BASE
	movt	r8, #:upper16:MMIO_BASE

	/* The loop alone (4 instructions), to subtract from the others. */
	mov	r9, #ITERATIONS
	mrrc	p15, 1, r4, r5, c14		@ CNTVCT
1:	subs	r9, r9, #1
	mov	r0, r0
	mov	r0, r0
	bne	1b
	mrrc	p15, 1, r6, r7, c14
	sub	r6, r6, r4
	str	r6, [r8, #REPORT_LOOP]

	/* A null hypercall: PSCI VERSION, answered in the kernel. */
	mov	r9, #ITERATIONS
	mrrc	p15, 1, r4, r5, c14
2:	subs	r9, r9, #1
	movw	r0, #:lower16:PSCI_VERSION
	movt	r0, #:upper16:PSCI_VERSION
	hvc	#0
	bne	2b
	mrrc	p15, 1, r6, r7, c14
	sub	r6, r6, r4
	str	r6, [r8, #REPORT_HVC]

	/* An MMIO write, completed by the VMM. */
	mov	r9, #ITERATIONS
	mrrc	p15, 1, r4, r5, c14
3:	subs	r9, r9, #1
	str	r9, [r8, #MMIO_TARGET]
	mov	r0, r0
	mov	r0, r0
	bne	3b
	mrrc	p15, 1, r6, r7, c14
	sub	r6, r6, r4
	str	r6, [r8, #REPORT_MMIO]

	movw	r10, #:lower16:GICD_BASE
	movt	r10, #:upper16:GICD_BASE
	movw	r11, #:lower16:GICC_BASE
	movt	r11, #:upper16:GICC_BASE
	mov	r0, #1
	str	r0, [r10, #GICD_CTLR]
	gicc_on	r11

	/* A distributor register read, emulated in the kernel. */
	mov	r9, #ITERATIONS
	mrrc	p15, 1, r4, r5, c14
5:	subs	r9, r9, #1
	ldr	r0, [r10, #GICD_TYPER]
	mov	r0, r0
	mov	r0, r0
	bne	5b
	mrrc	p15, 1, r6, r7, c14
	sub	r6, r6, r4
	str	r6, [r8, #REPORT_GICD]

	/* Inject (an SGI to itself through GICD_SGIR), acknowledge, complete. */
	mov	r9, #ITERATIONS
	mrrc	p15, 1, r4, r5, c14
6:	movw	r0, #:lower16:SGI_TO_SELF
	movt	r0, #:upper16:SGI_TO_SELF
	str	r0, [r10, #GICD_SGIR]
	take_irq r11
	subs	r9, r9, #1
	bne	6b
	mrrc	p15, 1, r6, r7, c14
	sub	r6, r6, r4
	str	r6, [r8, #REPORT_SGI]

	/* IPI ping-pong with vCPU 1 (bench_guest_cpu1): two IPIs a round. */
	movw	r9, #IPI_ROUNDS
	mrrc	p15, 1, r4, r5, c14
7:	movw	r0, #:lower16:SGI_TO_CPU1
	movt	r0, #:upper16:SGI_TO_CPU1
	str	r0, [r10, #GICD_SGIR]
	take_irq r11
	subs	r9, r9, #1
	bne	7b
	mrrc	p15, 1, r6, r7, c14
	sub	r6, r6, r4
	str	r6, [r8, #REPORT_IPI]

	movw	r0, #:lower16:PSCI_SYSTEM_OFF
	movt	r0, #:upper16:PSCI_SYSTEM_OFF
	hvc	#0
4:	b	4b

/* vCPU 1: answers every SGI from vCPU 0 with one back. */
	.globl	bench_guest_cpu1
bench_guest_cpu1:
	movw	r10, #:lower16:GICD_BASE
	movt	r10, #:upper16:GICD_BASE
	movw	r11, #:lower16:GICC_BASE
	movt	r11, #:upper16:GICC_BASE
	gicc_on	r11
8:	take_irq r11
	movw	r0, #:lower16:SGI_TO_CPU0
	movt	r0, #:upper16:SGI_TO_CPU0
	str	r0, [r10, #GICD_SGIR]
	b	8b
bench_guest_end:

	.section .note.GNU-stack, "", %progbits
