// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots change while the VM lives, and the guest sees each change at
 * once, never what was there before:
 *  - a deleted slot's addresses are MMIO: the guest's next access exits to
 *    the VMM, even for pages it had used (mapped in stage 2, in the TLB);
 *  - a moved slot's memory, with what the guest wrote, is at the new
 *    address, and the old address is MMIO; a slot moved by one page onto
 *    itself shows each page one page further on;
 *  - a slot deleted and created again at the same address with other memory
 *    shows the new memory, not the old pages;
 *  - the same for 2 MiB blocks (THP-backed memory);
 *  - a slot deleted while a vCPU on another CPU reads it in a loop stops
 *    being memory for that vCPU when the ioctl returns.
 * Stale stage-2 entries or TLB entries would show the old data. (QEMU drops
 * its TLB whenever VTTBR changes, at every guest exit: TLB staleness can only
 * show here while a vCPU stays in the guest, as in the last case.)
 * Slot memory here is the test's own, set with raw KVM_SET_USER_MEMORY_REGION,
 * so that each test controls the host addresses behind the slots.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "board_util.h"
#include "guest.h"
#include "kvm_util.h"

#define PAGE		4096u
#define BLOCK		0x200000u
#define MMIO_VALUE	0x4d4d494fu	/* what the VMM answers a read with */
#define PATTERN(tag, i)	((tag) * 0x10000u + (i) * 0x10u + 0x5)

/* ---- The guest: reads and writes where the host says ---------------------- */

enum { OP_READ = 1, OP_WRITE, OP_STOP };
enum { TAG_READY = 0x100, TAG_READ, TAG_WROTE };

/* The host writes the guest's copy of it before letting the guest go on. */
static struct probe {
	uint32_t op;
	uint32_t addr;
	uint32_t value;
} probe_cmd;

static GUEST_CODE void guest_prober(void)
{
	volatile struct probe *p = &probe_cmd;

	for (;;) {
		uint32_t op, addr, v;

		GUEST_SYNC(TAG_READY);
		op = p->op;
		addr = p->addr;
		v = p->value;
		if (op == OP_READ) {
			/* One LDR: the VMM can complete it if it is MMIO. */
			asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
			GUEST_SYNC(TAG_READ, addr, v);
		} else if (op == OP_WRITE) {
			asm volatile("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
			GUEST_SYNC(TAG_WROTE, addr);
		} else {
			break;
		}
	}
	GUEST_DONE();
}

/* Runs the vCPU to its next ucall, answering nothing; returns the command. */
static uint32_t run_to_ucall_or_exit(struct kvm_vcpu *vcpu, struct ucall *uc)
{
	for (;;) {
		uint32_t cmd;

		vcpu_run_ok(vcpu);
		cmd = get_ucall(vcpu, uc);
		if (cmd == UCALL_PRINT)
			continue;
		if (cmd == UCALL_ASSERT || cmd == UCALL_UNHANDLED)
			ucall_report_fatal(vcpu, uc);
		return cmd;
	}
}

/*
 * Has the guest access @gpa (a 4-byte read or write of @value): returns true
 * if memory answered (a read's value in *value), false if the access exited
 * to the VMM as MMIO at exactly @gpa (a read gets MMIO_VALUE).
 */
static bool guest_access(struct kvm_vcpu *vcpu, uint32_t op, uint32_t gpa, uint32_t *value)
{
	struct probe *p = vm_gpa_to_hva(vcpu->vm, (uintptr_t)&probe_cmd);
	struct kvm_run *run = vcpu->run;
	bool memory = true;
	struct ucall uc;
	uint32_t cmd;

	p->op = op;
	p->addr = gpa;
	p->value = *value;
	cmd = run_to_ucall_or_exit(vcpu, &uc);
	if (cmd == UCALL_NONE) {
		char desc[256];

		vcpu_describe_exit(vcpu, desc, sizeof(desc));
		TEST_ASSERT(run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == gpa &&
			    run->mmio.len == 4 && run->mmio.is_write == (op == OP_WRITE),
			    "the guest's %s of %#x: %s", op == OP_READ ? "read" : "write",
			    gpa, desc);
		if (op == OP_WRITE) {
			uint32_t data;

			memcpy(&data, run->mmio.data, 4);
			TEST_ASSERT(data == *value, "MMIO write of %#x carries %#x", *value, data);
		} else {
			uint32_t data = MMIO_VALUE;

			memcpy(run->mmio.data, &data, 4);
		}
		memory = false;
		cmd = run_to_ucall_or_exit(vcpu, &uc);
	}
	TEST_ASSERT(cmd == UCALL_SYNC && uc.args[0] == (op == OP_READ ? TAG_READ : TAG_WROTE) &&
		    uc.args[1] == gpa, "unexpected guest report %u (%#x %#x)", cmd,
		    uc.args[0], uc.args[1]);
	if (op == OP_READ)
		*value = uc.args[2];
	TEST_ASSERT(run_to_ucall_or_exit(vcpu, &uc) == UCALL_SYNC && uc.args[0] == TAG_READY,
		    "the guest did not come back for more");
	return memory;
}

/* The guest reads @gpa from memory, and finds @expect there. */
static void expect_memory(struct __test_metadata *_metadata, struct kvm_vcpu *vcpu,
			  uint32_t gpa, uint32_t expect, const char *what)
{
	uint32_t v = 0;

	ASSERT_TRUE(guest_access(vcpu, OP_READ, gpa, &v))
		TH_LOG("%s: the guest's read of %#x exited as MMIO", what, gpa);
	ASSERT_EQ(expect, v) TH_LOG("%s: the guest read %#x at %#x, not %#x", what, v,
				    gpa, expect);
}

/* The guest's read of @gpa exits to the VMM as MMIO. */
static void expect_mmio(struct __test_metadata *_metadata, struct kvm_vcpu *vcpu,
			uint32_t gpa, const char *what)
{
	uint32_t v = 0;

	ASSERT_FALSE(guest_access(vcpu, OP_READ, gpa, &v))
		TH_LOG("%s: the guest read %#x at %#x from memory; expected an MMIO exit",
		       what, v, gpa);
	ASSERT_EQ(MMIO_VALUE, v);
}

static void guest_write(struct __test_metadata *_metadata, struct kvm_vcpu *vcpu,
			uint32_t gpa, uint32_t value)
{
	ASSERT_TRUE(guest_access(vcpu, OP_WRITE, gpa, &value))
		TH_LOG("the guest's write to %#x exited as MMIO", gpa);
}

/* ---- Host side ------------------------------------------------------------------ */

static void set_region(struct __test_metadata *_metadata, struct kvm_vm *vm,
		       uint32_t slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	ASSERT_EQ(0, ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		TH_LOG("slot %u at %#llx, %#llx bytes: %s", slot, (unsigned long long)gpa,
		       (unsigned long long)size, strerror(errno));
}

static void delete_region(struct __test_metadata *_metadata, struct kvm_vm *vm,
			  uint32_t slot, uint64_t gpa, void *hva)
{
	set_region(_metadata, vm, slot, gpa, 0, hva);
}

/* @pages pages of memory, each word PATTERN(@tag, page) + word index. */
static uint32_t *pattern_memory(unsigned int pages, uint32_t tag)
{
	uint32_t *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return NULL;
	for (unsigned int i = 0; i < pages * PAGE / 4; i++)
		mem[i] = PATTERN(tag, i / (PAGE / 4)) + (i % (PAGE / 4));
	return mem;
}

/* What the guest must read at word @word of page @page of memory tagged @tag. */
#define AT(tag, page, word)	(PATTERN(tag, page) + (word))

static struct kvm_vm *prober_vm(struct kvm_vcpu **vcpu)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_prober);
	struct ucall uc;

	TEST_ASSERT(run_to_ucall_or_exit(*vcpu, &uc) == UCALL_SYNC && uc.args[0] == TAG_READY,
		    "the prober did not start");
	return vm;
}

#define GPA_A	0x20000000u
#define GPA_B	0x30000000u
#define GPA_C	0x38000000u
#define GPA_D	0x28000000u
#define GPA_E	0x40000000u	/* 2 MiB aligned */

TEST(deleted_slot_becomes_mmio)
{
	uint32_t *mem = pattern_memory(2, 0xa);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = prober_vm(&vcpu);
	uint32_t v = 0xfeedf00d;

	ASSERT_NE(NULL, mem);
	set_region(_metadata, vm, 1, GPA_A, 2 * PAGE, mem);
	expect_memory(_metadata, vcpu, GPA_A, AT(0xa, 0, 0), "before delete");
	expect_memory(_metadata, vcpu, GPA_A + PAGE + 4, AT(0xa, 1, 1), "before delete");

	delete_region(_metadata, vm, 1, GPA_A, mem);
	expect_mmio(_metadata, vcpu, GPA_A, "after delete");
	expect_mmio(_metadata, vcpu, GPA_A + PAGE + 4, "after delete");
	EXPECT_FALSE(guest_access(vcpu, OP_WRITE, GPA_A + 8, &v))
		TH_LOG("the guest wrote to a deleted slot");
	EXPECT_EQ(AT(0xa, 0, 2), mem[2]);

	/* Back again, the same memory with what the host changed meanwhile. */
	mem[1] = 0x12345678;
	set_region(_metadata, vm, 1, GPA_A, 2 * PAGE, mem);
	expect_memory(_metadata, vcpu, GPA_A + 4, 0x12345678, "re-created");
	expect_memory(_metadata, vcpu, GPA_A + PAGE + 4, AT(0xa, 1, 1), "re-created");
	vm_free(vm);
	munmap(mem, 2 * PAGE);
}

TEST(moved_slot_is_found_at_its_new_address)
{
	uint32_t *mem = pattern_memory(4, 0xb);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = prober_vm(&vcpu);

	ASSERT_NE(NULL, mem);
	set_region(_metadata, vm, 2, GPA_B, 4 * PAGE, mem);
	for (unsigned int i = 0; i < 4; i++)
		expect_memory(_metadata, vcpu, GPA_B + i * PAGE, AT(0xb, i, 0), "at B");
	guest_write(_metadata, vcpu, GPA_B + 8, 0xdecafbad);
	EXPECT_EQ(0xdecafbadu, mem[2]);

	/* Moved: the same memory, guest writes included, at C; B is nothing. */
	set_region(_metadata, vm, 2, GPA_C, 4 * PAGE, mem);
	for (unsigned int i = 0; i < 4; i++)
		expect_mmio(_metadata, vcpu, GPA_B + i * PAGE, "the old address");
	expect_memory(_metadata, vcpu, GPA_C + 8, 0xdecafbad, "moved to C");
	for (unsigned int i = 0; i < 4; i++)
		expect_memory(_metadata, vcpu, GPA_C + i * PAGE + 4, AT(0xb, i, 1), "moved to C");

	/*
	 * Moved one page up, onto itself: every guest page now shows the
	 * slot's page below the one it showed, which stage 2 had mapped.
	 */
	set_region(_metadata, vm, 2, GPA_C + PAGE, 4 * PAGE, mem);
	expect_mmio(_metadata, vcpu, GPA_C, "below the slot moved up");
	for (unsigned int i = 0; i < 4; i++)
		expect_memory(_metadata, vcpu, GPA_C + (i + 1) * PAGE + 4, AT(0xb, i, 1),
			      "moved one page up");

	/* And back: a move to where the slot was before works too. */
	set_region(_metadata, vm, 2, GPA_B, 4 * PAGE, mem);
	expect_memory(_metadata, vcpu, GPA_B + 4, AT(0xb, 0, 1), "back at B");
	expect_mmio(_metadata, vcpu, GPA_C + PAGE, "C after moving back");
	vm_free(vm);
	munmap(mem, 4 * PAGE);
}

#define RECREATE_ROUNDS	20

TEST(recreated_slot_shows_new_memory)
{
	uint32_t *mem[RECREATE_ROUNDS];
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = prober_vm(&vcpu);

	/* Every round's memory stays mapped, with its own pattern. */
	for (unsigned int r = 0; r < RECREATE_ROUNDS; r++) {
		mem[r] = pattern_memory(2, 0x100 + r);
		ASSERT_NE(NULL, mem[r]);
	}
	for (unsigned int r = 0; r < RECREATE_ROUNDS; r++) {
		uint32_t tag = 0x100 + r;

		set_region(_metadata, vm, 3, GPA_D, 2 * PAGE, mem[r]);
		expect_memory(_metadata, vcpu, GPA_D + 4, AT(tag, 0, 1), "new memory");
		expect_memory(_metadata, vcpu, GPA_D + PAGE + 8, AT(tag, 1, 2), "new memory");
		guest_write(_metadata, vcpu, GPA_D + 12, 0xc0ffee00 + r);
		ASSERT_EQ(0xc0ffee00 + r, mem[r][3]) TH_LOG("round %u: the write went elsewhere", r);
		if (r)
			EXPECT_EQ(0xc0ffee00 + r - 1, mem[r - 1][3])
				TH_LOG("round %u: the old memory was written", r);
		delete_region(_metadata, vm, 3, GPA_D, mem[r]);
		expect_mmio(_metadata, vcpu, GPA_D + 4, "deleted");
	}
	vm_free(vm);
	for (unsigned int r = 0; r < RECREATE_ROUNDS; r++)
		munmap(mem[r], 2 * PAGE);
}

/* ---- 2 MiB blocks ----------------------------------------------------------------- */

/* 4 MiB at a 2 MiB-aligned host address, huge pages asked for, patterned. */
static uint32_t *huge_memory(uint32_t tag, void **raw)
{
	uint8_t *p = mmap(NULL, 3 * BLOCK, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t *mem;

	if (p == MAP_FAILED)
		return NULL;
	*raw = p;
	mem = (uint32_t *)(((uintptr_t)p + BLOCK - 1) & ~(uintptr_t)(BLOCK - 1));
	madvise(mem, 2 * BLOCK, MADV_HUGEPAGE);
	for (unsigned int i = 0; i < 2 * BLOCK / 4; i++)
		mem[i] = PATTERN(tag, i / (PAGE / 4)) + (i % (PAGE / 4));
	return mem;
}

TEST(block_mapped_slot_deleted_recreated_and_moved)
{
	void *raw[2];
	uint32_t *old = huge_memory(0x21, &raw[0]), *new = huge_memory(0x22, &raw[1]);
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = prober_vm(&vcpu);
	long blocks = kvm32_debugfs_long("stage2_blocks");

	ASSERT_NE(NULL, old);
	ASSERT_NE(NULL, new);
	set_region(_metadata, vm, 4, GPA_E, 2 * BLOCK, old);
	expect_memory(_metadata, vcpu, GPA_E + 4, AT(0x21, 0, 1), "old");
	expect_memory(_metadata, vcpu, GPA_E + 600 * PAGE, AT(0x21, 600, 0), "old");
	/* Not asserted (stage2_block_test does): THP may be short of memory. */
	if (kvm32_debugfs_long("stage2_blocks") == blocks)
		TH_LOG("no 2 MiB block was mapped: this tests page mappings only");

	delete_region(_metadata, vm, 4, GPA_E, old);
	expect_mmio(_metadata, vcpu, GPA_E + 4, "deleted");
	expect_mmio(_metadata, vcpu, GPA_E + 600 * PAGE, "deleted");

	set_region(_metadata, vm, 4, GPA_E, 2 * BLOCK, new);
	expect_memory(_metadata, vcpu, GPA_E + 4, AT(0x22, 0, 1), "new memory");
	expect_memory(_metadata, vcpu, GPA_E + 600 * PAGE, AT(0x22, 600, 0), "new memory");

	/* Moved by a block: still blocks; the old first block is nothing. */
	set_region(_metadata, vm, 4, GPA_E + BLOCK, 2 * BLOCK, new);
	expect_mmio(_metadata, vcpu, GPA_E + 4, "below the moved slot");
	expect_memory(_metadata, vcpu, GPA_E + BLOCK + 4, AT(0x22, 0, 1), "moved a block");
	expect_memory(_metadata, vcpu, GPA_E + BLOCK + 600 * PAGE, AT(0x22, 600, 0),
		      "moved a block");

	/* Moved by a page: guest and host no longer agree modulo 2 MiB. */
	set_region(_metadata, vm, 4, GPA_E + BLOCK + PAGE, 2 * BLOCK, new);
	expect_memory(_metadata, vcpu, GPA_E + BLOCK + PAGE + 4, AT(0x22, 0, 1), "moved a page");
	expect_memory(_metadata, vcpu, GPA_E + BLOCK + 601 * PAGE, AT(0x22, 600, 0),
		      "moved a page");
	expect_memory(_metadata, vcpu, GPA_E + 2 * BLOCK + 4, AT(0x22, 511, 1), "moved a page");
	vm_free(vm);
	munmap(raw[0], 3 * BLOCK);
	munmap(raw[1], 3 * BLOCK);
}

/* ---- Deleting under a running vCPU ------------------------------------------------ */

enum { TAG_STARTED = 0x200, TAG_CHANGED };

/* Reads @gpa until it no longer holds @expect; reports what it read then. */
static GUEST_CODE void guest_read_loop(uint32_t gpa, uint32_t expect)
{
	uint32_t v, n = 0;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(gpa) : "memory");
	GUEST_SYNC(TAG_STARTED, v);
	do {
		asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(gpa) : "memory");
		n++;
	} while (v == expect);
	GUEST_SYNC(TAG_CHANGED, v, n);
	GUEST_DONE();
}

struct reader {
	struct kvm_vcpu *vcpu;
	uint32_t gpa;
	volatile int started, finished;
	bool mmio;		/* the loop ended with an MMIO exit at gpa */
	uint32_t seen;		/* what the guest read last */
	char failure[256];
};

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	struct kvm_run *run = r->vcpu->run;
	struct ucall uc;
	uint32_t cmd;

	pin_to_cpu(1);
	cmd = run_to_ucall_or_exit(r->vcpu, &uc);
	if (cmd != UCALL_SYNC || uc.args[0] != TAG_STARTED) {
		snprintf(r->failure, sizeof(r->failure), "did not start: %s",
			 exit_reason_str(run->exit_reason));
		r->finished = 1;
		return NULL;
	}
	r->started = 1;
	cmd = run_to_ucall_or_exit(r->vcpu, &uc);
	if (cmd == UCALL_NONE && run->exit_reason == KVM_EXIT_MMIO &&
	    run->mmio.phys_addr == r->gpa && !run->mmio.is_write) {
		uint32_t data = MMIO_VALUE;

		r->mmio = true;
		memcpy(run->mmio.data, &data, 4);
		cmd = run_to_ucall_or_exit(r->vcpu, &uc);
	}
	if (cmd == UCALL_SYNC && uc.args[0] == TAG_CHANGED)
		r->seen = uc.args[1];
	else
		snprintf(r->failure, sizeof(r->failure), "unexpected exit: %s, ucall %u",
			 exit_reason_str(run->exit_reason), cmd);
	r->finished = 1;
	return NULL;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

#define RUNNING_ROUNDS	20
#define STALE_VALUE	0x57a1e000u

/*
 * The vCPU reads the slot in a loop on CPU 1 without exiting, while this
 * thread deletes the slot on CPU 0 and then writes a new value into the
 * memory that was behind it. The guest must get an MMIO exit; reading the
 * new value means it still reached the memory through a stale mapping.
 */
TEST(slot_deleted_under_a_running_vcpu)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	pin_to_cpu(0);
	for (unsigned int i = 0; i < RUNNING_ROUNDS; i++) {
		uint32_t *mem = pattern_memory(1, 0x300 + i);
		uint32_t gpa = GPA_A + (i % 4) * 4;
		struct reader r = { .gpa = gpa };
		struct kvm_vm *vm = vm_create_with_one_vcpu(&r.vcpu, guest_read_loop);
		pthread_t thread;

		ASSERT_NE(NULL, mem);
		set_region(_metadata, vm, 1, GPA_A, PAGE, mem);
		vcpu_args_set(r.vcpu, 2, gpa, AT(0x300 + i, 0, i % 4));
		ASSERT_EQ(0, pthread_create(&thread, NULL, reader_thread, &r));
		while (!r.started && !r.finished)
			sleep_ms(1);
		ASSERT_STREQ("", r.failure);
		sleep_ms(i % 5 * 4 + 1);	/* the loop runs, in the guest */

		delete_region(_metadata, vm, 1, GPA_A, mem);
		mem[i % 4] = STALE_VALUE + i;
		for (unsigned int t = 0; t < 300 && !r.finished; t++)
			sleep_ms(10);
		ASSERT_TRUE(r.finished) TH_LOG("round %u: the guest went on reading for 3 s", i);
		pthread_join(thread, NULL);
		ASSERT_STREQ("", r.failure) TH_LOG("round %u", i);
		EXPECT_TRUE(r.mmio) TH_LOG("round %u: the guest read %#x%s", i, r.seen,
					   r.seen == STALE_VALUE + i ?
					   ", the host's write to the deleted slot's memory" : "");
		EXPECT_EQ(MMIO_VALUE, r.seen) TH_LOG("round %u", i);
		vm_free(vm);
		munmap(mem, PAGE);
	}
}

TEST_HARNESS_MAIN
