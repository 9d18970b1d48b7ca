// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual GICv2 as guests use it: interrupts injected from user space
 * (KVM_IRQ_LINE, irqfd) reach the guest's CPU interface, which acknowledges
 * and completes them in the GICV frame without trapping.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"
#include "vgic.h"

#define TEST_SPI	40

static GUEST_CODE void guest_take_spi(void)
{
	uint32_t iar;

	gic_guest_init();
	gic_guest_enable(TEST_SPI, 0xa0, 1);
	GUEST_SYNC(1);
	iar = gic_guest_wait_ack();
	GUEST_ASSERT_EQ(GIC_IAR_ID(iar), TEST_SPI);
	gic_guest_eoi(iar);
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);
	GUEST_DONE();
}

TEST(spi_from_irq_line_is_acked_and_completed)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_take_spi);
	struct ucall uc;

	vgic_v2_setup(vm, 0);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	ASSERT_EQ(0, vgic_irq_line(vm, IRQ_LINE_SPI(TEST_SPI), 1));
	ASSERT_EQ(0, vgic_irq_line(vm, IRQ_LINE_SPI(TEST_SPI), 0));
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

TEST_HARNESS_MAIN
