/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "mailbox": the made-up device of the libvmm example (custom_device.c)
 * and the guest that drives it (payloads/mailbox.c). Both sides include this
 * file, so the register map is written down once.
 *
 * A window of 4 KiB at MAILBOX_BASE, 32-bit registers (other access sizes
 * read as zero and are ignored, as on many simple devices):
 *
 *   ID        R   MAILBOX_MAGIC: the guest checks it found the device
 *   VALUE     RW  the guest writes a value; reads back the last one
 *   ANSWER    R   the device's answer to VALUE: mailbox_answer(VALUE)
 *   DOORBELL  W   any value: the device raises its interrupt (level high)
 *   IRQ_ACK   W   any value: the device lowers it again
 *   RESULT    W   the guest's verdict at the end: MAILBOX_RESULT_OK plus
 *                 the number of answers it checked, or MAILBOX_RESULT_BAD
 *                 plus the number of the first wrong step
 *
 * The interrupt is SPI MAILBOX_SPI (INTID 32 + MAILBOX_SPI), level-sensitive:
 * it stays pending until the guest writes IRQ_ACK, so the guest acknowledges
 * the device before it writes GICC_EOIR, as with any level interrupt.
 */
#ifndef VMM_EXAMPLE_MAILBOX_H
#define VMM_EXAMPLE_MAILBOX_H

#include <stdint.h>

/* Free on the virt board: between the virtio-mmio slots and the platform bus. */
#define MAILBOX_BASE		0x0b000000u
#define MAILBOX_SIZE		0x1000u
#define MAILBOX_SPI		10		/* INTID 42; SPIs 1, 2 and 16-47 are taken */

#define MAILBOX_ID		0x00
#define MAILBOX_VALUE		0x04
#define MAILBOX_ANSWER		0x08
#define MAILBOX_DOORBELL	0x0c
#define MAILBOX_IRQ_ACK		0x10
#define MAILBOX_RESULT		0x14

#define MAILBOX_MAGIC		0x584f424du	/* "MBOX" in little-endian bytes */
#define MAILBOX_RESULT_OK	0x600d0000u
#define MAILBOX_RESULT_BAD	0xbad00000u
#define MAILBOX_RESULT_MASK	0xffff0000u

/*
 * What the device answers: the square of the value plus one, modulo 2^32.
 * The "plus one" makes the answer to 0 non-zero, so a guest talking to an
 * address where nothing answers (reads as zero) cannot pass by accident.
 */
static inline uint32_t mailbox_answer(uint32_t value)
{
	return value * value + 1;
}

#endif /* VMM_EXAMPLE_MAILBOX_H */
