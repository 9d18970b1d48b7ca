// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: kmod/memslot.c
/*
 * KVM_SET_USER_MEMORY_REGION: which requests Linux 5.6 on 32-bit ARM accepts,
 * with which errno it refuses the others, and what an accepted one does to the
 * guest's memory slots.
 */
#include <errno.h>
#include <string.h>

#include "memslot.h"
#include "kselftest_harness.h"

#define SHIFT		12
#define PAGE		0x1000ull
#define IPA_END		(1ull << 40)
/* TASK_SIZE of a 3G/1G 32-bit ARM kernel: the user_addr_limit insmod passes. */
#define USER_LIMIT	0xbf000000ull
/* A limit too high for the target, to reach checks the ARM limit hides. */
#define HUGE_LIMIT	(1ull << 60)

#define UADDR		0x40000000ull	/* page-aligned user memory, well below USER_LIMIT */

static struct kvm32_memslot_request req(u32 slot, u32 flags, u64 gpa, u64 size, u64 uaddr)
{
	return (struct kvm32_memslot_request){
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};
}

/* The errno of a request, or the change (>= 0) it would make. */
static int check_limit(const struct kvm32_memslots *slots, struct kvm32_memslot_request r, u64 limit)
{
	enum kvm32_memslot_change change = (enum kvm32_memslot_change)-1;
	int ret = kvm32_memslot_check(slots, &r, SHIFT, limit, &change);

	return ret ? ret : (int)change;
}

static int check(const struct kvm32_memslots *slots, struct kvm32_memslot_request r)
{
	return check_limit(slots, r, USER_LIMIT);
}

/* What the ioctl does: check, then apply what was accepted. Returns check's result. */
static int set(struct kvm32_memslots *slots, struct kvm32_memslot_request r)
{
	enum kvm32_memslot_change change;
	int ret = kvm32_memslot_check(slots, &r, SHIFT, USER_LIMIT, &change);

	if (!ret)
		kvm32_memslot_apply(slots, &r, SHIFT, change);
	return ret ? ret : (int)change;
}

/* Slot 0: 16 pages at guest 0x10000 (gfns 0x10..0x1f), user UADDR. */
#define S0_GPA		0x10000ull
#define S0_SIZE		(16 * PAGE)

static void add_slot0(struct __test_metadata *_metadata, struct kvm32_memslots *slots, u32 flags)
{
	ASSERT_EQ(KVM32_MR_CREATE, set(slots, req(0, flags, S0_GPA, S0_SIZE, UADDR)));
}

TEST(every_flag_beyond_log_dirty_and_readonly_is_refused)
{
	struct kvm32_memslots slots = { 0 };
	unsigned int bit;

	for (bit = 2; bit < 32; bit++) {
		EXPECT_EQ(-EINVAL, check(&slots, req(0, 1u << bit, S0_GPA, S0_SIZE, UADDR)))
			TH_LOG("flag bit %u", bit);
		/* Also alongside the valid ones. */
		EXPECT_EQ(-EINVAL, check(&slots, req(0, (1u << bit) | 3, S0_GPA, S0_SIZE, UADDR)))
			TH_LOG("flag bit %u with LOG_DIRTY|READONLY", bit);
	}
}

TEST(log_dirty_and_readonly_are_accepted)
{
	struct kvm32_memslots slots = { 0 };

	EXPECT_EQ(1u, KVM32_MEM_LOG_DIRTY_PAGES);	/* the uapi values */
	EXPECT_EQ(2u, KVM32_MEM_READONLY);
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(0, 0, 0x00000, PAGE, UADDR)));
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(1, KVM32_MEM_LOG_DIRTY_PAGES, 0x10000, PAGE,
						   UADDR)));
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(2, KVM32_MEM_READONLY, 0x20000, PAGE, UADDR)));
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(3, KVM32_MEM_LOG_DIRTY_PAGES | KVM32_MEM_READONLY,
						   0x30000, PAGE, UADDR)));
	EXPECT_EQ(0u, slots.slot[0].flags);
	EXPECT_EQ(KVM32_MEM_LOG_DIRTY_PAGES, slots.slot[1].flags);
	EXPECT_EQ(KVM32_MEM_READONLY, slots.slot[2].flags);
	EXPECT_EQ(KVM32_MEM_LOG_DIRTY_PAGES | KVM32_MEM_READONLY, slots.slot[3].flags);
}

TEST(misaligned_addresses_and_sizes_are_refused)
{
	struct kvm32_memslots slots = { 0 };

	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA + 0x800, S0_SIZE, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA + 1, S0_SIZE, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA, S0_SIZE + 0x800, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA, PAGE - 1, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA, S0_SIZE, UADDR + 0x10)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA, S0_SIZE, UADDR + PAGE / 2)));
	/* Aligned, the same request is fine. */
	EXPECT_EQ(KVM32_MR_CREATE, check(&slots, req(0, 0, S0_GPA, S0_SIZE, UADDR)));
}

TEST(misaligned_user_address_is_refused_on_delete_too)
{
	struct kvm32_memslots slots = { 0 };

	add_slot0(_metadata, &slots, 0);
	/* 5.6 checks alignment before it looks at the slot. */
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA, 0, UADDR + 8)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA + 8, 0, UADDR)));
	EXPECT_EQ(KVM32_MR_DELETE, check(&slots, req(0, 0, S0_GPA, 0, UADDR)));
}

TEST(guest_range_that_wraps_is_refused)
{
	struct kvm32_memslots slots = { 0 };
	u64 top = 0ull - PAGE;	/* the last page of the 64-bit space */

	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, top, PAGE, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, top, 2 * PAGE, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, top - PAGE, 0x10000, UADDR)));
	/* Not wrapping, only far beyond the IPA space: that is the arch's -EFAULT. */
	EXPECT_EQ(-EFAULT, check(&slots, req(0, 0, top - PAGE, PAGE, UADDR)));
}

TEST(slot_ids_beyond_the_user_slots_are_refused)
{
	struct kvm32_memslots slots = { 0 };
	static const u32 bad[] = { 32, 33, 35, 36, 100, 0x7fff, 0xffff };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, check(&slots, req(bad[i], 0, S0_GPA, S0_SIZE, UADDR)))
			TH_LOG("slot %u", bad[i]);
		EXPECT_EQ(-EINVAL, check(&slots, req(bad[i], 0, S0_GPA, 0, UADDR)))
			TH_LOG("delete of slot %u", bad[i]);
	}
	EXPECT_EQ(KVM32_MR_CREATE, check(&slots, req(31, 0, S0_GPA, S0_SIZE, UADDR)));
}

TEST(address_space_bits_are_refused)
{
	struct kvm32_memslots slots = { 0 };
	static const u32 bad[] = { 1u << 16, (1u << 16) | 5, 0x80000000u, 0xffff0000u, 0xffff001fu };
	unsigned int i;

	add_slot0(_metadata, &slots, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, check(&slots, req(bad[i], 0, 0x100000, S0_SIZE, UADDR)))
			TH_LOG("slot 0x%x", bad[i]);
	}
	/* Slot 0 of address space 1 is not slot 0: neither deleted nor changed. */
	EXPECT_EQ(-EINVAL, check(&slots, req(1u << 16, 0, S0_GPA, 0, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(1u << 16, KVM32_MEM_LOG_DIRTY_PAGES, S0_GPA, S0_SIZE,
					     UADDR)));
}

TEST(user_range_must_end_within_the_limit)
{
	struct kvm32_memslots slots = { 0 };

	/* Ending exactly at the limit is fine, as access_ok() allows. */
	EXPECT_EQ(KVM32_MR_CREATE, check(&slots, req(0, 0, 0, S0_SIZE, USER_LIMIT - S0_SIZE)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, 0, S0_SIZE, USER_LIMIT - S0_SIZE + PAGE)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, 0, S0_SIZE, USER_LIMIT)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, 0, USER_LIMIT + PAGE, 0)));
	/* Addresses a 32-bit task cannot have. */
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, 0, S0_SIZE, 1ull << 32)));
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, 0, S0_SIZE, (1ull << 32) | UADDR)));
	/* A size whose sum with the address wraps 64 bits. */
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, 0, 0ull - PAGE, UADDR)));
	EXPECT_EQ(-EINVAL, check_limit(&slots, req(0, 0, 0, 0ull - PAGE, UADDR), ~0ull));
	EXPECT_EQ(-EINVAL, check_limit(&slots, req(0, 0, 0, 2 * PAGE, 0ull - PAGE), ~0ull));
	/* A delete still passes the address through access_ok(addr, 0). */
	add_slot0(_metadata, &slots, 0);
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 0, S0_GPA, 0, USER_LIMIT + PAGE)));
	EXPECT_EQ(KVM32_MR_DELETE, check(&slots, req(0, 0, S0_GPA, 0, USER_LIMIT)));
	/*
	 * The limit is the caller's: a 64-bit one lets such addresses through,
	 * unless unsigned long (the slot's userspace_addr) cannot hold them.
	 */
	EXPECT_EQ(sizeof(unsigned long) < 8 ? -EINVAL : KVM32_MR_CREATE,
		  check_limit(&slots, req(1, 0, 0, S0_SIZE, 1ull << 40), HUGE_LIMIT));
}

TEST(ipa_space_ends_one_page_early_as_in_5_6)
{
	struct kvm32_memslots slots = { 0 };

	/*
	 * 5.6 refused base_gfn + npages >= 2^40 >> PAGE_SHIFT, so a slot ending
	 * exactly at 2^40 is refused (later kernels changed the test to '>').
	 */
	EXPECT_EQ(-EFAULT, check(&slots, req(0, 0, IPA_END - PAGE, PAGE, UADDR)));
	EXPECT_EQ(-EFAULT, check(&slots, req(0, 0, IPA_END - S0_SIZE, S0_SIZE, UADDR)));
	EXPECT_EQ(KVM32_MR_CREATE, check(&slots, req(0, 0, IPA_END - 2 * PAGE, PAGE, UADDR)));
	EXPECT_EQ(KVM32_MR_CREATE, check(&slots, req(0, 0, IPA_END - S0_SIZE - PAGE, S0_SIZE,
						     UADDR)));
	EXPECT_EQ(-EFAULT, check(&slots, req(0, 0, IPA_END, PAGE, UADDR)));
	EXPECT_EQ(-EFAULT, check(&slots, req(0, 0, 1ull << 48, PAGE, UADDR)));
	/* One slot spanning the whole space needs a bigger user limit than ARM has. */
	EXPECT_EQ(KVM32_MR_CREATE, check_limit(&slots, req(0, 0, 0, IPA_END - PAGE, 0),
					       HUGE_LIMIT));
	EXPECT_EQ(-EFAULT, check_limit(&slots, req(0, 0, 0, IPA_END, 0), HUGE_LIMIT));
}

TEST(slot_page_cap_is_checked_before_overlap_and_ipa)
{
	struct kvm32_memslots slots = { 0 };
	u64 max_size = ((1ull << 31) - 1) * PAGE;	/* KVM_MEM_MAX_NR_PAGES pages */

	add_slot0(_metadata, &slots, 0);
	/* One page more than KVM_MEM_MAX_NR_PAGES: -EINVAL, though it also overlaps. */
	EXPECT_EQ(-EINVAL, check_limit(&slots, req(1, 0, 0, max_size + PAGE, 0), HUGE_LIMIT));
	EXPECT_EQ(-EEXIST, check_limit(&slots, req(1, 0, 0, max_size, 0), HUGE_LIMIT));
	EXPECT_EQ(-EFAULT, check_limit(&slots, req(1, 0, 1ull << 41, max_size, 0), HUGE_LIMIT));
}

TEST(create_fills_the_slot_and_nothing_else)
{
	struct kvm32_memslots slots = { 0 };
	struct kvm32_memslots before;
	const struct kvm32_memslot *s = &slots.slot[7];

	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(7, KVM32_MEM_LOG_DIRTY_PAGES, 0x80000000ull,
						   0x200000, 0x12345000)));
	EXPECT_EQ(0x80000ull, s->base_gfn);
	EXPECT_EQ(0x200ull, s->npages);
	EXPECT_EQ(0x12345000ul, s->userspace_addr);
	EXPECT_EQ(KVM32_MEM_LOG_DIRTY_PAGES, s->flags);
	memset(&before, 0, sizeof(before));
	before.slot[7] = *s;
	EXPECT_EQ(0, memcmp(&before, &slots, sizeof(slots)));
}

TEST(every_user_slot_can_be_filled)
{
	struct kvm32_memslots slots = { 0 };
	u32 i;

	for (i = 0; i < KVM32_USER_MEM_SLOTS; i++)
		EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(i, 0, i * S0_SIZE, S0_SIZE, UADDR)))
			TH_LOG("slot %u", i);
	for (i = 0; i < KVM32_USER_MEM_SLOTS; i++)
		EXPECT_EQ(&slots.slot[i], kvm32_memslot_find(&slots, i * (S0_SIZE / PAGE)));
}

TEST(overlaps_are_refused_with_eexist)
{
	struct kvm32_memslots slots = { 0 };
	struct kvm32_memslots before;

	add_slot0(_metadata, &slots, 0);	/* gfns 0x10..0x1f */
	before = slots;
	/* Identical range */
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA, S0_SIZE, UADDR)));
	/* Starting below, ending inside; its last page is slot 0's first */
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA - 4 * PAGE, 8 * PAGE, UADDR)));
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA - 4 * PAGE, 5 * PAGE, UADDR)));
	/* Starting inside, ending above; its first page is slot 0's last */
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA + 8 * PAGE, 16 * PAGE, UADDR)));
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA + 15 * PAGE, 16 * PAGE, UADDR)));
	/* Contained, down to a single page */
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA + 4 * PAGE, 4 * PAGE, UADDR)));
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA + 7 * PAGE, PAGE, UADDR)));
	/* Containing */
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, 0, 0x100000, UADDR)));
	EXPECT_EQ(-EEXIST, set(&slots, req(1, 0, S0_GPA - PAGE, S0_SIZE + 2 * PAGE, UADDR)));
	EXPECT_EQ(0, memcmp(&before, &slots, sizeof(slots)));
	/* Adjacent on either side is not an overlap. */
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(1, 0, S0_GPA - 4 * PAGE, 4 * PAGE, UADDR)));
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(2, 0, S0_GPA + S0_SIZE, PAGE, UADDR)));
	/* Several slots may share user memory: only guest ranges must be disjoint. */
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(3, 0, 0x100000, S0_SIZE, UADDR)));
}

TEST(errno_order_follows_5_6)
{
	struct kvm32_memslots slots = { 0 };
	u64 near_top = IPA_END - 4 * PAGE;

	add_slot0(_metadata, &slots, 0);
	ASSERT_EQ(KVM32_MR_CREATE, set(&slots, req(1, 0, near_top, 2 * PAGE, UADDR)));
	/* Overlapping and reaching the IPA end: the overlap check comes first. */
	EXPECT_EQ(-EEXIST, check(&slots, req(2, 0, near_top + PAGE, 3 * PAGE, UADDR)));
	/* Overlapping but misaligned, or with bad flags, or with a bad user range: -EINVAL. */
	EXPECT_EQ(-EINVAL, check(&slots, req(2, 0, S0_GPA, S0_SIZE + 8, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(2, 4, S0_GPA, S0_SIZE, UADDR)));
	EXPECT_EQ(-EINVAL, check(&slots, req(2, 0, S0_GPA, S0_SIZE, USER_LIMIT)));
	/* Resizing onto another slot: the modification rule comes first. */
	EXPECT_EQ(-EINVAL, check(&slots, req(1, 0, S0_GPA, 2 * S0_SIZE, UADDR)));
	/* Moving onto another slot and past the IPA end: -EEXIST. */
	EXPECT_EQ(-EEXIST, check(&slots, req(0, 0, near_top - 8 * PAGE, S0_SIZE, UADDR)));
	/* Deleting a missing slot past the IPA end: -EINVAL, no IPA check on delete. */
	EXPECT_EQ(-EINVAL, check(&slots, req(5, 0, IPA_END, 0, UADDR)));
	EXPECT_EQ(KVM32_MR_DELETE, check(&slots, req(1, 0, IPA_END, 0, UADDR)));
}

TEST(deleting_a_missing_slot_is_refused)
{
	struct kvm32_memslots slots = { 0 };

	EXPECT_EQ(-EINVAL, set(&slots, req(0, 0, S0_GPA, 0, UADDR)));
	EXPECT_EQ(-EINVAL, set(&slots, req(31, 0, 0, 0, 0)));
	add_slot0(_metadata, &slots, 0);
	EXPECT_EQ(-EINVAL, set(&slots, req(1, 0, S0_GPA, 0, UADDR)));
	EXPECT_EQ(KVM32_MR_DELETE, set(&slots, req(0, 0, S0_GPA, 0, UADDR)));
	/* Gone: a second delete finds nothing. */
	EXPECT_EQ(-EINVAL, set(&slots, req(0, 0, S0_GPA, 0, UADDR)));
}

TEST(delete_ignores_address_and_flags_but_not_bad_flags)
{
	struct kvm32_memslots slots = { 0 };

	add_slot0(_metadata, &slots, KVM32_MEM_READONLY);
	EXPECT_EQ(-EINVAL, check(&slots, req(0, 8, S0_GPA, 0, UADDR)));
	/* Other guest and user addresses, other valid flags: still a delete. */
	EXPECT_EQ(KVM32_MR_DELETE, set(&slots, req(0, KVM32_MEM_LOG_DIRTY_PAGES, 0x700000, 0,
						   0x1000)));
	EXPECT_EQ(0ull, slots.slot[0].npages);
}

TEST(delete_frees_the_slot_and_its_range)
{
	struct kvm32_memslots slots = { 0 };
	struct kvm32_memslots empty = { 0 };

	add_slot0(_metadata, &slots, KVM32_MEM_LOG_DIRTY_PAGES);
	ASSERT_EQ(KVM32_MR_DELETE, set(&slots, req(0, 0, 0, 0, 0)));
	EXPECT_EQ(0, memcmp(&empty, &slots, sizeof(slots)));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, S0_GPA / PAGE));
	/* Another slot can take the range, and slot 0 can be created anew, resized. */
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(1, 0, S0_GPA, S0_SIZE, UADDR)));
	EXPECT_EQ(KVM32_MR_CREATE, set(&slots, req(0, KVM32_MEM_READONLY, 0x100000, 2 * PAGE,
						   0x2000)));
	EXPECT_EQ(2ull, slots.slot[0].npages);
	EXPECT_EQ(0x2000ul, slots.slot[0].userspace_addr);
	EXPECT_EQ(KVM32_MEM_READONLY, slots.slot[0].flags);
}

TEST(move_changes_only_the_guest_address)
{
	struct kvm32_memslots slots = { 0 };
	struct kvm32_memslot old;

	add_slot0(_metadata, &slots, 0);
	ASSERT_EQ(KVM32_MR_CREATE, set(&slots, req(1, 0, 0x100000, S0_SIZE, UADDR + S0_SIZE)));
	old = slots.slot[0];
	/* Onto part of its own old range: the overlap check skips the slot itself. */
	EXPECT_EQ(KVM32_MR_MOVE, set(&slots, req(0, 0, S0_GPA + 8 * PAGE, S0_SIZE, UADDR)));
	EXPECT_EQ(old.base_gfn + 8, slots.slot[0].base_gfn);
	EXPECT_EQ(old.npages, slots.slot[0].npages);
	EXPECT_EQ(old.userspace_addr, slots.slot[0].userspace_addr);
	EXPECT_EQ(old.flags, slots.slot[0].flags);
	EXPECT_EQ(0x100ull, slots.slot[1].base_gfn);
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, old.base_gfn));
	EXPECT_EQ(&slots.slot[0], kvm32_memslot_find(&slots, old.base_gfn + 8));
	/* Onto another slot, partly: -EEXIST, nothing moves. */
	EXPECT_EQ(-EEXIST, set(&slots, req(0, 0, 0x100000 - 4 * PAGE, S0_SIZE, UADDR)));
	EXPECT_EQ(old.base_gfn + 8, slots.slot[0].base_gfn);
	/* Right next to it, and with LOG_DIRTY switched on on the way. */
	EXPECT_EQ(KVM32_MR_MOVE, set(&slots, req(0, KVM32_MEM_LOG_DIRTY_PAGES, 0x100000 - S0_SIZE,
						 S0_SIZE, UADDR)));
	EXPECT_EQ(0x100ull - 16, slots.slot[0].base_gfn);
	EXPECT_EQ(KVM32_MEM_LOG_DIRTY_PAGES, slots.slot[0].flags);
	/* Past the IPA end: the arch's -EFAULT. */
	EXPECT_EQ(-EFAULT, set(&slots, req(0, KVM32_MEM_LOG_DIRTY_PAGES, IPA_END - S0_SIZE,
					   S0_SIZE, UADDR)));
	EXPECT_EQ(KVM32_MR_MOVE, set(&slots, req(0, KVM32_MEM_LOG_DIRTY_PAGES,
						 IPA_END - S0_SIZE - PAGE, S0_SIZE, UADDR)));
}

TEST(log_dirty_can_be_switched_on_and_off)
{
	struct kvm32_memslots slots = { 0 };

	add_slot0(_metadata, &slots, 0);
	EXPECT_EQ(KVM32_MR_FLAGS_ONLY, set(&slots, req(0, KVM32_MEM_LOG_DIRTY_PAGES, S0_GPA,
						       S0_SIZE, UADDR)));
	EXPECT_EQ(KVM32_MEM_LOG_DIRTY_PAGES, slots.slot[0].flags);
	EXPECT_EQ(S0_GPA / PAGE, slots.slot[0].base_gfn);
	EXPECT_EQ(KVM32_MR_FLAGS_ONLY, set(&slots, req(0, 0, S0_GPA, S0_SIZE, UADDR)));
	EXPECT_EQ(0u, slots.slot[0].flags);
	/* Alongside READONLY, which itself stays. */
	ASSERT_EQ(KVM32_MR_CREATE, set(&slots, req(1, KVM32_MEM_READONLY, 0x100000, PAGE, UADDR)));
	EXPECT_EQ(KVM32_MR_FLAGS_ONLY, set(&slots, req(1, KVM32_MEM_READONLY |
						       KVM32_MEM_LOG_DIRTY_PAGES, 0x100000,
						       PAGE, UADDR)));
	EXPECT_EQ(KVM32_MEM_READONLY | KVM32_MEM_LOG_DIRTY_PAGES, slots.slot[1].flags);
}

TEST(identical_request_changes_nothing)
{
	struct kvm32_memslots slots = { 0 };
	struct kvm32_memslots before;

	add_slot0(_metadata, &slots, KVM32_MEM_LOG_DIRTY_PAGES | KVM32_MEM_READONLY);
	before = slots;
	EXPECT_EQ(KVM32_MR_NONE, set(&slots, req(0, KVM32_MEM_LOG_DIRTY_PAGES | KVM32_MEM_READONLY,
						 S0_GPA, S0_SIZE, UADDR)));
	EXPECT_EQ(0, memcmp(&before, &slots, sizeof(slots)));
}

TEST(size_user_address_and_readonly_cannot_change)
{
	struct kvm32_memslots slots = { 0 };
	struct kvm32_memslots before;

	add_slot0(_metadata, &slots, 0);
	ASSERT_EQ(KVM32_MR_CREATE, set(&slots, req(1, KVM32_MEM_READONLY, 0x100000, S0_SIZE,
						   UADDR)));
	before = slots;
	EXPECT_EQ(-EINVAL, set(&slots, req(0, 0, S0_GPA, S0_SIZE + PAGE, UADDR)));
	EXPECT_EQ(-EINVAL, set(&slots, req(0, 0, S0_GPA, S0_SIZE - PAGE, UADDR)));
	EXPECT_EQ(-EINVAL, set(&slots, req(0, 0, S0_GPA, S0_SIZE, UADDR + PAGE)));
	EXPECT_EQ(-EINVAL, set(&slots, req(0, KVM32_MEM_READONLY, S0_GPA, S0_SIZE, UADDR)));
	EXPECT_EQ(-EINVAL, set(&slots, req(1, 0, 0x100000, S0_SIZE, UADDR)));
	EXPECT_EQ(-EINVAL, set(&slots, req(1, KVM32_MEM_LOG_DIRTY_PAGES, 0x100000, S0_SIZE,
					   UADDR)));
	/* Not even together with a move. */
	EXPECT_EQ(-EINVAL, set(&slots, req(0, 0, 0x200000, S0_SIZE * 2, UADDR)));
	EXPECT_EQ(-EINVAL, set(&slots, req(0, 0, 0x200000, S0_SIZE, UADDR + PAGE)));
	EXPECT_EQ(0, memcmp(&before, &slots, sizeof(slots)));
}

TEST(find_returns_the_slot_holding_a_frame)
{
	struct kvm32_memslots slots = { 0 };

	/* Nothing at frame 0, though unused slots hold base_gfn 0. */
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, 0));
	add_slot0(_metadata, &slots, 0);				/* 0x10..0x1f */
	ASSERT_EQ(KVM32_MR_CREATE, set(&slots, req(5, 0, 0x30000, 2 * PAGE, UADDR)));	/* 0x30..0x31 */
	ASSERT_EQ(KVM32_MR_CREATE, set(&slots, req(31, 0, IPA_END - 2 * PAGE, PAGE, UADDR)));
	EXPECT_EQ(&slots.slot[0], kvm32_memslot_find(&slots, 0x10));
	EXPECT_EQ(&slots.slot[0], kvm32_memslot_find(&slots, 0x1f));
	EXPECT_EQ(&slots.slot[5], kvm32_memslot_find(&slots, 0x30));
	EXPECT_EQ(&slots.slot[5], kvm32_memslot_find(&slots, 0x31));
	EXPECT_EQ(&slots.slot[31], kvm32_memslot_find(&slots, (IPA_END >> SHIFT) - 2));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, 0));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, 0xf));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, 0x20));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, 0x2f));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, 0x32));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, (IPA_END >> SHIFT) - 1));
	EXPECT_EQ(NULL, kvm32_memslot_find(&slots, ~0ull));
}

TEST(hva_is_the_user_address_plus_the_page_offset)
{
	struct kvm32_memslots slots = { 0 };
	const struct kvm32_memslot *s;

	ASSERT_EQ(KVM32_MR_CREATE, set(&slots, req(3, 0, 0x80000000ull, 0x100000, 0x76543000)));
	s = kvm32_memslot_find(&slots, 0x80000);
	ASSERT_EQ(&slots.slot[3], s);
	EXPECT_EQ(0x76543000ul, kvm32_memslot_hva(s, 0x80000, SHIFT));
	EXPECT_EQ(0x76548000ul, kvm32_memslot_hva(s, 0x80005, SHIFT));
	EXPECT_EQ(0x76642000ul, kvm32_memslot_hva(s, 0x800ff, SHIFT));
	/* After a move the same memory appears at the new frames. */
	ASSERT_EQ(KVM32_MR_MOVE, set(&slots, req(3, 0, 0x10000000, 0x100000, 0x76543000)));
	s = kvm32_memslot_find(&slots, 0x10005);
	ASSERT_EQ(&slots.slot[3], s);
	EXPECT_EQ(0x76548000ul, kvm32_memslot_hva(s, 0x10005, SHIFT));
}

TEST_HARNESS_MAIN
