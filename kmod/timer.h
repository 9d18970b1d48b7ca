/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's architected timers.
 *
 * Virtual timer: the hardware's, with CNTV_CTL/CVAL switched by Hyp and the
 * VM's CNTVOFF. While the guest runs, its expiry raises the host's virtual
 * timer PPI, which makes the guest exit; the run loop then sees the timer's
 * condition met and raises the guest's PPI 27 (level-sensitive) in the
 * vGIC. While that line is high, the host's PPI is masked at the host GIC
 * so the guest can run to handle it; the line drops (and the PPI unmasks)
 * at the first exit after the guest stops the condition, at the latest the
 * EOI maintenance exit of its interrupt.
 *
 * Physical timer: emulated. CNTHCTL traps every CNTP_* access (the guest
 * still reads CNTPCT directly); its CTL and CVAL live here, its PPI 30
 * follows its condition, and a host hrtimer kicks the vCPU at the deadline.
 *
 * A vCPU blocked in WFI is woken by the same hrtimer at the earlier of the
 * two deadlines.
 */
#ifndef KVM32_TIMER_H
#define KVM32_TIMER_H

#include <linux/hrtimer.h>
#include <linux/types.h>

struct kvm32_vcpu;

struct kvm32_timer {
	u32 cntp_ctl;		/* ENABLE and IMASK as the guest wrote them */
	u64 cntp_cval;
	bool vtimer_level;	/* the lines as last given to the vGIC */
	bool ptimer_level;
	struct hrtimer wake;
	ktime_t wake_at;	/* when @wake is armed for, or 0 */
};

/* Host side: at module load / unload, and on each CPU as Hyp is taken and given back. */
int kvm32_timer_init(void);
void kvm32_timer_exit(void);
void kvm32_timer_cpu_up(void);
void kvm32_timer_cpu_down(void);

void kvm32_timer_vcpu_init(struct kvm32_vcpu *vcpu);
void kvm32_timer_vcpu_reset(struct kvm32_vcpu *vcpu);
void kvm32_timer_vcpu_destroy(struct kvm32_vcpu *vcpu);

/* After the guest exits, and whenever a timer register changed: updates the lines. */
void kvm32_timer_sync(struct kvm32_vcpu *vcpu);
/* With interrupts off, right before entering the guest. */
void kvm32_timer_before_entry(struct kvm32_vcpu *vcpu);
/* Around a WFI's sleep: arm the wake-up for the earlier deadline, then disarm. */
void kvm32_timer_block_start(struct kvm32_vcpu *vcpu);
void kvm32_timer_block_end(struct kvm32_vcpu *vcpu);

/* Trapped CNTP_CTL, CNTP_TVAL (32-bit) and CNTP_CVAL (64-bit) accesses. */
enum kvm32_ptimer_reg { PTIMER_CTL, PTIMER_TVAL, PTIMER_CVAL };
void kvm32_ptimer_access(struct kvm32_vcpu *vcpu, enum kvm32_ptimer_reg reg, bool write,
			 u64 *val);

/* CNTP_CTL as the guest reads it (with ISTATUS), for ONE_REG. */
u32 kvm32_ptimer_ctl(struct kvm32_vcpu *vcpu);

#endif /* KVM32_TIMER_H */
