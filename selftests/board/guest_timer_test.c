// SPDX-License-Identifier: GPL-2.0
/*
 * The architected timers as a guest kernel uses them, with the in-kernel
 * vGICv2 delivering their interrupts:
 *  - the virtual timer (the hardware's, PPI 27) and the physical timer
 *    (emulated by kvm32 behind CNTHCTL's traps, PPI 30) interrupt no earlier
 *    than their deadline and soon after it; a handler that moves the
 *    deadline on and completes the interrupt gets no early second one;
 *    IMASK keeps the interrupt away while ISTATUS shows the condition, and
 *    unmasking delivers it at once; TVAL is signed and counts down, CVAL is
 *    64 bits wide; the guest's CNTPCT is the physical count;
 *  - a guest waiting in WFI for a timer (IRQs masked by CPSR.I: WFI only
 *    wakes it) sleeps in the host meanwhile, and wakes on time;
 *  - the virtual counter starts at zero when the VM is made, and
 *    KVM_REG_ARM_TIMER_CNT moves it for every vCPU of the VM; TIMER_CTL
 *    and TIMER_CVAL are the guest's registers; the physical timer's
 *    KVM_REG_ARM_PTIMER_* ids are unknown to ONE_REG, as in 32-bit ARM
 *    Linux 5.6 (see ptimer_regs_are_not_one_regs).
 * Times are measured in counter ticks by the guest itself; "soon" is
 * LATE_MS, generous for an emulated board with a loaded host.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"
#include "timer.h"
#include "vgic.h"

/* How late an interrupt may be on this board, and the guest's give-up time. */
#define LATE_MS		50
#define GIVE_UP_MS	3000

#define TIMER_PRIO	0xa0

/* ---- Guest helpers ---------------------------------------------------------- */

static GUEST_CODE uint32_t timer_ppi(enum guest_timer t)
{
	return t == TIMER_VIRT ? PPI_VTIMER : PPI_PTIMER;
}

/* @ms milliseconds of a counter ticking at @freq. */
static GUEST_CODE uint64_t guest_ms(uint32_t freq, uint32_t ms)
{
	return (uint64_t)freq * ms / 1000;
}

/*
 * Polls GICC_IAR (the GICV frame: no trap) until an interrupt is there or
 * the count of @t reaches @until. Returns the IAR (the spurious ID if none
 * came) and in *at the count at which it was seen.
 */
static GUEST_CODE uint32_t poll_ack(enum guest_timer t, uint64_t until, uint64_t *at)
{
	uint32_t iar;
	uint64_t now;

	do {
		iar = gic_guest_ack();
		now = timer_count(t);
	} while (GIC_IAR_ID(iar) == GIC_SPURIOUS && now < until);
	*at = now;
	return iar;
}

/* GUEST_SYNC of a tag, two 64-bit values and a 32-bit one. */
static GUEST_CODE void sync64(uint32_t tag, uint64_t a, uint64_t b, uint32_t c)
{
	GUEST_SYNC(tag, (uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32), c);
}

/* ---- Host helpers ------------------------------------------------------------ */

static uint64_t arg64(const struct ucall *uc, unsigned int i)
{
	return uc->args[i] | (uint64_t)uc->args[i + 1] << 32;
}

static uint64_t ms_ticks(uint64_t freq, unsigned int ms)
{
	return freq * ms / 1000;
}

static uint64_t ticks_us(uint64_t freq, uint64_t ticks)
{
	return ticks * 1000000 / freq;
}

static const char *timer_name(enum guest_timer t)
{
	return t == TIMER_VIRT ? "virtual timer" : "physical timer";
}

/*
 * A sync64(tag, due, at, iar) report: interrupt @ppi seen at count @at, not
 * before @due and at most LATE_MS after it.
 */
static void expect_on_time(struct __test_metadata *_metadata, const struct ucall *uc,
			   uint32_t ppi, uint64_t freq, const char *what)
{
	uint64_t due = arg64(uc, 1), at = arg64(uc, 3);

	EXPECT_EQ(ppi, GIC_IAR_ID(uc->args[5]))
		TH_LOG("%s: IAR %#x, not the timer's PPI %u", what, uc->args[5], ppi);
	if (at < due) {
		EXPECT_GE(at, due) TH_LOG("%s: interrupt %llu us before the deadline", what,
					  (unsigned long long)ticks_us(freq, due - at));
	} else {
		EXPECT_LE(at - due, ms_ticks(freq, LATE_MS))
			TH_LOG("%s: interrupt %llu us after the deadline", what,
			       (unsigned long long)ticks_us(freq, at - due));
	}
}

static struct kvm_vm *vm_with_vgic(struct kvm_vcpu **vcpu, void *guest_code,
				   enum guest_timer t)
{
	struct kvm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_code);

	vcpu_args_set(*vcpu, 1, t);
	vgic_v2_setup(vm, 0);
	return vm;
}

/* ---- Interrupts on time --------------------------------------------------------- */

static GUEST_CODE void guest_timer_irq(enum guest_timer t)
{
	uint32_t ppi = timer_ppi(t), freq = timer_cntfrq(), iar;
	uint64_t cval, at, unmasked;

	GUEST_SYNC(0, freq);
	gic_guest_init();
	gic_guest_enable(ppi, TIMER_PRIO, 0);

	/* Armed far ahead: the condition does not hold, nothing comes. */
	timer_set_ctl(t, 0);
	timer_set_cval(t, timer_count(t) + guest_ms(freq, 10000));
	timer_set_ctl(t, TIMER_CTL_ENABLE);
	GUEST_ASSERT_EQ(timer_get_ctl(t), TIMER_CTL_ENABLE);
	iar = poll_ack(t, timer_count(t) + guest_ms(freq, 20), &at);
	GUEST_ASSERT_EQ(GIC_IAR_ID(iar), GIC_SPURIOUS);

	/* 1: due in 20 ms. */
	cval = timer_count(t) + guest_ms(freq, 20);
	timer_set_cval(t, cval);
	iar = poll_ack(t, cval + guest_ms(freq, GIVE_UP_MS), &at);
	sync64(1, cval, at, iar);
	GUEST_ASSERT_EQ(timer_get_ctl(t), TIMER_CTL_ENABLE | TIMER_CTL_ISTATUS);

	/*
	 * 2: the handler moves the deadline on (the condition, ISTATUS and the
	 * line drop), then completes the interrupt: the next one comes at the
	 * new deadline, not before.
	 */
	cval = timer_count(t) + guest_ms(freq, 20);
	timer_set_cval(t, cval);
	GUEST_ASSERT_EQ(timer_get_ctl(t), TIMER_CTL_ENABLE);
	gic_guest_eoi(iar);
	iar = poll_ack(t, cval + guest_ms(freq, GIVE_UP_MS), &at);
	sync64(2, cval, at, iar);

	/* 3: masked, then completed: the condition holds later, but no interrupt. */
	timer_set_ctl(t, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	cval = timer_count(t) + guest_ms(freq, 5);
	timer_set_cval(t, cval);
	gic_guest_eoi(iar);
	iar = poll_ack(t, cval + guest_ms(freq, LATE_MS), &at);
	sync64(3, cval, at, iar);
	GUEST_ASSERT_EQ(timer_get_ctl(t),
			TIMER_CTL_ENABLE | TIMER_CTL_IMASK | TIMER_CTL_ISTATUS);

	/* 4: unmasked, the interrupt comes at once. */
	unmasked = timer_count(t);
	timer_set_ctl(t, TIMER_CTL_ENABLE);
	iar = poll_ack(t, unmasked + guest_ms(freq, GIVE_UP_MS), &at);
	sync64(4, unmasked, at, iar);

	/* 5: disabled and completed: nothing more. */
	timer_set_ctl(t, 0);
	gic_guest_eoi(iar);
	iar = poll_ack(t, timer_count(t) + guest_ms(freq, 20), &at);
	GUEST_ASSERT_EQ(GIC_IAR_ID(iar), GIC_SPURIOUS);
	GUEST_DONE();
}

static void check_timer_irq(struct __test_metadata *_metadata, enum guest_timer t)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_with_vgic(&vcpu, guest_timer_irq, t);
	uint32_t ppi = t == TIMER_VIRT ? PPI_VTIMER : PPI_PTIMER;
	const char *name = timer_name(t);
	uint64_t freq, at, due;
	struct ucall uc;

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	freq = uc.args[1];
	ASSERT_NE(0, freq);

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(1, uc.args[0]);
	expect_on_time(_metadata, &uc, ppi, freq, name);

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(2, uc.args[0]);
	expect_on_time(_metadata, &uc, ppi, freq, "the second deadline");

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(3, uc.args[0]);
	due = arg64(&uc, 1);
	at = arg64(&uc, 3);
	EXPECT_EQ(GIC_SPURIOUS, GIC_IAR_ID(uc.args[5]))
		TH_LOG("masked %s: interrupt %u came %lld us after the deadline", name,
		       uc.args[5], (long long)((int64_t)(at - due) * 1000000 / (int64_t)freq));

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(4, uc.args[0]);
	expect_on_time(_metadata, &uc, ppi, freq, "unmasking");

	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

TEST(vtimer_interrupt_on_time)
{
	check_timer_irq(_metadata, TIMER_VIRT);
}

TEST(ptimer_interrupt_on_time)
{
	check_timer_irq(_metadata, TIMER_PHYS);
}

/* ---- TVAL, CVAL and the counters ------------------------------------------------- */

/* lo <= v <= hi as signed 64-bit numbers */
#define GUEST_ASSERT_WITHIN(v, lo, hi)						\
	GUEST_ASSERT((int64_t)(v) >= (int64_t)(lo) && (int64_t)(v) <= (int64_t)(hi))

static GUEST_CODE void guest_timer_regs(enum guest_timer t)
{
	uint32_t freq = timer_cntfrq(), ms = (uint32_t)guest_ms(freq, 1);
	uint64_t before, after, cval, pct;
	int32_t tval1, tval2;

	/* CNTPCT reads the physical count: the host checks it against its own. */
	pct = timer_cntpct();
	GUEST_SYNC((uint32_t)pct, (uint32_t)(pct >> 32), freq);

	/* A TVAL write sets CVAL to the count plus the value. */
	timer_set_ctl(t, 0);
	before = timer_count(t);
	timer_set_tval(t, (int32_t)freq);
	after = timer_count(t);
	cval = timer_get_cval(t);
	GUEST_ASSERT_WITHIN(cval, before + freq, after + freq);

	/* A TVAL read gives CVAL less the count: it counts down. */
	before = timer_count(t);
	tval1 = timer_get_tval(t);
	after = timer_count(t);
	GUEST_ASSERT_WITHIN(tval1, cval - after, cval - before);
	while (timer_count(t) < after + 2 * ms)
		;
	before = timer_count(t);
	tval2 = timer_get_tval(t);
	after = timer_count(t);
	GUEST_ASSERT_WITHIN(tval2, cval - after, cval - before);
	GUEST_ASSERT(tval2 <= tval1 - (int32_t)(2 * ms));

	/*
	 * TVAL is signed: a negative write is a deadline passed, read back
	 * negative. Not before the count is past it: CVAL wraps otherwise
	 * (64-bit sums), which is a deadline far ahead (and a value QEMU's
	 * timer model mishandles: CVAL + CNTVOFF overflows, and the board
	 * hangs re-arming the timer for ever).
	 */
	while (timer_count(t) < 200 * ms)
		;
	timer_set_ctl(t, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	before = timer_count(t);
	timer_set_tval(t, -(int32_t)(100 * ms));
	after = timer_count(t);
	cval = timer_get_cval(t);
	GUEST_ASSERT_WITHIN(cval, before - 100 * ms, after - 100 * ms);
	GUEST_ASSERT_EQ(timer_get_ctl(t), TIMER_CTL_ENABLE | TIMER_CTL_IMASK | TIMER_CTL_ISTATUS);
	before = timer_count(t);
	tval1 = timer_get_tval(t);
	after = timer_count(t);
	GUEST_ASSERT(tval1 < 0);
	GUEST_ASSERT_WITHIN(tval1, (int64_t)(cval - after), (int64_t)(cval - before));

	/*
	 * CVAL keeps all 64 bits (MCRR/MRRC), either way round; with the
	 * timer off (see timer_cnt_moves_every_vcpu on QEMU and such values).
	 */
	timer_set_ctl(t, 0);
	timer_set_cval(t, 0xfedcba9876543210ull);
	cval = timer_get_cval(t);
	GUEST_ASSERT_EQ((uint32_t)cval, 0x76543210u);
	GUEST_ASSERT_EQ((uint32_t)(cval >> 32), 0xfedcba98u);
	timer_set_cval(t, 0x0000000123456789ull);
	cval = timer_get_cval(t);
	GUEST_ASSERT_EQ((uint32_t)cval, 0x23456789u);
	GUEST_ASSERT_EQ((uint32_t)(cval >> 32), 1u);

	/* ISTATUS is read-only; far ahead, the condition does not hold. */
	timer_set_cval(t, timer_count(t) + guest_ms(freq, 10000));
	timer_set_ctl(t, TIMER_CTL_ENABLE | TIMER_CTL_IMASK | TIMER_CTL_ISTATUS);
	GUEST_ASSERT_EQ(timer_get_ctl(t), TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	timer_set_ctl(t, 0);
	GUEST_DONE();
}

static void check_timer_regs(struct __test_metadata *_metadata, enum guest_timer t)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_with_vgic(&vcpu, guest_timer_regs, t);
	uint64_t h0, h1, pct;
	struct ucall uc;

	h0 = host_counter();
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	h1 = host_counter();
	pct = arg64(&uc, 0);
	EXPECT_TRUE(pct >= h0 && pct <= h1)
		TH_LOG("the guest's CNTPCT %#llx is not the physical count (%#llx..%#llx)",
		       (unsigned long long)pct, (unsigned long long)h0, (unsigned long long)h1);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

TEST(vtimer_registers)
{
	check_timer_regs(_metadata, TIMER_VIRT);
}

TEST(ptimer_registers)
{
	check_timer_regs(_metadata, TIMER_PHYS);
}

/* ---- WFI sleeps until the timer ----------------------------------------------------- */

#define WFI_DEADLINE_MS	1000

/*
 * Arms @t WFI_DEADLINE_MS ahead and waits for its interrupt in WFI with
 * IRQs masked, counting the WFIs it needed.
 */
static GUEST_CODE void guest_timer_wfi(enum guest_timer t)
{
	uint32_t freq = timer_cntfrq(), ppi = timer_ppi(t), iar, wfis = 0;
	uint64_t cval, pct, at;

	gic_guest_init();
	gic_guest_enable(ppi, TIMER_PRIO, 0);
	timer_set_ctl(t, 0);
	pct = timer_cntpct();
	cval = timer_count(t) + guest_ms(freq, WFI_DEADLINE_MS);
	timer_set_cval(t, cval);
	timer_set_ctl(t, TIMER_CTL_ENABLE);
	/* The deadline in the physical count, for the host; the frequency. */
	sync64(0, pct + guest_ms(freq, WFI_DEADLINE_MS), 0, freq);

	for (;;) {
		iar = gic_guest_ack();
		if (GIC_IAR_ID(iar) != GIC_SPURIOUS)
			break;
		asm volatile("wfi" : : : "memory");
		wfis++;
	}
	at = timer_count(t);
	timer_set_ctl(t, 0);
	gic_guest_eoi(iar);
	sync64(1, cval, at, iar);
	GUEST_SYNC(2, wfis);
	GUEST_DONE();
}

struct vcpu_thread {
	struct kvm_vcpu *vcpu;
	pthread_t thread;
	pid_t tid;		/* set by the thread */
	uint32_t cmd;		/* what vcpu_run_to_ucall() returned */
	struct ucall uc;
};

static void *run_to_ucall_thread(void *arg)
{
	struct vcpu_thread *t = arg;

	__atomic_store_n(&t->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	t->cmd = vcpu_run_to_ucall(t->vcpu, &t->uc);
	return NULL;
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

static void check_timer_wfi(struct __test_metadata *_metadata, enum guest_timer t)
{
	struct vcpu_thread vt = {};
	struct kvm_vm *vm = vm_with_vgic(&vt.vcpu, guest_timer_wfi, t);
	uint32_t ppi = t == TIMER_VIRT ? PPI_VTIMER : PPI_PTIMER;
	unsigned long ticks0, ticks1;
	uint64_t due_phys, freq;
	struct ucall uc;
	char state = '?';
	pid_t tid;
	int i;

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vt.vcpu, &uc));
	due_phys = arg64(&uc, 1);
	freq = uc.args[5];

	ASSERT_EQ(0, pthread_create(&vt.thread, NULL, run_to_ucall_thread, &vt));
	/* Bounded waits: the thread starts, then goes to sleep in KVM_RUN. */
	for (i = 0; i < 2000 && !(tid = __atomic_load_n(&vt.tid, __ATOMIC_ACQUIRE)); i++)
		sleep_ms(1);
	ASSERT_NE(0, tid);
	for (i = 0; i < 2000; i++) {
		ASSERT_TRUE(task_stat(tid, &state, &ticks0))
			TH_LOG("the guest's wait for the %s is over and the vCPU thread never slept",
			       timer_name(t));
		if (state == 'S')
			break;
		sleep_ms(1);
	}
	ASSERT_EQ('S', state) TH_LOG("the vCPU thread never slept");

	/* Asleep, and not spinning: 20 ticks (USER_HZ 100) if it were. */
	sleep_ms(200);
	ASSERT_TRUE(task_stat(tid, &state, &ticks1))
		TH_LOG("the guest's wait for the %s ended early", timer_name(t));
	EXPECT_EQ('S', state) TH_LOG("the vCPU thread waiting for the %s is not asleep",
				     timer_name(t));
	EXPECT_LE(ticks1 - ticks0, 2ul)
		TH_LOG("the vCPU thread used %lu ticks in 200 ms", ticks1 - ticks0);
	/* Measured while the timer was not yet due, or the measure means nothing. */
	ASSERT_LT(host_counter(), due_phys) TH_LOG("the board was too slow to measure");

	ASSERT_EQ(0, pthread_join(vt.thread, NULL));
	ASSERT_EQ(UCALL_SYNC, vt.cmd);
	ASSERT_EQ(1, vt.uc.args[0]);
	expect_on_time(_metadata, &vt.uc, ppi, freq, "waking from WFI");
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vt.vcpu, &uc));
	ASSERT_EQ(2, uc.args[0]);
	/* One WFI that the interrupt ends; a few spurious wake-ups at most. */
	EXPECT_LE(uc.args[1], 3u) TH_LOG("%u WFIs to wait for the %s", uc.args[1],
					 timer_name(t));
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vt.vcpu, &uc));
	vm_free(vm);
}

TEST(wfi_sleeps_until_vtimer)
{
	check_timer_wfi(_metadata, TIMER_VIRT);
}

TEST(wfi_sleeps_until_ptimer)
{
	check_timer_wfi(_metadata, TIMER_PHYS);
}

/* ---- The virtual counter and the timer ONE_REGs ----------------------------------------- */

static GUEST_CODE void guest_report_counters(void)
{
	for (;;) {
		uint64_t v = timer_cntvct(), p = timer_cntpct();

		GUEST_SYNC((uint32_t)v, (uint32_t)(v >> 32), (uint32_t)p, (uint32_t)(p >> 32));
	}
}

/* Runs @vcpu to its next counter report; returns its CNTVCT. */
static uint64_t read_guest_cntvct(struct kvm_vcpu *vcpu, uint64_t *pct)
{
	struct ucall uc;

	TEST_ASSERT(vcpu_run_to_ucall(vcpu, &uc) == UCALL_SYNC, "no counter report");
	if (pct)
		*pct = arg64(&uc, 2);
	return arg64(&uc, 0);
}

/*
 * The guest's virtual counter counts from zero from the VM's creation (Linux
 * 5.6 zeroes it as each vCPU is created, which is the same for a VM whose
 * vCPUs are made with it): at the first run it has counted no more than
 * the host's counter since just before vm_create(). Another VM made later
 * starts from zero too, while the first one's goes on.
 */
TEST(virtual_counter_starts_at_zero)
{
	struct kvm_vcpu *vcpu, *vcpu2;
	struct kvm_vm *vm, *vm2;
	uint64_t h0, h1, h2, h3, v, v2, v1b, p, cnt;

	h0 = host_counter();
	vm = vm_create_with_one_vcpu(&vcpu, guest_report_counters);
	v = read_guest_cntvct(vcpu, &p);
	h1 = host_counter();
	EXPECT_GT(v, 0);
	EXPECT_LE(v, h1 - h0) TH_LOG("CNTVCT %llu at the first run, %llu ticks after vm_create()",
				     (unsigned long long)v, (unsigned long long)(h1 - h0));
	/* The physical count is not offset. */
	EXPECT_TRUE(p >= h0 && p <= h1);

	/* KVM_REG_ARM_TIMER_CNT reads the same counter. */
	cnt = vcpu_get_reg64(vcpu, KVM_REG_ARM_TIMER_CNT);
	h2 = host_counter();
	EXPECT_GE(cnt, v);
	EXPECT_LE(cnt - v, h2 - h0);

	vm2 = vm_create_with_one_vcpu(&vcpu2, guest_report_counters);
	v2 = read_guest_cntvct(vcpu2, NULL);
	v1b = read_guest_cntvct(vcpu, NULL);
	h3 = host_counter();
	EXPECT_LE(v2, h3 - h2) TH_LOG("a second VM's CNTVCT starts at %llu",
				      (unsigned long long)v2);
	EXPECT_GE(v1b, cnt);
	EXPECT_LE(v1b - v, h3 - h0);
	vm_free(vm2);
	vm_free(vm);
}

/*
 * As in KVM 5.6, creating a vCPU restarts the VM's virtual counter from
 * zero for every vCPU: a VMM creates its vCPUs before it runs them, and the
 * guest's clock starts with the last of them.
 */
TEST(creating_a_vcpu_restarts_the_virtual_counter)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_report_counters);
	uint64_t before, after, h0, h1;

	/* Let the counter run well past anything a restart could leave. */
	h0 = host_counter();
	while (host_counter() - h0 < timer_host_freq() / 5)
		;
	before = vcpu_get_reg64(vcpu, KVM_REG_ARM_TIMER_CNT);
	h0 = host_counter();
	vcpu_add(vm, 1, guest_report_counters);
	after = vcpu_get_reg64(vcpu, KVM_REG_ARM_TIMER_CNT);
	h1 = host_counter();
	EXPECT_GE(before, timer_host_freq() / 5);
	EXPECT_LE(after, h1 - h0) TH_LOG("CNTVCT %llu after vCPU 1 was created, %llu ticks ago",
					 (unsigned long long)after, (unsigned long long)(h1 - h0));
	EXPECT_GE(vcpu_get_reg64(vm->vcpus[1], KVM_REG_ARM_TIMER_CNT), after);
	vm_free(vm);
}

/*
 * Setting KVM_REG_ARM_TIMER_CNT through any vCPU sets the VM's virtual
 * counter: every vCPU then reads it from there, forwards or backwards.
 */
TEST(timer_cnt_moves_every_vcpu)
{
	static const struct { unsigned int setter; uint64_t value; } moves[] = {
		{ 0, 1ull << 40 },		/* forwards */
		{ 1, 123456789 },		/* backwards, through the other vCPU */
		{ 2, 0xfff0000000000000ull },	/* near the top */
	};
	/*
	 * The guests leave their timers off: with CVAL + CNTVOFF past 2^64
	 * an enabled virtual timer hangs QEMU 7.2's board (its timer model
	 * computes the next tick as that sum and keeps re-arming it).
	 */
	struct kvm_vm *vm = vm_create();
	struct kvm_vcpu *vcpus[3];
	unsigned int i, m;

	for (i = 0; i < 3; i++) {
		vcpus[i] = vcpu_add(vm, i, guest_report_counters);
		read_guest_cntvct(vcpus[i], NULL);
	}
	for (m = 0; m < sizeof(moves) / sizeof(moves[0]); m++) {
		uint64_t x = moves[m].value, h0, h1, v;

		h0 = host_counter();
		vcpu_set_reg64(vcpus[moves[m].setter], KVM_REG_ARM_TIMER_CNT, x);
		for (i = 0; i < 3; i++) {
			v = read_guest_cntvct(vcpus[i], NULL);
			h1 = host_counter();
			EXPECT_TRUE(v >= x && v - x <= h1 - h0)
				TH_LOG("vCPU %u reads %#llx after vCPU %u set TIMER_CNT to %#llx",
				       i, (unsigned long long)v, moves[m].setter,
				       (unsigned long long)x);
			v = vcpu_get_reg64(vcpus[i], KVM_REG_ARM_TIMER_CNT);
			h1 = host_counter();
			EXPECT_TRUE(v >= x && v - x <= h1 - h0)
				TH_LOG("vCPU %u's TIMER_CNT is %#llx", i, (unsigned long long)v);
		}
	}
	vm_free(vm);
}

static GUEST_CODE void guest_vtimer_one_regs(void)
{
	uint64_t cval, at;
	uint32_t iar;

	gic_guest_init();
	gic_guest_enable(PPI_VTIMER, TIMER_PRIO, 0);
	/* What the host set before the first run, then while stopped here. */
	cval = timer_get_cval(TIMER_VIRT);
	GUEST_SYNC(1, timer_get_ctl(TIMER_VIRT), (uint32_t)cval, (uint32_t)(cval >> 32));
	cval = timer_get_cval(TIMER_VIRT);
	GUEST_SYNC(2, timer_get_ctl(TIMER_VIRT), (uint32_t)cval, (uint32_t)(cval >> 32));
	/* The guest's own values, for the host to read. */
	timer_set_ctl(TIMER_VIRT, 0);
	timer_set_cval(TIMER_VIRT, 0x00001234deadbeefull);
	timer_set_ctl(TIMER_VIRT, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	GUEST_SYNC(3);
	/* The host has set a passed deadline, unmasked: the interrupt comes. */
	iar = poll_ack(TIMER_VIRT, timer_cntvct() + guest_ms(timer_cntfrq(), GIVE_UP_MS), &at);
	GUEST_SYNC(4, iar, timer_get_ctl(TIMER_VIRT));
	timer_set_ctl(TIMER_VIRT, 0);
	gic_guest_eoi(iar);
	GUEST_DONE();
}

/* KVM_REG_ARM_TIMER_CTL and _CVAL are the guest's CNTV_CTL and CNTV_CVAL, both ways. */
TEST(vtimer_ctl_and_cval_one_regs)
{
	const uint64_t far1 = 0x7edcba9876543210ull, far2 = 0x0123456789abcdefull;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_vtimer_one_regs);
	struct ucall uc;
	uint64_t cnt;

	vgic_v2_setup(vm, 0);
	vcpu_set_reg64(vcpu, KVM_REG_ARM_TIMER_CVAL, far1);
	vcpu_set_reg(vcpu, KVM_REG_ARM_TIMER_CTL, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(1, uc.args[0]);
	EXPECT_EQ(TIMER_CTL_ENABLE | TIMER_CTL_IMASK, uc.args[1]);
	EXPECT_EQ(far1, arg64(&uc, 2));

	/* ISTATUS is not stored: a written one is dropped. */
	vcpu_set_reg64(vcpu, KVM_REG_ARM_TIMER_CVAL, far2);
	vcpu_set_reg(vcpu, KVM_REG_ARM_TIMER_CTL, TIMER_CTL_ENABLE | TIMER_CTL_ISTATUS);
	EXPECT_EQ(TIMER_CTL_ENABLE, vcpu_get_reg(vcpu, KVM_REG_ARM_TIMER_CTL));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(2, uc.args[0]);
	EXPECT_EQ(TIMER_CTL_ENABLE, uc.args[1]);
	EXPECT_EQ(far2, arg64(&uc, 2));

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(3, uc.args[0]);
	EXPECT_EQ(TIMER_CTL_ENABLE | TIMER_CTL_IMASK, vcpu_get_reg(vcpu, KVM_REG_ARM_TIMER_CTL));
	EXPECT_EQ(0x00001234deadbeefull, vcpu_get_reg64(vcpu, KVM_REG_ARM_TIMER_CVAL));

	/* A deadline passed: ISTATUS reads set; unmasked, it interrupts the guest. */
	cnt = vcpu_get_reg64(vcpu, KVM_REG_ARM_TIMER_CNT);
	vcpu_set_reg64(vcpu, KVM_REG_ARM_TIMER_CVAL, cnt - 1000);
	EXPECT_EQ(TIMER_CTL_ENABLE | TIMER_CTL_IMASK | TIMER_CTL_ISTATUS,
		  vcpu_get_reg(vcpu, KVM_REG_ARM_TIMER_CTL));
	vcpu_set_reg(vcpu, KVM_REG_ARM_TIMER_CTL, TIMER_CTL_ENABLE);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(4, uc.args[0]);
	EXPECT_EQ(PPI_VTIMER, GIC_IAR_ID(uc.args[1]));
	EXPECT_EQ(TIMER_CTL_ENABLE | TIMER_CTL_ISTATUS, uc.args[2]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

static GUEST_CODE void guest_ptimer_state(void)
{
	uint64_t cval;

	timer_set_cval(TIMER_PHYS, 0x0000abcd12345678ull);
	timer_set_ctl(TIMER_PHYS, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	GUEST_SYNC(1);
	cval = timer_get_cval(TIMER_PHYS);
	GUEST_SYNC(timer_get_ctl(TIMER_PHYS), (uint32_t)cval, (uint32_t)(cval >> 32));
	GUEST_DONE();
}

static int one_reg(struct kvm_vcpu *vcpu, unsigned long ioctl_nr, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu->fd, ioctl_nr, &reg) ? errno : 0;
}

/*
 * 32-bit ARM Linux 5.6 has no ONE_REG for the physical timer: its
 * arch/arm/kvm/guest.c hands only KVM_REG_ARM_TIMER_{CTL,CNT,CVAL} to the
 * timer code, and in coproc.c the CNTP_* entries have no register storage,
 * so KVM_REG_ARM_PTIMER_{CTL,CVAL,CNT} (defined in the uapi for arm64)
 * answer ENOENT to GET and SET and are not in KVM_GET_REG_LIST. A VMM
 * written for that ABI neither saves them nor expects them.
 */
TEST(ptimer_regs_are_not_one_regs)
{
	static const uint64_t ids[] = {
		KVM_REG_ARM_PTIMER_CTL, KVM_REG_ARM_PTIMER_CVAL, KVM_REG_ARM_PTIMER_CNT,
	};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_ptimer_state);
	struct kvm_reg_list probe = { .n = 0 }, *list;
	struct ucall uc;
	uint64_t val = 0x5a5a;
	unsigned int i, j;

	vgic_v2_setup(vm, 0);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		EXPECT_EQ(ENOENT, one_reg(vcpu, KVM_GET_ONE_REG, ids[i], &val))
			TH_LOG("GET_ONE_REG %#llx", (unsigned long long)ids[i]);
		EXPECT_EQ(ENOENT, one_reg(vcpu, KVM_SET_ONE_REG, ids[i], &val))
			TH_LOG("SET_ONE_REG %#llx", (unsigned long long)ids[i]);
	}

	ASSERT_EQ(-1, ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe));
	ASSERT_EQ(E2BIG, errno);
	list = calloc(1, sizeof(*list) + probe.n * sizeof(uint64_t));
	ASSERT_NE(NULL, list);
	list->n = probe.n;
	ASSERT_EQ(0, ioctl(vcpu->fd, KVM_GET_REG_LIST, list));
	for (j = 0; j < list->n; j++)
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			EXPECT_NE(ids[i], list->reg[j]);
	free(list);

	/* The failed SETs left the guest's physical timer alone. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(TIMER_CTL_ENABLE | TIMER_CTL_IMASK, uc.args[0] & ~TIMER_CTL_ISTATUS);
	EXPECT_EQ(0x0000abcd12345678ull, arg64(&uc, 1));
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

TEST_HARNESS_MAIN
