// SPDX-License-Identifier: GPL-2.0
/*
 * The glue between a VM's emulated distributor (vgic_dist.c) and its vCPUs.
 *
 * Each vCPU's CPU interface is the hardware's GICV frame, mapped by stage 2
 * at the guest's GICC address: the guest acknowledges and completes
 * interrupts there without trapping. What it sees comes from the list
 * registers, which kvm32_vgic_flush() fills from the distributor just
 * before the guest runs and kvm32_vgic_sync() folds back right after.
 *
 * Cost on the common path: a vCPU whose list registers were empty and whose
 * bit in vgic->dirty is clear skips both without taking the lock. Whoever
 * makes an interrupt pending (a line, a distributor write, a sync that
 * leaves work for others) sets the dirty bits of the vCPUs that now have
 * work and kicks them; a vCPU sets its mode to IN_GUEST before it looks at
 * its bit, so it either sees the bit or gets the kick (vcpu.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "irqfd.h"
#include "memslot.h"
#include "stage2.h"
#include "vcpu.h"
#include "vgic.h"
#include "vgic_hw.h"
#include "vm.h"

#define GICH_HCR_EN		BIT(0)
#define GICH_HCR_UIE		BIT(1)	/* maintenance when at most one LR is valid */

void kvm32_vgic_vm_init(struct kvm32_vm *vm)
{
	spin_lock_init(&vm->vgic.lock);
	vm->vgic.dist_base = VGIC_ADDR_UNDEF;
	vm->vgic.cpu_base = VGIC_ADDR_UNDEF;
}

void kvm32_vgic_vm_destroy(struct kvm32_vm *vm)
{
	kvfree(vm->vgic.dist);
	vm->vgic.dist = NULL;
}

int kvm32_vgic_create(struct kvm32_vm *vm)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	if (!kvm32_vgic_hw.present)
		return -ENODEV;
	if (vm->vgic.created)
		return -EEXIST;
	/* As KVM: the interrupt controller comes before any vCPU runs. */
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i]->has_run)
			return -EBUSY;
	vm->vgic.created = true;
	return 0;
}

int kvm32_vgic_init(struct kvm32_vm *vm)
{
	struct kvm32_vgic *vgic = &vm->vgic;
	struct vgic_dist *dist;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (!vgic->created)
		return -ENODEV;
	if (vgic->initialized)
		return 0;
	if (!vm->nr_vcpus)
		return -EINVAL;
	dist = kvzalloc(sizeof(*dist), GFP_KERNEL_ACCOUNT);
	if (!dist)
		return -ENOMEM;
	ret = vgic_dist_init(dist, vm->nr_vcpus, vgic->nr_irqs ?: VGIC_NR_IRQS_DEFAULT);
	if (ret) {
		kvfree(dist);
		return ret;
	}
	spin_lock_irq(&vgic->lock);
	vgic->dist = dist;
	vgic->nr_irqs = dist->nr_irqs;
	spin_unlock_irq(&vgic->lock);
	/* The vCPU set is fixed from now on (kvm32_vcpu_create refuses more). */
	WRITE_ONCE(vgic->initialized, true);
	return 0;
}

int kvm32_vgic_set_addr(struct kvm32_vm *vm, u64 type, u64 addr)
{
	struct kvm32_vgic *vgic = &vm->vgic;
	u64 *base, size;

	lockdep_assert_held(&vm->lock);
	if (!vgic->created)
		return -ENODEV;
	switch (type) {
	case KVM_VGIC_V2_ADDR_TYPE_DIST:
		base = &vgic->dist_base;
		size = KVM_VGIC_V2_DIST_SIZE;
		break;
	case KVM_VGIC_V2_ADDR_TYPE_CPU:
		base = &vgic->cpu_base;
		size = KVM_VGIC_V2_CPU_SIZE;
		break;
	default:
		return -ENODEV;
	}
	/* The same checks, in the same order, as KVM's vgic_check_ioaddr(). */
	if (addr >= BIT_ULL(KVM32_IPA_BITS) || addr + size > BIT_ULL(KVM32_IPA_BITS))
		return -E2BIG;
	if (!IS_ALIGNED(addr, SZ_4K))
		return -EINVAL;
	if (*base != VGIC_ADDR_UNDEF)
		return -EEXIST;
	*base = addr;
	return 0;
}

int kvm32_vgic_get_addr(struct kvm32_vm *vm, u64 type, u64 *addr)
{
	if (!vm->vgic.created)
		return -ENODEV;
	switch (type) {
	case KVM_VGIC_V2_ADDR_TYPE_DIST:
		*addr = vm->vgic.dist_base;
		return 0;
	case KVM_VGIC_V2_ADDR_TYPE_CPU:
		*addr = vm->vgic.cpu_base;
		return 0;
	default:
		return -ENODEV;
	}
}

static bool frames_overlap(const struct kvm32_vgic *vgic)
{
	return vgic->dist_base < vgic->cpu_base + KVM_VGIC_V2_CPU_SIZE &&
	       vgic->cpu_base < vgic->dist_base + KVM_VGIC_V2_DIST_SIZE;
}

int kvm32_vgic_prepare_run(struct kvm32_vcpu *vcpu)
{
	struct kvm32_vm *vm = vcpu->vm;
	struct kvm32_vgic *vgic = &vm->vgic;
	unsigned int i;
	int ret = 0;

	if (!READ_ONCE(vgic->created) || kvm32_vgic_ready(vm))
		return 0;
	mutex_lock(&vm->lock);
	if (vgic->ready)
		goto out;
	ret = kvm32_vgic_init(vm);
	if (ret)
		goto out;
	if (vgic->dist_base == VGIC_ADDR_UNDEF || vgic->cpu_base == VGIC_ADDR_UNDEF) {
		ret = -ENXIO;	/* KVM: "Need to set vgic cpu and dist addresses first" */
		goto out;
	}
	if (frames_overlap(vgic)) {
		ret = -EINVAL;
		goto out;
	}
	/* The guest's GICC is the hardware's virtual CPU interface. */
	ret = kvm32_stage2_map_device(vm, vgic->cpu_base, kvm32_vgic_hw.gicv_pa,
				      KVM_VGIC_V2_CPU_SIZE);
	if (ret)
		goto out;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct kvm32_vgic_cpu *c = &vm->vcpus[i]->hyp->vgic;

		c->gich = (u32)(unsigned long)kvm32_vgic_hw.gich;
		c->hcr = GICH_HCR_EN;
	}
	WRITE_ONCE(vgic->ready, true);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/*
 * With the lock held, after a change: marks the vCPUs that now have an
 * interrupt to take and returns them, to be kicked once the lock is dropped.
 */
static u32 note_work(struct kvm32_vgic *vgic)
{
	u32 work = vgic_dist_cpus_with_work(vgic->dist);

	vgic->dirty |= work;
	return work;
}

static void kick_cpus(struct kvm32_vm *vm, u32 cpus)
{
	while (cpus) {
		unsigned int i = __ffs(cpus);

		cpus &= cpus - 1;
		kvm32_vcpu_kick(vm->vcpus[i]);
	}
}

int kvm32_vgic_set_line(struct kvm32_vm *vm, unsigned int cpu, unsigned int intid, bool level)
{
	struct kvm32_vgic *vgic = &vm->vgic;
	unsigned long flags;
	u32 work = 0;
	int ret;

	if (!READ_ONCE(vgic->initialized))
		return -EBUSY;
	spin_lock_irqsave(&vgic->lock, flags);
	ret = vgic_dist_set_line(vgic->dist, cpu, intid, level);
	if (!ret && level)
		work = note_work(vgic);
	spin_unlock_irqrestore(&vgic->lock, flags);
	kick_cpus(vm, work);
	return ret;
}

bool kvm32_vgic_mmio(struct kvm32_vcpu *vcpu, u64 ipa, bool is_write, unsigned int len,
		     u32 *val)
{
	struct kvm32_vm *vm = vcpu->vm;
	struct kvm32_vgic *vgic = &vm->vgic;
	unsigned long flags;
	u32 work = 0;

	if (!kvm32_vgic_ready(vm) || ipa < vgic->dist_base ||
	    ipa - vgic->dist_base >= KVM_VGIC_V2_DIST_SIZE)
		return false;
	spin_lock_irqsave(&vgic->lock, flags);
	if (is_write) {
		vgic_dist_write(vgic->dist, vcpu->idx, ipa - vgic->dist_base, len, *val);
		work = note_work(vgic);
	} else {
		vgic_dist_read(vgic->dist, vcpu->idx, ipa - vgic->dist_base, len, val);
	}
	spin_unlock_irqrestore(&vgic->lock, flags);
	kick_cpus(vm, work & ~BIT(vcpu->idx));
	return true;
}

void kvm32_vgic_flush(struct kvm32_vcpu *vcpu)
{
	struct kvm32_vgic *vgic = &vcpu->vm->vgic;
	struct kvm32_vgic_cpu *c = &vcpu->hyp->vgic;
	bool overflow = false;
	unsigned int i, n;

	if (!kvm32_vgic_ready(vcpu->vm) || !(READ_ONCE(vgic->dirty) & BIT(vcpu->idx)))
		return;
	spin_lock(&vgic->lock);
	vgic->dirty &= ~BIT(vcpu->idx);
	n = vgic_dist_flush(vgic->dist, vcpu->idx, vcpu->lrs, kvm32_vgic_hw.nr_lrs, &overflow);
	spin_unlock(&vgic->lock);

	for (i = 0; i < n; i++)
		c->lr[i] = vgic_lr_encode(&vcpu->lrs[i]);
	c->used_lrs = n;
	/* More than fit: exit when the guest has taken them, to queue the rest. */
	c->hcr = GICH_HCR_EN | (overflow ? GICH_HCR_UIE : 0);
}

/* A level-triggered SPI whose list register asked for EOI maintenance and is now empty. */
static bool lr_completed_spi(const struct vgic_lr *lr)
{
	return lr->eoi_maintenance && !lr->pending && !lr->active &&
	       lr->intid >= VGIC_NR_PRIVATE;
}

void kvm32_vgic_sync(struct kvm32_vcpu *vcpu)
{
	struct kvm32_vm *vm = vcpu->vm;
	struct kvm32_vgic *vgic = &vm->vgic;
	struct kvm32_vgic_cpu *c = &vcpu->hyp->vgic;
	unsigned int i, n = c->used_lrs;
	bool spis = false;
	u32 work = 0;

	if (!n)
		return;
	for (i = 0; i < n; i++) {
		vgic_lr_decode(c->lr[i], &vcpu->lrs[i]);
		spis |= vcpu->lrs[i].intid >= VGIC_NR_PRIVATE;
	}
	c->used_lrs = 0;
	c->hcr = GICH_HCR_EN;

	spin_lock(&vgic->lock);
	vgic_dist_sync(vgic->dist, vcpu->idx, vcpu->lrs, n);
	/* What the guest left (still pending or active) goes back in on entry. */
	vgic->dirty |= BIT(vcpu->idx);
	/* An SPI it did not take may be for another vCPU now. */
	if (spis)
		work = note_work(vgic) & ~BIT(vcpu->idx);
	spin_unlock(&vgic->lock);
	kick_cpus(vm, work);

	/* Level-triggered SPIs the guest completed: tell their resamplers. */
	for (i = 0; i < n; i++)
		if (lr_completed_spi(&vcpu->lrs[i]))
			kvm32_irqfd_resample(vm, vcpu->lrs[i].intid - VGIC_NR_PRIVATE);
}

bool kvm32_vgic_has_work(struct kvm32_vcpu *vcpu)
{
	struct kvm32_vgic *vgic = &vcpu->vm->vgic;
	unsigned long flags;
	bool work;

	if (!kvm32_vgic_ready(vcpu->vm))
		return false;
	spin_lock_irqsave(&vgic->lock, flags);
	work = vgic_dist_cpus_with_work(vgic->dist) & BIT(vcpu->idx);
	spin_unlock_irqrestore(&vgic->lock, flags);
	return work;
}

bool kvm32_vgic_available(void)
{
	return kvm32_vgic_hw.present;
}

/*
 * The distributor registers KVM lets user space reach: the ranges of Linux
 * 5.6's vgic_v2_dist_registers, and the bits each interrupt has in them (0:
 * not a register per interrupt). A word of a per-interrupt register is there
 * if its first interrupt is (check_region() in KVM): the bit arrays are 0x80
 * bytes each, and so is the word's offset into its own array.
 */
static const struct {
	u16 start, end;
	u8 bits;
} dist_regs[] = {
	{ VGIC_GICD_CTLR, VGIC_GICD_IIDR + 4, 0 },
	{ VGIC_GICD_IGROUPR, VGIC_GICD_IPRIORITYR, 1 },
	{ VGIC_GICD_IPRIORITYR, VGIC_GICD_ITARGETSR, 8 },
	{ VGIC_GICD_ITARGETSR, VGIC_GICD_ICFGR, 8 },
	{ VGIC_GICD_ICFGR, VGIC_GICD_ICFGR + 0x100, 2 },
	{ VGIC_GICD_SGIR, VGIC_GICD_SGIR + 4, 0 },
	{ VGIC_GICD_CPENDSGIR, VGIC_GICD_SPENDSGIR + 16, 0 },
};

#define BIT_ARRAY_SIZE	(VGIC_MAX_IRQS / 8)

bool kvm32_vgic_dist_reg_exists(u32 offset, unsigned int nr_irqs)
{
	unsigned int i, first;

	if (offset & 3)
		return false;
	for (i = 0; i < ARRAY_SIZE(dist_regs); i++) {
		if (offset < dist_regs[i].start || offset >= dist_regs[i].end)
			continue;
		if (!dist_regs[i].bits)
			return true;
		first = offset - dist_regs[i].start;
		if (dist_regs[i].bits == 1)
			first %= BIT_ARRAY_SIZE;
		return first * 8 / dist_regs[i].bits < nr_irqs;
	}
	return false;
}

/*
 * Linux 5.6 reads what is not there (no such register, or an interrupt the
 * VM lacks) as 0 and ignores writes to it, without an error; the
 * distributor model does the same for any offset.
 */
int kvm32_vgic_dist_uaccess(struct kvm32_vm *vm, unsigned int cpu, u32 offset, bool write,
			    u32 *val)
{
	struct kvm32_vgic *vgic = &vm->vgic;
	u32 work = 0;
	int ret;

	spin_lock_irq(&vgic->lock);
	if (write) {
		ret = vgic_dist_write(vgic->dist, cpu, offset, 4, *val);
		work = note_work(vgic);
	} else {
		ret = vgic_dist_read(vgic->dist, cpu, offset, 4, val);
	}
	spin_unlock_irq(&vgic->lock);
	kick_cpus(vm, work);
	return ret;
}

/*
 * The guest's GICC registers that are not in the list registers live in
 * GICH_VMCR (IHI 0048B 5.3.4) and GICH_APR: CTLR's enables, AckCtl, FIQEn,
 * CBPR and EOImode; PMR's top five bits; BPR and ABPR.
 */
#define GICC_CTLR		0x00
#define GICC_PMR		0x04
#define GICC_BPR		0x08
#define GICC_ABPR		0x1c
#define GICC_APR0		0xd0
#define GICC_APR3		0xdc
#define GICC_IIDR		0xfc

#define VMCR_CTLR_MASK		0x0000021f	/* Grp0En Grp1En AckCtl FIQEn CBPR, VEM */
#define VMCR_ABPR_SHIFT		18
#define VMCR_BPR_SHIFT		21
#define VMCR_PMR_SHIFT		27
#define VMCR_PMR_MASK		0x1f		/* priority[7:3] */
#define VMCR_FIELD3		0x7

/* KVM's GICC_IIDR: ProductID 'K', architecture version 2, implementer ARM. */
#define GICC_IIDR_VALUE		((0x4bU << 20) | (2U << 16) | 0x43b)

bool kvm32_vgic_cpu_reg_exists(u32 offset)
{
	switch (offset) {
	case GICC_CTLR:
	case GICC_PMR:
	case GICC_BPR:
	case GICC_ABPR:
	case GICC_IIDR:
		return true;
	default:
		return offset >= GICC_APR0 && offset <= GICC_APR3 && !(offset & 3);
	}
}

/* Replaces the field @mask << @shift of @reg with @val. */
static u32 set_field(u32 reg, u32 mask, unsigned int shift, u32 val)
{
	return (reg & ~(mask << shift)) | ((val & mask) << shift);
}

static u32 cpu_reg_read(const struct kvm32_vgic_cpu *c, u32 offset)
{
	switch (offset) {
	case GICC_CTLR:
		return c->vmcr & VMCR_CTLR_MASK;
	case GICC_PMR:
		/*
		 * KVM's GICv2 device ABI has GICH_VMCR.VMPriMask here, the five
		 * implemented bits of the mask in bits [4:0], not GICC_PMR's
		 * layout (vgic_mmio_read_vcpuif() in Linux 5.6).
		 */
		return (c->vmcr >> VMCR_PMR_SHIFT) & VMCR_PMR_MASK;
	case GICC_BPR:
		return (c->vmcr >> VMCR_BPR_SHIFT) & VMCR_FIELD3;
	case GICC_ABPR:
		return (c->vmcr >> VMCR_ABPR_SHIFT) & VMCR_FIELD3;
	case GICC_APR0:
		return c->apr;
	case GICC_IIDR:
		return GICC_IIDR_VALUE;
	default:
		return 0;	/* APR1-3: one APR holds five priority bits' worth */
	}
}

static void cpu_reg_write(struct kvm32_vgic_cpu *c, u32 offset, u32 val)
{
	switch (offset) {
	case GICC_CTLR:
		c->vmcr = set_field(c->vmcr, VMCR_CTLR_MASK, 0, val);
		break;
	case GICC_PMR:
		c->vmcr = set_field(c->vmcr, VMCR_PMR_MASK, VMCR_PMR_SHIFT, val);
		break;
	case GICC_BPR:
		c->vmcr = set_field(c->vmcr, VMCR_FIELD3, VMCR_BPR_SHIFT, val);
		break;
	case GICC_ABPR:
		c->vmcr = set_field(c->vmcr, VMCR_FIELD3, VMCR_ABPR_SHIFT, val);
		break;
	case GICC_APR0:
		c->apr = val;
		break;
	}
}

int kvm32_vgic_cpu_uaccess(struct kvm32_vcpu *vcpu, u32 offset, bool write, u32 *val)
{
	/* As for the distributor: what is not there reads as 0, takes no writes. */
	if (!kvm32_vgic_cpu_reg_exists(offset)) {
		if (!write)
			*val = 0;
		return 0;
	}
	if (write)
		cpu_reg_write(&vcpu->hyp->vgic, offset, *val);
	else
		*val = cpu_reg_read(&vcpu->hyp->vgic, offset);
	return 0;
}
