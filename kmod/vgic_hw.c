// SPDX-License-Identifier: GPL-2.0
/*
 * Where the host's GICv2 virtualization interface is. A GICv2 node with the
 * Virtualization Extensions lists four register frames (GICD, GICC, GICH,
 * GICV) and, as its first interrupt, the maintenance interrupt (PPI 9 on
 * QEMU's virt board). GICH_VTR tells how many list registers this GIC has.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>

#include "hyp_abi.h"
#include "hyp_mmu.h"
#include "vgic_hw.h"

#define GICH_REG_INDEX		2
#define GICV_REG_INDEX		3
#define GICH_VTR		0x4
#define GICH_VTR_LISTREGS(vtr)	(((vtr) & 0x3f) + 1)

struct kvm32_vgic_hw kvm32_vgic_hw;
static DEFINE_PER_CPU(u8, maint_irq_cookie);

/*
 * A maintenance interrupt (underflow, or EOI of a level-triggered interrupt)
 * exists only to make the running guest exit: by the time the host takes it,
 * Hyp has cleared GICH_HCR and the run loop reads the list registers back.
 */
static irqreturn_t maint_irq_handler(int irq, void *cookie)
{
	return IRQ_HANDLED;
}

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
	hw->nr_lrs = min_t(unsigned int, GICH_VTR_LISTREGS(readl_relaxed(hw->gich + GICH_VTR)),
			   VGIC_MAX_LRS);
	if (kvm32_hyp_map_io_early(hw->gich, hw->gich_pa, hw->gich_size))
		goto unmap;
	if (request_percpu_irq(hw->maint_irq, maint_irq_handler, "kvm32 vGIC maintenance",
			       &maint_irq_cookie)) {
		pr_err("cannot take the vGIC maintenance interrupt %u\n", hw->maint_irq);
		goto unmap;
	}
	hw->present = true;
	return;
unmap:
	iounmap(hw->gich);
	hw->gich = NULL;
absent:
	pr_info("no GICv2 virtualization interface in the device tree: no in-kernel irqchip for guests\n");
}

void kvm32_vgic_hw_cpu_up(void)
{
	struct kvm32_vgic_hw *hw = &kvm32_vgic_hw;
	unsigned int i;

	if (!hw->present)
		return;
	/* Firmware or an earlier user may have left list registers behind. */
	writel_relaxed(0, hw->gich + GICH_HCR);
	for (i = 0; i < hw->nr_lrs; i++)
		writel_relaxed(0, hw->gich + GICH_LR0 + 4 * i);
	enable_percpu_irq(hw->maint_irq, IRQ_TYPE_NONE);
}

void kvm32_vgic_hw_cpu_down(void)
{
	if (kvm32_vgic_hw.present)
		disable_percpu_irq(kvm32_vgic_hw.maint_irq);
}

void kvm32_vgic_hw_exit(void)
{
	if (kvm32_vgic_hw.present)
		free_percpu_irq(kvm32_vgic_hw.maint_irq, &maint_irq_cookie);
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
