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
#define MMIO_TARGET	0x10	/* written ITERATIONS times: an exit to the VMM each */
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

	movw	r0, #:lower16:PSCI_SYSTEM_OFF
	movt	r0, #:upper16:PSCI_SYSTEM_OFF
	hvc	#0
4:	b	4b
bench_guest_end:

	.section .note.GNU-stack, "", %progbits
