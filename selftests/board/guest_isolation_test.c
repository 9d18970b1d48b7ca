// SPDX-License-Identifier: GPL-2.0
/*
 * A guest reaches its own memory and nothing else:
 *  - two VMs with memory at the same guest-physical address, run at the same
 *    time from two threads on both CPUs for many rounds, each read their own
 *    data and their writes land in their own memory only;
 *  - the same while other VMs come and go, more of them than there are
 *    VMIDs, so that VMIDs are given out again while the two run;
 *  - an address no slot covers is MMIO, whatever the host has there: host
 *    virtual addresses of the host's data or of another VM's memory, the
 *    physical addresses of those pages (the guest's addresses are not the
 *    host's physical ones), the board's RAM and its devices.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"

#define PAGE		4096u
#define SHARED_GPA	0x20000000u	/* every VM's memory is here */
#define PAGES		8u
#define WORDS		(PAGE / 4)

/*
 * Word 0 of each page is a cell the guest rewrites every round; the other
 * words are fixed. Both depend on the VM's tag, so nothing of one VM can
 * pass for the other's.
 */
#define CELL(tag, round, page)	((tag) << 24 ^ (round) << 8 ^ (page) ^ 0x00a50000u)
#define FIXED(tag, page, word)	((tag) << 24 ^ (page) << 12 ^ (word) ^ 0x005a0000u)

enum { TAG_ROUND = 1, TAG_BAD };

/*
 * Round r: every page's cell must hold CELL(tag, r), and one fixed word
 * (another each round) its value; then the cells get CELL(tag, r + 1).
 * Runs @rounds rounds, or forever if it is 0.
 */
static GUEST_CODE void guest_own_memory(uint32_t tag, uint32_t rounds)
{
	volatile uint32_t *mem = (volatile uint32_t *)SHARED_GPA;

	for (uint32_t r = 0; !rounds || r < rounds; r++) {
		uint32_t w = 1 + r % (WORDS - 1);

		for (uint32_t p = 0; p < PAGES; p++) {
			uint32_t cell = mem[p * WORDS], fixed = mem[p * WORDS + w];

			if (cell != CELL(tag, r, p))
				GUEST_SYNC(TAG_BAD, r, p * WORDS, cell, CELL(tag, r, p));
			if (fixed != FIXED(tag, p, w))
				GUEST_SYNC(TAG_BAD, r, p * WORDS + w, fixed, FIXED(tag, p, w));
			mem[p * WORDS] = CELL(tag, r + 1, p);
		}
		GUEST_SYNC(TAG_ROUND, r);
	}
	GUEST_DONE();
}

/* A VM running guest_own_memory() with its tag, and its host memory. */
struct tagged_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	uint32_t *mem;
	uint32_t tag;
	uint32_t rounds;	/* run so far */
	char failure[256];
};

static void tagged_vm_create(struct tagged_vm *t, uint32_t tag, uint32_t rounds)
{
	t->tag = tag;
	t->rounds = 0;
	t->failure[0] = '\0';
	t->vm = vm_create_with_one_vcpu(&t->vcpu, guest_own_memory);
	t->mem = vm_add_memory(t->vm, 1, SHARED_GPA, PAGES * PAGE, 0);
	for (uint32_t p = 0; p < PAGES; p++) {
		t->mem[p * WORDS] = CELL(tag, 0, p);
		for (uint32_t w = 1; w < WORDS; w++)
			t->mem[p * WORDS + w] = FIXED(tag, p, w);
	}
	vcpu_args_set(t->vcpu, 2, tag, rounds);
}

/*
 * Runs one round of @t and checks it from the host: the guest found its own
 * data, and its writes are in its own memory. Returns false (with
 * t->failure) if not.
 */
static bool tagged_vm_round(struct tagged_vm *t)
{
	struct ucall uc;
	uint32_t r = t->rounds;

	if (vcpu_run_to_ucall(t->vcpu, &uc) != UCALL_SYNC) {
		snprintf(t->failure, sizeof(t->failure), "VM %#x: round %u: ucall %u",
			 t->tag, r, uc.cmd);
		return false;
	}
	if (uc.args[0] == TAG_BAD) {
		snprintf(t->failure, sizeof(t->failure),
			 "VM %#x: round %u: word %u is %#x, not %#x", t->tag, uc.args[1],
			 uc.args[2], uc.args[3], uc.args[4]);
		return false;
	}
	if (uc.args[0] != TAG_ROUND || uc.args[1] != r) {
		snprintf(t->failure, sizeof(t->failure), "VM %#x: report %#x %#x in round %u",
			 t->tag, uc.args[0], uc.args[1], r);
		return false;
	}
	for (uint32_t p = 0; p < PAGES; p++) {
		uint32_t cell = t->mem[p * WORDS];

		if (cell != CELL(t->tag, r + 1, p)) {
			snprintf(t->failure, sizeof(t->failure),
				 "VM %#x: round %u: the host finds %#x in page %u's cell, not %#x",
				 t->tag, r, cell, p, CELL(t->tag, r + 1, p));
			return false;
		}
	}
	t->rounds++;
	return true;
}

static void pin_to_cpu(unsigned int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Runs a tagged VM in a thread, moving between the CPUs every 50 rounds. */
struct runner {
	struct tagged_vm t;
	uint32_t max_rounds;	/* 0: until stop */
	unsigned int cpu0;
	volatile int stop;
	pthread_t thread;
};

static void *runner_thread(void *arg)
{
	struct runner *run = arg;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	while (!run->stop && (!run->max_rounds || run->t.rounds < run->max_rounds)) {
		if (run->t.rounds % 50 == 0)
			pin_to_cpu((run->cpu0 + run->t.rounds / 50) % ncpus);
		if (!tagged_vm_round(&run->t))
			break;
	}
	return NULL;
}

#define ROUNDS	1500

TEST(vms_at_the_same_address_stay_apart)
{
	struct runner run[2] = { { .max_rounds = ROUNDS, .cpu0 = 0 },
				 { .max_rounds = ROUNDS, .cpu0 = 1 } };

	for (unsigned int i = 0; i < 2; i++)
		tagged_vm_create(&run[i].t, 0x11 * (i + 1), ROUNDS);
	for (unsigned int i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&run[i].thread, NULL, runner_thread, &run[i]));
	for (unsigned int i = 0; i < 2; i++) {
		pthread_join(run[i].thread, NULL);
		EXPECT_STREQ("", run[i].t.failure);
		EXPECT_EQ(ROUNDS, run[i].t.rounds);
	}
	for (unsigned int i = 0; i < 2; i++) {
		ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(run[i].t.vcpu, NULL));
		vm_free(run[i].t.vm);
	}
}

/* Only for the longer timeout of TEST_F_TIMEOUT. */
FIXTURE(isolation) {};
FIXTURE_SETUP(isolation) {}
FIXTURE_TEARDOWN(isolation) {}

#define SHORT_LIVED_VMS	300	/* more than the 255 VMIDs of a generation */

/*
 * Two VMs run all the time on both CPUs while 300 others are created at
 * the same guest address, run a round and are destroyed: VMIDs run out and
 * are given out again while the two are in their guests. Each must still
 * see only its own memory, and so must every new VM.
 */
TEST_F_TIMEOUT(isolation, vms_stay_apart_across_vmid_reuse, 300)
{
	struct runner run[2] = { { .cpu0 = 0 }, { .cpu0 = 1 } };
	unsigned int i;

	for (i = 0; i < 2; i++)
		tagged_vm_create(&run[i].t, 0x11 * (i + 1), 0);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&run[i].thread, NULL, runner_thread, &run[i]));

	for (i = 0; i < SHORT_LIVED_VMS; i++) {
		struct tagged_vm t;

		tagged_vm_create(&t, 0x40 + i % 0xb0, 1);	/* never 0x11 or 0x22 */
		if (!tagged_vm_round(&t))
			break;
		ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(t.vcpu, NULL));
		vm_free(t.vm);
		if (run[0].t.failure[0] || run[1].t.failure[0])
			break;
	}
	EXPECT_EQ(SHORT_LIVED_VMS, i) TH_LOG("VM %u failed", i);
	for (i = 0; i < 2; i++) {
		run[i].stop = 1;
		pthread_join(run[i].thread, NULL);
		EXPECT_STREQ("", run[i].t.failure);
		EXPECT_LT(0u, run[i].t.rounds) TH_LOG("VM %#x did not run meanwhile", run[i].t.tag);
		vm_free(run[i].t.vm);
	}
}

/* ---- Addresses without memory ---------------------------------------------------- */

#define MAX_PROBES	16

static uint32_t probe_addrs[MAX_PROBES];

/* Reads each address of probe_addrs (one LDR each) and reports the value. */
static GUEST_CODE void guest_probe(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v;

		asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(probe_addrs[i]) : "memory");
		GUEST_SYNC(i, v);
	}
	GUEST_DONE();
}

/* The physical address of the page at @va (root reads PFNs), or 0. */
static uint64_t phys_addr(const void *va)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), (uintptr_t)va / PAGE * sizeof(entry)) !=
	    sizeof(entry))
		entry = 0;
	close(fd);
	if (!(entry & (1ull << 63)))
		return 0;
	return (entry & ((1ull << 55) - 1)) * PAGE + (uintptr_t)va % PAGE;
}

#define SECRET	0x5ec1e7u

TEST(addresses_without_memory_are_mmio)
{
	const char *names[MAX_PROBES];
	uint32_t *secret = malloc(PAGE), *other_mem;
	struct tagged_vm other;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	unsigned int n = 0;
	uint64_t pa;

	ASSERT_NE(NULL, secret);
	for (unsigned int i = 0; i < PAGE / 4; i++)
		secret[i] = SECRET;
	/* Another VM, its memory touched by its guest. */
	tagged_vm_create(&other, 0x77, 1);
	ASSERT_TRUE(tagged_vm_round(&other)) TH_LOG("%s", other.failure);
	other_mem = other.mem;

	vm = vm_create_with_one_vcpu(&vcpu, guest_probe);
#define PROBE(addr, name) do {							\
	uint64_t __a = (addr);							\
	if (__a && __a < (1ull << 32) && n < MAX_PROBES &&			\
	    !vm_gpa_to_hva_range(vm, __a, 4)) {					\
		probe_addrs[n] = __a;						\
		names[n++] = (name);						\
	} else {								\
		TH_LOG("not probing %s (%#llx): a slot is there, or unknown",	\
		       (name), (unsigned long long)__a);			\
	}									\
} while (0)
	PROBE((uintptr_t)secret, "the host's heap data, host virtual address");
	PROBE((uintptr_t)other_mem, "another VM's memory, host virtual address");
	pa = phys_addr(secret);
	PROBE(pa, "the host's heap data, physical address");
	pa = phys_addr(other_mem);
	PROBE(pa, "another VM's memory, physical address");
	PROBE(0x40000000u, "the board's first RAM page");
	PROBE(0x48000000u, "board RAM");
	PROBE(0x08000000u, "the board's GIC distributor");
	PROBE(0x09000000u, "the board's UART");
	PROBE(0x0a000000u, "the board's virtio-mmio");
#undef PROBE
	sync_global_to_guest(vm, probe_addrs);
	vcpu_args_set(vcpu, 1, n);

	for (unsigned int i = 0; i < n; i++) {
		struct kvm_run *run = vcpu_run_to_exit(vcpu, KVM_EXIT_MMIO);
		uint32_t data = 0xd00d0000u + i;
		struct ucall uc;

		EXPECT_EQ(probe_addrs[i], run->mmio.phys_addr) TH_LOG("%s", names[i]);
		EXPECT_EQ(0, run->mmio.is_write);
		memcpy(run->mmio.data, &data, 4);
		ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc)) TH_LOG("%s", names[i]);
		ASSERT_EQ(i, uc.args[0]);
		EXPECT_EQ(data, uc.args[1]) TH_LOG("%s at %#x", names[i], probe_addrs[i]);
	}
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	EXPECT_LE(6u, n) TH_LOG("only %u addresses could be probed", n);
	vm_free(vm);
	vm_free(other.vm);
	free(secret);
}

TEST_HARNESS_MAIN
