/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Putting a guest kernel, its initrd and room for its device tree into guest
 * RAM the way the 32-bit ARM boot protocol wants them
 * (Documentation/arch/arm/booting.rst): what the VMM does in place of a boot
 * loader.
 *
 * Three kinds of kernel image:
 *   zImage  a self-decompressing Linux kernel (magic 0x016f2818 at 0x24):
 *           copied whole to RAM base + 32 KiB and entered there.
 *   ELF     a 32-bit little-endian ARM executable: each PT_LOAD segment is
 *           copied to its physical address (p_paddr), its bss zeroed, and the
 *           vCPU enters at e_entry (a virtual e_entry is translated through
 *           the segment holding it, so a vmlinux works too).
 *   raw     anything else, e.g. an uncompressed Image or a bare-metal test
 *           payload: copied to RAM base + 32 KiB and entered at its first byte.
 *
 * The initrd and then the device tree go above the area the kernel may still
 * grow into (for a zImage, four times its size from its load address: room
 * to decompress and relocate), at RAM base + 128 MiB when that fits, else as
 * high as they fit; always inside the first 512 MiB of RAM (lowmem of a
 * 3G/1G-split guest, where the kernel must find both early in boot).
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

#define LOADER_KERNEL_OFFSET	0x8000u			/* zImage and raw: RAM base + 32 KiB */
#define LOADER_DTB_MAX		(64u * 1024)		/* bytes kept for the device tree */

enum image_kind { IMAGE_ZIMAGE, IMAGE_ELF, IMAGE_RAW };

struct boot_layout {
	enum image_kind kind;
	uint64_t entry;			/* where vCPU 0 starts (PC), in ARM state */
	uint64_t kernel_gpa;		/* lowest byte loaded */
	uint64_t kernel_size;		/* bytes from kernel_gpa to the end of the last one */
	uint64_t initrd_gpa;		/* page aligned; 0 when there is no initrd */
	uint64_t initrd_size;
	uint64_t dtb_gpa;		/* r2; page aligned, after the initrd */
	uint64_t dtb_max;		/* LOADER_DTB_MAX bytes of RAM are free at dtb_gpa */
};

/*
 * Reads the whole file at @path into a malloc()ed buffer the caller frees.
 * Refuses a file larger than @max_size (-EFBIG). Returns 0, or -errno with a
 * message naming the path in @err.
 */
int loader_read_file(const char *path, size_t max_size, void **data, size_t *size, char *err,
		     size_t errlen);

/*
 * Recognises and validates the kernel image, plans where the initrd and the
 * device tree go, then copies the kernel and the initrd (@initrd_len 0: none)
 * into guest memory and fills @out; the caller writes the DTB (at most
 * out->dtb_max bytes) at out->dtb_gpa. Returns 0, -EINVAL for an empty or
 * malformed image or one that loads outside RAM, -EFBIG when the kernel,
 * initrd or device tree do not fit; then @err says why and guest memory is
 * left as it was.
 */
int loader_load(const struct guest_mem *mem, const void *kernel, size_t kernel_len,
		const void *initrd, size_t initrd_len, struct boot_layout *out, char *err,
		size_t errlen);

#endif /* VMM_LOADER_H */
