// SPDX-License-Identifier: GPL-2.0
/*
 * VMs come and go without a trace:
 *  - a VMM killed at any moment while its vCPUs run (spinning in the guest,
 *    or asleep in WFI) frees everything: memory, pinned guest pages, Hyp
 *    mappings and the module reference, with no kernel complaint;
 *  - more VMs than there are VMIDs (255) run one after another, so VMIDs are
 *    reused in a new generation: each VM still sees only its own memory, and
 *    a VM that lives across the rollover keeps working.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board_util.h"
#include "guest.h"
#include "kselftest_harness.h"
#include "kvm_util.h"

#define KILL_ROUNDS	100
#define WARMUP_ROUNDS	30	/* slab caches of forks and threads grow for a while */
/* A leaked page per round would be 400 KiB; settled samples repeat closely. */
#define DRIFT_KIB	128

static GUEST_CODE void guest_spin(void)
{
	for (;;)
		;
}

static GUEST_CODE void guest_sleep(void)
{
	for (;;)
		asm volatile("wfi");
}

static void *run_vcpu(void *arg)
{
	struct kvm_vcpu *vcpu = arg;

	for (;;)
		vcpu_run(vcpu);
	return NULL;
}

/* The VMM: a VM with a spinning and a sleeping vCPU, until killed. */
static void __attribute__((noreturn)) vmm_child(int ready_fd)
{
	struct kvm_vcpu *spin, *sleep;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&spin, guest_spin);
	pthread_t t1, t2;

	sleep = vcpu_add(vm, 1, guest_sleep);
	pthread_create(&t1, NULL, run_vcpu, spin);
	pthread_create(&t2, NULL, run_vcpu, sleep);
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* Forks a VMM, lets it run for a while (0-20 ms), kills it. */
static void kill_round(struct __test_metadata *_metadata, unsigned int round)
{
	struct timespec delay = { 0, (round % 21) * 1000000L };
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pipefd[0]);
		vmm_child(pipefd[1]);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1)) TH_LOG("the VMM did not start its vCPUs");
	close(pipefd[0]);
	nanosleep(&delay, NULL);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("the VMM ended otherwise: status %#x", status);
}

/* kvm32's use count in /proc/modules: every live VM holds one reference. */
static int module_users(void)
{
	char line[256];
	int users = -1;
	FILE *f = fopen("/proc/modules", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "kvm32 ", 6))
			sscanf(line, "kvm32 %*u %d", &users);
	if (f)
		fclose(f);
	return users;
}

/* Only for the longer timeouts of TEST_F_TIMEOUT: these tests share nothing. */
FIXTURE(lifecycle) {};
FIXTURE_SETUP(lifecycle) {}
FIXTURE_TEARDOWN(lifecycle) {}

TEST_F_TIMEOUT(lifecycle, vmm_killed_while_vcpus_run, 600)
{
	struct mem_sample before, after;
	unsigned int mark;
	char problem[256];
	int users;
	char *log;

	for (unsigned int i = 0; i < WARMUP_ROUNDS; i++)
		kill_round(_metadata, i);
	users = module_users();
	ASSERT_LE(0, users);
	mark = dmesg_mark();
	before = memory_sample();

	for (unsigned int i = 0; i < KILL_ROUNDS; i++)
		kill_round(_metadata, i);

	after = memory_sample();
	TH_LOG("after %d kills: Slab %+ld KiB, free %+ld KiB", KILL_ROUNDS,
	       after.slab_kib - before.slab_kib, after.free_kib - before.free_kib);
	EXPECT_EQ(users, module_users()) TH_LOG("a killed VM still holds the module");
	EXPECT_LE(after.slab_kib - before.slab_kib, DRIFT_KIB);
	EXPECT_GE(after.free_kib - before.free_kib, -DRIFT_KIB);
	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_FALSE(dmesg_find_problem(log, problem, sizeof(problem)))
		TH_LOG("kernel log: %s", problem);
	free(log);
}

/*
 * A minimal VM for the VMID test, faster than loading the test binary: one
 * page of code at CODE_GPA and one page of data at DATA_GPA. The guest reads
 * the data word and writes it to MMIO, forever.
 */
#define VMID_ROUNDS	300	/* more than the 255 VMIDs of a generation */
#define CODE_GPA	0x80000000
#define DATA_GPA	0x80001000
#define REPORT_GPA	0x10000000

asm(".pushsection .rodata\n"
    ".balign 4\n"
    "vmid_guest:\n"
    "	movw	r1, #0x1000\n"
    "	movt	r1, #0x8000\n"		/* DATA_GPA */
    "	movw	r2, #0x0000\n"
    "	movt	r2, #0x1000\n"		/* REPORT_GPA */
    "1:	ldr	r0, [r1]\n"
    "	str	r0, [r2]\n"
    "	b	1b\n"
    "vmid_guest_end:\n"
    ".popsection\n");
extern const char vmid_guest[], vmid_guest_end[];

struct small_vm {
	int vm, vcpu;
	struct kvm_run *run;
	void *mem;
};

static void small_vm_create(struct __test_metadata *_metadata, int kvm, struct small_vm *s,
			    unsigned int pattern)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = CODE_GPA, .memory_size = 0x2000,
	};
	struct kvm_vcpu_init init;
	unsigned int pc = CODE_GPA;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE |
		      KVM_REG_ARM_CORE_REG(usr_regs.ARM_pc),
		.addr = (unsigned long)&pc,
	};

	s->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, s->vm);
	s->mem = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s->mem);
	memcpy(s->mem, vmid_guest, vmid_guest_end - vmid_guest);
	memcpy((char *)s->mem + 0x1000, &pattern, sizeof(pattern));
	region.userspace_addr = (unsigned long)s->mem;
	ASSERT_EQ(0, ioctl(s->vm, KVM_SET_USER_MEMORY_REGION, &region));
	s->vcpu = ioctl(s->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, s->vcpu);
	s->run = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, s->vcpu, 0);
	ASSERT_NE(MAP_FAILED, s->run);
	ASSERT_EQ(0, ioctl(s->vm, KVM_ARM_PREFERRED_TARGET, &init));
	ASSERT_EQ(0, ioctl(s->vcpu, KVM_ARM_VCPU_INIT, &init));
	ASSERT_EQ(0, ioctl(s->vcpu, KVM_SET_ONE_REG, &reg));
}

/* Runs to the guest's next report and returns the word it read. */
static unsigned int small_vm_report(struct __test_metadata *_metadata, struct small_vm *s)
{
	unsigned int word;

	ASSERT_EQ(0, ioctl(s->vcpu, KVM_RUN, NULL));
	ASSERT_EQ(KVM_EXIT_MMIO, s->run->exit_reason);
	ASSERT_EQ(REPORT_GPA, s->run->mmio.phys_addr);
	memcpy(&word, s->run->mmio.data, sizeof(word));
	return word;
}

static void small_vm_free(struct small_vm *s)
{
	munmap(s->run, getpagesize());
	close(s->vcpu);
	close(s->vm);
	munmap(s->mem, 0x2000);
}

TEST_F_TIMEOUT(lifecycle, vmids_are_reused_safely, 600)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	struct small_vm old, s;

	ASSERT_LE(0, kvm);
	/* A VM that lives across the rollover, at the same guest addresses. */
	small_vm_create(_metadata, kvm, &old, 0x01d01d00);
	ASSERT_EQ(0x01d01d00, small_vm_report(_metadata, &old));

	for (unsigned int i = 0; i < VMID_ROUNDS; i++) {
		unsigned int pattern = 0xa5000000 | i;

		small_vm_create(_metadata, kvm, &s, pattern);
		/* Twice: the second read may come from the TLB. */
		ASSERT_EQ(pattern, small_vm_report(_metadata, &s)) TH_LOG("VM %u", i);
		ASSERT_EQ(pattern, small_vm_report(_metadata, &s)) TH_LOG("VM %u", i);
		small_vm_free(&s);
	}

	/* The old VM got a new VMID and still sees only its own memory. */
	EXPECT_EQ(0x01d01d00, small_vm_report(_metadata, &old));
	EXPECT_EQ(0x01d01d00, small_vm_report(_metadata, &old));
	small_vm_free(&old);
	close(kvm);
}

TEST_HARNESS_MAIN
