// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: kmod/vgic_dist.c
/*
 * The virtual GICv2 distributor: every GICD register as a GICv2 guest of
 * Linux 5.6's KVM sees it, interrupt lines, and the round trip of interrupt
 * state through the list registers (flush before entry, sync after exit),
 * with the guest's side of the list registers played by hand.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vgic_dist.h"
#include "kselftest_harness.h"

/*
 * Register offsets and list register bits as IHI 0048B lays them out,
 * spelled out here rather than taken from vgic_dist.h so a wrong constant
 * there cannot hide itself.
 */
#define CTLR		0x000
#define TYPER		0x004
#define IIDR		0x008
#define IGROUPR		0x080
#define ISENABLER	0x100
#define ICENABLER	0x180
#define ISPENDR		0x200
#define ICPENDR		0x280
#define ISACTIVER	0x300
#define ICACTIVER	0x380
#define IPRIORITYR	0x400
#define ITARGETSR	0x800
#define ICFGR		0xc00
#define SGIR		0xf00
#define CPENDSGIR	0xf10
#define SPENDSGIR	0xf20

#define SGIR_LIST	(0u << 24)
#define SGIR_OTHERS	(1u << 24)
#define SGIR_SELF	(2u << 24)
#define SGIR_RESERVED	(3u << 24)

#define LR_EOI		(1u << 19)
#define LR_PENDING	(1u << 28)
#define LR_ACTIVE	(2u << 28)
#define LR_GROUP1	(1u << 30)

#define NR_CPUS		4
#define NR_IRQS		128
#define MAX_LRS		64

static u32 rd(struct vgic_dist *d, unsigned int cpu, u32 offset, unsigned int len)
{
	u32 val = 0xdeadbeef;

	vgic_dist_read(d, cpu, offset, len, &val);
	return val;
}

static void wr(struct vgic_dist *d, unsigned int cpu, u32 offset, unsigned int len, u32 val)
{
	vgic_dist_write(d, cpu, offset, len, val);
}

/* One interrupt's bit in a 1-bit-per-interrupt register, as @cpu sees it. */
static bool bit(struct vgic_dist *d, unsigned int cpu, u32 base, u32 intid)
{
	return rd(d, cpu, base + intid / 32 * 4, 4) >> (intid % 32) & 1;
}

static void set_bit_reg(struct vgic_dist *d, unsigned int cpu, u32 base, u32 intid)
{
	wr(d, cpu, base + intid / 32 * 4, 4, 1u << (intid % 32));
}

static bool pending(struct vgic_dist *d, unsigned int cpu, u32 intid)
{
	return bit(d, cpu, ISPENDR, intid);
}

static bool active(struct vgic_dist *d, unsigned int cpu, u32 intid)
{
	return bit(d, cpu, ISACTIVER, intid);
}

/* Sets the trigger of an SPI, leaving the others in its ICFGR alone. */
static void set_edge(struct vgic_dist *d, u32 intid, bool edge)
{
	u32 off = ICFGR + intid / 16 * 4, shift = intid % 16 * 2 + 1;
	u32 val = rd(d, 0, off, 4);

	val = edge ? val | 1u << shift : val & ~(1u << shift);
	wr(d, 0, off, 4, val);
}

/* An SPI or PPI ready to deliver: enabled, priority, trigger, target. */
static void setup_irq(struct vgic_dist *d, unsigned int cpu, u32 intid, u8 prio, bool edge,
		      u8 targets)
{
	set_bit_reg(d, cpu, ISENABLER, intid);
	wr(d, cpu, IPRIORITYR + intid, 1, prio);
	if (intid >= 32) {
		set_edge(d, intid, edge);
		wr(d, cpu, ITARGETSR + intid, 1, targets);
	}
}

static void send_sgi(struct vgic_dist *d, unsigned int from, u32 filter, u8 targets, u32 sgi)
{
	wr(d, from, SGIR, 4, filter | (u32)targets << 16 | sgi);
}

/* The guest reads GICV_IAR: the list register goes from pending to active. */
static void ack(struct vgic_lr *lr)
{
	lr->pending = false;
	lr->active = true;
}

/* The guest writes GICV_EOIR (EOImode 0): priority drop and deactivation. */
static void eoi(struct vgic_lr *lr)
{
	lr->active = false;
}

static bool same_lr(const struct vgic_lr *a, const struct vgic_lr *b)
{
	return a->intid == b->intid && a->source == b->source && a->priority == b->priority &&
	       a->pending == b->pending && a->active == b->active && a->group1 == b->group1 &&
	       a->eoi_maintenance == b->eoi_maintenance;
}

FIXTURE(gic) {
	struct vgic_dist *d;
	struct vgic_lr lrs[MAX_LRS];
	bool overflow;
};

FIXTURE_SETUP(gic)
{
	/* About 25 KiB: not for the stack. */
	self->d = calloc(1, sizeof(*self->d));
	ASSERT_NE(NULL, self->d);
	ASSERT_EQ(0, vgic_dist_init(self->d, NR_CPUS, NR_IRQS));
	self->overflow = true;
}

FIXTURE_TEARDOWN(gic)
{
	free(self->d);
}

TEST(init_refuses_bad_sizes_and_leaves_the_distributor_alone)
{
	static const unsigned int bad_irqs[] = { 0, 32, 63, 65, 96 + 1, 1024 + 32, 2048 };
	struct vgic_dist *d = malloc(sizeof(*d));
	unsigned int i;

	ASSERT_NE(NULL, d);
	memset(d, 0x5a, sizeof(*d));
	EXPECT_EQ(-EINVAL, vgic_dist_init(d, 0, 128));
	EXPECT_EQ(-EINVAL, vgic_dist_init(d, 9, 128));
	for (i = 0; i < sizeof(bad_irqs) / sizeof(bad_irqs[0]); i++)
		EXPECT_EQ(-EINVAL, vgic_dist_init(d, 1, bad_irqs[i])) TH_LOG("nr_irqs %u",
									 bad_irqs[i]);
	EXPECT_EQ(0x5a5a5a5au, d->nr_cpus);
	EXPECT_EQ(0x5a5a5a5au, d->nr_irqs);

	EXPECT_EQ(0, vgic_dist_init(d, 1, 64));
	EXPECT_EQ(0, vgic_dist_init(d, 8, 1024));
	EXPECT_EQ(0, vgic_dist_init(d, 3, 96));
	free(d);
}

TEST_F(gic, reset_state_is_kvms)
{
	struct vgic_dist *d = self->d;
	unsigned int cpu, i;

	EXPECT_EQ(0, rd(d, 0, CTLR, 4));
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		/* SGIs enabled, PPIs not; nothing pending, active, or group 1. */
		EXPECT_EQ(0x0000ffffu, rd(d, cpu, ISENABLER, 4)) TH_LOG("cpu %u", cpu);
		EXPECT_EQ(0x0000ffffu, rd(d, cpu, ICENABLER, 4));
		EXPECT_EQ(0, rd(d, cpu, ISPENDR, 4));
		EXPECT_EQ(0, rd(d, cpu, ISACTIVER, 4));
		EXPECT_EQ(0, rd(d, cpu, IGROUPR, 4));
		/* SGIs edge (0b10 each), PPIs level. */
		EXPECT_EQ(0xaaaaaaaau, rd(d, cpu, ICFGR, 4));
		EXPECT_EQ(0, rd(d, cpu, ICFGR + 4, 4));
		for (i = 0; i < 32; i += 4)
			EXPECT_EQ(0, rd(d, cpu, IPRIORITYR + i, 4));
		EXPECT_EQ(0, rd(d, cpu, CPENDSGIR, 4));
	}
	for (i = 1; i < NR_IRQS / 32; i++) {
		EXPECT_EQ(0, rd(d, 0, ISENABLER + 4 * i, 4)) TH_LOG("SPI word %u", i);
		EXPECT_EQ(0, rd(d, 0, ISPENDR + 4 * i, 4));
		EXPECT_EQ(0, rd(d, 0, ISACTIVER + 4 * i, 4));
		EXPECT_EQ(0, rd(d, 0, IGROUPR + 4 * i, 4));
	}
	for (i = 32; i < NR_IRQS; i += 4) {
		EXPECT_EQ(0, rd(d, 0, IPRIORITYR + i, 4)) TH_LOG("SPI %u", i);
		EXPECT_EQ(0, rd(d, 0, ITARGETSR + i, 4));
	}
	/*
	 * SPIs: KVM allocates them zeroed and VGIC_CONFIG_EDGE is 0, so they
	 * come up edge-triggered.
	 */
	for (i = 2; i < NR_IRQS / 16; i++)
		EXPECT_EQ(0xaaaaaaaau, rd(d, 0, ICFGR + 4 * i, 4)) TH_LOG("ICFGR%u", i);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
}

TEST_F(gic, ctlr_holds_only_the_enable_bit)
{
	struct vgic_dist *d = self->d;

	wr(d, 0, CTLR, 4, 0xffffffff);
	EXPECT_EQ(1, rd(d, 0, CTLR, 4));
	EXPECT_TRUE(d->enabled);
	/* One distributor: every CPU sees it. */
	EXPECT_EQ(1, rd(d, 3, CTLR, 4));
	/* Bit 1 (EnableGrp1 elsewhere) is not part of KVM's v2 model. */
	wr(d, 2, CTLR, 4, 2);
	EXPECT_EQ(0, rd(d, 0, CTLR, 4));
	EXPECT_FALSE(d->enabled);
	wr(d, 0, CTLR, 4, 1);
	EXPECT_EQ(1, rd(d, 0, CTLR, 4));
	wr(d, 0, CTLR, 4, 0);
	EXPECT_EQ(0, rd(d, 0, CTLR, 4));
}

TEST(typer_reports_interrupt_lines_and_cpus)
{
	static const struct { unsigned int cpus, irqs; u32 typer; } cases[] = {
		/* ITLinesNumber = irqs / 32 - 1 in [4:0], CPUNumber = cpus - 1 in [7:5]. */
		{ 1, 64, 0x01 }, { 4, 128, 0x63 }, { 2, 96, 0x22 }, { 8, 1024, 0xff },
	};
	struct vgic_dist *d = calloc(1, sizeof(*d));
	unsigned int i;

	ASSERT_NE(NULL, d);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, vgic_dist_init(d, cases[i].cpus, cases[i].irqs));
		EXPECT_EQ(cases[i].typer, rd(d, 0, TYPER, 4)) TH_LOG("case %u", i);
		/* Read-only. */
		wr(d, 0, TYPER, 4, 0);
		EXPECT_EQ(cases[i].typer, rd(d, cases[i].cpus - 1, TYPER, 4));
	}
	free(d);
}

TEST_F(gic, iidr_is_kvm_5_6_gicv2_revision_2)
{
	/* ProductID 0x4b << 24, Revision 2 << 12, Implementer 0x43b (ARM). */
	EXPECT_EQ(0x4b00243bu, rd(self->d, 0, IIDR, 4));
	wr(self->d, 0, IIDR, 4, 0);
	EXPECT_EQ(0x4b00243bu, rd(self->d, 1, IIDR, 4));
}

TEST_F(gic, igroupr_is_writable_and_banked_below_32)
{
	struct vgic_dist *d = self->d;
	unsigned int n;

	wr(d, 1, IGROUPR, 4, 0xffffffff);
	EXPECT_EQ(0xffffffffu, rd(d, 1, IGROUPR, 4));
	EXPECT_EQ(0, rd(d, 0, IGROUPR, 4));
	wr(d, 1, IGROUPR, 4, 0x00010001);
	EXPECT_EQ(0x00010001u, rd(d, 1, IGROUPR, 4));

	wr(d, 2, IGROUPR + 4, 4, 0x80000001);
	EXPECT_EQ(0x80000001u, rd(d, 0, IGROUPR + 4, 4));

	/* The group travels to the list register. */
	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 63, 0, true, 1);
	setup_irq(d, 0, 62, 0, true, 1);
	set_bit_reg(d, 0, ISPENDR, 63);
	set_bit_reg(d, 0, ISPENDR, 62);
	n = vgic_dist_flush(d, 0, self->lrs, MAX_LRS, &self->overflow);
	ASSERT_EQ(2, n);
	EXPECT_EQ(62, self->lrs[0].intid);
	EXPECT_FALSE(self->lrs[0].group1);
	EXPECT_EQ(63, self->lrs[1].intid);
	EXPECT_TRUE(self->lrs[1].group1);
}

TEST_F(gic, enable_set_and_clear)
{
	struct vgic_dist *d = self->d;

	wr(d, 0, ISENABLER + 4, 4, 0x5);
	EXPECT_EQ(0x5u, rd(d, 0, ISENABLER + 4, 4));
	EXPECT_EQ(0x5u, rd(d, 3, ICENABLER + 4, 4));
	/* Zeros change nothing, in either register. */
	wr(d, 0, ISENABLER + 4, 4, 0x2);
	EXPECT_EQ(0x7u, rd(d, 0, ISENABLER + 4, 4));
	wr(d, 0, ICENABLER + 4, 4, 0x1);
	EXPECT_EQ(0x6u, rd(d, 0, ISENABLER + 4, 4));
	wr(d, 0, ICENABLER + 4, 4, 0xfffffff9);
	EXPECT_EQ(0x6u, rd(d, 0, ISENABLER + 4, 4));

	/* Banked: a PPI of vCPU 1, an SGI of vCPU 2. */
	wr(d, 1, ISENABLER, 4, 0x00010000);
	wr(d, 2, ICENABLER, 4, 0x00000001);
	EXPECT_EQ(0x0001ffffu, rd(d, 1, ISENABLER, 4));
	EXPECT_EQ(0x0000fffeu, rd(d, 2, ISENABLER, 4));
	EXPECT_EQ(0x0000ffffu, rd(d, 0, ISENABLER, 4));
}

TEST_F(gic, pending_set_and_clear_on_an_edge_interrupt)
{
	struct vgic_dist *d = self->d;

	set_edge(d, 40, true);
	set_bit_reg(d, 1, ISPENDR, 40);
	EXPECT_EQ(1u << 8, rd(d, 0, ISPENDR + 4, 4));
	EXPECT_EQ(1u << 8, rd(d, 0, ICPENDR + 4, 4));
	set_bit_reg(d, 2, ICPENDR, 40);
	EXPECT_EQ(0, rd(d, 0, ISPENDR + 4, 4));
	/* An edge that came and went leaves it pending. */
	EXPECT_EQ(0, vgic_dist_set_line(d, 0, 40, true));
	EXPECT_EQ(0, vgic_dist_set_line(d, 0, 40, false));
	EXPECT_TRUE(pending(d, 0, 40));
}

TEST_F(gic, level_interrupt_is_latch_or_line)
{
	struct vgic_dist *d = self->d;

	set_edge(d, 41, false);
	set_bit_reg(d, 0, ISPENDR, 41);
	EXPECT_TRUE(pending(d, 0, 41));
	set_bit_reg(d, 0, ICPENDR, 41);
	EXPECT_FALSE(pending(d, 0, 41));

	/* A high line keeps it pending through ICPENDR. */
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 41, true));
	EXPECT_TRUE(pending(d, 0, 41));
	set_bit_reg(d, 0, ICPENDR, 41);
	EXPECT_TRUE(pending(d, 0, 41));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 41, false));
	EXPECT_FALSE(pending(d, 0, 41));

	/* The latch outlives the line. */
	set_bit_reg(d, 0, ISPENDR, 41);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 41, true));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 41, false));
	EXPECT_TRUE(pending(d, 0, 41));
	set_bit_reg(d, 0, ICPENDR, 41);
	EXPECT_FALSE(pending(d, 0, 41));

	/* A PPI is level-sensitive from reset, and its vCPU's alone. */
	ASSERT_EQ(0, vgic_dist_set_line(d, 2, 27, true));
	EXPECT_TRUE(pending(d, 2, 27));
	EXPECT_FALSE(pending(d, 0, 27));
	ASSERT_EQ(0, vgic_dist_set_line(d, 2, 27, false));
	EXPECT_FALSE(pending(d, 2, 27));
}

TEST_F(gic, sgi_bits_of_ispendr0_and_icpendr0_are_wi)
{
	struct vgic_dist *d = self->d;

	wr(d, 0, ISPENDR, 4, 0x0000ffff);
	EXPECT_EQ(0, rd(d, 0, ISPENDR, 4));
	EXPECT_EQ(0, rd(d, 0, CPENDSGIR, 4));

	/* Pending through SGIR, it reads as pending, and ICPENDR0 can't clear it. */
	send_sgi(d, 1, SGIR_LIST, 0x1, 3);
	EXPECT_EQ(1u << 3, rd(d, 0, ISPENDR, 4));
	wr(d, 0, ICPENDR, 4, 0x0000ffff);
	EXPECT_EQ(1u << 3, rd(d, 0, ISPENDR, 4));
	EXPECT_EQ(0x02u, rd(d, 0, CPENDSGIR + 3, 1));

	/* The PPI bits of the same registers work. */
	wr(d, 0, ISPENDR, 4, 0x00010000);
	EXPECT_EQ(0x00010008u, rd(d, 0, ISPENDR, 4));
	wr(d, 0, ICPENDR, 4, 0x00010000);
	EXPECT_EQ(0x00000008u, rd(d, 0, ISPENDR, 4));
}

TEST_F(gic, active_set_and_clear)
{
	struct vgic_dist *d = self->d;

	wr(d, 0, ISACTIVER + 8, 4, 0x80000001);
	EXPECT_EQ(0x80000001u, rd(d, 1, ISACTIVER + 8, 4));
	EXPECT_EQ(0x80000001u, rd(d, 1, ICACTIVER + 8, 4));
	wr(d, 0, ICACTIVER + 8, 4, 0x00000001);
	EXPECT_EQ(0x80000000u, rd(d, 0, ISACTIVER + 8, 4));
	wr(d, 0, ISACTIVER + 8, 4, 0);
	EXPECT_EQ(0x80000000u, rd(d, 0, ISACTIVER + 8, 4));

	/* Banked below 32. */
	wr(d, 3, ISACTIVER, 4, 0x00020004);
	EXPECT_EQ(0x00020004u, rd(d, 3, ISACTIVER, 4));
	EXPECT_EQ(0, rd(d, 2, ISACTIVER, 4));
}

TEST_F(gic, ipriorityr_takes_bytes_and_words_and_keeps_five_bits)
{
	struct vgic_dist *d = self->d;

	wr(d, 0, IPRIORITYR + 40, 1, 0xff);
	EXPECT_EQ(0xf8u, rd(d, 0, IPRIORITYR + 40, 1));
	/* 0x12 -> 0x10, 0x34 -> 0x30, 0x56 -> 0x50, 0x78 -> 0x78. */
	wr(d, 0, IPRIORITYR + 44, 4, 0x12345678);
	EXPECT_EQ(0x10305078u, rd(d, 0, IPRIORITYR + 44, 4));
	EXPECT_EQ(0x78u, rd(d, 0, IPRIORITYR + 44, 1));
	EXPECT_EQ(0x50u, rd(d, 0, IPRIORITYR + 45, 1));
	EXPECT_EQ(0x30u, rd(d, 0, IPRIORITYR + 46, 1));
	EXPECT_EQ(0x10u, rd(d, 0, IPRIORITYR + 47, 1));
	/* A byte write changes its byte only. */
	wr(d, 0, IPRIORITYR + 45, 1, 0xa0);
	EXPECT_EQ(0x1030a078u, rd(d, 0, IPRIORITYR + 44, 4));
	/* Only the low byte of the value counts in a byte write. */
	wr(d, 0, IPRIORITYR + 46, 1, 0xffffff08);
	EXPECT_EQ(0x1008a078u, rd(d, 0, IPRIORITYR + 44, 4));

	/* Banked below 32. */
	wr(d, 1, IPRIORITYR + 0, 1, 0x80);
	wr(d, 1, IPRIORITYR + 28, 4, 0xf0e0d0c0);
	EXPECT_EQ(0x80u, rd(d, 1, IPRIORITYR, 4));
	EXPECT_EQ(0xf0e0d0c0u, rd(d, 1, IPRIORITYR + 28, 4));
	EXPECT_EQ(0, rd(d, 0, IPRIORITYR, 4));
	EXPECT_EQ(0, rd(d, 0, IPRIORITYR + 28, 4));
}

TEST_F(gic, itargetsr_of_private_interrupts_reads_own_cpu_and_ignores_writes)
{
	struct vgic_dist *d = self->d;
	unsigned int cpu, i;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		wr(d, cpu, ITARGETSR + 16, 4, 0xffffffff);
		wr(d, cpu, ITARGETSR + 3, 1, 0xff);
		for (i = 0; i < 32; i += 4)
			EXPECT_EQ(0x01010101u << cpu, rd(d, cpu, ITARGETSR + i, 4))
				TH_LOG("cpu %u, ITARGETSR%u", cpu, i / 4);
		EXPECT_EQ(1u << cpu, rd(d, cpu, ITARGETSR + 3, 1));
		EXPECT_EQ(1u << cpu, rd(d, cpu, ITARGETSR + 31, 1));
	}
}

TEST_F(gic, itargetsr_of_spis_keeps_existing_cpus_only)
{
	struct vgic_dist *d = self->d;

	/* Four vCPUs: bits 4-7 do not exist. */
	wr(d, 0, ITARGETSR + 32, 1, 0xff);
	EXPECT_EQ(0x0fu, rd(d, 0, ITARGETSR + 32, 1));
	wr(d, 1, ITARGETSR + 36, 4, 0x0f080402);
	EXPECT_EQ(0x0f080402u, rd(d, 2, ITARGETSR + 36, 4));
	wr(d, 1, ITARGETSR + 36, 4, 0xf1f2f4f8);
	EXPECT_EQ(0x01020408u, rd(d, 0, ITARGETSR + 36, 4));
	wr(d, 1, ITARGETSR + 38, 1, 0x30);
	EXPECT_EQ(0x01000408u, rd(d, 0, ITARGETSR + 36, 4));
}

TEST_F(gic, icfgr_sgis_edge_ppis_read_only_spis_writable)
{
	struct vgic_dist *d = self->d;

	wr(d, 1, ICFGR, 4, 0);
	EXPECT_EQ(0xaaaaaaaau, rd(d, 1, ICFGR, 4));
	wr(d, 1, ICFGR + 4, 4, 0xffffffff);
	EXPECT_EQ(0, rd(d, 1, ICFGR + 4, 4));

	/* Only the upper bit of each field is implemented. */
	wr(d, 0, ICFGR + 8, 4, 0xffffffff);
	EXPECT_EQ(0xaaaaaaaau, rd(d, 0, ICFGR + 8, 4));
	wr(d, 0, ICFGR + 8, 4, 0x55555555);
	EXPECT_EQ(0, rd(d, 0, ICFGR + 8, 4));
	wr(d, 0, ICFGR + 8, 4, 0x80000002);
	EXPECT_EQ(0x80000002u, rd(d, 3, ICFGR + 8, 4));
}

TEST_F(gic, sgir_target_list)
{
	struct vgic_dist *d = self->d;
	unsigned int cpu;

	send_sgi(d, 0, SGIR_LIST, 0x0a, 5);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(cpu == 1 || cpu == 3 ? 0x01u : 0, rd(d, cpu, SPENDSGIR + 5, 1))
			TH_LOG("cpu %u", cpu);
	/* Targets that do not exist get nothing, and break nothing. */
	send_sgi(d, 2, SGIR_LIST, 0xf0, 6);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(0, rd(d, cpu, SPENDSGIR + 6, 1));
	/* An empty list sends nothing. */
	send_sgi(d, 2, SGIR_LIST, 0, 7);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(0, rd(d, cpu, SPENDSGIR + 7, 1));
}

TEST_F(gic, sgir_all_but_self_ignores_the_list)
{
	struct vgic_dist *d = self->d;
	unsigned int cpu;

	send_sgi(d, 2, SGIR_OTHERS, 0x04, 9);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(cpu == 2 ? 0 : 0x04u, rd(d, cpu, SPENDSGIR + 9, 1)) TH_LOG("cpu %u", cpu);
}

TEST_F(gic, sgir_self_and_reserved_filter)
{
	struct vgic_dist *d = self->d;
	unsigned int cpu;

	send_sgi(d, 3, SGIR_SELF, 0x07, 15);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(cpu == 3 ? 0x08u : 0, rd(d, cpu, SPENDSGIR + 15, 1)) TH_LOG("cpu %u", cpu);

	send_sgi(d, 1, SGIR_RESERVED, 0x0f, 1);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(0, rd(d, cpu, SPENDSGIR, 4)) TH_LOG("cpu %u", cpu);
}

TEST_F(gic, sgir_requests_accumulate_per_source_and_sgir_is_write_only)
{
	struct vgic_dist *d = self->d;

	send_sgi(d, 0, SGIR_LIST, 0x08, 3);
	send_sgi(d, 1, SGIR_LIST, 0x08, 3);
	send_sgi(d, 2, SGIR_OTHERS, 0, 3);
	send_sgi(d, 2, SGIR_OTHERS, 0, 3);
	EXPECT_EQ(0x07u, rd(d, 3, CPENDSGIR + 3, 1));
	EXPECT_EQ(0x07000000u, rd(d, 3, CPENDSGIR, 4));
	EXPECT_EQ(0, rd(d, 0, SGIR, 4));
	/* Bits 15 (NSATT) and 4-14 do not change the request. */
	wr(d, 1, SGIR, 4, SGIR_LIST | 0x01u << 16 | 0x8000 | 0x7ff0 | 2);
	EXPECT_EQ(0x02u, rd(d, 0, SPENDSGIR + 2, 1));
}

TEST_F(gic, cpendsgir_and_spendsgir_set_and_clear_requesters)
{
	struct vgic_dist *d = self->d;

	wr(d, 1, SPENDSGIR + 2, 1, 0x05);
	EXPECT_EQ(0x05u, rd(d, 1, SPENDSGIR + 2, 1));
	EXPECT_EQ(0x05u, rd(d, 1, CPENDSGIR + 2, 1));
	EXPECT_EQ(1u << 2, rd(d, 1, ISPENDR, 4));
	EXPECT_EQ(0, rd(d, 0, SPENDSGIR, 4));
	/* Requesters are or'ed in; ones that do not exist are dropped. */
	wr(d, 1, SPENDSGIR + 2, 1, 0xf2);
	EXPECT_EQ(0x07u, rd(d, 1, SPENDSGIR + 2, 1));
	wr(d, 1, CPENDSGIR + 2, 1, 0x03);
	EXPECT_EQ(0x04u, rd(d, 1, SPENDSGIR + 2, 1));
	wr(d, 1, CPENDSGIR + 2, 1, 0x04);
	EXPECT_EQ(0, rd(d, 1, SPENDSGIR + 2, 1));
	EXPECT_EQ(0, rd(d, 1, ISPENDR, 4));

	/* Words: SGIs 4-7 from requesters 3, 2, 1, 0 in turn. */
	wr(d, 2, SPENDSGIR + 4, 4, 0x01020408);
	EXPECT_EQ(0x01020408u, rd(d, 2, CPENDSGIR + 4, 4));
	EXPECT_EQ(0x00f0u, rd(d, 2, ISPENDR, 4));
	wr(d, 2, CPENDSGIR + 4, 4, 0xffffffff);
	EXPECT_EQ(0, rd(d, 2, SPENDSGIR + 4, 4));
}

TEST_F(gic, bad_sizes_and_alignments_are_raz_wi)
{
	struct vgic_dist *d = self->d;
	struct vgic_dist *before = malloc(sizeof(*d));

	ASSERT_NE(NULL, before);
	memcpy(before, d, sizeof(*d));

	/* Halfwords: nowhere. */
	EXPECT_EQ(0, rd(d, 0, ISENABLER, 2));
	EXPECT_EQ(0, rd(d, 0, IPRIORITYR, 2));
	wr(d, 0, ISENABLER + 4, 2, 0xffff);
	wr(d, 0, IPRIORITYR + 32, 2, 0xffff);
	wr(d, 0, CTLR, 2, 1);
	/* Bytes: not in the 1- and 2-bit registers, CTLR, SGIR. */
	EXPECT_EQ(0, rd(d, 0, ISENABLER, 1));
	EXPECT_EQ(0, rd(d, 0, ICFGR, 1));
	EXPECT_EQ(0, rd(d, 0, TYPER, 1));
	wr(d, 0, CTLR, 1, 1);
	wr(d, 0, ISENABLER + 4, 1, 0xff);
	wr(d, 0, ISPENDR + 4, 1, 0xff);
	wr(d, 0, ICFGR + 8, 1, 0xff);
	wr(d, 0, SGIR + 3, 1, 0x02);
	wr(d, 0, SGIR, 1, 0x01);
	/* Misaligned words. */
	EXPECT_EQ(0, rd(d, 0, TYPER + 1, 4));
	EXPECT_EQ(0, rd(d, 0, ISENABLER + 2, 4));
	wr(d, 0, IPRIORITYR + 33, 4, 0xffffffff);
	wr(d, 0, ITARGETSR + 34, 4, 0xffffffff);
	wr(d, 0, SPENDSGIR + 1, 4, 0xffffffff);
	/* Sizes no instruction makes. */
	EXPECT_EQ(0, rd(d, 0, IIDR, 8));
	EXPECT_EQ(0, rd(d, 0, IIDR, 3));
	EXPECT_EQ(0, rd(d, 0, IIDR, 0));
	wr(d, 0, ISENABLER + 4, 8, 0xffffffff);
	wr(d, 0, ISENABLER + 4, 3, 0xffffffff);

	EXPECT_EQ(0, memcmp(before, d, sizeof(*d)));
	free(before);

	/* ...while the same registers take their own sizes. */
	EXPECT_EQ(0x4b00243bu, rd(d, 0, IIDR, 4));
	EXPECT_EQ(0x1u, rd(d, 2, ITARGETSR + 8, 1) >> 2);
}

TEST_F(gic, unknown_offsets_are_raz_wi)
{
	static const u32 holes[] = {
		0x00c, 0x040, 0x07c, 0xd00, 0xdfc, 0xefc, 0xf04, 0xf0c, 0xf30, 0xfd0, 0xfe8,
		0xffc, 0x1000, 0x2000, 0xfffffffc,
	};
	struct vgic_dist *d = self->d;
	struct vgic_dist *before = malloc(sizeof(*d));
	unsigned int i;

	ASSERT_NE(NULL, before);
	memcpy(before, d, sizeof(*d));
	for (i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		EXPECT_EQ(0, rd(d, 1, holes[i], 4)) TH_LOG("offset %#x", holes[i]);
		EXPECT_EQ(0, rd(d, 1, holes[i], 1)) TH_LOG("offset %#x", holes[i]);
		wr(d, 1, holes[i], 4, 0xffffffff);
		wr(d, 1, holes[i], 1, 0xff);
	}
	EXPECT_EQ(0, memcmp(before, d, sizeof(*d)));
	free(before);
}

TEST_F(gic, fields_beyond_nr_irqs_are_raz_wi)
{
	struct vgic_dist *d = self->d;
	struct vgic_dist *before = malloc(sizeof(*d));

	ASSERT_NE(NULL, before);
	memcpy(before, d, sizeof(*d));
	/* 128 interrupts: 128 and up are not there. */
	EXPECT_EQ(0, rd(d, 0, ISENABLER + 16, 4));
	EXPECT_EQ(0, rd(d, 0, ICFGR + 32, 4));
	wr(d, 0, ISENABLER + 16, 4, 0xffffffff);
	wr(d, 0, ISPENDR + 16, 4, 0xffffffff);
	wr(d, 0, ISACTIVER + 124, 4, 0xffffffff);
	wr(d, 0, IPRIORITYR + 128, 1, 0xff);
	wr(d, 0, IPRIORITYR + 1016, 4, 0xffffffff);
	wr(d, 0, ITARGETSR + 200, 1, 0x01);
	wr(d, 0, ICFGR + 32, 4, 0xffffffff);
	EXPECT_EQ(0, memcmp(before, d, sizeof(*d)));
	free(before);
	/* The last ones that are there. */
	wr(d, 0, IPRIORITYR + 124, 4, 0xffffffff);
	EXPECT_EQ(0xf8f8f8f8u, rd(d, 0, IPRIORITYR + 124, 4));
}

TEST(special_intids_1020_to_1023_are_never_interrupts)
{
	struct vgic_dist *d = calloc(1, sizeof(*d));

	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, vgic_dist_init(d, 2, 1024));
	wr(d, 0, ISENABLER + 124, 4, 0xffffffff);
	EXPECT_EQ(0x0fffffffu, rd(d, 0, ISENABLER + 124, 4));
	wr(d, 0, ISPENDR + 124, 4, 0xffffffff);
	EXPECT_EQ(0x0fffffffu, rd(d, 0, ISPENDR + 124, 4));
	wr(d, 0, IPRIORITYR + 1016, 4, 0xffffffff);
	EXPECT_EQ(0xf8f8f8f8u, rd(d, 0, IPRIORITYR + 1016, 4));
	wr(d, 0, IPRIORITYR + 1020, 4, 0xffffffff);
	EXPECT_EQ(0, rd(d, 0, IPRIORITYR + 1020, 4));
	wr(d, 0, ITARGETSR + 1019, 1, 0x02);
	EXPECT_EQ(0x02u, rd(d, 1, ITARGETSR + 1016, 4) >> 24);
	EXPECT_EQ(0, vgic_dist_set_line(d, 0, 1019, true));
	EXPECT_EQ(-EINVAL, vgic_dist_set_line(d, 0, 1020, true));
	EXPECT_EQ(-EINVAL, vgic_dist_set_line(d, 0, 1023, true));
	free(d);
}

TEST_F(gic, set_line_checks_intid_and_cpu)
{
	struct vgic_dist *d = self->d;
	unsigned int sgi;

	for (sgi = 0; sgi < 16; sgi++)
		EXPECT_EQ(-EINVAL, vgic_dist_set_line(d, 0, sgi, true)) TH_LOG("SGI %u", sgi);
	EXPECT_EQ(-EINVAL, vgic_dist_set_line(d, 0, NR_IRQS, true));
	EXPECT_EQ(-EINVAL, vgic_dist_set_line(d, 0, 5000, true));
	EXPECT_EQ(-EINVAL, vgic_dist_set_line(d, NR_CPUS, 16, true));
	EXPECT_EQ(0, vgic_dist_set_line(d, NR_CPUS - 1, 31, true));
	/* SPIs are nobody's: the CPU is not looked at. */
	EXPECT_EQ(0, vgic_dist_set_line(d, 99, NR_IRQS - 1, true));
	EXPECT_TRUE(pending(d, 0, NR_IRQS - 1));
}

TEST_F(gic, bad_cpu_is_refused_by_register_accesses)
{
	u32 val = 0x1234;

	EXPECT_EQ(-EINVAL, vgic_dist_read(self->d, NR_CPUS, IIDR, 4, &val));
	EXPECT_EQ(0, val);
	EXPECT_EQ(-EINVAL, vgic_dist_write(self->d, NR_CPUS, CTLR, 4, 1));
	EXPECT_EQ(0, rd(self->d, 0, CTLR, 4));
	EXPECT_EQ(0, vgic_dist_read(self->d, 0, 0x00c, 4, &val));
	EXPECT_EQ(0, vgic_dist_write(self->d, 0, 0x00c, 4, 1));
}

TEST_F(gic, edge_line_latches_on_each_assertion)
{
	struct vgic_dist *d = self->d;

	set_edge(d, 50, true);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 50, false));
	EXPECT_FALSE(pending(d, 0, 50));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 50, true));
	EXPECT_TRUE(pending(d, 0, 50));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 50, false));
	EXPECT_TRUE(pending(d, 0, 50));
	set_bit_reg(d, 0, ICPENDR, 50);
	EXPECT_FALSE(pending(d, 0, 50));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 50, false));
	EXPECT_FALSE(pending(d, 0, 50));
	/* As in KVM, a further assertion is a further edge. */
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 50, true));
	set_bit_reg(d, 0, ICPENDR, 50);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 50, true));
	EXPECT_TRUE(pending(d, 0, 50));
}

TEST_F(gic, delivery_needs_enabled_pending_and_distributor_on)
{
	struct vgic_dist *d = self->d;

	set_edge(d, 40, true);
	set_bit_reg(d, 0, ISPENDR, 40);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	wr(d, 0, ITARGETSR + 40, 1, 0x04);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	set_bit_reg(d, 0, ISENABLER, 40);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	wr(d, 0, CTLR, 4, 1);
	EXPECT_EQ(0x4u, vgic_dist_cpus_with_work(d));

	/* Take any one away. */
	wr(d, 0, CTLR, 4, 0);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 2, self->lrs, MAX_LRS, &self->overflow));
	EXPECT_FALSE(self->overflow);
	wr(d, 0, CTLR, 4, 1);
	set_bit_reg(d, 0, ICENABLER, 40);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 2, self->lrs, MAX_LRS, &self->overflow));
	set_bit_reg(d, 0, ISENABLER, 40);
	/* No target: vCPU 0 takes it, as KVM 5.6's default target_vcpu. */
	wr(d, 0, ITARGETSR + 40, 1, 0);
	EXPECT_EQ(0x1u, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 2, self->lrs, MAX_LRS, &self->overflow));
	wr(d, 0, ITARGETSR + 40, 1, 0x04);
	set_bit_reg(d, 0, ICPENDR, 40);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	set_bit_reg(d, 0, ISPENDR, 40);
	EXPECT_EQ(0x4u, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(1, vgic_dist_flush(d, 2, self->lrs, MAX_LRS, &self->overflow));
}

TEST_F(gic, spi_goes_to_its_lowest_numbered_target)
{
	struct vgic_dist *d = self->d;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 70, 0x40, false, 0x0c);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 70, true));
	EXPECT_EQ(0x4u, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 3, self->lrs, MAX_LRS, &self->overflow));
	ASSERT_EQ(1, vgic_dist_flush(d, 2, self->lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(70, self->lrs[0].intid);
	EXPECT_EQ(0x40, self->lrs[0].priority);
	EXPECT_TRUE(self->lrs[0].pending);
	EXPECT_FALSE(self->lrs[0].active);
	EXPECT_TRUE(self->lrs[0].eoi_maintenance);
	/* Queued: in the list registers, no more work to announce. */
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
}

TEST_F(gic, private_interrupts_go_to_their_own_cpu)
{
	struct vgic_dist *d = self->d;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 1, 20, 0, false, 0);
	ASSERT_EQ(0, vgic_dist_set_line(d, 1, 20, true));
	send_sgi(d, 1, SGIR_LIST, 0x08, 4);
	EXPECT_EQ(0xau, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 0, self->lrs, MAX_LRS, &self->overflow));
	ASSERT_EQ(1, vgic_dist_flush(d, 1, self->lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(20, self->lrs[0].intid);
	ASSERT_EQ(1, vgic_dist_flush(d, 3, self->lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(4, self->lrs[0].intid);
	EXPECT_EQ(1, self->lrs[0].source);
	EXPECT_FALSE(self->lrs[0].eoi_maintenance);
}

TEST(lr_encoding_matches_the_hand_computed_layout)
{
	/* SGI 5 from CPU 3, priority 0xa0, pending, group 1:
	 * 5 | 3 << 10 (0xc00) | 0xa0 >> 3 = 0x14 << 23 (0x0a000000) |
	 * pending 0x10000000 | group 1 0x40000000.
	 */
	struct vgic_lr sgi = {
		.intid = 5, .source = 3, .priority = 0xa0, .pending = true, .group1 = true,
	};
	/* SPI 1019, priority 0xf8, active, EOI: 0x3fb | 0x80000 | 0x0f800000 | 0x20000000. */
	struct vgic_lr spi = {
		.intid = 1019, .priority = 0xf8, .active = true, .eoi_maintenance = true,
	};
	/* Pending and active; the low three priority bits have no room. */
	struct vgic_lr both = { .intid = 42, .priority = 0x07, .pending = true, .active = true };
	/* A source on anything but an SGI has no field to go to. */
	struct vgic_lr ppi = { .intid = 16, .source = 5, .priority = 0x08 };

	EXPECT_EQ(0x5a000c05u, vgic_lr_encode(&sgi));
	EXPECT_EQ(0x2f8803fbu, vgic_lr_encode(&spi));
	EXPECT_EQ(0x3000002au, vgic_lr_encode(&both));
	EXPECT_EQ(0x00800010u, vgic_lr_encode(&ppi));
	EXPECT_EQ(LR_PENDING | LR_ACTIVE | 42, vgic_lr_encode(&both));
	EXPECT_EQ(LR_EOI | LR_ACTIVE | 0x0f800000u | 1019, vgic_lr_encode(&spi));
	EXPECT_EQ(LR_GROUP1 | LR_PENDING | 0x0a000000u | 3u << 10 | 5, vgic_lr_encode(&sgi));
}

TEST(lr_decoding_and_round_trips)
{
	static const u16 intids[] = { 0, 1, 7, 15, 16, 31, 32, 100, 512, 1019 };
	struct vgic_lr lr;
	unsigned int i, v;

	vgic_lr_decode(0x5a000c05u, &lr);
	EXPECT_EQ(5, lr.intid);
	EXPECT_EQ(3, lr.source);
	EXPECT_EQ(0xa0, lr.priority);
	EXPECT_TRUE(lr.pending);
	EXPECT_FALSE(lr.active);
	EXPECT_TRUE(lr.group1);
	EXPECT_FALSE(lr.eoi_maintenance);

	vgic_lr_decode(0x2f8803fbu, &lr);
	EXPECT_EQ(1019, lr.intid);
	EXPECT_EQ(0, lr.source);
	EXPECT_EQ(0xf8, lr.priority);
	EXPECT_FALSE(lr.pending);
	EXPECT_TRUE(lr.active);
	EXPECT_FALSE(lr.group1);
	EXPECT_TRUE(lr.eoi_maintenance);

	/* CPUID bits of a non-SGI are not a source. */
	vgic_lr_decode(0x00001c20u, &lr);
	EXPECT_EQ(32, lr.intid);
	EXPECT_EQ(0, lr.source);

	/* v: source [2:0], priority[7:3] [7:3], the four flags [11:8]. */
	for (i = 0; i < sizeof(intids) / sizeof(intids[0]); i++) {
		for (v = 0; v < 1u << 12; v++) {
			struct vgic_lr in = {
				.intid = intids[i],
				.source = intids[i] < 16 ? v & 7 : 0,
				.priority = v & 0xf8,
				.pending = v & 0x100,
				.active = v & 0x200,
				.group1 = v & 0x400,
				.eoi_maintenance = v & 0x800,
			};
			struct vgic_lr out;
			u32 val = vgic_lr_encode(&in);

			vgic_lr_decode(val, &out);
			ASSERT_TRUE(same_lr(&in, &out)) TH_LOG("LR %#x", val);
			ASSERT_EQ(val, vgic_lr_encode(&out));
			/* Never HW, nothing in [18:13]. */
			ASSERT_EQ(0, val & 0x8007e000u) TH_LOG("LR %#x", val);
		}
	}
}

TEST_F(gic, flush_puts_active_first_then_priority_then_intid)
{
	static const struct { u16 intid; bool active, pending, eoi; u8 prio; } want[] = {
		{ 44, true, false, false, 0xf0 },	/* active outranks everything */
		{ 43, false, true, false, 0x10 },
		{ 20, false, true, true, 0x20 },	/* a level PPI */
		{ 41, false, true, false, 0x20 },
		{ 42, false, true, false, 0x20 },
		{ 40, false, true, false, 0x80 },
	};
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;
	unsigned int i, n;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 42, 0x20, true, 1);
	setup_irq(d, 0, 40, 0x80, true, 1);
	setup_irq(d, 0, 44, 0xf0, true, 1);
	setup_irq(d, 0, 41, 0x20, true, 1);
	setup_irq(d, 0, 43, 0x10, true, 1);
	setup_irq(d, 0, 20, 0x20, false, 0);
	wr(d, 0, ISPENDR + 4, 4, 0x00000f00);
	set_bit_reg(d, 0, ISACTIVER, 44);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 20, true));

	n = vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow);
	ASSERT_EQ(6, n);
	EXPECT_FALSE(self->overflow);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(want[i].intid, lrs[i].intid) TH_LOG("LR %u", i);
		EXPECT_EQ(want[i].active, lrs[i].active) TH_LOG("LR %u", i);
		EXPECT_EQ(want[i].pending, lrs[i].pending) TH_LOG("LR %u", i);
		EXPECT_EQ(want[i].eoi, lrs[i].eoi_maintenance) TH_LOG("LR %u", i);
		EXPECT_EQ(want[i].prio, lrs[i].priority) TH_LOG("LR %u", i);
		EXPECT_EQ(0, lrs[i].source);
	}
}

TEST_F(gic, flush_keeps_the_best_when_lrs_run_out)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 42, 0x20, true, 1);
	setup_irq(d, 0, 40, 0x80, true, 1);
	setup_irq(d, 0, 44, 0xf0, true, 1);
	setup_irq(d, 0, 41, 0x20, true, 1);
	setup_irq(d, 0, 43, 0x10, true, 1);
	wr(d, 0, ISPENDR + 4, 4, 0x00000f00);
	set_bit_reg(d, 0, ISACTIVER, 44);

	ASSERT_EQ(3, vgic_dist_flush(d, 0, lrs, 3, &self->overflow));
	EXPECT_TRUE(self->overflow);
	EXPECT_EQ(44, lrs[0].intid);
	EXPECT_EQ(43, lrs[1].intid);
	EXPECT_EQ(41, lrs[2].intid);
	/* The ones left out are untouched: pending, and work to do. */
	EXPECT_EQ(0x00000500u, rd(d, 0, ISPENDR + 4, 4));
	EXPECT_EQ(0x1u, vgic_dist_cpus_with_work(d));

	/* No list registers at all: nothing queued, but overflow. */
	vgic_dist_sync(d, 0, lrs, 3);
	ASSERT_EQ(0, vgic_dist_flush(d, 0, lrs, 0, &self->overflow));
	EXPECT_TRUE(self->overflow);
}

TEST_F(gic, sgi_from_several_sources_takes_one_lr_per_source)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;
	unsigned int n;

	wr(d, 0, CTLR, 4, 1);
	wr(d, 2, IPRIORITYR + 7, 1, 0x50);
	send_sgi(d, 3, SGIR_LIST, 0x04, 7);
	send_sgi(d, 0, SGIR_LIST, 0x04, 7);
	send_sgi(d, 1, SGIR_OTHERS, 0, 7);
	send_sgi(d, 2, SGIR_SELF, 0, 6);

	n = vgic_dist_flush(d, 2, lrs, MAX_LRS, &self->overflow);
	ASSERT_EQ(4, n);
	EXPECT_EQ(6, lrs[0].intid);	/* priority 0 before 0x50 */
	EXPECT_EQ(2, lrs[0].source);
	EXPECT_EQ(7, lrs[1].intid);
	EXPECT_EQ(0, lrs[1].source);
	EXPECT_EQ(7, lrs[2].intid);
	EXPECT_EQ(1, lrs[2].source);
	EXPECT_EQ(7, lrs[3].intid);
	EXPECT_EQ(3, lrs[3].source);
	EXPECT_EQ(0x50, lrs[3].priority);
	/* The requests now live in the list registers. */
	EXPECT_EQ(0, rd(d, 2, SPENDSGIR + 4, 4));

	/* The guest takes SGI 7 from CPU 1 only; SGI 6 it takes and completes. */
	ack(&lrs[0]);
	eoi(&lrs[0]);
	ack(&lrs[2]);
	vgic_dist_sync(d, 2, lrs, n);
	EXPECT_EQ(0x09000000u, rd(d, 2, SPENDSGIR + 4, 4));
	EXPECT_TRUE(active(d, 2, 7));
	EXPECT_FALSE(active(d, 2, 6));
	EXPECT_FALSE(pending(d, 2, 6));

	/* Active first, with its requester, then the two still pending. */
	n = vgic_dist_flush(d, 2, lrs, MAX_LRS, &self->overflow);
	ASSERT_EQ(3, n);
	EXPECT_TRUE(lrs[0].active);
	EXPECT_FALSE(lrs[0].pending);
	EXPECT_EQ(1, lrs[0].source);
	EXPECT_TRUE(lrs[1].pending);
	EXPECT_EQ(0, lrs[1].source);
	EXPECT_TRUE(lrs[2].pending);
	EXPECT_EQ(3, lrs[2].source);
	/* 7 | 3 << 10 | 0x50 >> 3 = 0xa << 23 (0x05000000) | pending. */
	EXPECT_EQ(0x15000c07u, vgic_lr_encode(&lrs[2]));
}

TEST_F(gic, sgi_active_and_pending_from_one_source_share_an_lr)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;
	unsigned int n;

	wr(d, 0, CTLR, 4, 1);
	send_sgi(d, 1, SGIR_LIST, 0x01, 2);
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	ack(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_TRUE(active(d, 0, 2));
	EXPECT_FALSE(pending(d, 0, 2));

	send_sgi(d, 1, SGIR_LIST, 0x01, 2);
	n = vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow);
	ASSERT_EQ(1, n);
	EXPECT_TRUE(lrs[0].active);
	EXPECT_TRUE(lrs[0].pending);
	EXPECT_EQ(1, lrs[0].source);
	/* Completed: the pending one remains, from the same requester. */
	lrs[0].active = false;
	vgic_dist_sync(d, 0, lrs, n);
	EXPECT_FALSE(active(d, 0, 2));
	EXPECT_EQ(0x02u, rd(d, 0, SPENDSGIR + 2, 1));
}

TEST_F(gic, overflow_delivers_every_interrupt_once_in_priority_order)
{
	enum { COUNT = 40, FIRST = 32, LRS = 4, CPU = 1 };
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;
	unsigned int seen[COUNT] = { 0 };
	unsigned int delivered = 0, rounds = 0, i, n;
	u32 last_key = 0;

	wr(d, 0, CTLR, 4, 1);
	for (i = 0; i < COUNT; i++) {
		/* Priorities shuffled over 16 levels, several per level. */
		setup_irq(d, 0, FIRST + i, (i * 7 % 16) << 4, true, 1u << CPU);
		set_bit_reg(d, 0, ISPENDR, FIRST + i);
	}

	for (;;) {
		n = vgic_dist_flush(d, CPU, lrs, LRS, &self->overflow);
		if (!n)
			break;
		ASSERT_LE(n, LRS);
		rounds++;
		/* An underflow interrupt is asked for until the last round. */
		EXPECT_EQ(delivered + n < COUNT, self->overflow) TH_LOG("round %u", rounds);
		for (i = 0; i < n; i++) {
			u32 key = (u32)lrs[i].priority << 16 | lrs[i].intid;

			ASSERT_GE(lrs[i].intid, FIRST);
			ASSERT_LT(lrs[i].intid, FIRST + COUNT);
			EXPECT_TRUE(lrs[i].pending);
			EXPECT_FALSE(lrs[i].active);
			EXPECT_EQ((lrs[i].intid - FIRST) * 7 % 16 << 4, lrs[i].priority);
			EXPECT_GE(key, last_key) TH_LOG("INTID %u out of order", lrs[i].intid);
			last_key = key;
			seen[lrs[i].intid - FIRST]++;
			delivered++;
			ack(&lrs[i]);
			eoi(&lrs[i]);
		}
		vgic_dist_sync(d, CPU, lrs, n);
		ASSERT_LE(rounds, COUNT);
	}
	EXPECT_EQ(COUNT / LRS, rounds);
	EXPECT_EQ(COUNT, delivered);
	for (i = 0; i < COUNT; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("INTID %u", FIRST + i);
	EXPECT_FALSE(self->overflow);
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, rd(d, 0, ISPENDR + 4, 4));
	EXPECT_EQ(0, rd(d, 0, ISACTIVER + 4, 4));
}

TEST_F(gic, overflow_with_the_guest_completing_only_some_lrs)
{
	enum { COUNT = 40, FIRST = 64, LRS = 4 };
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;
	unsigned int seen[COUNT] = { 0 };
	unsigned int rounds = 0, i, n;

	wr(d, 0, CTLR, 4, 1);
	for (i = 0; i < COUNT; i++) {
		setup_irq(d, 0, FIRST + i, (COUNT - i) % 8 << 5, true, 1);
		set_bit_reg(d, 0, ISPENDR, FIRST + i);
	}
	/*
	 * The guest takes one interrupt per run and leaves the rest pending in
	 * their list registers: they must come back, not be lost or doubled.
	 */
	while ((n = vgic_dist_flush(d, 0, lrs, LRS, &self->overflow))) {
		ASSERT_LT(rounds++, 2 * COUNT);
		EXPECT_TRUE(lrs[0].pending);
		seen[lrs[0].intid - FIRST]++;
		ack(&lrs[0]);
		eoi(&lrs[0]);
		vgic_dist_sync(d, 0, lrs, n);
	}
	EXPECT_EQ(COUNT, rounds);
	for (i = 0; i < COUNT; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("INTID %u", FIRST + i);
	EXPECT_EQ(0, rd(d, 0, ISPENDR + 8, 4));
	EXPECT_EQ(0, rd(d, 0, ISPENDR + 12, 4));
}

TEST_F(gic, level_stays_pending_after_eoi_while_the_line_is_high)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 60, 0x30, false, 0x01);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 60, true));

	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	EXPECT_TRUE(lrs[0].pending);
	EXPECT_TRUE(lrs[0].eoi_maintenance);
	ack(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_TRUE(active(d, 0, 60));
	EXPECT_TRUE(pending(d, 0, 60));		/* the line is still high */

	/* Active and level: shown active only, with EOI maintenance. */
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	EXPECT_TRUE(lrs[0].active);
	EXPECT_FALSE(lrs[0].pending);
	EXPECT_TRUE(lrs[0].eoi_maintenance);
	eoi(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_FALSE(active(d, 0, 60));
	EXPECT_TRUE(pending(d, 0, 60));
	EXPECT_EQ(0x1u, vgic_dist_cpus_with_work(d));

	/* Again; this time the device drops the line before the EOI. */
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	EXPECT_TRUE(lrs[0].pending);
	ack(&lrs[0]);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 60, false));
	eoi(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_FALSE(pending(d, 0, 60));
	EXPECT_FALSE(active(d, 0, 60));
	EXPECT_EQ(0, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
}

TEST_F(gic, level_latch_is_consumed_by_the_acknowledge)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 61, 0, false, 0x02);
	set_bit_reg(d, 0, ISPENDR, 61);
	ASSERT_EQ(1, vgic_dist_flush(d, 1, lrs, MAX_LRS, &self->overflow));
	/* Not acknowledged yet: the latch waits. */
	vgic_dist_sync(d, 1, lrs, 1);
	EXPECT_TRUE(pending(d, 0, 61));
	ASSERT_EQ(1, vgic_dist_flush(d, 1, lrs, MAX_LRS, &self->overflow));
	ack(&lrs[0]);
	vgic_dist_sync(d, 1, lrs, 1);
	EXPECT_FALSE(pending(d, 0, 61));
	EXPECT_TRUE(active(d, 0, 61));
	ASSERT_EQ(1, vgic_dist_flush(d, 1, lrs, MAX_LRS, &self->overflow));
	eoi(&lrs[0]);
	vgic_dist_sync(d, 1, lrs, 1);
	EXPECT_FALSE(pending(d, 0, 61));
	EXPECT_FALSE(active(d, 0, 61));
	EXPECT_EQ(0, vgic_dist_flush(d, 1, lrs, MAX_LRS, &self->overflow));
}

TEST_F(gic, edge_not_acknowledged_comes_back_pending)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 33, 0, true, 0x01);
	set_bit_reg(d, 0, ISPENDR, 33);
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_TRUE(pending(d, 0, 33));
	EXPECT_FALSE(active(d, 0, 33));
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	ack(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_FALSE(pending(d, 0, 33));
	EXPECT_TRUE(active(d, 0, 33));
}

TEST_F(gic, disabling_while_queued_keeps_it_pending_but_undelivered)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 35, 0, true, 0x01);
	set_bit_reg(d, 0, ISPENDR, 35);
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	/* Another vCPU disables it while vCPU 0 runs with it in an LR. */
	set_bit_reg(d, 1, ICENABLER, 35);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_TRUE(pending(d, 0, 35));
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	set_bit_reg(d, 1, ISENABLER, 35);
	EXPECT_EQ(0x1u, vgic_dist_cpus_with_work(d));
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(35, lrs[0].intid);
}

TEST_F(gic, pending_or_active_written_while_queued_wins_over_the_lr)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;
	unsigned int n;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 36, 0, true, 0x01);
	setup_irq(d, 0, 37, 0, true, 0x01);
	setup_irq(d, 0, 38, 0, true, 0x01);
	wr(d, 0, ISPENDR + 4, 4, 0x70);
	send_sgi(d, 1, SGIR_LIST, 0x01, 9);
	send_sgi(d, 2, SGIR_LIST, 0x01, 9);
	n = vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow);
	ASSERT_EQ(5, n);

	/* Meanwhile: 36 cleared, 37 set active, SGI 9 from CPU 2 withdrawn. */
	set_bit_reg(d, 1, ICPENDR, 36);
	set_bit_reg(d, 1, ISACTIVER, 37);
	wr(d, 0, CPENDSGIR + 9, 1, 0x04);
	/* The guest acknowledges 38 before deactivation is written. */
	ack(&lrs[4]);
	EXPECT_EQ(38, lrs[4].intid);
	set_bit_reg(d, 1, ICACTIVER, 38);
	vgic_dist_sync(d, 0, lrs, n);

	EXPECT_FALSE(pending(d, 0, 36));
	EXPECT_TRUE(pending(d, 0, 37));
	EXPECT_TRUE(active(d, 0, 37));
	EXPECT_FALSE(active(d, 0, 38));
	EXPECT_FALSE(pending(d, 0, 38));
	EXPECT_EQ(0x02u, rd(d, 0, SPENDSGIR + 9, 1));

	/* Nothing is remembered across the next round. */
	n = vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow);
	ASSERT_EQ(2, n);
	EXPECT_EQ(37, lrs[0].intid);
	EXPECT_TRUE(lrs[0].active);
	EXPECT_TRUE(lrs[0].pending);
	EXPECT_EQ(9, lrs[1].intid);
	EXPECT_EQ(1, lrs[1].source);
	eoi(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, n);
	EXPECT_TRUE(pending(d, 0, 37));
	EXPECT_FALSE(active(d, 0, 37));
}

TEST_F(gic, retargeting_while_queued_moves_the_spi_after_sync)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 45, 0, true, 0x01);
	set_bit_reg(d, 0, ISPENDR, 45);
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	wr(d, 1, ITARGETSR + 45, 1, 0x04);
	/* Still in vCPU 0's list registers. */
	EXPECT_EQ(0, vgic_dist_flush(d, 2, self->lrs + 8, MAX_LRS - 8, &self->overflow));
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_EQ(0x4u, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	ASSERT_EQ(1, vgic_dist_flush(d, 2, lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(45, lrs[0].intid);
}

TEST_F(gic, active_spi_stays_with_its_cpu_until_completed)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 46, 0, true, 0x01);
	set_bit_reg(d, 0, ISPENDR, 46);
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	ack(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, 1);

	wr(d, 0, ITARGETSR + 46, 1, 0x02);
	set_bit_reg(d, 0, ISPENDR, 46);
	/* The new edge goes with the active one, to vCPU 0. */
	EXPECT_EQ(0x1u, vgic_dist_cpus_with_work(d));
	EXPECT_EQ(0, vgic_dist_flush(d, 1, lrs, MAX_LRS, &self->overflow));
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	EXPECT_TRUE(lrs[0].active);
	EXPECT_TRUE(lrs[0].pending);
	/* Completed, the pending edge is left, and goes to the new target. */
	eoi(&lrs[0]);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_EQ(0x2u, vgic_dist_cpus_with_work(d));
	ASSERT_EQ(1, vgic_dist_flush(d, 1, lrs, MAX_LRS, &self->overflow));
	EXPECT_TRUE(lrs[0].pending);
	EXPECT_FALSE(lrs[0].active);
}

TEST_F(gic, new_edge_while_queued_asks_for_a_kick_a_level_does_not)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 47, 0, true, 0x08);
	setup_irq(d, 0, 48, 0, false, 0x08);
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 47, true));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 48, true));
	ASSERT_EQ(2, vgic_dist_flush(d, 3, lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));

	/* The level line toggling is for the LR's EOI maintenance to catch. */
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 48, false));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 48, true));
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
	/* An edge is not: vCPU 3 may have completed the first already. */
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 47, false));
	ASSERT_EQ(0, vgic_dist_set_line(d, 0, 47, true));
	EXPECT_EQ(0x8u, vgic_dist_cpus_with_work(d));
	/* So is a further SGI request. */
	send_sgi(d, 0, SGIR_LIST, 0x04, 1);
	ASSERT_EQ(1, vgic_dist_flush(d, 2, lrs + 2, MAX_LRS - 2, &self->overflow));
	EXPECT_EQ(0x8u, vgic_dist_cpus_with_work(d));
	send_sgi(d, 1, SGIR_LIST, 0x04, 1);
	EXPECT_EQ(0xcu, vgic_dist_cpus_with_work(d));

	/* Both edges are delivered: one from the LR, one latched since. */
	ack(&lrs[0]);
	eoi(&lrs[0]);
	vgic_dist_sync(d, 3, lrs, 2);
	ASSERT_EQ(2, vgic_dist_flush(d, 3, lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(47, lrs[0].intid);
	EXPECT_TRUE(lrs[0].pending);
}

TEST_F(gic, disabled_distributor_still_shows_active_interrupts)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr *lrs = self->lrs;

	setup_irq(d, 0, 49, 0, true, 0x01);
	set_bit_reg(d, 0, ISPENDR, 49);
	set_bit_reg(d, 0, ISPENDR, 50);
	setup_irq(d, 0, 50, 0, true, 0x01);
	set_bit_reg(d, 0, ISACTIVER, 49);
	ASSERT_EQ(1, vgic_dist_flush(d, 0, lrs, MAX_LRS, &self->overflow));
	EXPECT_EQ(49, lrs[0].intid);
	EXPECT_TRUE(lrs[0].active);
	EXPECT_FALSE(lrs[0].pending);
	EXPECT_FALSE(self->overflow);
	vgic_dist_sync(d, 0, lrs, 1);
	EXPECT_TRUE(pending(d, 0, 49));
	EXPECT_TRUE(pending(d, 0, 50));
}

TEST_F(gic, sync_ignores_lrs_of_interrupts_not_queued_there)
{
	struct vgic_dist *d = self->d;
	struct vgic_lr bogus[3] = {
		{ .intid = 40, .active = true },
		{ .intid = 1023, .pending = true },
		{ .intid = 3, .source = 1, .pending = true },
	};

	vgic_dist_sync(d, 0, bogus, 3);
	EXPECT_FALSE(active(d, 0, 40));
	EXPECT_EQ(0, rd(d, 0, SPENDSGIR, 4));
	/* Queued on vCPU 0, synced as vCPU 1's: ignored too. */
	wr(d, 0, CTLR, 4, 1);
	setup_irq(d, 0, 40, 0, true, 0x01);
	set_bit_reg(d, 0, ISPENDR, 40);
	ASSERT_EQ(1, vgic_dist_flush(d, 0, self->lrs, MAX_LRS, &self->overflow));
	vgic_dist_sync(d, 1, bogus, 1);
	EXPECT_FALSE(active(d, 0, 40));
	EXPECT_EQ(0, vgic_dist_cpus_with_work(d));
}

TEST_HARNESS_MAIN
