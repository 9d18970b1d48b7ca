/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual GICv2 distributor: the guest's GICD frame, emulated, and the
 * interrupt state behind it. A guest's CPU interface is the hardware GICV
 * frame; interrupts reach it through the hypervisor's list registers
 * (GICH_LR), which kvm32 fills before entering a vCPU ("flush") and reads
 * back after it ran ("sync").
 *
 * Register semantics follow Linux 5.6's KVM vgic for a GICv2 guest
 * (KVM_DEV_TYPE_ARM_VGIC_V2); the GICv2 architecture is ARM IHI 0048B.
 *
 * Pure logic, free of kernel calls and of allocation, so the host unit tests
 * exercise it too. No locking either: the caller serialises all calls on one
 * distributor.
 */
#ifndef KVM32_VGIC_DIST_H
#define KVM32_VGIC_DIST_H

#include <linux/types.h>

#define VGIC_MAX_CPUS		8
#define VGIC_NR_SGIS		16
#define VGIC_NR_PRIVATE		32	/* SGIs and PPIs, banked per CPU */
/* nr_irqs: a multiple of 32, 64..1024 (KVM_DEV_ARM_VGIC_GRP_NR_IRQS) */
#define VGIC_MAX_IRQS		1024
#define VGIC_MIN_IRQS		64
#define VGIC_DIST_SIZE		0x1000

/*
 * GICD register offsets (IHI 0048B 4.1.2). Registers holding a field per
 * interrupt are arrays starting at these offsets.
 */
#define VGIC_GICD_CTLR		0x000
#define VGIC_GICD_TYPER		0x004
#define VGIC_GICD_IIDR		0x008
#define VGIC_GICD_IGROUPR	0x080
#define VGIC_GICD_ISENABLER	0x100
#define VGIC_GICD_ICENABLER	0x180
#define VGIC_GICD_ISPENDR	0x200
#define VGIC_GICD_ICPENDR	0x280
#define VGIC_GICD_ISACTIVER	0x300
#define VGIC_GICD_ICACTIVER	0x380
#define VGIC_GICD_IPRIORITYR	0x400
#define VGIC_GICD_ITARGETSR	0x800
#define VGIC_GICD_ICFGR		0xc00
#define VGIC_GICD_SGIR		0xf00
#define VGIC_GICD_CPENDSGIR	0xf10
#define VGIC_GICD_SPENDSGIR	0xf20

/* GICD_CTLR: KVM's GICv2 model has the one enable bit, for both groups. */
#define VGIC_GICD_CTLR_ENABLE		0x00000001U

/* GICD_TYPER: ITLinesNumber [4:0] = nr_irqs / 32 - 1, CPUNumber [7:5]. */
#define VGIC_GICD_TYPER_CPUNUM_SHIFT	5

/*
 * GICD_IIDR as Linux 5.6 reports it for a GICv2 guest: ProductID [31:24] 0x4b
 * ('K'), Revision [15:12] 2 (interrupt groups are guest-configurable),
 * Implementer [11:0] 0x43b (ARM).
 */
#define VGIC_GICD_IIDR_PRODUCT_KVM	0x4b
#define VGIC_GICD_IIDR_PRODUCT_SHIFT	24
#define VGIC_GICD_IIDR_REVISION		2
#define VGIC_GICD_IIDR_REVISION_SHIFT	12
#define VGIC_GICD_IIDR_IMPLEMENTER_ARM	0x43b

/* GICD_ICFGR: the upper bit of each 2-bit field; set means edge-triggered. */
#define VGIC_GICD_ICFGR_EDGE		0x2

/* GICD_SGIR: TargetListFilter [25:24], CPUTargetList [23:16], SGIINTID [3:0]. */
#define VGIC_GICD_SGIR_FILTER_SHIFT	24
#define VGIC_GICD_SGIR_FILTER_MASK	0x03000000U
#define VGIC_GICD_SGIR_TARGETS_SHIFT	16
#define VGIC_GICD_SGIR_TARGETS_MASK	0x00ff0000U
#define VGIC_GICD_SGIR_INTID_MASK	0x0000000fU
#define VGIC_SGIR_FILTER_LIST		0	/* the CPUs in CPUTargetList */
#define VGIC_SGIR_FILTER_OTHERS		1	/* all CPUs but the requester */
#define VGIC_SGIR_FILTER_SELF		2	/* the requester only */

/*
 * The priority bits KVM implements: five (VGIC_PRI_BITS), the ones a GICv2
 * list register can hold. Lower bits read as zero.
 */
#define VGIC_PRIORITY_MASK		0xf8

/*
 * GICH_LR layout (IHI 0048B 5.3.11), for a software interrupt (HW = 0), the
 * only kind kvm32 queues: HW is never set by vgic_lr_encode() and ignored by
 * vgic_lr_decode().
 */
#define VGIC_LR_VIRTUALID_MASK		0x000003ffU	/* [9:0] */
#define VGIC_LR_CPUID_SHIFT		10
#define VGIC_LR_CPUID_MASK		0x00001c00U	/* [12:10] SGI requester */
#define VGIC_LR_EOI			0x00080000U	/* [19] maintenance on EOI */
#define VGIC_LR_PRIORITY_SHIFT		23
#define VGIC_LR_PRIORITY_MASK		0x0f800000U	/* [27:23] priority[7:3] */
#define VGIC_LR_PENDING			0x10000000U	/* State [29:28] = 0b01 */
#define VGIC_LR_ACTIVE			0x20000000U	/* State [29:28] = 0b10 */
#define VGIC_LR_GROUP1			0x40000000U	/* [30] */
#define VGIC_LR_HW			0x80000000U	/* [31] */

/*
 * One interrupt's state: for SGIs and PPIs one per vCPU (banked), for SPIs
 * one per distributor. Pending is kept as KVM keeps it: SGIs by requester
 * (sgi_sources), other interrupts as a latch (ISPENDR, or an edge on the
 * line) or'ed, when level-triggered, with the line level.
 *
 * While queued (between vgic_dist_flush() and vgic_dist_sync()) the pending
 * state that went into a list register is held there, not here; the
 * *_written and sgi_cleared marks remember distributor writes made meanwhile,
 * so that what the guest then wrote wins over the stale list register.
 */
struct vgic_irq {
	u16 intid;
	u8 owner;		/* SGIs and PPIs: the vCPU of this bank */
	u8 priority;		/* IPRIORITYR, implemented bits only */
	u8 targets;		/* SPIs: ITARGETSR, existing vCPUs only */
	u8 sgi_sources;		/* SGIs: requesters with a pending request */
	u8 sgi_cleared;		/* SGIs: requesters cleared while queued */
	u8 active_source;	/* SGIs: requester of the active instance */
	u8 active_cpu;		/* SPIs: vCPU the interrupt is active on */
	u8 queued_cpu;		/* vCPU whose list registers hold it */
	bool group1;		/* IGROUPR */
	bool enabled;		/* I[SC]ENABLER */
	bool edge;		/* ICFGR: edge-triggered, else level-sensitive */
	bool pending_latch;
	bool line_level;	/* the input line, whatever the trigger */
	bool active;
	bool queued;		/* in the list registers of queued_cpu */
	bool pending_written;	/* I[SC]PENDR written while queued */
	bool active_written;	/* I[SC]ACTIVER written while queued */
};

struct vgic_dist {
	unsigned int nr_cpus;
	unsigned int nr_irqs;
	bool enabled;				/* GICD_CTLR */
	struct vgic_irq private_irqs[VGIC_MAX_CPUS][VGIC_NR_PRIVATE];
	struct vgic_irq spis[VGIC_MAX_IRQS - VGIC_NR_PRIVATE];
	/*
	 * The interrupts that may be pending, active or queued (bit n: INTID n
	 * of a vCPU's bank; SPI 32 + n): set whenever one may become so,
	 * cleared lazily by the flush once it is idle. The scans of the flush
	 * and of vgic_dist_cpus_with_work() visit only these, so their cost
	 * follows the interrupts in flight, not the number that exist.
	 */
	u32 busy_private[VGIC_MAX_CPUS];
	u32 busy_spis[(VGIC_MAX_IRQS - VGIC_NR_PRIVATE) / 32];
};

/*
 * Resets @d as KVM's vgic-v2 comes up: distributor disabled; everything in
 * group 0 at priority 0, neither pending nor active; SGIs enabled and
 * edge-triggered; PPIs disabled and level-sensitive; SPIs disabled, with no
 * target and, as KVM leaves them (VGIC_CONFIG_EDGE is its zero value),
 * edge-triggered. Returns -EINVAL if @nr_cpus is not 1..8 or @nr_irqs is not
 * a multiple of 32 in 64..1024, leaving @d untouched.
 */
int vgic_dist_init(struct vgic_dist *d, unsigned int nr_cpus, unsigned int nr_irqs);

/*
 * An access by vCPU @cpu (a guest load or store, or user space saving and
 * restoring state) of @len bytes at @offset in the distributor frame. As in
 * KVM, a size or alignment the register does not allow (halfwords never; bytes
 * only in IPRIORITYR, ITARGETSR, CPENDSGIR and SPENDSGIR), an offset no
 * register lives at, and a field of an interrupt beyond nr_irqs (or of the
 * special INTIDs 1020-1023) read as zero and ignore writes. Returns 0, or
 * -EINVAL (*val then 0) for a @cpu that does not exist.
 */
int vgic_dist_read(struct vgic_dist *d, unsigned int cpu, u32 offset, unsigned int len,
		   u32 *val);
int vgic_dist_write(struct vgic_dist *d, unsigned int cpu, u32 offset, unsigned int len,
		    u32 val);

/*
 * An interrupt line from a device model or KVM_IRQ_LINE: an SPI (intid
 * 32..nr_irqs-1, @cpu ignored) or a PPI (16..31) of vCPU @cpu. The line level
 * is recorded whatever the trigger; for a level-sensitive interrupt it is
 * (or'ed with the latch) the pending state. For an edge-triggered one, as in
 * KVM, every assertion is an edge and latches pending: device models pulse
 * the line. Returns -EINVAL for an SGI, an INTID beyond nr_irqs or one of
 * 1020-1023, or a PPI of a vCPU that does not exist.
 */
int vgic_dist_set_line(struct vgic_dist *d, unsigned int cpu, unsigned int intid, bool level);

/*
 * The vCPUs (bit n: vCPU n) with an interrupt to deliver that no list
 * register holds yet: enabled, pending (a level-sensitive interrupt only
 * while not active), targeted at them (an active SPI stays with the vCPU it
 * is active on) and the distributor enabled. The ones to wake or kick. A
 * queued interrupt counts only for pending state newer than its list
 * register (a new edge or SGI request): its vCPU may have completed the old
 * one and would otherwise not exit to see it. After vgic_dist_sync() an SPI
 * may have moved on (retargeted meanwhile): ask again.
 */
u32 vgic_dist_cpus_with_work(const struct vgic_dist *d);

/* A list register's content, decoded. */
struct vgic_lr {
	u16 intid;
	u8 source;		/* SGIs: the requesting CPU */
	u8 priority;		/* 8-bit, low 3 bits dropped in the LR */
	bool pending;
	bool active;
	bool group1;
	/* level-triggered: ask for a maintenance interrupt when the guest completes it */
	bool eoi_maintenance;
};

/*
 * GICH_LR value of @lr, and back. The CPUID field is an SGI's alone: encode
 * writes it only for INTIDs 0-15 and decode reports 0 for the others.
 */
u32 vgic_lr_encode(const struct vgic_lr *lr);
void vgic_lr_decode(u32 val, struct vgic_lr *lr);

/*
 * Before entering vCPU @cpu: fills up to @max entries of @lrs with its
 * interrupts in this order: the active ones (they must stay visible: the
 * guest will complete them), then pending ones by priority (lower value
 * first), ties by INTID, then by requester. An SGI pending from several
 * requesters takes one list register per requester. An edge-triggered
 * interrupt that is active and pending takes a single list register in both
 * states; a level-sensitive one is not presented pending while active (its
 * list register asks for EOI maintenance instead, as KVM does). Returns the
 * number of entries written, and marks their interrupts queued: the pending
 * state of an edge-triggered interrupt or SGI request now lives in the list
 * register. *overflow tells whether more were due than fitted: the caller
 * then asks for an underflow maintenance interrupt and flushes again after
 * the next sync. Interrupts still queued (no sync since the last flush) are
 * left out. A @cpu that does not exist gets nothing.
 */
unsigned int vgic_dist_flush(struct vgic_dist *d, unsigned int cpu, struct vgic_lr *lrs,
			     unsigned int max, bool *overflow);

/*
 * After vCPU @cpu ran: @lrs and @n are what vgic_dist_flush() returned, as
 * the hardware left them. Folds them back: an acknowledged interrupt is no
 * longer pending (edge) or its latch is cleared (level: pending again only
 * while the line is high); one still pending stays pending (an SGI request
 * goes back to its requester's bit); the active state is what the list
 * registers say; a completed interrupt is neither. Queued marks are cleared.
 * Where the distributor was written while the interrupt was queued (pending
 * or active set or cleared), the distributor wins; disabling, retargeting or
 * a priority change needs nothing: the next flush follows the distributor.
 * Entries naming an interrupt not queued on @cpu are ignored, and all of
 * them for a @cpu that does not exist.
 */
void vgic_dist_sync(struct vgic_dist *d, unsigned int cpu, const struct vgic_lr *lrs,
		    unsigned int n);

#endif /* KVM32_VGIC_DIST_H */
