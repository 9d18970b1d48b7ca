/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm32 — architecture part of the KVM user-space ABI for 32-bit ARM
 * (ARMv7-A with the Virtualization Extensions).
 *
 * The generic <linux/kvm.h> of a 6.x kernel includes <asm/kvm.h>, but ARM
 * stopped shipping one when 32-bit KVM host support was removed in Linux 5.7.
 * This file fills that gap for both user space and the kvm32 module. Every
 * name, number and structure layout here mirrors the arch/arm uapi header of
 * Linux 5.6, so VMMs built for 32-bit KVM (e.g. QEMU, kvmtool) keep working
 * unchanged. The text and ordering are kvm32's own; the values are the ABI
 * and must never change.
 */
#ifndef KVM32_UAPI_ASM_KVM_H
#define KVM32_UAPI_ASM_KVM_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <uapi/linux/psci.h>	/* the kernel's <linux/psci.h> lacks PSCI_RET_* */
#else
#include <linux/psci.h>
#endif
#include <asm/ptrace.h>		/* struct pt_regs: 18 words, uregs[0..17] */

/* ---- Optional generic interfaces this architecture provides ---------- */

#define __KVM_HAVE_GUEST_DEBUG
#define __KVM_HAVE_IRQ_LINE
#define __KVM_HAVE_READONLY_MEM
#define __KVM_HAVE_VCPU_EVENTS

/* Page of the vCPU mmap area that holds the coalesced MMIO ring. */
#define KVM_COALESCED_MMIO_PAGE_OFFSET 1

/* Width in bytes of the register a ONE_REG id names. */
#define KVM_REG_SIZE(id)						\
	(1U << (((id) & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT))

/* ---- Core registers: KVM_GET_REGS / KVM_SET_REGS -------------------- */

/*
 * usr_regs carries r0-r12, sp_usr, lr_usr, pc and cpsr (uregs[0..16]; the
 * eighteenth word, ORIG_r0, is unused). The banked registers of the
 * privileged modes follow, all 32 bits wide.
 */
struct kvm_regs {
	struct pt_regs usr_regs;
	unsigned long svc_regs[3];	/* sp, lr, spsr of SVC mode */
	unsigned long abt_regs[3];	/* sp, lr, spsr of ABT mode */
	unsigned long und_regs[3];	/* sp, lr, spsr of UND mode */
	unsigned long irq_regs[3];	/* sp, lr, spsr of IRQ mode */
	unsigned long fiq_regs[8];	/* r8-r14 and spsr of FIQ mode */
};

/* Names for the slots of the SVC/ABT/UND/IRQ banks. */
#define KVM_ARM_SVC_sp		svc_regs[0]
#define KVM_ARM_SVC_lr		svc_regs[1]
#define KVM_ARM_SVC_spsr	svc_regs[2]
#define KVM_ARM_ABT_sp		abt_regs[0]
#define KVM_ARM_ABT_lr		abt_regs[1]
#define KVM_ARM_ABT_spsr	abt_regs[2]
#define KVM_ARM_UND_sp		und_regs[0]
#define KVM_ARM_UND_lr		und_regs[1]
#define KVM_ARM_UND_spsr	und_regs[2]
#define KVM_ARM_IRQ_sp		irq_regs[0]
#define KVM_ARM_IRQ_lr		irq_regs[1]
#define KVM_ARM_IRQ_spsr	irq_regs[2]

/* Names for the slots of the FIQ bank. */
#define KVM_ARM_FIQ_r8		fiq_regs[0]
#define KVM_ARM_FIQ_r9		fiq_regs[1]
#define KVM_ARM_FIQ_r10		fiq_regs[2]
#define KVM_ARM_FIQ_fp		fiq_regs[3]
#define KVM_ARM_FIQ_ip		fiq_regs[4]
#define KVM_ARM_FIQ_sp		fiq_regs[5]
#define KVM_ARM_FIQ_lr		fiq_regs[6]
#define KVM_ARM_FIQ_spsr	fiq_regs[7]

/* ---- vCPU set-up: KVM_ARM_VCPU_INIT / KVM_ARM_PREFERRED_TARGET ------- */

/* Values of kvm_vcpu_init.target */
#define KVM_ARM_TARGET_CORTEX_A15	0
#define KVM_ARM_TARGET_CORTEX_A7	1
#define KVM_ARM_NUM_TARGETS		2

/* Bit numbers in kvm_vcpu_init.features[] */
#define KVM_ARM_VCPU_POWER_OFF		0	/* vCPU starts powered off */
#define KVM_ARM_VCPU_PSCI_0_2		1	/* guest gets PSCI 0.2 */

struct kvm_vcpu_init {
	__u32 target;
	__u32 features[7];
};

/* ---- Structures <linux/kvm.h> expects from every architecture -------- */

/*
 * ARM has no segment registers, no separate FPU block (VFP state goes
 * through ONE_REG), and no architecture-specific debug or memslot data.
 */
struct kvm_sregs {
};

struct kvm_fpu {
};

struct kvm_guest_debug_arch {
};

struct kvm_debug_exit_arch {
};

/* kvm_run.s.regs; device_irq_level is used with KVM_CAP_ARM_USER_IRQ. */
struct kvm_sync_regs {
	__u64 device_irq_level;
};

struct kvm_arch_memory_slot {
};

/* ---- Pending exceptions: KVM_GET_VCPU_EVENTS / KVM_SET_VCPU_EVENTS --- */

struct kvm_vcpu_events {
	struct {
		__u8 serror_pending;
		__u8 serror_has_esr;
		__u8 ext_dabt_pending;
		__u8 pad[5];		/* brings serror_esr to offset 8 */
		__u64 serror_esr;
	} exception;
	__u32 reserved[12];
};

/* ---- ONE_REG register ids (KVM_GET_ONE_REG / KVM_SET_ONE_REG) -------- */

/*
 * An id is KVM_REG_ARM | KVM_REG_SIZE_U32/U64 | a 12-bit group number in
 * bits 16-27 | a group-specific index in bits 0-15. Groups 0-15 are
 * coprocessors (only CP15 is used); 0x10 and up are KVM pseudo groups.
 */
#define KVM_REG_ARM_COPROC_MASK		0x000000000FFF0000
#define KVM_REG_ARM_COPROC_SHIFT	16

/* Index layout of a CP15 register: crn | crm | opc1 | opc2 */
#define KVM_REG_ARM_32_OPC2_MASK	0x0000000000000007
#define KVM_REG_ARM_32_OPC2_SHIFT	0
#define KVM_REG_ARM_OPC1_MASK		0x0000000000000078
#define KVM_REG_ARM_OPC1_SHIFT		3
#define KVM_REG_ARM_CRM_MASK		0x0000000000000780
#define KVM_REG_ARM_CRM_SHIFT		7
#define KVM_REG_ARM_32_CRN_MASK		0x0000000000007800
#define KVM_REG_ARM_32_CRN_SHIFT	11

/*
 * Reserved for system registers banked by security state: set for the
 * Secure copy, clear for the Non-secure copy or an unbanked register. KVM
 * only exposes Non-secure state, so the bit is always clear today.
 */
#define KVM_REG_ARM_SECURE_MASK		0x0000000010000000
#define KVM_REG_ARM_SECURE_SHIFT	28

/* Place value x in the index field named n (OPC1, 32_CRN, CRM, 32_OPC2). */
#define ARM_CP15_REG_SHIFT_MASK(x, n)					\
	(((x) << KVM_REG_ARM_ ## n ## _SHIFT) & KVM_REG_ARM_ ## n ## _MASK)

/* CP15 register without its size bits. */
#define __ARM_CP15_REG(op1, crn, crm, op2)				\
	(KVM_REG_ARM | (15 << KVM_REG_ARM_COPROC_SHIFT) |		\
	 ARM_CP15_REG_SHIFT_MASK(op1, OPC1) |				\
	 ARM_CP15_REG_SHIFT_MASK(crn, 32_CRN) |				\
	 ARM_CP15_REG_SHIFT_MASK(crm, CRM) |				\
	 ARM_CP15_REG_SHIFT_MASK(op2, 32_OPC2))

/* MRC/MCR register: ARM_CP15_REG32(opc1, CRn, CRm, opc2) */
#define ARM_CP15_REG32(...)	(__ARM_CP15_REG(__VA_ARGS__) | KVM_REG_SIZE_U32)

/* MRRC/MCRR register: ARM_CP15_REG64(opc1, CRm); CRn and opc2 are zero */
#define __ARM_CP15_REG64(op1, crm)					\
	(__ARM_CP15_REG(op1, 0, crm, 0) | KVM_REG_SIZE_U64)
#define ARM_CP15_REG64(...)	__ARM_CP15_REG64(__VA_ARGS__)

/* Generic timer: the EL1 physical timer ... */
#define KVM_REG_ARM_PTIMER_CTL		ARM_CP15_REG32(0, 14, 2, 1)	/* CNTP_CTL */
#define KVM_REG_ARM_PTIMER_CNT		ARM_CP15_REG64(0, 14)		/* CNTPCT */
#define KVM_REG_ARM_PTIMER_CVAL		ARM_CP15_REG64(2, 14)		/* CNTP_CVAL */

/* ... and the virtual timer. */
#define KVM_REG_ARM_TIMER_CTL		ARM_CP15_REG32(0, 14, 3, 1)	/* CNTV_CTL */
#define KVM_REG_ARM_TIMER_CNT		ARM_CP15_REG64(1, 14)		/* CNTVCT */
#define KVM_REG_ARM_TIMER_CVAL		ARM_CP15_REG64(3, 14)		/* CNTV_CVAL */

/*
 * Group 0x10: struct kvm_regs viewed as an array of 32-bit words; the index
 * is the word number, e.g. KVM_REG_ARM_CORE_REG(usr_regs.ARM_pc) == 15.
 * (Needs offsetof from <stddef.h>.)
 */
#define KVM_REG_ARM_CORE		(0x0010 << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_REG_ARM_CORE_REG(name)	(offsetof(struct kvm_regs, name) / 4)

/*
 * Group 0x11: registers that have one value per selector, e.g. one CCSIDR
 * per CSSELR value. Index = demux id (bits 8-15) | selector (bits 0-7).
 */
#define KVM_REG_ARM_DEMUX		(0x0011 << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_REG_ARM_DEMUX_ID_MASK	0x000000000000FF00
#define KVM_REG_ARM_DEMUX_ID_SHIFT	8
#define KVM_REG_ARM_DEMUX_ID_CCSIDR	(0x00 << KVM_REG_ARM_DEMUX_ID_SHIFT)
#define KVM_REG_ARM_DEMUX_VAL_MASK	0x00000000000000FF
#define KVM_REG_ARM_DEMUX_VAL_SHIFT	0

/*
 * Group 0x12: VFP/Advanced SIMD, kept apart from CP10/CP11. Indexes 0-31 are
 * the 64-bit d0-d31 (KVM_REG_SIZE_U64); 0x1000 and up the 32-bit control
 * and ID registers (KVM_REG_SIZE_U32).
 */
#define KVM_REG_ARM_VFP			(0x0012 << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_REG_ARM_VFP_MASK		0x000000000000FFFF
#define KVM_REG_ARM_VFP_BASE_REG	0x0
#define KVM_REG_ARM_VFP_FPSID		0x1000
#define KVM_REG_ARM_VFP_FPSCR		0x1001
#define KVM_REG_ARM_VFP_MVFR1		0x1006
#define KVM_REG_ARM_VFP_MVFR0		0x1007
#define KVM_REG_ARM_VFP_FPEXC		0x1008
#define KVM_REG_ARM_VFP_FPINST		0x1009
#define KVM_REG_ARM_VFP_FPINST2		0x100A

/* Group 0x14: 64-bit pseudo-registers describing the emulated firmware. */
#define KVM_REG_ARM_FW			(0x0014 << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_REG_ARM_FW_REG(r)		(KVM_REG_ARM | KVM_REG_SIZE_U64 | \
					 KVM_REG_ARM_FW | ((r) & 0xffff))
#define KVM_REG_ARM_PSCI_VERSION	KVM_REG_ARM_FW_REG(0)

/* SMCCC_ARCH_WORKAROUND_1 (branch predictor hardening); larger is safer. */
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1	KVM_REG_ARM_FW_REG(1)
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL		0
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL		1
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED	2

/*
 * SMCCC_ARCH_WORKAROUND_2 (speculative store bypass); larger is safer,
 * and the ENABLED flag (bit 4) may be ORed into the value.
 */
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2	KVM_REG_ARM_FW_REG(2)
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL		0
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN		1
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL		2
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED	3
#define KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED		0x10U

/* ---- Guest-physical placement of in-kernel devices ------------------- */

/* kvm_arm_device_addr.id for KVM_ARM_SET_DEVICE_ADDR: device | addr type */
#define KVM_ARM_DEVICE_TYPE_SHIFT	0
#define KVM_ARM_DEVICE_TYPE_MASK	(0xffff << KVM_ARM_DEVICE_TYPE_SHIFT)
#define KVM_ARM_DEVICE_ID_SHIFT		16
#define KVM_ARM_DEVICE_ID_MASK		(0xffff << KVM_ARM_DEVICE_ID_SHIFT)

/* Device ids */
#define KVM_ARM_DEVICE_VGIC_V2		0

/* GICv2 address types and the size of each region */
#define KVM_VGIC_V2_ADDR_TYPE_DIST	0
#define KVM_VGIC_V2_ADDR_TYPE_CPU	1

#define KVM_VGIC_V2_DIST_SIZE		0x1000
#define KVM_VGIC_V2_CPU_SIZE		0x2000

/* GICv3/ITS address types (shared numbering with arm64) */
#define KVM_VGIC_V3_ADDR_TYPE_DIST		2
#define KVM_VGIC_V3_ADDR_TYPE_REDIST		3
#define KVM_VGIC_ITS_ADDR_TYPE			4
#define KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION	5

/* 64 KiB frames; spelled as numbers so user space needs no SZ_64K. */
#define KVM_VGIC_V3_DIST_SIZE		0x10000		/* one frame */
#define KVM_VGIC_V3_REDIST_SIZE		0x20000		/* RD + SGI frames */
#define KVM_VGIC_V3_ITS_SIZE		0x20000		/* control + translation */

/* ---- vGIC device attributes (KVM_{SET,GET,HAS}_DEVICE_ATTR) ---------- */

/* Attribute groups */
#define KVM_DEV_ARM_VGIC_GRP_ADDR		0
#define KVM_DEV_ARM_VGIC_GRP_DIST_REGS		1
#define KVM_DEV_ARM_VGIC_GRP_CPU_REGS		2
#define KVM_DEV_ARM_VGIC_GRP_NR_IRQS		3
#define KVM_DEV_ARM_VGIC_GRP_CTRL		4
#define KVM_DEV_ARM_VGIC_GRP_REDIST_REGS	5
#define KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS	6
#define KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO		7
#define KVM_DEV_ARM_VGIC_GRP_ITS_REGS		8

/*
 * Register-group attr: target vCPU (GICv2) or MPIDR (GICv3) in the top
 * half, register offset in the bottom half.
 */
#define   KVM_DEV_ARM_VGIC_CPUID_SHIFT		32
#define   KVM_DEV_ARM_VGIC_CPUID_MASK		(0xffULL << KVM_DEV_ARM_VGIC_CPUID_SHIFT)
#define   KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT	32
#define   KVM_DEV_ARM_VGIC_V3_MPIDR_MASK	\
		(0xffffffffULL << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT)
#define   KVM_DEV_ARM_VGIC_OFFSET_SHIFT		0
#define   KVM_DEV_ARM_VGIC_OFFSET_MASK		\
		(0xffffffffULL << KVM_DEV_ARM_VGIC_OFFSET_SHIFT)
/* CPU_SYSREGS attr: system-register encoding in the low 16 bits */
#define   KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK	(0xffff)

/* LEVEL_INFO attr: info kind in bits 10-31, first INTID in bits 0-9 */
#define KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT	10
#define KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK	\
		(0x3fffffULL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT)
#define KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK	0x3ff
#define VGIC_LEVEL_INFO_LINE_LEVEL		0

/* Attributes of KVM_DEV_ARM_VGIC_GRP_CTRL */
#define   KVM_DEV_ARM_VGIC_CTRL_INIT		0
#define   KVM_DEV_ARM_ITS_SAVE_TABLES		1
#define   KVM_DEV_ARM_ITS_RESTORE_TABLES	2
#define   KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES	3
#define   KVM_DEV_ARM_ITS_CTRL_RESET		4

/* ---- vCPU device attributes (device-attr ioctls on a vCPU fd) -------- */

#define KVM_ARM_VCPU_PMU_V3_CTRL		0
#define   KVM_ARM_VCPU_PMU_V3_IRQ		0
#define   KVM_ARM_VCPU_PMU_V3_INIT		1
#define KVM_ARM_VCPU_TIMER_CTRL			1
#define   KVM_ARM_VCPU_TIMER_IRQ_VTIMER		0
#define   KVM_ARM_VCPU_TIMER_IRQ_PTIMER		1

/* ---- KVM_IRQ_LINE: layout of kvm_irq_level.irq ----------------------- */

/*
 *   31..28 vcpu2 | 27..24 type | 23..16 vcpu | 15..0 number
 * The target vCPU index is vcpu2 * 256 + vcpu (vcpu2 needs
 * KVM_CAP_ARM_IRQ_LINE_LAYOUT_2, else it must be zero).
 */
#define KVM_ARM_IRQ_VCPU2_SHIFT		28
#define KVM_ARM_IRQ_VCPU2_MASK		0xf
#define KVM_ARM_IRQ_TYPE_SHIFT		24
#define KVM_ARM_IRQ_TYPE_MASK		0xf
#define KVM_ARM_IRQ_VCPU_SHIFT		16
#define KVM_ARM_IRQ_VCPU_MASK		0xff
#define KVM_ARM_IRQ_NUM_SHIFT		0
#define KVM_ARM_IRQ_NUM_MASK		0xffff

/* Values of the type field */
#define KVM_ARM_IRQ_TYPE_CPU		0	/* a vCPU's IRQ/FIQ input line */
#define KVM_ARM_IRQ_TYPE_SPI		1	/* in-kernel GIC, shared INTID */
#define KVM_ARM_IRQ_TYPE_PPI		2	/* in-kernel GIC, private INTID */

/* Number field for KVM_ARM_IRQ_TYPE_CPU */
#define KVM_ARM_IRQ_CPU_IRQ		0
#define KVM_ARM_IRQ_CPU_FIQ		1

/*
 * Obsolete upper bound for SPIs, left for old user-space sources; the real
 * count is configured with KVM_DEV_ARM_VGIC_GRP_NR_IRQS.
 */
#ifndef __KERNEL__
#define KVM_ARM_IRQ_GIC_MAX		127
#endif

/* The vGIC is the only in-kernel irqchip. */
#define KVM_NR_IRQCHIPS			1

/* ---- Pre-0.2 PSCI (KVM's private function ids) ----------------------- */

#define KVM_PSCI_FN_BASE		0x95c1ba5e
#define KVM_PSCI_FN(n)			(KVM_PSCI_FN_BASE + (n))

#define KVM_PSCI_FN_CPU_SUSPEND		KVM_PSCI_FN(0)
#define KVM_PSCI_FN_CPU_OFF		KVM_PSCI_FN(1)
#define KVM_PSCI_FN_CPU_ON		KVM_PSCI_FN(2)
#define KVM_PSCI_FN_MIGRATE		KVM_PSCI_FN(3)

/* Return codes, as defined by <linux/psci.h> */
#define KVM_PSCI_RET_SUCCESS		PSCI_RET_SUCCESS
#define KVM_PSCI_RET_NI			PSCI_RET_NOT_SUPPORTED
#define KVM_PSCI_RET_INVAL		PSCI_RET_INVALID_PARAMS
#define KVM_PSCI_RET_DENIED		PSCI_RET_DENIED

#endif /* KVM32_UAPI_ASM_KVM_H */
