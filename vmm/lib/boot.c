// SPDX-License-Identifier: GPL-2.0
/*
 * Booting the guest as a boot loader would (Documentation/arch/arm/
 * booting.rst): kernel, initrd and device tree into RAM, then vCPU 0 in SVC
 * mode with interrupts masked, MMU and caches off (its reset state),
 * r0 = 0, r1 = ~0 (machine type: use the device tree), r2 = the DTB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm.h"
#include "devtree.h"
#include "loader.h"

/* A kernel or initrd larger than this cannot be meant for a 32-bit guest. */
#define MAX_IMAGE_SIZE		(1024ull << 20)
#define CORE_REG(name)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE |		\
			 (offsetof(struct kvm_regs, name) / sizeof(uint32_t)))

static int set_reg(struct vmm_vcpu *vcpu, uint64_t id, uint32_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

static uint32_t virtio_slot_mask(const struct vmm *vm)
{
	uint32_t mask = 0;
	unsigned int i;

	for (i = 0; i < vm->nr_virtio; i++)
		mask |= 1u << vm->virtio[i]->slot;
	return mask;
}

static int write_dtb(struct vmm *vm, const struct boot_layout *layout, char *err, size_t errlen)
{
	void *dst = guest_mem_ptr(&vm->mem, layout->dtb_gpa, layout->dtb_max);
	struct devtree_config dt = {
		.ram_base = vm->mem.gpa,
		.ram_size = vm->mem.size,
		.nr_cpus = vm->nr_cpus,
		.bootargs = vm->cfg.cmdline,
		.initrd_start = layout->initrd_gpa,
		.initrd_size = layout->initrd_size,
		.uart = true,
		.rtc = true,
		.virtio_slots = virtio_slot_mask(vm),
		.stdout_uart = true,
	};
	void *data;
	size_t size;
	int ret;

	if (!dst)
		return vmm_err(err, errlen, -EFBIG, "no room for the device tree in guest RAM");
	if (!vm->cfg.dtb) {
		ret = devtree_build(&dt, dst, layout->dtb_max);
		return ret < 0 ? vmm_err(err, errlen, ret, "building the device tree: %s",
					 strerror(-ret)) : 0;
	}
	ret = loader_read_file(vm->cfg.dtb, layout->dtb_max, &data, &size, err, errlen);
	if (ret)
		return ret;
	memcpy(dst, data, size);
	free(data);
	return 0;
}

int vmm_boot_load(struct vmm *vm, char *err, size_t errlen)
{
	struct vmm_vcpu *boot = &vm->vcpus[0];
	void *kernel = NULL, *initrd = NULL;
	size_t kernel_len = 0, initrd_len = 0;
	struct boot_layout layout;
	char msg[256];
	int ret;

	ret = loader_read_file(vm->cfg.kernel, MAX_IMAGE_SIZE, &kernel, &kernel_len, msg,
			       sizeof(msg));
	if (ret) {
		vmm_err(err, errlen, ret, "--kernel %s", msg);
		goto out;
	}
	if (vm->cfg.initrd) {
		ret = loader_read_file(vm->cfg.initrd, MAX_IMAGE_SIZE, &initrd, &initrd_len, msg,
				       sizeof(msg));
		if (ret) {
			vmm_err(err, errlen, ret, "--initrd %s", msg);
			goto out;
		}
	}
	ret = loader_load(&vm->mem, kernel, kernel_len, initrd, initrd_len, &layout, msg,
			  sizeof(msg));
	if (ret) {
		vmm_err(err, errlen, ret, "%s", msg);
		goto out;
	}
	ret = write_dtb(vm, &layout, err, errlen);
	if (ret)
		goto out;

	/* KVM_ARM_VCPU_INIT left SVC mode with A, I, F masked and the MMU off. */
	ret = set_reg(boot, CORE_REG(usr_regs.ARM_r0), 0);
	if (!ret)
		ret = set_reg(boot, CORE_REG(usr_regs.ARM_r1), ~0u);
	if (!ret)
		ret = set_reg(boot, CORE_REG(usr_regs.ARM_r2), (uint32_t)layout.dtb_gpa);
	if (!ret)
		ret = set_reg(boot, CORE_REG(usr_regs.ARM_pc), (uint32_t)layout.entry);
	if (ret)
		vmm_err(err, errlen, ret, "setting vCPU 0's registers: %s", strerror(-ret));
out:
	free(kernel);
	free(initrd);
	return ret;
}
