// SPDX-License-Identifier: GPL-2.0
/*
 * Device interrupt lines into the in-kernel vGIC. A level line is
 * KVM_IRQ_LINE with its level. An edge line (virtio-mmio) is pulsed by
 * writing an irqfd: the kernel raises the SPI without this thread making an
 * ioctl, and from any thread (the event loop's included) without a lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vm.h"

int vmm_irq_spi_level(struct vmm *vm, unsigned int spi, bool level)
{
	struct kvm_irq_level line = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = level,
	};

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &line) ? -errno : 0;
}

static void set_level(struct irq_line *line, bool level)
{
	vmm_irq_spi_level(line->ctx, line->spi, level);
}

static void pulse(struct irq_line *line)
{
	uint64_t one = 1;

	if (line->irqfd >= 0 && write(line->irqfd, &one, sizeof(one)) == sizeof(one))
		return;
	vmm_irq_spi_level(line->ctx, line->spi, true);
	vmm_irq_spi_level(line->ctx, line->spi, false);
}

static const struct irq_line_ops kvm_line_ops = {
	.set_level = set_level,
	.pulse = pulse,
};

int vmm_irq_init(struct vmm *vm, struct irq_line *line, unsigned int spi, bool edge)
{
	struct kvm_irqfd irqfd = { .gsi = spi };
	int fd;

	line->ops = &kvm_line_ops;
	line->ctx = vm;
	line->spi = spi;
	line->irqfd = -1;
	if (!edge)
		return 0;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	irqfd.fd = fd;
	/* Without irqfd support pulse() falls back to KVM_IRQ_LINE. */
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd)) {
		close(fd);
		return 0;
	}
	line->irqfd = fd;
	return 0;
}

void vmm_irq_release(struct irq_line *line)
{
	if (line->ops && line->irqfd >= 0)
		close(line->irqfd);
	line->irqfd = -1;
	line->ops = NULL;
}
