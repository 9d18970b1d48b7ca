/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest board's memory map and interrupt numbers: those of QEMU's 32-bit
 * `virt` machine (hw/arm/virt.c), so kernels, firmware and test payloads
 * built for that board run unmodified. SPI numbers are INTID - 32, as device
 * trees write them.
 */
#ifndef VMM_BOARD_H
#define VMM_BOARD_H

#define BOARD_GICD_BASE		0x08000000u
#define BOARD_GICD_SIZE		0x00010000u
#define BOARD_GICC_BASE		0x08010000u
#define BOARD_GICC_SIZE		0x00010000u	/* DT size; the vGIC maps 8 KiB of GICV */

#define BOARD_UART_BASE		0x09000000u	/* PL011 */
#define BOARD_UART_SIZE		0x00001000u
#define BOARD_UART_SPI		1
#define BOARD_RTC_BASE		0x09010000u	/* PL031 */
#define BOARD_RTC_SIZE		0x00001000u
#define BOARD_RTC_SPI		2

#define BOARD_VIRTIO_BASE	0x0a000000u	/* slot n at BASE + n * STRIDE */
#define BOARD_VIRTIO_STRIDE	0x00000200u
#define BOARD_VIRTIO_SLOTS	32
#define BOARD_VIRTIO_SPI0	16		/* slot n uses SPI 16 + n, edge-triggered */

#define BOARD_RAM_BASE		0x40000000ull
/* RAM may reach the end of the 32-bit space without an LPAE guest: 3 GiB. */
#define BOARD_RAM_MAX		0xc0000000ull

/* Architected timer PPIs (INTID - 16): secure phys, non-secure phys, virtual, hyp. */
#define BOARD_TIMER_PPI_SEC	13
#define BOARD_TIMER_PPI_PHYS	14
#define BOARD_TIMER_PPI_VIRT	11
#define BOARD_TIMER_PPI_HYP	10

#define BOARD_GIC_NR_IRQS	128	/* SPIs 0..95: all of the above fit */

#endif /* VMM_BOARD_H */
