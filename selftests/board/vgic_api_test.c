// SPDX-License-Identifier: GPL-2.0
/*
 * The vGICv2's user-space interface answers as 32-bit ARM KVM (Linux 5.6)
 * answers it, on success and on each error a VMM can meet:
 *  - KVM_CHECK_EXTENSION reports the in-kernel irqchip and its companions;
 *  - KVM_CREATE_DEVICE(VGIC_V2): the TEST flag, unknown types (ENODEV), one
 *    vGIC per VM (EEXIST), none once a vCPU has run (EBUSY);
 *  - the legacy KVM_CREATE_IRQCHIP + KVM_ARM_SET_DEVICE_ADDR, end to end;
 *  - the frame addresses (alignment, the 40-bit IPA space, set once, ~0
 *    until set), NR_IRQS (limits, once, before init; the guest's GICD_TYPER
 *    follows), CTRL_INIT and KVM_HAS_DEVICE_ATTR for every group, KVM_RUN
 *    without frame addresses (ENXIO), no vCPU after init (EBUSY);
 *  - the distributor and CPU-interface registers (save and restore): the
 *    vCPU index, registers that are not there, GICC_PMR in KVM's format,
 *    the IIDRs, state set by user space reaching the guest, EBUSY while a
 *    vCPU runs;
 *  - KVM_IRQ_LINE's checks, with and without a vGIC;
 *  - a VMM killed while its VMs with vGICs, irqfds and ioeventfds are busy
 *    leaves nothing behind and no kernel complaint.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "board_util.h"
#include "guest.h"
#include "kvm_util.h"
#include "vgic.h"

#define GRP_ADDR	KVM_DEV_ARM_VGIC_GRP_ADDR
#define GRP_DIST	KVM_DEV_ARM_VGIC_GRP_DIST_REGS
#define GRP_CPU		KVM_DEV_ARM_VGIC_GRP_CPU_REGS
#define GRP_NR_IRQS	KVM_DEV_ARM_VGIC_GRP_NR_IRQS
#define GRP_CTRL	KVM_DEV_ARM_VGIC_GRP_CTRL
#define ADDR_DIST	KVM_VGIC_V2_ADDR_TYPE_DIST
#define ADDR_CPU	KVM_VGIC_V2_ADDR_TYPE_CPU

#define IPA_LIMIT	(1ull << 40)	/* 32-bit ARM KVM: a 40-bit IPA space */
#define ADDR_UNDEF	(~0ull)		/* a frame address not set yet */

#define GICC_ABPR	0x1c
/* Linux 5.6's values: ProductID 'K', revision 2 / architecture v2, ARM. */
#define GICD_IIDR_KVM	0x4b00243bu
#define GICC_IIDR_KVM	0x04b2043bu

#define TEST_SPI	40

/* GICD_TYPER: ITLinesNumber [4:0] = interrupts / 32 - 1, CPUNumber [7:5] = CPUs - 1. */
#define TYPER(irqs, cpus)	(((irqs) / 32 - 1) | ((cpus) - 1) << 5)

/* 0 if the call succeeded, else its errno. */
static int err_of(int ret)
{
	return ret < 0 ? errno : 0;
}

static int create_device(struct kvm_vm *vm, uint32_t type, uint32_t flags)
{
	struct kvm_create_device cd = { .type = type, .flags = flags };

	return err_of(ioctl(vm->fd, KVM_CREATE_DEVICE, &cd));
}

static int set_addr(int dev, uint64_t type, uint64_t addr)
{
	return err_of(vgic_attr_set(dev, GRP_ADDR, type, &addr));
}

/* The address, or the errno as a negative number. */
static int64_t get_addr(int dev, uint64_t type)
{
	uint64_t addr = 0x5a5a5a5a;

	if (vgic_attr_get(dev, GRP_ADDR, type, &addr))
		return -errno;
	return addr;
}

static int set_u32(int dev, uint32_t group, uint64_t attr, uint32_t val)
{
	return err_of(vgic_attr_set(dev, group, attr, &val));
}

/* Gets a 32-bit attribute into *val (preset to a marker); returns 0 or the errno. */
static int get_u32(int dev, uint32_t group, uint64_t attr, uint32_t *val)
{
	*val = 0xdeadbeef;
	return err_of(vgic_attr_get(dev, group, attr, val));
}

static int has(int dev, uint32_t group, uint64_t attr)
{
	return err_of(vgic_attr_has(dev, group, attr));
}

static int ctrl_init(int dev)
{
	return err_of(vgic_attr_set(dev, GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL));
}

static int set_device_addr(struct kvm_vm *vm, uint64_t dev_id, uint64_t type, uint64_t addr)
{
	struct kvm_arm_device_addr a = {
		.id = dev_id << KVM_ARM_DEVICE_ID_SHIFT | type << KVM_ARM_DEVICE_TYPE_SHIFT,
		.addr = addr,
	};

	return err_of(ioctl(vm->fd, KVM_ARM_SET_DEVICE_ADDR, &a));
}

static int irq_line(struct kvm_vm *vm, uint32_t irq, int level)
{
	return err_of(vgic_irq_line(vm, irq, level));
}

/* A PPI line with the second vCPU-index field (KVM_CAP_ARM_IRQ_LINE_LAYOUT_2). */
#define IRQ_LINE_PPI2(vcpu2, vcpu, intid)					\
	(IRQ_LINE_PPI(vcpu, intid) | (uint32_t)(vcpu2) << KVM_ARM_IRQ_VCPU2_SHIFT)
#define IRQ_LINE_CPU(vcpu, line)						\
	((KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |			\
	 ((vcpu) << KVM_ARM_IRQ_VCPU_SHIFT) | (line))
#define IRQ_LINE_TYPE(type, num)	((uint32_t)(type) << KVM_ARM_IRQ_TYPE_SHIFT | (num))

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

/* ---- Guests ------------------------------------------------------------------------ */

static GUEST_CODE void guest_sync_done(void)
{
	GUEST_SYNC(1);
	GUEST_DONE();
}

/*
 * Reports GICD_TYPER and whether the interrupts above the last one ignore
 * an enable, then takes SPI @spi (already pending) once it enables it.
 */
static GUEST_CODE void guest_typer_and_spi(uint32_t spi, uint32_t beyond)
{
	uint32_t iar;

	gic_guest_init();
	gicd_write(GICD_ISENABLER + beyond / 32 * 4, ~0u);
	GUEST_SYNC(1, gicd_read(GICD_TYPER), gicd_read(GICD_ISENABLER + beyond / 32 * 4));
	gic_guest_enable(spi, 0xa0, 1);
	iar = gic_guest_wait_ack();
	GUEST_ASSERT_EQ(GIC_IAR_ID(iar), spi);
	gic_guest_eoi(iar);
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);
	GUEST_DONE();
}

/* Takes every interrupt that comes, forever. */
static GUEST_CODE void guest_take_all(void)
{
	gic_guest_init();
	for (;;)
		gic_guest_eoi(gic_guest_wait_ack());
}

/* ---- Capabilities -------------------------------------------------------------------- */

TEST(capabilities_of_the_in_kernel_irqchip)
{
	static const struct { long cap; const char *name; } caps[] = {
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD" },
		{ KVM_CAP_IRQFD_RESAMPLE, "KVM_CAP_IRQFD_RESAMPLE" },
		{ KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD" },
		{ KVM_CAP_IOEVENTFD_ANY_LENGTH, "KVM_CAP_IOEVENTFD_ANY_LENGTH" },
		{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL" },
		{ KVM_CAP_ARM_IRQ_LINE_LAYOUT_2, "KVM_CAP_ARM_IRQ_LINE_LAYOUT_2" },
	};
	struct kvm_vm *vm = vm_create();
	unsigned int i;

	/* The board's GIC has the virtualization extensions. */
	ASSERT_NE(0u, vgic_hw_nr_lrs()) TH_LOG("no vGIC on this host (debugfs kvm32/vgic)");
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		EXPECT_EQ(1, ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap))
			TH_LOG("%s on /dev/kvm", caps[i].name);
		EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, caps[i].cap))
			TH_LOG("%s on the VM", caps[i].name);
	}
	vm_free(vm);
}

/* ---- Creating the vGIC ------------------------------------------------------------------ */

TEST(create_device_once_per_vm)
{
	static const uint32_t unknown[] = {
		KVM_DEV_TYPE_ARM_VGIC_V3, KVM_DEV_TYPE_ARM_VGIC_ITS, KVM_DEV_TYPE_FSL_MPIC_20,
		0x1234,
	};
	struct kvm_vm *vm = vm_create();
	unsigned int i;
	int dev;

	vcpu_add(vm, 0, guest_sync_done);
	/* TEST says yes and creates nothing. */
	EXPECT_EQ(0, create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, KVM_CREATE_DEVICE_TEST));
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		EXPECT_EQ(ENODEV, create_device(vm, unknown[i], KVM_CREATE_DEVICE_TEST))
			TH_LOG("type %u", unknown[i]);
		EXPECT_EQ(ENODEV, create_device(vm, unknown[i], 0)) TH_LOG("type %u", unknown[i]);
	}
	dev = vgic_v2_create(vm);
	ASSERT_LE(0, dev) TH_LOG("KVM_CREATE_DEVICE after a TEST: %s", strerror(errno));
	EXPECT_EQ(0, has(dev, GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
	/* One interrupt controller per VM, however it is asked for. */
	EXPECT_EQ(EEXIST, create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, 0));
	EXPECT_EQ(EEXIST, err_of(ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)));
	EXPECT_EQ(0, create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, KVM_CREATE_DEVICE_TEST));
	close(dev);
	vm_free(vm);
}

TEST(no_vgic_once_a_vcpu_has_run)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_sync_done);
	struct ucall uc;

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(EBUSY, create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, 0));
	EXPECT_EQ(EBUSY, err_of(ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)));
	EXPECT_EQ(0, create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, KVM_CREATE_DEVICE_TEST));
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

TEST(legacy_irqchip_with_set_device_addr)
{
	const uint64_t v2 = KVM_ARM_DEVICE_VGIC_V2;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_typer_and_spi);
	struct ucall uc;

	vcpu_args_set(vcpu, 2, TEST_SPI, 256);
	/* No irqchip yet. */
	EXPECT_EQ(ENODEV, set_device_addr(vm, v2, ADDR_DIST, GICD_BASE));
	ASSERT_EQ(0, err_of(ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)));
	EXPECT_EQ(EEXIST, err_of(ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)));

	EXPECT_EQ(ENODEV, set_device_addr(vm, 1, ADDR_DIST, GICD_BASE));	/* no such device */
	EXPECT_EQ(ENODEV, set_device_addr(vm, v2, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE));
	EXPECT_EQ(EINVAL, set_device_addr(vm, v2, ADDR_CPU, GICC_BASE + 0x800));
	EXPECT_EQ(E2BIG, set_device_addr(vm, v2, ADDR_CPU, IPA_LIMIT));
	ASSERT_EQ(0, set_device_addr(vm, v2, ADDR_DIST, GICD_BASE));
	EXPECT_EQ(EEXIST, set_device_addr(vm, v2, ADDR_DIST, GICD_BASE));
	ASSERT_EQ(0, set_device_addr(vm, v2, ADDR_CPU, GICC_BASE));

	/* The first KVM_RUN initialises it: 256 interrupts, one CPU. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(TYPER(256, 1), uc.args[1]) TH_LOG("GICD_TYPER %#x", uc.args[1]);
	EXPECT_EQ(0u, uc.args[2]) TH_LOG("INTIDs 256-287 are not there");
	ASSERT_EQ(0, irq_line(vm, IRQ_LINE_SPI(TEST_SPI), 1));
	ASSERT_EQ(0, irq_line(vm, IRQ_LINE_SPI(TEST_SPI), 0));
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, &uc));
	vm_free(vm);
}

/* ---- Attributes ------------------------------------------------------------------------ */

TEST(frame_addresses)
{
	struct kvm_vm *vm = vm_create();
	int dev;

	vcpu_add(vm, 0, guest_sync_done);
	dev = vgic_v2_create(vm);
	ASSERT_LE(0, dev);

	EXPECT_EQ(0, has(dev, GRP_ADDR, ADDR_DIST));
	EXPECT_EQ(0, has(dev, GRP_ADDR, ADDR_CPU));
	EXPECT_EQ(ENXIO, has(dev, GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST));
	EXPECT_EQ(ENXIO, has(dev, GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE));
	EXPECT_EQ(ENXIO, has(dev, GRP_ADDR, 99));
	/* Not set yet: KVM's VGIC_ADDR_UNDEF. */
	EXPECT_EQ((int64_t)ADDR_UNDEF, get_addr(dev, ADDR_DIST));
	EXPECT_EQ((int64_t)ADDR_UNDEF, get_addr(dev, ADDR_CPU));
	EXPECT_EQ(-ENXIO, get_addr(dev, KVM_VGIC_V3_ADDR_TYPE_REDIST));
	EXPECT_EQ(ENXIO, set_addr(dev, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE));
	EXPECT_EQ(ENXIO, set_addr(dev, 99, GICD_BASE));

	/* 4 KiB aligned, inside the 40-bit IPA space; the range is checked first. */
	EXPECT_EQ(EINVAL, set_addr(dev, ADDR_DIST, GICD_BASE + 0x100));
	EXPECT_EQ(EINVAL, set_addr(dev, ADDR_CPU, GICC_BASE + 4));
	EXPECT_EQ(E2BIG, set_addr(dev, ADDR_DIST, IPA_LIMIT));
	EXPECT_EQ(E2BIG, set_addr(dev, ADDR_CPU, IPA_LIMIT + 0x100));
	EXPECT_EQ(E2BIG, set_addr(dev, ADDR_DIST, ~0ull & ~0xfffull));
	EXPECT_EQ((int64_t)ADDR_UNDEF, get_addr(dev, ADDR_DIST));

	ASSERT_EQ(0, set_addr(dev, ADDR_DIST, GICD_BASE));
	EXPECT_EQ(GICD_BASE, get_addr(dev, ADDR_DIST));
	EXPECT_EQ((int64_t)ADDR_UNDEF, get_addr(dev, ADDR_CPU));
	/* Once: another address, or the same, is EEXIST. */
	EXPECT_EQ(EEXIST, set_addr(dev, ADDR_DIST, 0x09000000));
	EXPECT_EQ(EEXIST, set_addr(dev, ADDR_DIST, GICD_BASE));
	EXPECT_EQ(GICD_BASE, get_addr(dev, ADDR_DIST));
	/* Above 4 GiB is fine for a 40-bit IPA space. */
	ASSERT_EQ(0, set_addr(dev, ADDR_CPU, 0x8000000000ull));
	EXPECT_EQ(0x8000000000ll, get_addr(dev, ADDR_CPU));
	EXPECT_EQ(EEXIST, set_addr(dev, ADDR_CPU, GICC_BASE));
	close(dev);
	vm_free(vm);
}

TEST(nr_irqs_limits_and_guest_view)
{
	static const uint32_t bad[] = { 0, 32, 48, 63, 65, 100, 1024, 1056, 0xffffffff };
	struct kvm_vm *vm = vm_create();
	struct kvm_vcpu *vcpu0 = vcpu_add(vm, 0, guest_typer_and_spi);
	uint32_t val;
	struct ucall uc;
	unsigned int i;
	int dev;

	vcpu_add(vm, 1, guest_sync_done);
	vcpu_args_set(vcpu0, 2, 127, 128);
	dev = vgic_v2_create(vm);
	ASSERT_LE(0, dev);
	/* Not set: 32, the private interrupts alone. */
	ASSERT_EQ(0, get_u32(dev, GRP_NR_IRQS, 0, &val));
	EXPECT_EQ(32u, val);
	/* At least 32 SPIs, a multiple of 32, at most 1023. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(EINVAL, set_u32(dev, GRP_NR_IRQS, 0, bad[i])) TH_LOG("%u IRQs", bad[i]);
	ASSERT_EQ(0, get_u32(dev, GRP_NR_IRQS, 0, &val));
	EXPECT_EQ(32u, val);
	ASSERT_EQ(0, set_u32(dev, GRP_NR_IRQS, 0, 128));
	ASSERT_EQ(0, get_u32(dev, GRP_NR_IRQS, 0, &val));
	EXPECT_EQ(128u, val);
	/* Once. */
	EXPECT_EQ(EBUSY, set_u32(dev, GRP_NR_IRQS, 0, 128));
	EXPECT_EQ(EBUSY, set_u32(dev, GRP_NR_IRQS, 0, 256));
	ASSERT_EQ(0, set_addr(dev, ADDR_DIST, GICD_BASE));
	ASSERT_EQ(0, set_addr(dev, ADDR_CPU, GICC_BASE));
	ASSERT_EQ(0, ctrl_init(dev));
	ASSERT_EQ(0, get_u32(dev, GRP_NR_IRQS, 0, &val));
	EXPECT_EQ(128u, val);

	/* SPIs 32-127 exist, 128 does not. */
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_SPI(127), 1));
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_SPI(127), 0));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_SPI(128), 1));
	/* The guest sees ITLinesNumber 3 (128 interrupts) and two CPUs. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu0, &uc));
	EXPECT_EQ(TYPER(128, 2), uc.args[1]) TH_LOG("GICD_TYPER %#x", uc.args[1]);
	EXPECT_EQ(0u, uc.args[2]) TH_LOG("INTIDs 128-159 are not there");
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu0, &uc));
	close(dev);
	vm_free(vm);

	/* The largest number KVM takes; and the default, fixed by CTRL_INIT. */
	vm = vm_create();
	vcpu_add(vm, 0, guest_sync_done);
	dev = vgic_v2_create(vm);
	ASSERT_LE(0, dev);
	EXPECT_EQ(0, set_u32(dev, GRP_NR_IRQS, 0, 992));
	ASSERT_EQ(0, get_u32(dev, GRP_NR_IRQS, 0, &val));
	EXPECT_EQ(992u, val);
	close(dev);
	vm_free(vm);

	vm = vm_create();
	vcpu_add(vm, 0, guest_sync_done);
	dev = vgic_v2_create(vm);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, ctrl_init(dev));
	EXPECT_EQ(EBUSY, set_u32(dev, GRP_NR_IRQS, 0, 64));
	ASSERT_EQ(0, get_u32(dev, GRP_NR_IRQS, 0, &val));
	EXPECT_EQ(256u, val);
	close(dev);
	vm_free(vm);
}

TEST(ctrl_init_and_has_attr_of_every_group)
{
	static const uint32_t cpu_regs[] = {
		GICC_CTLR, GICC_PMR, GICC_BPR, GICC_ABPR, GICC_APR0, GICC_APR0 + 4,
		GICC_APR0 + 8, GICC_APR0 + 12, GICC_IIDR,
	};
	static const uint32_t not_cpu_regs[] = {
		GICC_IAR, GICC_EOIR, GICC_RPR, GICC_HPPIR, 0x20, GICC_APR0 + 2, 0xe0, 0xf8,
		GICC_DIR,
	};
	static const uint32_t dist_regs[] = {
		GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_IGROUPR, GICD_ISENABLER, GICD_ICENABLER,
		GICD_ISPENDR, GICD_ICPENDR, GICD_ISACTIVER, GICD_ICACTIVER, GICD_IPRIORITYR + 28,
		GICD_ITARGETSR + 28, GICD_ICFGR + 4, GICD_SGIR, GICD_CPENDSGIR + 12,
		GICD_SPENDSGIR + 12,
	};
	/* Reserved, misaligned, identification registers KVM does not list. */
	static const uint32_t not_dist_regs[] = {
		0x00c, 0x040, 0x002, GICD_ISENABLER + 1, 0xd00, 0xf04, 0xf30, 0xfe8, 0xffc, 0x1000,
	};
	/*
	 * Per-interrupt words: the first with INTID 32, there once the VM has
	 * SPIs, and the first with INTID 64.
	 */
	static const struct { uint32_t spi32, spi64; } spi_regs[] = {
		{ GICD_IGROUPR + 4, GICD_IGROUPR + 8 },
		{ GICD_ISENABLER + 4, GICD_ISENABLER + 8 },
		{ GICD_ICPENDR + 4, GICD_ICPENDR + 8 },
		{ GICD_ICACTIVER + 4, GICD_ICACTIVER + 8 },
		{ GICD_IPRIORITYR + 32, GICD_IPRIORITYR + 64 },
		{ GICD_ITARGETSR + 32, GICD_ITARGETSR + 64 },
		{ GICD_ICFGR + 8, GICD_ICFGR + 16 },
	};
	struct kvm_vm *vm = vm_create();
	unsigned int i;
	uint32_t group;
	int dev;

	vcpu_add(vm, 0, guest_sync_done);
	dev = vgic_v2_create(vm);
	ASSERT_LE(0, dev);

	EXPECT_EQ(0, has(dev, GRP_NR_IRQS, 0));
	EXPECT_EQ(0, has(dev, GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
	EXPECT_EQ(ENXIO, has(dev, GRP_CTRL, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES));
	EXPECT_EQ(ENXIO, has(dev, GRP_CTRL, 99));
	EXPECT_EQ(ENXIO, set_u32(dev, GRP_CTRL, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES, 0));
	for (i = 0; i < sizeof(cpu_regs) / sizeof(cpu_regs[0]); i++)
		EXPECT_EQ(0, has(dev, GRP_CPU, VGIC_REG_ATTR(0, cpu_regs[i])))
			TH_LOG("GICC offset %#x", cpu_regs[i]);
	for (i = 0; i < sizeof(not_cpu_regs) / sizeof(not_cpu_regs[0]); i++)
		EXPECT_EQ(ENXIO, has(dev, GRP_CPU, VGIC_REG_ATTR(0, not_cpu_regs[i])))
			TH_LOG("GICC offset %#x", not_cpu_regs[i]);
	for (i = 0; i < sizeof(dist_regs) / sizeof(dist_regs[0]); i++)
		EXPECT_EQ(0, has(dev, GRP_DIST, VGIC_REG_ATTR(0, dist_regs[i])))
			TH_LOG("GICD offset %#x", dist_regs[i]);
	for (i = 0; i < sizeof(not_dist_regs) / sizeof(not_dist_regs[0]); i++)
		EXPECT_EQ(ENXIO, has(dev, GRP_DIST, VGIC_REG_ATTR(0, not_dist_regs[i])))
			TH_LOG("GICD offset %#x", not_dist_regs[i]);
	/* No vCPU 1: EINVAL, whatever the register. */
	EXPECT_EQ(EINVAL, has(dev, GRP_DIST, VGIC_REG_ATTR(1, GICD_CTLR)));
	EXPECT_EQ(EINVAL, has(dev, GRP_CPU, VGIC_REG_ATTR(1, GICC_PMR)));
	EXPECT_EQ(EINVAL, has(dev, GRP_CPU, VGIC_REG_ATTR(255, 0x20)));
	/* Groups of GICv3 and the ITS, and nonsense. */
	for (group = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS; group <= KVM_DEV_ARM_VGIC_GRP_ITS_REGS;
	     group++)
		EXPECT_EQ(ENXIO, has(dev, group, 0)) TH_LOG("group %u", group);
	EXPECT_EQ(ENXIO, has(dev, 42, 0));
	EXPECT_EQ(ENXIO, set_u32(dev, 42, 0, 0));

	/* Per-interrupt registers are there as far as the interrupts go: 32 so far. */
	for (i = 0; i < sizeof(spi_regs) / sizeof(spi_regs[0]); i++)
		EXPECT_EQ(ENXIO, has(dev, GRP_DIST, VGIC_REG_ATTR(0, spi_regs[i].spi32)))
			TH_LOG("GICD offset %#x before NR_IRQS", spi_regs[i].spi32);
	ASSERT_EQ(0, set_u32(dev, GRP_NR_IRQS, 0, 64));
	for (i = 0; i < sizeof(spi_regs) / sizeof(spi_regs[0]); i++) {
		EXPECT_EQ(0, has(dev, GRP_DIST, VGIC_REG_ATTR(0, spi_regs[i].spi32)))
			TH_LOG("GICD offset %#x with 64 IRQs", spi_regs[i].spi32);
		EXPECT_EQ(ENXIO, has(dev, GRP_DIST, VGIC_REG_ATTR(0, spi_regs[i].spi64)))
			TH_LOG("GICD offset %#x with 64 IRQs", spi_regs[i].spi64);
	}

	/* CTRL_INIT, and again: nothing to do. Then no more vCPUs. */
	ASSERT_EQ(0, ctrl_init(dev));
	EXPECT_EQ(0, ctrl_init(dev));
	EXPECT_EQ(EBUSY, err_of(ioctl(vm->fd, KVM_CREATE_VCPU, 1)));
	EXPECT_EQ(EBUSY, set_u32(dev, GRP_NR_IRQS, 0, 96));
	close(dev);
	vm_free(vm);
}

TEST(run_needs_both_frame_addresses)
{
	struct { uint64_t dist, cpu; int err; } cases[] = {
		{ ADDR_UNDEF, ADDR_UNDEF, ENXIO },
		{ GICD_BASE, ADDR_UNDEF, ENXIO },
		{ ADDR_UNDEF, GICC_BASE, ENXIO },
		/* The 8 KiB CPU interface would cover the distributor's first page. */
		{ GICD_BASE, GICD_BASE - 0x1000, EINVAL },
		{ GICD_BASE, GICD_BASE, EINVAL },
	};
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	unsigned int i;
	int dev;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vm = vm_create_with_one_vcpu(&vcpu, guest_sync_done);
		dev = vgic_v2_create(vm);
		ASSERT_LE(0, dev);
		if (cases[i].dist != ADDR_UNDEF)
			ASSERT_EQ(0, set_addr(dev, ADDR_DIST, cases[i].dist));
		if (cases[i].cpu != ADDR_UNDEF)
			ASSERT_EQ(0, set_addr(dev, ADDR_CPU, cases[i].cpu));
		EXPECT_EQ(-1, vcpu_run(vcpu));
		EXPECT_EQ(cases[i].err, errno) TH_LOG("case %u", i);
		close(dev);
		vm_free(vm);
	}
}

/* ---- Registers ------------------------------------------------------------------------- */

/* Reports the CPU interface as user space left it, then takes one interrupt. */
static GUEST_CODE void guest_restored(void)
{
	uint32_t iar;

	GUEST_SYNC(1, gicc_read(GICC_PMR), gicc_read(GICC_CTLR), gicc_read(GICC_BPR));
	iar = gic_guest_wait_ack();
	gic_guest_eoi(iar);
	GUEST_SYNC(2, GIC_IAR_ID(iar));
	GUEST_DONE();
}

/* One KVM_RUN in a thread: how it ended. */
struct run_once {
	struct kvm_vcpu *vcpu;
	pthread_t thread;
	volatile pid_t tid;
	volatile int done;
	int ret, err;
};

static void *run_once_fn(void *arg)
{
	struct run_once *r = arg;

	r->tid = syscall(SYS_gettid);
	r->ret = vcpu_run(r->vcpu);
	r->err = errno;
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
}

TEST(register_access_for_save_and_restore)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct kvm_vm *vm = vm_create();
	struct kvm_vcpu *vcpu0 = vcpu_add(vm, 0, guest_restored);
	struct kvm_vcpu *vcpu1 = vcpu_add(vm, 1, guest_take_all);
	struct run_once r = { .vcpu = vcpu1 };
	uint32_t val, spi_word = TEST_SPI / 32 * 4, spi_bit = 1u << (TEST_SPI % 32);
	struct ucall uc;
	unsigned int i;
	int dev = vgic_v2_setup(vm, 0);

	/* Only existing vCPUs, for either group, get or set. */
	EXPECT_EQ(EINVAL, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(2, GICD_CTLR), &val));
	EXPECT_EQ(EINVAL, set_u32(dev, GRP_DIST, VGIC_REG_ATTR(2, GICD_CTLR), 1));
	EXPECT_EQ(EINVAL, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(255, GICC_PMR), &val));
	EXPECT_EQ(EINVAL, set_u32(dev, GRP_CPU, VGIC_REG_ATTR(2, GICC_PMR), 1));

	/* As in Linux 5.6 (vgic_uaccess()): no register there reads 0, takes no write. */
	EXPECT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, 0x00c), &val));
	EXPECT_EQ(0u, val);
	EXPECT_EQ(0, set_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, 0xfe8), 0x12345678));
	EXPECT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, 0xfe8), &val));
	EXPECT_EQ(0u, val);
	EXPECT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(1, GICC_IAR), &val));
	EXPECT_EQ(0u, val);
	EXPECT_EQ(0, set_u32(dev, GRP_CPU, VGIC_REG_ATTR(1, GICC_EOIR), 0));

	/* The identification registers. */
	ASSERT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_IIDR), &val));
	EXPECT_EQ(GICD_IIDR_KVM, val);
	ASSERT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_TYPER), &val));
	EXPECT_EQ(TYPER(256, 2), val);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(i, GICC_IIDR), &val));
		EXPECT_EQ(GICC_IIDR_KVM, val) TH_LOG("vCPU %u", i);
	}

	/*
	 * GICC_PMR is GICH_VMCR.VMPriMask in KVM's GICv2 ABI: the five
	 * implemented bits of the mask in bits [4:0]. Each vCPU has its own.
	 */
	ASSERT_EQ(0, set_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_PMR), 0x1e));
	ASSERT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_PMR), &val));
	EXPECT_EQ(0x1eu, val);
	ASSERT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(1, GICC_PMR), &val));
	EXPECT_EQ(0u, val);
	ASSERT_EQ(0, set_u32(dev, GRP_CPU, VGIC_REG_ATTR(1, GICC_PMR), 0xff));
	ASSERT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(1, GICC_PMR), &val));
	EXPECT_EQ(0x1fu, val);
	ASSERT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_PMR), &val));
	EXPECT_EQ(0x1eu, val);
	ASSERT_EQ(0, set_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_CTLR), 1));
	ASSERT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_CTLR), &val));
	EXPECT_EQ(1u, val);
	ASSERT_EQ(0, set_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_BPR), 3));
	ASSERT_EQ(0, get_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_BPR), &val));
	EXPECT_EQ(3u, val);

	/* The distributor, as a VMM restores it: SPI 40 enabled, pending, for vCPU 0. */
	ASSERT_EQ(0, set_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_IPRIORITYR + TEST_SPI),
			     0x000000a7));
	ASSERT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_IPRIORITYR + TEST_SPI), &val));
	EXPECT_EQ(0xa0u, val) TH_LOG("five priority bits");
	ASSERT_EQ(0, set_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_ITARGETSR + TEST_SPI), 1));
	ASSERT_EQ(0, set_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_ISENABLER + spi_word),
			     spi_bit));
	ASSERT_EQ(0, set_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_ISPENDR + spi_word), spi_bit));
	ASSERT_EQ(0, set_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_CTLR), 1));
	ASSERT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(1, GICD_ISPENDR + spi_word), &val));
	EXPECT_EQ(spi_bit, val);
	ASSERT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(1, GICD_ISENABLER + spi_word), &val));
	EXPECT_EQ(spi_bit, val);

	/* The guest sees its CPU interface as set: PMR 0x1e << 3. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu0, &uc));
	EXPECT_EQ(1u, uc.args[0]);
	EXPECT_EQ(0xf0u, uc.args[1]) TH_LOG("the guest's GICC_PMR");
	EXPECT_EQ(1u, uc.args[2]) TH_LOG("the guest's GICC_CTLR");
	EXPECT_EQ(3u, uc.args[3]) TH_LOG("the guest's GICC_BPR");
	/* The priority 0xa0 is below the mask 0xf0: the interrupt comes. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu0, &uc));
	EXPECT_EQ(2u, uc.args[0]);
	EXPECT_EQ(TEST_SPI, uc.args[1]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu0, &uc));

	/* While a vCPU runs (here asleep in WFI), the registers are out of reach. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_once_fn, &r));
	while (!r.tid)
		sleep_ms(1);
	for (i = 0; i < 100 && get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_CTLR), &val) != EBUSY;
	     i++)
		sleep_ms(10);
	EXPECT_EQ(EBUSY, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_CTLR), &val));
	EXPECT_EQ(EBUSY, set_u32(dev, GRP_CPU, VGIC_REG_ATTR(0, GICC_PMR), 0));
	ASSERT_FALSE(r.done);
	vcpu1->run->immediate_exit = 1;
	pthread_kill(r.thread, SIGUSR1);
	pthread_join(r.thread, NULL);
	vcpu1->run->immediate_exit = 0;
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(0, get_u32(dev, GRP_DIST, VGIC_REG_ATTR(0, GICD_CTLR), &val));
	EXPECT_EQ(1u, val);
	close(dev);
	vm_free(vm);
}

/* ---- KVM_IRQ_LINE ------------------------------------------------------------------------ */

TEST(irq_line_checks)
{
	struct kvm_vm *vm = vm_create();
	int dev;

	/* No vGIC: the vGIC's line types are ENXIO, the CPU's own lines work. */
	vcpu_add(vm, 0, guest_sync_done);
	EXPECT_EQ(ENXIO, irq_line(vm, IRQ_LINE_SPI(TEST_SPI), 1));
	EXPECT_EQ(ENXIO, irq_line(vm, IRQ_LINE_PPI(0, 20), 1));
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_CPU(0, KVM_ARM_IRQ_CPU_IRQ), 1));
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_CPU(0, KVM_ARM_IRQ_CPU_IRQ), 0));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_CPU(1, KVM_ARM_IRQ_CPU_IRQ), 1));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_CPU(0, 2), 1));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_TYPE(3, 40), 1));
	vm_free(vm);

	vm = vm_create();
	vcpu_add(vm, 0, guest_sync_done);
	vcpu_add(vm, 1, guest_sync_done);
	dev = vgic_v2_setup(vm, 0);
	/* SPIs are 32 to nr_irqs - 1. */
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_SPI(0), 1));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_SPI(16), 1));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_SPI(31), 1));
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_SPI(32), 0));
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_SPI(255), 0));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_SPI(256), 1));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_SPI(1020), 1));
	/* PPIs are 16 to 31, of an existing vCPU. */
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_PPI(0, 15), 1));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_PPI(0, 32), 1));
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_PPI(0, 16), 0));
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_PPI(1, 31), 0));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_PPI(2, 20), 1));
	/* The second vCPU field counts in 256s: vCPU 256 + 1 does not exist. */
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_PPI2(1, 1, 20), 1));
	/* With the vGIC in the kernel, the CPU's own lines are not user space's. */
	EXPECT_EQ(ENXIO, irq_line(vm, IRQ_LINE_CPU(0, KVM_ARM_IRQ_CPU_IRQ), 1));
	EXPECT_EQ(EINVAL, irq_line(vm, IRQ_LINE_TYPE(3, 40), 1));
	close(dev);
	vm_free(vm);

	/* An injection initialises a GICv2 not yet initialised, as KVM does. */
	vm = vm_create();
	vcpu_add(vm, 0, guest_sync_done);
	dev = vgic_v2_create(vm);
	ASSERT_LE(0, dev);
	EXPECT_EQ(0, irq_line(vm, IRQ_LINE_SPI(TEST_SPI), 0));
	EXPECT_EQ(EBUSY, set_u32(dev, GRP_NR_IRQS, 0, 128));
	close(dev);
	vm_free(vm);
}

/* ---- A VMM killed with busy vGICs ----------------------------------------------------- */

#define KILL_ROUNDS	10
#define KILL_VMS	2
#define SPI_EDGE	50
#define SPI_LEVEL	51
#define IOEV_GPA	0x10000000u

/* Takes interrupts, rings the ioeventfd and pokes the other vCPU, forever. */
static GUEST_CODE void guest_busy(void)
{
	uint32_t iar;

	gic_guest_init();
	gic_guest_set_edge(SPI_LEVEL, false);
	gic_guest_enable(SPI_EDGE, 0xa0, 1);
	gic_guest_enable(SPI_LEVEL, 0xa0, 1);
	for (;;) {
		iar = gic_guest_wait_ack();
		gic_guest_eoi(iar);
		asm volatile("str %0, [%1]" : : "r" (iar), "r" (IOEV_GPA) : "memory");
		gic_guest_send_sgi(SGIR_TARGET_OTHERS, 0, 1);
	}
}

struct busy_vm {
	struct kvm_vm *vm;
	int efd, lfd, rfd, iofd;
};

static void *run_forever(void *arg)
{
	struct kvm_vcpu *vcpu = arg;

	for (;;)
		vcpu_run(vcpu);
	return NULL;
}

/*
 * The VMM: VMs with two busy vCPUs each, an edge irqfd, a resampling level
 * irqfd and an ioeventfd, the eventfds signalled without pause. It says it
 * is ready once every VM's guest has rung its ioeventfd; then it waits to
 * be killed.
 */
static void __attribute__((noreturn)) busy_vmm(int ready_fd)
{
	struct busy_vm vms[KILL_VMS];
	struct kvm_ioeventfd io = { .addr = IOEV_GPA, .len = 4 };
	uint64_t one = 1, n;
	unsigned int i, ready = 0;
	pthread_t t;

	for (i = 0; i < KILL_VMS; i++) {
		struct busy_vm *b = &vms[i];

		b->vm = vm_create();
		vcpu_add(b->vm, 0, guest_busy);
		vcpu_add(b->vm, 1, guest_busy);
		vgic_v2_setup(b->vm, 0);
		b->efd = eventfd(0, EFD_NONBLOCK);
		b->lfd = eventfd(0, EFD_NONBLOCK);
		b->rfd = eventfd(0, EFD_NONBLOCK);
		b->iofd = eventfd(0, EFD_NONBLOCK);
		TEST_ASSERT(!vgic_irqfd_assign(b->vm, b->efd, SPI_EDGE - 32, -1), "irqfd");
		TEST_ASSERT(!vgic_irqfd_assign(b->vm, b->lfd, SPI_LEVEL - 32, b->rfd), "irqfd");
		io.fd = b->iofd;
		TEST_ASSERT(!ioctl(b->vm->fd, KVM_IOEVENTFD, &io), "ioeventfd");
		pthread_create(&t, NULL, run_forever, b->vm->vcpus[0]);
		pthread_create(&t, NULL, run_forever, b->vm->vcpus[1]);
	}
	for (;;) {
		for (i = 0; i < KILL_VMS; i++) {
			struct busy_vm *b = &vms[i];

			if (write(b->efd, &one, sizeof(one)) != sizeof(one) ||
			    write(b->lfd, &one, sizeof(one)) != sizeof(one))
				_exit(2);
			if (read(b->rfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
				_exit(3);
			if (!(ready & 1u << i) && read(b->iofd, &n, sizeof(n)) == sizeof(n))
				ready |= 1u << i;
		}
		if (ready == (1u << KILL_VMS) - 1) {
			if (write(ready_fd, "r", 1) != 1)
				_exit(4);
			ready |= 1u << KILL_VMS;
		}
		sched_yield();
	}
}

/* kvm32's use count in /proc/modules: every live VM holds one reference. */
static int module_users(void)
{
	char line[256];
	int users = -1;
	FILE *f = fopen("/proc/modules", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "kvm32 ", 6))
			sscanf(line, "kvm32 %*u %d", &users);
	if (f)
		fclose(f);
	return users;
}

TEST(vmm_killed_with_busy_vgics_and_irqfds)
{
	int pipefd[2], status, users = module_users();
	unsigned int mark = dmesg_mark(), round;
	char c, problem[256], *log;
	pid_t pid;

	ASSERT_LE(0, users);
	for (round = 0; round < KILL_ROUNDS; round++) {
		struct timespec delay = { 0, round * 2000000L };

		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			close(pipefd[0]);
			busy_vmm(pipefd[1]);
		}
		close(pipefd[1]);
		ASSERT_EQ(1, read(pipefd[0], &c, 1)) TH_LOG("the VMM's guests did not run");
		close(pipefd[0]);
		nanosleep(&delay, NULL);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("the VMM ended otherwise: status %#x", status);
	}
	EXPECT_EQ(users, module_users()) TH_LOG("a killed VMM's VM still holds the module");
	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_FALSE(dmesg_find_problem(log, problem, sizeof(problem)))
		TH_LOG("kernel log: %s", problem);
	free(log);
}

TEST_HARNESS_MAIN
