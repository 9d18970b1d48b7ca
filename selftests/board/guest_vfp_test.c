// SPDX-License-Identifier: GPL-2.0
/*
 * VFP/Advanced SIMD registers are the guest's and the host's at once: the
 * hypervisor switches them lazily (the guest's first VFP instruction after
 * entering loads its registers, leaving gives the host's back), and Linux
 * switches them lazily between host threads too. So:
 *  - a guest that keeps values in d0-d31 and FPSCR finds them intact after
 *    every exit, whether or not it used VFP since the last entry, while the
 *    thread running it does floating-point work between runs and keeps
 *    values in its own d0-d31 across KVM_RUN, and another thread on the same
 *    CPU checks its own registers as the two are switched;
 *  - KVM_GET_ONE_REG reads the guest's registers after an exit, and what
 *    KVM_SET_ONE_REG writes is what the guest then finds, also before its
 *    first VFP instruction;
 *  - VFP is the guest's to enable: with FPEXC.EN clear, a VFP instruction is
 *    the guest's Undefined Instruction exception, whatever the host's FPEXC.
 *
 * Guest functions are built general-regs-only (guest.h), so the guest's VFP
 * code is inline asm in those functions (vldm/vstm/vmrs/vmsr); the compiler
 * never touches a VFP register in guest code, which keeps the guest's
 * register values alive between the asm statements. The host's register
 * check is inline asm too: it loads d0-d31, makes the KVM_RUN system call
 * itself and stores d0-d31, so no host code can run in between.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"

#define FPEXC_EN		(1u << 30)
#define CPACR_CP10_CP11		(0xfu << 20)	/* full access to cp10 and cp11 */
/* FPSCR bits a Cortex-A15 keeps: NZCV, QC, AHP, DN, FZ, RMode, IDC, cumulative flags. */
#define FPSCR_MASK		0xffc0009fu

#define VFP_REG(i)	(KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_VFP | (i))
#define VFP_CTRL(r)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_VFP | (r))

/*
 * The pattern for register word @i (d<n> = words 2n+1:2n) under @seed: every
 * word of every round different, so that a register restored from the wrong
 * round or the wrong owner shows.
 */
#define VFP_WORD(seed, i)	(((seed) * 0x9e3779b9u) ^ ((i) * 0x01000193u + 0x5bd1e995u))
#define VFP_FPSCR(seed)		(VFP_WORD(seed, 77) & FPSCR_MASK)

/*
 * Assembles @insns with 32 d registers allowed (Debian's armhf default is
 * VFPv3-D16, for which GCC never uses d16-d31 itself), then returns to it.
 */
#define VFP_D32(insns)	".fpu vfpv3\n\t" insns "\n\t.fpu vfpv3-d16\n\t"

enum { TAG_ROUND = 1, TAG_IDLE, TAG_BAD_REG, TAG_BAD_FPSCR, TAG_REGS, TAG_OTHERS };

/* ---- Guest VFP helpers ------------------------------------------------------- */

static GUEST_CODE void guest_vfp_enable(void)
{
	uint32_t cpacr;

	asm volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
	asm volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr | CPACR_CP10_CP11));
	asm volatile("vmsr fpexc, %0" : : "r"(FPEXC_EN));
}

/* d0-d15 (and d16-d31 if @nregs is 32) from/to @w, two words a register. */
static GUEST_CODE void guest_vfp_load(const uint32_t *w, uint32_t nregs)
{
	asm volatile("vldmia %0, {d0-d15}" : : "r"(w) : "memory");
	if (nregs == 32)
		asm volatile(VFP_D32("vldmia %0, {d16-d31}") : : "r"(w + 32) : "memory");
}

static GUEST_CODE void guest_vfp_store(uint32_t *w, uint32_t nregs)
{
	asm volatile("vstmia %0, {d0-d15}" : : "r"(w) : "memory");
	if (nregs == 32)
		asm volatile(VFP_D32("vstmia %0, {d16-d31}") : : "r"(w + 32) : "memory");
}

static GUEST_CODE void guest_fpscr_write(uint32_t v)
{
	asm volatile("vmsr fpscr, %0" : : "r"(v));
}

static GUEST_CODE uint32_t guest_fpscr_read(void)
{
	uint32_t v;

	asm volatile("vmrs %0, fpscr" : "=r"(v));
	return v;
}

static GUEST_CODE void guest_pattern(uint32_t *w, uint32_t seed, uint32_t nregs)
{
	for (uint32_t i = 0; i < 2 * nregs; i++)
		w[i] = VFP_WORD(seed, i);
}

/* ---- Guest and host VFP state side by side ----------------------------------- */

/*
 * Each round: fill the registers and FPSCR for this round, exit (every
 * fourth round twice, the second time without a VFP instruction since the
 * entry), check they are intact.
 */
static GUEST_CODE void guest_vfp_rounds(uint32_t rounds, uint32_t seed, uint32_t nregs)
{
	uint32_t want[64] __attribute__((aligned(8)));
	uint32_t got[64] __attribute__((aligned(8)));

	guest_vfp_enable();
	for (uint32_t r = 0; r < rounds; r++) {
		uint32_t s = seed + r, fpscr;

		guest_pattern(want, s, nregs);
		guest_vfp_load(want, nregs);
		guest_fpscr_write(VFP_FPSCR(s));
		GUEST_SYNC(TAG_ROUND, r);
		if (r % 4 == 3)
			GUEST_SYNC(TAG_IDLE, r);
		guest_vfp_store(got, nregs);
		fpscr = guest_fpscr_read();
		for (uint32_t i = 0; i < 2 * nregs; i++)
			if (got[i] != want[i])
				GUEST_SYNC(TAG_BAD_REG, r, i, got[i], want[i]);
		if (fpscr != VFP_FPSCR(s))
			GUEST_SYNC(TAG_BAD_FPSCR, r, fpscr, VFP_FPSCR(s));
	}
	GUEST_DONE();
}

/* How many d registers the CPU has (MVFR0.A_SIMD_registers: 2 means 32). */
static uint32_t vfp_nregs(struct kvm_vcpu *vcpu)
{
	return (vcpu_get_reg(vcpu, VFP_CTRL(KVM_REG_ARM_VFP_MVFR0)) & 0xf) == 2 ? 32 : 16;
}

/* Host register patterns: d0-d15 from @pat, d16-d31 from @pat + 16. */
static void host_pattern(uint64_t *pat, uint32_t seed)
{
	for (unsigned int i = 0; i < 32; i++)
		pat[i] = (uint64_t)VFP_WORD(~seed, 2 * i + 1) << 32 | VFP_WORD(~seed, 2 * i);
}

/*
 * KVM_RUN with d0-d31 loaded from @pat before the system call and stored to
 * @got after it, all in one asm statement: nothing else runs on this
 * thread in between. Returns 0 or -errno. ARM code: in Thumb, r7 (the
 * system call number) is the frame pointer.
 */
static __attribute__((target("arm"), noinline))
int kvm_run_keeping_vfp(int fd, const uint64_t *pat, uint64_t *got, bool d32)
{
	register int r0 asm("r0") = fd;
	register unsigned int r1 asm("r1") = KVM_RUN;
	register unsigned int r2 asm("r2") = 0;
	register unsigned int r7 asm("r7") = __NR_ioctl;
	register uint32_t r4 asm("r4") = d32;

	asm volatile(VFP_D32("vldmia %[pat], {d0-d15}\n\t"
			     "cmp r4, #0\n\t"
			     "vldmiane %[pat32], {d16-d31}\n\t"
			     "svc #0\n\t"
			     "cmp r4, #0\n\t"
			     "vstmia %[got], {d0-d15}\n\t"
			     "vstmiane %[got32], {d16-d31}")
		     : "+r"(r0)
		     : "r"(r1), "r"(r2), "r"(r7), "r"(r4), [pat] "r"(pat),
		       [pat32] "r"(pat + 16), [got] "r"(got), [got32] "r"(got + 16)
		     : "memory", "cc", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7",
		       "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");
	return r0;
}

/* Floating-point work whose result depends on every step: sum 1/(k^2 + x). */
static double fp_work(double x)
{
	double sum = 0;

	for (int k = 1; k <= 64; k++)
		sum += 1.0 / ((double)k * k + x);
	return sum;
}

/*
 * Another thread on the same CPU: keeps its own pattern in d0-d31 over a
 * busy loop (where the scheduler switches to the vCPU thread), checks it,
 * and checks floating-point results, until told to stop.
 */
struct worker {
	volatile int stop;
	unsigned long checks, bad_regs, bad_fp;
	bool d32;
};

static __attribute__((target("arm"), noinline))
void hold_vfp(const uint64_t *pat, uint64_t *got, bool d32, unsigned int spins)
{
	register uint32_t r4 asm("r4") = d32;
	register uint32_t r5 asm("r5") = spins;

	asm volatile(VFP_D32("vldmia %[pat], {d0-d15}\n\t"
			     "cmp r4, #0\n\t"
			     "vldmiane %[pat32], {d16-d31}\n\t"
			     "1:\n\t"
			     "subs r5, r5, #1\n\t"
			     "bne 1b\n\t"
			     "cmp r4, #0\n\t"
			     "vstmia %[got], {d0-d15}\n\t"
			     "vstmiane %[got32], {d16-d31}")
		     : "+r"(r5)
		     : "r"(r4), [pat] "r"(pat), [pat32] "r"(pat + 16), [got] "r"(got),
		       [got32] "r"(got + 16)
		     : "memory", "cc", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7",
		       "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15");
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;
	uint64_t pat[32], got[32];
	double expect[16];

	for (unsigned int i = 0; i < 16; i++)
		expect[i] = fp_work(i * 0.25);
	for (uint32_t n = 0; !w->stop; n++) {
		host_pattern(pat, 0x40000000u + n);
		hold_vfp(pat, got, w->d32, 200000);
		for (unsigned int i = 0; i < (w->d32 ? 32u : 16u); i++)
			if (got[i] != pat[i])
				w->bad_regs++;
		if (fp_work((n % 16) * 0.25) != expect[n % 16])
			w->bad_fp++;
		w->checks++;
	}
	return NULL;
}

static void pin_to_cpu(pthread_t thread, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(thread, sizeof(set), &set);
}

#define ROUNDS		4000
#define GUEST_SEED	0x1234567u

TEST(vfp_state_survives_host_and_guest_use)
{
	struct worker w = { 0 };
	uint64_t pat[32], got[32];
	unsigned long host_bad = 0, exits = 0;
	uint32_t nregs, round = 0;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	pthread_t worker;
	bool done = false;

	vm = vm_create_with_one_vcpu(&vcpu, guest_vfp_rounds);
	nregs = vfp_nregs(vcpu);
	vcpu_args_set(vcpu, 3, ROUNDS, GUEST_SEED, nregs);
	w.d32 = nregs == 32;

	/* This thread and the worker share CPU 0: the scheduler interleaves them. */
	pin_to_cpu(pthread_self(), 0);
	ASSERT_EQ(0, pthread_create(&worker, NULL, worker_thread, &w));
	pin_to_cpu(worker, 0);

	while (!done) {
		double before = fp_work(exits % 7), after;
		struct ucall uc;
		int ret;

		host_pattern(pat, exits);
		do {
			ret = kvm_run_keeping_vfp(vcpu->fd, pat, got, w.d32);
		} while (ret == -EINTR);
		ASSERT_EQ(0, ret) TH_LOG("KVM_RUN: %s", strerror(-ret));
		for (unsigned int i = 0; i < nregs; i++) {
			if (got[i] != pat[i] && host_bad++ < 5)
				TH_LOG("exit %lu: the host's d%u is %#llx, not %#llx", exits, i,
				       (unsigned long long)got[i], (unsigned long long)pat[i]);
		}
		after = fp_work(exits % 7);
		EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)))
			TH_LOG("exit %lu: the host's arithmetic changed", exits);
		exits++;

		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			break;
		case UCALL_DONE:
			done = true;
			continue;
		case UCALL_PRINT:
			continue;
		case UCALL_ASSERT:
		case UCALL_UNHANDLED:
			w.stop = 1;
			pthread_join(worker, NULL);
			ucall_report_fatal(vcpu, &uc);
		default:
			TEST_FAIL("expected a ucall, got %s", exit_reason_str(vcpu->run->exit_reason));
		}
		if (uc.args[0] == TAG_BAD_REG)
			TEST_FAIL("round %u: the guest's register word %u is %#x, not %#x",
				  uc.args[1], uc.args[2], uc.args[3], uc.args[4]);
		if (uc.args[0] == TAG_BAD_FPSCR)
			TEST_FAIL("round %u: the guest's FPSCR is %#x, not %#x", uc.args[1],
				  uc.args[2], uc.args[3]);
		if (uc.args[0] == TAG_ROUND) {
			ASSERT_EQ(round, uc.args[1]);
			round++;
		}
	}
	w.stop = 1;
	pthread_join(worker, NULL);
	EXPECT_EQ(ROUNDS, round);
	EXPECT_EQ(0ul, host_bad) TH_LOG("the host's registers changed across KVM_RUN");
	EXPECT_LT(0ul, w.checks);
	EXPECT_EQ(0ul, w.bad_regs) TH_LOG("the other thread's registers changed");
	EXPECT_EQ(0ul, w.bad_fp) TH_LOG("the other thread's arithmetic changed");
	vm_free(vm);
}

/* ---- ONE_REG ------------------------------------------------------------------ */

#define SET_REG		3	/* the registers the host sets: d3 and the last */
#define SET_D3		0x0123456789abcdefull
#define SET_DLAST	0xfedcba9876543210ull
#define SET_FPSCR	0x03c00000u	/* DN, FZ, round towards zero */

/*
 * Fills the registers, exits for the host to read them and set d3, the last
 * one and FPSCR, then reports those and how many others changed.
 */
static GUEST_CODE void guest_vfp_onereg(uint32_t seed, uint32_t nregs)
{
	uint32_t want[64] __attribute__((aligned(8)));
	uint32_t got[64] __attribute__((aligned(8)));
	uint32_t last = nregs - 1, changed = 0;

	guest_vfp_enable();
	guest_pattern(want, seed, nregs);
	guest_vfp_load(want, nregs);
	guest_fpscr_write(VFP_FPSCR(seed));
	GUEST_SYNC(TAG_ROUND);
	guest_vfp_store(got, nregs);
	GUEST_SYNC(TAG_REGS, got[2 * SET_REG], got[2 * SET_REG + 1], got[2 * last],
		   got[2 * last + 1], guest_fpscr_read());
	for (uint32_t i = 0; i < 2 * nregs; i++)
		if (i / 2 != SET_REG && i / 2 != last && got[i] != want[i])
			changed++;
	GUEST_SYNC(TAG_OTHERS, changed);
	GUEST_DONE();
}

TEST(one_reg_reads_and_writes_guest_vfp)
{
	const uint32_t seed = 0xabcdef;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_vfp_onereg);
	uint32_t nregs = vfp_nregs(vcpu), last = nregs - 1;
	struct ucall uc;

	vcpu_args_set(vcpu, 2, seed, nregs);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(TAG_ROUND, uc.args[0]);

	/* The guest's registers, not the host's, after the exit. */
	for (uint32_t i = 0; i < nregs; i++) {
		uint64_t want = (uint64_t)VFP_WORD(seed, 2 * i + 1) << 32 | VFP_WORD(seed, 2 * i);

		EXPECT_EQ(want, vcpu_get_reg64(vcpu, VFP_REG(i))) TH_LOG("d%u", i);
	}
	EXPECT_EQ(VFP_FPSCR(seed), vcpu_get_reg(vcpu, VFP_CTRL(KVM_REG_ARM_VFP_FPSCR)));
	EXPECT_EQ(FPEXC_EN, vcpu_get_reg(vcpu, VFP_CTRL(KVM_REG_ARM_VFP_FPEXC)) & FPEXC_EN);

	vcpu_set_reg64(vcpu, VFP_REG(SET_REG), SET_D3);
	vcpu_set_reg64(vcpu, VFP_REG(last), SET_DLAST);
	vcpu_set_reg(vcpu, VFP_CTRL(KVM_REG_ARM_VFP_FPSCR), SET_FPSCR);

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(TAG_REGS, uc.args[0]);
	EXPECT_EQ((uint32_t)SET_D3, uc.args[1]);
	EXPECT_EQ((uint32_t)(SET_D3 >> 32), uc.args[2]);
	EXPECT_EQ((uint32_t)SET_DLAST, uc.args[3]);
	EXPECT_EQ((uint32_t)(SET_DLAST >> 32), uc.args[4]);
	EXPECT_EQ(SET_FPSCR, uc.args[5]);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(TAG_OTHERS, uc.args[0]);
	EXPECT_EQ(0u, uc.args[1]) TH_LOG("registers the host did not set changed");
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/* Enables VFP (its first VFP instruction since reset) and reports d3, FPSCR. */
static GUEST_CODE void guest_vfp_first_use(void)
{
	uint32_t got[64] __attribute__((aligned(8)));

	guest_vfp_enable();
	guest_vfp_store(got, 16);
	GUEST_SYNC(TAG_REGS, got[2 * SET_REG], got[2 * SET_REG + 1], guest_fpscr_read());
	GUEST_DONE();
}

/* A VMM restoring a saved guest sets its VFP registers before it ever runs. */
TEST(one_reg_values_reach_a_guest_that_never_used_vfp)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_vfp_first_use);
	struct ucall uc;

	vcpu_set_reg64(vcpu, VFP_REG(SET_REG), SET_D3);
	vcpu_set_reg(vcpu, VFP_CTRL(KVM_REG_ARM_VFP_FPSCR), SET_FPSCR);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(TAG_REGS, uc.args[0]);
	EXPECT_EQ((uint32_t)SET_D3, uc.args[1]);
	EXPECT_EQ((uint32_t)(SET_D3 >> 32), uc.args[2]);
	EXPECT_EQ(SET_FPSCR, uc.args[3]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/* ---- VFP disabled -------------------------------------------------------------- */

/* CPACR gives access, FPEXC.EN stays clear (as after reset): vmrs FPSCR. */
static GUEST_CODE_ARM void guest_vfp_disabled(void)
{
	uint32_t cpacr, v = 0;

	asm volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
	asm volatile("mcr p15, 0, %0, c1, c0, 2\n\tisb" : : "r"(cpacr | CPACR_CP10_CP11));
	asm volatile("vmrs %0, fpscr" : "=r"(v));
	GUEST_SYNC(TAG_ROUND, v);
	GUEST_DONE();
}

/*
 * The host runs with VFP enabled; the guest's FPEXC.EN is clear: its VFP
 * instruction must be UNDEFINED in the guest (the library's vectors report
 * it), not executed with the host's enable.
 */
TEST(vfp_off_in_the_guest_is_undefined_there)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_vfp_disabled);
	struct ucall uc;
	volatile double x = 1.5;

	x = x * 3.0;	/* the host thread has used VFP: its FPEXC.EN is set */
	vcpu_run_ok(vcpu);
	ASSERT_EQ(UCALL_UNHANDLED, get_ucall(vcpu, &uc))
		TH_LOG("the guest's VFP instruction did not raise an exception (ucall %u, value %#x)",
		       uc.cmd, uc.args[1]);
	EXPECT_EQ(GUEST_VECTOR_UNDEF, uc.args[0]);
	EXPECT_TRUE(x == 4.5) TH_LOG("the host's arithmetic");
	vm_free(vm);
}

TEST_HARNESS_MAIN
