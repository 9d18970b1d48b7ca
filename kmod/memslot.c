// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_USER_MEMORY_REGION's validation and bookkeeping.
 *
 * User space must see the errnos Linux 5.6 gives on 32-bit ARM, so the checks
 * follow __kvm_set_memory_region() (with kvm_vm_ioctl_set_memory_region()'s
 * slot check first) and kvm_arch_prepare_memory_region()'s IPA check, in that
 * order: every -EINVAL comes before -EEXIST, and -EEXIST before -EFAULT.
 *
 * All arithmetic on request values is done in u64, because the request holds
 * u64 values from user space and unsigned long is only 32 bits on the target.
 */
#include <linux/types.h>
#include <linux/errno.h>

#include "memslot.h"

/*
 * KVM's cap on one slot (KVM_MEM_MAX_NR_PAGES): the dirty bitmap's bitops take
 * an int index. A 40-bit IPA space never holds that many 4 KiB pages, but the
 * cap is checked before the overlap and IPA checks, so it decides the errno.
 */
#define MAX_SLOT_PAGES		((1ULL << 31) - 1)

/* The slot id is bits 15:0 of the slot field, the address space bits 31:16. */
#define SLOT_ID(slot)		((slot) & 0xffff)
#define SLOT_AS_ID(slot)	((slot) >> 16)

static bool user_range_ok(u64 addr, u64 size, u64 limit)
{
	/* The slot stores the address in an unsigned long: never truncate it. */
	if ((unsigned long)addr != addr)
		return false;
	/* addr + size <= limit, written so that the sum cannot wrap. */
	return addr <= limit && size <= limit - addr;
}

static bool ranges_overlap(u64 base, u64 npages, const struct kvm32_memslot *s)
{
	return base < s->base_gfn + s->npages && s->base_gfn < base + npages;
}

int kvm32_memslot_check(const struct kvm32_memslots *slots,
			const struct kvm32_memslot_request *req, unsigned int page_shift,
			u64 user_addr_limit, enum kvm32_memslot_change *change)
{
	u64 page_mask = (1ULL << page_shift) - 1;
	u32 id = SLOT_ID(req->slot);
	const struct kvm32_memslot *old;
	u64 base_gfn, npages;
	enum kvm32_memslot_change c;
	u32 i;

	/*
	 * The ioctl refuses ids beyond the user slots before anything else; the
	 * ids above them are KVM's private slots, which user space cannot touch.
	 */
	if (id >= KVM32_USER_MEM_SLOTS)
		return -EINVAL;
	if (req->flags & ~KVM32_MEM_VALID_FLAGS)
		return -EINVAL;
	if (req->memory_size & page_mask)
		return -EINVAL;
	if (req->guest_phys_addr & page_mask)
		return -EINVAL;
	/* KVM later reads the memory with __get_user() and friends. */
	if ((req->userspace_addr & page_mask) ||
	    !user_range_ok(req->userspace_addr, req->memory_size, user_addr_limit))
		return -EINVAL;
	/* 32-bit ARM has a single address space. */
	if (SLOT_AS_ID(req->slot) != 0)
		return -EINVAL;
	if (req->guest_phys_addr + req->memory_size < req->guest_phys_addr)
		return -EINVAL;

	base_gfn = req->guest_phys_addr >> page_shift;
	npages = req->memory_size >> page_shift;
	if (npages > MAX_SLOT_PAGES)
		return -EINVAL;

	old = &slots->slot[id];
	if (npages) {
		if (!old->npages) {
			c = KVM32_MR_CREATE;
		} else {
			/* Only the guest address and LOG_DIRTY may change. */
			if (req->userspace_addr != old->userspace_addr ||
			    npages != old->npages ||
			    ((req->flags ^ old->flags) & KVM32_MEM_READONLY))
				return -EINVAL;
			if (base_gfn != old->base_gfn)
				c = KVM32_MR_MOVE;
			else if (req->flags != old->flags)
				c = KVM32_MR_FLAGS_ONLY;
			else
				c = KVM32_MR_NONE;
		}
	} else {
		/* A zero size deletes; the guest address and (valid) flags are ignored. */
		if (!old->npages)
			return -EINVAL;
		c = KVM32_MR_DELETE;
	}

	/* An identical request succeeds before the overlap and IPA checks. */
	if (c == KVM32_MR_NONE) {
		*change = c;
		return 0;
	}

	if (c == KVM32_MR_CREATE || c == KVM32_MR_MOVE) {
		for (i = 0; i < KVM32_USER_MEM_SLOTS; i++) {
			const struct kvm32_memslot *s = &slots->slot[i];

			/* A moving slot may overlap where it is now. */
			if (i == id || !s->npages)
				continue;
			if (ranges_overlap(base_gfn, npages, s))
				return -EEXIST;
		}
	}

	/*
	 * 5.6 refuses a slot whose end reaches the IPA size (>=, not >; a later
	 * kernel relaxed it), so the last page below 2^40 cannot be mapped.
	 * Kept, so that user space gets the errno it gets from 5.6.
	 * Deletes are not checked; a flags-only change re-checks the old range.
	 */
	if (c != KVM32_MR_DELETE &&
	    base_gfn + npages >= (1ULL << KVM32_IPA_BITS) >> page_shift)
		return -EFAULT;

	*change = c;
	return 0;
}

void kvm32_memslot_apply(struct kvm32_memslots *slots, const struct kvm32_memslot_request *req,
			 unsigned int page_shift, enum kvm32_memslot_change change)
{
	struct kvm32_memslot *s = &slots->slot[SLOT_ID(req->slot)];

	switch (change) {
	case KVM32_MR_CREATE:
		s->base_gfn = req->guest_phys_addr >> page_shift;
		s->npages = req->memory_size >> page_shift;
		/* Fits: kvm32_memslot_check refused anything wider. */
		s->userspace_addr = (unsigned long)req->userspace_addr;
		s->flags = req->flags;
		break;
	case KVM32_MR_DELETE:
		/* Cleared whole, so a later create starts from nothing stale. */
		*s = (struct kvm32_memslot){ 0 };
		break;
	case KVM32_MR_MOVE:
		s->base_gfn = req->guest_phys_addr >> page_shift;
		/* A move may change LOG_DIRTY in the same request. */
		s->flags = req->flags;
		break;
	case KVM32_MR_FLAGS_ONLY:
		s->flags = req->flags;
		break;
	case KVM32_MR_NONE:
		break;
	}
}

const struct kvm32_memslot *kvm32_memslot_find(const struct kvm32_memslots *slots, u64 gfn)
{
	u32 i;

	/* Slots never overlap, so at most one matches. */
	for (i = 0; i < KVM32_USER_MEM_SLOTS; i++) {
		const struct kvm32_memslot *s = &slots->slot[i];

		/* gfn - base_gfn: no base_gfn + npages that could wrap. */
		if (s->npages && gfn >= s->base_gfn && gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

unsigned long kvm32_memslot_hva(const struct kvm32_memslot *s, u64 gfn, unsigned int page_shift)
{
	/* The offset fits an unsigned long: the whole slot lies below the user limit. */
	return s->userspace_addr + (unsigned long)((gfn - s->base_gfn) << page_shift);
}
