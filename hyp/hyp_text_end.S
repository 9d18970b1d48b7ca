/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Closes section .hyp.text (opened by hyp_entry.S) on a page boundary, so
 * that the pages Hyp maps hold Hyp code only. Linked after every object
 * that puts code in .hyp.text.
 */
	.section .hyp.text, "ax"
	.balign	4096
	.globl	kvm32_hyp_text_end
kvm32_hyp_text_end:
