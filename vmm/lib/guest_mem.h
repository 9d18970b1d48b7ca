/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM as the VMM sees it: one contiguous region of guest-physical
 * addresses backed by one host mapping.
 *
 * Every address a guest hands the VMM (a virtio descriptor, a DMA target) is
 * untrusted: device models reach guest memory only through guest_mem_ptr(),
 * which refuses any range that is not wholly inside RAM.
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdint.h>

struct guest_mem {
	uint64_t gpa;	/* guest-physical address of the first byte */
	uint64_t size;	/* bytes */
	uint8_t *host;	/* where that first byte is mapped in the VMM */
};

/*
 * The host address of [gpa, gpa + len), or NULL when any byte of it lies
 * outside guest RAM (including when gpa + len overflows). len 0 is refused.
 */
static inline void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (len == 0 || gpa < mem->gpa)
		return 0;
	if (gpa - mem->gpa > mem->size || len > mem->size - (gpa - mem->gpa))
		return 0;
	return mem->host + (gpa - mem->gpa);
}

#endif /* VMM_GUEST_MEM_H */
