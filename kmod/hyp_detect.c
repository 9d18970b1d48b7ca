// SPDX-License-Identifier: GPL-2.0
/*
 * Safe detection of Hyp mode from a module.
 *
 * The kernel records the boot mode in __boot_cpu_mode, which modules cannot
 * see, and no PL1-visible register tells whether the CPU booted in Hyp mode:
 * ID_PFR1 only says the Virtualization Extensions exist. So kvm32 asks the
 * CPU directly with an hvc that the kernel's hyp stub rejects harmlessly.
 * Where Hyp mode is absent that hvc is UNDEFINED, which would oops the
 * kernel. The undefined-instruction handler reports it through
 * arm_notify_die() and then die(); both take the faulting registers as their
 * second argument. A kprobe on each recognises our own probe instructions,
 * steps over them and returns without reporting anything. Both are hooked
 * because the kernel's compiler may inline arm_notify_die() into the handler
 * (Debian's 6.1 build does), and a hook on die() alone would miss a kernel
 * where it is the other way round.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <asm/cputype.h>
#include <asm/ptrace.h>

#include "cpu_id.h"
#include "hyp_detect.h"
#include "hyp_probe.h"

/* From arch/arm/include/asm/virt.h, which only assembly may include. */
#define HVC_STUB_ERR		0xbadca11
/* A function number the stub does not implement: it answers HVC_STUB_ERR. */
#define PROBE_FN		0xffffffff
/* Not an answer any hypervisor gives: set in r0 when the hvc was UNDEFINED. */
#define PROBE_UNDEFINED		0xdeadc0de

static bool probe_selftest;
module_param(probe_selftest, bool, 0444);
MODULE_PARM_DESC(probe_selftest,
		 "Prove at load that an UNDEFINED probe instruction is caught (used by the selftests)");

static bool assume_hyp;
module_param(assume_hyp, bool, 0444);
MODULE_PARM_DESC(assume_hyp,
		 "Skip the safe Hyp-mode probe (only for kernels without kprobes whose CPUs are known to boot in HYP mode)");

static int undef_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	/* arm_notify_die(str, regs, ...), die(str, regs, err): argument 2. */
	struct pt_regs *fault = (struct pt_regs *)regs->ARM_r1;

	unsigned long pc = instruction_pointer(fault);

	if (processor_mode(fault) != SVC_MODE ||
	    (pc != (unsigned long)kvm32_probe_hvc_insn &&
	     pc != (unsigned long)kvm32_probe_udf_insn))
		return 0;

	fault->ARM_r0 = PROBE_UNDEFINED;
	instruction_pointer_set(fault, pc + 4);
	/* Return from the reporting function at once: nothing to report. */
	instruction_pointer_set(regs, regs->ARM_lr);
	return 1;
}

static struct kprobe undef_kprobes[] = {
	{ .symbol_name = "arm_notify_die", .pre_handler = undef_pre_handler },
	{ .symbol_name = "die", .pre_handler = undef_pre_handler },
};

static struct kprobe *undef_kprobe_list[] = {
	&undef_kprobes[0], &undef_kprobes[1],
};

struct cpu_probe {
	struct kvm32_cpu_ids ids;
	u32 hvc_answer;
	bool probe_hvc;
};

static void probe_this_cpu(void *data)
{
	struct cpu_probe *probe = data;

	probe->ids.midr = read_cpuid_id();
	probe->ids.id_pfr1 = read_cpuid_ext(CPUID_EXT_PFR1);
	probe->ids.id_mmfr0 = read_cpuid_ext(CPUID_EXT_MMFR0);
	if (probe->probe_hvc &&
	    kvm32_cpu_check(&probe->ids) == KVM32_CPU_OK)
		probe->hvc_answer = kvm32_probe_hvc(PROBE_FN);
}

static int check_cpu(unsigned int cpu, bool probe_hvc)
{
	struct cpu_probe probe = { .probe_hvc = probe_hvc,
				   .hvc_answer = HVC_STUB_ERR };
	enum kvm32_cpu_verdict verdict;
	int ret;

	ret = smp_call_function_single(cpu, probe_this_cpu, &probe, 1);
	if (ret) {
		pr_err("cannot run on CPU%u (%d)\n", cpu, ret);
		return -ENODEV;
	}

	verdict = kvm32_cpu_check(&probe.ids);
	if (verdict != KVM32_CPU_OK) {
		pr_err("CPU%u (MIDR %08x) unsupported: %s\n", cpu,
		       probe.ids.midr, kvm32_cpu_verdict_str(verdict));
		return -ENODEV;
	}
	if (probe.hvc_answer == PROBE_UNDEFINED) {
		pr_err("CPU%u did not boot in HYP mode (hvc is undefined): %s\n",
		       cpu, KVM32_BOOT_ADVICE);
		return -ENODEV;
	}
	if (probe.hvc_answer != HVC_STUB_ERR) {
		pr_err("CPU%u: HYP mode is owned by another hypervisor (hvc answered %#x, not the kernel's hyp stub); kvm32 runs only on a kernel booted in HYP mode on bare hardware\n",
		       cpu, probe.hvc_answer);
		return -ENODEV;
	}
	return 0;
}

int kvm32_hyp_detect(void)
{
	bool probe_hvc = !assume_hyp;
	unsigned int cpu;
	int ret = 0;

	if (probe_hvc) {
		ret = register_kprobes(undef_kprobe_list,
				       ARRAY_SIZE(undef_kprobe_list));
		if (ret) {
			pr_err("cannot probe for HYP mode safely without kprobes (%d); if the CPUs boot in HYP mode, load with assume_hyp=1\n",
			       ret);
			return -ENODEV;
		}
	}

	if (probe_hvc && probe_selftest) {
		u32 answer = kvm32_probe_udf();

		pr_info("probe selftest: an undefined instruction was %s\n",
			answer == PROBE_UNDEFINED ? "caught" : "NOT caught");
		if (answer != PROBE_UNDEFINED)
			ret = -ENODEV;
	}

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (ret)
			break;
		ret = check_cpu(cpu, probe_hvc);
	}
	cpus_read_unlock();

	if (probe_hvc)
		unregister_kprobes(undef_kprobe_list,
				   ARRAY_SIZE(undef_kprobe_list));
	return ret;
}
