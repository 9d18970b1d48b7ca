/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ARM PrimeCell (AMBA APB) device models share: the 4 KiB register
 * window, the identification registers at its top, and how accesses of
 * other sizes than 32 bits meet 32-bit registers.
 *
 * Access sizes. An APB register is one 32-bit word, but Linux's amba-pl011
 * driver uses 16-bit accesses (readw/writew) and its earlycon 8-bit writes to
 * DR, so 8- and 16-bit accesses are honoured too:
 *   - a read of 1, 2 or 4 bytes at an offset aligned to its size returns
 *     those bytes of the register word holding it;
 *   - a write of 1, 2 or 4 bytes at the start of a word writes the value,
 *     zero-extended, to the register (APB has no byte strobes);
 *   - anything else (misaligned, 8 bytes, a write into the middle of a
 *     word) reads as zero and writes nothing.
 */
#ifndef VMM_DEVICES_AMBA_H
#define VMM_DEVICES_AMBA_H

#include <stdbool.h>
#include <stdint.h>

#define AMBA_WINDOW_SIZE	0x1000u
#define AMBA_PERIPHID0		0xfe0u	/* PeriphID0..3, then PCellID0..3: one byte a word */
#define AMBA_PCELLID0		0xff0u

static inline bool amba_read_ok(uint64_t offset, uint32_t len)
{
	return (len == 1 || len == 2 || len == 4) && offset % len == 0 &&
	       offset < AMBA_WINDOW_SIZE;
}

static inline bool amba_write_ok(uint64_t offset, uint32_t len)
{
	return (len == 1 || len == 2 || len == 4) && offset % 4 == 0 &&
	       offset < AMBA_WINDOW_SIZE;
}

/* Hands the guest the bytes [offset % 4, + len) of the register word `word`. */
static inline void amba_put_read(uint8_t *data, uint32_t len, uint64_t offset, uint32_t word)
{
	uint32_t i;

	word >>= (offset % 4) * 8;
	for (i = 0; i < len; i++, word >>= 8)
		data[i] = word;
}

/* The value of a write amba_write_ok() accepted, zero-extended to 32 bits. */
static inline uint32_t amba_get_write(const uint8_t *data, uint32_t len)
{
	uint32_t val = 0, i;

	for (i = 0; i < len; i++)
		val |= (uint32_t)data[i] << (8 * i);
	return val;
}

/*
 * The identification registers (PrimeCell TRMs, "Peripheral and PrimeCell
 * identification registers"): the device's PeriphID0..3, then PCellID0..3,
 * 0xb105f00d a byte per register, the same for every PrimeCell. Returns
 * false when word_offset is not one of them.
 */
static inline bool amba_id_read(const uint8_t periph_id[4], uint64_t word_offset, uint32_t *val)
{
	static const uint8_t pcell_id[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

	if (word_offset < AMBA_PERIPHID0 || word_offset >= AMBA_WINDOW_SIZE)
		return false;
	if (word_offset < AMBA_PCELLID0)
		*val = periph_id[(word_offset - AMBA_PERIPHID0) / 4];
	else
		*val = pcell_id[(word_offset - AMBA_PCELLID0) / 4];
	return true;
}

#endif /* VMM_DEVICES_AMBA_H */
