// SPDX-License-Identifier: GPL-2.0
/*
 * The guest device tree, written front to back with libfdt's sequential-write
 * API. Node names, properties and values follow what QEMU's `virt` machine
 * writes for a 32-bit GICv2 guest under KVM (hw/arm/virt.c), checked against
 * the Linux bindings named next to each node, so the guest kernel's view of
 * our board is the one it already knows.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include <libfdt.h>

#include "board.h"
#include "devtree.h"

#define PHANDLE_GIC		1
#define PHANDLE_APB_PCLK	2

#define APB_PCLK_HZ		24000000	/* QEMU's "clk24mhz" */

/* Interrupt specifier cells (bindings/interrupt-controller/arm,gic.yaml). */
#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_EDGE_RISING		1
#define IRQ_LEVEL_HIGH		4
#define GIC_PPI_CPU_MASK_SHIFT	8	/* bits [15:8]: the CPUs a PPI is wired to */

/* PSCI function numbers: the standard 32-bit ones, and KVM's PSCI 0.1 ones. */
#define PSCI_0_2_FN_CPU_SUSPEND	0x84000001u
#define PSCI_0_2_FN_CPU_OFF	0x84000002u
#define PSCI_0_2_FN_CPU_ON	0x84000003u
#define PSCI_0_2_FN_MIGRATE	0x84000005u
#define KVM_PSCI_0_1_FN_BASE	0x95c1ba5eu	/* CPU_SUSPEND, CPU_OFF, CPU_ON, MIGRATE */

#define NODE_NAME_MAX		40

/*
 * A tree being written. The first libfdt error sticks and turns every later
 * call into a no-op, so the builders read as plain lists of properties.
 */
struct dt_writer {
	void *fdt;
	int err;
};

static void begin_node(struct dt_writer *w, const char *name)
{
	if (!w->err)
		w->err = fdt_begin_node(w->fdt, name);
}

static void end_node(struct dt_writer *w)
{
	if (!w->err)
		w->err = fdt_end_node(w->fdt);
}

static void prop(struct dt_writer *w, const char *name, const void *val, int len)
{
	if (!w->err)
		w->err = fdt_property(w->fdt, name, val, len);
}

static void prop_empty(struct dt_writer *w, const char *name)
{
	prop(w, name, NULL, 0);
}

static void prop_string(struct dt_writer *w, const char *name, const char *str)
{
	if (!w->err)
		w->err = fdt_property_string(w->fdt, name, str);
}

/* A string list: pass it as one literal with embedded NULs, e.g. "a\0b". */
#define prop_strings(w, name, list) prop(w, name, list, sizeof(list))

static void prop_u32(struct dt_writer *w, const char *name, uint32_t val)
{
	if (!w->err)
		w->err = fdt_property_u32(w->fdt, name, val);
}

static void prop_u64(struct dt_writer *w, const char *name, uint64_t val)
{
	if (!w->err)
		w->err = fdt_property_u64(w->fdt, name, val);
}

/* A property of @n 32-bit cells, given as unsigned ints. */
static void prop_cells(struct dt_writer *w, const char *name, unsigned int n, ...)
{
	fdt32_t cells[16];
	unsigned int i;
	va_list ap;

	va_start(ap, n);
	for (i = 0; i < n && i < sizeof(cells) / sizeof(cells[0]); i++)
		cells[i] = cpu_to_fdt32(va_arg(ap, unsigned int));
	va_end(ap);
	prop(w, name, cells, (int)(i * sizeof(cells[0])));
}

/* One reg entry in the root's 2-cell address, 2-cell size format. */
static void prop_reg(struct dt_writer *w, uint64_t base, uint64_t size)
{
	prop_cells(w, "reg", 4, (unsigned int)(base >> 32), (unsigned int)base,
		   (unsigned int)(size >> 32), (unsigned int)size);
}

static void prop_interrupt(struct dt_writer *w, unsigned int type, unsigned int nr,
			   unsigned int flags)
{
	prop_cells(w, "interrupts", 3, type, nr, flags);
}

/* The MPIDR affinity kvm32 gives vCPU @n: four per cluster (kmod/vcpu.c). */
static uint32_t vcpu_mpidr_affinity(unsigned int n)
{
	return (n >> 2) << 8 | (n & 3);
}

static void uart_path(char *buf)
{
	snprintf(buf, NODE_NAME_MAX, "/pl011@%x", BOARD_UART_BASE);
}

static void add_chosen(struct dt_writer *w, const struct devtree_config *cfg)
{
	char path[NODE_NAME_MAX];

	begin_node(w, "chosen");
	if (cfg->bootargs)
		prop_string(w, "bootargs", cfg->bootargs);
	if (cfg->initrd_size) {
		/* Linux reads these as #address-cells-sized numbers of either width. */
		prop_u64(w, "linux,initrd-start", cfg->initrd_start);
		prop_u64(w, "linux,initrd-end", cfg->initrd_start + cfg->initrd_size);
	}
	if (cfg->stdout_uart) {
		uart_path(path);
		prop_string(w, "stdout-path", path);
	}
	end_node(w);
}

static void add_aliases(struct dt_writer *w, const struct devtree_config *cfg)
{
	char path[NODE_NAME_MAX];

	if (!cfg->uart)
		return;
	uart_path(path);
	begin_node(w, "aliases");
	prop_string(w, "serial0", path);
	end_node(w);
}

static void add_memory(struct dt_writer *w, const struct devtree_config *cfg)
{
	char name[NODE_NAME_MAX];

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)cfg->ram_base);
	begin_node(w, name);
	prop_string(w, "device_type", "memory");
	prop_reg(w, cfg->ram_base, cfg->ram_size);
	end_node(w);
}

/*
 * bindings/arm/cpus.yaml: a 32-bit MPIDR fits one address cell, reg is the
 * affinity fields, and the unit address repeats reg.
 */
static void add_cpus(struct dt_writer *w, const struct devtree_config *cfg)
{
	char name[NODE_NAME_MAX];
	unsigned int n;

	begin_node(w, "cpus");
	prop_u32(w, "#address-cells", 1);
	prop_u32(w, "#size-cells", 0);
	for (n = 0; n < cfg->nr_cpus; n++) {
		snprintf(name, sizeof(name), "cpu@%x", vcpu_mpidr_affinity(n));
		begin_node(w, name);
		prop_string(w, "device_type", "cpu");
		prop_string(w, "compatible", "arm,cortex-a15");
		/* Secondaries start with PSCI CPU_ON; harmless with one CPU. */
		prop_string(w, "enable-method", "psci");
		prop_u32(w, "reg", vcpu_mpidr_affinity(n));
		end_node(w);
	}
	end_node(w);
}

/*
 * bindings/arm/psci.yaml. The function-number properties matter only to a
 * guest that binds with the "arm,psci" (0.1) fallback, and must be numbers
 * the vCPUs answer: kvm32, like KVM, answers the standard ones to a vCPU
 * created with KVM_ARM_VCPU_PSCI_0_2 and KVM's own 0.1 ones otherwise.
 */
static void add_psci(struct dt_writer *w, const struct devtree_config *cfg)
{
	begin_node(w, "psci");
	if (cfg->psci_0_1) {
		prop_string(w, "compatible", "arm,psci");
		prop_u32(w, "cpu_suspend", KVM_PSCI_0_1_FN_BASE + 0);
		prop_u32(w, "cpu_off", KVM_PSCI_0_1_FN_BASE + 1);
		prop_u32(w, "cpu_on", KVM_PSCI_0_1_FN_BASE + 2);
		prop_u32(w, "migrate", KVM_PSCI_0_1_FN_BASE + 3);
	} else {
		prop_strings(w, "compatible", "arm,psci-0.2\0arm,psci");
		prop_u32(w, "cpu_suspend", PSCI_0_2_FN_CPU_SUSPEND);
		prop_u32(w, "cpu_off", PSCI_0_2_FN_CPU_OFF);
		prop_u32(w, "cpu_on", PSCI_0_2_FN_CPU_ON);
		prop_u32(w, "migrate", PSCI_0_2_FN_MIGRATE);
	}
	prop_string(w, "method", "hvc");
	end_node(w);
}

/*
 * bindings/timer/arm,arch_timer.yaml: secure, non-secure, virtual and hyp
 * PPIs in that order. Level-high as QEMU says for virt-2.9 and later (the
 * timer is level-triggered); a GICv2 PPI names the CPUs it reaches in its
 * flags. always-on: the timer never stops in idle, and the guest has no
 * other timer to broadcast ticks from.
 */
static void add_timer(struct dt_writer *w, const struct devtree_config *cfg)
{
	unsigned int flags = ((1u << cfg->nr_cpus) - 1) << GIC_PPI_CPU_MASK_SHIFT | IRQ_LEVEL_HIGH;

	begin_node(w, "timer");
	prop_string(w, "compatible", "arm,armv7-timer");
	prop_cells(w, "interrupts", 12,
		   GIC_PPI, BOARD_TIMER_PPI_SEC, flags,
		   GIC_PPI, BOARD_TIMER_PPI_PHYS, flags,
		   GIC_PPI, BOARD_TIMER_PPI_VIRT, flags,
		   GIC_PPI, BOARD_TIMER_PPI_HYP, flags);
	prop_empty(w, "always-on");
	end_node(w);
}

/*
 * bindings/interrupt-controller/arm,gic.yaml: "arm,cortex-a15-gic" is a GICv2.
 * #address-cells 0: no child nodes, and an interrupt-map parent would read no
 * address cells from it (dtc checks that an interrupt provider says so).
 */
static void add_gic(struct dt_writer *w)
{
	char name[NODE_NAME_MAX];

	snprintf(name, sizeof(name), "intc@%x", BOARD_GICD_BASE);
	begin_node(w, name);
	prop_string(w, "compatible", "arm,cortex-a15-gic");
	prop_u32(w, "#interrupt-cells", 3);
	prop_empty(w, "interrupt-controller");
	prop_u32(w, "#address-cells", 0);
	prop_cells(w, "reg", 8, 0, BOARD_GICD_BASE, 0, BOARD_GICD_SIZE,
		   0, BOARD_GICC_BASE, 0, BOARD_GICC_SIZE);
	prop_u32(w, "phandle", PHANDLE_GIC);
	end_node(w);
}

/*
 * The PL011 and PL031 (bindings/serial/pl011.yaml, rtc/arm,pl031) name their
 * APB clock; the PL011 driver refuses to probe without one, so QEMU and we
 * give both a fixed 24 MHz clock.
 */
static void add_apb_pclk(struct dt_writer *w)
{
	begin_node(w, "apb-pclk");
	prop_string(w, "compatible", "fixed-clock");
	prop_u32(w, "#clock-cells", 0);
	prop_u32(w, "clock-frequency", APB_PCLK_HZ);
	prop_string(w, "clock-output-names", "clk24mhz");
	prop_u32(w, "phandle", PHANDLE_APB_PCLK);
	end_node(w);
}

static void add_uart(struct dt_writer *w)
{
	char path[NODE_NAME_MAX];

	uart_path(path);
	begin_node(w, path + 1);
	prop_strings(w, "compatible", "arm,pl011\0arm,primecell");
	prop_reg(w, BOARD_UART_BASE, BOARD_UART_SIZE);
	prop_interrupt(w, GIC_SPI, BOARD_UART_SPI, IRQ_LEVEL_HIGH);
	prop_cells(w, "clocks", 2, PHANDLE_APB_PCLK, PHANDLE_APB_PCLK);
	prop_strings(w, "clock-names", "uartclk\0apb_pclk");
	end_node(w);
}

static void add_rtc(struct dt_writer *w)
{
	char name[NODE_NAME_MAX];

	snprintf(name, sizeof(name), "pl031@%x", BOARD_RTC_BASE);
	begin_node(w, name);
	prop_strings(w, "compatible", "arm,pl031\0arm,primecell");
	prop_reg(w, BOARD_RTC_BASE, BOARD_RTC_SIZE);
	prop_interrupt(w, GIC_SPI, BOARD_RTC_SPI, IRQ_LEVEL_HIGH);
	prop_u32(w, "clocks", PHANDLE_APB_PCLK);
	prop_string(w, "clock-names", "apb_pclk");
	end_node(w);
}

/*
 * bindings/virtio/mmio.yaml. The transport raises an edge per notification.
 * dma-coherent: the device model reads the rings through the VMM's cacheable
 * mapping, so the guest must map them cacheable too, as QEMU tells it.
 */
static void add_virtio(struct dt_writer *w, unsigned int slot)
{
	uint64_t base = BOARD_VIRTIO_BASE + (uint64_t)slot * BOARD_VIRTIO_STRIDE;
	char name[NODE_NAME_MAX];

	snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)base);
	begin_node(w, name);
	prop_string(w, "compatible", "virtio,mmio");
	prop_reg(w, base, BOARD_VIRTIO_STRIDE);
	prop_interrupt(w, GIC_SPI, BOARD_VIRTIO_SPI0 + slot, IRQ_EDGE_RISING);
	prop_empty(w, "dma-coherent");
	end_node(w);
}

static bool config_valid(const struct devtree_config *cfg)
{
	if (cfg->nr_cpus < 1 || cfg->nr_cpus > DEVTREE_MAX_CPUS)
		return false;
	if (cfg->ram_size == 0 || cfg->ram_base + cfg->ram_size < cfg->ram_base)
		return false;
	if (cfg->initrd_size && (cfg->initrd_start < cfg->ram_base ||
				 cfg->initrd_start - cfg->ram_base > cfg->ram_size ||
				 cfg->initrd_size > cfg->ram_size -
						    (cfg->initrd_start - cfg->ram_base)))
		return false;
	if (cfg->stdout_uart && !cfg->uart)
		return false;
	return true;
}

int devtree_build(const struct devtree_config *cfg, void *buf, size_t bufsize)
{
	struct dt_writer w = { .fdt = buf };
	unsigned int slot;

	if (!config_valid(cfg))
		return -EINVAL;

	w.err = fdt_create(buf, bufsize > INT_MAX ? INT_MAX : (int)bufsize);
	if (!w.err)
		w.err = fdt_finish_reservemap(buf);

	begin_node(&w, "");
	prop_string(&w, "compatible", "linux,dummy-virt");
	/* The devicetree specification (3.2) wants a model in the root too. */
	prop_string(&w, "model", "kvm32 virt");
	prop_u32(&w, "#address-cells", 2);
	prop_u32(&w, "#size-cells", 2);
	prop_u32(&w, "interrupt-parent", PHANDLE_GIC);

	add_chosen(&w, cfg);
	add_aliases(&w, cfg);
	add_memory(&w, cfg);
	add_cpus(&w, cfg);
	add_psci(&w, cfg);
	add_timer(&w, cfg);
	add_gic(&w);
	add_apb_pclk(&w);
	if (cfg->uart)
		add_uart(&w);
	if (cfg->rtc)
		add_rtc(&w);
	for (slot = 0; slot < BOARD_VIRTIO_SLOTS; slot++)
		if (cfg->virtio_slots & (1u << slot))
			add_virtio(&w, slot);
	end_node(&w);

	if (!w.err)
		w.err = fdt_finish(buf);
	if (w.err)
		return w.err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	return (int)fdt_totalsize(buf);
}
