/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interrupt line from a device model to the guest's interrupt controller.
 *
 * Device models know only their line; the VM core decides how a change
 * reaches the vGIC (KVM_IRQ_LINE, or an irqfd write for an edge), and unit
 * tests plug in a recorder.
 */
#ifndef VMM_IRQ_H
#define VMM_IRQ_H

#include <stdbool.h>
#include <stdint.h>

struct irq_line;

struct irq_line_ops {
	/* Level-triggered lines: the device's output is now `level`. */
	void (*set_level)(struct irq_line *line, bool level);
	/* Edge-triggered lines: one rising edge (the interrupt becomes pending). */
	void (*pulse)(struct irq_line *line);
};

struct irq_line {
	const struct irq_line_ops *ops;
	void *ctx;		/* the backend's own data */
	uint32_t spi;		/* SPI number (INTID - 32), as the device tree names it */
	int irqfd;		/* an eventfd bound with KVM_IRQFD, or -1 */
};

static inline void irq_line_set(struct irq_line *line, bool level)
{
	if (line && line->ops)
		line->ops->set_level(line, level);
}

static inline void irq_line_pulse(struct irq_line *line)
{
	if (line && line->ops)
		line->ops->pulse(line);
}

#endif /* VMM_IRQ_H */
