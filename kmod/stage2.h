/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_STAGE2_H
#define KVM32_STAGE2_H

#include <linux/atomic.h>
#include <linux/kvm.h>
#include <linux/types.h>

#include "vm.h"

int kvm32_stage2_init(struct kvm32_vm *vm);
/* Unmaps and unpins everything, frees the tables. */
void kvm32_stage2_destroy(struct kvm32_vm *vm);

/* KVM_SET_USER_MEMORY_REGION: create, move, change or delete a slot. */
int kvm32_stage2_set_region(struct kvm32_vm *vm, const struct kvm_userspace_memory_region *mem);

/*
 * Maps the guest page at @ipa from its slot, after a stage-2 fault.
 * Returns 0 (mapped, or already mapped), -ENOENT if no slot holds it or
 * @write hits a read-only slot (both MMIO), or another negative errno.
 */
int kvm32_stage2_map(struct kvm32_vm *vm, u64 ipa, bool write);

/*
 * Unmaps and unpins all guest memory, keeping the slots: every page is
 * faulted in again, and cleaned to the PoC on the way (stage2.c), as when
 * the VM started. For a vCPU reset after it ran (a guest reboot), when the
 * VMM has just reloaded the images and the guest will run with caches off.
 */
void kvm32_stage2_evict_all(struct kvm32_vm *vm);

/*
 * Maps device registers [pa, pa + size) at @ipa (the vGIC's CPU interface),
 * with vm->lock held. Returns 0 or a negative errno (-EEXIST: something is
 * mapped there already).
 */
int kvm32_stage2_map_device(struct kvm32_vm *vm, u64 ipa, phys_addr_t pa, u64 size);

/* How many 2 MiB blocks stage 2 has mapped since load (debugfs). */
extern atomic_long_t kvm32_stage2_block_maps;

#endif /* KVM32_STAGE2_H */
