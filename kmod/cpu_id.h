/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deciding from a CPU's identification registers whether kvm32 can use it.
 *
 * Pure logic, free of kernel calls, so the host unit tests exercise it too.
 */
#ifndef KVM32_CPU_ID_H
#define KVM32_CPU_ID_H

#include <linux/types.h>

/* What a user can do when Hyp mode is missing (QEMU also hides ID_PFR1's field then). */
#define KVM32_BOOT_ADVICE \
	"boot the kernel in HYP mode (a bootloader/firmware setting; QEMU: -M virt,virtualization=on)"

struct kvm32_cpu_ids {
	u32 midr;	/* Main ID Register */
	u32 id_pfr1;	/* Processor Feature Register 1: Virtualization field */
	u32 id_mmfr0;	/* Memory Model Feature Register 0: VMSA (LPAE) field */
};

enum kvm32_cpu_verdict {
	KVM32_CPU_OK,
	KVM32_CPU_NO_VIRT_EXT,	/* no Virtualization Extensions */
	KVM32_CPU_NO_LPAE,	/* stage 2 and the Hyp MMU need LPAE */
	KVM32_CPU_UNKNOWN_PART,	/* not a Cortex-A15 or Cortex-A7 */
};

/* The KVM_ARM_TARGET_* value the part maps to, or -1 if none. */
int kvm32_cpu_target(u32 midr);

enum kvm32_cpu_verdict kvm32_cpu_check(const struct kvm32_cpu_ids *ids);

/* A human-readable reason for a verdict, for the one dmesg line insmod prints. */
const char *kvm32_cpu_verdict_str(enum kvm32_cpu_verdict verdict);

/*
 * Whether guests can train this part's branch predictor against the host
 * (Spectre variant 2): Cortex-A15 yes, Cortex-A7 no (it does not predict
 * indirect branches speculatively in a way guests can steer).
 */
bool kvm32_cpu_needs_bp_hardening(u32 midr);

/* "Cortex-A15", "Cortex-A7" or "unknown". */
const char *kvm32_cpu_name(u32 midr);

#endif /* KVM32_CPU_ID_H */
