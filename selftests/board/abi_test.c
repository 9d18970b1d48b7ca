// SPDX-License-Identifier: GPL-2.0
/*
 * The ARM part of the KVM user-space ABI that <linux/kvm.h> gets from
 * kvm32's uapi/asm/kvm.h is the one of Linux 5.6, bit for bit: structure
 * sizes and offsets, the ioctl numbers that encode those sizes, ONE_REG ids,
 * vGIC attributes, the KVM_IRQ_LINE encoding and the PSCI constants.
 *
 * Every expected value is a literal worked out by hand from the definitions
 * in Linux 5.6 (arch/arm/include/uapi/asm/kvm.h, include/uapi/linux/kvm.h,
 * Documentation/virt/kvm/api.rst), never from the macros under test; the
 * comment next to each says how. Checked on the board because layouts
 * depend on the target ABI (EABI: long is 4 bytes, __u64 is 8-byte aligned).
 * Needs no module and no Hyp mode.
 */
#include <stddef.h>
#include <linux/kvm.h>

#include "kselftest_harness.h"

/* Generic ONE_REG bits from <linux/kvm.h>, used in the comments below:
 *   KVM_REG_ARM      0x4000000000000000
 *   KVM_REG_SIZE_U32 0x0020000000000000
 *   KVM_REG_SIZE_U64 0x0030000000000000
 * so a 32-bit ARM register id starts 0x4020..., a 64-bit one 0x4030....
 * ioctl numbers: dir << 30 | size << 16 | 0xAE << 8 | nr, with
 * dir 1 = _IOW (0x4...), dir 2 = _IOR (0x8...).
 */

#ifdef __KVM_HAVE_GUEST_DEBUG
#define HAVE_GUEST_DEBUG 1
#else
#define HAVE_GUEST_DEBUG 0
#endif
#ifdef __KVM_HAVE_IRQ_LINE
#define HAVE_IRQ_LINE 1
#else
#define HAVE_IRQ_LINE 0
#endif
#ifdef __KVM_HAVE_READONLY_MEM
#define HAVE_READONLY_MEM 1
#else
#define HAVE_READONLY_MEM 0
#endif
#ifdef __KVM_HAVE_VCPU_EVENTS
#define HAVE_VCPU_EVENTS 1
#else
#define HAVE_VCPU_EVENTS 0
#endif

TEST(feature_macros)
{
	EXPECT_EQ(1, HAVE_GUEST_DEBUG);
	EXPECT_EQ(1, HAVE_IRQ_LINE);
	EXPECT_EQ(1, HAVE_READONLY_MEM);
	EXPECT_EQ(1, HAVE_VCPU_EVENTS);
	EXPECT_EQ(1, KVM_COALESCED_MMIO_PAGE_OFFSET);
	EXPECT_EQ(1, KVM_NR_IRQCHIPS);
	EXPECT_EQ(127, KVM_ARM_IRQ_GIC_MAX);
}

/*
 * struct kvm_regs: pt_regs (18 longs = 72 bytes), then 3+3+3+3+8 longs.
 * usr 0, svc 72, abt 84, und 96, irq 108, fiq 120, end 120 + 32 = 152.
 */
TEST(kvm_regs_layout)
{
	EXPECT_EQ(72, sizeof(struct pt_regs));
	EXPECT_EQ(152, sizeof(struct kvm_regs));
	EXPECT_EQ(0, offsetof(struct kvm_regs, usr_regs));
	EXPECT_EQ(60, offsetof(struct kvm_regs, usr_regs.ARM_pc));	/* uregs[15] */
	EXPECT_EQ(64, offsetof(struct kvm_regs, usr_regs.ARM_cpsr));	/* uregs[16] */
	EXPECT_EQ(72, offsetof(struct kvm_regs, svc_regs));
	EXPECT_EQ(84, offsetof(struct kvm_regs, abt_regs));
	EXPECT_EQ(96, offsetof(struct kvm_regs, und_regs));
	EXPECT_EQ(108, offsetof(struct kvm_regs, irq_regs));
	EXPECT_EQ(120, offsetof(struct kvm_regs, fiq_regs));
	EXPECT_EQ(80, offsetof(struct kvm_regs, KVM_ARM_SVC_spsr));	/* svc_regs[2] */
	EXPECT_EQ(140, offsetof(struct kvm_regs, KVM_ARM_FIQ_sp));	/* fiq_regs[5] */
	EXPECT_EQ(148, offsetof(struct kvm_regs, KVM_ARM_FIQ_spsr));	/* fiq_regs[7] */
}

/* struct kvm_vcpu_init: __u32 target, __u32 features[7] = 32 bytes. */
TEST(kvm_vcpu_init_layout)
{
	EXPECT_EQ(32, sizeof(struct kvm_vcpu_init));
	EXPECT_EQ(0, offsetof(struct kvm_vcpu_init, target));
	EXPECT_EQ(4, offsetof(struct kvm_vcpu_init, features));
	EXPECT_EQ(28, sizeof(((struct kvm_vcpu_init *)0)->features));
}

/*
 * struct kvm_vcpu_events: exception = 3 flag bytes + pad[5] + __u64 esr
 * (16 bytes, 8-aligned), then __u32 reserved[12] (48 bytes): 64 in all.
 */
TEST(kvm_vcpu_events_layout)
{
	EXPECT_EQ(64, sizeof(struct kvm_vcpu_events));
	EXPECT_EQ(8, __alignof__(struct kvm_vcpu_events));
	EXPECT_EQ(16, sizeof(((struct kvm_vcpu_events *)0)->exception));
	EXPECT_EQ(0, offsetof(struct kvm_vcpu_events, exception.serror_pending));
	EXPECT_EQ(1, offsetof(struct kvm_vcpu_events, exception.serror_has_esr));
	EXPECT_EQ(2, offsetof(struct kvm_vcpu_events, exception.ext_dabt_pending));
	EXPECT_EQ(3, offsetof(struct kvm_vcpu_events, exception.pad));
	EXPECT_EQ(5, sizeof(((struct kvm_vcpu_events *)0)->exception.pad));
	EXPECT_EQ(8, offsetof(struct kvm_vcpu_events, exception.serror_esr));
	EXPECT_EQ(16, offsetof(struct kvm_vcpu_events, reserved));
	EXPECT_EQ(48, sizeof(((struct kvm_vcpu_events *)0)->reserved));
}

/* The architecture hooks of <linux/kvm.h>: all empty but kvm_sync_regs. */
TEST(other_arch_structs)
{
	EXPECT_EQ(0, sizeof(struct kvm_sregs));
	EXPECT_EQ(0, sizeof(struct kvm_fpu));
	EXPECT_EQ(0, sizeof(struct kvm_guest_debug_arch));
	EXPECT_EQ(0, sizeof(struct kvm_debug_exit_arch));
	EXPECT_EQ(0, sizeof(struct kvm_arch_memory_slot));
	EXPECT_EQ(8, sizeof(struct kvm_sync_regs));
	EXPECT_EQ(0, offsetof(struct kvm_sync_regs, device_irq_level));
	/* struct kvm_guest_debug = control, pad, empty arch part */
	EXPECT_EQ(8, sizeof(struct kvm_guest_debug));
}

TEST(ioctl_numbers)
{
	/* _IOR(0xAE, 0x81, struct kvm_regs), size 152 = 0x98 */
	EXPECT_EQ(0x8098AE81u, (__u32)KVM_GET_REGS);
	/* _IOW(0xAE, 0x82, struct kvm_regs), size 152 */
	EXPECT_EQ(0x4098AE82u, (__u32)KVM_SET_REGS);
	/* _IOW(0xAE, 0xae, struct kvm_vcpu_init), size 32 = 0x20 */
	EXPECT_EQ(0x4020AEAEu, (__u32)KVM_ARM_VCPU_INIT);
	/* _IOR(0xAE, 0xaf, struct kvm_vcpu_init), size 32 */
	EXPECT_EQ(0x8020AEAFu, (__u32)KVM_ARM_PREFERRED_TARGET);
	/* _IOR(0xAE, 0x9f, struct kvm_vcpu_events), size 64 = 0x40 */
	EXPECT_EQ(0x8040AE9Fu, (__u32)KVM_GET_VCPU_EVENTS);
	/* _IOW(0xAE, 0xa0, struct kvm_vcpu_events), size 64 */
	EXPECT_EQ(0x4040AEA0u, (__u32)KVM_SET_VCPU_EVENTS);
	/* _IOR(0xAE, 0x8c, struct kvm_fpu), size 0 */
	EXPECT_EQ(0x8000AE8Cu, (__u32)KVM_GET_FPU);
	/* _IOW(0xAE, 0x8d, struct kvm_fpu), size 0 */
	EXPECT_EQ(0x4000AE8Du, (__u32)KVM_SET_FPU);
	/* _IOW(0xAE, 0x9b, struct kvm_guest_debug), size 8 */
	EXPECT_EQ(0x4008AE9Bu, (__u32)KVM_SET_GUEST_DEBUG);
}

TEST(one_reg_fields)
{
	EXPECT_EQ(0x0FFF0000ull, KVM_REG_ARM_COPROC_MASK);
	EXPECT_EQ(16, KVM_REG_ARM_COPROC_SHIFT);
	EXPECT_EQ(0x7ull, KVM_REG_ARM_32_OPC2_MASK);
	EXPECT_EQ(0x78ull, KVM_REG_ARM_OPC1_MASK);
	EXPECT_EQ(3, KVM_REG_ARM_OPC1_SHIFT);
	EXPECT_EQ(0x780ull, KVM_REG_ARM_CRM_MASK);
	EXPECT_EQ(7, KVM_REG_ARM_CRM_SHIFT);
	EXPECT_EQ(0x7800ull, KVM_REG_ARM_32_CRN_MASK);
	EXPECT_EQ(11, KVM_REG_ARM_32_CRN_SHIFT);
	EXPECT_EQ(0x10000000ull, KVM_REG_ARM_SECURE_MASK);
	EXPECT_EQ(28, KVM_REG_ARM_SECURE_SHIFT);
	EXPECT_EQ(0x100000, KVM_REG_ARM_CORE);		/* 0x10 << 16 */
	EXPECT_EQ(0x110000, KVM_REG_ARM_DEMUX);		/* 0x11 << 16 */
	EXPECT_EQ(0x120000, KVM_REG_ARM_VFP);		/* 0x12 << 16 */
	EXPECT_EQ(0x140000, KVM_REG_ARM_FW);		/* 0x14 << 16 */
	EXPECT_EQ(4, KVM_REG_SIZE(KVM_REG_ARM | KVM_REG_SIZE_U32));
	EXPECT_EQ(8, KVM_REG_SIZE(KVM_REG_ARM | KVM_REG_SIZE_U64));
}

/* Core group: 0x4020 0000 0010 <32-bit word index into struct kvm_regs> */
TEST(one_reg_core)
{
	const __u64 core = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE;

	EXPECT_EQ(15, KVM_REG_ARM_CORE_REG(usr_regs.ARM_pc));	/* 60 / 4 */
	/* r0: word 0 */
	EXPECT_EQ(0x4020000000100000ull, core | KVM_REG_ARM_CORE_REG(usr_regs.ARM_r0));
	/* pc: word 15 */
	EXPECT_EQ(0x402000000010000Full, core | KVM_REG_ARM_CORE_REG(usr_regs.ARM_pc));
	/* cpsr: word 16 */
	EXPECT_EQ(0x4020000000100010ull, core | KVM_REG_ARM_CORE_REG(usr_regs.ARM_cpsr));
	/* sp_svc: 72 / 4 = 18 */
	EXPECT_EQ(0x4020000000100012ull, core | KVM_REG_ARM_CORE_REG(KVM_ARM_SVC_sp));
	/* r8_fiq: 120 / 4 = 30 */
	EXPECT_EQ(0x402000000010001Eull, core | KVM_REG_ARM_CORE_REG(KVM_ARM_FIQ_r8));
	/* spsr_fiq: 148 / 4 = 37 */
	EXPECT_EQ(0x4020000000100025ull, core | KVM_REG_ARM_CORE_REG(KVM_ARM_FIQ_spsr));
}

/*
 * CP15, coprocessor 15 = 0xF in bits 16-27. 32-bit index:
 * crn << 11 | crm << 7 | opc1 << 3 | opc2; 64-bit index: crm << 7 | opc1 << 3.
 */
TEST(one_reg_cp15)
{
	/* SCTLR c1, c0, opc1 0, opc2 0: 1 << 11 = 0x800 */
	EXPECT_EQ(0x40200000000F0800ull, ARM_CP15_REG32(0, 1, 0, 0));
	/* CSSELR c0, c0, opc1 2, opc2 0: 2 << 3 = 0x10 */
	EXPECT_EQ(0x40200000000F0010ull, ARM_CP15_REG32(2, 0, 0, 0));
	/* TPIDRURO c13, c0, opc1 0, opc2 3: 13 << 11 | 3 = 0x6803 */
	EXPECT_EQ(0x40200000000F6803ull, ARM_CP15_REG32(0, 13, 0, 3));
	/* TTBR0 (64-bit) opc1 0, c2: 2 << 7 = 0x100 */
	EXPECT_EQ(0x40300000000F0100ull, ARM_CP15_REG64(0, 2));
	/* TTBR1 (64-bit) opc1 1, c2: 0x100 | 1 << 3 = 0x108 */
	EXPECT_EQ(0x40300000000F0108ull, ARM_CP15_REG64(1, 2));
}

TEST(one_reg_timer)
{
	/* CNTV_CTL c14, c3, opc1 0, opc2 1: 0x7000 | 0x180 | 1 */
	EXPECT_EQ(0x40200000000F7181ull, KVM_REG_ARM_TIMER_CTL);
	/* CNTVCT opc1 1, c14: 14 << 7 | 1 << 3 = 0x708 */
	EXPECT_EQ(0x40300000000F0708ull, KVM_REG_ARM_TIMER_CNT);
	/* CNTV_CVAL opc1 3, c14: 0x700 | 3 << 3 = 0x718 */
	EXPECT_EQ(0x40300000000F0718ull, KVM_REG_ARM_TIMER_CVAL);
	/* CNTP_CTL c14, c2, opc1 0, opc2 1: 0x7000 | 0x100 | 1 */
	EXPECT_EQ(0x40200000000F7101ull, KVM_REG_ARM_PTIMER_CTL);
	/* CNTPCT opc1 0, c14: 0x700 */
	EXPECT_EQ(0x40300000000F0700ull, KVM_REG_ARM_PTIMER_CNT);
	/* CNTP_CVAL opc1 2, c14: 0x700 | 2 << 3 = 0x710 */
	EXPECT_EQ(0x40300000000F0710ull, KVM_REG_ARM_PTIMER_CVAL);
	EXPECT_EQ(8, KVM_REG_SIZE(KVM_REG_ARM_TIMER_CNT));
	EXPECT_EQ(4, KVM_REG_SIZE(KVM_REG_ARM_TIMER_CTL));
}

/* CCSIDR demux: 0x4020 0000 0011 00 <csselr:8> */
TEST(one_reg_demux)
{
	const __u64 ccsidr = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX |
				KVM_REG_ARM_DEMUX_ID_CCSIDR;

	EXPECT_EQ(0, KVM_REG_ARM_DEMUX_ID_CCSIDR);
	EXPECT_EQ(0xFF00ull, KVM_REG_ARM_DEMUX_ID_MASK);
	EXPECT_EQ(8, KVM_REG_ARM_DEMUX_ID_SHIFT);
	EXPECT_EQ(0xFFull, KVM_REG_ARM_DEMUX_VAL_MASK);
	EXPECT_EQ(0, KVM_REG_ARM_DEMUX_VAL_SHIFT);
	/* CSSELR 0 = L1 data/unified */
	EXPECT_EQ(0x4020000000110000ull, ccsidr | 0);
	/* CSSELR 1 = L1 instruction */
	EXPECT_EQ(0x4020000000110001ull, ccsidr | (1 << KVM_REG_ARM_DEMUX_VAL_SHIFT));
}

/* VFP: d<n> = 0x4030 0000 0012 0 <n:12>; control = 0x4020 0000 0012 1 <n:12> */
TEST(one_reg_vfp)
{
	const __u64 dreg = KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_VFP;
	const __u64 ctrl = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_VFP;

	EXPECT_EQ(0xFFFFull, KVM_REG_ARM_VFP_MASK);
	EXPECT_EQ(0, KVM_REG_ARM_VFP_BASE_REG);
	/* d0, d5, d31 */
	EXPECT_EQ(0x4030000000120000ull, dreg | (KVM_REG_ARM_VFP_BASE_REG + 0));
	EXPECT_EQ(0x4030000000120005ull, dreg | (KVM_REG_ARM_VFP_BASE_REG + 5));
	EXPECT_EQ(0x403000000012001Full, dreg | (KVM_REG_ARM_VFP_BASE_REG + 31));
	EXPECT_EQ(0x4020000000121000ull, ctrl | KVM_REG_ARM_VFP_FPSID);
	EXPECT_EQ(0x4020000000121001ull, ctrl | KVM_REG_ARM_VFP_FPSCR);
	EXPECT_EQ(0x4020000000121006ull, ctrl | KVM_REG_ARM_VFP_MVFR1);
	EXPECT_EQ(0x4020000000121007ull, ctrl | KVM_REG_ARM_VFP_MVFR0);
	EXPECT_EQ(0x4020000000121008ull, ctrl | KVM_REG_ARM_VFP_FPEXC);
	EXPECT_EQ(0x4020000000121009ull, ctrl | KVM_REG_ARM_VFP_FPINST);
	EXPECT_EQ(0x402000000012100Aull, ctrl | KVM_REG_ARM_VFP_FPINST2);
}

/* Firmware pseudo-registers: 0x4030 0000 0014 <regno:16> */
TEST(one_reg_firmware)
{
	EXPECT_EQ(0x4030000000140000ull, KVM_REG_ARM_PSCI_VERSION);
	EXPECT_EQ(0x4030000000140001ull, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1);
	EXPECT_EQ(0x4030000000140002ull, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2);
	EXPECT_EQ(0, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL);
	EXPECT_EQ(1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL);
	EXPECT_EQ(2, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED);
	EXPECT_EQ(0, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL);
	EXPECT_EQ(1, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN);
	EXPECT_EQ(2, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL);
	EXPECT_EQ(3, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED);
	EXPECT_EQ(0x10u, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED);
}

TEST(targets_and_features)
{
	EXPECT_EQ(0, KVM_ARM_TARGET_CORTEX_A15);
	EXPECT_EQ(1, KVM_ARM_TARGET_CORTEX_A7);
	EXPECT_EQ(2, KVM_ARM_NUM_TARGETS);
	EXPECT_EQ(0, KVM_ARM_VCPU_POWER_OFF);
	EXPECT_EQ(1, KVM_ARM_VCPU_PSCI_0_2);
}

TEST(device_addresses)
{
	EXPECT_EQ(0, KVM_ARM_DEVICE_TYPE_SHIFT);
	EXPECT_EQ(0xFFFF, KVM_ARM_DEVICE_TYPE_MASK);
	EXPECT_EQ(16, KVM_ARM_DEVICE_ID_SHIFT);
	/* 0xffff << 16 as a plain int: 0xffff0000, sign-extending to 64 bits */
	EXPECT_EQ(0xFFFF0000u, (__u32)KVM_ARM_DEVICE_ID_MASK);
	EXPECT_EQ(0xFFFFFFFFFFFF0000ull, (__u64)KVM_ARM_DEVICE_ID_MASK);
	EXPECT_EQ(0, KVM_ARM_DEVICE_VGIC_V2);
	EXPECT_EQ(0, KVM_VGIC_V2_ADDR_TYPE_DIST);
	EXPECT_EQ(1, KVM_VGIC_V2_ADDR_TYPE_CPU);
	EXPECT_EQ(0x1000, KVM_VGIC_V2_DIST_SIZE);
	EXPECT_EQ(0x2000, KVM_VGIC_V2_CPU_SIZE);
	EXPECT_EQ(2, KVM_VGIC_V3_ADDR_TYPE_DIST);
	EXPECT_EQ(3, KVM_VGIC_V3_ADDR_TYPE_REDIST);
	EXPECT_EQ(4, KVM_VGIC_ITS_ADDR_TYPE);
	EXPECT_EQ(5, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION);
	EXPECT_EQ(0x10000, KVM_VGIC_V3_DIST_SIZE);	/* SZ_64K */
	EXPECT_EQ(0x20000, KVM_VGIC_V3_REDIST_SIZE);	/* 2 * SZ_64K */
	EXPECT_EQ(0x20000, KVM_VGIC_V3_ITS_SIZE);	/* 2 * SZ_64K */
	/* KVM_ARM_SET_DEVICE_ADDR id for the GICv2 CPU interface: 0 << 16 | 1 */
	EXPECT_EQ(1, (KVM_ARM_DEVICE_VGIC_V2 << KVM_ARM_DEVICE_ID_SHIFT) |
		     (KVM_VGIC_V2_ADDR_TYPE_CPU << KVM_ARM_DEVICE_TYPE_SHIFT));
}

TEST(vgic_attributes)
{
	EXPECT_EQ(0, KVM_DEV_ARM_VGIC_GRP_ADDR);
	EXPECT_EQ(1, KVM_DEV_ARM_VGIC_GRP_DIST_REGS);
	EXPECT_EQ(2, KVM_DEV_ARM_VGIC_GRP_CPU_REGS);
	EXPECT_EQ(3, KVM_DEV_ARM_VGIC_GRP_NR_IRQS);
	EXPECT_EQ(4, KVM_DEV_ARM_VGIC_GRP_CTRL);
	EXPECT_EQ(5, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS);
	EXPECT_EQ(6, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS);
	EXPECT_EQ(7, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO);
	EXPECT_EQ(8, KVM_DEV_ARM_VGIC_GRP_ITS_REGS);
	EXPECT_EQ(32, KVM_DEV_ARM_VGIC_CPUID_SHIFT);
	EXPECT_EQ(0xFF00000000ull, KVM_DEV_ARM_VGIC_CPUID_MASK);
	EXPECT_EQ(32, KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT);
	EXPECT_EQ(0xFFFFFFFF00000000ull, KVM_DEV_ARM_VGIC_V3_MPIDR_MASK);
	EXPECT_EQ(0, KVM_DEV_ARM_VGIC_OFFSET_SHIFT);
	EXPECT_EQ(0xFFFFFFFFull, KVM_DEV_ARM_VGIC_OFFSET_MASK);
	EXPECT_EQ(0xFFFF, KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK);
	EXPECT_EQ(10, KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT);
	EXPECT_EQ(0xFFFFFC00ull, KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK);	/* 0x3fffff << 10 */
	EXPECT_EQ(0x3FF, KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK);
	EXPECT_EQ(0, VGIC_LEVEL_INFO_LINE_LEVEL);
	EXPECT_EQ(0, KVM_DEV_ARM_VGIC_CTRL_INIT);
	EXPECT_EQ(1, KVM_DEV_ARM_ITS_SAVE_TABLES);
	EXPECT_EQ(2, KVM_DEV_ARM_ITS_RESTORE_TABLES);
	EXPECT_EQ(3, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES);
	EXPECT_EQ(4, KVM_DEV_ARM_ITS_CTRL_RESET);
	/* CPU_REGS attr for GICC_PMR (offset 0x4) of vCPU 1: 1 << 32 | 0x4 */
	EXPECT_EQ(0x0000000100000004ull,
		  ((1ull << KVM_DEV_ARM_VGIC_CPUID_SHIFT) & KVM_DEV_ARM_VGIC_CPUID_MASK) |
		  ((0x4ull << KVM_DEV_ARM_VGIC_OFFSET_SHIFT) & KVM_DEV_ARM_VGIC_OFFSET_MASK));
}

TEST(vcpu_attributes)
{
	EXPECT_EQ(0, KVM_ARM_VCPU_PMU_V3_CTRL);
	EXPECT_EQ(0, KVM_ARM_VCPU_PMU_V3_IRQ);
	EXPECT_EQ(1, KVM_ARM_VCPU_PMU_V3_INIT);
	EXPECT_EQ(1, KVM_ARM_VCPU_TIMER_CTRL);
	EXPECT_EQ(0, KVM_ARM_VCPU_TIMER_IRQ_VTIMER);
	EXPECT_EQ(1, KVM_ARM_VCPU_TIMER_IRQ_PTIMER);
}

/* kvm_irq_level.irq = vcpu2 << 28 | type << 24 | vcpu << 16 | number */
static __u32 irq_line(__u32 type, __u32 vcpu, __u32 num)
{
	return ((vcpu >> 8) & KVM_ARM_IRQ_VCPU2_MASK) << KVM_ARM_IRQ_VCPU2_SHIFT |
	       (type & KVM_ARM_IRQ_TYPE_MASK) << KVM_ARM_IRQ_TYPE_SHIFT |
	       (vcpu & KVM_ARM_IRQ_VCPU_MASK) << KVM_ARM_IRQ_VCPU_SHIFT |
	       (num & KVM_ARM_IRQ_NUM_MASK) << KVM_ARM_IRQ_NUM_SHIFT;
}

TEST(irq_line_encoding)
{
	EXPECT_EQ(28, KVM_ARM_IRQ_VCPU2_SHIFT);
	EXPECT_EQ(0xF, KVM_ARM_IRQ_VCPU2_MASK);
	EXPECT_EQ(24, KVM_ARM_IRQ_TYPE_SHIFT);
	EXPECT_EQ(0xF, KVM_ARM_IRQ_TYPE_MASK);
	EXPECT_EQ(16, KVM_ARM_IRQ_VCPU_SHIFT);
	EXPECT_EQ(0xFF, KVM_ARM_IRQ_VCPU_MASK);
	EXPECT_EQ(0, KVM_ARM_IRQ_NUM_SHIFT);
	EXPECT_EQ(0xFFFF, KVM_ARM_IRQ_NUM_MASK);
	EXPECT_EQ(0, KVM_ARM_IRQ_TYPE_CPU);
	EXPECT_EQ(1, KVM_ARM_IRQ_TYPE_SPI);
	EXPECT_EQ(2, KVM_ARM_IRQ_TYPE_PPI);
	EXPECT_EQ(0, KVM_ARM_IRQ_CPU_IRQ);
	EXPECT_EQ(1, KVM_ARM_IRQ_CPU_FIQ);
	/* SPI with INTID 33: 1 << 24 | 33 */
	EXPECT_EQ(0x01000021u, irq_line(KVM_ARM_IRQ_TYPE_SPI, 0, 33));
	/* PPI INTID 27 (virtual timer) on vCPU 1: 2 << 24 | 1 << 16 | 27 */
	EXPECT_EQ(0x0201001Bu, irq_line(KVM_ARM_IRQ_TYPE_PPI, 1, 27));
	/* the same PPI on vCPU 257 = 1 * 256 + 1: 1 << 28 | 2 << 24 | 1 << 16 | 27 */
	EXPECT_EQ(0x1201001Bu, irq_line(KVM_ARM_IRQ_TYPE_PPI, 257, 27));
	/* FIQ line of vCPU 1: 0 << 24 | 1 << 16 | 1 */
	EXPECT_EQ(0x00010001u, irq_line(KVM_ARM_IRQ_TYPE_CPU, 1, KVM_ARM_IRQ_CPU_FIQ));
}

TEST(psci)
{
	EXPECT_EQ(0x95C1BA5Eu, KVM_PSCI_FN_BASE);
	EXPECT_EQ(0x95C1BA5Eu, KVM_PSCI_FN_CPU_SUSPEND);	/* base + 0 */
	EXPECT_EQ(0x95C1BA5Fu, KVM_PSCI_FN_CPU_OFF);		/* base + 1 */
	EXPECT_EQ(0x95C1BA60u, KVM_PSCI_FN_CPU_ON);		/* base + 2 */
	EXPECT_EQ(0x95C1BA61u, KVM_PSCI_FN_MIGRATE);		/* base + 3 */
	EXPECT_EQ(0, KVM_PSCI_RET_SUCCESS);
	EXPECT_EQ(-1, KVM_PSCI_RET_NI);
	EXPECT_EQ(-2, KVM_PSCI_RET_INVAL);
	EXPECT_EQ(-3, KVM_PSCI_RET_DENIED);
}

TEST_HARNESS_MAIN
