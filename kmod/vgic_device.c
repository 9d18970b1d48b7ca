// SPDX-License-Identifier: GPL-2.0
/*
 * The vGIC's user-space interface, as Linux 5.6 has it for a GICv2 guest:
 * KVM_CREATE_DEVICE(KVM_DEV_TYPE_ARM_VGIC_V2) and its device file's
 * attributes (frame addresses, number of IRQs, CTRL_INIT, and the
 * distributor and CPU-interface registers for save and restore), the legacy
 * KVM_CREATE_IRQCHIP + KVM_ARM_SET_DEVICE_ADDR, and KVM_IRQ_LINE.
 *
 * Errors follow KVM's: -ENXIO for an unknown group or attribute, -EBUSY
 * while a vCPU runs or for a setting that can no longer change. A register
 * offset that names no register is not an error to get or set (it reads as
 * 0), only to KVM_HAS_DEVICE_ATTR, as in Linux 5.6.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/uaccess.h>

#include "vcpu.h"
#include "vgic.h"
#include "vgic_device.h"
#include "vm.h"

/* Register accesses need every vCPU out of KVM_RUN: KVM takes all their locks. */
static bool lock_all_vcpus(struct kvm32_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!mutex_trylock(&vm->vcpus[i]->lock)) {
			while (i--)
				mutex_unlock(&vm->vcpus[i]->lock);
			return false;
		}
	}
	return true;
}

static void unlock_all_vcpus(struct kvm32_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		mutex_unlock(&vm->vcpus[i]->lock);
}

static int regs_access(struct kvm32_vm *vm, const struct kvm_device_attr *attr, bool write)
{
	u32 __user *uaddr = (u32 __user *)(unsigned long)attr->addr;
	unsigned int cpu = (attr->attr & KVM_DEV_ARM_VGIC_CPUID_MASK) >>
			   KVM_DEV_ARM_VGIC_CPUID_SHIFT;
	u32 offset = attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK;
	u32 val = 0;
	int ret;

	if (write && get_user(val, uaddr))
		return -EFAULT;
	mutex_lock(&vm->lock);
	ret = -EINVAL;
	if (cpu >= vm->nr_vcpus)
		goto out;
	ret = kvm32_vgic_init(vm);
	if (ret)
		goto out;
	ret = -EBUSY;
	if (!lock_all_vcpus(vm))
		goto out;
	if (attr->group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS)
		ret = kvm32_vgic_dist_uaccess(vm, cpu, offset, write, &val);
	else
		ret = kvm32_vgic_cpu_uaccess(vm->vcpus[cpu], offset, write, &val);
	unlock_all_vcpus(vm);
out:
	mutex_unlock(&vm->lock);
	if (!ret && !write && put_user(val, uaddr))
		ret = -EFAULT;
	return ret;
}

static int set_attr(struct kvm32_vm *vm, const struct kvm_device_attr *attr)
{
	u64 __user *uaddr64 = (u64 __user *)(unsigned long)attr->addr;
	u32 __user *uaddr32 = (u32 __user *)(unsigned long)attr->addr;
	u64 addr;
	u32 val;
	int ret;

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		if (copy_from_user(&addr, uaddr64, sizeof(addr)))
			return -EFAULT;
		mutex_lock(&vm->lock);
		ret = kvm32_vgic_set_addr(vm, attr->attr, addr);
		mutex_unlock(&vm->lock);
		return ret == -ENODEV ? -ENXIO : ret;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		if (get_user(val, uaddr32))
			return -EFAULT;
		/* At least 32 SPIs, a multiple of 32, at most KVM's limit. */
		if (val < VGIC_NR_PRIVATE + 32 || val > VGIC_NR_IRQS_LIMIT || (val & 31))
			return -EINVAL;
		mutex_lock(&vm->lock);
		ret = -EBUSY;
		if (!vm->vgic.initialized && !vm->vgic.nr_irqs) {
			vm->vgic.nr_irqs = val;
			ret = 0;
		}
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		if (attr->attr != KVM_DEV_ARM_VGIC_CTRL_INIT)
			return -ENXIO;
		mutex_lock(&vm->lock);
		ret = kvm32_vgic_init(vm);
		mutex_unlock(&vm->lock);
		return ret;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
		return regs_access(vm, attr, true);
	default:
		return -ENXIO;
	}
}

static int get_attr(struct kvm32_vm *vm, const struct kvm_device_attr *attr)
{
	u64 __user *uaddr64 = (u64 __user *)(unsigned long)attr->addr;
	u32 __user *uaddr32 = (u32 __user *)(unsigned long)attr->addr;
	u64 addr;
	int ret;

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		mutex_lock(&vm->lock);
		ret = kvm32_vgic_get_addr(vm, attr->attr, &addr);
		mutex_unlock(&vm->lock);
		if (ret)
			return ret == -ENODEV ? -ENXIO : ret;
		return copy_to_user(uaddr64, &addr, sizeof(addr)) ? -EFAULT : 0;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		/* As KVM: 32 (no SPIs yet) until set or initialized. */
		return put_user(vm->vgic.nr_irqs ?: VGIC_NR_PRIVATE, uaddr32);
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
		return regs_access(vm, attr, false);
	default:
		return -ENXIO;
	}
}

/*
 * Linux 5.6's vgic_v2_has_attr_regs(): the vCPU must exist (-EINVAL), and a
 * distributor register with a field per interrupt is there only as far as
 * the interrupts go: 32 until NR_IRQS is set or the vGIC initialized.
 */
static int has_reg(struct kvm32_vm *vm, const struct kvm_device_attr *attr)
{
	unsigned int cpu = (attr->attr & KVM_DEV_ARM_VGIC_CPUID_MASK) >>
			   KVM_DEV_ARM_VGIC_CPUID_SHIFT;
	u32 offset = attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK;
	bool exists;

	mutex_lock(&vm->lock);
	if (cpu >= vm->nr_vcpus) {
		mutex_unlock(&vm->lock);
		return -EINVAL;
	}
	if (attr->group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS)
		exists = kvm32_vgic_dist_reg_exists(offset, vm->vgic.nr_irqs ?: VGIC_NR_PRIVATE);
	else
		exists = kvm32_vgic_cpu_reg_exists(offset);
	mutex_unlock(&vm->lock);
	return exists ? 0 : -ENXIO;
}

static int has_attr(struct kvm32_vm *vm, const struct kvm_device_attr *attr)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return attr->attr == KVM_VGIC_V2_ADDR_TYPE_DIST ||
		       attr->attr == KVM_VGIC_V2_ADDR_TYPE_CPU ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
		return has_reg(vm, attr);
	default:
		return -ENXIO;
	}
}

static long vgic_device_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	struct kvm32_vm *vm = file->private_data;
	struct kvm_device_attr attr;

	if (current->mm != vm->mm)
		return -EIO;
	switch (ioctl) {
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&attr, (void __user *)arg, sizeof(attr)))
		return -EFAULT;
	if (ioctl == KVM_SET_DEVICE_ATTR)
		return set_attr(vm, &attr);
	if (ioctl == KVM_GET_DEVICE_ATTR)
		return get_attr(vm, &attr);
	return has_attr(vm, &attr);
}

static int vgic_device_release(struct inode *inode, struct file *file)
{
	/* As in KVM, the vGIC lives as long as its VM, not its file. */
	kvm32_vm_put(file->private_data);
	return 0;
}

static const struct file_operations vgic_device_fops = {
	.release = vgic_device_release,
	.unlocked_ioctl = vgic_device_ioctl,
	.llseek = noop_llseek,
};

int kvm32_vgic_create_device(struct kvm32_vm *vm, void __user *argp)
{
	struct kvm_create_device cd;
	int ret, fd;

	if (copy_from_user(&cd, argp, sizeof(cd)))
		return -EFAULT;
	if (cd.type != KVM_DEV_TYPE_ARM_VGIC_V2)
		return -ENODEV;
	if (cd.flags & KVM_CREATE_DEVICE_TEST)
		return kvm32_vgic_available() ? 0 : -ENODEV;

	mutex_lock(&vm->lock);
	ret = kvm32_vgic_create(vm);
	mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	kvm32_vm_get(vm);
	fd = anon_inode_getfd("kvm-arm-vgic-v2", &vgic_device_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		kvm32_vm_put(vm);
		return fd;
	}
	cd.fd = fd;
	/* The vGIC stays created, as in KVM where the device outlives a failed copy. */
	if (copy_to_user(argp, &cd, sizeof(cd)))
		return -EFAULT;
	return 0;
}

int kvm32_vgic_create_irqchip(struct kvm32_vm *vm)
{
	int ret;

	mutex_lock(&vm->lock);
	ret = kvm32_vgic_create(vm);
	mutex_unlock(&vm->lock);
	return ret;
}

int kvm32_vgic_set_device_addr(struct kvm32_vm *vm, void __user *argp)
{
	struct kvm_arm_device_addr dev_addr;
	u64 dev_id, type;
	int ret;

	if (copy_from_user(&dev_addr, argp, sizeof(dev_addr)))
		return -EFAULT;
	dev_id = (dev_addr.id & KVM_ARM_DEVICE_ID_MASK) >> KVM_ARM_DEVICE_ID_SHIFT;
	type = (dev_addr.id & KVM_ARM_DEVICE_TYPE_MASK) >> KVM_ARM_DEVICE_TYPE_SHIFT;
	if (dev_id != KVM_ARM_DEVICE_VGIC_V2)
		return -ENODEV;
	if (!kvm32_vgic_available())
		return -ENXIO;
	mutex_lock(&vm->lock);
	ret = kvm32_vgic_set_addr(vm, type, dev_addr.addr);
	mutex_unlock(&vm->lock);
	return ret;
}

int kvm32_irq_line(struct kvm32_vm *vm, void __user *argp)
{
	struct kvm_irq_level irq_level;
	u32 irq, type, num, idx;
	bool in_kernel = READ_ONCE(vm->vgic.created);
	int ret;

	if (copy_from_user(&irq_level, argp, sizeof(irq_level)))
		return -EFAULT;
	irq = irq_level.irq;
	type = (irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	idx = (irq >> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK;
	idx += ((irq >> KVM_ARM_IRQ_VCPU2_SHIFT) & KVM_ARM_IRQ_VCPU2_MASK) *
	       (KVM_ARM_IRQ_VCPU_MASK + 1);
	num = (irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;

	switch (type) {
	case KVM_ARM_IRQ_TYPE_CPU:
		if (in_kernel)
			return -ENXIO;
		if (idx >= READ_ONCE(vm->nr_vcpus))
			return -EINVAL;
		return kvm32_vcpu_set_irq_line(vm->vcpus[idx], num, irq_level.level);
	case KVM_ARM_IRQ_TYPE_PPI:
		if (!in_kernel)
			return -ENXIO;
		if (idx >= READ_ONCE(vm->nr_vcpus))
			return -EINVAL;
		if (num < VGIC_NR_SGIS || num >= VGIC_NR_PRIVATE)
			return -EINVAL;
		break;
	case KVM_ARM_IRQ_TYPE_SPI:
		if (!in_kernel)
			return -ENXIO;
		if (num < VGIC_NR_PRIVATE)
			return -EINVAL;
		idx = 0;
		break;
	default:
		return -EINVAL;
	}
	/* KVM initializes a GICv2 lazily on the first injection. */
	mutex_lock(&vm->lock);
	ret = kvm32_vgic_init(vm);
	mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	return kvm32_vgic_set_line(vm, idx, num, irq_level.level);
}
