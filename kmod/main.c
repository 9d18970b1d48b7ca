// SPDX-License-Identifier: GPL-2.0
/*
 * kvm32: KVM-style virtual machines for 32-bit ARM, as a loadable module.
 *
 * Loading takes Hyp mode over on every CPU (hyp_detect.c checks it is there
 * to take, hyp_mmu.c builds Hyp's address space, hyp_setup.c installs it per
 * CPU) and then opens /dev/kvm. Unloading undoes it all in reverse, leaving
 * the kernel's hyp stub in charge as before. The module cannot be unloaded
 * while /dev/kvm or anything created through it is open.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "debugfs.h"
#include "hyp_detect.h"
#include "hyp_mmu.h"
#include "hyp_setup.h"
#include "kvm_dev.h"
#include "timer.h"
#include "vgic_hw.h"

#define KVM32_VERSION "0.1"

static int __init kvm32_init(void)
{
	int ret;

	ret = kvm32_hyp_detect();
	if (ret)
		return ret;
	ret = kvm32_hyp_mmu_init();
	if (ret)
		return ret;
	/* Both set up what each CPU takes as Hyp mode comes up on it. */
	kvm32_vgic_hw_init();
	ret = kvm32_timer_init();
	if (ret)
		goto err_vgic;
	ret = kvm32_hyp_cpus_init();
	if (ret)
		goto err_timer;
	ret = kvm32_dev_init();
	if (ret)
		goto err_cpus;
	kvm32_debugfs_init();

	pr_info("kvm32 %s: Hyp mode on %u CPUs, %lu KiB of Hyp memory\n",
		KVM32_VERSION, num_online_cpus(), kvm32_hyp_mem_bytes() / 1024);
	return 0;

err_cpus:
	kvm32_hyp_cpus_exit();
err_timer:
	kvm32_timer_exit();
err_vgic:
	kvm32_vgic_hw_exit();
	kvm32_hyp_mmu_exit();
	return ret;
}

static void __exit kvm32_exit(void)
{
	kvm32_debugfs_exit();
	kvm32_dev_exit();
	kvm32_hyp_cpus_exit();
	kvm32_timer_exit();
	kvm32_vgic_hw_exit();
	kvm32_hyp_mmu_exit();
	/* irqfds are freed after an RCU grace period, by code in this module. */
	rcu_barrier();
	pr_info("unloaded: Hyp mode handed back to the kernel\n");
}

module_init(kvm32_init);
module_exit(kvm32_exit);

MODULE_DESCRIPTION("KVM-style hypervisor for 32-bit ARM (ARMv7-A Virtualization Extensions)");
MODULE_LICENSE("GPL");
MODULE_VERSION(KVM32_VERSION);
