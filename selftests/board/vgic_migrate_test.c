// SPDX-License-Identifier: GPL-2.0
/*
 * Saving a stopped VM with its vGICv2 and timers, and going on in a new VM,
 * as a VMM migrates one: every vCPU's registers (KVM_GET_REG_LIST and
 * GET_ONE_REG, the virtual counter among them) and MP state, every
 * distributor register user space can reach (KVM_DEV_ARM_VGIC_GRP_DIST_REGS
 * at every offset of the GICv2 map, for each vCPU, so the banked ones are
 * all there), the CPU interfaces' registers (GRP_CPU_REGS: CTLR, PMR, BPR,
 * ABPR, APR0-3), and guest memory; restored into a fresh VM with a new vGIC
 * in the order QEMU's arm_gic_kvm.c puts them back (enables, groups,
 * targets, then the trigger configuration before pending state, active
 * state, priorities, SGI sources; then the CPU interfaces).
 *
 * The restored VM reads back exactly what was saved, and its guest goes on
 * as if nothing happened: it sees its GICC priority mask and binary point,
 * the interrupt it had acknowledged is still active (running priority) and
 * can be completed, the pending interrupts come in priority order (a higher
 * one preempts the active one, lower ones wait for it), a pending but
 * disabled one comes once enabled, an SGI arrives with its requester, an
 * SPI at the vCPU it targets, and each vCPU's virtual timer wakes it from
 * WFI on time: the virtual counter goes on from where it was saved. A timer
 * interrupt pending (due, not taken) when the VM stopped comes once in the
 * new VM.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"
#include "timer.h"
#include "vgic.h"

#define NR_VCPUS	2

#define SPI_LOW		40	/* edge, priority 0x80, pending */
#define SPI_HIGH	41	/* edge, 0x40, pending: preempts the active one */
#define SPI_ACTIVE	42	/* level, 0x60, acknowledged and not completed */
#define SPI_DISABLED	43	/* edge, 0x50, pending but disabled */
#define SPI_CPU1	44	/* edge, 0x70, pending, targets vCPU 1 */
#define SGI_CPU1	5	/* 0x90, sent by vCPU 0 to vCPU 1 */

#define PRIO_LOW	0x80
#define PRIO_HIGH	0x40
#define PRIO_ACTIVE	0x60
#define PRIO_DISABLED	0x50
#define PRIO_CPU1	0x70
#define PRIO_SGI	0x90
#define PRIO_TIMER	0xa0

/* The CPU interfaces' settings: five priority bits (0xe8 keeps its bit 3). */
#define PMR0		0xe8
#define BPR0		3
#define PMR1		0xf0
#define BPR1		4

/* When each vCPU's virtual timer is due after it armed it. */
#define TIMER_MS0	1000
#define TIMER_MS1	1200
/*
 * How late is "on time" here: twice the bound guest_timer_test holds a
 * single vCPU to, as two vCPUs share the board's CPUs with the test.
 */
#define LATE_MS		100
#define GIVE_UP_MS	3000

/* GICD_ICFGR of INTIDs 32-47: the edge bit of each. */
#define ICFGR_32_47		(GICD_ICFGR + 8)
#define ICFGR_EDGE(intid)	(2u << (2 * ((intid) % 16)))
#define SPI_BIT(intid)		(1u << ((intid) % 32))

enum {
	SYNC_READY = 1,		/* vCPU 1 set up, its timer armed */
	SYNC_CONFIGURED,	/* vCPU 0's distributor set up */
	SYNC_STOPPED,		/* vCPU 0 took SPI_ACTIVE, sent the SGI, armed its timer */
	SYNC_RESUMED,		/* vCPU 0 in the new VM: its virtual count */
	SYNC_WAITING,		/* waiting for the timer: the count now and the deadline */
	SYNC_TIMER,		/* the timer's interrupt: deadline, count, IAR */
};

/* ---- The guest --------------------------------------------------------------- */

static GUEST_CODE uint64_t guest_ms(uint32_t freq, uint32_t ms)
{
	return (uint64_t)freq * ms / 1000;
}

/* Polls GICC_IAR until an interrupt comes or CNTVCT reaches @until. */
static GUEST_CODE uint32_t poll_ack(uint64_t until, uint64_t *at)
{
	uint32_t iar;
	uint64_t now;

	do {
		iar = gic_guest_ack();
		now = timer_cntvct();
	} while (GIC_IAR_ID(iar) == GIC_SPURIOUS && now < until);
	*at = now;
	return iar;
}

static GUEST_CODE void sync64(uint32_t tag, uint64_t a, uint64_t b, uint32_t c)
{
	GUEST_SYNC(tag, (uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32), c);
}

static GUEST_CODE void arm_vtimer(uint64_t cval)
{
	timer_set_ctl(TIMER_VIRT, 0);
	timer_set_cval(TIMER_VIRT, cval);
	timer_set_ctl(TIMER_VIRT, TIMER_CTL_ENABLE);
}

/*
 * Waits in WFI (IRQs masked: it only wakes the vCPU) for the virtual timer
 * due at @cval, as an idle guest kernel does, and reports when it came.
 */
static GUEST_CODE void take_vtimer(uint64_t cval)
{
	uint64_t at;
	uint32_t iar;

	sync64(SYNC_WAITING, timer_cntvct(), cval, 0);
	for (;;) {
		iar = gic_guest_ack();
		at = timer_cntvct();
		if (GIC_IAR_ID(iar) != GIC_SPURIOUS)
			break;
		asm volatile("wfi" : : : "memory");
	}
	sync64(SYNC_TIMER, cval, at, iar);
	timer_set_ctl(TIMER_VIRT, 0);
	gic_guest_eoi(iar);
}

static GUEST_CODE void guest_cpu0(void)
{
	uint32_t freq = timer_cntfrq(), iar, cfg;
	uint64_t cval, at;

	gic_guest_init();
	gicc_write(GICC_PMR, PMR0);
	gicc_write(GICC_BPR, BPR0);
	gic_guest_enable(SPI_LOW, PRIO_LOW, 1);
	gic_guest_enable(SPI_HIGH, PRIO_HIGH, 1);
	gic_guest_enable(SPI_ACTIVE, PRIO_ACTIVE, 1);
	gic_guest_enable(SPI_CPU1, PRIO_CPU1, 2);
	gic_guest_enable(PPI_VTIMER, PRIO_TIMER, 0);
	gicd_write8(GICD_IPRIORITYR + SPI_DISABLED, PRIO_DISABLED);
	gicd_write8(GICD_ITARGETSR + SPI_DISABLED, 1);
	cfg = gicd_read(ICFGR_32_47);
	cfg |= ICFGR_EDGE(SPI_LOW) | ICFGR_EDGE(SPI_HIGH) | ICFGR_EDGE(SPI_DISABLED) |
	       ICFGR_EDGE(SPI_CPU1);
	cfg &= ~ICFGR_EDGE(SPI_ACTIVE);
	gicd_write(ICFGR_32_47, cfg);
	GUEST_SYNC(SYNC_CONFIGURED, freq);

	/* The host raised SPI_ACTIVE: acknowledge it and leave it active. */
	iar = poll_ack(timer_cntvct() + guest_ms(freq, GIVE_UP_MS), &at);
	GUEST_ASSERT_EQ(iar, SPI_ACTIVE);
	gicd_write(GICD_SGIR, SGIR_TARGET_LIST | (2u << 16) | SGI_CPU1);
	cval = timer_cntvct() + guest_ms(freq, TIMER_MS0);
	arm_vtimer(cval);
	GUEST_SYNC(SYNC_STOPPED);

	/* From here on in the new VM. */
	sync64(SYNC_RESUMED, timer_cntvct(), 0, 0);
	GUEST_ASSERT_EQ(gicc_read(GICC_CTLR), 1);
	GUEST_ASSERT_EQ(gicc_read(GICC_PMR), PMR0);
	GUEST_ASSERT_EQ(gicc_read(GICC_BPR), BPR0);
	GUEST_ASSERT_EQ(gicc_read(GICC_RPR), PRIO_ACTIVE);
	GUEST_ASSERT_EQ(gicd_read(GICD_CTLR), 1);
	GUEST_ASSERT_EQ(gicd_read(GICD_IPRIORITYR + 40),
			PRIO_LOW | PRIO_HIGH << 8 | PRIO_ACTIVE << 16 | PRIO_DISABLED << 24);
	GUEST_ASSERT_EQ(gicd_read(GICD_IPRIORITYR + 44) & 0xff, PRIO_CPU1);
	GUEST_ASSERT_EQ(gicd_read(GICD_ITARGETSR + 40), 0x01010101);
	GUEST_ASSERT_EQ(gicd_read(GICD_ITARGETSR + 44) & 0xff, 2);
	GUEST_ASSERT_EQ(gicd_read(ICFGR_32_47), cfg);
	GUEST_ASSERT_EQ(gicd_read(GICD_ISENABLER + 4) & 0x1f00,
			SPI_BIT(SPI_LOW) | SPI_BIT(SPI_HIGH) | SPI_BIT(SPI_ACTIVE) |
			SPI_BIT(SPI_CPU1));
	GUEST_ASSERT(gicd_read(GICD_ISENABLER) & (1u << PPI_VTIMER));
	GUEST_ASSERT_EQ(gicd_read(GICD_ISACTIVER + 4) & 0x1f00, SPI_BIT(SPI_ACTIVE));
	/* (SPI_CPU1 too, but vCPU 1 may have taken it by now.) */
	GUEST_ASSERT_EQ(gicd_read(GICD_ISPENDR + 4) & 0xf00,
			SPI_BIT(SPI_LOW) | SPI_BIT(SPI_HIGH) | SPI_BIT(SPI_DISABLED));

	/* Higher priority than the active interrupt: it preempts it. */
	iar = gic_guest_ack();
	GUEST_ASSERT_EQ(iar, SPI_HIGH);
	GUEST_ASSERT_EQ(gicc_read(GICC_RPR), PRIO_HIGH);
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);
	gic_guest_eoi(iar);
	GUEST_ASSERT_EQ(gicc_read(GICC_RPR), PRIO_ACTIVE);
	/* Lower: it waits until the active one is completed. */
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);
	gic_guest_eoi(SPI_ACTIVE);
	GUEST_ASSERT(gicc_read(GICC_RPR) >= 0xff);
	GUEST_ASSERT_EQ(gicd_read(GICD_ISACTIVER + 4) & SPI_BIT(SPI_ACTIVE), 0);
	iar = gic_guest_ack();
	GUEST_ASSERT_EQ(iar, SPI_LOW);
	gic_guest_eoi(iar);
	/* Pending and disabled: it comes once enabled. */
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);
	gicd_write(GICD_ISENABLER + 4, SPI_BIT(SPI_DISABLED));
	iar = poll_ack(timer_cntvct() + guest_ms(freq, GIVE_UP_MS), &at);
	GUEST_ASSERT_EQ(iar, SPI_DISABLED);
	gic_guest_eoi(iar);

	/* The timer armed in the old VM. */
	take_vtimer(cval);
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);
	GUEST_DONE();
}

static GUEST_CODE void guest_cpu1(void)
{
	uint32_t freq = timer_cntfrq(), iar;
	uint64_t cval, at;

	gic_guest_init();
	gicc_write(GICC_PMR, PMR1);
	gicc_write(GICC_BPR, BPR1);
	gicd_write8(GICD_IPRIORITYR + SGI_CPU1, PRIO_SGI);
	gic_guest_enable(PPI_VTIMER, PRIO_TIMER, 0);
	cval = timer_cntvct() + guest_ms(freq, TIMER_MS1);
	arm_vtimer(cval);
	GUEST_SYNC(SYNC_READY);

	/* From here on in the new VM. */
	GUEST_ASSERT_EQ(gicc_read(GICC_CTLR), 1);
	GUEST_ASSERT_EQ(gicc_read(GICC_PMR), PMR1);
	GUEST_ASSERT_EQ(gicc_read(GICC_BPR), BPR1);
	/* The SPI targeted here first (higher priority), then the SGI from vCPU 0. */
	iar = poll_ack(timer_cntvct() + guest_ms(freq, GIVE_UP_MS), &at);
	GUEST_ASSERT_EQ(iar, SPI_CPU1);
	gic_guest_eoi(iar);
	iar = gic_guest_ack();
	GUEST_ASSERT_EQ(GIC_IAR_ID(iar), SGI_CPU1);
	GUEST_ASSERT_EQ(GIC_IAR_CPU(iar), 0);
	gic_guest_eoi(iar);
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);

	take_vtimer(cval);
	GUEST_ASSERT_EQ(GIC_IAR_ID(gic_guest_ack()), GIC_SPURIOUS);
	GUEST_DONE();
}

/* ---- Saved state ------------------------------------------------------------------ */

#define DIST_WORDS	(0x1000 / 4)
#define MAX_REGS	512

static const uint32_t cpu_reg_offsets[] = {
	GICC_CTLR, GICC_PMR, GICC_BPR, 0x1c /* ABPR */,
	GICC_APR0, GICC_APR0 + 4, GICC_APR0 + 8, GICC_APR0 + 12, GICC_IIDR,
};
#define NR_CPU_REGS	(sizeof(cpu_reg_offsets) / sizeof(cpu_reg_offsets[0]))
#define CPU_REG_APR0	4	/* the index of GICC_APR0 above */
#define CPU_REG_IIDR	8

struct vcpu_state {
	uint64_t nr_regs;
	uint64_t ids[MAX_REGS];
	uint64_t vals[MAX_REGS];
	struct kvm_mp_state mp_state;
	uint32_t cpu_regs[NR_CPU_REGS];
};

struct vm_state {
	struct vcpu_state vcpus[NR_VCPUS];
	bool dist_exists[DIST_WORDS];
	uint32_t dist[NR_VCPUS][DIST_WORDS];
	unsigned int nr_regions;
	struct {
		uint64_t gpa, size;
		void *data;
	} mem[VM_MAX_REGIONS];
};

static uint64_t attr_of(uint32_t cpu, uint32_t offset)
{
	return (uint64_t)cpu << KVM_DEV_ARM_VGIC_CPUID_SHIFT | offset;
}

/* KVM_GET_DEVICE_ATTR of a vGIC register; returns 0 or the errno. */
static int vgic_reg_try_get(int dev, uint32_t group, uint32_t cpu, uint32_t offset,
			    uint32_t *val)
{
	struct kvm_device_attr attr = {
		.group = group, .attr = attr_of(cpu, offset), .addr = (uintptr_t)val,
	};

	return ioctl(dev, KVM_GET_DEVICE_ATTR, &attr) ? errno : 0;
}

static int one_reg(struct kvm_vcpu *vcpu, unsigned long nr, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu->fd, nr, &reg) ? errno : 0;
}

static uint64_t get_reg_list(struct kvm_vcpu *vcpu, uint64_t *ids)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	uint64_t n;

	TEST_ASSERT(ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe) == -1 && errno == E2BIG,
		    "KVM_GET_REG_LIST with n = 0");
	TEST_ASSERT(probe.n <= MAX_REGS, "%llu registers", (unsigned long long)probe.n);
	list = calloc(1, sizeof(*list) + probe.n * sizeof(uint64_t));
	TEST_ASSERT(list, "calloc");
	list->n = probe.n;
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_GET_REG_LIST, list), "KVM_GET_REG_LIST");
	n = list->n;
	memcpy(ids, list->reg, n * sizeof(uint64_t));
	free(list);
	return n;
}

static void save_vcpu(struct kvm_vcpu *vcpu, struct vcpu_state *s)
{
	uint64_t i;

	s->nr_regs = get_reg_list(vcpu, s->ids);
	for (i = 0; i < s->nr_regs; i++) {
		s->vals[i] = 0;
		TEST_ASSERT(!one_reg(vcpu, KVM_GET_ONE_REG, s->ids[i], &s->vals[i]),
			    "GET_ONE_REG %#llx", (unsigned long long)s->ids[i]);
	}
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_GET_MP_STATE, &s->mp_state), "KVM_GET_MP_STATE");
}

/* Every offset of the distributor frame, for every vCPU; the CPU interfaces. */
static void save_vgic(int dev, struct vm_state *s)
{
	uint32_t off, cpu, i;
	int err;

	for (off = 0; off < 0x1000; off += 4) {
		err = vgic_reg_try_get(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, off,
				       &s->dist[0][off / 4]);
		TEST_ASSERT(!err || err == ENXIO, "DIST_REGS %#x: error %d", off, err);
		s->dist_exists[off / 4] = !err;
		for (cpu = 1; cpu < NR_VCPUS && !err; cpu++)
			TEST_ASSERT(!vgic_reg_try_get(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, cpu, off,
						      &s->dist[cpu][off / 4]),
				    "DIST_REGS %#x of vCPU %u", off, cpu);
	}
	for (cpu = 0; cpu < NR_VCPUS; cpu++)
		for (i = 0; i < NR_CPU_REGS; i++)
			s->vcpus[cpu].cpu_regs[i] = vgic_reg_get(dev, KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
								 cpu, cpu_reg_offsets[i]);
}

static void save_memory(struct kvm_vm *vm, struct vm_state *s)
{
	unsigned int i;

	s->nr_regions = vm->nr_regions;
	for (i = 0; i < vm->nr_regions; i++) {
		s->mem[i].gpa = vm->regions[i].gpa;
		s->mem[i].size = vm->regions[i].size;
		s->mem[i].data = malloc(s->mem[i].size);
		TEST_ASSERT(s->mem[i].data, "malloc");
		memcpy(s->mem[i].data, vm->regions[i].hva, s->mem[i].size);
	}
}

/* ---- Restoring ----------------------------------------------------------------- */

/* Distributor registers banked per vCPU: those of INTIDs 0-31, and the SGI sources. */
static bool dist_banked(uint32_t off)
{
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR)
		return off % 0x80 == 0;
	return (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 32) ||
	       (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 32) ||
	       (off >= GICD_ICFGR && off < GICD_ICFGR + 8) ||
	       (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16);
}

/*
 * Writes the saved registers in [@start, @end) (all ones instead, to clear
 * with a write-1-to-clear register, if @ones), each banked one for every
 * vCPU.
 */
static void put_dist(int dev, const struct vm_state *s, uint32_t start, uint32_t end, bool ones)
{
	uint32_t off, cpu;

	for (off = start; off < end; off += 4) {
		if (!s->dist_exists[off / 4])
			continue;
		for (cpu = 0; cpu < (dist_banked(off) ? NR_VCPUS : 1); cpu++)
			vgic_reg_set(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, cpu, off,
				     ones ? ~0u : s->dist[cpu][off / 4]);
	}
}

static void restore_vgic(int dev, const struct vm_state *s)
{
	uint32_t cpu, i;

	put_dist(dev, s, GICD_CTLR, GICD_CTLR + 4, false);
	/*
	 * Linux 5.6 ignores user writes to IGROUPR until user space has
	 * written GICD_IIDR (the revision it expects), as a VMM that knows of
	 * the groups does first.
	 */
	put_dist(dev, s, GICD_IIDR, GICD_IIDR + 4, false);
	put_dist(dev, s, GICD_ICENABLER, GICD_ISPENDR, true);
	put_dist(dev, s, GICD_ISENABLER, GICD_ICENABLER, false);
	put_dist(dev, s, GICD_IGROUPR, GICD_ISENABLER, false);
	/* Targets before pending state, so that it is pending at the right vCPU. */
	put_dist(dev, s, GICD_ITARGETSR, GICD_ICFGR, false);
	/* The trigger configuration before pending state: level and edge differ. */
	put_dist(dev, s, GICD_ICFGR, GICD_ICFGR + 0x100, false);
	put_dist(dev, s, GICD_ICPENDR, GICD_ISACTIVER, true);
	put_dist(dev, s, GICD_ISPENDR, GICD_ICPENDR, false);
	put_dist(dev, s, GICD_ICACTIVER, GICD_IPRIORITYR, true);
	put_dist(dev, s, GICD_ISACTIVER, GICD_ICACTIVER, false);
	put_dist(dev, s, GICD_IPRIORITYR, GICD_ITARGETSR, false);
	put_dist(dev, s, GICD_CPENDSGIR, GICD_SPENDSGIR, true);
	put_dist(dev, s, GICD_SPENDSGIR, GICD_SPENDSGIR + 16, false);

	for (cpu = 0; cpu < NR_VCPUS; cpu++)
		for (i = 0; i < NR_CPU_REGS; i++)
			if (i != CPU_REG_IIDR)
				vgic_reg_set(dev, KVM_DEV_ARM_VGIC_GRP_CPU_REGS, cpu,
					     cpu_reg_offsets[i], s->vcpus[cpu].cpu_regs[i]);
}

/* All saved registers but the virtual counter, which restore_counter() sets. */
static void restore_vcpu(struct kvm_vcpu *vcpu, const struct vcpu_state *s)
{
	uint64_t i, val;

	for (i = 0; i < s->nr_regs; i++) {
		if (s->ids[i] == KVM_REG_ARM_TIMER_CNT)
			continue;
		val = s->vals[i];
		TEST_ASSERT(!one_reg(vcpu, KVM_SET_ONE_REG, s->ids[i], &val),
			    "SET_ONE_REG %#llx = %#llx", (unsigned long long)s->ids[i],
			    (unsigned long long)val);
	}
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_SET_MP_STATE, &s->mp_state), "KVM_SET_MP_STATE");
}

/*
 * The virtual counter last, right before the VM runs again: like QEMU,
 * which keeps the counter still while a VM is stopped, so the time spent
 * saving and restoring does not count as guest time.
 */
static void restore_counter(struct kvm_vcpu *vcpu, const struct vcpu_state *s)
{
	uint64_t i;

	for (i = 0; i < s->nr_regs; i++)
		if (s->ids[i] == KVM_REG_ARM_TIMER_CNT)
			vcpu_set_reg64(vcpu, KVM_REG_ARM_TIMER_CNT, s->vals[i]);
}

static uint64_t saved_reg(const struct vcpu_state *s, uint64_t id)
{
	uint64_t i;

	for (i = 0; i < s->nr_regs; i++)
		if (s->ids[i] == id)
			return s->vals[i];
	TEST_FAIL("register %#llx was not saved", (unsigned long long)id);
}

/* Completes the exit a vCPU stopped at (the ucall's MMIO), without entering it. */
static void complete_exit(struct kvm_vcpu *vcpu)
{
	vcpu->run->immediate_exit = 1;
	TEST_ASSERT(vcpu_run(vcpu) == -1 && errno == EINTR,
		    "KVM_RUN with immediate_exit: EINTR");
	vcpu->run->immediate_exit = 0;
}

/* ---- Running the new VM -------------------------------------------------------- */

#define MAX_SYNCS	8

struct runner {
	struct kvm_vcpu *vcpu;
	pthread_t thread;
	unsigned int nr_syncs;
	struct ucall syncs[MAX_SYNCS];
	uint64_t host_at[MAX_SYNCS];	/* the host's count when each came */
};

/* Runs the vCPU until GUEST_DONE, keeping its syncs. */
static void *run_to_done(void *arg)
{
	struct runner *r = arg;
	struct ucall uc;

	while (vcpu_run_to_ucall(r->vcpu, &uc) == UCALL_SYNC) {
		TEST_ASSERT(r->nr_syncs < MAX_SYNCS, "too many syncs");
		r->host_at[r->nr_syncs] = host_counter();
		r->syncs[r->nr_syncs++] = uc;
	}
	return NULL;
}

static uint64_t arg64(const struct ucall *uc, unsigned int i)
{
	return uc->args[i] | (uint64_t)uc->args[i + 1] << 32;
}

static const struct ucall *find_sync(struct __test_metadata *_metadata, const struct runner *r,
				     uint32_t tag)
{
	unsigned int i;

	for (i = 0; i < r->nr_syncs; i++)
		if (r->syncs[i].args[0] == tag)
			return &r->syncs[i];
	TH_LOG("vCPU %u never reported %u", r->vcpu->id, tag);
	return NULL;
}

/* The vCPU's timer: due after it resumed, and it came on time. */
static void expect_timer_on_time(struct __test_metadata *_metadata, const struct runner *r,
				 uint64_t freq)
{
	const struct ucall *waiting = find_sync(_metadata, r, SYNC_WAITING);
	const struct ucall *timer = find_sync(_metadata, r, SYNC_TIMER);
	uint64_t due, at;

	ASSERT_NE(NULL, waiting);
	ASSERT_NE(NULL, timer);
	ASSERT_LT(arg64(waiting, 1), arg64(waiting, 3))
		TH_LOG("vCPU %u's timer was due before it waited for it: the board is too slow",
		       r->vcpu->id);
	due = arg64(timer, 1);
	at = arg64(timer, 3);
	EXPECT_EQ(PPI_VTIMER, GIC_IAR_ID(timer->args[5]))
		TH_LOG("vCPU %u took %#x, not its timer", r->vcpu->id, timer->args[5]);
	EXPECT_GE(at, due) TH_LOG("vCPU %u's timer came %lld ticks early", r->vcpu->id,
				  (long long)(due - at));
	EXPECT_LE(at - due, freq * LATE_MS / 1000)
		TH_LOG("vCPU %u's timer came %llu us late", r->vcpu->id,
		       (unsigned long long)((at - due) * 1000000 / freq));
}

/* ---- The test -------------------------------------------------------------------- */

static struct kvm_vm *make_vm(struct kvm_vcpu **vcpus, int *dev, void *code0, void *code1)
{
	struct kvm_vm *vm = vm_create();

	vcpus[0] = vcpu_add(vm, 0, code0);
	vcpus[1] = vcpu_add(vm, 1, code1);
	*dev = vgic_v2_setup(vm, 0);
	return vm;
}

/* Saves the stopped @vm (each vCPU left at an exit) into @s and destroys it. */
static void save_vm(struct kvm_vm *vm, struct kvm_vcpu **vcpus, int dev, struct vm_state *s)
{
	unsigned int cpu;

	/* The vCPUs (and so the virtual counter) first. */
	for (cpu = 0; cpu < NR_VCPUS; cpu++) {
		complete_exit(vcpus[cpu]);
		save_vcpu(vcpus[cpu], &s->vcpus[cpu]);
	}
	save_vgic(dev, s);
	save_memory(vm, s);
	vm_free(vm);
}

/*
 * Restores @s into a new VM (its vCPUs made with the same guest code),
 * checks that it all reads back as saved, and sets the virtual counter
 * last. Returns the VM, with its vCPUs in @vcpus.
 */
static struct kvm_vm *restore_vm(struct __test_metadata *_metadata, const struct vm_state *s,
				 struct kvm_vcpu **vcpus, void *code0, void *code1)
{
	uint64_t ids[MAX_REGS], val, mask, n;
	struct kvm_vm *vm;
	unsigned int i, cpu;
	uint32_t off, v;
	int dev;

	vm = make_vm(vcpus, &dev, code0, code1);
	TEST_ASSERT(s->nr_regions == vm->nr_regions, "the new VM's memory differs");
	for (i = 0; i < vm->nr_regions; i++) {
		TEST_ASSERT(s->mem[i].gpa == vm->regions[i].gpa &&
			    s->mem[i].size == vm->regions[i].size, "the new VM's memory differs");
		memcpy(vm->regions[i].hva, s->mem[i].data, s->mem[i].size);
	}
	for (cpu = 0; cpu < NR_VCPUS; cpu++)
		restore_vcpu(vcpus[cpu], &s->vcpus[cpu]);
	restore_vgic(dev, s);

	/* It reads back as saved: every register, every distributor word. */
	for (cpu = 0; cpu < NR_VCPUS; cpu++) {
		const struct vcpu_state *vs = &s->vcpus[cpu];

		n = get_reg_list(vcpus[cpu], ids);
		TEST_ASSERT(n == vs->nr_regs && !memcmp(ids, vs->ids, n * sizeof(ids[0])),
			    "vCPU %u's register list changed", cpu);
		for (i = 0; i < n; i++) {
			if (ids[i] == KVM_REG_ARM_TIMER_CNT)
				continue;
			val = 0;
			TEST_ASSERT(!one_reg(vcpus[cpu], KVM_GET_ONE_REG, ids[i], &val),
				    "GET_ONE_REG %#llx", (unsigned long long)ids[i]);
			/* ISTATUS follows the counter, which is not restored yet. */
			mask = ids[i] == KVM_REG_ARM_TIMER_CTL ? ~(uint64_t)TIMER_CTL_ISTATUS : ~0ull;
			EXPECT_EQ(vs->vals[i] & mask, val & mask)
				TH_LOG("vCPU %u register %#llx", cpu, (unsigned long long)ids[i]);
		}
		for (i = 0; i < NR_CPU_REGS; i++)
			EXPECT_EQ(vs->cpu_regs[i], vgic_reg_get(dev, KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
							       cpu, cpu_reg_offsets[i]))
				TH_LOG("vCPU %u GICC offset %#x", cpu, cpu_reg_offsets[i]);
	}
	for (off = 0; off < 0x1000; off += 4) {
		if (!s->dist_exists[off / 4]) {
			EXPECT_EQ(ENXIO, vgic_reg_try_get(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0,
							  off, &v));
			continue;
		}
		for (cpu = 0; cpu < NR_VCPUS; cpu++) {
			TEST_ASSERT(!vgic_reg_try_get(dev, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, cpu, off,
						      &v), "DIST_REGS %#x of vCPU %u", off, cpu);
			EXPECT_EQ(s->dist[cpu][off / 4], v)
				TH_LOG("vCPU %u GICD offset %#x", cpu, off);
		}
	}

	for (cpu = 0; cpu < NR_VCPUS; cpu++)
		restore_counter(vcpus[cpu], &s->vcpus[cpu]);
	return vm;
}

/* Runs every vCPU in a thread of its own until GUEST_DONE. */
static void run_all(struct kvm_vcpu **vcpus, struct runner *runners)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NR_VCPUS; cpu++) {
		runners[cpu].vcpu = vcpus[cpu];
		TEST_ASSERT(!pthread_create(&runners[cpu].thread, NULL, run_to_done, &runners[cpu]),
			    "pthread_create");
	}
	for (cpu = 0; cpu < NR_VCPUS; cpu++)
		TEST_ASSERT(!pthread_join(runners[cpu].thread, NULL), "pthread_join");
}

static void free_state(struct vm_state *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_regions; i++)
		free(s->mem[i].data);
	free(s);
}

TEST(vgic_and_timers_survive_save_and_restore)
{
	struct vm_state *s = calloc(1, sizeof(*s));
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct runner runners[NR_VCPUS] = {};
	const struct ucall *resumed;
	uint64_t freq, cnt0, h_restore;
	struct ucall uc;
	struct kvm_vm *vm;
	unsigned int i, cpu;
	int dev;

	ASSERT_NE(NULL, s);

	/* ---- The old VM, brought to the state to save. */
	vm = make_vm(vcpus, &dev, guest_cpu0, guest_cpu1);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpus[1], &uc));
	ASSERT_EQ(SYNC_READY, uc.args[0]);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpus[0], &uc));
	ASSERT_EQ(SYNC_CONFIGURED, uc.args[0]);
	freq = uc.args[1];
	ASSERT_NE(0, freq);
	ASSERT_EQ(0, vgic_irq_line(vm, IRQ_LINE_SPI(SPI_ACTIVE), 1));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpus[0], &uc));
	ASSERT_EQ(SYNC_STOPPED, uc.args[0]);
	/* The level interrupt's line drops; edges make the others pending. */
	ASSERT_EQ(0, vgic_irq_line(vm, IRQ_LINE_SPI(SPI_ACTIVE), 0));
	for (i = SPI_LOW; i <= SPI_CPU1; i++) {
		if (i == SPI_ACTIVE)
			continue;
		ASSERT_EQ(0, vgic_irq_line(vm, IRQ_LINE_SPI(i), 1));
		ASSERT_EQ(0, vgic_irq_line(vm, IRQ_LINE_SPI(i), 0));
	}
	save_vm(vm, vcpus, dev, s);

	/* What was saved is the state the guests made (the save side's checks). */
	ASSERT_TRUE(s->dist_exists[GICD_ISACTIVER / 4 + 1]);
	EXPECT_EQ(SPI_BIT(SPI_ACTIVE), s->dist[0][GICD_ISACTIVER / 4 + 1] & 0x1f00);
	EXPECT_EQ(SPI_BIT(SPI_LOW) | SPI_BIT(SPI_HIGH) | SPI_BIT(SPI_DISABLED) |
		  SPI_BIT(SPI_CPU1), s->dist[0][GICD_ISPENDR / 4 + 1] & 0x1f00);
	/* SGI 5 pending at vCPU 1 from vCPU 0: byte 1 of GICD_SPENDSGIR1, bit 0. */
	EXPECT_EQ(0x100, s->dist[1][(GICD_SPENDSGIR + 4) / 4]);
	EXPECT_EQ(0, s->dist[0][(GICD_SPENDSGIR + 4) / 4]);
	/*
	 * KVM's GICv2 device ABI has GICH_VMCR.VMPriMask for GICC_PMR: the
	 * five implemented bits in bits [4:0] (Linux 5.6's
	 * vgic_mmio_read_vcpuif()).
	 */
	EXPECT_EQ(PMR0 >> 3, s->vcpus[0].cpu_regs[1]);
	EXPECT_EQ(BPR0, s->vcpus[0].cpu_regs[2]);
	EXPECT_EQ(PMR1 >> 3, s->vcpus[1].cpu_regs[1]);
	EXPECT_EQ(BPR1, s->vcpus[1].cpu_regs[2]);
	/* The active priority of SPI_ACTIVE: one bit per priority level of five bits. */
	EXPECT_EQ(1u << (PRIO_ACTIVE >> 3), s->vcpus[0].cpu_regs[CPU_REG_APR0]);
	EXPECT_EQ(0, s->vcpus[1].cpu_regs[CPU_REG_APR0]);
	EXPECT_EQ(TIMER_CTL_ENABLE,
		  saved_reg(&s->vcpus[0], KVM_REG_ARM_TIMER_CTL) & ~TIMER_CTL_ISTATUS);
	cnt0 = saved_reg(&s->vcpus[1], KVM_REG_ARM_TIMER_CNT);

	/* ---- A new VM as saved; go on. */
	h_restore = host_counter();
	vm = restore_vm(_metadata, s, vcpus, guest_cpu0, guest_cpu1);
	run_all(vcpus, runners);

	/* The virtual counter went on from where it was saved. */
	resumed = find_sync(_metadata, &runners[0], SYNC_RESUMED);
	ASSERT_NE(NULL, resumed);
	EXPECT_TRUE(arg64(resumed, 1) >= cnt0 &&
		    arg64(resumed, 1) - cnt0 <=
		    runners[0].host_at[resumed - runners[0].syncs] - h_restore)
		TH_LOG("CNTVCT %#llx on resuming, saved %#llx",
		       (unsigned long long)arg64(resumed, 1), (unsigned long long)cnt0);
	for (cpu = 0; cpu < NR_VCPUS; cpu++)
		expect_timer_on_time(_metadata, &runners[cpu], freq);

	vm_free(vm);
	free_state(s);
}

/* ---- A timer interrupt pending across the save ---------------------------------- */

static GUEST_CODE void guest_expired_timer(void)
{
	uint32_t freq = timer_cntfrq(), iar;
	uint64_t at;

	gic_guest_init();
	gic_guest_enable(PPI_VTIMER, PRIO_TIMER, 0);
	arm_vtimer(timer_cntvct() + guest_ms(freq, 10));
	while (!(timer_get_ctl(TIMER_VIRT) & TIMER_CTL_ISTATUS))
		;
	/* Due, and its interrupt pending, not taken: saved like that. */
	GUEST_SYNC(SYNC_STOPPED);

	/* In the new VM: taken once, and not again once the timer is off. */
	iar = poll_ack(timer_cntvct() + guest_ms(freq, GIVE_UP_MS), &at);
	GUEST_ASSERT_EQ(iar, PPI_VTIMER);
	timer_set_ctl(TIMER_VIRT, 0);
	gic_guest_eoi(iar);
	iar = poll_ack(timer_cntvct() + guest_ms(freq, 20), &at);
	GUEST_ASSERT_EQ(GIC_IAR_ID(iar), GIC_SPURIOUS);
	GUEST_DONE();
}

static GUEST_CODE void guest_idle(void)
{
	GUEST_SYNC(SYNC_READY);
	GUEST_DONE();
}

/*
 * A guest stopped with its timer's interrupt pending (due, not yet taken)
 * takes it once in the new VM: the restored pending state and the timer's
 * line, which the new VM derives from the restored timer, are the same
 * interrupt, not two.
 */
TEST(pending_timer_interrupt_survives_save_and_restore)
{
	struct vm_state *s = calloc(1, sizeof(*s));
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct runner runners[NR_VCPUS] = {};
	struct ucall uc;
	struct kvm_vm *vm;
	int dev;

	ASSERT_NE(NULL, s);
	vm = make_vm(vcpus, &dev, guest_expired_timer, guest_idle);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpus[1], &uc));
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpus[0], &uc));
	ASSERT_EQ(SYNC_STOPPED, uc.args[0]);
	save_vm(vm, vcpus, dev, s);
	EXPECT_EQ(1u << PPI_VTIMER, s->dist[0][GICD_ISPENDR / 4] & (1u << PPI_VTIMER));
	EXPECT_EQ(0, s->dist[1][GICD_ISPENDR / 4] & (1u << PPI_VTIMER));
	EXPECT_EQ(TIMER_CTL_ENABLE | TIMER_CTL_ISTATUS,
		  saved_reg(&s->vcpus[0], KVM_REG_ARM_TIMER_CTL));

	vm = restore_vm(_metadata, s, vcpus, guest_expired_timer, guest_idle);
	run_all(vcpus, runners);
	vm_free(vm);
	free_state(s);
}

TEST_HARNESS_MAIN
