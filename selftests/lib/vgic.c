// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGICv2 for guest selftests: see vgic.h.
 */
#include <errno.h>
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

int vgic_irq_line(struct kvm_vm *vm, uint32_t irq, int level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	return ioctl(vm->fd, KVM_IRQ_LINE, &line);
}

static uint64_t reg_attr(uint32_t cpu, uint32_t offset)
{
	return ((uint64_t)cpu << KVM_DEV_ARM_VGIC_CPUID_SHIFT) | offset;
}

uint32_t vgic_reg_get(int dev, uint32_t group, uint32_t cpu, uint32_t offset)
{
	uint32_t val = 0;
	struct kvm_device_attr attr = {
		.group = group, .attr = reg_attr(cpu, offset), .addr = (uintptr_t)&val,
	};

	TEST_ASSERT(!ioctl(dev, KVM_GET_DEVICE_ATTR, &attr),
		    "get vGIC register group %u cpu %u offset %#x", group, cpu, offset);
	return val;
}

void vgic_reg_set(int dev, uint32_t group, uint32_t cpu, uint32_t offset, uint32_t val)
{
	struct kvm_device_attr attr = {
		.group = group, .attr = reg_attr(cpu, offset), .addr = (uintptr_t)&val,
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
