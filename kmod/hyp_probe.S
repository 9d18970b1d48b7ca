/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instructions that may be UNDEFINED, executed where hyp_detect.c can catch
 * the exception: the undefined-instruction handler's report is intercepted at
 * exactly these addresses, the instruction is stepped over and r0 is set to
 * PROBE_UNDEFINED.
 *
 * u32 kvm32_probe_hvc(u32 fn): "hvc #0" with r0 = fn. The kernel's hyp stub
 * answers HVC_STUB_ERR to a function it does not know; another hypervisor
 * answers something else; without Hyp mode (CPU booted in SVC or Secure
 * state) the hvc is UNDEFINED.
 *
 * u32 kvm32_probe_udf(void): a permanently UNDEFINED instruction, to prove
 * the catcher works (module parameter probe_selftest).
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

	.arch_extension virt
	.text
ENTRY(kvm32_probe_hvc)
	.globl	kvm32_probe_hvc_insn
kvm32_probe_hvc_insn:
	hvc	#0
	ret	lr
ENDPROC(kvm32_probe_hvc)

ENTRY(kvm32_probe_udf)
	.globl	kvm32_probe_udf_insn
kvm32_probe_udf_insn:
	/* udf #0x4b32: an encoding no kernel undef hook claims. */
	.inst	0xe7f4b3f2
	ret	lr
ENDPROC(kvm32_probe_udf)
