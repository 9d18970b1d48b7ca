// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's virtual and physical timers: see timer.h for the scheme.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/percpu.h>
#include <asm/arch_timer.h>

#include "timer.h"
#include "vcpu.h"
#include "vgic.h"

#define TIMER_CTL_ENABLE	BIT(0)
#define TIMER_CTL_IMASK		BIT(1)
#define TIMER_CTL_ISTATUS	BIT(2)

/* The architected timer node lists: secure phys, non-secure phys, virtual, hyp. */
#define TIMER_VIRT_INDEX	2

/* Beyond this many counter cycles a deadline is as good as never. */
#define DEADLINE_NEVER_CYCLES	BIT_ULL(53)

static unsigned int vtimer_irq;		/* the host's virtual timer PPI (Linux IRQ) */
static u32 counter_hz;
static DEFINE_PER_CPU(u8, vtimer_cookie);
static DEFINE_PER_CPU(bool, vtimer_irq_masked);

/* The guest's timer expired while it ran: the exit is the point; the run loop does the rest. */
static irqreturn_t vtimer_irq_handler(int irq, void *cookie)
{
	return IRQ_HANDLED;
}

int kvm32_timer_init(void)
{
	struct device_node *np;
	int ret;

	counter_hz = arch_timer_get_cntfrq();
	np = of_find_compatible_node(NULL, NULL, "arm,armv7-timer");
	if (np) {
		vtimer_irq = irq_of_parse_and_map(np, TIMER_VIRT_INDEX);
		of_node_put(np);
	}
	if (!vtimer_irq || !counter_hz) {
		pr_err("cannot find the virtual timer interrupt or the counter frequency\n");
		return -ENODEV;
	}
	ret = request_percpu_irq(vtimer_irq, vtimer_irq_handler, "kvm32 guest vtimer",
				 &vtimer_cookie);
	if (ret)
		pr_err("cannot take the virtual timer interrupt %u (%d)\n", vtimer_irq, ret);
	return ret;
}

void kvm32_timer_exit(void)
{
	free_percpu_irq(vtimer_irq, &vtimer_cookie);
	vtimer_irq = 0;
}

void kvm32_timer_cpu_up(void)
{
	enable_percpu_irq(vtimer_irq, IRQ_TYPE_NONE);
	this_cpu_write(vtimer_irq_masked, false);
}

void kvm32_timer_cpu_down(void)
{
	disable_percpu_irq(vtimer_irq);
}

static u64 phys_count(void)
{
	return __arch_counter_get_cntpct();
}

/* Whether a timer's condition holds and it is not masked: its interrupt line. */
static bool timer_level(u32 ctl, u64 cval, u64 now)
{
	return (ctl & TIMER_CTL_ENABLE) && !(ctl & TIMER_CTL_IMASK) && now >= cval;
}

/* The host time at which a timer's line would rise, or 0 for never. */
static ktime_t timer_deadline(u32 ctl, u64 cval, u64 now)
{
	u64 delta;

	if (!(ctl & TIMER_CTL_ENABLE) || (ctl & TIMER_CTL_IMASK))
		return 0;
	if (now >= cval)
		return ktime_get();
	delta = cval - now;
	if (delta > DEADLINE_NEVER_CYCLES)
		return 0;
	/* Rounded up: waking early would only put the vCPU to sleep again. */
	return ktime_add_ns(ktime_get(), mul_u64_u32_div(delta, NSEC_PER_SEC, counter_hz) + 1);
}

static u64 vtimer_now(struct kvm32_vcpu *vcpu, u64 phys)
{
	return phys - vcpu->hyp->cntvoff;
}

static enum hrtimer_restart wake_fn(struct hrtimer *hrt)
{
	struct kvm32_vcpu *vcpu = container_of(hrt, struct kvm32_vcpu, timer.wake);

	vcpu->timer.wake_at = 0;
	kvm32_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

void kvm32_timer_vcpu_init(struct kvm32_vcpu *vcpu)
{
	hrtimer_init(&vcpu->timer.wake, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	vcpu->timer.wake.function = wake_fn;
}

void kvm32_timer_vcpu_reset(struct kvm32_vcpu *vcpu)
{
	struct kvm32_timer *t = &vcpu->timer;

	hrtimer_cancel(&t->wake);
	t->wake_at = 0;
	t->cntp_ctl = 0;
	t->cntp_cval = 0;
	t->vtimer_level = false;
	t->ptimer_level = false;
}

void kvm32_timer_vcpu_destroy(struct kvm32_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->timer.wake);
}

void kvm32_timer_sync(struct kvm32_vcpu *vcpu)
{
	struct kvm32_cpu_ctxt *c = vcpu_ctxt(vcpu);
	struct kvm32_timer *t = &vcpu->timer;
	bool vlevel, plevel;
	u64 now;

	if (!kvm32_vgic_ready(vcpu->vm))
		return;
	/* Neither timer running: nothing can have changed (the common exit). */
	if (!(c->cntv_ctl & TIMER_CTL_ENABLE) && !(t->cntp_ctl & TIMER_CTL_ENABLE) &&
	    !t->vtimer_level && !t->ptimer_level)
		return;
	now = phys_count();
	vlevel = timer_level(c->cntv_ctl, c->cntv_cval, vtimer_now(vcpu, now));
	plevel = timer_level(t->cntp_ctl, t->cntp_cval, now);
	if (vlevel != t->vtimer_level) {
		t->vtimer_level = vlevel;
		kvm32_vgic_set_line(vcpu->vm, vcpu->idx, VGIC_PPI_VTIMER, vlevel);
	}
	if (plevel != t->ptimer_level) {
		t->ptimer_level = plevel;
		kvm32_vgic_set_line(vcpu->vm, vcpu->idx, VGIC_PPI_PTIMER, plevel);
	}
}

static void arm_wake(struct kvm32_timer *t, ktime_t at)
{
	if (at == t->wake_at)
		return;
	t->wake_at = at;
	if (at)
		hrtimer_start(&t->wake, at, HRTIMER_MODE_ABS_HARD);
	else
		hrtimer_try_to_cancel(&t->wake);
}

void kvm32_timer_before_entry(struct kvm32_vcpu *vcpu)
{
	struct kvm32_timer *t = &vcpu->timer;
	bool mask = t->vtimer_level;

	/* The guest has its virtual timer interrupt to take: let it run meanwhile. */
	if (mask != this_cpu_read(vtimer_irq_masked)) {
		if (mask)
			disable_percpu_irq(vtimer_irq);
		else
			enable_percpu_irq(vtimer_irq, IRQ_TYPE_NONE);
		this_cpu_write(vtimer_irq_masked, mask);
	}
	/* Only the emulated physical timer needs the host's help while the guest runs. */
	if ((t->cntp_ctl & TIMER_CTL_ENABLE) && !t->ptimer_level)
		arm_wake(t, timer_deadline(t->cntp_ctl, t->cntp_cval, phys_count()));
	else if (t->wake_at)
		arm_wake(t, 0);
}

static ktime_t earlier(ktime_t a, ktime_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return min(a, b);
}

void kvm32_timer_block_start(struct kvm32_vcpu *vcpu)
{
	struct kvm32_cpu_ctxt *c = vcpu_ctxt(vcpu);
	struct kvm32_timer *t = &vcpu->timer;
	u64 now = phys_count();

	arm_wake(t, earlier(timer_deadline(c->cntv_ctl, c->cntv_cval, vtimer_now(vcpu, now)),
			    timer_deadline(t->cntp_ctl, t->cntp_cval, now)));
}

void kvm32_timer_block_end(struct kvm32_vcpu *vcpu)
{
	arm_wake(&vcpu->timer, 0);
}

u32 kvm32_ptimer_ctl(struct kvm32_vcpu *vcpu)
{
	struct kvm32_timer *t = &vcpu->timer;
	bool met = (t->cntp_ctl & TIMER_CTL_ENABLE) && phys_count() >= t->cntp_cval;

	return t->cntp_ctl | (met ? TIMER_CTL_ISTATUS : 0);
}

void kvm32_ptimer_access(struct kvm32_vcpu *vcpu, enum kvm32_ptimer_reg reg, bool write,
			 u64 *val)
{
	struct kvm32_timer *t = &vcpu->timer;

	switch (reg) {
	case PTIMER_CTL:
		if (!write) {
			*val = kvm32_ptimer_ctl(vcpu);
			return;
		}
		t->cntp_ctl = *val & (TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
		break;
	case PTIMER_TVAL:
		/* TVAL is CVAL - count as a signed 32-bit value (ARM DDI 0406C B8.1.5). */
		if (!write) {
			*val = (u32)(t->cntp_cval - phys_count());
			return;
		}
		t->cntp_cval = phys_count() + (s64)(s32)*val;
		break;
	case PTIMER_CVAL:
		if (!write) {
			*val = t->cntp_cval;
			return;
		}
		t->cntp_cval = *val;
		break;
	}
	kvm32_timer_sync(vcpu);
}
