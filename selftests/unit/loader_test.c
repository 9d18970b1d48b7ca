// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/loader.c
/*
 * The kernel loader: zImage, ELF and raw images fabricated in memory, the
 * placement of kernel, initrd and DTB that the 32-bit ARM boot protocol asks
 * for (Documentation/arch/arm/booting.rst), the refusal of malformed images
 * and of guests too small for what they are given (with guest memory left
 * as it was), and reading image files with a size cap.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "kselftest_harness.h"

/* Spelled out here rather than taken from loader.h, so a wrong constant there shows. */
#define RAM_BASE	0x40000000ull
#define MiB		(1024ull * 1024)
#define KERNEL_LOAD	(RAM_BASE + 0x8000)	/* booting.rst: RAM base + 32 KiB */
#define BOOT_DATA	(RAM_BASE + 128 * MiB)	/* booting.rst: above 128 MiB */
#define LOWMEM_END	(RAM_BASE + 512 * MiB)
#define DTB_ROOM	(64 * 1024)
#define FILL		0xa5

struct ram {
	struct guest_mem mem;
	size_t len;
};

/* Guest RAM at RAM_BASE; filled with FILL when @fill (small RAM only), else zero. */
static void ram_init(struct __test_metadata *_metadata, struct ram *r, uint64_t size, bool fill)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	if (fill)
		memset(p, FILL, size);
	r->mem = (struct guest_mem){ .gpa = RAM_BASE, .size = size, .host = p };
	r->len = size;
}

static void ram_free(struct ram *r)
{
	munmap(r->mem.host, r->len);
}

static uint8_t *at(const struct ram *r, uint64_t gpa)
{
	return r->mem.host + (gpa - r->mem.gpa);
}

/* Whether every byte of guest RAM still holds @byte. */
static bool ram_all(const struct ram *r, uint8_t byte)
{
	static uint8_t block[64 * 1024];
	uint64_t off;

	memset(block, byte, sizeof(block));
	for (off = 0; off < r->len; off += sizeof(block)) {
		size_t n = r->len - off < sizeof(block) ? r->len - off : sizeof(block);

		if (memcmp(r->mem.host + off, block, n))
			return false;
	}
	return true;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * What every accepted layout owes the guest: kernel, initrd and DTB room in
 * RAM and apart, initrd and DTB aligned, above @reserved_end (what the kernel
 * may still grow into) and in the first 512 MiB.
 */
static void check_layout(struct __test_metadata *_metadata, const struct ram *r,
			 const struct boot_layout *l, uint64_t reserved_end)
{
	uint64_t end = r->mem.gpa + r->mem.size;

	ASSERT_GE(l->kernel_gpa, r->mem.gpa);
	ASSERT_LE(l->kernel_gpa + l->kernel_size, end);
	ASSERT_EQ(DTB_ROOM, l->dtb_max);
	ASSERT_EQ(0, l->dtb_gpa % 8);
	ASSERT_GE(l->dtb_gpa, reserved_end);
	ASSERT_LE(l->dtb_gpa + l->dtb_max, end);
	ASSERT_LE(l->dtb_gpa + l->dtb_max, LOWMEM_END);
	ASSERT_FALSE(overlap(l->kernel_gpa, l->kernel_size, l->dtb_gpa, l->dtb_max));
	if (l->initrd_size) {
		ASSERT_EQ(0, l->initrd_gpa % 4096);
		ASSERT_GE(l->initrd_gpa, reserved_end);
		ASSERT_LE(l->initrd_gpa + l->initrd_size, end);
		ASSERT_LE(l->initrd_gpa + l->initrd_size, LOWMEM_END);
		ASSERT_FALSE(overlap(l->kernel_gpa, l->kernel_size, l->initrd_gpa,
				     l->initrd_size));
		ASSERT_FALSE(overlap(l->initrd_gpa, l->initrd_size, l->dtb_gpa, l->dtb_max));
	} else {
		ASSERT_EQ(0, l->initrd_gpa);
	}
}

static uint8_t *pattern(size_t len, unsigned int seed)
{
	uint8_t *p = malloc(len ? len : 1);
	size_t i;

	for (i = 0; p && i < len; i++)
		p[i] = (uint8_t)(i * 131 + seed * 7 + (i >> 9));
	return p;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* A zImage of @len bytes: arbitrary code with a little-endian kernel's header. */
static uint8_t *zimage(size_t len)
{
	uint8_t *z = pattern(len, 1);

	if (z) {
		put32(z + 0x24, 0x016f2818);
		put32(z + 0x28, 0);
		put32(z + 0x2c, len);
		put32(z + 0x30, 0x04030201);
	}
	return z;
}

/* --- zImage ------------------------------------------------------------------------------ */

TEST(zimage_loads_at_32k_initrd_and_dtb_at_128m)
{
	size_t zlen = 300 * 1024, ilen = 3 * MiB + 123;
	uint8_t *z = zimage(zlen), *initrd = pattern(ilen, 2);
	struct boot_layout l;
	struct ram r;
	char err[256] = "";

	ram_init(_metadata, &r, 256 * MiB, false);
	ASSERT_EQ(0, loader_load(&r.mem, z, zlen, initrd, ilen, &l, err, sizeof(err)));
	EXPECT_STREQ("", err);
	EXPECT_EQ(IMAGE_ZIMAGE, l.kind);
	EXPECT_EQ(KERNEL_LOAD, l.entry);
	EXPECT_EQ(KERNEL_LOAD, l.kernel_gpa);
	EXPECT_EQ(zlen, l.kernel_size);
	EXPECT_EQ(0, memcmp(at(&r, KERNEL_LOAD), z, zlen));
	EXPECT_EQ(0, *at(&r, KERNEL_LOAD + zlen));	/* not one byte more */

	EXPECT_EQ(BOOT_DATA, l.initrd_gpa);
	EXPECT_EQ(ilen, l.initrd_size);
	EXPECT_EQ(0, memcmp(at(&r, l.initrd_gpa), initrd, ilen));
	/* The DTB right after the initrd's last page. */
	EXPECT_EQ(BOOT_DATA + 3 * MiB + 4096, l.dtb_gpa);
	check_layout(_metadata, &r, &l, KERNEL_LOAD + 4 * zlen);
	ram_free(&r);
	free(z);
	free(initrd);
}

TEST(zimage_without_initrd_puts_dtb_at_128m)
{
	size_t zlen = 64 * 1024;
	uint8_t *z = zimage(zlen);
	struct boot_layout l;
	struct ram r;
	char err[256];

	ram_init(_metadata, &r, 1024 * MiB, false);
	ASSERT_EQ(0, loader_load(&r.mem, z, zlen, NULL, 0, &l, err, sizeof(err)));
	EXPECT_EQ(0, l.initrd_gpa);
	EXPECT_EQ(0, l.initrd_size);
	EXPECT_EQ(BOOT_DATA, l.dtb_gpa);
	check_layout(_metadata, &r, &l, KERNEL_LOAD + 4 * zlen);
	ram_free(&r);
	free(z);
}

/* RAM under 128 MiB: initrd and DTB go as high as they fit, clear of decompression. */
TEST(zimage_small_ram_places_boot_data_high)
{
	size_t zlen = 1 * MiB, ilen = 4 * MiB;
	uint8_t *z = zimage(zlen), *initrd = pattern(ilen, 3);
	struct boot_layout l;
	struct ram r;
	char err[256];

	ram_init(_metadata, &r, 32 * MiB, true);
	ASSERT_EQ(0, loader_load(&r.mem, z, zlen, initrd, ilen, &l, err, sizeof(err)));
	check_layout(_metadata, &r, &l, KERNEL_LOAD + 4 * zlen);
	/* As high as fits: the DTB room ends within a page of the end of RAM. */
	EXPECT_GT(l.dtb_gpa + l.dtb_max + 4096, RAM_BASE + 32 * MiB);
	EXPECT_EQ(0, memcmp(at(&r, l.initrd_gpa), initrd, ilen));
	EXPECT_EQ(0, memcmp(at(&r, KERNEL_LOAD), z, zlen));
	ram_free(&r);
	free(z);
	free(initrd);
}

/* The zImage's decompression room leaves no space for the initrd: refused, RAM untouched. */
TEST(zimage_small_ram_refuses_initrd_cleanly)
{
	size_t zlen = 3 * MiB, ilen = 4 * MiB;
	uint8_t *z = zimage(zlen), *initrd = pattern(ilen, 4);
	struct boot_layout l;
	struct ram r;
	char err[256] = "";

	/* 16 MiB holds kernel and initrd side by side, but not 4 x 3 MiB + 4 MiB. */
	ram_init(_metadata, &r, 16 * MiB, true);
	EXPECT_EQ(-EFBIG, loader_load(&r.mem, z, zlen, initrd, ilen, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "initrd (4194304 bytes) does not fit in guest RAM"));
	EXPECT_NE(NULL, strstr(err, "0x40000000-0x40ffffff"));
	EXPECT_TRUE(ram_all(&r, FILL));

	/* It was the initrd: without it, the DTB fits above the decompression room. */
	ASSERT_EQ(0, loader_load(&r.mem, z, zlen, NULL, 0, &l, err, sizeof(err)));
	check_layout(_metadata, &r, &l, KERNEL_LOAD + 4 * zlen);
	ram_free(&r);
	free(z);
	free(initrd);
}

TEST(zimage_decompression_room_must_fit_for_dtb)
{
	size_t zlen = 3 * MiB;
	uint8_t *z = zimage(zlen);
	struct boot_layout l;
	struct ram r;
	char err[256] = "";

	ram_init(_metadata, &r, 8 * MiB, true);	/* holds the zImage, not 4 x its size */
	EXPECT_EQ(-EFBIG, loader_load(&r.mem, z, zlen, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "device tree"));
	EXPECT_NE(NULL, strstr(err, "does not fit in guest RAM 0x40000000-0x407fffff"));
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
	free(z);
}

/* A big zImage whose 4x room passes 128 MiB: boot data above it, still in lowmem. */
TEST(big_zimage_pushes_boot_data_up_within_lowmem)
{
	size_t zlen = 40 * MiB, ilen = 8 * MiB;
	uint8_t *z = zimage(zlen), *initrd = pattern(ilen, 5);
	struct boot_layout l;
	struct ram r;
	char err[256];

	ram_init(_metadata, &r, 2048 * MiB, false);
	ASSERT_EQ(0, loader_load(&r.mem, z, zlen, initrd, ilen, &l, err, sizeof(err)));
	check_layout(_metadata, &r, &l, KERNEL_LOAD + 4 * zlen);
	EXPECT_GT(l.initrd_gpa, BOOT_DATA);
	EXPECT_EQ(0, memcmp(at(&r, l.initrd_gpa), initrd, ilen));
	ram_free(&r);
	free(z);
	free(initrd);
}

TEST(initrd_beyond_lowmem_is_refused)
{
	size_t zlen = 1 * MiB, ilen = 600 * MiB;
	uint8_t *z = zimage(zlen);
	void *initrd = mmap(NULL, ilen, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			    -1, 0);
	struct boot_layout l;
	struct ram r;
	char err[256] = "";

	ASSERT_NE(MAP_FAILED, initrd);
	/* 2 GiB of RAM would hold it, but not its first 512 MiB. */
	ram_init(_metadata, &r, 2048 * MiB, false);
	EXPECT_EQ(-EFBIG, loader_load(&r.mem, z, zlen, initrd, ilen, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "initrd (629145600 bytes) does not fit"));
	EXPECT_TRUE(ram_all(&r, 0));
	ram_free(&r);
	munmap(initrd, ilen);
	free(z);
}

TEST(zimage_bad_headers)
{
	static const struct {
		uint32_t start, end, endian;
		const char *msg;
	} cases[] = {
		{ 0, 0, 0x04030201, "end 0x0 is not above start 0x0" },
		{ 0x1000, 0x800, 0x04030201, "corrupt zImage header" },
		{ 0, 0x10001, 0x04030201, "truncated zImage" },
		{ 0, 0x10000, 0x01020304, "big-endian zImage" },
	};
	size_t zlen = 0x10000;
	struct boot_layout l;
	unsigned int i;
	struct ram r;

	ram_init(_metadata, &r, 16 * MiB, true);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *z = zimage(zlen);
		char err[256] = "";

		put32(z + 0x28, cases[i].start);
		put32(z + 0x2c, cases[i].end);
		put32(z + 0x30, cases[i].endian);
		EXPECT_EQ(-EINVAL, loader_load(&r.mem, z, zlen, NULL, 0, &l, err, sizeof(err)));
		EXPECT_NE(NULL, strstr(err, cases[i].msg)) TH_LOG("case %u: \"%s\"", i, err);
		EXPECT_NE(NULL, strstr(err, "kernel: "));
		free(z);
	}
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
}

/* An older zImage without the endianness word, and one with a start address, load. */
TEST(zimage_header_variants_accepted)
{
	size_t zlen = 0x10000;
	uint8_t *z = zimage(zlen);
	struct boot_layout l;
	struct ram r;
	char err[256];

	ram_init(_metadata, &r, 16 * MiB, false);
	put32(z + 0x30, 0xe1a00000);	/* a plain instruction, no flag */
	put32(z + 0x28, 0x1000);
	put32(z + 0x2c, 0x1000 + zlen - 4);
	ASSERT_EQ(0, loader_load(&r.mem, z, zlen, NULL, 0, &l, err, sizeof(err)));
	EXPECT_EQ(IMAGE_ZIMAGE, l.kind);
	EXPECT_EQ(0, memcmp(at(&r, KERNEL_LOAD), z, zlen));
	ram_free(&r);
	free(z);
}

/* --- raw ---------------------------------------------------------------------------------- */

TEST(raw_blob_loads_and_enters_at_32k)
{
	size_t len = 5000;
	uint8_t *blob = pattern(len, 6);
	struct boot_layout l;
	struct ram r;
	char err[256];

	blob[0x24] = 0;	/* whatever the pattern put there, no zImage magic */
	ram_init(_metadata, &r, 64 * MiB, true);
	ASSERT_EQ(0, loader_load(&r.mem, blob, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_EQ(IMAGE_RAW, l.kind);
	EXPECT_EQ(KERNEL_LOAD, l.entry);
	EXPECT_EQ(KERNEL_LOAD, l.kernel_gpa);
	EXPECT_EQ(len, l.kernel_size);
	EXPECT_EQ(0, memcmp(at(&r, KERNEL_LOAD), blob, len));
	EXPECT_EQ(FILL, *at(&r, KERNEL_LOAD - 1));
	EXPECT_EQ(FILL, *at(&r, KERNEL_LOAD + len));
	check_layout(_metadata, &r, &l, KERNEL_LOAD + len);
	ram_free(&r);
	free(blob);
}

/* A one-instruction payload is a raw image too; too short for any header. */
TEST(tiny_raw_blob)
{
	static const uint8_t wfi[4] = { 0x03, 0xf0, 0x20, 0xe3 };
	struct boot_layout l;
	struct ram r;
	char err[256];

	ram_init(_metadata, &r, 1 * MiB, true);
	ASSERT_EQ(0, loader_load(&r.mem, wfi, sizeof(wfi), NULL, 0, &l, err, sizeof(err)));
	EXPECT_EQ(IMAGE_RAW, l.kind);
	EXPECT_EQ(0, memcmp(at(&r, KERNEL_LOAD), wfi, sizeof(wfi)));
	check_layout(_metadata, &r, &l, KERNEL_LOAD + sizeof(wfi));
	ram_free(&r);
}

TEST(kernel_bigger_than_ram)
{
	size_t len = 2 * MiB;
	uint8_t *blob = pattern(len, 7);
	struct boot_layout l;
	struct ram r;
	char err[256] = "";

	blob[0] = 0;
	ram_init(_metadata, &r, 1 * MiB, true);
	EXPECT_EQ(-EFBIG, loader_load(&r.mem, blob, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "kernel: 2097152 bytes at 0x40008000 do not fit in guest RAM"));
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
	free(blob);
}

TEST(empty_image_and_bad_arguments)
{
	static const uint8_t byte = 0;
	struct boot_layout l;
	struct ram r;
	char err[256] = "";

	ram_init(_metadata, &r, 1 * MiB, true);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, &byte, 0, NULL, 0, &l, err, sizeof(err)));
	EXPECT_STREQ("kernel: the image is empty", err);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, &byte, 1, NULL, 5, &l, err, sizeof(err)));
	/* A NULL message buffer is allowed: only the code comes back. */
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, &byte, 0, NULL, 0, &l, NULL, 0));
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
}

/* --- ELF ---------------------------------------------------------------------------------- */

#define ELF_MAX_PH	4

struct elf_seg {
	uint32_t type, vaddr, paddr, filesz, memsz;
};

/*
 * An ARM ET_EXEC with the given segments, their file bytes from pattern()
 * laid out after the program headers. Returns the image; *len its size.
 */
static uint8_t *make_elf(const struct elf_seg *segs, unsigned int n, uint32_t entry, size_t *len)
{
	size_t off = sizeof(Elf32_Ehdr) + n * sizeof(Elf32_Phdr), total = off;
	Elf32_Ehdr eh = { 0 };
	unsigned int i;
	uint8_t *img;

	for (i = 0; i < n; i++)
		total += segs[i].filesz;
	img = pattern(total, 8);
	if (!img)
		return NULL;
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_ARM;
	eh.e_version = EV_CURRENT;
	eh.e_entry = entry;
	eh.e_phoff = sizeof(Elf32_Ehdr);
	eh.e_ehsize = sizeof(Elf32_Ehdr);
	eh.e_phentsize = sizeof(Elf32_Phdr);
	eh.e_phnum = n;
	memcpy(img, &eh, sizeof(eh));
	for (i = 0; i < n; i++) {
		Elf32_Phdr ph = {
			.p_type = segs[i].type, .p_offset = off, .p_vaddr = segs[i].vaddr,
			.p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz,
			.p_memsz = segs[i].memsz, .p_flags = PF_R | PF_X, .p_align = 4,
		};

		memcpy(img + sizeof(Elf32_Ehdr) + i * sizeof(Elf32_Phdr), &ph, sizeof(ph));
		off += segs[i].filesz;
	}
	*len = total;
	return img;
}

static uint32_t ph_offset(const uint8_t *img, unsigned int i)
{
	Elf32_Phdr ph;

	memcpy(&ph, img + sizeof(Elf32_Ehdr) + i * sizeof(Elf32_Phdr), sizeof(ph));
	return ph.p_offset;
}

static void set_ehdr16(uint8_t *img, size_t field, uint16_t val)
{
	memcpy(img + field, &val, sizeof(val));
}

static void set_ehdr32(uint8_t *img, size_t field, uint32_t val)
{
	memcpy(img + field, &val, sizeof(val));
}

static const struct elf_seg good_segs[] = {
	{ PT_LOAD, 0x40010000, 0x40010000, 0x1000, 0x1000 },	/* text */
	{ PT_NOTE, 0, 0, 0x20, 0x20 },				/* not loaded */
	{ PT_LOAD, 0x40020000, 0x40020000, 0x100, 0x3000 },	/* data + bss */
};

TEST(elf_segments_copied_bss_zeroed)
{
	struct boot_layout l;
	uint64_t a;
	struct ram r;
	char err[256] = "";
	size_t len;
	uint8_t *img = make_elf(good_segs, 3, 0x40010040, &len);

	ASSERT_NE(NULL, img);
	ram_init(_metadata, &r, 256 * MiB, true);
	ASSERT_EQ(0, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(IMAGE_ELF, l.kind);
	EXPECT_EQ(0x40010040, l.entry);
	EXPECT_EQ(0x40010000, l.kernel_gpa);
	EXPECT_EQ(0x40023000 - 0x40010000, l.kernel_size);

	EXPECT_EQ(0, memcmp(at(&r, 0x40010000), img + ph_offset(img, 0), 0x1000));
	EXPECT_EQ(0, memcmp(at(&r, 0x40020000), img + ph_offset(img, 2), 0x100));
	for (a = 0x40020100; a < 0x40023000; a++)
		ASSERT_EQ(0, *at(&r, a)) TH_LOG("bss byte at 0x%llx", (unsigned long long)a);
	/* Only the segments: the bytes around them, the hole between them, untouched. */
	EXPECT_EQ(FILL, *at(&r, 0x4000ffff));
	EXPECT_EQ(FILL, *at(&r, 0x40011000));
	EXPECT_EQ(FILL, *at(&r, 0x4001ffff));
	EXPECT_EQ(FILL, *at(&r, 0x40023000));
	EXPECT_EQ(FILL, *at(&r, KERNEL_LOAD));

	EXPECT_EQ(BOOT_DATA, l.dtb_gpa);
	check_layout(_metadata, &r, &l, 0x40023000);
	ram_free(&r);
	free(img);
}

/* vmlinux style: linked at 0xc0000000 up, loaded at its physical address. */
TEST(elf_virtual_entry_is_translated)
{
	static const struct elf_seg segs[] = {
		{ PT_LOAD, 0xc0008000, 0x40008000, 0x2000, 0x4000 },
	};
	struct boot_layout l;
	struct ram r;
	char err[256] = "";
	size_t len;
	uint8_t *img = make_elf(segs, 1, 0xc0008100, &len);

	ram_init(_metadata, &r, 64 * MiB, false);
	ASSERT_EQ(0, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(0x40008100, l.entry);
	EXPECT_EQ(0, memcmp(at(&r, 0x40008000), img + ph_offset(img, 0), 0x2000));
	ram_free(&r);
	free(img);
}

TEST(elf_segment_outside_ram)
{
	static const struct {
		uint32_t paddr, memsz;
	} cases[] = {
		{ 0x3ffff000, 0x2000 },		/* starts below RAM */
		{ 0x40fff000, 0x1001 },		/* one byte past the end */
		{ 0x80000000, 0x1000 },		/* far above */
		{ 0xfffff000, 0x2000 },		/* wraps the 32-bit space */
	};
	unsigned int i;
	struct ram r;

	ram_init(_metadata, &r, 16 * MiB, true);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct elf_seg segs[2] = {
			good_segs[0],
			{ PT_LOAD, cases[i].paddr, cases[i].paddr, 0x100, cases[i].memsz },
		};
		struct boot_layout l;
		char err[256] = "", want[128];
		size_t len;
		uint8_t *img = make_elf(segs, 2, 0x40010000, &len);

		EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)));
		snprintf(want, sizeof(want),
			 "kernel: ELF segment 1 at 0x%x-0x%llx is outside "
			 "guest RAM 0x40000000-0x40ffffff",
			 cases[i].paddr, (unsigned long long)cases[i].paddr + cases[i].memsz - 1);
		EXPECT_STREQ(want, err);
		free(img);
	}
	/* Segment 0 was fine, but nothing was copied. */
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
}

TEST(elf_entry_outside_loaded_bytes)
{
	static const uint32_t entries[] = {
		0x4000fffc,		/* just below the text */
		0x40011000,		/* just past it */
		0x40020100,		/* in the bss: nothing loaded there */
		0x50000000,
	};
	unsigned int i;
	struct ram r;

	ram_init(_metadata, &r, 256 * MiB, true);
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		struct boot_layout l;
		char err[256] = "";
		size_t len;
		uint8_t *img = make_elf(good_segs, 3, entries[i], &len);

		EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)));
		EXPECT_NE(NULL, strstr(err, "entry point")) TH_LOG("0x%x: %s", entries[i], err);
		EXPECT_NE(NULL, strstr(err, "is not inside a loaded segment"));
		free(img);
	}
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
}

TEST(elf_thumb_or_misaligned_entry)
{
	struct boot_layout l;
	struct ram r;
	char err[256] = "";
	size_t len;
	uint8_t *img = make_elf(good_segs, 3, 0x40010041, &len);

	ram_init(_metadata, &r, 256 * MiB, true);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "Thumb"));
	free(img);
	img = make_elf(good_segs, 3, 0x40010042, &len);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "not 4-byte aligned"));
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
	free(img);
}

/* Headers and tables that do not fit the file, however they got that way. */
TEST(elf_truncated_and_huge_tables)
{
	struct boot_layout l;
	struct ram r;
	char err[256];
	size_t len;
	uint8_t *img = make_elf(good_segs, 3, 0x40010040, &len), *copy = malloc(len);

	ASSERT_NE(NULL, img);
	ASSERT_NE(NULL, copy);
	ram_init(_metadata, &r, 256 * MiB, true);

	/* The ELF header cut short. */
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, 40, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "truncated ELF header (40 of 52 bytes)"));

	/* The program headers cut short: the file ends inside the third. */
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, 52 + 2 * 32 + 8, NULL, 0, &l, err,
				       sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "truncated ELF: 3 program headers at offset 0x34"));

	/* A segment's file bytes cut short. */
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, len - 1, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "truncated ELF: segment 2"));

	/* A huge phnum, and an offset that would wrap 32 bits. */
	memcpy(copy, img, len);
	set_ehdr16(copy, offsetof(Elf32_Ehdr, e_phnum), 0xfffe);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, copy, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "truncated ELF: 65534 program headers"));
	set_ehdr16(copy, offsetof(Elf32_Ehdr, e_phnum), PN_XNUM);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, copy, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "PN_XNUM"));
	memcpy(copy, img, len);
	set_ehdr32(copy, offsetof(Elf32_Ehdr, e_phoff), 0xffffffe0);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, copy, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "truncated ELF"));
	memcpy(copy, img, len);
	set_ehdr16(copy, offsetof(Elf32_Ehdr, e_phentsize), 0xffff);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, copy, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "truncated ELF"));
	set_ehdr16(copy, offsetof(Elf32_Ehdr, e_phentsize), 16);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, copy, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "program header size 16"));
	memcpy(copy, img, len);
	set_ehdr16(copy, offsetof(Elf32_Ehdr, e_phnum), 0);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, copy, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no program headers"));

	/* A segment whose file offset wraps 32 bits. */
	memcpy(copy, img, len);
	set_ehdr32(copy, sizeof(Elf32_Ehdr) + offsetof(Elf32_Phdr, p_offset), 0xfffff800);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, copy, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "truncated ELF: segment 0"));

	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
	free(img);
	free(copy);
}

TEST(elf_wrong_kind)
{
	static const struct {
		size_t field;
		unsigned int size;
		uint32_t val;
		const char *msg;
	} cases[] = {
		{ EI_CLASS, 1, ELFCLASS64, "not a 32-bit ELF" },
		{ EI_DATA, 1, ELFDATA2MSB, "not a little-endian ELF" },
		{ offsetof(Elf32_Ehdr, e_machine), 2, EM_386, "not ARM" },
		{ offsetof(Elf32_Ehdr, e_type), 2, ET_DYN, "not an executable" },
		{ offsetof(Elf32_Ehdr, e_type), 2, ET_REL, "not an executable" },
		/* p_filesz of the text segment above its p_memsz */
		{ sizeof(Elf32_Ehdr) + offsetof(Elf32_Phdr, p_memsz), 4, 0x800, "more file bytes" },
	};
	unsigned int i;
	struct ram r;

	ram_init(_metadata, &r, 256 * MiB, true);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct boot_layout l;
		char err[256] = "";
		size_t len;
		uint8_t *img = make_elf(good_segs, 3, 0x40010040, &len);

		if (cases[i].size == 1)
			img[cases[i].field] = cases[i].val;
		else if (cases[i].size == 2)
			set_ehdr16(img, cases[i].field, cases[i].val);
		else
			set_ehdr32(img, cases[i].field, cases[i].val);
		EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)));
		EXPECT_NE(NULL, strstr(err, cases[i].msg)) TH_LOG("case %u: \"%s\"", i, err);
		free(img);
	}
	EXPECT_TRUE(ram_all(&r, FILL));
	ram_free(&r);
}

TEST(elf_without_loadable_segment)
{
	static const struct elf_seg segs[] = {
		{ PT_NOTE, 0x40010000, 0x40010000, 0x10, 0x10 },
		{ PT_LOAD, 0x40010000, 0x40010000, 0, 0 },	/* empty: ignored */
	};
	struct boot_layout l;
	struct ram r;
	char err[256] = "";
	size_t len;
	uint8_t *img = make_elf(segs, 2, 0x40010000, &len);

	ram_init(_metadata, &r, 16 * MiB, true);
	EXPECT_EQ(-EINVAL, loader_load(&r.mem, img, len, NULL, 0, &l, err, sizeof(err)));
	EXPECT_STREQ("kernel: ELF has no loadable segment", err);
	ram_free(&r);
	free(img);
}

/* An ELF reaching past 128 MiB pushes the boot data above its end. */
TEST(elf_high_segments_push_boot_data_up)
{
	static const struct elf_seg segs[] = {
		{ PT_LOAD, 0x40008000, 0x40008000, 0x1000, 0x1000 },
		{ PT_LOAD, 0x48100000, 0x48100000, 0x1000, 0x5000 },
	};
	struct boot_layout l;
	struct ram r;
	char err[256] = "";
	size_t len, ilen = 1 * MiB;
	uint8_t *img = make_elf(segs, 2, 0x40008000, &len), *initrd = pattern(ilen, 9);

	ram_init(_metadata, &r, 1024 * MiB, false);
	ASSERT_EQ(0, loader_load(&r.mem, img, len, initrd, ilen, &l, err, sizeof(err)))
		TH_LOG("%s", err);
	check_layout(_metadata, &r, &l, 0x48105000);
	EXPECT_EQ(0, memcmp(at(&r, l.initrd_gpa), initrd, ilen));
	ram_free(&r);
	free(img);
	free(initrd);
}

/* --- loader_read_file ----------------------------------------------------------------------- */

static void write_temp(struct __test_metadata *_metadata, char *path, const void *data,
		       size_t len)
{
	int fd = mkstemp(path);

	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)len, write(fd, data, len));
	close(fd);
}

TEST(read_file_whole)
{
	char path[] = "/tmp/loader_test.XXXXXX", err[256] = "";
	size_t len = 300 * 1024 + 7, size = 0;
	uint8_t *data = pattern(len, 10);
	void *got = NULL;

	write_temp(_metadata, path, data, len);
	/* A file exactly at the cap is read whole. */
	ASSERT_EQ(0, loader_read_file(path, len, &got, &size, err, sizeof(err)));
	EXPECT_EQ(len, size);
	EXPECT_EQ(0, memcmp(got, data, len));
	free(got);

	EXPECT_EQ(-EFBIG, loader_read_file(path, len - 1, &got, &size, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, path));
	EXPECT_NE(NULL, strstr(err, "307207 bytes, more than the 307206-byte limit"));
	unlink(path);
	free(data);
}

TEST(read_file_empty)
{
	char path[] = "/tmp/loader_test.XXXXXX", err[256];
	size_t size = 1;
	void *got = NULL;

	write_temp(_metadata, path, "", 0);
	ASSERT_EQ(0, loader_read_file(path, 100, &got, &size, err, sizeof(err)));
	EXPECT_EQ(0, size);
	free(got);
	unlink(path);
}

TEST(read_file_missing)
{
	const char *path = "/nonexistent/loader_test/zImage";
	char err[256] = "", want[256];
	size_t size;
	void *got;

	EXPECT_EQ(-ENOENT, loader_read_file(path, 100, &got, &size, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	EXPECT_STREQ(want, err);
}

/* A stream has no size to check up front: the cap stops the read. */
TEST(read_file_endless_stream_hits_cap)
{
	char err[256] = "";
	size_t size;
	void *got;

	EXPECT_EQ(-EFBIG, loader_read_file("/dev/zero", 200 * 1024, &got, &size, err,
					   sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "/dev/zero: more than the 204800-byte limit"));
}

TEST(read_file_directory)
{
	char err[256] = "";
	size_t size;
	void *got;

	EXPECT_EQ(-EISDIR, loader_read_file("/tmp", 100, &got, &size, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "/tmp: "));
}

TEST_HARNESS_MAIN
