/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic timer (ARM DDI 0406C.d B8) as guest selftests use it: the
 * counters and the two PL1 timers through their CP15 registers.
 *
 *   CNTFRQ     c14, c0, 0 (opc1 0)   the counter's frequency
 *   CNTPCT     mrrc opc1 0, c14      the physical count
 *   CNTVCT     mrrc opc1 1, c14      the virtual count: physical - CNTVOFF
 *   CNTP_TVAL  c14, c2, 0            the physical timer (PPI 30 for a KVM
 *   CNTP_CTL   c14, c2, 1            guest): kvm32 traps and emulates it
 *   CNTP_CVAL  mcrr opc1 2, c14
 *   CNTV_TVAL  c14, c3, 0            the virtual timer (PPI 27): the
 *   CNTV_CTL   c14, c3, 1            hardware's, switched by Hyp
 *   CNTV_CVAL  mcrr opc1 3, c14
 *
 * A timer's condition is met when its counter >= CVAL; TVAL reads CVAL -
 * counter as a signed 32-bit value and a write sets CVAL = counter + the
 * value sign-extended. CTL: ENABLE, IMASK (the output is masked, ISTATUS
 * still shows the condition) and ISTATUS (read-only).
 *
 * The guest functions are GUEST_CODE (guest.h), static and marked unused so
 * that a test that needs only some of them builds without warnings (they
 * cannot be inline: GUEST_CODE is noinline). Host code can read its own
 * counter with host_counter(): Linux lets user space read CNTVCT, and its
 * CNTVOFF is zero, so that is the physical count, the one the guest's
 * CNTPCT reads.
 */
#ifndef KVM32_SELFTEST_TIMER_H
#define KVM32_SELFTEST_TIMER_H

#include <stdint.h>

#include "guest.h"

#define TIMER_CTL_ENABLE	(1u << 0)
#define TIMER_CTL_IMASK		(1u << 1)
#define TIMER_CTL_ISTATUS	(1u << 2)

/* The timers' PPIs as KVM wires them for a guest. */
#define PPI_VTIMER		27
#define PPI_PTIMER		30

#define __TIMER_GUEST	GUEST_CODE __attribute__((unused))

enum guest_timer {
	TIMER_VIRT,
	TIMER_PHYS,
};

static __TIMER_GUEST uint32_t timer_cntfrq(void)
{
	uint32_t v;

	asm volatile("mrc p15, 0, %0, c14, c0, 0" : "=r" (v));
	return v;
}

/* The ISBs keep a counter read from being done early, out of program order. */
static __TIMER_GUEST uint64_t timer_cntvct(void)
{
	uint64_t v;

	asm volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r" (v) : : "memory");
	return v;
}

static __TIMER_GUEST uint64_t timer_cntpct(void)
{
	uint64_t v;

	asm volatile("isb\n\tmrrc p15, 0, %Q0, %R0, c14" : "=r" (v) : : "memory");
	return v;
}

/* The count timer @t compares its CVAL with. */
static __TIMER_GUEST uint64_t timer_count(enum guest_timer t)
{
	return t == TIMER_VIRT ? timer_cntvct() : timer_cntpct();
}

static __TIMER_GUEST uint32_t timer_get_ctl(enum guest_timer t)
{
	uint32_t v;

	if (t == TIMER_VIRT)
		asm volatile("isb\n\tmrc p15, 0, %0, c14, c3, 1" : "=r" (v) : : "memory");
	else
		asm volatile("isb\n\tmrc p15, 0, %0, c14, c2, 1" : "=r" (v) : : "memory");
	return v;
}

static __TIMER_GUEST void timer_set_ctl(enum guest_timer t, uint32_t v)
{
	if (t == TIMER_VIRT)
		asm volatile("mcr p15, 0, %0, c14, c3, 1\n\tisb" : : "r" (v) : "memory");
	else
		asm volatile("mcr p15, 0, %0, c14, c2, 1\n\tisb" : : "r" (v) : "memory");
}

static __TIMER_GUEST uint64_t timer_get_cval(enum guest_timer t)
{
	uint64_t v;

	if (t == TIMER_VIRT)
		asm volatile("isb\n\tmrrc p15, 3, %Q0, %R0, c14" : "=r" (v) : : "memory");
	else
		asm volatile("isb\n\tmrrc p15, 2, %Q0, %R0, c14" : "=r" (v) : : "memory");
	return v;
}

static __TIMER_GUEST void timer_set_cval(enum guest_timer t, uint64_t v)
{
	if (t == TIMER_VIRT)
		asm volatile("mcrr p15, 3, %Q0, %R0, c14\n\tisb" : : "r" (v) : "memory");
	else
		asm volatile("mcrr p15, 2, %Q0, %R0, c14\n\tisb" : : "r" (v) : "memory");
}

static __TIMER_GUEST int32_t timer_get_tval(enum guest_timer t)
{
	int32_t v;

	if (t == TIMER_VIRT)
		asm volatile("isb\n\tmrc p15, 0, %0, c14, c3, 0" : "=r" (v) : : "memory");
	else
		asm volatile("isb\n\tmrc p15, 0, %0, c14, c2, 0" : "=r" (v) : : "memory");
	return v;
}

static __TIMER_GUEST void timer_set_tval(enum guest_timer t, int32_t v)
{
	if (t == TIMER_VIRT)
		asm volatile("mcr p15, 0, %0, c14, c3, 0\n\tisb" : : "r" (v) : "memory");
	else
		asm volatile("mcr p15, 0, %0, c14, c2, 0\n\tisb" : : "r" (v) : "memory");
}

/* The host's own count (host code, not guest code): see above. */
static inline uint64_t host_counter(void)
{
	uint64_t v;

	asm volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14" : "=r" (v) : : "memory");
	return v;
}

/* The counter's frequency as the host reads it (CNTFRQ is readable at PL0). */
static inline uint32_t timer_host_freq(void)
{
	uint32_t v;

	asm volatile("mrc p15, 0, %0, c14, c0, 0" : "=r" (v));
	return v;
}

#endif /* KVM32_SELFTEST_TIMER_H */
