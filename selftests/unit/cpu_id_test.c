// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: kmod/cpu_id.c
/*
 * Which CPUs kvm32 accepts: the decision insmod makes from MIDR, ID_PFR1 and
 * ID_MMFR0 on every CPU.
 */
#include <string.h>

#include "cpu_id.h"
#include "kselftest_harness.h"

/* Register values of real parts (TRMs) and of QEMU's cortex-a15 model. */
#define MIDR_A15_R2P4		0x412fc0f4
#define MIDR_QEMU_A15		0x414fc0f0
#define MIDR_A7_R0P5		0x410fc075
#define MIDR_A9_R4P1		0x414fc091
#define MIDR_QCOM_KRAIT		0x510f04d0
#define PFR1_WITH_VIRT		0x00011131
#define PFR1_NO_VIRT		0x00000131	/* QEMU with EL2 off; Cortex-A9 */
#define MMFR0_LPAE		0x10201105
#define MMFR0_NO_LPAE		0x10100103	/* Cortex-A9: VMSAv7 with PXN, no LPAE */

static struct kvm32_cpu_ids ids(u32 midr, u32 pfr1, u32 mmfr0)
{
	return (struct kvm32_cpu_ids){ .midr = midr, .id_pfr1 = pfr1, .id_mmfr0 = mmfr0 };
}

TEST(cortex_a15_and_a7_are_supported)
{
	struct kvm32_cpu_ids a15 = ids(MIDR_A15_R2P4, PFR1_WITH_VIRT, MMFR0_LPAE);
	struct kvm32_cpu_ids qemu = ids(MIDR_QEMU_A15, PFR1_WITH_VIRT, MMFR0_LPAE);
	struct kvm32_cpu_ids a7 = ids(MIDR_A7_R0P5, PFR1_WITH_VIRT, MMFR0_LPAE);

	EXPECT_EQ(KVM32_CPU_OK, kvm32_cpu_check(&a15));
	EXPECT_EQ(KVM32_CPU_OK, kvm32_cpu_check(&qemu));
	EXPECT_EQ(KVM32_CPU_OK, kvm32_cpu_check(&a7));
}

TEST(targets_follow_the_kvm_abi)
{
	EXPECT_EQ(0, kvm32_cpu_target(MIDR_A15_R2P4));	/* KVM_ARM_TARGET_CORTEX_A15 */
	EXPECT_EQ(1, kvm32_cpu_target(MIDR_A7_R0P5));	/* KVM_ARM_TARGET_CORTEX_A7 */
	EXPECT_EQ(-1, kvm32_cpu_target(MIDR_A9_R4P1));
	EXPECT_EQ(-1, kvm32_cpu_target(MIDR_QCOM_KRAIT));
	EXPECT_STREQ("Cortex-A15", kvm32_cpu_name(MIDR_QEMU_A15));
	EXPECT_STREQ("Cortex-A7", kvm32_cpu_name(MIDR_A7_R0P5));
	EXPECT_STREQ("unknown", kvm32_cpu_name(MIDR_QCOM_KRAIT));
}

TEST(missing_virtualization_extensions_are_refused_first)
{
	struct kvm32_cpu_ids qemu_no_el2 = ids(MIDR_QEMU_A15, PFR1_NO_VIRT, MMFR0_LPAE);
	struct kvm32_cpu_ids a9 = ids(MIDR_A9_R4P1, PFR1_NO_VIRT, MMFR0_NO_LPAE);

	EXPECT_EQ(KVM32_CPU_NO_VIRT_EXT, kvm32_cpu_check(&qemu_no_el2));
	EXPECT_EQ(KVM32_CPU_NO_VIRT_EXT, kvm32_cpu_check(&a9));
	/* The message tells the user what to do. */
	EXPECT_NE(NULL, strstr(kvm32_cpu_verdict_str(KVM32_CPU_NO_VIRT_EXT),
			       "boot the kernel in HYP mode"));
}

TEST(virtualization_without_lpae_is_refused)
{
	struct kvm32_cpu_ids odd = ids(MIDR_A15_R2P4, PFR1_WITH_VIRT, MMFR0_NO_LPAE);

	EXPECT_EQ(KVM32_CPU_NO_LPAE, kvm32_cpu_check(&odd));
}

TEST(other_parts_are_refused)
{
	/* A third-party core with the extensions still has no KVM target. */
	struct kvm32_cpu_ids krait = ids(MIDR_QCOM_KRAIT, PFR1_WITH_VIRT, MMFR0_LPAE);

	EXPECT_EQ(KVM32_CPU_UNKNOWN_PART, kvm32_cpu_check(&krait));
	EXPECT_NE(NULL, strstr(kvm32_cpu_verdict_str(KVM32_CPU_UNKNOWN_PART), "Cortex-A15"));
}

TEST(only_cortex_a15_needs_branch_predictor_hardening)
{
	/* Spectre v2: guests can steer the A15's indirect predictor, not the A7's. */
	EXPECT_TRUE(kvm32_cpu_needs_bp_hardening(MIDR_A15_R2P4));
	EXPECT_TRUE(kvm32_cpu_needs_bp_hardening(MIDR_QEMU_A15));
	EXPECT_FALSE(kvm32_cpu_needs_bp_hardening(MIDR_A7_R0P5));
	EXPECT_FALSE(kvm32_cpu_needs_bp_hardening(MIDR_A9_R4P1));
}

TEST(only_the_virtualization_field_counts)
{
	/* ID_PFR1[15:12] == 1 means present; other values are reserved. */
	struct kvm32_cpu_ids reserved = ids(MIDR_A15_R2P4, 0x00012131, MMFR0_LPAE);

	EXPECT_EQ(KVM32_CPU_NO_VIRT_EXT, kvm32_cpu_check(&reserved));
}

TEST_HARNESS_MAIN
