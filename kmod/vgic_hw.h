/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_VGIC_HW_H
#define KVM32_VGIC_HW_H

#include <linux/seq_file.h>
#include <linux/types.h>

/*
 * The host GIC's virtualization interface, as the host device tree
 * describes it: the control interface (GICH) that the world switch will
 * program, the virtual CPU interface (GICV) that guests will see as their
 * GICC, the maintenance interrupt and the number of list registers.
 */
struct kvm32_vgic_hw {
	bool present;
	phys_addr_t gich_pa;
	resource_size_t gich_size;
	phys_addr_t gicv_pa;
	resource_size_t gicv_size;
	unsigned int maint_irq;		/* a Linux IRQ number */
	unsigned int nr_lrs;
	void __iomem *gich;
};

extern struct kvm32_vgic_hw kvm32_vgic_hw;

/*
 * Finds the interface and maps GICH into Hyp mode: after kvm32_hyp_mmu_init(),
 * before Hyp runs on any CPU. Its absence is not an error (a vGIC cannot be
 * created then, which the dmesg line and debugfs kvm32/vgic say).
 */
void kvm32_vgic_hw_init(void);
void kvm32_vgic_hw_exit(void);
/*
 * On each CPU as Hyp mode is taken (CPU hotplug STARTING) and given back:
 * empties the list registers and takes the maintenance interrupt.
 */
void kvm32_vgic_hw_cpu_up(void);
void kvm32_vgic_hw_cpu_down(void);
/* For debugfs: "present gich=... gicv=... lrs=N maint_irq=N", or "absent". */
void kvm32_vgic_hw_show(struct seq_file *m);

#endif /* KVM32_VGIC_HW_H */
