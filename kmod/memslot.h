/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's guest memory slots: what KVM_SET_USER_MEMORY_REGION accepts and what
 * it does to the slots, as Linux 5.6 decides it for 32-bit ARM.
 *
 * Pure logic, free of kernel calls, so the host unit tests exercise it too.
 * The caller serialises check and apply (KVM holds kvm->slots_lock there).
 */
#ifndef KVM32_MEMSLOT_H
#define KVM32_MEMSLOT_H

#include <linux/types.h>

#define KVM32_USER_MEM_SLOTS	32	/* as 32-bit ARM KVM: KVM_CAP_NR_MEMSLOTS */
#define KVM32_IPA_BITS		40	/* guest physical address space */

/* The flags this ABI accepts, with the uapi values (struct kvm_userspace_memory_region.flags). */
#define KVM32_MEM_LOG_DIRTY_PAGES	1u
#define KVM32_MEM_READONLY		2u
#define KVM32_MEM_VALID_FLAGS		(KVM32_MEM_LOG_DIRTY_PAGES | KVM32_MEM_READONLY)

struct kvm32_memslot {
	u64 base_gfn;		/* guest page frame number of the first page */
	u64 npages;		/* 0: the slot is unused */
	unsigned long userspace_addr;
	u32 flags;
};

/* Indexed by slot id; there is one address space (KVM_CAP_MULTI_ADDRESS_SPACE is 1). */
struct kvm32_memslots {
	struct kvm32_memslot slot[KVM32_USER_MEM_SLOTS];
};

/* What a valid request does to the slots. */
enum kvm32_memslot_change {
	KVM32_MR_CREATE,
	KVM32_MR_DELETE,
	KVM32_MR_MOVE,		/* same memory, new guest address */
	KVM32_MR_FLAGS_ONLY,
	KVM32_MR_NONE,		/* identical to what exists: nothing to do, success */
};

struct kvm32_memslot_request {	/* struct kvm_userspace_memory_region's fields */
	u32 slot;
	u32 flags;
	u64 guest_phys_addr;
	u64 memory_size;
	u64 userspace_addr;
};

/*
 * Validates a request against the current slots as KVM does and says what it
 * would change, without changing anything. page_shift is the host's (12).
 *
 * user_addr_limit: userspace_addr + memory_size must not exceed it (TASK_SIZE
 * in the kernel, as access_ok() checks it). A userspace_addr that does not fit
 * an unsigned long is refused whatever the limit, so a slot never holds a
 * truncated address.
 *
 * Returns 0 and *change, or the errno KVM returns:
 * -EINVAL: bad flags, misaligned or overflowing addresses or sizes, a slot id
 *	out of range (address-space bits included), deleting a slot that does
 *	not exist, changing the size, userspace_addr or READONLY of a slot;
 * -EEXIST: the new guest range overlaps another slot on create or move;
 * -EFAULT: the slot would reach the end of the 40-bit IPA space.
 * The checks run in 5.6's order, so the same errno wins when several apply.
 */
int kvm32_memslot_check(const struct kvm32_memslots *slots,
			const struct kvm32_memslot_request *req, unsigned int page_shift,
			u64 user_addr_limit, enum kvm32_memslot_change *change);

/* Applies a request that kvm32_memslot_check accepted, with the change it returned. */
void kvm32_memslot_apply(struct kvm32_memslots *slots, const struct kvm32_memslot_request *req,
			 unsigned int page_shift, enum kvm32_memslot_change change);

/* The slot holding guest frame gfn, or NULL. */
const struct kvm32_memslot *kvm32_memslot_find(const struct kvm32_memslots *slots, u64 gfn);

/* The host user address of guest frame gfn inside slot s (found with kvm32_memslot_find). */
unsigned long kvm32_memslot_hva(const struct kvm32_memslot *s, u64 gfn, unsigned int page_shift);

#endif /* KVM32_MEMSLOT_H */
