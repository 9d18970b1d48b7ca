// SPDX-License-Identifier: GPL-2.0
/*
 * irqfd and ioeventfd (see irqfd.h), with Linux 5.6's checks and errors.
 *
 * An irqfd waits on its eventfd's wait queue: the wake-up callback runs in
 * the signaller's context with the queue's lock held, and injects right
 * there (the vGIC takes a spinlock and kicks by IPI: both fine in atomic
 * context). When the eventfd is closed the callback sees EPOLLHUP and frees
 * the irqfd itself. Whoever takes an irqfd off the VM's list (HUP,
 * deassign, VM teardown) owns freeing it.
 *
 * Locks: an eventfd's wait-queue lock, then the VM's irqfd_lock, then the
 * vGIC's lock, in that order only. The resampler signals eventfds (taking
 * their wait-queue locks), so it must hold none of the others: it walks the
 * list under RCU, and irqfds are freed after a grace period. (With a lock
 * there, one eventfd used as both an irqfd and a resample fd could deadlock
 * its close against the guest's EOI.)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/list.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "irqfd.h"
#include "vgic.h"
#include "vm.h"

struct irqfd {
	struct kvm32_vm *vm;
	struct eventfd_ctx *eventfd;
	struct eventfd_ctx *resamplefd;	/* NULL: edge (assert then deassert) */
	u32 gsi;
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
	poll_table pt;
	struct list_head link;		/* vm->irqfds (RCU), until detached */
	bool detached;			/* off the list: its remover frees it */
	struct rcu_head rcu;
};

struct ioeventfd {
	struct list_head link;
	struct eventfd_ctx *eventfd;
	u64 addr;
	u32 len;			/* 0: any write to addr */
	u32 bus;			/* MMIO, PIO or CCW: only MMIO ever fires here */
	bool wildcard;			/* no DATAMATCH */
	u64 datamatch;
};

#define IOEVENTFD_BUS_MMIO	0
#define IOEVENTFD_BUS_PIO	1
#define IOEVENTFD_BUS_CCW	2
#define IOEVENTFD_VALID_FLAGS	(KVM_IOEVENTFD_FLAG_DATAMATCH | KVM_IOEVENTFD_FLAG_PIO | \
				 KVM_IOEVENTFD_FLAG_DEASSIGN | KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)

void kvm32_irqfd_vm_init(struct kvm32_vm *vm)
{
	spin_lock_init(&vm->irqfd_lock);
	INIT_LIST_HEAD(&vm->irqfds);
	spin_lock_init(&vm->ioeventfd_lock);
	INIT_LIST_HEAD(&vm->ioeventfds);
}

static void irqfd_free_rcu(struct rcu_head *rcu)
{
	struct irqfd *irqfd = container_of(rcu, struct irqfd, rcu);

	eventfd_ctx_put(irqfd->eventfd);
	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
	kfree(irqfd);
}

/* Once off the list and its wait queue; a resampler may still be looking at it. */
static void irqfd_free(struct irqfd *irqfd)
{
	call_rcu(&irqfd->rcu, irqfd_free_rcu);
}

/* With irqfd_lock held: takes @irqfd off the list unless someone did. */
static bool irqfd_unlink(struct irqfd *irqfd)
{
	if (irqfd->detached)
		return false;
	list_del_rcu(&irqfd->link);
	irqfd->detached = true;
	return true;
}

static void irqfd_inject(struct irqfd *irqfd)
{
	unsigned int intid = irqfd->gsi + VGIC_NR_PRIVATE;

	kvm32_vgic_set_line(irqfd->vm, 0, intid, true);
	/* Without a resampler the line is only pulsed, as KVM does. */
	if (!irqfd->resamplefd)
		kvm32_vgic_set_line(irqfd->vm, 0, intid, false);
}

/*
 * @irqfd is off the list and off its eventfd's wait queue: it asserts
 * nothing any more. A resampling irqfd held its SPI's line high until the
 * guest's EOI; now its line drops, unless another resampling irqfd of the
 * same SPI is left to hold it. That is KVM's irqfd_resampler_shutdown(), on
 * deassign and when the eventfd is closed alike; without it the guest would
 * take the SPI again and again after its last EOI.
 */
static void irqfd_release_line(struct kvm32_vm *vm, const struct irqfd *irqfd)
{
	unsigned long flags;
	struct irqfd *other;
	bool lower = true;

	if (!irqfd->resamplefd)
		return;
	spin_lock_irqsave(&vm->irqfd_lock, flags);
	list_for_each_entry(other, &vm->irqfds, link)
		if (other->resamplefd && other->gsi == irqfd->gsi)
			lower = false;
	if (lower)
		kvm32_vgic_set_line(vm, 0, irqfd->gsi + VGIC_NR_PRIVATE, false);
	spin_unlock_irqrestore(&vm->irqfd_lock, flags);
}

/* Runs with the eventfd's wait-queue lock held, in the signaller's context. */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct irqfd *irqfd = container_of(wait, struct irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct kvm32_vm *vm = irqfd->vm;
	unsigned long irqflags;
	bool detached = false;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		irqfd_inject(irqfd);
	}
	if (flags & EPOLLHUP) {
		/* The eventfd is being closed: nobody can signal it again. */
		spin_lock_irqsave(&vm->irqfd_lock, irqflags);
		detached = irqfd_unlink(irqfd);
		spin_unlock_irqrestore(&vm->irqfd_lock, irqflags);
		if (detached) {
			/* Safe here: the waker's walk of the queue has saved the next entry. */
			__remove_wait_queue(irqfd->wqh, &irqfd->wait);
			irqfd_release_line(vm, irqfd);
			irqfd_free(irqfd);
		}
	}
	return 0;
}

static void irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct irqfd *irqfd = container_of(pt, struct irqfd, pt);

	irqfd->wqh = wqh;
	add_wait_queue(wqh, &irqfd->wait);
}

/*
 * Takes @irqfd (already off the list) off its wait queue, where no callback
 * can be running once this returns, and frees it; a line it held high is
 * released unless the VM is going away anyway.
 */
static void irqfd_shutdown(struct irqfd *irqfd, bool lower)
{
	u64 cnt;

	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	if (lower)
		irqfd_release_line(irqfd->vm, irqfd);
	irqfd_free(irqfd);
}

static int irqfd_assign(struct kvm32_vm *vm, const struct kvm_irqfd *args)
{
	struct eventfd_ctx *eventfd, *resamplefd = NULL;
	struct irqfd *irqfd, *other;
	struct fd f;
	__poll_t events;
	int ret;

	/* KVM: irqfds need an initialized interrupt controller. */
	if (!READ_ONCE(vm->vgic.initialized))
		return -EAGAIN;

	f = fdget(args->fd);
	if (!f.file)
		return -EBADF;
	eventfd = eventfd_ctx_fileget(f.file);
	if (IS_ERR(eventfd)) {
		ret = PTR_ERR(eventfd);
		goto out_fd;
	}
	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(resamplefd)) {
			ret = PTR_ERR(resamplefd);
			resamplefd = NULL;
			goto out_ctx;
		}
	}
	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!irqfd)
		goto out_ctx;
	irqfd->vm = vm;
	irqfd->eventfd = eventfd;
	irqfd->resamplefd = resamplefd;
	irqfd->gsi = args->gsi;
	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_queue_proc);

	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry(other, &vm->irqfds, link) {
		if (other->eventfd == eventfd) {
			spin_unlock_irq(&vm->irqfd_lock);
			kfree(irqfd);
			ret = -EBUSY;
			goto out_ctx;
		}
	}
	list_add_tail_rcu(&irqfd->link, &vm->irqfds);
	spin_unlock_irq(&vm->irqfd_lock);

	/* Signalled before it was assigned: deliver that one too. */
	events = vfs_poll(f.file, &irqfd->pt);
	if (events & EPOLLIN)
		irqfd_inject(irqfd);
	fdput(f);
	return 0;

out_ctx:
	if (resamplefd)
		eventfd_ctx_put(resamplefd);
	eventfd_ctx_put(eventfd);
out_fd:
	fdput(f);
	return ret;
}

/*
 * Takes the first irqfd matching @eventfd and @gsi (any, for NULL) off the
 * list, or returns NULL. One at a time, marked detached, so that a
 * concurrent EPOLLHUP sees it gone and leaves it to the caller.
 */
static struct irqfd *irqfd_detach(struct kvm32_vm *vm, struct eventfd_ctx *eventfd, u32 gsi)
{
	struct irqfd *irqfd, *found = NULL;

	spin_lock_irq(&vm->irqfd_lock);
	list_for_each_entry(irqfd, &vm->irqfds, link) {
		if (!eventfd || (irqfd->eventfd == eventfd && irqfd->gsi == gsi)) {
			irqfd_unlink(irqfd);
			found = irqfd;
			break;
		}
	}
	spin_unlock_irq(&vm->irqfd_lock);
	return found;
}

static int irqfd_deassign(struct kvm32_vm *vm, const struct kvm_irqfd *args)
{
	struct eventfd_ctx *eventfd = eventfd_ctx_fdget(args->fd);
	struct irqfd *irqfd;

	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	while ((irqfd = irqfd_detach(vm, eventfd, args->gsi)))
		irqfd_shutdown(irqfd, true);
	eventfd_ctx_put(eventfd);
	return 0;	/* as KVM: deassigning nothing is not an error */
}

int kvm32_irqfd(struct kvm32_vm *vm, const struct kvm_irqfd *args)
{
	if (args->flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args->flags & KVM_IRQFD_FLAG_DEASSIGN)
		return irqfd_deassign(vm, args);
	return irqfd_assign(vm, args);
}

void kvm32_irqfd_resample(struct kvm32_vm *vm, u32 gsi)
{
	struct irqfd *irqfd;
	bool lowered = false;

	/* RCU, not irqfd_lock: signalling takes wait-queue locks (see the top). */
	rcu_read_lock();
	list_for_each_entry_rcu(irqfd, &vm->irqfds, link) {
		if (!irqfd->resamplefd || irqfd->gsi != gsi)
			continue;
		if (!lowered)
			kvm32_vgic_set_line(vm, 0, gsi + VGIC_NR_PRIVATE, false);
		lowered = true;
		eventfd_signal(irqfd->resamplefd, 1);
	}
	rcu_read_unlock();
}

static u32 ioeventfd_bus(u32 flags)
{
	if (flags & KVM_IOEVENTFD_FLAG_PIO)
		return IOEVENTFD_BUS_PIO;
	if (flags & KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return IOEVENTFD_BUS_CCW;
	return IOEVENTFD_BUS_MMIO;
}

/* KVM's collision rule: same bus and address, lengths that can both match, same data. */
static bool ioeventfd_collides(const struct ioeventfd *p, const struct ioeventfd *q)
{
	return p->bus == q->bus && p->addr == q->addr &&
	       (!p->len || !q->len || p->len == q->len) &&
	       (p->wildcard || q->wildcard || p->datamatch == q->datamatch);
}

static int ioeventfd_assign(struct kvm32_vm *vm, const struct kvm_ioeventfd *args)
{
	struct ioeventfd *p, *other;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		eventfd_ctx_put(eventfd);
		return -ENOMEM;
	}
	p->eventfd = eventfd;
	p->addr = args->addr;
	p->len = args->len;
	p->bus = ioeventfd_bus(args->flags);
	p->wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	p->datamatch = p->wildcard ? 0 : args->datamatch;

	spin_lock(&vm->ioeventfd_lock);
	list_for_each_entry(other, &vm->ioeventfds, link) {
		if (ioeventfd_collides(p, other)) {
			spin_unlock(&vm->ioeventfd_lock);
			eventfd_ctx_put(eventfd);
			kfree(p);
			return -EEXIST;
		}
	}
	list_add_tail(&p->link, &vm->ioeventfds);
	spin_unlock(&vm->ioeventfd_lock);
	return 0;
}

static int ioeventfd_deassign(struct kvm32_vm *vm, const struct kvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	u32 bus = ioeventfd_bus(args->flags);
	struct ioeventfd *p, *found = NULL;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	spin_lock(&vm->ioeventfd_lock);
	list_for_each_entry(p, &vm->ioeventfds, link) {
		if (p->eventfd == eventfd && p->bus == bus && p->addr == args->addr &&
		    p->len == args->len && p->wildcard == wildcard &&
		    (wildcard || p->datamatch == args->datamatch)) {
			list_del(&p->link);
			found = p;
			break;
		}
	}
	spin_unlock(&vm->ioeventfd_lock);
	eventfd_ctx_put(eventfd);
	if (!found)
		return -ENOENT;
	eventfd_ctx_put(found->eventfd);
	kfree(found);
	return 0;
}

int kvm32_ioeventfd(struct kvm32_vm *vm, const struct kvm_ioeventfd *args)
{
	/*
	 * As KVM's kvm_ioeventfd(): deassign only looks for an exact match
	 * (-ENOENT for arguments that could never have been assigned); the
	 * checks below, in KVM's order, are assign's.
	 */
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)
		return ioeventfd_deassign(vm, args);
	switch (args->len) {
	case 0:
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (args->flags & ~IOEVENTFD_VALID_FLAGS)
		return -EINVAL;
	if (!args->len && (args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;
	return ioeventfd_assign(vm, args);
}

bool kvm32_ioeventfd_write(struct kvm32_vm *vm, u64 addr, unsigned int len, u64 val)
{
	struct ioeventfd *p;
	bool hit = false;

	if (list_empty(&vm->ioeventfds))
		return false;
	spin_lock(&vm->ioeventfd_lock);
	list_for_each_entry(p, &vm->ioeventfds, link) {
		if (p->bus != IOEVENTFD_BUS_MMIO || p->addr != addr)
			continue;
		if (p->len && (p->len != len || (!p->wildcard && p->datamatch != val)))
			continue;
		eventfd_signal(p->eventfd, 1);
		hit = true;
		break;
	}
	spin_unlock(&vm->ioeventfd_lock);
	return hit;
}

void kvm32_irqfd_vm_destroy(struct kvm32_vm *vm)
{
	struct ioeventfd *p, *next;
	struct irqfd *irqfd;

	while ((irqfd = irqfd_detach(vm, NULL, 0)))
		irqfd_shutdown(irqfd, false);
	list_for_each_entry_safe(p, next, &vm->ioeventfds, link) {
		eventfd_ctx_put(p->eventfd);
		kfree(p);
	}
	INIT_LIST_HEAD(&vm->ioeventfds);
}
