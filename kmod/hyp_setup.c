// SPDX-License-Identifier: GPL-2.0
/*
 * Taking Hyp mode over on each CPU, and giving it back.
 *
 * Each CPU enters kvm32_hyp_init through the kernel's own hyp stub
 * (HVC_SOFT_RESTART), which leaves the stub's state for kvm32 to restore on
 * the way out. A CPU-hotplug state in the STARTING section does this on a
 * CPU coming online before it runs any task, and undoes it on a CPU going
 * down after it stopped running tasks. Power management that loses a CPU's
 * state (CPU_PM) is treated the same way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpu_pm.h>
#include <linux/cpuhotplug.h>
#include <linux/percpu.h>
#include <linux/smp.h>

#include <asm/cputype.h>

#include "cpu_id.h"
#include "hyp_call.h"
#include "hyp_mmu.h"
#include "hyp_setup.h"
#include "timer.h"
#include "vgic_hw.h"

/* Whether kvm32 owns Hyp mode on this CPU. */
static DEFINE_PER_CPU(bool, hyp_owned);

static int hyp_state = -1;	/* the CPU-hotplug state in use */

static void report_panic(unsigned int cpu)
{
	struct kvm32_hyp_cpu *data = kvm32_hyp_cpu_data(cpu);

	pr_emerg("CPU%u: Hyp mode took an unexpected exception: vector %#x HSR %#x at %#x (HDFAR %#x)\n",
		 cpu, data->panic_vector, data->panic_hsr, data->panic_elr,
		 data->panic_hdfar);
}

/* Runs on the CPU itself, with interrupts off. */
static int hyp_ping_this_cpu(void)
{
	unsigned int cpu = smp_processor_id();
	u32 token = 0x1000 + cpu;
	u32 reply = kvm32_hyp_call(HYP_CALL_PING, token, 0, 0);

	if (reply == HYP_PING_REPLY(token))
		return 0;
	if (reply == HYP_ERR_PANIC)
		report_panic(cpu);
	else
		pr_err("CPU%u: Hyp mode answered %#x to a ping\n", cpu, reply);
	return -EIO;
}

static int hyp_take_this_cpu(void)
{
	unsigned int cpu = smp_processor_id();
	struct kvm32_hyp_cpu *data = kvm32_hyp_cpu_data(cpu);
	u64 httbr = kvm32_hyp_httbr();
	struct kvm32_hyp_install_args args = {
		.init_pa = kvm32_hyp_idmap_addr(kvm32_hyp_init),
		.httbr_lo = lower_32_bits(httbr),
		.httbr_hi = upper_32_bits(httbr),
		.stack_top = (unsigned long)data + HYP_CPU_PAGE_SIZE,
		.vectors = (unsigned long)kvm32_hyp_vectors,
		.cpu_data = (unsigned long)data,
		.init_continue = (unsigned long)kvm32_hyp_init_continue,
	};
	u32 ret;

	if (this_cpu_read(hyp_owned))
		return 0;
	data->idmap_reset = kvm32_hyp_idmap_addr(kvm32_hyp_reset);
	data->harden_bp = kvm32_cpu_needs_bp_hardening(read_cpuid_id());
	ret = kvm32_hyp_install(&args);
	if (ret) {
		pr_err("CPU%u: the kernel's hyp stub refused to hand Hyp mode over (%#x)\n",
		       cpu, ret);
		return -ENODEV;
	}
	this_cpu_write(hyp_owned, true);
	return hyp_ping_this_cpu();
}

static void hyp_release_this_cpu(void)
{
	if (!this_cpu_read(hyp_owned))
		return;
	kvm32_hyp_call(HYP_CALL_RESET, 0, 0, 0);
	this_cpu_write(hyp_owned, false);
}

static int hyp_cpu_starting(unsigned int cpu)
{
	int ret = hyp_take_this_cpu();

	/* A failed start is rolled back by teardown on the CPUs that started. */
	if (ret) {
		hyp_release_this_cpu();
		return ret;
	}
	/* The interrupts that make a running guest exit for the vGIC and its timer. */
	kvm32_vgic_hw_cpu_up();
	kvm32_timer_cpu_up();
	return 0;
}

static int hyp_cpu_dying(unsigned int cpu)
{
	if (this_cpu_read(hyp_owned)) {
		kvm32_timer_cpu_down();
		kvm32_vgic_hw_cpu_down();
	}
	hyp_release_this_cpu();
	return 0;
}

/*
 * A CPU entering a low-power state may lose its Hyp state: hand Hyp back to
 * the stub first (which the kernel's resume path expects to find) and take
 * it again on the way out.
 */
static int hyp_cpu_pm_notify(struct notifier_block *nb, unsigned long cmd, void *v)
{
	switch (cmd) {
	case CPU_PM_ENTER:
		hyp_release_this_cpu();
		return NOTIFY_OK;
	case CPU_PM_ENTER_FAILED:
	case CPU_PM_EXIT:
		if (hyp_take_this_cpu())
			pr_err("CPU%d: Hyp mode lost after a low-power state\n",
			       smp_processor_id());
		return NOTIFY_OK;
	default:
		return NOTIFY_DONE;
	}
}

static struct notifier_block hyp_cpu_pm_nb = {
	.notifier_call = hyp_cpu_pm_notify,
};

int kvm32_hyp_cpus_init(void)
{
	int ret;

	/*
	 * The slot the kernel reserves for KVM's own per-CPU enable, unused on
	 * 32-bit ARM since KVM left it: if it is taken, another hypervisor is.
	 */
	ret = cpuhp_setup_state(CPUHP_AP_KVM_STARTING, "kvm32/hyp:starting",
				hyp_cpu_starting, hyp_cpu_dying);
	if (ret == -EBUSY)
		pr_err("another hypervisor holds the kernel's KVM hotplug slot\n");
	if (ret)
		return ret;
	hyp_state = CPUHP_AP_KVM_STARTING;

	ret = cpu_pm_register_notifier(&hyp_cpu_pm_nb);
	if (ret) {
		cpuhp_remove_state(hyp_state);
		hyp_state = -1;
	}
	return ret;
}

void kvm32_hyp_cpus_exit(void)
{
	if (hyp_state < 0)
		return;
	cpu_pm_unregister_notifier(&hyp_cpu_pm_nb);
	cpuhp_remove_state(hyp_state);
	hyp_state = -1;
}

static void hyp_ping_fn(void *ret)
{
	*(int *)ret = this_cpu_read(hyp_owned) ? hyp_ping_this_cpu() : -ENODEV;
}

int kvm32_hyp_ping_cpu(unsigned int cpu)
{
	int ret = -ENODEV;
	int err = smp_call_function_single(cpu, hyp_ping_fn, &ret, 1);

	return err ? err : ret;
}
