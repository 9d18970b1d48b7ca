// SPDX-License-Identifier: GPL-2.0
/*
 * The guest half of the libvmm example: drives the mailbox device that
 * custom_device.c adds (register map in ../mailbox.h).
 *
 * It checks the device's ID, writes a few values and checks each answer,
 * then rings the doorbell and waits for the device's interrupt. The IRQ
 * exception stays masked (CPSR.I): the payload polls GICC_IAR, which
 * acknowledges the highest-priority pending interrupt whether or not the
 * CPU would take it. It clears the cause at the device (IRQ_ACK: the line
 * is level-sensitive), ends the interrupt (GICC_EOIR), checks that it does
 * not come back, writes its verdict to RESULT and powers off.
 */
#include "bare.h"
#include "../mailbox.h"

/* GICv2 registers (IHI 0048B), the few used here. */
#define GICD_CTLR		0x000
#define GICD_ISENABLER(n)	(0x100 + 4 * (n))
#define GICD_IPRIORITYR(n)	(0x400 + 4 * (n))
#define GICD_ITARGETSR(n)	(0x800 + 4 * (n))
#define GICD_ICFGR(n)		(0xc00 + 4 * (n))
#define GICC_CTLR		0x000
#define GICC_PMR		0x004
#define GICC_IAR		0x00c
#define GICC_EOIR		0x010
#define GIC_SPURIOUS		1023

#define MAILBOX_INTID		(32 + MAILBOX_SPI)
#define IRQ_TIMEOUT_MS		2000

static uint32_t mb_read(uint32_t reg)
{
	return mmio_read32(MAILBOX_BASE + reg);
}

static void mb_write(uint32_t reg, uint32_t v)
{
	mmio_write32(MAILBOX_BASE + reg, v);
}

/* Sets the byte of @intid in a register file with one byte per interrupt. */
static void gicd_set_byte(uint32_t reg0, unsigned int intid, uint8_t v)
{
	uint32_t addr = BOARD_GICD + reg0 + 4 * (intid / 4), shift = 8 * (intid % 4);
	uint32_t word = mmio_read32(addr);

	/* Word accesses: byte access to these registers is optional for a GIC model. */
	mmio_write32(addr, (word & ~(0xffu << shift)) | (uint32_t)v << shift);
}

/* The mailbox's SPI: level-sensitive, to CPU 0, priority above the mask, enabled. */
static void gic_init(void)
{
	uint32_t icfgr = BOARD_GICD + GICD_ICFGR(MAILBOX_INTID / 16);

	mmio_write32(icfgr, mmio_read32(icfgr) & ~(2u << 2 * (MAILBOX_INTID % 16)));
	gicd_set_byte(GICD_IPRIORITYR(0), MAILBOX_INTID, 0xa0);
	gicd_set_byte(GICD_ITARGETSR(0), MAILBOX_INTID, 0x01);
	mmio_write32(BOARD_GICD + GICD_ISENABLER(MAILBOX_INTID / 32), 1u << MAILBOX_INTID % 32);
	mmio_write32(BOARD_GICD + GICD_CTLR, 1);
	mmio_write32(BOARD_GICC + GICC_PMR, 0xf0);
	mmio_write32(BOARD_GICC + GICC_CTLR, 1);
}

/* Polls GICC_IAR until an interrupt other than a spurious one comes, or @ms pass. */
static uint32_t wait_for_interrupt(uint32_t ms)
{
	uint64_t deadline = bare_deadline_ms(ms);

	do {
		uint32_t iar = mmio_read32(BOARD_GICC + GICC_IAR);

		if ((iar & 0x3ff) != GIC_SPURIOUS)
			return iar;
	} while (!bare_expired(deadline));
	return GIC_SPURIOUS;
}

static const uint32_t values[] = { 7, 12345, 0xfffffffeu };

int main(void)
{
	unsigned int i, step = 0, good = 0;
	uint32_t id, iar;

	bare_mmu_enable();
	bare_printf("mailbox: hello from the guest\n");

	step++;
	id = mb_read(MAILBOX_ID);
	if (id != MAILBOX_MAGIC) {
		bare_printf("mailbox: no mailbox at %x (ID %x)\n", MAILBOX_BASE, id);
		goto bad;
	}

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint32_t answer;

		step++;
		mb_write(MAILBOX_VALUE, values[i]);
		answer = mb_read(MAILBOX_ANSWER);
		bare_printf("mailbox: sent %u, device answered %u\n", values[i], answer);
		if (answer != mailbox_answer(values[i])) {
			bare_printf("mailbox: wrong answer, expected %u\n",
				    mailbox_answer(values[i]));
			goto bad;
		}
		good++;
	}

	step++;
	gic_init();
	mb_write(MAILBOX_DOORBELL, 1);
	iar = wait_for_interrupt(IRQ_TIMEOUT_MS);
	if ((iar & 0x3ff) != MAILBOX_INTID) {
		bare_printf("mailbox: no interrupt %u after the doorbell (IAR %x)\n", MAILBOX_INTID,
			    iar);
		goto bad;
	}
	bare_printf("mailbox: took interrupt %u\n", iar & 0x3ff);
	/* Level-sensitive: clear the cause before ending the interrupt. */
	mb_write(MAILBOX_IRQ_ACK, 1);
	mmio_write32(BOARD_GICC + GICC_EOIR, iar);

	step++;
	iar = wait_for_interrupt(100);
	if ((iar & 0x3ff) != GIC_SPURIOUS) {
		bare_printf("mailbox: interrupt %u came back after IRQ_ACK\n", iar & 0x3ff);
		mmio_write32(BOARD_GICC + GICC_EOIR, iar);
		goto bad;
	}

	mb_write(MAILBOX_RESULT, MAILBOX_RESULT_OK | good);
	bare_printf("mailbox: %u answers checked, interrupt handled; powering off\n", good);
	return 0;
bad:
	mb_write(MAILBOX_RESULT, MAILBOX_RESULT_BAD | step);
	bare_printf("mailbox: FAILED at step %u; powering off\n", step);
	return 1;
}
