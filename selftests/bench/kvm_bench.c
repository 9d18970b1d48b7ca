// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_bench: what a trap costs, in instructions. Run on the board under
 * QEMU's -icount shift=0 (scripts/qemu-run --icount; make bench), where the
 * guest's virtual counter (62.5 MHz) advances one tick per 16 executed
 * instructions, at every privilege level: counts are exact and repeatable.
 *
 * Prints a table, and the same as JSON between BENCH-JSON markers.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define ITERATIONS	2000	/* as bench_guest.S */
#define GUEST_BASE	0x80000000
#define GUEST_SIZE	0x100000
#define MMIO_BASE	0x10000000
#define REPORT_LOOP	0x00
#define REPORT_HVC	0x04
#define REPORT_MMIO	0x08
#define INSNS_PER_TICK	16	/* 1 GHz of -icount over a 62.5 MHz counter */
#define LOOP_INSNS	4

extern const char bench_guest_start[], bench_guest_end[];

static void die(const char *what)
{
	fprintf(stderr, "kvm_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		die(what);
	return ret;
}

int main(void)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = GUEST_BASE, .memory_size = GUEST_SIZE,
	};
	struct kvm_vcpu_init init;
	unsigned int pc = GUEST_BASE, ticks[3] = { 0 }, reported = 0;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE |
		      KVM_REG_ARM_CORE_REG(usr_regs.ARM_pc),
		.addr = (unsigned long)&pc,
	};
	struct kvm_run *run;
	int kvm, vm, vcpu;
	void *mem;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memcpy(mem, bench_guest_start, bench_guest_end - bench_guest_start);
	region.userspace_addr = (unsigned long)mem;
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION");
	vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	run = mmap(NULL, xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE"),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	xioctl(vm, KVM_ARM_PREFERRED_TARGET, &init, "KVM_ARM_PREFERRED_TARGET");
	init.features[0] = 1 << KVM_ARM_VCPU_PSCI_0_2;
	xioctl(vcpu, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT");
	xioctl(vcpu, KVM_SET_ONE_REG, &reg, "KVM_SET_ONE_REG pc");

	for (;;) {
		xioctl(vcpu, KVM_RUN, NULL, "KVM_RUN");
		if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT)
			break;
		if (run->exit_reason != KVM_EXIT_MMIO) {
			fprintf(stderr, "kvm_bench: unexpected exit %u\n", run->exit_reason);
			return 1;
		}
		if (run->mmio.phys_addr <= MMIO_BASE + REPORT_MMIO) {
			unsigned int i = (run->mmio.phys_addr - MMIO_BASE) / 4;

			memcpy(&ticks[i], run->mmio.data, 4);
			reported |= 1u << i;
		}
	}
	if (reported != 7) {
		fprintf(stderr, "kvm_bench: the guest did not report every measurement\n");
		return 1;
	}

	double per_iter[3];

	for (int i = 0; i < 3; i++)
		per_iter[i] = (double)ticks[i] * INSNS_PER_TICK / ITERATIONS;
	printf("%-44s %10s\n", "operation", "insns");
	printf("%-44s %10.1f\n", "empty loop iteration (calibration, 4 expected)", per_iter[0]);
	printf("%-44s %10.1f\n", "guest HVC to the kernel and back", per_iter[1] - per_iter[0]);
	printf("%-44s %10.1f\n", "MMIO exit to user space and back", per_iter[2] - per_iter[0]);
	printf("BENCH-JSON-BEGIN\n{\n  \"iterations\": %d,\n  \"loop_insns\": %.1f,\n"
	       "  \"hvc_round_trip_insns\": %.1f,\n  \"mmio_user_exit_insns\": %.1f\n}\n"
	       "BENCH-JSON-END\n", ITERATIONS, per_iter[0], per_iter[1] - per_iter[0],
	       per_iter[2] - per_iter[0]);
	return 0;
}
