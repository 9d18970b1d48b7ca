// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's stage-2 translation (guest physical -> host physical) and the
 * memory slots it is filled from. See vm.c for why pages are pinned.
 *
 * All changes happen under vm->lock. After any mapping is removed, the VM's
 * TLB entries are invalidated on every CPU before the page is unpinned, so
 * no CPU can reach a page that has been given back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/cacheflush.h>

#include "hyp_call.h"
#include "stage2.h"

/* Stage-2 tables come from lowmem: the kernel writes them, the walker reads them by PA. */
static void *table_alloc(void *ctx, unsigned int order, u64 *pa)
{
	void *table = (void *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, order);

	if (table)
		*pa = virt_to_phys(table);
	return table;
}

static void table_free(void *ctx, void *table, unsigned int order, u64 pa)
{
	free_pages((unsigned long)table, order);
}

static void *table_va(void *ctx, u64 pa)
{
	return phys_to_virt(pa);
}

static const struct lpae_pgtable_ops s2_ops = {
	.alloc_table = table_alloc,
	.free_table = table_free,
	.table_va = table_va,
};

int kvm32_stage2_init(struct kvm32_vm *vm)
{
	return lpae_pgtable_init(&vm->s2, LPAE_STAGE2, &s2_ops);
}

/* Invalidates the VM's TLB entries on every CPU (TLBIALLIS under its VMID). */
static void flush_vm_tlb(struct kvm32_vm *vm)
{
	u64 vttbr = kvm32_vm_vttbr(vm);

	/*
	 * A VM that never ran has no entries to drop. A VMID of an old
	 * generation was flushed at the rollover; flushing it again only
	 * costs the VM that holds it now a few TLB refills.
	 */
	if (!vm->vmid)
		return;
	preempt_disable();
	kvm32_hyp_call(HYP_CALL_FLUSH_VMID, lower_32_bits(vttbr), upper_32_bits(vttbr), 0);
	preempt_enable();
}

/* Cleans and invalidates a page's data cache lines to the Point of Coherency. */
static void clean_guest_page(struct page *page)
{
	void *va = kmap_local_page(page);

	__cpuc_flush_dcache_area(va, PAGE_SIZE);
	kunmap_local(va);
}

/*
 * Gives a slot's pinned pages back. A guest running with its caches off
 * wrote them straight to memory, while the host may hold older lines for
 * them (speculative fetches through its own cacheable mapping): clean and
 * invalidate before the host or anyone it hands the page to reads it.
 */
static void unpin_slot(struct kvm32_vm *vm, unsigned int id)
{
	struct page **pages = vm->pinned[id];
	u64 i;

	if (!pages)
		return;
	for (i = 0; i < vm->slots.slot[id].npages; i++) {
		if (!pages[i])
			continue;
		clean_guest_page(pages[i]);
		unpin_user_page(pages[i]);
	}
	kvfree(pages);
	vm->pinned[id] = NULL;
}

/* Takes a slot's pages out of stage 2, then gives them back. */
static void evict_slot(struct kvm32_vm *vm, unsigned int id)
{
	const struct kvm32_memslot *s = &vm->slots.slot[id];

	if (!s->npages)
		return;
	lpae_pgtable_unmap(&vm->s2, s->base_gfn << PAGE_SHIFT, s->npages << PAGE_SHIFT);
	flush_vm_tlb(vm);
	unpin_slot(vm, id);
}

void kvm32_stage2_evict_all(struct kvm32_vm *vm)
{
	unsigned int id;
	struct page **pages;

	mutex_lock(&vm->lock);
	for (id = 0; id < KVM32_USER_MEM_SLOTS; id++) {
		if (!vm->pinned[id])
			continue;
		/* The slot stays: an empty page array takes the new faults. */
		pages = kvcalloc(vm->slots.slot[id].npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
		if (!pages)
			continue;	/* keep it mapped: correct, only not re-cleaned */
		evict_slot(vm, id);
		vm->pinned[id] = pages;
	}
	mutex_unlock(&vm->lock);
}

void kvm32_stage2_destroy(struct kvm32_vm *vm)
{
	unsigned int id;

	if (!vm->s2.root)
		return;
	/*
	 * No vCPU can run any more. Entries of this VMID may stay in TLBs,
	 * but no VM uses the VMID again before the next generation flushes
	 * them all (vmid.c); still drop them now so the pages are unreachable.
	 */
	lpae_pgtable_unmap(&vm->s2, 0, 1ULL << KVM32_IPA_BITS);
	flush_vm_tlb(vm);
	for (id = 0; id < KVM32_USER_MEM_SLOTS; id++)
		unpin_slot(vm, id);
	lpae_pgtable_destroy(&vm->s2);
}

/*
 * A writable slot needs writable memory behind it: the guest would write
 * where the VMM may not (KVM checks the same, -EPERM). Holes are allowed:
 * they fault when the guest touches them.
 */
static int check_writable(const struct kvm32_memslot_request *req)
{
	unsigned long hva = req->userspace_addr, end = hva + req->memory_size;
	struct vm_area_struct *vma;
	int ret = 0;

	if (req->flags & KVM32_MEM_READONLY)
		return 0;
	mmap_read_lock(current->mm);
	while (hva < end) {
		vma = find_vma(current->mm, hva);
		if (!vma || vma->vm_start >= end)
			break;
		if (!(vma->vm_flags & VM_WRITE)) {
			ret = -EPERM;
			break;
		}
		hva = vma->vm_end;
	}
	mmap_read_unlock(current->mm);
	return ret;
}

int kvm32_stage2_set_region(struct kvm32_vm *vm, const struct kvm_userspace_memory_region *mem)
{
	struct kvm32_memslot_request req = {
		.slot = mem->slot,
		.flags = mem->flags,
		.guest_phys_addr = mem->guest_phys_addr,
		.memory_size = mem->memory_size,
		.userspace_addr = mem->userspace_addr,
	};
	enum kvm32_memslot_change change;
	struct page **pages = NULL;
	unsigned int id = mem->slot & 0xffff;
	int ret;

	mutex_lock(&vm->lock);
	ret = kvm32_memslot_check(&vm->slots, &req, PAGE_SHIFT, TASK_SIZE, &change);
	if (!ret && change != KVM32_MR_DELETE && change != KVM32_MR_NONE)
		ret = check_writable(&req);
	if (ret)
		goto out;

	/* Created and moved slots start with nothing pinned. */
	if (change == KVM32_MR_CREATE || change == KVM32_MR_MOVE) {
		pages = kvcalloc(req.memory_size >> PAGE_SHIFT, sizeof(*pages),
				 GFP_KERNEL_ACCOUNT);
		if (!pages) {
			ret = -ENOMEM;
			goto out;
		}
	}
	/* A deleted or moved slot's old guest addresses must stop working. */
	if (change == KVM32_MR_DELETE || change == KVM32_MR_MOVE)
		evict_slot(vm, id);
	kvm32_memslot_apply(&vm->slots, &req, PAGE_SHIFT, change);
	if (pages)
		vm->pinned[id] = pages;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * Makes a freshly pinned page safe for the guest to see: the guest may run
 * with its caches off, reading memory directly, so what the host wrote
 * (zeroing, the VMM's loading) must be cleaned from the data cache to the
 * Point of Coherency; and the guest may execute it, so no CPU may hold stale
 * instructions for it (the instruction cache of a Cortex-A7 is VIPT, so
 * invalidating by address through the kernel's mapping is not enough).
 */
static void prepare_guest_page(struct page *page)
{
	clean_guest_page(page);
	kvm32_icache_inval_all();
}

atomic_long_t kvm32_stage2_block_maps = ATOMIC_LONG_INIT(0);

#define BLOCK_PAGES	(LPAE_BLOCK_SIZE / PAGE_SIZE)

/*
 * Maps the 2 MiB block around @gfn with one descriptor if host memory
 * allows: the VMM's page there is part of a 2 MiB huge page, the slot's
 * guest and host addresses agree modulo 2 MiB, the whole block lies in the
 * slot and none of it is mapped yet. Then all 512 pages are pinned (they
 * must be physically contiguous) and prepared. One TLB entry then covers
 * what 512 would, and a fault maps 512 pages. Returns 0 if mapped, or a
 * negative errno to fall back to a page.
 */
static int map_block(struct kvm32_vm *vm, const struct kvm32_memslot *s, unsigned int id,
		     u64 gfn, struct page *page, unsigned int flags)
{
	u64 first = gfn & ~(u64)(BLOCK_PAGES - 1), index = first - s->base_gfn, i;
	unsigned long hva = kvm32_memslot_hva(s, first, PAGE_SHIFT);
	struct page **pages = vm->pinned[id] + index;
	int ret;

	if (folio_order(page_folio(page)) < HPAGE_PMD_ORDER ||
	    first < s->base_gfn || first + BLOCK_PAGES > s->base_gfn + s->npages ||
	    hva & (LPAE_BLOCK_SIZE - 1))
		return -EINVAL;
	for (i = 0; i < BLOCK_PAGES; i++)
		if (pages[i])
			return -EEXIST;

	ret = pin_user_pages_fast(hva, BLOCK_PAGES, flags, pages);
	if (ret != BLOCK_PAGES) {
		if (ret > 0)
			unpin_user_pages(pages, ret);
		memset(pages, 0, BLOCK_PAGES * sizeof(*pages));
		return -EFAULT;
	}
	for (i = 1; i < BLOCK_PAGES; i++)
		if (page_to_pfn(pages[i]) != page_to_pfn(pages[0]) + i)
			break;
	ret = i == BLOCK_PAGES && !(page_to_phys(pages[0]) & (LPAE_BLOCK_SIZE - 1)) ?
	      0 : -EINVAL;
	if (!ret) {
		for (i = 0; i < BLOCK_PAGES; i++)
			clean_guest_page(pages[i]);
		kvm32_icache_inval_all();
		ret = lpae_pgtable_map(&vm->s2, first << PAGE_SHIFT, page_to_phys(pages[0]),
				       LPAE_BLOCK_SIZE, (s->flags & KVM32_MEM_READONLY) ?
				       LPAE_PROT_RO : LPAE_PROT_RW, LPAE_MAP_BLOCKS);
	}
	if (ret) {
		unpin_user_pages(pages, BLOCK_PAGES);
		memset(pages, 0, BLOCK_PAGES * sizeof(*pages));
		return ret;
	}
	atomic_long_inc(&kvm32_stage2_block_maps);
	return 0;
}

int kvm32_stage2_map(struct kvm32_vm *vm, u64 ipa, bool write)
{
	u64 gfn = ipa >> PAGE_SHIFT;
	const struct kvm32_memslot *s;
	unsigned int id, flags;
	struct page *page;
	u64 index;
	int ret;

	mutex_lock(&vm->lock);
	s = kvm32_memslot_find(&vm->slots, gfn);
	ret = -ENOENT;
	if (!s)
		goto out;
	/* A write to a read-only slot is MMIO for the VMM. */
	if (write && (s->flags & KVM32_MEM_READONLY))
		goto out;
	id = s - vm->slots.slot;
	index = gfn - s->base_gfn;
	ret = 0;
	if (vm->pinned[id][index])
		goto out;	/* another vCPU mapped it meanwhile */

	flags = FOLL_LONGTERM;
	if (!(s->flags & KVM32_MEM_READONLY))
		flags |= FOLL_WRITE;
	/* Long-term pins need the _fast variant in 6.1 (the _unlocked one refuses). */
	ret = pin_user_pages_fast(kvm32_memslot_hva(s, gfn, PAGE_SHIFT), 1, flags, &page);
	if (ret != 1) {
		ret = ret < 0 ? ret : -EFAULT;
		goto out;
	}
	if (!map_block(vm, s, id, gfn, page, flags)) {
		unpin_user_page(page);	/* the block holds its own pins */
		ret = 0;
		goto out;
	}
	prepare_guest_page(page);
	ret = lpae_pgtable_map(&vm->s2, gfn << PAGE_SHIFT, page_to_phys(page), PAGE_SIZE,
			       (s->flags & KVM32_MEM_READONLY) ? LPAE_PROT_RO : LPAE_PROT_RW, 0);
	if (ret) {
		unpin_user_page(page);
		goto out;
	}
	vm->pinned[id][index] = page;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

int kvm32_stage2_map_device(struct kvm32_vm *vm, u64 ipa, phys_addr_t pa, u64 size)
{
	lockdep_assert_held(&vm->lock);
	return lpae_pgtable_map(&vm->s2, ipa, pa, size, LPAE_PROT_DEVICE, 0);
}
