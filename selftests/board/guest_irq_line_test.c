// SPDX-License-Identifier: GPL-2.0
/*
 * A VM without an in-kernel interrupt controller: user space drives each
 * vCPU's IRQ and FIQ inputs itself with KVM_IRQ_LINE (KVM_ARM_IRQ_TYPE_CPU),
 * as 32-bit ARM KVM allows. A raised line is an exception in the guest once
 * it unmasks it, wakes it from WFI even while masked, and a lowered line is
 * nothing. Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"

#define CPU_LINE(vcpu, line)							\
	((KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |			\
	 ((vcpu) << KVM_ARM_IRQ_VCPU_SHIFT) | (line))

static int irq_line(struct kvm_vm *vm, uint32_t irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	return ioctl(vm->fd, KVM_IRQ_LINE, &l);
}

/* Masked, waits for the line (WFI), then unmasks IRQs (r0 = 0) or FIQs (r0 = 1). */
static GUEST_CODE void guest_unmask_after_wfi(uint32_t fiq)
{
	GUEST_SYNC(1);
	asm volatile("wfi" : : : "memory");
	GUEST_SYNC(2);
	if (fiq)
		asm volatile("cpsie f" : : : "memory");
	else
		asm volatile("cpsie i" : : : "memory");
	for (;;)
		;
}

static void expect_exception(struct __test_metadata *_metadata, uint32_t line,
			     uint32_t vector)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_unmask_after_wfi);
	struct ucall uc;

	vcpu_args_set(vcpu, 1, line);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(1, uc.args[0]);
	/* Raised before the guest's WFI: the WFI must return, not sleep forever. */
	ASSERT_EQ(0, irq_line(vm, CPU_LINE(0, line), 1));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(2, uc.args[0]);
	vcpu_run_ok(vcpu);
	ASSERT_EQ(UCALL_UNHANDLED, get_ucall(vcpu, &uc));
	EXPECT_EQ(vector, uc.args[0]);
	vm_free(vm);
}

TEST(raised_irq_line_is_an_irq_exception)
{
	expect_exception(_metadata, KVM_ARM_IRQ_CPU_IRQ, GUEST_VECTOR_IRQ);
}

TEST(raised_fiq_line_is_an_fiq_exception)
{
	expect_exception(_metadata, KVM_ARM_IRQ_CPU_FIQ, GUEST_VECTOR_FIQ);
}

static GUEST_CODE void guest_unmasked_counts(void)
{
	asm volatile("cpsie if" : : : "memory");
	for (uint32_t i = 0; i < 3; i++)
		GUEST_SYNC(i);
	GUEST_DONE();
}

TEST(lowered_line_is_no_interrupt)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_unmasked_counts);
	struct ucall uc;

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(0, irq_line(vm, CPU_LINE(0, KVM_ARM_IRQ_CPU_IRQ), 1));
	ASSERT_EQ(0, irq_line(vm, CPU_LINE(0, KVM_ARM_IRQ_CPU_IRQ), 0));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

TEST(cpu_line_errors)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_unmasked_counts);

	/* Line 2 does not exist; vCPU 1 does not exist. */
	EXPECT_EQ(-1, irq_line(vm, CPU_LINE(0, 2), 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, irq_line(vm, CPU_LINE(1, KVM_ARM_IRQ_CPU_IRQ), 1));
	EXPECT_EQ(EINVAL, errno);
	/* Without an in-kernel vGIC, SPIs and PPIs have nowhere to go. */
	EXPECT_EQ(-1, irq_line(vm, (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1));
	EXPECT_EQ(ENXIO, errno);
	vm_free(vm);
}

TEST_HARNESS_MAIN
