// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kvm: the system-wide ioctls of the KVM API (api.rst, section 4),
 * answered as 32-bit ARM KVM in Linux 5.6 answers them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "caps.h"
#include "kvm_dev.h"
#include "vm.h"

static char *devname = "kvm";
module_param(devname, charp, 0444);
MODULE_PARM_DESC(devname, "Name of the device under /dev (default kvm), for hosts that have one already");

static long kvm32_dev_ioctl(struct file *file, unsigned int ioctl, unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		return arg ? -EINVAL : KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return kvm32_check_extension(NULL, arg);
	case KVM_CREATE_VM:
		return kvm32_vm_create(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		/* struct kvm_run only: no coalesced-MMIO ring page. */
		return arg ? -EINVAL : PAGE_SIZE;
	case KVM_TRACE_ENABLE:
	case KVM_TRACE_PAUSE:
	case KVM_TRACE_DISABLE:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static const struct file_operations kvm32_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm32_dev_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice kvm32_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.fops = &kvm32_dev_fops,
	.mode = 0660,
};

int kvm32_dev_init(void)
{
	int ret;

	kvm32_dev.name = devname;
	ret = misc_register(&kvm32_dev);
	if (ret)
		pr_err("cannot register /dev/%s (%d); load with devname=<other> if the name is taken\n",
		       devname, ret);
	return ret;
}

void kvm32_dev_exit(void)
{
	misc_deregister(&kvm32_dev);
}
