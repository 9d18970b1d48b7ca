/* SPDX-License-Identifier: GPL-2.0 */
/* Probe instructions that may be UNDEFINED (hyp_probe.S); see hyp_detect.c. */
#ifndef KVM32_HYP_PROBE_H
#define KVM32_HYP_PROBE_H

#include <linux/types.h>

u32 kvm32_probe_hvc(u32 fn);
u32 kvm32_probe_udf(void);

/* The addresses of the probe instructions themselves. */
extern const char kvm32_probe_hvc_insn[];
extern const char kvm32_probe_udf_insn[];

#endif /* KVM32_HYP_PROBE_H */
