// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual GICv2 distributor: GICD register emulation, interrupt state,
 * and the exchange of that state with the list registers.
 *
 * Where Linux 5.6's KVM and the GICv2 architecture part, KVM is followed for
 * what a guest can see in the registers (reset values, RAZ/WI rules, the
 * IIDR, SGI bits of I[SC]PENDR0 ignored); the list register exchange is
 * kvm32's own (see vgic_dist_flush() and vgic_dist_sync() in vgic_dist.h).
 */
#include <linux/errno.h>
#include <linux/types.h>

#include "vgic_dist.h"

#define BYTE_BITS		8
#define WORD_BITS		32

/* GICH_LR.Priority is priority[7:3]. */
#define LR_PRIORITY_DROPPED	3

/* INTIDs 1020-1023 are special (spurious and the like): never interrupts. */
#define VGIC_MAX_SPI_ID		1019

/* A register with a field per interrupt covers all 1024 INTIDs. */
#define PER_IRQ_SIZE(bits)	(VGIC_MAX_IRQS * (bits) / BYTE_BITS)

/* GICD_CTLR, GICD_TYPER and GICD_IIDR: KVM decodes the three as one region. */
#define MISC_SIZE		12
#define MISC_CTLR		0
#define MISC_TYPER		1
#define MISC_IIDR		2

/*
 * Sort key of a list register entry: active before pending, then priority,
 * INTID and SGI requester. Every entry a flush can produce has its own key.
 */
#define KEY_INACTIVE_SHIFT	21
#define KEY_PRIORITY_SHIFT	13
#define KEY_INTID_SHIFT		3

/* --- interrupts ---------------------------------------------------------- */

static u8 cpu_bit(unsigned int cpu)
{
	return 1U << cpu;
}

static u8 existing_cpus(const struct vgic_dist *d)
{
	return (1U << d->nr_cpus) - 1;
}

/* The lowest-numbered CPU in @mask, or -1 if there is none. */
static int lowest_cpu(u8 mask)
{
	int cpu;

	for (cpu = 0; cpu < VGIC_MAX_CPUS; cpu++)
		if (mask & cpu_bit(cpu))
			return cpu;
	return -1;
}

static bool is_sgi(u32 intid)
{
	return intid < VGIC_NR_SGIS;
}

static bool is_private(u32 intid)
{
	return intid < VGIC_NR_PRIVATE;
}

static bool irq_exists(const struct vgic_dist *d, u32 intid)
{
	return intid < d->nr_irqs && intid <= VGIC_MAX_SPI_ID;
}

/* The interrupt @intid as vCPU @cpu sees it; both must exist. */
static struct vgic_irq *get_irq(struct vgic_dist *d, unsigned int cpu, u32 intid)
{
	if (is_private(intid))
		return &d->private_irqs[cpu][intid];
	return &d->spis[intid - VGIC_NR_PRIVATE];
}

/* Pending as GICD_ISPENDR reports it, wherever it is to be delivered. */
static bool irq_pending(const struct vgic_irq *irq)
{
	if (is_sgi(irq->intid))
		return irq->sgi_sources;
	return irq->pending_latch || (!irq->edge && irq->line_level);
}

/*
 * Whether the pending state may be presented to the guest now. A
 * level-sensitive interrupt is not presented pending while active: KVM
 * resamples the line when the guest completes it instead.
 */
static bool pending_deliverable(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return d->enabled && irq->enabled && irq_pending(irq) && !(irq->active && !irq->edge);
}

/*
 * The vCPU an interrupt's state belongs to: a private one's own; for an
 * SPI, the vCPU holding it in its list registers, else the one it is active
 * on (it must be completed where it was taken), else its lowest-numbered
 * target, as KVM delivers it, and vCPU 0 without one (KVM 5.6's default
 * target_vcpu: a guest written for a uniprocessor GIC, whose ITARGETSR is
 * RAZ/WI, never sets a target and still gets its interrupts).
 */
static int irq_home(const struct vgic_irq *irq)
{
	int target;

	if (is_private(irq->intid))
		return irq->owner;
	if (irq->queued)
		return irq->queued_cpu;
	if (irq->active)
		return irq->active_cpu;
	target = lowest_cpu(irq->targets);
	return target < 0 ? 0 : target;
}

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* @irq may now be pending, active or queued: the scans must visit it. */
static void mark_busy(struct vgic_dist *d, const struct vgic_irq *irq)
{
	if (is_private(irq->intid))
		d->busy_private[irq->owner] |= 1U << irq->intid;
	else
		d->busy_spis[(irq->intid - VGIC_NR_PRIVATE) / 32] |= 1U << (irq->intid % 32);
}

/* Nothing left for any scan to find: neither pending, active nor queued. */
static bool irq_idle(const struct vgic_irq *irq)
{
	return !irq->queued && !irq->active && !irq->pending_latch && !irq->line_level &&
	       !irq->sgi_sources;
}

/* Runs the loop body with @irq = &@base[n] for each bit n set in @bits. */
#define for_each_busy(irq, bits, base)						\
	for (u32 __b = (bits); __b && ((irq) = &(base)[__builtin_ctz(__b)], 1);	\
	     __b &= __b - 1)

static void reset_irq(struct vgic_irq *irq, u32 intid, unsigned int owner)
{
	*irq = (struct vgic_irq){
		.intid = intid,
		.owner = owner,
		/* SGIs: enabled, edge (ICFGR0 is read-only). PPIs: level. */
		.enabled = is_sgi(intid),
		.edge = !is_private(intid) || is_sgi(intid),
	};
}

int vgic_dist_init(struct vgic_dist *d, unsigned int nr_cpus, unsigned int nr_irqs)
{
	unsigned int cpu, i;

	if (nr_cpus < 1 || nr_cpus > VGIC_MAX_CPUS)
		return -EINVAL;
	if (nr_irqs < VGIC_MIN_IRQS || nr_irqs > VGIC_MAX_IRQS || nr_irqs % WORD_BITS)
		return -EINVAL;

	d->nr_cpus = nr_cpus;
	d->nr_irqs = nr_irqs;
	d->enabled = false;
	for (cpu = 0; cpu < VGIC_MAX_CPUS; cpu++)
		for (i = 0; i < VGIC_NR_PRIVATE; i++)
			reset_irq(&d->private_irqs[cpu][i], i, cpu);
	for (i = 0; i < VGIC_MAX_IRQS - VGIC_NR_PRIVATE; i++)
		reset_irq(&d->spis[i], i + VGIC_NR_PRIVATE, 0);
	for (cpu = 0; cpu < VGIC_MAX_CPUS; cpu++)
		d->busy_private[cpu] = 0;
	for (i = 0; i < ARRAY_LEN(d->busy_spis); i++)
		d->busy_spis[i] = 0;
	return 0;
}

int vgic_dist_set_line(struct vgic_dist *d, unsigned int cpu, unsigned int intid, bool level)
{
	struct vgic_irq *irq;

	if (is_sgi(intid) || !irq_exists(d, intid))
		return -EINVAL;
	if (is_private(intid) && cpu >= d->nr_cpus)
		return -EINVAL;

	irq = get_irq(d, is_private(intid) ? cpu : 0, intid);
	irq->line_level = level;
	if (irq->edge && level)
		irq->pending_latch = true;
	if (level)
		mark_busy(d, irq);
	return 0;
}

/* --- registers ----------------------------------------------------------- */

/* One field of a register access: which, and who is asking. */
struct gicd_access {
	struct vgic_dist *d;
	unsigned int cpu;	/* the accessing vCPU */
	u32 index;		/* the field's INTID, SGI, or register number */
};

/*
 * A distributor register, or an array of them: fields of field_bits each,
 * indexed by INTID (per_irq) or by position. Handlers see one field; a
 * register without a read handler reads as zero.
 */
struct gicd_region {
	u32 base;
	u32 size;
	unsigned int field_bits;
	bool per_irq;
	bool byte_access;	/* bytes as well as words */
	u32 (*read)(const struct gicd_access *a);
	void (*write)(const struct gicd_access *a, u32 field);
};

/* The interrupt a per-interrupt field belongs to, banked for a->cpu. */
static struct vgic_irq *field_irq(const struct gicd_access *a)
{
	return get_irq(a->d, a->cpu, a->index);
}

static u32 misc_read(const struct gicd_access *a)
{
	const struct vgic_dist *d = a->d;

	switch (a->index) {
	case MISC_CTLR:
		return d->enabled ? VGIC_GICD_CTLR_ENABLE : 0;
	case MISC_TYPER:
		return (d->nr_irqs / WORD_BITS - 1) |
		       (d->nr_cpus - 1) << VGIC_GICD_TYPER_CPUNUM_SHIFT;
	case MISC_IIDR:
		return VGIC_GICD_IIDR_PRODUCT_KVM << VGIC_GICD_IIDR_PRODUCT_SHIFT |
		       VGIC_GICD_IIDR_REVISION << VGIC_GICD_IIDR_REVISION_SHIFT |
		       VGIC_GICD_IIDR_IMPLEMENTER_ARM;
	}
	return 0;
}

/* TYPER and IIDR are read-only. */
static void misc_write(const struct gicd_access *a, u32 field)
{
	if (a->index == MISC_CTLR)
		a->d->enabled = field & VGIC_GICD_CTLR_ENABLE;
}

static u32 group_read(const struct gicd_access *a)
{
	return field_irq(a)->group1;
}

/* Revision 2 of KVM's GICv2 model: groups are the guest's to configure. */
static void group_write(const struct gicd_access *a, u32 field)
{
	field_irq(a)->group1 = field;
}

static u32 enable_read(const struct gicd_access *a)
{
	return field_irq(a)->enabled;
}

static void senable_write(const struct gicd_access *a, u32 field)
{
	if (field)
		field_irq(a)->enabled = true;
}

/* A queued interrupt stays queued: the next flush leaves it out. */
static void cenable_write(const struct gicd_access *a, u32 field)
{
	if (field)
		field_irq(a)->enabled = false;
}

static u32 pending_read(const struct gicd_access *a)
{
	return irq_pending(field_irq(a));
}

/*
 * The latch, for either trigger: for a level-sensitive interrupt, clearing
 * it leaves the interrupt pending while its line is high. The SGI bits of
 * GICD_I[SC]PENDR0 are WI in GICv2 (IHI 0048B 4.3.7): SGIs are made pending
 * through GICD_SGIR and GICD_SPENDSGIR, which name a requester.
 */
static void write_latch(const struct gicd_access *a, bool pending)
{
	struct vgic_irq *irq = field_irq(a);

	if (is_sgi(a->index))
		return;
	irq->pending_latch = pending;
	if (irq->queued)
		irq->pending_written = true;
	if (pending)
		mark_busy(a->d, irq);
}

static void spending_write(const struct gicd_access *a, u32 field)
{
	if (field)
		write_latch(a, true);
}

static void cpending_write(const struct gicd_access *a, u32 field)
{
	if (field)
		write_latch(a, false);
}

static u32 active_read(const struct gicd_access *a)
{
	return field_irq(a)->active;
}

/*
 * Activating an interrupt also says where it is active: an SGI gets the
 * writer as its requester (KVM cannot know better either), an SPI stays
 * where it is queued, else goes to its target (vCPU 0 without one, as KVM's
 * default target_vcpu). An interrupt already active stays as it is.
 */
static void write_active(const struct gicd_access *a, bool active)
{
	struct vgic_irq *irq = field_irq(a);
	bool was_active = irq->active;
	int home = irq_home(irq);

	if (irq->queued)
		irq->active_written = true;
	irq->active = active;
	if (!active || was_active)
		return;
	mark_busy(a->d, irq);

	if (is_sgi(a->index))
		irq->active_source = a->cpu;
	else if (!is_private(a->index))
		irq->active_cpu = home < 0 ? 0 : home;
}

static void sactive_write(const struct gicd_access *a, u32 field)
{
	if (field)
		write_active(a, true);
}

static void cactive_write(const struct gicd_access *a, u32 field)
{
	if (field)
		write_active(a, false);
}

static u32 priority_read(const struct gicd_access *a)
{
	return field_irq(a)->priority;
}

static void priority_write(const struct gicd_access *a, u32 field)
{
	field_irq(a)->priority = field & VGIC_PRIORITY_MASK;
}

/* GICD_ITARGETSR0-7 read as the reader's own CPU (IHI 0048B 4.3.12). */
static u32 target_read(const struct gicd_access *a)
{
	if (is_private(a->index))
		return cpu_bit(a->cpu);
	return field_irq(a)->targets;
}

/*
 * Only existing vCPUs can be targets. An SPI active or queued somewhere
 * stays there until completed or synced; the new target applies after.
 */
static void target_write(const struct gicd_access *a, u32 field)
{
	if (is_private(a->index))
		return;
	field_irq(a)->targets = field & existing_cpus(a->d);
}

static u32 config_read(const struct gicd_access *a)
{
	return field_irq(a)->edge ? VGIC_GICD_ICFGR_EDGE : 0;
}

/*
 * SGIs are always edge-triggered; for PPIs the configuration is
 * IMPLEMENTATION DEFINED and KVM keeps them level (its timer relies on it).
 */
static void config_write(const struct gicd_access *a, u32 field)
{
	if (is_private(a->index))
		return;
	field_irq(a)->edge = field & VGIC_GICD_ICFGR_EDGE;
}

/* The CPUs an SGI request from @cpu goes to; 0 for the reserved filter. */
static u8 sgir_targets(const struct vgic_dist *d, unsigned int cpu, u32 val)
{
	switch ((val & VGIC_GICD_SGIR_FILTER_MASK) >> VGIC_GICD_SGIR_FILTER_SHIFT) {
	case VGIC_SGIR_FILTER_LIST:
		return (val & VGIC_GICD_SGIR_TARGETS_MASK) >> VGIC_GICD_SGIR_TARGETS_SHIFT;
	case VGIC_SGIR_FILTER_OTHERS:
		return existing_cpus(d) & ~cpu_bit(cpu);
	case VGIC_SGIR_FILTER_SELF:
		return cpu_bit(cpu);
	}
	return 0;
}

/* Each target gets the request pending from the writer; NSATT means nothing here. */
static void sgir_write(const struct gicd_access *a, u32 val)
{
	struct vgic_dist *d = a->d;
	u8 targets = sgir_targets(d, a->cpu, val) & existing_cpus(d);
	u32 intid = val & VGIC_GICD_SGIR_INTID_MASK;
	unsigned int target;

	for (target = 0; target < d->nr_cpus; target++) {
		if (targets & cpu_bit(target)) {
			d->private_irqs[target][intid].sgi_sources |= cpu_bit(a->cpu);
			mark_busy(d, &d->private_irqs[target][intid]);
		}
	}
}

/* GICD_[CS]PENDSGIR: a byte per SGI of the reader, a bit per requester. */
static u32 sgi_pend_read(const struct gicd_access *a)
{
	return field_irq(a)->sgi_sources;
}

static void sgi_cpend_write(const struct gicd_access *a, u32 field)
{
	struct vgic_irq *irq = field_irq(a);

	irq->sgi_sources &= ~field;
	if (irq->queued)
		irq->sgi_cleared |= field;
}

/* Requesters that do not exist cannot have asked for anything. */
static void sgi_spend_write(const struct gicd_access *a, u32 field)
{
	struct vgic_irq *irq = field_irq(a);

	irq->sgi_sources |= field & existing_cpus(a->d);
	if (irq->sgi_sources)
		mark_busy(a->d, irq);
}

/* Linux 5.6's vgic_v2_dist_registers, with the access sizes it allows. */
static const struct gicd_region gicd_regions[] = {
	{ .base = VGIC_GICD_CTLR, .size = MISC_SIZE, .field_bits = WORD_BITS,
	  .read = misc_read, .write = misc_write },
	{ .base = VGIC_GICD_IGROUPR, .size = PER_IRQ_SIZE(1), .field_bits = 1, .per_irq = true,
	  .read = group_read, .write = group_write },
	{ .base = VGIC_GICD_ISENABLER, .size = PER_IRQ_SIZE(1), .field_bits = 1, .per_irq = true,
	  .read = enable_read, .write = senable_write },
	{ .base = VGIC_GICD_ICENABLER, .size = PER_IRQ_SIZE(1), .field_bits = 1, .per_irq = true,
	  .read = enable_read, .write = cenable_write },
	{ .base = VGIC_GICD_ISPENDR, .size = PER_IRQ_SIZE(1), .field_bits = 1, .per_irq = true,
	  .read = pending_read, .write = spending_write },
	{ .base = VGIC_GICD_ICPENDR, .size = PER_IRQ_SIZE(1), .field_bits = 1, .per_irq = true,
	  .read = pending_read, .write = cpending_write },
	{ .base = VGIC_GICD_ISACTIVER, .size = PER_IRQ_SIZE(1), .field_bits = 1, .per_irq = true,
	  .read = active_read, .write = sactive_write },
	{ .base = VGIC_GICD_ICACTIVER, .size = PER_IRQ_SIZE(1), .field_bits = 1, .per_irq = true,
	  .read = active_read, .write = cactive_write },
	{ .base = VGIC_GICD_IPRIORITYR, .size = PER_IRQ_SIZE(8), .field_bits = 8, .per_irq = true,
	  .byte_access = true, .read = priority_read, .write = priority_write },
	{ .base = VGIC_GICD_ITARGETSR, .size = PER_IRQ_SIZE(8), .field_bits = 8, .per_irq = true,
	  .byte_access = true, .read = target_read, .write = target_write },
	{ .base = VGIC_GICD_ICFGR, .size = PER_IRQ_SIZE(2), .field_bits = 2, .per_irq = true,
	  .read = config_read, .write = config_write },
	/* Write-only: reads as zero. */
	{ .base = VGIC_GICD_SGIR, .size = 4, .field_bits = WORD_BITS,
	  .write = sgir_write },
	{ .base = VGIC_GICD_CPENDSGIR, .size = VGIC_NR_SGIS, .field_bits = 8,
	  .byte_access = true, .read = sgi_pend_read, .write = sgi_cpend_write },
	{ .base = VGIC_GICD_SPENDSGIR, .size = VGIC_NR_SGIS, .field_bits = 8,
	  .byte_access = true, .read = sgi_pend_read, .write = sgi_spend_write },
	{ .size = 0 }	/* end */
};

static u32 first_field(const struct gicd_region *r, u32 offset)
{
	return (offset - r->base) * BYTE_BITS / r->field_bits;
}

/* Words everywhere, bytes where allowed, naturally aligned: KVM's check. */
static bool access_allowed(const struct gicd_region *r, u32 offset, unsigned int len)
{
	if (len != sizeof(u32) && !(len == 1 && r->byte_access))
		return false;
	return !(offset & (len - 1));
}

/* The region an access hits, or NULL if it is to be RAZ/WI. */
static const struct gicd_region *find_region(const struct vgic_dist *d, u32 offset,
					     unsigned int len)
{
	const struct gicd_region *r;

	for (r = gicd_regions; r->size; r++) {
		if (offset < r->base || offset - r->base >= r->size)
			continue;
		if (!access_allowed(r, offset, len))
			return NULL;
		if (r->per_irq && !irq_exists(d, first_field(r, offset)))
			return NULL;
		return r;
	}
	return NULL;
}

int vgic_dist_read(struct vgic_dist *d, unsigned int cpu, u32 offset, unsigned int len,
		   u32 *val)
{
	struct gicd_access a = { .d = d, .cpu = cpu };
	const struct gicd_region *r;
	unsigned int i, n;

	*val = 0;
	if (cpu >= d->nr_cpus)
		return -EINVAL;
	r = find_region(d, offset, len);
	if (!r || !r->read)
		return 0;

	n = len * BYTE_BITS / r->field_bits;
	for (i = 0; i < n; i++) {
		a.index = first_field(r, offset) + i;
		if (r->per_irq && !irq_exists(d, a.index))
			continue;
		*val |= r->read(&a) << (i * r->field_bits);
	}
	return 0;
}

int vgic_dist_write(struct vgic_dist *d, unsigned int cpu, u32 offset, unsigned int len,
		    u32 val)
{
	struct gicd_access a = { .d = d, .cpu = cpu };
	const struct gicd_region *r;
	unsigned int i, n;
	u32 mask;

	if (cpu >= d->nr_cpus)
		return -EINVAL;
	r = find_region(d, offset, len);
	if (!r)
		return 0;

	n = len * BYTE_BITS / r->field_bits;
	mask = r->field_bits == WORD_BITS ? ~0U : (1U << r->field_bits) - 1;
	for (i = 0; i < n; i++) {
		a.index = first_field(r, offset) + i;
		if (r->per_irq && !irq_exists(d, a.index))
			continue;
		r->write(&a, (val >> (i * r->field_bits)) & mask);
	}
	return 0;
}

/* --- delivery ------------------------------------------------------------ */

/*
 * Pending state not held by a list register. A queued level-sensitive
 * interrupt has its pending state in the list register, which asks for EOI
 * maintenance; an edge or SGI request arriving while queued does not.
 */
static bool has_work(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	if (irq->queued && !irq->edge)
		return false;
	return pending_deliverable(d, irq);
}

static u32 work_bit(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	int home;

	if (!has_work(d, irq))
		return 0;
	home = irq_home(irq);
	return home < 0 ? 0 : cpu_bit(home);
}

u32 vgic_dist_cpus_with_work(const struct vgic_dist *d)
{
	const struct vgic_irq *irq;
	unsigned int cpu, w;
	u32 cpus = 0;

	for (cpu = 0; cpu < d->nr_cpus; cpu++)
		for_each_busy(irq, d->busy_private[cpu], d->private_irqs[cpu])
			cpus |= work_bit(d, irq);
	for (w = 0; w < (d->nr_irqs - VGIC_NR_PRIVATE) / 32; w++)
		for_each_busy(irq, d->busy_spis[w], &d->spis[w * 32])
			cpus |= work_bit(d, irq);
	return cpus;
}

u32 vgic_lr_encode(const struct vgic_lr *lr)
{
	u32 val = lr->intid & VGIC_LR_VIRTUALID_MASK;

	if (is_sgi(lr->intid))
		val |= ((u32)lr->source << VGIC_LR_CPUID_SHIFT) & VGIC_LR_CPUID_MASK;
	if (lr->eoi_maintenance)
		val |= VGIC_LR_EOI;
	/* The list register holds the top five bits of the priority. */
	val |= ((u32)(lr->priority >> LR_PRIORITY_DROPPED) << VGIC_LR_PRIORITY_SHIFT) &
	       VGIC_LR_PRIORITY_MASK;
	if (lr->pending)
		val |= VGIC_LR_PENDING;
	if (lr->active)
		val |= VGIC_LR_ACTIVE;
	if (lr->group1)
		val |= VGIC_LR_GROUP1;
	return val;
}

void vgic_lr_decode(u32 val, struct vgic_lr *lr)
{
	lr->intid = val & VGIC_LR_VIRTUALID_MASK;
	lr->source = 0;
	if (is_sgi(lr->intid))
		lr->source = (val & VGIC_LR_CPUID_MASK) >> VGIC_LR_CPUID_SHIFT;
	lr->priority = ((val & VGIC_LR_PRIORITY_MASK) >> VGIC_LR_PRIORITY_SHIFT) <<
		       LR_PRIORITY_DROPPED;
	lr->pending = val & VGIC_LR_PENDING;
	lr->active = val & VGIC_LR_ACTIVE;
	lr->group1 = val & VGIC_LR_GROUP1;
	lr->eoi_maintenance = val & VGIC_LR_EOI;
}

static u32 lr_key(const struct vgic_lr *lr)
{
	return (u32)!lr->active << KEY_INACTIVE_SHIFT |
	       (u32)lr->priority << KEY_PRIORITY_SHIFT |
	       (u32)lr->intid << KEY_INTID_SHIFT | lr->source;
}

/*
 * The flush collects entries into the caller's array, kept sorted, as the
 * best @max seen so far: no allocation, one pass over the interrupts.
 */
struct lr_set {
	struct vgic_lr *lrs;
	unsigned int max;
	unsigned int count;
	bool overflow;
};

static void offer(struct lr_set *set, const struct vgic_lr *lr)
{
	unsigned int pos = set->count;

	if (set->count == set->max) {
		set->overflow = true;
		if (!set->max || lr_key(lr) >= lr_key(&set->lrs[set->max - 1]))
			return;
		pos--;		/* the last one makes room */
	} else {
		set->count++;
	}
	for (; pos > 0 && lr_key(lr) < lr_key(&set->lrs[pos - 1]); pos--)
		set->lrs[pos] = set->lrs[pos - 1];
	set->lrs[pos] = *lr;
}

/*
 * An active SGI shows the requester it was taken from; pending from that
 * requester too, it goes in the same list register (pending and active).
 */
static void offer_active(struct lr_set *set, const struct vgic_irq *irq, bool pend)
{
	struct vgic_lr lr = {
		.intid = irq->intid, .priority = irq->priority, .group1 = irq->group1,
		.active = true, .eoi_maintenance = !irq->edge,
	};

	if (is_sgi(irq->intid)) {
		lr.source = irq->active_source;
		lr.pending = pend && (irq->sgi_sources & cpu_bit(irq->active_source));
	} else {
		lr.pending = pend;
	}
	offer(set, &lr);
}

static void offer_pending(struct lr_set *set, const struct vgic_irq *irq)
{
	struct vgic_lr lr = {
		.intid = irq->intid, .priority = irq->priority, .group1 = irq->group1,
		.pending = true, .eoi_maintenance = !irq->edge,
	};
	unsigned int src;

	if (!is_sgi(irq->intid)) {
		if (!irq->active)
			offer(set, &lr);
		return;
	}
	for (src = 0; src < VGIC_MAX_CPUS; src++) {
		if (!(irq->sgi_sources & cpu_bit(src)))
			continue;
		if (irq->active && src == irq->active_source)
			continue;
		lr.source = src;
		offer(set, &lr);
	}
}

static void offer_irq(struct lr_set *set, const struct vgic_dist *d, unsigned int cpu,
		      const struct vgic_irq *irq)
{
	bool pend;

	if (irq->queued || irq_home(irq) != (int)cpu)
		return;
	pend = pending_deliverable(d, irq);
	if (irq->active)
		offer_active(set, irq, pend);
	if (pend)
		offer_pending(set, irq);
}

/*
 * The list register now holds the interrupt, and the pending state it
 * carries: an edge or an SGI request is consumed here and comes back in the
 * sync only if the guest did not acknowledge it. A level-sensitive
 * interrupt's latch stays until the guest acknowledges it.
 */
static void claim(struct vgic_dist *d, unsigned int cpu, const struct vgic_lr *lr)
{
	struct vgic_irq *irq = get_irq(d, cpu, lr->intid);

	irq->queued = true;
	irq->queued_cpu = cpu;
	irq->pending_written = false;
	irq->active_written = false;
	irq->sgi_cleared = 0;
	if (!lr->pending)
		return;
	if (is_sgi(lr->intid))
		irq->sgi_sources &= ~cpu_bit(lr->source);
	else if (irq->edge)
		irq->pending_latch = false;
}

unsigned int vgic_dist_flush(struct vgic_dist *d, unsigned int cpu, struct vgic_lr *lrs,
			     unsigned int max, bool *overflow)
{
	struct lr_set set = { .lrs = lrs, .max = max };
	struct vgic_irq *irq;
	unsigned int i, w;

	*overflow = false;
	if (cpu >= d->nr_cpus)
		return 0;

	for_each_busy(irq, d->busy_private[cpu], d->private_irqs[cpu]) {
		if (irq_idle(irq))
			d->busy_private[cpu] &= ~(1U << irq->intid);
		else
			offer_irq(&set, d, cpu, irq);
	}
	for (w = 0; w < (d->nr_irqs - VGIC_NR_PRIVATE) / 32; w++) {
		for_each_busy(irq, d->busy_spis[w], &d->spis[w * 32]) {
			if (irq_idle(irq))
				d->busy_spis[w] &= ~(1U << (irq->intid % 32));
			else
				offer_irq(&set, d, cpu, irq);
		}
	}

	for (i = 0; i < set.count; i++)
		claim(d, cpu, &lrs[i]);
	*overflow = set.overflow;
	return set.count;
}

/* The interrupt a list register of @cpu names, if it is queued there. */
static struct vgic_irq *lr_irq(struct vgic_dist *d, unsigned int cpu, const struct vgic_lr *lr)
{
	struct vgic_irq *irq;

	if (!irq_exists(d, lr->intid))
		return NULL;
	irq = get_irq(d, cpu, lr->intid);
	if (!irq->queued || irq->queued_cpu != cpu)
		return NULL;
	return irq;
}

static void fold_active(struct vgic_irq *irq, unsigned int cpu, const struct vgic_lr *lr)
{
	if (!lr->active || irq->active_written)
		return;
	irq->active = true;
	if (is_sgi(irq->intid))
		irq->active_source = lr->source;
	else if (!is_private(irq->intid))
		irq->active_cpu = cpu;
}

static void fold_pending(struct vgic_irq *irq, const struct vgic_lr *lr)
{
	if (is_sgi(irq->intid)) {
		if (lr->pending && !(irq->sgi_cleared & cpu_bit(lr->source)))
			irq->sgi_sources |= cpu_bit(lr->source);
		return;
	}
	if (irq->pending_written)
		return;
	if (lr->pending && irq->edge)
		irq->pending_latch = true;
	else if (!lr->pending && !irq->edge)
		irq->pending_latch = false;	/* acknowledged: the line decides */
}

void vgic_dist_sync(struct vgic_dist *d, unsigned int cpu, const struct vgic_lr *lrs,
		    unsigned int n)
{
	struct vgic_irq *irq;
	unsigned int i;

	if (cpu >= d->nr_cpus)
		return;

	/*
	 * An SGI may fill several list registers: its active state is theirs
	 * or'ed, so it is cleared for all of them before any is folded.
	 */
	for (i = 0; i < n; i++) {
		irq = lr_irq(d, cpu, &lrs[i]);
		if (irq && !irq->active_written)
			irq->active = false;
	}
	for (i = 0; i < n; i++) {
		irq = lr_irq(d, cpu, &lrs[i]);
		if (!irq)
			continue;
		fold_active(irq, cpu, &lrs[i]);
		fold_pending(irq, &lrs[i]);
	}
	for (i = 0; i < n; i++) {
		irq = lr_irq(d, cpu, &lrs[i]);
		if (irq)
			irq->queued = false;
	}
}
