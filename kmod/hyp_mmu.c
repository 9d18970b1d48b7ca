// SPDX-License-Identifier: GPL-2.0
/*
 * Hyp mode's address space.
 *
 * Hyp sees what it needs at the addresses the kernel sees it at, so that
 * pointers pass between the two unchanged: the pages of .hyp.text (read-only,
 * executable), and each possible CPU's Hyp page (its Hyp data and stack,
 * read-write, execute-never). One more page, the trampoline, holds a copy of
 * hyp_init.S and is mapped at its physical address, because the code that
 * switches the MMU on or off must run where virtual equals physical. Nothing
 * else of the kernel is visible to Hyp.
 *
 * The tables are written through the kernel's cacheable mapping and Hyp
 * walks them with cacheable, Inner Shareable attributes (HTCR), so the
 * walker sees the writes without cache maintenance; the table memory itself
 * is not mapped in Hyp.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/cacheflush.h>

#include "hyp_call.h"
#include "hyp_mmu.h"
#include "lpae_pgtable.h"

static_assert(offsetof(struct kvm32_hyp_cpu, stub_hvbar) == HYP_CPU_STUB_HVBAR);
static_assert(offsetof(struct kvm32_hyp_cpu, stub_hsctlr) == HYP_CPU_STUB_HSCTLR);
static_assert(offsetof(struct kvm32_hyp_cpu, idmap_reset) == HYP_CPU_IDMAP_RESET);
static_assert(offsetof(struct kvm32_hyp_cpu, host_elr) == HYP_CPU_HOST_ELR);
static_assert(offsetof(struct kvm32_hyp_cpu, host_spsr) == HYP_CPU_HOST_SPSR);
static_assert(offsetof(struct kvm32_hyp_cpu, panic_hsr) == HYP_CPU_PANIC_HSR);
static_assert(offsetof(struct kvm32_hyp_cpu, panic_elr) == HYP_CPU_PANIC_ELR);
static_assert(offsetof(struct kvm32_hyp_cpu, panic_hdfar) == HYP_CPU_PANIC_HDFAR);
static_assert(offsetof(struct kvm32_hyp_cpu, panic_vector) == HYP_CPU_PANIC_VECTOR);
static_assert(offsetof(struct kvm32_hyp_cpu, current_vcpu) == HYP_CPU_CURRENT_VCPU);
static_assert(offsetof(struct kvm32_hyp_cpu, host_hcr) == HYP_CPU_HOST_HCR);
static_assert(offsetof(struct kvm32_hyp_cpu, host_hstr) == HYP_CPU_HOST_HSTR);
static_assert(offsetof(struct kvm32_hyp_cpu, host_hcptr) == HYP_CPU_HOST_HCPTR);
static_assert(offsetof(struct kvm32_hyp_cpu, host_cnthctl) == HYP_CPU_HOST_CNTHCTL);
static_assert(offsetof(struct kvm32_hyp_cpu, host_hdcr) == HYP_CPU_HOST_HDCR);
static_assert(offsetof(struct kvm32_hyp_cpu, harden_bp) == HYP_CPU_HARDEN_BP);
static_assert(offsetof(struct kvm32_hyp_cpu, host_cntvoff) == HYP_CPU_HOST_CNTVOFF);
static_assert(offsetof(struct kvm32_hyp_cpu, host_ctxt) == HYP_CPU_HOST_CTXT);
static_assert(offsetof(struct kvm32_hyp_cpu, host_vfp) == HYP_CPU_HOST_VFP);
static_assert(sizeof(struct kvm32_hyp_cpu) == HYP_CPU_DATA_SIZE);
static_assert(HYP_CPU_PAGE_SIZE == PAGE_SIZE && LPAE_PAGE_SIZE == PAGE_SIZE);

static struct lpae_pgtable hyp_pgt;
static void *trampoline;		/* kernel address of the trampoline page */
static phys_addr_t trampoline_pa;
static DEFINE_PER_CPU(struct kvm32_hyp_cpu *, hyp_cpu_page);

/* Tables come from lowmem: the kernel writes them, Hyp's walker reads them by PA. */
static void *table_alloc(void *ctx, unsigned int order, u64 *pa)
{
	/* The buddy allocator aligns a block to its size, as the walker needs. */
	void *table = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);

	if (table)
		*pa = virt_to_phys(table);
	return table;
}

/*
 * While Hyp runs, a freed table may still be cached by a walk on some CPU:
 * kvm32_hyp_unmap() sets this list so frees wait until after the TLB flush.
 */
static struct list_head *deferred_frees;
/* Serialises changes to Hyp's tables after load. */
static DEFINE_MUTEX(hyp_map_lock);

static void table_free(void *ctx, void *table, unsigned int order, u64 pa)
{
	if (deferred_frees) {
		struct page *page = virt_to_page(table);

		set_page_private(page, order);
		list_add(&page->lru, deferred_frees);
		return;
	}
	free_pages((unsigned long)table, order);
}

static void *table_va(void *ctx, u64 pa)
{
	return phys_to_virt(pa);
}

static const struct lpae_pgtable_ops table_ops = {
	.alloc_table = table_alloc,
	.free_table = table_free,
	.table_va = table_va,
};

/* Module text lives in the module area, page by page, possibly in highmem. */
static int kernel_page_pa(const void *va, u64 *pa)
{
	struct page *page;

	if (virt_addr_valid(va)) {
		*pa = virt_to_phys(va);
		return 0;
	}
	page = vmalloc_to_page(va);
	if (!page)
		return -EFAULT;
	*pa = page_to_phys(page);
	return 0;
}

static int map_kernel_range(const void *start, const void *end, enum lpae_prot prot)
{
	const char *va;
	u64 pa;
	int ret;

	for (va = start; va < (const char *)end; va += PAGE_SIZE) {
		ret = kernel_page_pa(va, &pa);
		if (!ret)
			ret = lpae_pgtable_map(&hyp_pgt, (unsigned long)va, pa,
					       PAGE_SIZE, prot, 0);
		if (ret) {
			pr_err("cannot map %p for Hyp mode (%d)\n", va, ret);
			return ret;
		}
	}
	return 0;
}

static bool within(const char *sym, const char *start, const char *end)
{
	return sym >= start && sym < end;
}

/* A wrong link order in Kbuild would leave Hyp code unmapped: refuse to run. */
static int check_hyp_layout(void)
{
	if (!PAGE_ALIGNED(kvm32_hyp_text_start) || !PAGE_ALIGNED(kvm32_hyp_text_end) ||
	    !within(kvm32_hyp_vectors, kvm32_hyp_text_start, kvm32_hyp_text_end) ||
	    !within(kvm32_hyp_init_continue, kvm32_hyp_text_start, kvm32_hyp_text_end) ||
	    !within(kvm32_hyp_init, kvm32_hyp_idmap_start, kvm32_hyp_idmap_end) ||
	    !within(kvm32_hyp_reset, kvm32_hyp_idmap_start, kvm32_hyp_idmap_end) ||
	    kvm32_hyp_idmap_end - kvm32_hyp_idmap_start > PAGE_SIZE) {
		pr_err("Hyp code is laid out wrongly (check the object order in Kbuild)\n");
		return -ENOEXEC;
	}
	return 0;
}

static int setup_trampoline(void)
{
	int ret;

	trampoline = (void *)get_zeroed_page(GFP_KERNEL);
	if (!trampoline)
		return -ENOMEM;
	trampoline_pa = virt_to_phys(trampoline);
	if (trampoline_pa + PAGE_SIZE > SZ_4G) {
		pr_err("the Hyp trampoline page is above 4 GiB (%pa): it cannot be identity-mapped\n",
		       &trampoline_pa);
		return -ERANGE;
	}
	memcpy(trampoline, kvm32_hyp_idmap_start,
	       kvm32_hyp_idmap_end - kvm32_hyp_idmap_start);
	/*
	 * kvm32_hyp_init runs from this page with Hyp's MMU and caches off:
	 * its fetches go to memory, so the copy must be cleaned from the data
	 * cache to the Point of Coherency. And no CPU may fetch stale
	 * instructions or predict stale branches for this page later, with
	 * its caches on.
	 */
	__cpuc_flush_dcache_area(trampoline, PAGE_SIZE);
	kvm32_icache_inval_all();

	ret = lpae_pgtable_map(&hyp_pgt, trampoline_pa, trampoline_pa, PAGE_SIZE,
			       LPAE_PROT_RX, 0);
	if (ret == -EEXIST)
		pr_err("the Hyp trampoline's physical address %pa collides with Hyp's other mappings\n",
		       &trampoline_pa);
	return ret;
}

static int setup_cpu_pages(void)
{
	unsigned int cpu;
	int ret;

	for_each_possible_cpu(cpu) {
		struct kvm32_hyp_cpu *data = (void *)get_zeroed_page(GFP_KERNEL);

		if (!data)
			return -ENOMEM;
		per_cpu(hyp_cpu_page, cpu) = data;
		ret = map_kernel_range(data, (char *)data + PAGE_SIZE, LPAE_PROT_RW);
		if (ret)
			return ret;
	}
	return 0;
}

int kvm32_hyp_mmu_init(void)
{
	int ret;

	ret = check_hyp_layout();
	if (ret)
		return ret;
	ret = lpae_pgtable_init(&hyp_pgt, LPAE_HYP, &table_ops);
	if (ret)
		return ret;
	ret = map_kernel_range(kvm32_hyp_text_start, kvm32_hyp_text_end, LPAE_PROT_RX);
	if (!ret)
		ret = setup_trampoline();
	if (!ret)
		ret = setup_cpu_pages();
	if (ret)
		kvm32_hyp_mmu_exit();
	return ret;
}

void kvm32_hyp_mmu_exit(void)
{
	unsigned int cpu;

	if (hyp_pgt.root)
		lpae_pgtable_destroy(&hyp_pgt);
	memset(&hyp_pgt, 0, sizeof(hyp_pgt));
	free_page((unsigned long)trampoline);
	trampoline = NULL;
	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(hyp_cpu_page, cpu));
		per_cpu(hyp_cpu_page, cpu) = NULL;
	}
}

/* Drops stale Hyp translations on every CPU (TLBIALLHIS in Hyp). */
static void flush_hyp_tlb(void)
{
	preempt_disable();
	kvm32_hyp_call(HYP_CALL_FLUSH_HYP_TLB, 0, 0, 0);
	preempt_enable();
}

int kvm32_hyp_map(void *va, size_t size)
{
	int ret;

	mutex_lock(&hyp_map_lock);
	ret = map_kernel_range(va, (char *)va + size, LPAE_PROT_RW);
	if (ret)
		lpae_pgtable_unmap(&hyp_pgt, (unsigned long)va, size);
	/*
	 * The new entries were invalid before, so no CPU can hold them; but a
	 * speculative walk may have caught a descriptor half-written (two
	 * 32-bit stores), so make every CPU forget what it saw.
	 */
	flush_hyp_tlb();
	mutex_unlock(&hyp_map_lock);
	return ret;
}

void kvm32_hyp_unmap(void *va, size_t size)
{
	LIST_HEAD(frees);
	struct page *page, *next;

	mutex_lock(&hyp_map_lock);
	deferred_frees = &frees;
	lpae_pgtable_unmap(&hyp_pgt, (unsigned long)va, size);
	deferred_frees = NULL;
	flush_hyp_tlb();
	mutex_unlock(&hyp_map_lock);
	/* Only now can no CPU reach the tables through a cached walk. */
	list_for_each_entry_safe(page, next, &frees, lru)
		__free_pages(page, page_private(page));
}

int kvm32_hyp_map_io_early(void __iomem *va, phys_addr_t pa, size_t size)
{
	unsigned long start = (unsigned long)va & PAGE_MASK;
	int ret;

	size = PAGE_ALIGN(size + ((unsigned long)va & ~PAGE_MASK));
	mutex_lock(&hyp_map_lock);
	ret = lpae_pgtable_map(&hyp_pgt, start, pa & PAGE_MASK, size, LPAE_PROT_DEVICE, 0);
	mutex_unlock(&hyp_map_lock);
	if (ret)
		pr_err("cannot map device registers at %pa for Hyp mode (%d)\n", &pa, ret);
	return ret;
}

u64 kvm32_hyp_httbr(void)
{
	return hyp_pgt.root_pa;
}

u32 kvm32_hyp_idmap_addr(const char *sym)
{
	return trampoline_pa + (sym - kvm32_hyp_idmap_start);
}

struct kvm32_hyp_cpu *kvm32_hyp_cpu_data(unsigned int cpu)
{
	return per_cpu(hyp_cpu_page, cpu);
}

unsigned long kvm32_hyp_mem_bytes(void)
{
	return (hyp_pgt.nr_pages + 1 + num_possible_cpus()) * PAGE_SIZE;
}
