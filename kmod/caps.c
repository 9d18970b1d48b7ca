// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_CHECK_EXTENSION: kvm32 says yes only to what works. A capability is
 * added here in the same change that makes it work, with its test.
 */
#include <linux/cpumask.h>
#include <linux/kvm.h>

#include "caps.h"
#include "memslot.h"
#include "vgic.h"
#include "vm.h"

long kvm32_check_extension(struct kvm32_vm *vm, unsigned long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_ONE_REG:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_IMMEDIATE_EXIT:
		return 1;
	/*
	 * The in-kernel irqchip and what hangs off it, with the values Linux
	 * 5.6 gives for 32-bit ARM (there KVM_CAP_IRQCHIP follows the vGIC's
	 * presence and the others are always 1); here all of them need the
	 * host GIC's virtualization interface, without which an irqfd could
	 * never be assigned.
	 */
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IRQFD:
	case KVM_CAP_IRQFD_RESAMPLE:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_DEVICE_CTRL:
	case KVM_CAP_ARM_IRQ_LINE_LAYOUT_2:
		return kvm32_vgic_available();
	case KVM_CAP_NR_VCPUS:
		return num_online_cpus();	/* the recommended maximum, as KVM */
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return KVM32_MAX_VCPUS;
	case KVM_CAP_NR_MEMSLOTS:
		return KVM32_USER_MEM_SLOTS;
	default:
		return 0;
	}
}
