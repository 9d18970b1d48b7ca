// SPDX-License-Identifier: GPL-2.0
/*
 * VMIDs tag a VM's TLB entries (VTTBR.VMID, 8 bits). VMID 0 is never given
 * out: it marks "no VM". Within a generation each VM gets its own VMID; when
 * they run out, the generation changes, all guest TLB entries of all VMIDs
 * are invalidated, and VMs get new VMIDs as they next run.
 */
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "hyp_call.h"
#include "vmid.h"

#define VMID_COUNT	256

static DEFINE_SPINLOCK(vmid_lock);
static u64 vmid_gen = 1;	/* VMs start at generation 0: stale */
static u32 next_vmid = 1;

static void leave_guest(void *unused)
{
	/* The IPI itself makes a CPU running a guest exit to the host. */
}

bool kvm32_vmid_stale(const struct kvm32_vm *vm)
{
	return READ_ONCE(vm->vmid_gen) != READ_ONCE(vmid_gen);
}

void kvm32_vmid_update(struct kvm32_vm *vm)
{
	if (!kvm32_vmid_stale(vm))
		return;

	spin_lock(&vmid_lock);
	if (vm->vmid_gen != vmid_gen) {
		if (next_vmid == VMID_COUNT) {
			WRITE_ONCE(vmid_gen, vmid_gen + 1);
			next_vmid = 1;
			/*
			 * Other CPUs may be in guests under old VMIDs: make
			 * them exit, and wait until they have (they pick up a
			 * new VMID on re-entry); only then drop every guest TLB
			 * entry everywhere, or a CPU still in its guest could
			 * refill entries under a VMID about to change hands.
			 */
			smp_call_function(leave_guest, NULL, 1);
			kvm32_hyp_call(HYP_CALL_FLUSH_ALL_VMIDS, 0, 0, 0);
		}
		vm->vmid = next_vmid++;
		WRITE_ONCE(vm->vmid_gen, vmid_gen);
	}
	spin_unlock(&vmid_lock);
}
