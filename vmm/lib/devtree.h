/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's flattened device tree: the board of board.h described the way
 * QEMU's 32-bit `virt` machine describes itself (hw/arm/virt.c), so a kernel
 * configured for that machine finds every device without further help.
 */
#ifndef VMM_DEVTREE_H
#define VMM_DEVTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The GIC binding's CPU mask holds 8 bits, and a GICv2 serves 8 CPU interfaces. */
#define DEVTREE_MAX_CPUS	8

struct devtree_config {
	uint64_t ram_base, ram_size;		/* one bank; must not wrap */
	unsigned int nr_cpus;			/* 1..DEVTREE_MAX_CPUS */
	const char *bootargs;			/* kernel command line; NULL: none */
	uint64_t initrd_start, initrd_size;	/* size 0: no initrd; else inside RAM */
	bool uart;				/* PL011 at BOARD_UART_BASE */
	bool rtc;				/* PL031 at BOARD_RTC_BASE */
	uint32_t virtio_slots;			/* bit n: virtio-mmio transport in slot n */
	bool stdout_uart;			/* /chosen/stdout-path = the PL011 (needs uart) */
	/*
	 * The vCPUs were created without KVM_ARM_VCPU_PSCI_0_2, so they answer
	 * only KVM's PSCI 0.1 function numbers: describe those ("arm,psci").
	 * false (the usual case): "arm,psci-0.2" with the standard numbers.
	 */
	bool psci_0_1;
};

/*
 * Writes the DTB into buf. Returns its size (> 0), -ENOSPC when bufsize is too
 * small, or -EINVAL for a bad configuration (no or too many CPUs, empty or
 * wrapping RAM, an initrd outside RAM, stdout_uart without a uart).
 */
int devtree_build(const struct devtree_config *cfg, void *buf, size_t bufsize);

#endif /* VMM_DEVTREE_H */
