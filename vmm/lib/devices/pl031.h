/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ARM PL031 real-time clock (PrimeCell RTC, ARM DDI 0224): a 32-bit
 * seconds counter, a match register and its interrupt, as Linux's rtc-pl031
 * driver uses them.
 *
 * The counter is the clock's time (host time(NULL) unless the creator gives
 * its own) plus an offset that a write to LR sets, so DR counts on from the
 * loaded value. The RTC is always running: CR reads 1 and cannot stop it.
 *
 * The match interrupt (RIS bit 0) is raised when the counter reaches MR:
 * equals it when MR or LR is written, or passes it between two looks. A
 * look happens at every register access and at each pl031_tick(); there is
 * no timer of its own, so the VMM calls pl031_tick() periodically (say once
 * a second) for an alarm to fire while the guest is not touching the RTC.
 * ICR clears RIS; the output line is RIS & IMSC.
 *
 * Threads: every entry point takes the RTC's own lock.
 */
#ifndef VMM_DEVICES_PL031_H
#define VMM_DEVICES_PL031_H

#include <stdint.h>

#include "irq.h"
#include "mmio_bus.h"

struct pl031;

/* Seconds, as the counter should see them before LR offsets them. */
typedef uint32_t (*pl031_clock_fn)(void *opaque);

/*
 * An RTC reading now(opaque) (NULL: host time(NULL)) and driving irq
 * (NULL: none). Returns NULL with errno set on failure.
 */
struct pl031 *pl031_create(struct irq_line *irq, pl031_clock_fn now, void *opaque);
void pl031_destroy(struct pl031 *rtc);

/* Decodes the RTC's 4 KiB window at base. Returns mmio_bus_add()'s result. */
int pl031_attach(struct pl031 *rtc, struct mmio_bus *bus, uint64_t base);

/* Looks at the counter now: raises the match interrupt if it reached MR. */
void pl031_tick(struct pl031 *rtc);

#endif /* VMM_DEVICES_PL031_H */
