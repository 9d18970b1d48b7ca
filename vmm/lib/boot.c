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
#include <fcntl.h>
#include <libfdt.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

/*
 * The user's device tree (--dtb), checked, into @dst; its /chosen gets the
 * command line and the initrd's place as vmm's own tree would, since only
 * vmm knows where the initrd went (QEMU's -dtb does the same).
 */
static int adopt_user_dtb(struct vmm *vm, const struct boot_layout *layout, void *dst,
			  char *err, size_t errlen)
{
	const char *path = vm->cfg.dtb;
	int ret, chosen;
	size_t size;
	void *data;
	char msg[256];

	ret = loader_read_file(path, layout->dtb_max, &data, &size, msg, sizeof(msg));
	if (ret)
		return vmm_err(err, errlen, ret, "--dtb %s", msg);
	if (size < sizeof(struct fdt_header) || fdt_check_header(data) ||
	    fdt_totalsize(data) > size) {
		free(data);
		return vmm_err(err, errlen, -EINVAL, "--dtb %s: not a flattened device tree", path);
	}
	ret = fdt_open_into(data, dst, layout->dtb_max);
	free(data);
	if (ret)
		return vmm_err(err, errlen, -EFBIG, "--dtb %s: %s", path, fdt_strerror(ret));
	chosen = fdt_path_offset(dst, "/chosen");
	if (chosen < 0)
		chosen = fdt_add_subnode(dst, 0, "chosen");
	ret = chosen < 0 ? chosen : 0;
	if (!ret && vm->cfg.cmdline)
		ret = fdt_setprop_string(dst, chosen, "bootargs", vm->cfg.cmdline);
	if (!ret && layout->initrd_size)
		ret = fdt_setprop_u64(dst, chosen, "linux,initrd-start", layout->initrd_gpa);
	if (!ret && layout->initrd_size)
		ret = fdt_setprop_u64(dst, chosen, "linux,initrd-end",
				      layout->initrd_gpa + layout->initrd_size);
	if (!ret)
		ret = fdt_pack(dst);
	return ret ? vmm_err(err, errlen, -EFBIG, "--dtb %s: updating /chosen: %s", path,
			     fdt_strerror(ret)) : 0;
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
	int ret;

	if (!dst)
		return vmm_err(err, errlen, -EFBIG, "no room for the device tree in guest RAM");
	if (vm->cfg.dtb)
		return adopt_user_dtb(vm, layout, dst, err, errlen);
	ret = devtree_build(&dt, dst, layout->dtb_max);
	return ret < 0 ? vmm_err(err, errlen, ret, "building the device tree: %s",
				 strerror(-ret)) : 0;
}

/* Kernel, initrd and device tree into guest RAM; @layout says where. */
static int place_images(struct vmm *vm, struct boot_layout *layout, char *err, size_t errlen)
{
	void *kernel = NULL, *initrd = NULL;
	size_t kernel_len = 0, initrd_len = 0;
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
	ret = loader_load(&vm->mem, kernel, kernel_len, initrd, initrd_len, layout, msg,
			  sizeof(msg));
	if (ret) {
		vmm_err(err, errlen, ret, "%s", msg);
		goto out;
	}
	ret = write_dtb(vm, layout, err, errlen);
out:
	free(kernel);
	free(initrd);
	return ret;
}

int vmm_boot_load(struct vmm *vm, char *err, size_t errlen)
{
	struct vmm_vcpu *boot = &vm->vcpus[0];
	struct boot_layout layout;
	int ret;

	ret = place_images(vm, &layout, err, errlen);
	if (ret)
		return ret;
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
	return ret;
}

int vmm_dump_dtb(struct vmm *vm, const char *path, char *err, size_t errlen)
{
	struct boot_layout layout;
	const void *fdt;
	ssize_t n;
	int fd, ret;

	/* Everything placed as for a boot: the tree says where the initrd is. */
	ret = place_images(vm, &layout, err, errlen);
	if (ret)
		return ret;
	/* write_dtb() put a checked tree of at most dtb_max bytes there. */
	fdt = guest_mem_ptr(&vm->mem, layout.dtb_gpa, layout.dtb_max);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return vmm_err(err, errlen, -errno, "--dump-dtb %s: %s", path, strerror(errno));
	n = write(fd, fdt, fdt_totalsize(fdt));
	ret = n == (ssize_t)fdt_totalsize(fdt) ? 0 : -(n < 0 ? errno : EIO);
	if (close(fd) && !ret)
		ret = -errno;
	return ret ? vmm_err(err, errlen, ret, "--dump-dtb %s: %s", path, strerror(-ret)) : 0;
}
