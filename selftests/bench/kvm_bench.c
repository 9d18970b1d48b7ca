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
#include <pthread.h>
#include <stdint.h>
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
#define REPORT_GICD	0x0c
#define REPORT_SGI	0x10
#define REPORT_IPI	0x14
#define NR_REPORTS	6
#define IPI_ROUNDS	500	/* as bench_guest.S */
#define GICD_BASE	0x08000000
#define GICC_BASE	0x08010000
#define INSNS_PER_TICK	16	/* 1 GHz of -icount over a 62.5 MHz counter */
#define LOOP_INSNS	4

extern const char bench_guest_start[], bench_guest_end[], bench_guest_cpu1[];

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

static void set_vgic_addr(int dev, uint64_t type, uint64_t addr)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = type, .addr = (unsigned long)&addr,
	};

	xioctl(dev, KVM_SET_DEVICE_ATTR, &attr, "vGIC address");
}

/* A vCPU at guest address @pc; vCPU 1 answers IPIs (bench_guest_cpu1). */
static int create_vcpu(int kvm, int vm, unsigned int id, unsigned int pc, struct kvm_run **run)
{
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE |
		      KVM_REG_ARM_CORE_REG(usr_regs.ARM_pc),
		.addr = (unsigned long)&pc,
	};
	int vcpu = xioctl(vm, KVM_CREATE_VCPU, (void *)(unsigned long)id, "KVM_CREATE_VCPU");

	*run = mmap(NULL, xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE"),
		    PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (*run == MAP_FAILED)
		die("mmap kvm_run");
	xioctl(vm, KVM_ARM_PREFERRED_TARGET, &init, "KVM_ARM_PREFERRED_TARGET");
	init.features[0] = 1 << KVM_ARM_VCPU_PSCI_0_2;
	xioctl(vcpu, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT");
	xioctl(vcpu, KVM_SET_ONE_REG, &reg, "KVM_SET_ONE_REG pc");
	return vcpu;
}

/* vCPU 1 never exits to user space: it only waits for and sends IPIs. */
static void *run_cpu1(void *arg)
{
	int vcpu = (int)(long)arg;

	ioctl(vcpu, KVM_RUN, NULL);
	fprintf(stderr, "kvm_bench: vCPU 1 stopped unexpectedly\n");
	exit(1);
}

int main(void)
{
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = GUEST_BASE, .memory_size = GUEST_SIZE,
	};
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	struct kvm_device_attr init_gic = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};
	unsigned int ticks[NR_REPORTS] = { 0 }, reported = 0;
	struct kvm_run *run, *run1;
	int kvm, vm, vcpu, vcpu1;
	pthread_t cpu1;
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
	vcpu = create_vcpu(kvm, vm, 0, GUEST_BASE, &run);
	vcpu1 = create_vcpu(kvm, vm, 1, GUEST_BASE + (bench_guest_cpu1 - bench_guest_start),
			    &run1);
	/* The guests measure with a vGIC, as guests run. */
	xioctl(vm, KVM_CREATE_DEVICE, &gic, "KVM_CREATE_DEVICE(VGIC_V2)");
	set_vgic_addr(gic.fd, KVM_VGIC_V2_ADDR_TYPE_DIST, GICD_BASE);
	set_vgic_addr(gic.fd, KVM_VGIC_V2_ADDR_TYPE_CPU, GICC_BASE);
	xioctl(gic.fd, KVM_SET_DEVICE_ATTR, &init_gic, "vGIC CTRL_INIT");
	if (pthread_create(&cpu1, NULL, run_cpu1, (void *)(long)vcpu1))
		die("pthread_create");

	for (;;) {
		xioctl(vcpu, KVM_RUN, NULL, "KVM_RUN");
		if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT)
			break;
		if (run->exit_reason != KVM_EXIT_MMIO) {
			fprintf(stderr, "kvm_bench: unexpected exit %u\n", run->exit_reason);
			return 1;
		}
		if (run->mmio.phys_addr <= MMIO_BASE + REPORT_IPI) {
			unsigned int i = (run->mmio.phys_addr - MMIO_BASE) / 4;

			memcpy(&ticks[i], run->mmio.data, 4);
			reported |= 1u << i;
		}
	}
	if (reported != (1u << NR_REPORTS) - 1) {
		fprintf(stderr, "kvm_bench: the guest did not report every measurement\n");
		return 1;
	}

	double per_iter[NR_REPORTS];

	for (int i = 0; i < NR_REPORTS; i++)
		per_iter[i] = (double)ticks[i] * INSNS_PER_TICK / ITERATIONS;
	/* The SGI loop has no empty-loop padding; the IPI loop has IPI_ROUNDS rounds of 2 IPIs. */
	double hvc = per_iter[1] - per_iter[0], mmio = per_iter[2] - per_iter[0];
	double gicd = per_iter[3] - per_iter[0], sgi = per_iter[4] - per_iter[0] / 2;
	double ipi = (double)ticks[5] * INSNS_PER_TICK / IPI_ROUNDS / 2;

	printf("%-52s %10s\n", "operation", "insns");
	printf("%-52s %10.1f\n", "empty loop iteration (calibration, 4 expected)", per_iter[0]);
	printf("%-52s %10.1f\n", "guest HVC to the kernel and back", hvc);
	printf("%-52s %10.1f\n", "MMIO exit to user space and back", mmio);
	printf("%-52s %10.1f\n", "distributor register read (in the kernel)", gicd);
	printf("%-52s %10.1f\n", "inject (self SGI) -> guest ack -> EOI", sgi);
	printf("%-52s %10.1f\n", "IPI to another vCPU (half a ping-pong, 1 host CPU)", ipi);
	printf("BENCH-JSON-BEGIN\n{\n  \"iterations\": %d,\n  \"loop_insns\": %.1f,\n"
	       "  \"hvc_round_trip_insns\": %.1f,\n  \"mmio_user_exit_insns\": %.1f,\n"
	       "  \"gicd_read_insns\": %.1f,\n  \"sgi_inject_ack_eoi_insns\": %.1f,\n"
	       "  \"ipi_insns\": %.1f\n}\nBENCH-JSON-END\n", ITERATIONS, per_iter[0], hvc, mmio,
	       gicd, sgi, ipi);
	return 0;
}
