// SPDX-License-Identifier: GPL-2.0
/*
 * Where the host's GICv2 virtualization interface is. A GICv2 node with the
 * Virtualization Extensions lists four register frames (GICD, GICC, GICH,
 * GICV) and, as its first interrupt, the maintenance interrupt (PPI 9 on
 * QEMU's virt board). GICH_VTR tells how many list registers this GIC has.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>

#include "vgic_hw.h"

#define GICH_REG_INDEX		2
#define GICV_REG_INDEX		3
#define GICH_VTR		0x4
#define GICH_VTR_LISTREGS(vtr)	(((vtr) & 0x3f) + 1)

struct kvm32_vgic_hw kvm32_vgic_hw;

/* GICv2 implementations with the Virtualization Extensions. */
static const struct of_device_id gic_with_virt[] = {
	{ .compatible = "arm,cortex-a15-gic" },
	{ .compatible = "arm,cortex-a7-gic" },
	{ .compatible = "arm,gic-400" },
	{ }
};

void kvm32_vgic_hw_init(void)
{
	struct kvm32_vgic_hw *hw = &kvm32_vgic_hw;
	struct resource gich, gicv;
	struct device_node *np;

	np = of_find_matching_node(NULL, gic_with_virt);
	if (!np)
		goto absent;
	if (of_address_to_resource(np, GICH_REG_INDEX, &gich) ||
	    of_address_to_resource(np, GICV_REG_INDEX, &gicv)) {
		of_node_put(np);
		goto absent;
	}
	hw->maint_irq = irq_of_parse_and_map(np, 0);
	of_node_put(np);
	if (!hw->maint_irq)
		goto absent;

	hw->gich = ioremap(gich.start, resource_size(&gich));
	if (!hw->gich)
		goto absent;
	hw->gich_pa = gich.start;
	hw->gich_size = resource_size(&gich);
	hw->gicv_pa = gicv.start;
	hw->gicv_size = resource_size(&gicv);
	hw->nr_lrs = GICH_VTR_LISTREGS(readl_relaxed(hw->gich + GICH_VTR));
	hw->present = true;
	return;
absent:
	pr_info("no GICv2 virtualization interface in the device tree: no in-kernel irqchip for guests\n");
}

void kvm32_vgic_hw_exit(void)
{
	if (kvm32_vgic_hw.gich)
		iounmap(kvm32_vgic_hw.gich);
	memset(&kvm32_vgic_hw, 0, sizeof(kvm32_vgic_hw));
}

void kvm32_vgic_hw_show(struct seq_file *m)
{
	const struct kvm32_vgic_hw *hw = &kvm32_vgic_hw;

	if (!hw->present) {
		seq_puts(m, "absent\n");
		return;
	}
	seq_printf(m, "present gich=%pa/%pa gicv=%pa/%pa lrs=%u maint_irq=%u\n",
		   &hw->gich_pa, &hw->gich_size, &hw->gicv_pa, &hw->gicv_size,
		   hw->nr_lrs, hw->maint_irq);
}
