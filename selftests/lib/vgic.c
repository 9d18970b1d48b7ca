// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGICv2 for guest selftests: see vgic.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vgic.h"

int vgic_v2_setup(struct kvm_vm *vm, uint32_t nr_irqs)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t dist = GICD_BASE, cpu = GICC_BASE;
	struct kvm_device_attr attr = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR };

	TEST_ASSERT(!ioctl(vm->fd, KVM_CREATE_DEVICE, &cd), "KVM_CREATE_DEVICE(VGIC_V2)");
	attr.attr = KVM_VGIC_V2_ADDR_TYPE_DIST;
	attr.addr = (uintptr_t)&dist;
	TEST_ASSERT(!ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &attr), "set the GICD address");
	attr.attr = KVM_VGIC_V2_ADDR_TYPE_CPU;
	attr.addr = (uintptr_t)&cpu;
	TEST_ASSERT(!ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &attr), "set the GICC address");
	if (nr_irqs) {
		attr.group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS;
		attr.attr = 0;
		attr.addr = (uintptr_t)&nr_irqs;
		TEST_ASSERT(!ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &attr), "set NR_IRQS %u", nr_irqs);
	}
	attr.group = KVM_DEV_ARM_VGIC_GRP_CTRL;
	attr.attr = KVM_DEV_ARM_VGIC_CTRL_INIT;
	attr.addr = 0;
	TEST_ASSERT(!ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &attr), "CTRL_INIT");
	return cd.fd;
}

int vgic_v2_create(struct kvm_vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };

	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &cd))
		return -1;
	return cd.fd;
}

static int attr_ioctl(int dev, unsigned long ioctl_nr, uint32_t group, uint64_t attr,
		      const void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return ioctl(dev, ioctl_nr, &a);
}

int vgic_attr_set(int dev, uint32_t group, uint64_t attr, const void *val)
{
	return attr_ioctl(dev, KVM_SET_DEVICE_ATTR, group, attr, val);
}

int vgic_attr_get(int dev, uint32_t group, uint64_t attr, void *val)
{
	return attr_ioctl(dev, KVM_GET_DEVICE_ATTR, group, attr, val);
}

int vgic_attr_has(int dev, uint32_t group, uint64_t attr)
{
	return attr_ioctl(dev, KVM_HAS_DEVICE_ATTR, group, attr, NULL);
}

int vgic_irqfd_assign(struct kvm_vm *vm, int fd, uint32_t gsi, int resamplefd)
{
	struct kvm_irqfd irqfd = { .fd = fd, .gsi = gsi };

	if (resamplefd >= 0) {
		irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = resamplefd;
	}
	return ioctl(vm->fd, KVM_IRQFD, &irqfd);
}

int vgic_irqfd_deassign(struct kvm_vm *vm, int fd, uint32_t gsi)
{
	struct kvm_irqfd irqfd = { .fd = fd, .gsi = gsi, .flags = KVM_IRQFD_FLAG_DEASSIGN };

	return ioctl(vm->fd, KVM_IRQFD, &irqfd);
}

unsigned int vgic_hw_nr_lrs(void)
{
	char buf[256] = "";
	unsigned int lrs = 0;
	const char *p;
	FILE *f;

	f = fopen("/sys/kernel/debug/kvm32/vgic", "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		p = strstr(buf, " lrs=");
		if (p)
			lrs = strtoul(p + 5, NULL, 10);
	}
	fclose(f);
	return lrs;
}

int vgic_irq_line(struct kvm_vm *vm, uint32_t irq, int level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	return ioctl(vm->fd, KVM_IRQ_LINE, &line);
}

uint32_t vgic_reg_get(int dev, uint32_t group, uint32_t cpu, uint32_t offset)
{
	uint32_t val = 0;
	struct kvm_device_attr attr = {
		.group = group, .attr = VGIC_REG_ATTR(cpu, offset), .addr = (uintptr_t)&val,
	};

	TEST_ASSERT(!ioctl(dev, KVM_GET_DEVICE_ATTR, &attr),
		    "get vGIC register group %u cpu %u offset %#x", group, cpu, offset);
	return val;
}

void vgic_reg_set(int dev, uint32_t group, uint32_t cpu, uint32_t offset, uint32_t val)
{
	struct kvm_device_attr attr = {
		.group = group, .attr = VGIC_REG_ATTR(cpu, offset), .addr = (uintptr_t)&val,
	};

	TEST_ASSERT(!ioctl(dev, KVM_SET_DEVICE_ATTR, &attr),
		    "set vGIC register group %u cpu %u offset %#x", group, cpu, offset);
}

/* Single LDR/STR instructions: the host can only complete those (guest.h). */
GUEST_CODE uint32_t gicd_read(uint32_t offset)
{
	uint32_t val;

	asm volatile("ldr %0, [%1]" : "=r" (val) : "r" (GICD_BASE + offset) : "memory");
	return val;
}

GUEST_CODE void gicd_write(uint32_t offset, uint32_t val)
{
	asm volatile("str %0, [%1]" : : "r" (val), "r" (GICD_BASE + offset) : "memory");
}

GUEST_CODE void gicd_write8(uint32_t offset, uint8_t val)
{
	asm volatile("strb %0, [%1]" : : "r" (val), "r" (GICD_BASE + offset) : "memory");
}

GUEST_CODE uint32_t gicc_read(uint32_t offset)
{
	uint32_t val;

	asm volatile("ldr %0, [%1]" : "=r" (val) : "r" (GICC_BASE + offset) : "memory");
	return val;
}

GUEST_CODE void gicc_write(uint32_t offset, uint32_t val)
{
	asm volatile("str %0, [%1]" : : "r" (val), "r" (GICC_BASE + offset) : "memory");
}

GUEST_CODE void gic_guest_init(void)
{
	gicd_write(GICD_CTLR, 1);
	gicc_write(GICC_PMR, 0xff);
	gicc_write(GICC_CTLR, 1);
}

GUEST_CODE void gic_guest_enable(uint32_t intid, uint8_t priority, uint8_t targets)
{
	gicd_write8(GICD_IPRIORITYR + intid, priority);
	if (intid >= 32)
		gicd_write8(GICD_ITARGETSR + intid, targets);
	gicd_write(GICD_ISENABLER + intid / 32 * 4, 1u << (intid % 32));
}

GUEST_CODE void gic_guest_disable(uint32_t intid)
{
	gicd_write(GICD_ICENABLER + intid / 32 * 4, 1u << (intid % 32));
}

GUEST_CODE void gic_guest_set_priority(uint32_t intid, uint8_t priority)
{
	gicd_write8(GICD_IPRIORITYR + intid, priority);
}

/* Two bits per interrupt, the upper one set for edge; words only. */
GUEST_CODE void gic_guest_set_edge(uint32_t intid, bool edge)
{
	uint32_t offset = GICD_ICFGR + intid / 16 * 4;
	uint32_t bit = 2u << (intid % 16 * 2);
	uint32_t val = gicd_read(offset);

	gicd_write(offset, edge ? val | bit : val & ~bit);
}

GUEST_CODE bool gic_guest_is_pending(uint32_t intid)
{
	return gicd_read(GICD_ISPENDR + intid / 32 * 4) & (1u << (intid % 32));
}

GUEST_CODE bool gic_guest_is_enabled(uint32_t intid)
{
	return gicd_read(GICD_ISENABLER + intid / 32 * 4) & (1u << (intid % 32));
}

GUEST_CODE void gic_guest_send_sgi(uint32_t filter, uint8_t targets, uint32_t intid)
{
	gicd_write(GICD_SGIR, filter | (uint32_t)targets << 16 | (intid & 0xf));
}

GUEST_CODE uint32_t gic_guest_ack(void)
{
	return gicc_read(GICC_IAR);
}

GUEST_CODE void gic_guest_eoi(uint32_t iar)
{
	gicc_write(GICC_EOIR, iar);
}

GUEST_CODE uint32_t gic_guest_wait_ack(void)
{
	uint32_t iar;

	for (;;) {
		iar = gic_guest_ack();
		if (GIC_IAR_ID(iar) != GIC_SPURIOUS)
			return iar;
		asm volatile("wfi" : : : "memory");
	}
}
