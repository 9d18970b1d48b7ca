// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: the VM file and its ioctls, guest memory and stage 2.
 *
 * Guest memory is the VMM's own memory, described by memory slots. Stage 2
 * is filled on demand: a guest access to a page not yet mapped faults to the
 * host (stage2.c maps it). The page is pinned when it is mapped and stays
 * pinned until its slot is deleted or moved, or the VM goes away. Pinning
 * rather than MMU notifiers keeps the guest's view simple and safe: a page
 * the guest can reach is never freed or reused under it, even if the VMM
 * unmaps its memory (the guest then keeps the old page until the slot goes).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/arch_timer.h>

#include "caps.h"
#include "hyp_call.h"
#include "irqfd.h"
#include "stage2.h"
#include "vcpu.h"
#include "vgic_device.h"
#include "vm.h"

void kvm32_vm_get(struct kvm32_vm *vm)
{
	refcount_inc(&vm->refs);
}

static void vm_free(struct kvm32_vm *vm)
{
	unsigned int i;

	/* First what could still inject into the VM from outside. */
	kvm32_irqfd_vm_destroy(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		kvm32_vcpu_free(vm->vcpus[i]);
	kvm32_vgic_vm_destroy(vm);
	kvm32_stage2_destroy(vm);
	mmdrop(vm->mm);
	kfree(vm);
	module_put(THIS_MODULE);
}

void kvm32_vm_put(struct kvm32_vm *vm)
{
	if (refcount_dec_and_test(&vm->refs))
		vm_free(vm);
}

void kvm32_vm_set_cntvoff(struct kvm32_vm *vm, u64 cntvoff)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	vm->cntvoff = cntvoff;
	/* A running vCPU takes it at its next entry. */
	for (i = 0; i < vm->nr_vcpus; i++)
		WRITE_ONCE(vm->vcpus[i]->hyp->cntvoff, cntvoff);
}

u64 kvm32_vm_vttbr(const struct kvm32_vm *vm)
{
	return vm->s2.root_pa | ((u64)vm->vmid << 48);
}

static int vm_set_memory_region(struct kvm32_vm *vm, void __user *argp)
{
	struct kvm_userspace_memory_region mem;

	if (copy_from_user(&mem, argp, sizeof(mem)))
		return -EFAULT;
	return kvm32_stage2_set_region(vm, &mem);
}

static int vm_create_vcpu(struct kvm32_vm *vm, unsigned long id)
{
	int ret;

	mutex_lock(&vm->lock);
	ret = kvm32_vcpu_create(vm, id);
	mutex_unlock(&vm->lock);
	return ret;
}

static int vm_irqfd(struct kvm32_vm *vm, void __user *argp)
{
	struct kvm_irqfd args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	return kvm32_irqfd(vm, &args);
}

static int vm_ioeventfd(struct kvm32_vm *vm, void __user *argp)
{
	struct kvm_ioeventfd args;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	return kvm32_ioeventfd(vm, &args);
}

static long vm_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	struct kvm32_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	/* Guest memory is in the creator's address space: nobody else's. */
	if (current->mm != vm->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_CHECK_EXTENSION:
		return kvm32_check_extension(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		return vm_set_memory_region(vm, argp);
	case KVM_CREATE_VCPU:
		return vm_create_vcpu(vm, arg);
	case KVM_ARM_PREFERRED_TARGET:
		return kvm32_vcpu_preferred_target(argp);
	case KVM_CREATE_DEVICE:
		return kvm32_vgic_create_device(vm, argp);
	case KVM_CREATE_IRQCHIP:
		return kvm32_vgic_create_irqchip(vm);
	case KVM_ARM_SET_DEVICE_ADDR:
		return kvm32_vgic_set_device_addr(vm, argp);
	case KVM_IRQ_LINE:
		return kvm32_irq_line(vm, argp);
	case KVM_IRQFD:
		return vm_irqfd(vm, argp);
	case KVM_IOEVENTFD:
		return vm_ioeventfd(vm, argp);
	default:
		return -EINVAL;
	}
}

static int vm_release(struct inode *inode, struct file *file)
{
	kvm32_vm_put(file->private_data);
	return 0;
}

static const struct file_operations vm_fops = {
	.release = vm_release,
	.unlocked_ioctl = vm_ioctl,
	.llseek = noop_llseek,
};

int kvm32_vm_create(unsigned long type)
{
	struct kvm32_vm *vm;
	int ret, fd;

	/* 32-bit ARM KVM has one machine type: 0, the 40-bit IPA space. */
	if (type)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->refs, 1);
	mutex_init(&vm->lock);
	kvm32_vgic_vm_init(vm);
	kvm32_irqfd_vm_init(vm);
	vm->mm = current->mm;
	/* The guest's virtual counter starts near zero, as on a board at reset. */
	vm->cntvoff = __arch_counter_get_cntpct();
	vm->psci_version = 0x00010000;	/* PSCI 1.0, the newest (KVM_REG_ARM_PSCI_VERSION) */
	mmgrab(vm->mm);
	/* Unloading must wait until the VM is gone: it holds Hyp state. */
	__module_get(THIS_MODULE);

	ret = kvm32_stage2_init(vm);
	if (ret) {
		vm_free(vm);
		return ret;
	}
	fd = anon_inode_getfd("kvm-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		vm_free(vm);
	return fd;
}
