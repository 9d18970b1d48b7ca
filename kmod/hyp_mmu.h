/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_HYP_MMU_H
#define KVM32_HYP_MMU_H

#include <linux/types.h>

#include "hyp_abi.h"

/*
 * Builds Hyp mode's translation tables and maps what Hyp needs; undone by
 * kvm32_hyp_mmu_exit(). Returns 0 or a negative errno after a dmesg line.
 */
int kvm32_hyp_mmu_init(void);
void kvm32_hyp_mmu_exit(void);

/*
 * Maps kernel pages [va, va + size) read-write, execute-never into Hyp at the
 * same address (for a VM's or vCPU's state), or removes them again; both
 * after load, while Hyp runs on every CPU. Returns 0 or a negative errno.
 */
int kvm32_hyp_map(void *va, size_t size);
void kvm32_hyp_unmap(void *va, size_t size);

/*
 * Maps device registers [pa, pa + size), already ioremapped at @va, into Hyp
 * at @va as Device memory. Only before Hyp runs on any CPU (no Hyp TLB can
 * hold anything yet); the mapping lives until kvm32_hyp_mmu_exit().
 */
int kvm32_hyp_map_io_early(void __iomem *va, phys_addr_t pa, size_t size);

/* What HTTBR must hold. */
u64 kvm32_hyp_httbr(void);
/* The identity-mapped (physical == Hyp) address of a symbol of hyp_init.S. */
u32 kvm32_hyp_idmap_addr(const char *sym);
/* A CPU's Hyp data; its Hyp stack ends at the end of the same page. */
struct kvm32_hyp_cpu *kvm32_hyp_cpu_data(unsigned int cpu);
/* Memory Hyp mode uses: tables, trampoline and per-CPU pages, in bytes. */
unsigned long kvm32_hyp_mem_bytes(void);

#endif /* KVM32_HYP_MMU_H */
