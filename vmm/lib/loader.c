// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel, initrd and device-tree placement of loader.h. Everything is
 * validated and planned before the first byte is copied, so a refused image
 * leaves guest memory untouched. Images come from the user, not the guest,
 * but a malformed one must still end in a message, never in a wild copy:
 * every offset and size read from an image is range-checked in 64 bits.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

#define SZ_4K			0x1000ull
#define SZ_1M			0x100000ull

/*
 * zImage header (arch/arm/boot/compressed/head.S): the magic and the
 * start/end words are always little-endian; the endianness flag is written
 * in the kernel's own byte order, so a big-endian kernel reads back swapped.
 */
#define ZIMAGE_MAGIC_OFF	0x24
#define ZIMAGE_START_OFF	0x28
#define ZIMAGE_END_OFF		0x2c
#define ZIMAGE_ENDIAN_OFF	0x30
#define ZIMAGE_MAGIC		0x016f2818u
#define ZIMAGE_ENDIAN_BE	0x01020304u	/* 0x04030201 stored big-endian */
/*
 * A zImage decompresses to RAM base + 32 KiB, relocating itself above the
 * result first if they would overlap: about three times its size in all.
 * Four times, from the load address, is kept clear of the initrd and DTB.
 */
#define ZIMAGE_FOOTPRINT	4

/*
 * booting.rst: "a safe location is just above the 128MiB boundary from start
 * of RAM" for the initrd and DTB: clear of the decompressor, and inside the
 * lowmem mapping, which for a 3G/1G split guest ends before 768 MiB of RAM;
 * 512 MiB leaves the vmalloc area its room.
 */
#define BOOT_DATA_OFFSET	(128 * SZ_1M)
#define LOWMEM_SIZE		(512 * SZ_1M)
#define BOOT_DATA_ALIGN		SZ_4K

/* Where the kernel's bytes go, and the RAM it may still claim above them. */
struct kernel_plan {
	enum image_kind kind;
	uint64_t entry;
	uint64_t low, high;		/* [low, high): bytes copied or zeroed */
	uint64_t reserved_end;		/* nothing else below this, above low */
};

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static uint64_t ram_end(const struct guest_mem *mem)
{
	return mem->gpa + mem->size;
}

static bool in_ram(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	return guest_mem_ptr(mem, gpa, len) != NULL;
}

/* "0x40000000-0x47ffffff": RAM as an inclusive range, for messages. */
#define RAM_FMT "guest RAM 0x%" PRIx64 "-0x%" PRIx64
#define RAM_ARGS(mem) (mem)->gpa, ram_end(mem) - 1

static bool is_zimage(const uint8_t *img, size_t len)
{
	return len >= ZIMAGE_END_OFF + 4 && le32(img + ZIMAGE_MAGIC_OFF) == ZIMAGE_MAGIC;
}

static bool is_elf(const uint8_t *img, size_t len)
{
	return len >= SELFMAG && memcmp(img, ELFMAG, SELFMAG) == 0;
}

/* zImage and raw images: one blob at RAM base + 32 KiB, entered at its start. */
static int plan_blob(const struct guest_mem *mem, size_t len, uint64_t footprint,
		     struct kernel_plan *plan, char *err, size_t errlen)
{
	uint64_t load = mem->gpa + LOADER_KERNEL_OFFSET;

	if (!in_ram(mem, load, len))
		return fail(err, errlen, -EFBIG,
			    "kernel: %zu bytes at 0x%" PRIx64 " do not fit in " RAM_FMT,
			    len, load, RAM_ARGS(mem));
	plan->entry = load;
	plan->low = load;
	plan->high = load + len;
	plan->reserved_end = load + footprint;
	return 0;
}

static int plan_zimage(const struct guest_mem *mem, const uint8_t *img, size_t len,
		       struct kernel_plan *plan, char *err, size_t errlen)
{
	uint32_t start = le32(img + ZIMAGE_START_OFF), end = le32(img + ZIMAGE_END_OFF);

	if (len >= ZIMAGE_ENDIAN_OFF + 4 && le32(img + ZIMAGE_ENDIAN_OFF) == ZIMAGE_ENDIAN_BE)
		return fail(err, errlen, -EINVAL,
			    "kernel: big-endian zImage; guests boot little-endian");
	if (end <= start)
		return fail(err, errlen, -EINVAL,
			    "kernel: corrupt zImage header: end 0x%x is not above start 0x%x",
			    end, start);
	if (end - start > len)
		return fail(err, errlen, -EINVAL,
			    "kernel: truncated zImage: its header says %u bytes, the file has %zu",
			    end - start, len);
	/* The whole file goes in: an appended DTB or initrd travels with it. */
	plan->kind = IMAGE_ZIMAGE;
	return plan_blob(mem, len, (uint64_t)len * ZIMAGE_FOOTPRINT, plan, err, errlen);
}

struct elf_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz;
};

static void read_phdr(const uint8_t *img, uint32_t phoff, uint16_t phentsize, unsigned int i,
		      struct elf_phdr *ph)
{
	const uint8_t *p = img + phoff + (size_t)i * phentsize;

	ph->type = le32(p + offsetof(Elf32_Phdr, p_type));
	ph->offset = le32(p + offsetof(Elf32_Phdr, p_offset));
	ph->vaddr = le32(p + offsetof(Elf32_Phdr, p_vaddr));
	ph->paddr = le32(p + offsetof(Elf32_Phdr, p_paddr));
	ph->filesz = le32(p + offsetof(Elf32_Phdr, p_filesz));
	ph->memsz = le32(p + offsetof(Elf32_Phdr, p_memsz));
}

/* A segment that puts bytes into RAM; PT_LOAD with nothing in it is ignored. */
static bool loads(const struct elf_phdr *ph)
{
	return ph->type == PT_LOAD && ph->memsz != 0;
}

static int check_elf_header(const uint8_t *img, size_t len, char *err, size_t errlen)
{
	uint16_t type, machine, phentsize, phnum;
	uint32_t phoff;

	if (len < sizeof(Elf32_Ehdr))
		return fail(err, errlen, -EINVAL,
			    "kernel: truncated ELF header (%zu of %zu bytes)", len,
			    sizeof(Elf32_Ehdr));
	if (img[EI_CLASS] != ELFCLASS32)
		return fail(err, errlen, -EINVAL, "kernel: not a 32-bit ELF (class %u)",
			    img[EI_CLASS]);
	if (img[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, -EINVAL,
			    "kernel: not a little-endian ELF; guests boot little-endian");

	type = le16(img + offsetof(Elf32_Ehdr, e_type));
	machine = le16(img + offsetof(Elf32_Ehdr, e_machine));
	phoff = le32(img + offsetof(Elf32_Ehdr, e_phoff));
	phentsize = le16(img + offsetof(Elf32_Ehdr, e_phentsize));
	phnum = le16(img + offsetof(Elf32_Ehdr, e_phnum));

	if (machine != EM_ARM)
		return fail(err, errlen, -EINVAL, "kernel: ELF for machine %u, not ARM (%u)",
			    machine, EM_ARM);
	if (type != ET_EXEC)
		return fail(err, errlen, -EINVAL,
			    "kernel: ELF type %u is not an executable (ET_EXEC)", type);
	if (phnum == 0 || phnum == PN_XNUM)
		return fail(err, errlen, -EINVAL, "kernel: ELF has %s program headers",
			    phnum ? "extended-numbered (PN_XNUM)" : "no");
	if (phentsize < sizeof(Elf32_Phdr))
		return fail(err, errlen, -EINVAL,
			    "kernel: ELF program header size %u, less than %zu", phentsize,
			    sizeof(Elf32_Phdr));
	if ((uint64_t)phoff + (uint64_t)phnum * phentsize > len)
		return fail(err, errlen, -EINVAL,
			    "kernel: truncated ELF: %u program headers at offset 0x%x "
			    "run past the end of the %zu-byte file",
			    phnum, phoff, len);
	return 0;
}

/*
 * e_entry is a virtual address (AAELF); vmlinux links at 0xc0008000 and loads
 * at its p_paddr, so translate through the segment whose virtual range holds
 * it; an entry already physical is taken as it is.
 */
static bool translate_entry(const struct elf_phdr *ph, uint32_t e_entry, uint64_t *entry)
{
	if (!loads(ph))
		return false;
	if (e_entry >= ph->vaddr && e_entry - ph->vaddr < ph->filesz) {
		*entry = (uint64_t)ph->paddr + (e_entry - ph->vaddr);
		return true;
	}
	return false;
}

static bool physical_entry(const struct elf_phdr *ph, uint32_t e_entry)
{
	return loads(ph) && e_entry >= ph->paddr && e_entry - ph->paddr < ph->filesz;
}

static int plan_elf(const struct guest_mem *mem, const uint8_t *img, size_t len,
		    struct kernel_plan *plan, char *err, size_t errlen)
{
	uint32_t phoff, e_entry;
	uint16_t phentsize, phnum;
	struct elf_phdr ph;
	bool entry_found = false, any = false;
	unsigned int i;
	int ret;

	ret = check_elf_header(img, len, err, errlen);
	if (ret)
		return ret;
	phoff = le32(img + offsetof(Elf32_Ehdr, e_phoff));
	phentsize = le16(img + offsetof(Elf32_Ehdr, e_phentsize));
	phnum = le16(img + offsetof(Elf32_Ehdr, e_phnum));
	e_entry = le32(img + offsetof(Elf32_Ehdr, e_entry));

	plan->kind = IMAGE_ELF;
	plan->low = UINT64_MAX;
	plan->high = 0;
	for (i = 0; i < phnum; i++) {
		read_phdr(img, phoff, phentsize, i, &ph);
		if (!loads(&ph))
			continue;
		if (ph.filesz > ph.memsz)
			return fail(err, errlen, -EINVAL,
				    "kernel: ELF segment %u has more file bytes (%u) "
				    "than memory bytes (%u)",
				    i, ph.filesz, ph.memsz);
		if ((uint64_t)ph.offset + ph.filesz > len)
			return fail(err, errlen, -EINVAL,
				    "kernel: truncated ELF: segment %u needs bytes 0x%x-0x%" PRIx64
				    " of a %zu-byte file",
				    i, ph.offset, (uint64_t)ph.offset + ph.filesz - 1, len);
		if (!in_ram(mem, ph.paddr, ph.memsz))
			return fail(err, errlen, -EINVAL,
				    "kernel: ELF segment %u at 0x%x-0x%" PRIx64
				    " is outside " RAM_FMT,
				    i, ph.paddr, (uint64_t)ph.paddr + ph.memsz - 1, RAM_ARGS(mem));
		any = true;
		if (ph.paddr < plan->low)
			plan->low = ph.paddr;
		if ((uint64_t)ph.paddr + ph.memsz > plan->high)
			plan->high = (uint64_t)ph.paddr + ph.memsz;
		if (!entry_found)
			entry_found = translate_entry(&ph, e_entry, &plan->entry);
	}
	if (!any)
		return fail(err, errlen, -EINVAL, "kernel: ELF has no loadable segment");
	for (i = 0; i < phnum && !entry_found; i++) {
		read_phdr(img, phoff, phentsize, i, &ph);
		if (physical_entry(&ph, e_entry)) {
			plan->entry = e_entry;
			entry_found = true;
		}
	}
	if (!entry_found)
		return fail(err, errlen, -EINVAL,
			    "kernel: ELF entry point 0x%x is not inside a loaded segment", e_entry);
	/* booting.rst: the kernel is entered in ARM state, at an instruction. */
	if (plan->entry & 3)
		return fail(err, errlen, -EINVAL,
			    "kernel: ELF entry point 0x%x is %s; the kernel is entered in "
			    "ARM state",
			    e_entry, e_entry & 1 ? "a Thumb address" : "not 4-byte aligned");
	plan->reserved_end = plan->high;
	return 0;
}

static int plan_kernel(const struct guest_mem *mem, const uint8_t *img, size_t len,
		       struct kernel_plan *plan, char *err, size_t errlen)
{
	if (len == 0)
		return fail(err, errlen, -EINVAL, "kernel: the image is empty");
	if (is_elf(img, len))
		return plan_elf(mem, img, len, plan, err, errlen);
	if (is_zimage(img, len))
		return plan_zimage(mem, img, len, plan, err, errlen);
	plan->kind = IMAGE_RAW;
	return plan_blob(mem, len, len, plan, err, errlen);
}

/* Whether the boot data block fits at @start: above the kernel's area, below @limit. */
static bool boot_data_fits(uint64_t start, uint64_t need, uint64_t limit,
			   const struct kernel_plan *plan)
{
	return start >= plan->reserved_end && start <= limit && need <= limit - start;
}

/*
 * The initrd (page aligned) and then LOADER_DTB_MAX bytes for the DTB, as one
 * block: at RAM base + 128 MiB when that is above everything the kernel
 * reserved and inside lowmem; otherwise as high in lowmem as it goes, which
 * leaves the kernel the most room; failing both, it does not fit.
 */
static int place_boot_data(const struct guest_mem *mem, const struct kernel_plan *plan,
			   size_t initrd_len, struct boot_layout *out, char *err, size_t errlen)
{
	uint64_t initrd_room = align_up(initrd_len, BOOT_DATA_ALIGN);
	uint64_t need = initrd_room + LOADER_DTB_MAX;
	uint64_t limit = mem->size > LOWMEM_SIZE ? mem->gpa + LOWMEM_SIZE : ram_end(mem);
	uint64_t start = mem->gpa + BOOT_DATA_OFFSET;

	if (!boot_data_fits(start, need, limit, plan) && need <= limit - mem->gpa)
		start = (limit - need) & ~(BOOT_DATA_ALIGN - 1);
	if (!boot_data_fits(start, need, limit, plan)) {
		if (initrd_len)
			return fail(err, errlen, -EFBIG,
				    "initrd (%zu bytes) does not fit in " RAM_FMT
				    ": it and %u bytes for the device tree must lie between "
				    "the kernel's area (up to 0x%" PRIx64 ") and 0x%" PRIx64,
				    initrd_len, RAM_ARGS(mem), LOADER_DTB_MAX, plan->reserved_end,
				    limit);
		return fail(err, errlen, -EFBIG,
			    "device tree (%u bytes) does not fit in " RAM_FMT
			    ": it must lie between the kernel's area (up to 0x%" PRIx64 ") and 0x%"
			    PRIx64,
			    LOADER_DTB_MAX, RAM_ARGS(mem), plan->reserved_end, limit);
	}
	out->initrd_gpa = initrd_len ? start : 0;
	out->initrd_size = initrd_len;
	out->dtb_gpa = start + initrd_room;
	out->dtb_max = LOADER_DTB_MAX;
	return 0;
}

static void copy_elf(const struct guest_mem *mem, const uint8_t *img)
{
	uint32_t phoff = le32(img + offsetof(Elf32_Ehdr, e_phoff));
	uint16_t phentsize = le16(img + offsetof(Elf32_Ehdr, e_phentsize));
	uint16_t phnum = le16(img + offsetof(Elf32_Ehdr, e_phnum));
	struct elf_phdr ph;
	unsigned int i;

	for (i = 0; i < phnum; i++) {
		uint8_t *dst;

		read_phdr(img, phoff, phentsize, i, &ph);
		if (!loads(&ph))
			continue;
		dst = guest_mem_ptr(mem, ph.paddr, ph.memsz);	/* checked by plan_elf() */
		if (!dst)
			continue;
		memcpy(dst, img + ph.offset, ph.filesz);
		memset(dst + ph.filesz, 0, ph.memsz - ph.filesz);
	}
}

int loader_load(const struct guest_mem *mem, const void *kernel, size_t kernel_len,
		const void *initrd, size_t initrd_len, struct boot_layout *out, char *err,
		size_t errlen)
{
	struct kernel_plan plan = { 0 };
	struct boot_layout layout = { 0 };
	uint8_t *dst;
	int ret;

	if (!mem || !mem->host || mem->size == 0 || mem->gpa + mem->size < mem->gpa || !out ||
	    (kernel_len && !kernel) || (initrd_len && !initrd))
		return fail(err, errlen, -EINVAL, "loader: invalid arguments");

	ret = plan_kernel(mem, kernel, kernel_len, &plan, err, errlen);
	if (ret)
		return ret;
	ret = place_boot_data(mem, &plan, initrd_len, &layout, err, errlen);
	if (ret)
		return ret;

	/* Planned and checked: from here on nothing fails. */
	if (plan.kind == IMAGE_ELF) {
		copy_elf(mem, kernel);
	} else {
		dst = guest_mem_ptr(mem, plan.low, kernel_len);
		if (dst)
			memcpy(dst, kernel, kernel_len);
	}
	if (initrd_len) {
		dst = guest_mem_ptr(mem, layout.initrd_gpa, initrd_len);
		if (dst)
			memcpy(dst, initrd, initrd_len);
	}

	layout.kind = plan.kind;
	layout.entry = plan.entry;
	layout.kernel_gpa = plan.low;
	layout.kernel_size = plan.high - plan.low;
	*out = layout;
	return 0;
}

int loader_read_file(const char *path, size_t max_size, void **data, size_t *size, char *err,
		     size_t errlen)
{
	/* Room for one byte past the limit tells a file at the limit from a longer one. */
	size_t cap_max = max_size < SIZE_MAX ? max_size + 1 : SIZE_MAX, cap, len = 0;
	uint8_t *buf;
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return fail(err, errlen, ret, "%s: %s", path, strerror(-ret));
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		fail(err, errlen, ret, "%s: %s", path, strerror(-ret));
		goto out_close;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size) {
		ret = fail(err, errlen, -EFBIG, "%s: %lld bytes, more than the %zu-byte limit",
			   path, (long long)st.st_size, max_size);
		goto out_close;
	}

	/* A regular file's size is a hint (it may still change under us). */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 64 * 1024;
	if (cap > cap_max)
		cap = cap_max;
	buf = malloc(cap);
	if (!buf) {
		ret = fail(err, errlen, -ENOMEM, "%s: out of memory", path);
		goto out_close;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			uint8_t *bigger;

			cap = cap > cap_max / 2 ? cap_max : cap * 2;
			bigger = len < cap ? realloc(buf, cap) : NULL;
			if (!bigger) {
				ret = fail(err, errlen, -ENOMEM, "%s: out of memory", path);
				goto out_free;
			}
			buf = bigger;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			fail(err, errlen, ret, "%s: %s", path, strerror(-ret));
			goto out_free;
		}
		if (n == 0)
			break;
		len += n;
		if (len > max_size) {
			ret = fail(err, errlen, -EFBIG, "%s: more than the %zu-byte limit", path,
				   max_size);
			goto out_free;
		}
	}
	close(fd);
	*data = buf;
	*size = len;
	return 0;

out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}
