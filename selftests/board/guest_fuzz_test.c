// SPDX-License-Identifier: GPL-2.0
/*
 * A guest may crash itself, never the host: a guest that executes random
 * instruction words (random coprocessor accesses, mode changes, hvc, smc,
 * wfi, loads and stores anywhere, ldm/ldrd on MMIO...) in ARM and Thumb
 * state, from random places, round after round. Whatever it does, KVM_RUN
 * returns with an exit or an errno KVM uses, never a failed entry; the host
 * logs no warning, BUG or oops; Hyp mode still answers on every CPU. Each
 * round is bounded by a timer signal (a guest in WFI, or spinning, is
 * stopped by it). Runs with kvm32 loaded; deterministic (fixed seeds).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "board_util.h"
#include "kselftest_harness.h"

#define ROUNDS		300
#define ROUND_MS	10
#define MAX_EXITS	2000	/* per round: then the next round */
#define RAM_GPA		0x0	/* the vectors are random code too */
#define RAM_SIZE	0x10000
#define CPSR_SVC	0x1d3
#define CPSR_T		0x20

struct fuzz_vm {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	uint32_t *ram;
	struct kvm_vcpu_init init;
	/* What the random guests made the host do, to show the test's reach. */
	unsigned long mmio, events, errors, timeouts;
};

static uint32_t xorshift(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* The kvm_run of the vCPU being fuzzed, for the signal handler. */
static struct kvm_run *volatile fuzz_run;

/*
 * Ends a round. The signal interrupts KVM_RUN if it is in it; if it lands
 * between two KVM_RUNs, immediate_exit makes the next one return at once
 * (the API's answer to that race): otherwise a guest in WFI could sleep on.
 */
static void on_alarm(int sig)
{
	(void)sig;
	fuzz_run->immediate_exit = 1;
}

static int set_core(int vcpu, size_t offset, uint32_t value)
{
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | (offset / 4),
		.addr = (uintptr_t)&value,
	};

	return ioctl(vcpu, KVM_SET_ONE_REG, &reg);
}

/* A fresh vCPU state (KVM_ARM_VCPU_INIT again) at a random place and state. */
static void restart(struct __test_metadata *_metadata, struct fuzz_vm *f, uint32_t *seed)
{
	uint32_t pc = (xorshift(seed) % RAM_SIZE) & ~3u;
	bool thumb = xorshift(seed) & 1;

	ASSERT_EQ(0, ioctl(f->vcpu, KVM_ARM_VCPU_INIT, &f->init));
	ASSERT_EQ(0, set_core(f->vcpu, offsetof(struct kvm_regs, usr_regs.ARM_pc), RAM_GPA + pc));
	ASSERT_EQ(0, set_core(f->vcpu, offsetof(struct kvm_regs, usr_regs.ARM_cpsr),
			      CPSR_SVC | (thumb ? CPSR_T : 0)));
}

static void fuzz_vm_create(struct __test_metadata *_metadata, struct fuzz_vm *f)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = RAM_GPA, .memory_size = RAM_SIZE,
	};

	f->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, f->kvm);
	f->vm = ioctl(f->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, f->vm);
	f->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f->ram);
	region.userspace_addr = (uintptr_t)f->ram;
	ASSERT_EQ(0, ioctl(f->vm, KVM_SET_USER_MEMORY_REGION, &region));
	f->vcpu = ioctl(f->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, f->vcpu);
	f->run = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, f->vcpu, 0);
	ASSERT_NE(MAP_FAILED, f->run);
	ASSERT_EQ(0, ioctl(f->vm, KVM_ARM_PREFERRED_TARGET, &f->init));
	f->init.features[0] = 1 << KVM_ARM_VCPU_PSCI_0_2;
}

/* One round: random memory, random start, run until the timer or MAX_EXITS. */
static void fuzz_round(struct __test_metadata *_metadata, struct fuzz_vm *f, uint32_t seed)
{
	struct itimerval timer = { .it_value = { 0, ROUND_MS * 1000 } };
	unsigned int exits = 0;

	for (unsigned int i = 0; i < RAM_SIZE / 4; i++)
		f->ram[i] = xorshift(&seed);
	restart(_metadata, f, &seed);
	fuzz_run = f->run;
	f->run->immediate_exit = 0;
	setitimer(ITIMER_REAL, &timer, NULL);

	while (exits++ < MAX_EXITS) {
		int ret = ioctl(f->vcpu, KVM_RUN, NULL);

		if (ret < 0 && errno == EINTR) {
			f->timeouts++;			/* the round's time is up */
			break;
		}
		if (ret < 0) {
			/* What KVM itself returns for what it cannot emulate. */
			ASSERT_TRUE(errno == ENOSYS || errno == EFAULT)
				TH_LOG("seed %#x: KVM_RUN: %s", seed, strerror(errno));
			f->errors++;
			restart(_metadata, f, &seed);
			continue;
		}
		switch (f->run->exit_reason) {
		case KVM_EXIT_MMIO:
			f->mmio++;
			memset(f->run->mmio.data, 0, sizeof(f->run->mmio.data));
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			f->events++;
			restart(_metadata, f, &seed);
			break;
		default:
			ASSERT_TRUE(false) TH_LOG("seed %#x: exit reason %u", seed,
						   f->run->exit_reason);
		}
	}
	timer.it_value.tv_usec = 0;
	setitimer(ITIMER_REAL, &timer, NULL);
	f->run->immediate_exit = 0;
}

/* Only for TEST_F_TIMEOUT's longer timeout. */
FIXTURE(fuzz) {};
FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz) {}

TEST_F_TIMEOUT(fuzz, random_guests_cannot_hurt_the_host, 600)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	unsigned int mark = dmesg_mark();
	char problem[256], report[512];
	struct fuzz_vm f = {};
	char *log;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	fuzz_vm_create(_metadata, &f);
	for (uint32_t round = 0; round < ROUNDS; round++)
		fuzz_round(_metadata, &f, 0x9e3779b9u * (round + 1));

	TH_LOG("%d rounds: %lu MMIO exits, %lu system events, %lu ENOSYS/EFAULT, %lu timeouts",
	       ROUNDS, f.mmio, f.events, f.errors, f.timeouts);
	/* Random code reaches MMIO and stops on its timer: or the test tests nothing. */
	EXPECT_LT(0, f.mmio);
	EXPECT_LT(0, f.timeouts);
	EXPECT_TRUE(hyp_ping_all_ok(report, sizeof(report))) TH_LOG("%s", report);
	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_FALSE(dmesg_find_problem(log, problem, sizeof(problem)))
		TH_LOG("kernel log: %s", problem);
	EXPECT_EQ(NULL, strstr(log, "unexpected exit")) TH_LOG("Hyp failed a guest entry");
	free(log);
}

TEST_HARNESS_MAIN
