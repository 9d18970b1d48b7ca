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
#define HYP_CALL_NR		4

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
#define HYP_CPU_DATA_SIZE	36

#define HYP_CPU_PAGE_SIZE	4096

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
};
#endif /* __ASSEMBLY__ */

#endif /* KVM32_HYP_ABI_H */
