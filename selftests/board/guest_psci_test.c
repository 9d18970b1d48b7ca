// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI, the interface a guest kernel boots its secondary CPUs, takes them
 * offline and resets the system with, answered as 32-bit ARM KVM (Linux 5.6)
 * answers it for a vCPU with KVM_ARM_VCPU_PSCI_0_2 (PSCI 1.0):
 *  - CPU_ON starts a powered-off vCPU, whose thread waits in KVM_RUN, at the
 *    given entry point (ARM or Thumb by its bit 0) with r0 = the context id,
 *    in the caller's endianness; AFFINITY_INFO follows it OFF -> ON -> OFF;
 *    CPU_ON of a running CPU is ALREADY_ON, of an MPIDR no vCPU has
 *    INVALID_PARAMETERS; CPU_OFF stops the calling vCPU;
 *  - SYSTEM_RESET exits to the VMM with a RESET system event and stops the
 *    vCPUs; MIGRATE_INFO_TYPE says no Trusted OS needs migrating;
 *    PSCI_FEATURES knows the functions there are; unknown functions answer
 *    NOT_SUPPORTED.
 * And WFI with nothing to wake it sleeps in KVM_RUN without using the CPU
 * until a signal ends KVM_RUN with EINTR / KVM_EXIT_INTR, and
 * KVM_SET_SIGNAL_MASK keeps the signals it blocks from doing so.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"

#define PSCI	(1u << KVM_ARM_VCPU_PSCI_0_2)
#define OFF	(1u << KVM_ARM_VCPU_POWER_OFF)

/* KVM's MPIDR of vCPU @id: bit 31 (the multiprocessor format), 4 per cluster. */
#define VCPU_MPIDR(id)	(0x80000000u | ((id) >> 2) << 8 | ((id) & 3))
#define NO_SUCH_MPIDR	0x80000107u	/* cluster 1, CPU 3: no vCPU 7 here */

/* SMCCC: the version call and 1.1, which PSCI 1.0 KVM reports. */
#define SMCCC_VERSION_FN	0x80000000u
#define SMCCC_VERSION_1_1	0x10001u

#define CPSR_E		(1u << 9)
#define RESET_CPSR	GUEST_CPSR	/* SVC, A, I, F masked: 0x1d3 */

/* ---- Small host helpers -------------------------------------------------------- */

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/*
 * A thread's scheduler state ('R', 'S'...) and the CPU time it has used
 * (user + system, in clock ticks) from /proc/self/task/TID/stat.
 */
static bool task_stat(pid_t tid, char *state, unsigned long *ticks)
{
	char path[64], buf[1024], *p;
	unsigned long utime, stime;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the command name may contain anything */
	if (!p || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 state, &utime, &stime) != 3)
		return false;
	*ticks = utime + stime;
	return true;
}

/* A signal-set line of /proc/self/task/TID/status ("SigPnd", "SigBlk"). */
static uint64_t task_sigset(pid_t tid, const char *field)
{
	char path[64], line[256];
	unsigned long long set = ~0ull;
	size_t len = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			sscanf(line + len + 1, "%llx", &set);
	if (f)
		fclose(f);
	return set;
}

/*
 * Checks over 200 ms that thread @tid sleeps: it is in state 'S' and uses
 * (almost) no CPU time, 20 clock ticks if it were spinning (USER_HZ 100).
 */
static void expect_asleep(struct __test_metadata *_metadata, pid_t tid, const char *who)
{
	unsigned long t0, t1;
	char state;

	ASSERT_TRUE(task_stat(tid, &state, &t0));
	sleep_ms(200);
	ASSERT_TRUE(task_stat(tid, &state, &t1));
	EXPECT_EQ('S', state) TH_LOG("%s is not asleep", who);
	EXPECT_LE(t1 - t0, 2ul) TH_LOG("%s used %lu ticks in 200 ms", who, t1 - t0);
}

/* ---- Simple calls -------------------------------------------------------------- */

static GUEST_CODE void guest_simple_calls(void)
{
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0));
	GUEST_SYNC(guest_hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN_CPU_ON, 0, 0));
	GUEST_SYNC(guest_hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN_SYSTEM_RESET, 0, 0));
	GUEST_SYNC(guest_hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_0_FN_PSCI_FEATURES, 0, 0));
	/* No such PSCI function: 0x84000000 + 0x1f is unallocated. */
	GUEST_SYNC(guest_hvc(PSCI_1_0_FN_PSCI_FEATURES, 0x8400001f, 0, 0));
	GUEST_SYNC(guest_hvc(PSCI_1_0_FN_PSCI_FEATURES, 0x12345678, 0, 0));
	/* Unknown hypercalls: PSCI-range, vendor-hypervisor range, nonsense. */
	GUEST_SYNC(guest_hvc(0x8400001f, 0, 0, 0));
	GUEST_SYNC(guest_hvc(0x86000000, 0, 0, 0));
	GUEST_SYNC(guest_hvc(0x12345678, 0, 0, 0));
	GUEST_DONE();
}

TEST(psci_info_and_features)
{
	const struct { const char *what; uint32_t expect; } answers[] = {
		/* "Trusted OS not present or does not require migration" */
		{ "MIGRATE_INFO_TYPE", 2 },
		{ "PSCI_FEATURES(CPU_ON)", PSCI_RET_SUCCESS },
		{ "PSCI_FEATURES(SYSTEM_RESET)", PSCI_RET_SUCCESS },
		{ "PSCI_FEATURES(PSCI_FEATURES)", PSCI_RET_SUCCESS },
		{ "PSCI_FEATURES(0x8400001f)", (uint32_t)PSCI_RET_NOT_SUPPORTED },
		{ "PSCI_FEATURES(0x12345678)", (uint32_t)PSCI_RET_NOT_SUPPORTED },
		{ "hvc 0x8400001f", (uint32_t)PSCI_RET_NOT_SUPPORTED },
		{ "hvc 0x86000000", (uint32_t)PSCI_RET_NOT_SUPPORTED },
		{ "hvc 0x12345678", (uint32_t)PSCI_RET_NOT_SUPPORTED },
	};
	struct kvm_vm *vm = vm_create();
	struct kvm_vcpu *vcpu = vcpu_add_with_features(vm, 0, guest_simple_calls, PSCI);
	struct ucall uc;

	for (unsigned int i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
		EXPECT_EQ(answers[i].expect, uc.args[0])
			TH_LOG("%s answered %d", answers[i].what, (int)uc.args[0]);
	}
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

static GUEST_CODE void guest_smccc_version(void)
{
	GUEST_SYNC(guest_hvc(PSCI_1_0_FN_PSCI_FEATURES, SMCCC_VERSION_FN, 0, 0),
		   guest_hvc(SMCCC_VERSION_FN, 0, 0, 0));
	GUEST_DONE();
}

/*
 * A guest kernel asks PSCI_FEATURES whether SMCCC_VERSION exists and, if so,
 * which SMCCC version the firmware has (1.1 lets it query the Spectre
 * workarounds). Linux 5.6 KVM answers both for a PSCI 1.0 vCPU.
 */
TEST(smccc_version_is_1_1)
{
	struct kvm_vm *vm = vm_create();
	struct kvm_vcpu *vcpu = vcpu_add_with_features(vm, 0, guest_smccc_version, PSCI);
	struct ucall uc;

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(PSCI_RET_SUCCESS, uc.args[0]) TH_LOG("PSCI_FEATURES(SMCCC_VERSION)");
	EXPECT_EQ(SMCCC_VERSION_1_1, uc.args[1]) TH_LOG("SMCCC_VERSION");
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/* ---- SYSTEM_RESET -------------------------------------------------------------- */

static GUEST_CODE void guest_system_reset(void)
{
	guest_hvc(PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
	GUEST_ASSERT(!"PSCI SYSTEM_RESET returned");
}

#define TAG_REBOOTED	0x600d

static GUEST_CODE void guest_rebooted(void)
{
	GUEST_SYNC(TAG_REBOOTED);
	GUEST_DONE();
}

/*
 * Resetting is the VMM's job: KVM_RUN returns a RESET system event, and every
 * vCPU of the VM is stopped until the VMM initialises it again, after which
 * it runs from where the VMM says.
 */
TEST(system_reset_exits_with_reset_event)
{
	struct kvm_vm *vm = vm_create();
	struct kvm_vcpu *vcpu = vcpu_add_with_features(vm, 0, guest_system_reset, PSCI);
	struct kvm_vcpu *other = vcpu_add_with_features(vm, 1, guest_system_reset, PSCI);
	struct kvm_vcpu_init init = { 0 };
	struct kvm_mp_state state;
	struct kvm_run *run;
	struct ucall uc;

	run = vcpu_run_to_exit(vcpu, KVM_EXIT_SYSTEM_EVENT);
	EXPECT_EQ((uint32_t)KVM_SYSTEM_EVENT_RESET, run->system_event.type);
	for (unsigned int i = 0; i < 2; i++) {
		ASSERT_EQ(0, ioctl((i ? other : vcpu)->fd, KVM_GET_MP_STATE, &state));
		EXPECT_EQ((uint32_t)KVM_MP_STATE_STOPPED, state.mp_state) TH_LOG("vCPU %u", i);
	}

	/* The VMM's reset: initialise the vCPU again, give it its entry. */
	ASSERT_EQ(0, ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init));
	init.features[0] = PSCI;
	ASSERT_EQ(0, ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init));
	ASSERT_EQ(0, ioctl(vcpu->fd, KVM_GET_MP_STATE, &state));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_RUNNABLE, state.mp_state) TH_LOG("after KVM_ARM_VCPU_INIT");
	vcpu_set_reg(vcpu, ARM_CORE_REG_CPSR,
		     GUEST_CPSR | (((uintptr_t)guest_rebooted & 1) ? CPSR_T : 0));
	vcpu_set_reg(vcpu, ARM_CORE_REG_PC, (uintptr_t)guest_rebooted & ~1u);
	vcpu_set_reg(vcpu, ARM_CORE_REG_SP_SVC, VCPU_STACK_GPA(0) + VCPU_STACK_SIZE);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(TAG_REBOOTED, uc.args[0]);
	vm_free(vm);
}

/* ---- CPU_ON, AFFINITY_INFO, CPU_OFF -------------------------------------------- */

/*
 * The secondary's entry points. CPU_ON starts it from reset: no stack, SVC
 * mode, interrupts masked, possibly big-endian. Each stub reads the CPSR it
 * started with (before anything that depends on the endianness), goes
 * little-endian, sets up the stacks the library would have (SVC and the
 * exception modes', so an unexpected exception is reported) and calls
 * guest_secondary(context id, CPSR at entry, instruction set).
 */
#define SECONDARY_ID		1u
#define SECONDARY_STACK_TOP	0x7f030000u	/* VCPU_STACK_GPA(1) + VCPU_STACK_SIZE */
#define SECONDARY_EXC_TOP	0x7f031000u	/* + VCPU_EXC_STACK_SIZE */
_Static_assert(SECONDARY_STACK_TOP == VCPU_STACK_GPA(SECONDARY_ID) + VCPU_STACK_SIZE,
	       "the secondary's stack");
_Static_assert(SECONDARY_EXC_TOP == SECONDARY_STACK_TOP + VCPU_EXC_STACK_SIZE,
	       "the secondary's exception stack");

#define SECONDARY_STUB(isa_tag)							\
	"	mrs r4, cpsr\n"							\
	"	setend le\n"							\
	"	cps #0x17\n	ldr sp, =0x7f031000\n"	/* ABT */		\
	"	cps #0x1b\n	ldr sp, =0x7f031000\n"	/* UND */		\
	"	cps #0x12\n	ldr sp, =0x7f031000\n"	/* IRQ */		\
	"	cps #0x11\n	ldr sp, =0x7f031000\n"	/* FIQ */		\
	"	cps #0x13\n	ldr sp, =0x7f030000\n"	/* SVC */		\
	"	mov r1, r4\n"							\
	"	mov r2, #" #isa_tag "\n"					\
	"	ldr lr, =__guest_returned\n"					\
	"	ldr r12, =guest_secondary\n"					\
	"	bx r12\n"							\
	"	.ltorg\n"

asm("	.pushsection .text.secondary_entry, \"ax\", %progbits\n"
    "	.syntax unified\n"
    "	.arm\n"
    "	.balign 4\n"
    "	.global secondary_entry_arm\n"
    "	.type secondary_entry_arm, %function\n"
    "secondary_entry_arm:\n"
    SECONDARY_STUB(0)
    "	.thumb\n"
    "	.balign 4\n"
    "	.global secondary_entry_thumb\n"
    "	.type secondary_entry_thumb, %function\n"
    "	.thumb_func\n"
    "secondary_entry_thumb:\n"
    SECONDARY_STUB(1)
    "	.popsection\n"
#ifdef __thumb__
    "	.thumb\n"
#else
    "	.arm\n"
#endif
);
void secondary_entry_arm(void);
void secondary_entry_thumb(void);

#define TAG_SECONDARY	0x5ec0

/* Set by the boot vCPU: the secondary may turn itself off. */
static uint32_t secondary_release;

GUEST_CODE void __attribute__((used, noreturn))
guest_secondary(uint32_t context, uint32_t entry_cpsr, uint32_t thumb)
{
	uint32_t mpidr;

	asm volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(mpidr));
	GUEST_SYNC(TAG_SECONDARY, context, entry_cpsr, thumb, mpidr);
	for (uint32_t i = 0; !*(volatile uint32_t *)&secondary_release; i++)
		GUEST_ASSERT(i < 200000000);
	guest_hvc(PSCI_0_2_FN_CPU_OFF, 0, 0, 0);
	GUEST_ASSERT(!"PSCI CPU_OFF returned");
	for (;;)
		;
}

/* HVC #0 with CPSR.E set (big-endian data), as a big-endian caller makes it. */
static GUEST_CODE uint32_t guest_hvc_be(uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3)
{
	register uint32_t r0 asm("r0") = fn;
	register uint32_t r1 asm("r1") = a1;
	register uint32_t r2 asm("r2") = a2;
	register uint32_t r3 asm("r3") = a3;

	asm volatile(".arch_extension virt\n\t"
		     "setend be\n\t"
		     "hvc #0\n\t"
		     "setend le"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "ip", "memory");
	return r0;
}

/* Polls AFFINITY_INFO until @mpidr is OFF; returns how many calls it took. */
static GUEST_CODE uint32_t wait_off(uint32_t mpidr)
{
	uint32_t i;

	for (i = 1; guest_hvc(PSCI_0_2_FN_AFFINITY_INFO, mpidr, 0, 0) !=
		    PSCI_0_2_AFFINITY_LEVEL_OFF; i++)
		GUEST_ASSERT(i < 1000000);
	return i;
}

enum { STEP_INFO_OFF = 1, STEP_ON, STEP_INFO_ON, STEP_ON_AGAIN, STEP_ON_SELF,
       STEP_ON_NOBODY, STEP_OFF, STEP_ON_BE, STEP_OFF_BE, STEP_ON_THUMB, STEP_OFF_THUMB };

#define CONTEXT(n)	(0xc0de0000u + (n))

static GUEST_CODE void guest_boot(uint32_t entry_arm, uint32_t entry_thumb)
{
	uint32_t me = VCPU_MPIDR(0), sec = VCPU_MPIDR(SECONDARY_ID);

	GUEST_SYNC(STEP_INFO_OFF, guest_hvc(PSCI_0_2_FN_AFFINITY_INFO, sec, 0, 0));
	GUEST_SYNC(STEP_ON, guest_hvc(PSCI_0_2_FN_CPU_ON, sec, entry_arm, CONTEXT(1)));
	/* It stays on until released. */
	GUEST_SYNC(STEP_INFO_ON, guest_hvc(PSCI_0_2_FN_AFFINITY_INFO, sec, 0, 0));
	GUEST_SYNC(STEP_ON_AGAIN, guest_hvc(PSCI_0_2_FN_CPU_ON, sec, entry_arm, CONTEXT(2)));
	GUEST_SYNC(STEP_ON_SELF, guest_hvc(PSCI_0_2_FN_CPU_ON, me, entry_arm, CONTEXT(3)));
	GUEST_SYNC(STEP_ON_NOBODY,
		   guest_hvc(PSCI_0_2_FN_CPU_ON, NO_SUCH_MPIDR, entry_arm, CONTEXT(4)));
	*(volatile uint32_t *)&secondary_release = 1;
	GUEST_SYNC(STEP_OFF, wait_off(sec));
	/* From now on the secondary turns itself off as soon as it has reported. */
	GUEST_SYNC(STEP_ON_BE, guest_hvc_be(PSCI_0_2_FN_CPU_ON, sec, entry_arm, CONTEXT(5)));
	GUEST_SYNC(STEP_OFF_BE, wait_off(sec));
	GUEST_SYNC(STEP_ON_THUMB, guest_hvc(PSCI_0_2_FN_CPU_ON, sec, entry_thumb, CONTEXT(6)));
	GUEST_SYNC(STEP_OFF_THUMB, wait_off(sec));
	GUEST_DONE();
}

/* The secondary's thread: runs it, collecting its reports, until stopped. */
struct secondary {
	struct kvm_vcpu *vcpu;
	volatile pid_t tid;
	pthread_mutex_t lock;
	struct ucall reports[8];
	unsigned int nr_reports;
	int ret, err;		/* how KVM_RUN ended */
	uint32_t exit_reason;
	char failure[256];	/* why the thread stopped early */
};

static void on_signal(int sig)
{
	(void)sig;
}

static void *secondary_thread(void *arg)
{
	struct secondary *s = arg;
	struct ucall uc;

	s->tid = gettid_();
	for (;;) {
		s->ret = vcpu_run(s->vcpu);
		s->err = errno;
		s->exit_reason = s->vcpu->run->exit_reason;
		if (s->ret)
			break;
		switch (get_ucall(s->vcpu, &uc)) {
		case UCALL_SYNC:
			pthread_mutex_lock(&s->lock);
			if (s->nr_reports < sizeof(s->reports) / sizeof(s->reports[0]))
				s->reports[s->nr_reports] = uc;
			s->nr_reports++;
			pthread_mutex_unlock(&s->lock);
			continue;
		case UCALL_PRINT:
			continue;
		default:
			/* The main thread reports it once the boot vCPU is done. */
			snprintf(s->failure, sizeof(s->failure),
				 "ucall %u (args %#x %#x %#x), exit %s", uc.cmd,
				 uc.args[0], uc.args[1], uc.args[2],
				 exit_reason_str(s->exit_reason));
			return NULL;
		}
	}
	return NULL;
}

/* Ends a vCPU thread waiting in KVM_RUN, the way a VMM does: kick + flag. */
static void stop_vcpu_thread(struct kvm_vcpu *vcpu, pthread_t thread)
{
	vcpu->run->immediate_exit = 1;
	pthread_kill(thread, SIGUSR1);
	pthread_join(thread, NULL);
	vcpu->run->immediate_exit = 0;
}

/* Checks the secondary's @n-th report (from 0). */
static void check_report(struct __test_metadata *_metadata, struct secondary *s,
			 unsigned int n, uint32_t context, uint32_t cpsr, uint32_t thumb)
{
	const struct ucall *uc;

	pthread_mutex_lock(&s->lock);
	ASSERT_LT(n, s->nr_reports) TH_LOG("the secondary did not start (CPU_ON %u)", n + 1);
	uc = &s->reports[n];
	pthread_mutex_unlock(&s->lock);
	ASSERT_EQ(TAG_SECONDARY, uc->args[0]);
	EXPECT_EQ(context, uc->args[1]) TH_LOG("r0 at entry (CPU_ON %u)", n + 1);
	EXPECT_EQ(cpsr, uc->args[2]) TH_LOG("CPSR at entry (CPU_ON %u)", n + 1);
	EXPECT_EQ(thumb, uc->args[3]) TH_LOG("entry stub (CPU_ON %u)", n + 1);
	EXPECT_EQ(VCPU_MPIDR(SECONDARY_ID), uc->args[4]) TH_LOG("MPIDR (CPU_ON %u)", n + 1);
}

TEST(cpu_on_affinity_info_cpu_off)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct secondary s = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct kvm_vcpu *boot;
	struct kvm_vm *vm;
	pthread_t thread;
	struct ucall uc;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm = vm_create();
	boot = vcpu_add_with_features(vm, 0, guest_boot, PSCI);
	vcpu_args_set(boot, 2, (uint32_t)(uintptr_t)secondary_entry_arm,
		      (uint32_t)(uintptr_t)secondary_entry_thumb);
	/* Its own entry point is never used: CPU_ON gives one. */
	s.vcpu = vcpu_add_with_features(vm, SECONDARY_ID, guest_secondary, PSCI | OFF);
	ASSERT_EQ(0, pthread_create(&thread, NULL, secondary_thread, &s));

	/* Powered off, its thread sleeps in KVM_RUN without running the guest. */
	while (!s.tid)
		sleep_ms(1);
	expect_asleep(_metadata, s.tid, "the powered-off secondary's thread");
	EXPECT_EQ(0u, s.nr_reports);

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_INFO_OFF, uc.args[0]);
	EXPECT_EQ(PSCI_0_2_AFFINITY_LEVEL_OFF, uc.args[1]) TH_LOG("AFFINITY_INFO before CPU_ON");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_ON, uc.args[0]);
	ASSERT_EQ(PSCI_RET_SUCCESS, uc.args[1]) TH_LOG("CPU_ON answered %d", (int)uc.args[1]);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_INFO_ON, uc.args[0]);
	EXPECT_EQ(PSCI_0_2_AFFINITY_LEVEL_ON, uc.args[1]) TH_LOG("AFFINITY_INFO after CPU_ON");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_ON_AGAIN, uc.args[0]);
	EXPECT_EQ((uint32_t)PSCI_RET_ALREADY_ON, uc.args[1]) TH_LOG("CPU_ON of a running CPU");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_ON_SELF, uc.args[0]);
	EXPECT_EQ((uint32_t)PSCI_RET_ALREADY_ON, uc.args[1]) TH_LOG("CPU_ON of the caller");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_ON_NOBODY, uc.args[0]);
	EXPECT_EQ((uint32_t)PSCI_RET_INVALID_PARAMS, uc.args[1]) TH_LOG("CPU_ON of no CPU");

	/* Released, it turns itself off: AFFINITY_INFO sees it OFF. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_OFF, uc.args[0]);
	check_report(_metadata, &s, 0, CONTEXT(1), RESET_CPSR, 0);
	/* CPU_OFF is no exit: its thread sleeps in KVM_RUN again. */
	expect_asleep(_metadata, s.tid, "the secondary's thread after CPU_OFF");

	/* A big-endian caller: the secondary starts big-endian too. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_ON_BE, uc.args[0]);
	EXPECT_EQ(PSCI_RET_SUCCESS, uc.args[1]) TH_LOG("CPU_ON (big-endian caller)");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_OFF_BE, uc.args[0]);
	check_report(_metadata, &s, 1, CONTEXT(5), RESET_CPSR | CPSR_E, 0);

	/* Bit 0 of the entry point: Thumb. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_ON_THUMB, uc.args[0]);
	EXPECT_EQ(PSCI_RET_SUCCESS, uc.args[1]) TH_LOG("CPU_ON (Thumb entry point)");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(boot, &uc));
	ASSERT_EQ(STEP_OFF_THUMB, uc.args[0]);
	check_report(_metadata, &s, 2, CONTEXT(6), RESET_CPSR, 1);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(boot, &uc));

	stop_vcpu_thread(s.vcpu, thread);
	EXPECT_STREQ("", s.failure);
	EXPECT_EQ(3u, s.nr_reports);
	/* Off, it waited in KVM_RUN until the signal ended it. */
	EXPECT_EQ(-1, s.ret);
	EXPECT_EQ(EINTR, s.err);
	vm_free(vm);
}

/* ---- WFI and signals ------------------------------------------------------------ */

static GUEST_CODE void guest_wfi(void)
{
	GUEST_SYNC(1);
	asm volatile("wfi" : : : "memory");
	GUEST_SYNC(2);
	GUEST_DONE();
}

static volatile sig_atomic_t usr1_count, usr2_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2_count++;
}

/* One KVM_RUN in a thread of its own, and how it ended. */
struct run_thread {
	struct kvm_vcpu *vcpu;
	pthread_t thread;
	volatile pid_t tid;
	volatile int done;
	int ret, err;
	uint32_t exit_reason;
	sig_atomic_t usr1_after, usr2_after;	/* handler counts right after */
};

static void *run_once(void *arg)
{
	struct run_thread *t = arg;

	t->tid = gettid_();
	t->ret = vcpu_run(t->vcpu);
	t->err = errno;
	t->exit_reason = t->vcpu->run->exit_reason;
	t->usr1_after = usr1_count;
	t->usr2_after = usr2_count;
	__atomic_store_n(&t->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void install_handlers(struct __test_metadata *_metadata)
{
	struct sigaction sa = { 0 };	/* no SA_RESTART: KVM_RUN must end */

	sa.sa_handler = on_usr1;
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	sa.sa_handler = on_usr2;
	ASSERT_EQ(0, sigaction(SIGUSR2, &sa, NULL));
	usr1_count = usr2_count = 0;
}

/*
 * Starts KVM_RUN in a thread while the guest is about to execute WFI, then
 * checks over 200 ms that the thread really sleeps in it: KVM_RUN has not
 * returned, the thread is asleep ('S') and has used (almost) no CPU time,
 * i.e. WFI is not a busy loop in the kernel or in the guest.
 */
static void start_wfi_and_check_asleep(struct __test_metadata *_metadata,
				       struct run_thread *t)
{
	ASSERT_EQ(0, pthread_create(&t->thread, NULL, run_once, t));
	while (!t->tid)
		sleep_ms(1);
	sleep_ms(50);	/* into the guest, to the WFI */
	expect_asleep(_metadata, t->tid, "the vCPU thread in WFI");
	ASSERT_EQ(0, t->done) TH_LOG("KVM_RUN returned (%d, errno %d, exit %s) with the guest in WFI",
				     t->ret, t->err, exit_reason_str(t->exit_reason));
}

/* Joins @t, failing if it does not end within 5 s. */
static void join_run_thread(struct __test_metadata *_metadata, struct run_thread *t)
{
	for (unsigned int i = 0; i < 500 && !t->done; i++)
		sleep_ms(10);
	ASSERT_TRUE(t->done) TH_LOG("KVM_RUN did not return after the signal");
	pthread_join(t->thread, NULL);
}

TEST(wfi_sleeps_until_a_signal)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_wfi);
	struct run_thread t = { .vcpu = vcpu };
	struct ucall uc;

	install_handlers(_metadata);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(1u, uc.args[0]);

	start_wfi_and_check_asleep(_metadata, &t);
	ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
	join_run_thread(_metadata, &t);
	EXPECT_EQ(-1, t.ret);
	EXPECT_EQ(EINTR, t.err);
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, t.exit_reason);
	EXPECT_EQ(1, t.usr1_after);

	/* The signal ended the WFI: the guest goes on. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(2u, uc.args[0]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/*
 * KVM_SET_SIGNAL_MASK's argument: len, then a kernel sigset_t (64 bits on
 * ARM) right after it, at offset 4.
 */
static void set_signal_mask(struct __test_metadata *_metadata, struct kvm_vcpu *vcpu,
			    uint64_t set)
{
	uint8_t buf[sizeof(struct kvm_signal_mask) + sizeof(set)];
	struct kvm_signal_mask head = { .len = sizeof(set) };

	memcpy(buf, &head, sizeof(head));
	memcpy(buf + sizeof(head), &set, sizeof(set));
	ASSERT_EQ(0, ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, buf));
}

#define SIGBIT(sig)	(1ull << ((sig) - 1))

/*
 * The mask given with KVM_SET_SIGNAL_MASK is the thread's signal mask while
 * in KVM_RUN: a signal it blocks stays pending and does not end KVM_RUN, an
 * unblocked one does; when KVM_RUN returns, the thread's own mask is back
 * and the pending signal is delivered.
 */
TEST(signal_mask_holds_off_blocked_signals)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_wfi);
	struct run_thread t = { .vcpu = vcpu };
	struct ucall uc;

	install_handlers(_metadata);
	set_signal_mask(_metadata, vcpu, SIGBIT(SIGUSR1));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(1u, uc.args[0]);

	start_wfi_and_check_asleep(_metadata, &t);
	EXPECT_EQ(SIGBIT(SIGUSR1), task_sigset(t.tid, "SigBlk") & SIGBIT(SIGUSR1))
		TH_LOG("SIGUSR1 is not blocked during KVM_RUN");
	ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
	sleep_ms(200);
	ASSERT_EQ(0, t.done) TH_LOG("a signal blocked by KVM_SET_SIGNAL_MASK ended KVM_RUN");
	EXPECT_EQ(0, usr1_count);
	EXPECT_EQ(SIGBIT(SIGUSR1), task_sigset(t.tid, "SigPnd") & SIGBIT(SIGUSR1))
		TH_LOG("the blocked SIGUSR1 is not pending");

	ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR2));
	join_run_thread(_metadata, &t);
	EXPECT_EQ(-1, t.ret);
	EXPECT_EQ(EINTR, t.err);
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, t.exit_reason);
	EXPECT_EQ(1, t.usr2_after);
	EXPECT_EQ(1, t.usr1_after) TH_LOG("the held SIGUSR1 was not delivered after KVM_RUN");

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(2u, uc.args[0]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
