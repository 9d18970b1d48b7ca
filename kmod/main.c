// SPDX-License-Identifier: GPL-2.0
/*
 * kvm32: KVM-style virtual machines for 32-bit ARM, as a loadable module.
 *
 * Module entry and exit: checks that Hyp mode is there for the taking.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/module.h>

#include "hyp_detect.h"

#define KVM32_VERSION "0.1"

static int __init kvm32_init(void)
{
	int ret;

	ret = kvm32_hyp_detect();
	if (ret)
		return ret;

	pr_info("kvm32 %s: HYP mode available on %u CPUs\n", KVM32_VERSION,
		num_online_cpus());
	return 0;
}

static void __exit kvm32_exit(void)
{
	pr_info("unloaded\n");
}

module_init(kvm32_init);
module_exit(kvm32_exit);

MODULE_DESCRIPTION("KVM-style hypervisor for 32-bit ARM (ARMv7-A Virtualization Extensions)");
MODULE_LICENSE("GPL");
MODULE_VERSION(KVM32_VERSION);
