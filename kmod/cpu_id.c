// SPDX-License-Identifier: GPL-2.0
/*
 * Which CPUs kvm32 supports, decided from identification registers alone.
 *
 * The Virtualization Extensions are advertised by ID_PFR1[15:12] and require
 * the Large Physical Address Extension (ID_MMFR0[3:0] >= 5), which kvm32 uses
 * for both the Hyp translation regime and stage 2. The guest-visible CPU
 * model is the host's (KVM_ARM_PREFERRED_TARGET), so only parts with a KVM
 * target are supported: Cortex-A15 and Cortex-A7.
 */
#include "cpu_id.h"

#define MIDR_IMPLEMENTER(midr)	(((midr) >> 24) & 0xff)
#define MIDR_PARTNUM(midr)	(((midr) >> 4) & 0xfff)
#define IMPLEMENTER_ARM		0x41
#define PART_CORTEX_A7		0xc07
#define PART_CORTEX_A15		0xc0f

#define ID_PFR1_VIRT(pfr1)	(((pfr1) >> 12) & 0xf)
#define ID_MMFR0_VMSA(mmfr0)	((mmfr0) & 0xf)
#define VMSA_LPAE		5

/* Values of the 32-bit ARM KVM ABI (KVM_ARM_TARGET_CORTEX_A15/A7). */
#define TARGET_CORTEX_A15	0
#define TARGET_CORTEX_A7	1

int kvm32_cpu_target(u32 midr)
{
	if (MIDR_IMPLEMENTER(midr) != IMPLEMENTER_ARM)
		return -1;
	switch (MIDR_PARTNUM(midr)) {
	case PART_CORTEX_A15:
		return TARGET_CORTEX_A15;
	case PART_CORTEX_A7:
		return TARGET_CORTEX_A7;
	default:
		return -1;
	}
}

bool kvm32_cpu_needs_bp_hardening(u32 midr)
{
	return kvm32_cpu_target(midr) == TARGET_CORTEX_A15;
}

const char *kvm32_cpu_name(u32 midr)
{
	switch (kvm32_cpu_target(midr)) {
	case TARGET_CORTEX_A15:
		return "Cortex-A15";
	case TARGET_CORTEX_A7:
		return "Cortex-A7";
	default:
		return "unknown";
	}
}

enum kvm32_cpu_verdict kvm32_cpu_check(const struct kvm32_cpu_ids *ids)
{
	if (ID_PFR1_VIRT(ids->id_pfr1) != 1)
		return KVM32_CPU_NO_VIRT_EXT;
	if (ID_MMFR0_VMSA(ids->id_mmfr0) < VMSA_LPAE)
		return KVM32_CPU_NO_LPAE;
	if (kvm32_cpu_target(ids->midr) < 0)
		return KVM32_CPU_UNKNOWN_PART;
	return KVM32_CPU_OK;
}

const char *kvm32_cpu_verdict_str(enum kvm32_cpu_verdict verdict)
{
	switch (verdict) {
	case KVM32_CPU_OK:
		return "supported";
	case KVM32_CPU_NO_VIRT_EXT:
		return "the CPU reports no Virtualization Extensions (ID_PFR1): " KVM32_BOOT_ADVICE;
	case KVM32_CPU_NO_LPAE:
		return "the CPU has no LPAE (ID_MMFR0), which Hyp mode and stage 2 need";
	case KVM32_CPU_UNKNOWN_PART:
		return "not a Cortex-A15 or Cortex-A7 (KVM's 32-bit ABI has no target for it)";
	}
	return "unknown verdict";
}
