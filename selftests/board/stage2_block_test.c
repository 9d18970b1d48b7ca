// SPDX-License-Identifier: GPL-2.0
/*
 * Stage 2 maps guest memory with 2 MiB blocks where host memory allows:
 * when the VMM's memory is backed by 2 MiB huge pages and the slot's guest
 * and host addresses agree modulo 2 MiB, one block descriptor covers 512
 * pages (fewer faults, fewer TLB entries). Where they do not agree, pages
 * are mapped one by one. Either way the guest reads exactly the VMM's data.
 * Runs with kvm32 loaded (transparent huge pages are on in the board's
 * kernel).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "board_util.h"
#include "guest.h"
#include "kselftest_harness.h"
#include "kvm_util.h"

#define BLOCK		0x200000u
#define REGION_SIZE	(2 * BLOCK)
#define REGION_GPA	0x20000000u	/* 2 MiB-aligned */
#define TEST_SLOT	1

/* Sums one word of every page: every 4 KiB page of the region is touched. */
static GUEST_CODE void guest_sum_pages(uint32_t gpa, uint32_t size)
{
	uint32_t sum = 0;

	for (uint32_t off = 0; off < size; off += 4096)
		sum += *(volatile uint32_t *)(gpa + off);
	GUEST_SYNC(sum);
	GUEST_DONE();
}

/*
 * VMM memory of REGION_SIZE whose host address is @misalign bytes past a
 * 2 MiB boundary, backed by huge pages where aligned, filled with a
 * per-page pattern; returns the expected guest sum in *sum.
 */
static void *huge_memory(unsigned int misalign, uint32_t *sum)
{
	uint8_t *raw = mmap(NULL, REGION_SIZE + 2 * BLOCK, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *mem;

	if (raw == MAP_FAILED)
		return NULL;
	mem = (uint8_t *)(((uintptr_t)raw + BLOCK - 1) & ~(uintptr_t)(BLOCK - 1)) + misalign;
	madvise(mem, REGION_SIZE, MADV_HUGEPAGE);
	*sum = 0;
	for (uint32_t off = 0; off < REGION_SIZE; off += 4096) {
		uint32_t word = 0x1000193u * (off / 4096 + 1);

		*(uint32_t *)(mem + off) = word;
		*sum += word;
	}
	return mem;
}

static void run_over(struct __test_metadata *_metadata, void *mem, uint32_t expect)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_sum_pages);
	struct kvm_userspace_memory_region region = {
		.slot = TEST_SLOT, .guest_phys_addr = REGION_GPA,
		.memory_size = REGION_SIZE, .userspace_addr = (uintptr_t)mem,
	};
	struct ucall uc;

	ASSERT_EQ(0, ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region));
	vcpu_args_set(vcpu, 2, REGION_GPA, REGION_SIZE);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(expect, uc.args[0]) TH_LOG("the guest read other data than the VMM's");
	vm_free(vm);
}

TEST(huge_pages_become_blocks)
{
	uint32_t sum;
	void *mem = huge_memory(0, &sum);
	long before = kvm32_debugfs_long("stage2_blocks");

	ASSERT_NE(NULL, mem);
	ASSERT_LE(0, before);
	run_over(_metadata, mem, sum);
	/* Both 2 MiB halves of the region, at least one of which THP backs. */
	EXPECT_LE(before + 1, kvm32_debugfs_long("stage2_blocks")) TH_LOG("no 2 MiB block was mapped");
}

TEST(misaligned_memory_uses_pages)
{
	uint32_t sum;
	void *mem = huge_memory(4096, &sum);
	long before = kvm32_debugfs_long("stage2_blocks");

	ASSERT_NE(NULL, mem);
	run_over(_metadata, mem, sum);
	EXPECT_EQ(before, kvm32_debugfs_long("stage2_blocks")) TH_LOG("a block was mapped across misaligned memory");
}

TEST_HARNESS_MAIN
