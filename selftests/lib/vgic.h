/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel vGICv2 for guest selftests: host helpers that give a VM its
 * vGIC (KVM_CREATE_DEVICE with the frames where QEMU's virt board has its
 * GIC) and inject interrupts, and guest helpers that drive the GIC the way
 * a guest kernel does: the distributor (GICD, emulated by kvm32) and the CPU
 * interface (GICC, the hardware's GICV frame).
 *
 * Guests here run with IRQs masked (CPSR.I) and take interrupts by polling
 * GICC_IAR, so no exception vector is involved: an IRQ exception in a test
 * guest is a bug the library reports.
 */
#ifndef KVM32_SELFTEST_VGIC_H
#define KVM32_SELFTEST_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#include "guest.h"
#include "kvm_util.h"

#define GICD_BASE		0x08000000u
#define GICC_BASE		0x08010000u

/* GICD registers (ARM IHI 0048B 4.3). */
#define GICD_CTLR		0x000
#define GICD_TYPER		0x004
#define GICD_IIDR		0x008
#define GICD_IGROUPR		0x080
#define GICD_ISENABLER		0x100
#define GICD_ICENABLER		0x180
#define GICD_ISPENDR		0x200
#define GICD_ICPENDR		0x280
#define GICD_ISACTIVER		0x300
#define GICD_ICACTIVER		0x380
#define GICD_IPRIORITYR		0x400
#define GICD_ITARGETSR		0x800
#define GICD_ICFGR		0xc00
#define GICD_SGIR		0xf00
#define GICD_CPENDSGIR		0xf10
#define GICD_SPENDSGIR		0xf20

/* GICC registers (4.4). */
#define GICC_CTLR		0x000
#define GICC_PMR		0x004
#define GICC_BPR		0x008
#define GICC_IAR		0x00c
#define GICC_EOIR		0x010
#define GICC_RPR		0x014
#define GICC_HPPIR		0x018
#define GICC_APR0		0x0d0
#define GICC_IIDR		0x0fc
#define GICC_DIR		0x1000

#define GIC_SPURIOUS		1023
#define GIC_IAR_ID(iar)		((iar) & 0x3ff)
#define GIC_IAR_CPU(iar)	(((iar) >> 10) & 7)

#define SGIR_TARGET_LIST	(0u << 24)
#define SGIR_TARGET_OTHERS	(1u << 24)
#define SGIR_TARGET_SELF	(2u << 24)

/* KVM_IRQ_LINE's irq field (uapi asm/kvm.h). */
#define IRQ_LINE_SPI(intid)	((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (intid))
#define IRQ_LINE_PPI(vcpu, intid)						\
	((KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT) |			\
	 ((vcpu) << KVM_ARM_IRQ_VCPU_SHIFT) | (intid))

/* The device attribute of register @offset of vCPU @cpu (DIST_REGS / CPU_REGS). */
#define VGIC_REG_ATTR(cpu, offset)						\
	(((uint64_t)(cpu) << KVM_DEV_ARM_VGIC_CPUID_SHIFT) | (offset))

/* ---- Host side ------------------------------------------------------------ */

/*
 * Gives @vm a vGICv2 with @nr_irqs interrupts (0: KVM's default, 256) at
 * GICD_BASE/GICC_BASE and initialises it (every vCPU must exist by now).
 * Returns the device fd.
 */
int vgic_v2_setup(struct kvm_vm *vm, uint32_t nr_irqs);
/*
 * KVM_CREATE_DEVICE(KVM_DEV_TYPE_ARM_VGIC_V2) and nothing else: returns the
 * device fd, or -1 with errno.
 */
int vgic_v2_create(struct kvm_vm *vm);
/*
 * KVM_SET_DEVICE_ATTR / KVM_GET_DEVICE_ATTR / KVM_HAS_DEVICE_ATTR on device
 * @dev, @val pointing at the attribute's value (u64 for GRP_ADDR, u32 for the
 * others); return the ioctl's result (0, or -1 with errno).
 */
int vgic_attr_set(int dev, uint32_t group, uint64_t attr, const void *val);
int vgic_attr_get(int dev, uint32_t group, uint64_t attr, void *val);
int vgic_attr_has(int dev, uint32_t group, uint64_t attr);
/* KVM_IRQ_LINE; returns its result (0, or -1 with errno). */
int vgic_irq_line(struct kvm_vm *vm, uint32_t irq, int level);
/* KVM_{GET,SET}_DEVICE_ATTR of a 32-bit register (group DIST_REGS / CPU_REGS). */
uint32_t vgic_reg_get(int dev, uint32_t group, uint32_t cpu, uint32_t offset);
void vgic_reg_set(int dev, uint32_t group, uint32_t cpu, uint32_t offset, uint32_t val);
/*
 * KVM_IRQFD: assigns eventfd @fd to @gsi (SPI 32 + @gsi), with resample
 * eventfd @resamplefd unless it is negative; or deassigns it. Return the
 * ioctl's result (0, or -1 with errno).
 */
int vgic_irqfd_assign(struct kvm_vm *vm, int fd, uint32_t gsi, int resamplefd);
int vgic_irqfd_deassign(struct kvm_vm *vm, int fd, uint32_t gsi);
/*
 * The number of list registers of the host's GIC, as kvm32 reports it in
 * debugfs (kvm32/vgic, "lrs=N"); 0 if there is no vGIC or no such file.
 */
unsigned int vgic_hw_nr_lrs(void);

/* ---- Guest side ------------------------------------------------------------ */

uint32_t gicd_read(uint32_t offset);
void gicd_write(uint32_t offset, uint32_t val);
void gicd_write8(uint32_t offset, uint8_t val);
uint32_t gicc_read(uint32_t offset);
void gicc_write(uint32_t offset, uint32_t val);
/* Distributor on, this CPU interface on with every priority unmasked. */
void gic_guest_init(void);
/* Enables @intid at @priority, targeting this CPU (SPIs: the CPUs in @targets). */
void gic_guest_enable(uint32_t intid, uint8_t priority, uint8_t targets);
/* Disables @intid (GICD_ICENABLER). */
void gic_guest_disable(uint32_t intid);
/* GICD_IPRIORITYR of @intid (lower values are higher priorities). */
void gic_guest_set_priority(uint32_t intid, uint8_t priority);
/* Configures SPI @intid edge-triggered or level-sensitive (GICD_ICFGR). */
void gic_guest_set_edge(uint32_t intid, bool edge);
/* Whether @intid is pending / enabled, as GICD_ISPENDR / GICD_ISENABLER say. */
bool gic_guest_is_pending(uint32_t intid);
bool gic_guest_is_enabled(uint32_t intid);
/*
 * GICD_SGIR: SGI @intid (0-15) with target filter @filter (SGIR_TARGET_*)
 * and, for SGIR_TARGET_LIST, the CPUs in @targets (bit n: vCPU n).
 */
void gic_guest_send_sgi(uint32_t filter, uint8_t targets, uint32_t intid);
/* GICC_IAR; GICC_EOIR. */
uint32_t gic_guest_ack(void);
void gic_guest_eoi(uint32_t iar);
/* Waits (WFI) until an interrupt is pending, then acknowledges it. */
uint32_t gic_guest_wait_ack(void);

#endif /* KVM32_SELFTEST_VGIC_H */
