/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual machine: its memory slots, its stage-2 translation, its VMID and
 * its vCPUs. Created by KVM_CREATE_VM on /dev/kvm; lives while its file or
 * any of its vCPUs' files is open.
 */
#ifndef KVM32_VM_H
#define KVM32_VM_H

#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "lpae_pgtable.h"
#include "memslot.h"
#include "vgic.h"

#define KVM32_MAX_VCPUS	8	/* KVM_CAP_MAX_VCPUS: a GICv2 serves 8 CPUs */

struct kvm32_vcpu;
struct mm_struct;
struct page;

struct kvm32_vm {
	refcount_t refs;		/* the VM file and each vCPU */
	struct mm_struct *mm;		/* the VMM's: guest memory lives there */

	struct mutex lock;		/* slots, stage 2, vCPU creation */
	struct kvm32_memslots slots;
	struct page **pinned[KVM32_USER_MEM_SLOTS];	/* per slot, by page */
	struct lpae_pgtable s2;
	u64 cntvoff;			/* virtual counter = physical - cntvoff */
	u32 psci_version;		/* offered with KVM_ARM_VCPU_PSCI_0_2 */

	/* VMID (vmid.c): valid while vmid_gen is the current generation. */
	u64 vmid_gen;
	u32 vmid;

	struct kvm32_vcpu *vcpus[KVM32_MAX_VCPUS];	/* by creation order */
	unsigned int nr_vcpus;

	struct kvm32_vgic vgic;

	spinlock_t irqfd_lock;		/* irqfds (irqfd.c) */
	struct list_head irqfds;
	spinlock_t ioeventfd_lock;	/* ioeventfds */
	struct list_head ioeventfds;
};

/* KVM_CREATE_VM: returns the new VM's file descriptor or a negative errno. */
int kvm32_vm_create(unsigned long type);

void kvm32_vm_get(struct kvm32_vm *vm);
void kvm32_vm_put(struct kvm32_vm *vm);

/*
 * Sets the VM's virtual counter offset, the same for every vCPU (the one
 * virtual counter of a VM), with vm->lock held.
 */
void kvm32_vm_set_cntvoff(struct kvm32_vm *vm, u64 cntvoff);

/* The VTTBR that enters this VM's stage 2 under its current VMID. */
u64 kvm32_vm_vttbr(const struct kvm32_vm *vm);

#endif /* KVM32_VM_H */
