// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's own exceptions stay the guest's, taken as the ARMv7 architecture
 * takes them (B1.8 and B1.9), and what it may not do never becomes a host
 * error:
 *  - an undefined instruction is an Undefined Instruction exception at the
 *    guest's VBAR + 4, in UND mode, LR_und = the instruction + 4 (ARM) or
 *    + 2 (Thumb), SPSR_und = the CPSR before;
 *  - SMC, which the hypervisor traps (HCR.TSC), is UNDEFINED in the guest the
 *    same way, as 32-bit ARM KVM (Linux 5.6) makes it: there is no Secure
 *    monitor for guests, and QEMU's board answers PSCI to an untrapped SMC;
 *  - a load from far outside guest memory is an MMIO exit to the VMM;
 *  - an instruction fetch from there is a Prefetch Abort at VBAR + 0xc in ABT
 *    mode with IFAR = the address;
 *  - SCTLR.TE makes the exception handlers Thumb code;
 *  - a trapped conditional instruction whose condition fails is a NOP, and
 *    one in an IT block that the hypervisor completes leaves the rest of the
 *    block conditional as the IT instruction said;
 *  - ACTLR is read-only with the SMP bit the VM's CPU count implies, and
 *    L2CTLR reports the VM's CPUs, not the host's.
 * Each case installs its own vector table from guest code (VBAR), so that an
 * exception reaching the library's default vectors instead fails the test.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"

#define CPSR_MODE_MASK	0x1fu
#define CPSR_MODE_ABT	0x17u
#define CPSR_MODE_UND	0x1bu
#define CPSR_E		(1u << 9)
/*
 * The CPSR bits an exception entry sets: J, IT, E, A, I, F, T and the mode.
 * The condition flags, Q and GE are left as they were.
 */
#define CPSR_ENTRY_BITS	0x0700ffffu

#define VECTOR_UNDEF	1
#define VECTOR_PABT	3
/* The handlers report vector | VECTOR_THUMB when they run as Thumb code. */
#define VECTOR_THUMB	0x80

/* Reported after the handler returned to the code that took the exception. */
#define TAG_RESUMED	0x100

#define FAR_AWAY	0xf0000000u	/* no memory slot, no ucall */
/* A synchronous external abort in the short and the long descriptor formats. */
#define FSR_SHORT_EXTABT	0x008u
#define FSR_LPAE_EXTABT		0x210u

/* Flags set before each exception, so that SPSR shows they were kept. */
#define FLAGS_BEFORE	"0xa8000000"	/* N, C, Q */

/* ---- The guest's exception handling ----------------------------------------- */

/*
 * Where the exception was: [0] the address of the instruction that takes it,
 * [1] where the handler resumes (bit 0: Thumb), [2] the CPSR just before it
 * (as MRS reads it: without T and IT). Written by the guest, read by the
 * handler and, after the exception was reported, by the host.
 */
uint32_t exc_site[3];

/*
 * Called by the vector stubs below in the exception's mode: reports the
 * exception with the registers that describe it. @cpsr is the exception
 * mode's CPSR as the stub read it.
 */
GUEST_CODE void __attribute__((used)) exc_report(uint32_t vector, uint32_t lr,
						 uint32_t spsr, uint32_t cpsr)
{
	uint32_t far = 0, fsr = 0, v = vector & ~VECTOR_THUMB;

	if (v == VECTOR_PABT) {
		asm volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(far));	/* IFAR */
		asm volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(fsr));	/* IFSR */
	} else if (v == 4) {
		asm volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(far));	/* DFAR */
		asm volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(fsr));	/* DFSR */
	}
	/* Six values at most: the fault status goes in bits 27:16 of the first. */
	GUEST_SYNC(vector | (fsr & 0xfff) << 16, lr, spsr, cpsr, far);
}

/*
 * Two vector tables, ARM (SCTLR.TE = 0) and Thumb (TE = 1), 32-byte aligned
 * as VBAR requires. Each entry branches to a stub that saves the registers
 * the handler uses, passes its vector number and the exception mode's LR,
 * SPSR and CPSR to exc_report(), then returns to exc_site[1] with the SPSR
 * (its T bit from bit 0 of that address, IT cleared): "movs pc, lr" (ARM) or
 * "subs pc, lr, #0" (Thumb) restore CPSR from SPSR as they branch.
 */
#define EXC_STUB(n)								\
	"	push {r0-r3, r12}\n"						\
	"	mov r0, #" #n "\n"						\
	"	b 9f\n"

#define EXC_COMMON(ret)								\
	"9:	mov r1, lr\n"							\
	"	mrs r2, spsr\n"							\
	"	mrs r3, cpsr\n"							\
	"	ldr r12, =exc_report\n"						\
	"	blx r12\n"							\
	"	ldr r0, =exc_site\n"						\
	"	ldr lr, [r0, #4]\n"						\
	"	mrs r0, spsr\n"							\
	"	bic r0, r0, #0x20\n"						\
	"	bic r0, r0, #0xfc00\n"						\
	"	bic r0, r0, #0x06000000\n"					\
	"	tst lr, #1\n"							\
	"	it ne\n"							\
	"	orrne r0, r0, #0x20\n"						\
	"	msr spsr_cxsf, r0\n"						\
	"	pop {r0-r3, r12}\n"						\
	"	" ret "\n"							\
	"	.ltorg\n"

asm("	.pushsection .text.exc_vectors, \"ax\", %progbits\n"
    "	.syntax unified\n"
    "	.arm\n"
    "	.balign 32\n"
    "	.global exc_vectors_arm\n"
    "exc_vectors_arm:\n"
    "	b 0f\n	b 1f\n	b 2f\n	b 3f\n	b 4f\n	b 5f\n	b 6f\n	b 7f\n"
    "0:\n" EXC_STUB(0) "1:\n" EXC_STUB(1) "2:\n" EXC_STUB(2) "3:\n" EXC_STUB(3)
    "4:\n" EXC_STUB(4) "5:\n" EXC_STUB(5) "6:\n" EXC_STUB(6) "7:\n" EXC_STUB(7)
    EXC_COMMON("movs pc, lr")
    "	.thumb\n"
    "	.balign 32\n"
    "	.global exc_vectors_thumb\n"
    "exc_vectors_thumb:\n"
    "	b.w 0f\n	b.w 1f\n	b.w 2f\n	b.w 3f\n"
    "	b.w 4f\n	b.w 5f\n	b.w 6f\n	b.w 7f\n"
    "0:\n" EXC_STUB(0x80) "1:\n" EXC_STUB(0x81) "2:\n" EXC_STUB(0x82)
    "3:\n" EXC_STUB(0x83) "4:\n" EXC_STUB(0x84) "5:\n" EXC_STUB(0x85)
    "6:\n" EXC_STUB(0x86) "7:\n" EXC_STUB(0x87)
    EXC_COMMON("subs pc, lr, #0")
    "	.popsection\n"
#ifdef __thumb__
    "	.thumb\n"	/* what GCC assembles the rest of the file as */
#else
    "	.arm\n"
#endif
);
extern const char exc_vectors_arm[], exc_vectors_thumb[];

static GUEST_CODE void set_vbar(const void *vectors)
{
	asm volatile("mcr p15, 0, %0, c12, c0, 0\n\tisb" : : "r"(vectors) : "memory");
}

/* SCTLR.TE: exceptions are taken in Thumb state. */
static GUEST_CODE void set_sctlr_te(void)
{
	uint32_t sctlr;

	asm volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	sctlr |= 1u << 30;
	asm volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" : : "r"(sctlr) : "memory");
}

/*
 * Records the site, sets known flags and executes @insn (the exception), with
 * @setup between the flags and it (it must not change the flags). @resume_t
 * is "1" in Thumb code: the handler comes back in the same state.
 */
#define EXC_TRIGGER(setup, insn, resume_t)					\
	asm volatile(								\
		"adr r0, 1f\n\t"						\
		"adr r1, 2f\n\t"						\
		"orr r1, r1, #" resume_t "\n\t"					\
		"str r0, [%[site]]\n\t"						\
		"str r1, [%[site], #4]\n\t"					\
		"mov r2, #" FLAGS_BEFORE "\n\t"					\
		"msr APSR_nzcvq, r2\n\t"					\
		"mrs r2, cpsr\n\t"						\
		"str r2, [%[site], #8]\n\t"					\
		setup								\
		"1:\t" insn "\n"						\
		"2:\n\t"							\
		: : [site] "r"(exc_site) : "r0", "r1", "r2", "r3", "cc", "memory")

/* udf #0: permanently undefined, taken by the guest without the hypervisor. */
#define UDF_ARM		".inst 0xe7f000f0"
#define UDF_THUMB	".inst.n 0xde00"
/*
 * smc #0 with r0 = PSCI_VERSION: if the hypervisor did not trap it, QEMU's
 * board firmware would answer it instead of the guest taking an exception.
 */
#define SMC_SETUP	"mov r0, #0x84000000\n\t"
#define SMC		".arch_extension sec\n\tsmc #0"
/* A branch to FAR_AWAY, in ARM state (bit 0 clear) or Thumb state (set). */
#define PABT_SETUP(t)							\
	"mov r3, #0xf0000000\n\t"					\
	"str r3, [%[site]]\n\t"						\
	"orr r3, r3, #" t "\n\t"
#define PABT		"bx r3"

static GUEST_CODE_ARM void guest_udf_arm(void)
{
	set_vbar(exc_vectors_arm);
	EXC_TRIGGER("", UDF_ARM, "0");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

static GUEST_CODE_THUMB void guest_udf_thumb(void)
{
	set_vbar(exc_vectors_arm);
	EXC_TRIGGER("", UDF_THUMB, "1");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

static GUEST_CODE_ARM void guest_smc_arm(void)
{
	set_vbar(exc_vectors_arm);
	EXC_TRIGGER(SMC_SETUP, SMC, "0");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

static GUEST_CODE_THUMB void guest_smc_thumb(void)
{
	set_vbar(exc_vectors_arm);
	EXC_TRIGGER(SMC_SETUP, SMC, "1");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

static GUEST_CODE_ARM void guest_pabt_arm(void)
{
	set_vbar(exc_vectors_arm);
	EXC_TRIGGER(PABT_SETUP("0"), PABT, "0");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

static GUEST_CODE_THUMB void guest_pabt_thumb(void)
{
	set_vbar(exc_vectors_arm);
	EXC_TRIGGER(PABT_SETUP("1"), PABT, "1");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

/* With the long-descriptor format (TTBCR.EAE) the fault status is LPAE's. */
static GUEST_CODE_ARM void guest_pabt_lpae(void)
{
	uint32_t ttbcr = 1u << 31;

	asm volatile("mcr p15, 0, %0, c2, c0, 2\n\tisb" : : "r"(ttbcr) : "memory");
	set_vbar(exc_vectors_arm);
	EXC_TRIGGER(PABT_SETUP("0"), PABT, "0");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

/*
 * SCTLR.TE = 1: the udf (taken by the CPU itself) shows the Thumb table
 * works; the smc (injected by the hypervisor) must be taken the same way.
 */
static GUEST_CODE_ARM void guest_thumb_exceptions(void)
{
	set_sctlr_te();
	set_vbar(exc_vectors_thumb);
	EXC_TRIGGER("", UDF_ARM, "0");
	GUEST_SYNC(TAG_RESUMED);
	EXC_TRIGGER(SMC_SETUP, SMC, "0");
	GUEST_SYNC(TAG_RESUMED);
	EXC_TRIGGER(PABT_SETUP("0"), PABT, "0");
	GUEST_SYNC(TAG_RESUMED);
	GUEST_DONE();
}

/* ---- Host side of the exception cases ------------------------------------- */

struct exc_case {
	const char *name;
	void *guest;
	uint32_t vector;	/* VECTOR_*, | VECTOR_THUMB for Thumb handlers */
	uint32_t mode;		/* the handler's mode */
	uint32_t lr_offset;	/* LR = the faulting instruction + this */
	bool thumb;		/* the faulting code's state */
	uint32_t fsr;		/* IFSR of a prefetch abort */
};

/*
 * Runs @vcpu to its next exception report and checks it against @c and the
 * site the guest recorded, then lets the handler return and checks the
 * guest went on after the faulting instruction.
 */
static void check_exception(struct __test_metadata *_metadata,
			    struct kvm_vcpu *vcpu, const struct exc_case *c)
{
	uint32_t site[3], vector, fsr, lr, spsr, cpsr, far, expect_cpsr;
	struct ucall uc;
	char what[256];

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc)) TH_LOG("%s", c->name);
	memcpy(site, vm_gpa_to_hva(vcpu->vm, (uintptr_t)exc_site), sizeof(site));
	vector = uc.args[0] & 0xffff;
	fsr = uc.args[0] >> 16;
	lr = uc.args[1];
	spsr = uc.args[2];
	cpsr = uc.args[3];
	far = uc.args[4];
	snprintf(what, sizeof(what),
		 "%s: vector %#x LR %#x SPSR %#x CPSR %#x FAR %#x FSR %#x; at %#x, CPSR before %#x",
		 c->name, vector, lr, spsr, cpsr, far, fsr, site[0], site[2]);

	/* Through the guest's own table, at the exception's vector. */
	ASSERT_NE(TAG_RESUMED, vector) TH_LOG("%s: no exception was taken", c->name);
	EXPECT_EQ(c->vector, vector) TH_LOG("%s: wrong vector", what);
	/* LR: the architecture's return offset from the faulting instruction. */
	EXPECT_EQ(site[0] + c->lr_offset, lr) TH_LOG("%s: LR", what);
	/* SPSR: the CPSR before, flags included; T as the code ran (MRS hides it). */
	EXPECT_EQ(site[2] | (c->thumb ? CPSR_T : 0), spsr) TH_LOG("%s: SPSR", what);
	/*
	 * CPSR: the exception's mode, IRQs masked, asynchronous aborts masked
	 * by aborts (already masked here), FIQ mask kept, IT and J cleared,
	 * T from SCTLR.TE (MRS reads it as 0 either way), E from SCTLR.EE (0).
	 */
	expect_cpsr = (GUEST_CPSR & ~CPSR_MODE_MASK) | c->mode;
	EXPECT_EQ(expect_cpsr, cpsr & CPSR_ENTRY_BITS) TH_LOG("%s: CPSR", what);
	if ((c->vector & ~VECTOR_THUMB) == VECTOR_PABT) {
		EXPECT_EQ(FAR_AWAY, far) TH_LOG("%s: IFAR", what);
		EXPECT_EQ(c->fsr, fsr) TH_LOG("%s: IFSR", what);
	}

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc)) TH_LOG("%s", c->name);
	EXPECT_EQ(TAG_RESUMED, uc.args[0])
		TH_LOG("%s: the guest did not go on after its handler returned", c->name);
}

static void run_exception_case(struct __test_metadata *_metadata,
			       const struct exc_case *c)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, c->guest);

	check_exception(_metadata, vcpu, c);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL)) TH_LOG("%s", c->name);
	vm_free(vm);
}

TEST(undefined_instruction_is_the_guests)
{
	const struct exc_case cases[] = {
		{ "udf (ARM)", guest_udf_arm, VECTOR_UNDEF, CPSR_MODE_UND, 4, false, 0 },
		{ "udf (Thumb)", guest_udf_thumb, VECTOR_UNDEF, CPSR_MODE_UND, 2, true, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_exception_case(_metadata, &cases[i]);
}

/* LR_und is + 2 in Thumb even for the 32-bit smc: the architecture's offset. */
TEST(smc_is_undefined_in_the_guest)
{
	const struct exc_case cases[] = {
		{ "smc (ARM)", guest_smc_arm, VECTOR_UNDEF, CPSR_MODE_UND, 4, false, 0 },
		{ "smc (Thumb)", guest_smc_thumb, VECTOR_UNDEF, CPSR_MODE_UND, 2, true, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_exception_case(_metadata, &cases[i]);
}

TEST(fetch_outside_memory_is_a_prefetch_abort)
{
	const struct exc_case cases[] = {
		{ "branch to FAR_AWAY (ARM)", guest_pabt_arm, VECTOR_PABT,
		  CPSR_MODE_ABT, 4, false, FSR_SHORT_EXTABT },
		{ "branch to FAR_AWAY (Thumb)", guest_pabt_thumb, VECTOR_PABT,
		  CPSR_MODE_ABT, 4, true, FSR_SHORT_EXTABT },
		{ "branch to FAR_AWAY (TTBCR.EAE)", guest_pabt_lpae, VECTOR_PABT,
		  CPSR_MODE_ABT, 4, false, FSR_LPAE_EXTABT },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_exception_case(_metadata, &cases[i]);
}

TEST(sctlr_te_takes_exceptions_in_thumb)
{
	const struct exc_case cases[] = {
		{ "udf, SCTLR.TE", NULL, VECTOR_UNDEF | VECTOR_THUMB, CPSR_MODE_UND, 4, false, 0 },
		{ "smc, SCTLR.TE", NULL, VECTOR_UNDEF | VECTOR_THUMB, CPSR_MODE_UND, 4, false, 0 },
		{ "branch to FAR_AWAY, SCTLR.TE", NULL, VECTOR_PABT | VECTOR_THUMB,
		  CPSR_MODE_ABT, 4, false, FSR_SHORT_EXTABT },
	};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_thumb_exceptions);

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_exception(_metadata, vcpu, &cases[i]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/* ---- Loads from far away --------------------------------------------------- */

GUEST_ARM_AND_THUMB(guest_far_load, (void), {
	uint32_t v = 0;

	set_vbar(exc_vectors_arm);	/* a data abort would be reported */
	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(FAR_AWAY) : "memory");
	GUEST_SYNC(v);
	GUEST_DONE();
})

/* The VMM decides what is there: it gets the access and supplies the value. */
TEST(load_outside_memory_exits_as_mmio)
{
	void *const guests[] = { guest_far_load_arm, guest_far_load_thumb };
	const uint8_t data[4] = { 0xfe, 0xca, 0x0d, 0x60 };

	for (unsigned int i = 0; i < 2; i++) {
		struct kvm_vcpu *vcpu;
		struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guests[i]);
		struct kvm_run *run = vcpu_run_to_exit(vcpu, KVM_EXIT_MMIO);
		struct ucall uc;

		EXPECT_EQ(FAR_AWAY, run->mmio.phys_addr);
		EXPECT_EQ(4u, run->mmio.len);
		EXPECT_EQ(0, run->mmio.is_write);
		memcpy(run->mmio.data, data, sizeof(data));
		ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
		EXPECT_EQ(0x600dcafeu, uc.args[0]) TH_LOG("%s", i ? "Thumb" : "ARM");
		ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
		vm_free(vm);
	}
}

/* ---- Conditional trapped instructions ------------------------------------ */

/*
 * With Z set, "ne" fails: wfine must not wait (nothing would wake it), smcne
 * must neither raise an exception nor reach the board's firmware (which would
 * answer PSCI_VERSION in r0).
 */
static GUEST_CODE_ARM void guest_cond_fail_arm(void)
{
	set_vbar(exc_vectors_arm);

	/* After the call: a call between may clobber a register variable. */
	register uint32_t r0 asm("r0") = PSCI_0_2_FN_PSCI_VERSION;

	asm volatile("cmp r0, r0\n\t"
		     "wfine\n\t"
		     ".arch_extension sec\n\t"
		     "smcne #0\n\t"
		     : "+r"(r0) : : "cc", "memory");
	GUEST_SYNC(TAG_RESUMED, r0);
	GUEST_DONE();
}

static GUEST_CODE_THUMB void guest_cond_fail_thumb(void)
{
	set_vbar(exc_vectors_arm);

	/* After the call: a call between may clobber a register variable. */
	register uint32_t r0 asm("r0") = PSCI_0_2_FN_PSCI_VERSION;

	asm volatile("cmp r0, r0\n\t"
		     "it ne\n\t"
		     "wfine\n\t"
		     ".arch_extension sec\n\t"
		     "it ne\n\t"
		     "smcne #0\n\t"
		     : "+r"(r0) : : "cc", "memory");
	GUEST_SYNC(TAG_RESUMED, r0);
	GUEST_DONE();
}

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

TEST(failed_condition_makes_trapped_instructions_nops)
{
	void *const guests[] = { guest_cond_fail_arm, guest_cond_fail_thumb };
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval two_s = { .it_value = { .tv_sec = 2 } }, off = { 0 };

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	for (unsigned int i = 0; i < 2; i++) {
		struct kvm_vcpu *vcpu;
		struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guests[i]);
		struct ucall uc;
		int ret;

		/* A WFI that waits would sleep until the alarm interrupts it. */
		alarm_fired = 0;
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &two_s, NULL));
		ret = vcpu_run(vcpu);
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &off, NULL));
		ASSERT_EQ(0, ret) TH_LOG("%s: KVM_RUN returned %d (errno %d): wfine waited",
					 i ? "Thumb" : "ARM", ret, errno);
		ASSERT_EQ(UCALL_SYNC, get_ucall(vcpu, &uc))
			TH_LOG("%s: %s", i ? "Thumb" : "ARM", exit_reason_str(vcpu->run->exit_reason));
		EXPECT_EQ(TAG_RESUMED, uc.args[0])
			TH_LOG("%s: smcne took an exception (vector %#x)", i ? "Thumb" : "ARM",
			       uc.args[0]);
		EXPECT_EQ(PSCI_0_2_FN_PSCI_VERSION, uc.args[1])
			TH_LOG("%s: smcne changed r0", i ? "Thumb" : "ARM");
		ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
		vm_free(vm);
	}
}

/*
 * An IT block around trapped instructions the hypervisor completes (a debug
 * register read, HDCR.TDA; ACTLR, HCR.TAC): their conditions pass, and the
 * instructions after each must still obey their own slots of the block, which
 * only holds if the hypervisor advanced the IT state when it stepped over
 * the trapped one. With Z set: EQ slots run, NE slots do not.
 */
static GUEST_CODE_THUMB void guest_it_block(void)
{
	uint32_t ran_ne = 0, ran_eq = 0, dbg = 0xffffffff, actlr = 0xffffffff;

	set_vbar(exc_vectors_arm);
	asm volatile("cmp %[ne], %[ne]\n\t"
		     "itete eq\n\t"
		     "mrceq p14, 0, %[dbg], c0, c0, 4\n\t"	/* DBGBVR0 */
		     "movne %[ne], #1\n\t"
		     "moveq %[eq], #1\n\t"
		     "movne %[ne], #2\n\t"
		     "itet eq\n\t"
		     "mrceq p15, 0, %[actlr], c1, c0, 1\n\t"	/* ACTLR */
		     "movne %[ne], #3\n\t"
		     "addeq %[eq], %[eq], #2\n\t"
		     : [ne] "+l"(ran_ne), [eq] "+l"(ran_eq), [dbg] "+r"(dbg),
		       [actlr] "+r"(actlr)
		     : : "cc");
	GUEST_SYNC(ran_ne, ran_eq, dbg, actlr);
	GUEST_DONE();
}

TEST(trapped_instruction_in_it_block_keeps_the_block)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_it_block);
	struct ucall uc;

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(0u, uc.args[0]) TH_LOG("an NE slot ran (its value %u)", uc.args[0]);
	EXPECT_EQ(3u, uc.args[1]) TH_LOG("an EQ slot did not run");
	/* No debug hardware for guests: the breakpoint register reads as zero. */
	EXPECT_EQ(0u, uc.args[2]);
	EXPECT_NE(0xffffffffu, uc.args[3]) TH_LOG("the ACTLR read did not happen");
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/* ---- ACTLR and L2CTLR -------------------------------------------------------- */

#define ACTLR_SMP	(1u << 6)
#define L2CTLR_NCPUS(r)	(((r) >> 24) & 3)

/* Reads ACTLR, writes its complement, reads it again; reads L2CTLR. */
static GUEST_CODE void guest_aux_regs(void)
{
	uint32_t actlr, after, l2ctlr;

	asm volatile("mrc p15, 0, %0, c1, c0, 1" : "=r"(actlr));
	asm volatile("mcr p15, 0, %0, c1, c0, 1\n\tisb" : : "r"(~actlr) : "memory");
	asm volatile("mrc p15, 0, %0, c1, c0, 1" : "=r"(after));
	asm volatile("mrc p15, 1, %0, c9, c0, 2" : "=r"(l2ctlr));
	GUEST_SYNC(actlr, after, l2ctlr);
	GUEST_DONE();
}

/*
 * Runs guest_aux_regs() on the last of @n vCPUs: all of them exist before it
 * is initialised, as Linux 5.6 counts the vCPUs that exist when a vCPU is
 * reset. Returns ACTLR, ACTLR after the write, L2CTLR.
 */
static void read_aux_regs(struct __test_metadata *_metadata, unsigned int n,
			  uint32_t regs[3])
{
	struct kvm_vcpu *vcpu = NULL;
	struct kvm_vm *vm = vm_create();
	struct ucall uc;

	for (unsigned int id = 0; id < n; id++)
		vcpu = vcpu_add(vm, id, guest_aux_regs);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	memcpy(regs, uc.args, 3 * sizeof(regs[0]));
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/*
 * A guest sizes its SMP world from ACTLR.SMP (taking part in coherency): it
 * must say whether the VM, not the host, has more than one CPU. The guest
 * must not change the real ACTLR, which the host's CPU uses as well.
 */
TEST(actlr_is_read_only_and_smp_as_the_vm)
{
	const unsigned int counts[] = { 1, 3 };

	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		unsigned int n = counts[i];
		uint32_t r[3];

		read_aux_regs(_metadata, n, r);
		EXPECT_EQ(r[0], r[1]) TH_LOG("%u vCPUs: writing %#x to ACTLR changed it", n, ~r[0]);
		EXPECT_EQ(n > 1 ? ACTLR_SMP : 0, r[0] & ACTLR_SMP)
			TH_LOG("%u vCPUs: ACTLR.SMP", n);
	}
}

/*
 * L2CTLR[25:24] is the number of CPUs in the cluster minus one, a 2-bit
 * field: four CPUs to a cluster, as KVM numbers vCPUs (MPIDR.Aff0 = id % 4),
 * so 8 vCPUs read 3, as in Linux 5.6 (min(n - 1, 3)). Bits 31:26 are
 * reserved. QEMU before 8.0 does not implement HCR.TIDCP: the read then
 * never reaches the hypervisor and returns QEMU's own value,
 * ((board CPUs - 1) << 24) | (1 << 23); the board cannot check this then.
 */
TEST(l2ctlr_counts_the_vms_cpus)
{
	const unsigned int counts[] = { 1, 3, 8 };
	uint32_t board = sysconf(_SC_NPROCESSORS_CONF);
	uint32_t qemu_own = ((board - 1) << 24) | (1u << 23);

	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		unsigned int n = counts[i], cluster = n > 4 ? 4 : n;
		uint32_t r[3];

		read_aux_regs(_metadata, n, r);
		if (r[2] == qemu_own && n != board)
			SKIP(return, "L2CTLR read %#x, the CPU's own value: this QEMU does not trap it (HCR.TIDCP)",
			     r[2]);
		EXPECT_EQ(cluster - 1, L2CTLR_NCPUS(r[2]))
			TH_LOG("%u vCPUs: L2CTLR %#x: bits 25:24", n, r[2]);
		EXPECT_EQ(0u, r[2] & 0xfc000000u) TH_LOG("%u vCPUs: L2CTLR %#x: bits 31:26", n, r[2]);
	}
}

TEST_HARNESS_MAIN
