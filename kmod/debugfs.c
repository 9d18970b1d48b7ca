// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/kvm32/ — diagnostics for people and tests:
 *   hyp_ping  reading it pings Hyp mode on every online CPU: "cpuN ok" or
 *             "cpuN error E" per line
 *   hyp_mem   the memory Hyp mode uses, in bytes
 *   hyp_selftest  reading it checks Hyp's address space on every online
 *             CPU (hyp_selftest.c)
 *   stage2_blocks  how many 2 MiB blocks stage 2 has mapped since load
 *   vgic      the host GIC's virtualization interface (vgic_hw.c)
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "debugfs.h"
#include "hyp_mmu.h"
#include "hyp_selftest.h"
#include "hyp_setup.h"
#include "stage2.h"
#include "vgic_hw.h"

static struct dentry *kvm32_debugfs_dir;

static int hyp_ping_show(struct seq_file *m, void *unused)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		int ret = kvm32_hyp_ping_cpu(cpu);

		if (ret)
			seq_printf(m, "cpu%u error %d\n", cpu, ret);
		else
			seq_printf(m, "cpu%u ok\n", cpu);
	}
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hyp_ping);

static int hyp_mem_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%lu\n", kvm32_hyp_mem_bytes());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hyp_mem);

static int hyp_selftest_show(struct seq_file *m, void *unused)
{
	kvm32_hyp_selftest(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hyp_selftest);

static int stage2_blocks_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%ld\n", atomic_long_read(&kvm32_stage2_block_maps));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stage2_blocks);

static int vgic_show(struct seq_file *m, void *unused)
{
	kvm32_vgic_hw_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vgic);

void kvm32_debugfs_init(void)
{
	kvm32_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("hyp_ping", 0400, kvm32_debugfs_dir, NULL, &hyp_ping_fops);
	debugfs_create_file("hyp_mem", 0400, kvm32_debugfs_dir, NULL, &hyp_mem_fops);
	debugfs_create_file("hyp_selftest", 0400, kvm32_debugfs_dir, NULL,
			    &hyp_selftest_fops);
	debugfs_create_file("stage2_blocks", 0400, kvm32_debugfs_dir, NULL,
			    &stage2_blocks_fops);
	debugfs_create_file("vgic", 0400, kvm32_debugfs_dir, NULL, &vgic_fops);
}

void kvm32_debugfs_exit(void)
{
	debugfs_remove(kvm32_debugfs_dir);
}
