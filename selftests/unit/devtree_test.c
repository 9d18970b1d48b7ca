// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/devtree.c
// UNIT_LDLIBS: -lfdt
/*
 * The guest device tree: every node a Linux guest of the `virt` board looks
 * for, read back with libfdt's read-only API, for several configurations;
 * and the builder's refusals (bad configurations, a buffer too small).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "board.h"
#include "devtree.h"
#include "kselftest_harness.h"

#define DTB_BUF		(64 * 1024)
#define RAM_BASE	0x40000000ull

/* Spelled out here rather than taken from devtree.c, so a wrong constant there shows. */
#define IRQ_EDGE_RISING	1
#define IRQ_LEVEL_HIGH	4

static const struct devtree_config full_config = {
	.ram_base = RAM_BASE,
	.ram_size = 512ull << 20,
	.nr_cpus = 4,
	.bootargs = "console=ttyAMA0 root=/dev/vda rw",
	.initrd_start = RAM_BASE + (128ull << 20),
	.initrd_size = 0x345678,
	.uart = true,
	.rtc = true,
	.virtio_slots = 0x80000005,	/* slots 0, 2 and 31 */
	.stdout_uart = true,
};

static void *build(struct __test_metadata *_metadata, const struct devtree_config *cfg)
{
	void *fdt = calloc(1, DTB_BUF);
	int size;

	ASSERT_NE(NULL, fdt);
	size = devtree_build(cfg, fdt, DTB_BUF);
	ASSERT_GT(size, 0);
	ASSERT_EQ(0, fdt_check_header(fdt));
	ASSERT_EQ((uint32_t)size, fdt_totalsize(fdt));
	return fdt;
}

static int node(const void *fdt, const char *path)
{
	return fdt_path_offset(fdt, path);
}

/* The property as a string, or NULL when it is missing or not NUL-terminated. */
static const char *str(const void *fdt, int off, const char *name)
{
	int len;
	const char *val = fdt_getprop(fdt, off, name, &len);

	if (!val || len < 1 || val[len - 1] != '\0')
		return NULL;
	return val;
}

/* The property's @i-th 32-bit cell; ~0 when missing or too short. */
static uint32_t cell(const void *fdt, int off, const char *name, int i)
{
	int len;
	const fdt32_t *val = fdt_getprop(fdt, off, name, &len);

	if (!val || len < (i + 1) * 4)
		return ~0u;
	return fdt32_to_cpu(val[i]);
}

static int prop_len(const void *fdt, int off, const char *name)
{
	int len;

	return fdt_getprop(fdt, off, name, &len) ? len : -1;
}

/* A 2-cell property (the root's #address-cells), as 64 bits. */
static uint64_t cell64(const void *fdt, int off, const char *name)
{
	return (uint64_t)cell(fdt, off, name, 0) << 32 | cell(fdt, off, name, 1);
}

/* Whether a string-list property is exactly @list (given with its NULs). */
static bool strlist_is(const void *fdt, int off, const char *name, const char *list, int size)
{
	int len;
	const void *val = fdt_getprop(fdt, off, name, &len);

	return val && len == size && memcmp(val, list, size) == 0;
}

#define STRLIST_IS(fdt, off, name, list) strlist_is(fdt, off, name, list, sizeof(list))

/* The node a phandle cell points at. */
static int follow(const void *fdt, int off, const char *name, int i)
{
	return fdt_node_offset_by_phandle(fdt, cell(fdt, off, name, i));
}

static int count_compatible(const void *fdt, const char *compat)
{
	int off, n = 0;

	for (off = fdt_node_offset_by_compatible(fdt, -1, compat); off >= 0;
	     off = fdt_node_offset_by_compatible(fdt, off, compat))
		n++;
	return n;
}

static unsigned int cpu_count(const void *fdt)
{
	int cpus = node(fdt, "/cpus"), off;
	unsigned int n = 0;

	fdt_for_each_subnode(off, fdt, cpus)
		n++;
	return n;
}

TEST(root_and_interrupt_parent)
{
	void *fdt = build(_metadata, &full_config);
	int root = node(fdt, "/"), gic;

	EXPECT_STREQ("linux,dummy-virt", str(fdt, root, "compatible"));
	EXPECT_EQ(2, cell(fdt, root, "#address-cells", 0));
	EXPECT_EQ(2, cell(fdt, root, "#size-cells", 0));

	gic = follow(fdt, root, "interrupt-parent", 0);
	ASSERT_GE(gic, 0);
	EXPECT_EQ(node(fdt, "/intc@8000000"), gic);
	free(fdt);
}

TEST(gic_node)
{
	void *fdt = build(_metadata, &full_config);
	int gic = node(fdt, "/intc@8000000");

	ASSERT_GE(gic, 0);
	EXPECT_STREQ("arm,cortex-a15-gic", str(fdt, gic, "compatible"));
	EXPECT_EQ(3, cell(fdt, gic, "#interrupt-cells", 0));
	EXPECT_EQ(0, prop_len(fdt, gic, "interrupt-controller"));
	ASSERT_EQ(32, prop_len(fdt, gic, "reg"));
	EXPECT_EQ(0, cell(fdt, gic, "reg", 0));
	EXPECT_EQ(BOARD_GICD_BASE, cell(fdt, gic, "reg", 1));
	EXPECT_EQ(0, cell(fdt, gic, "reg", 2));
	EXPECT_EQ(BOARD_GICD_SIZE, cell(fdt, gic, "reg", 3));
	EXPECT_EQ(0, cell(fdt, gic, "reg", 4));
	EXPECT_EQ(BOARD_GICC_BASE, cell(fdt, gic, "reg", 5));
	EXPECT_EQ(0, cell(fdt, gic, "reg", 6));
	EXPECT_EQ(BOARD_GICC_SIZE, cell(fdt, gic, "reg", 7));
	EXPECT_EQ(gic, fdt_node_offset_by_phandle(fdt, fdt_get_phandle(fdt, gic)));
	free(fdt);
}

TEST(memory_node)
{
	struct devtree_config cfg = full_config;
	void *fdt;
	int mem;

	cfg.ram_size = 0xc0000000ull - 0x1000;	/* 3 GiB less a page: the size is exact */
	fdt = build(_metadata, &cfg);
	mem = node(fdt, "/memory@40000000");
	ASSERT_GE(mem, 0);
	EXPECT_STREQ("memory", str(fdt, mem, "device_type"));
	ASSERT_EQ(16, prop_len(fdt, mem, "reg"));
	EXPECT_EQ(RAM_BASE, cell64(fdt, mem, "reg"));
	EXPECT_EQ(0, cell(fdt, mem, "reg", 2));
	EXPECT_EQ(0xbffff000u, cell(fdt, mem, "reg", 3));
	EXPECT_EQ(1, count_compatible(fdt, "linux,dummy-virt"));
	free(fdt);

	/* Both size cells carry: an LPAE-sized bank is described whole. */
	cfg.ram_size = 0x140000000ull;
	fdt = build(_metadata, &cfg);
	mem = node(fdt, "/memory@40000000");
	EXPECT_EQ(1, cell(fdt, mem, "reg", 2));
	EXPECT_EQ(0x40000000, cell(fdt, mem, "reg", 3));
	free(fdt);
}

/* One cpu node per vCPU, reg = the MPIDR affinity kvm32 gives it: 4 per cluster. */
TEST(cpu_nodes)
{
	static const uint32_t mpidr[DEVTREE_MAX_CPUS] = {
		0x000, 0x001, 0x002, 0x003, 0x100, 0x101, 0x102, 0x103,
	};
	static const unsigned int counts[] = { 1, 2, 4, 5, 8 };
	unsigned int i, n;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct devtree_config cfg = full_config;
		void *fdt;
		int cpus, off;

		cfg.nr_cpus = counts[i];
		fdt = build(_metadata, &cfg);
		cpus = node(fdt, "/cpus");
		ASSERT_GE(cpus, 0);
		EXPECT_EQ(1, cell(fdt, cpus, "#address-cells", 0));
		EXPECT_EQ(0, cell(fdt, cpus, "#size-cells", 0));
		EXPECT_EQ(counts[i], cpu_count(fdt));

		n = 0;
		fdt_for_each_subnode(off, fdt, cpus) {
			char name[32];

			ASSERT_LT(n, counts[i]);
			snprintf(name, sizeof(name), "cpu@%x", mpidr[n]);
			EXPECT_STREQ(name, fdt_get_name(fdt, off, NULL));
			EXPECT_STREQ("cpu", str(fdt, off, "device_type"));
			EXPECT_STREQ("arm,cortex-a15", str(fdt, off, "compatible"));
			EXPECT_STREQ("psci", str(fdt, off, "enable-method"));
			EXPECT_EQ(4, prop_len(fdt, off, "reg"));
			EXPECT_EQ(mpidr[n], cell(fdt, off, "reg", 0));
			n++;
		}
		EXPECT_EQ(counts[i], n);
		free(fdt);
	}
}

TEST(psci_0_2)
{
	void *fdt = build(_metadata, &full_config);
	int psci = node(fdt, "/psci");

	ASSERT_GE(psci, 0);
	EXPECT_TRUE(STRLIST_IS(fdt, psci, "compatible", "arm,psci-0.2\0arm,psci"));
	EXPECT_STREQ("hvc", str(fdt, psci, "method"));
	/* The standard SMC32 numbers (ARM DEN 0022), what a PSCI 0.2 vCPU answers. */
	EXPECT_EQ(0x84000001, cell(fdt, psci, "cpu_suspend", 0));
	EXPECT_EQ(0x84000002, cell(fdt, psci, "cpu_off", 0));
	EXPECT_EQ(0x84000003, cell(fdt, psci, "cpu_on", 0));
	EXPECT_EQ(0x84000005, cell(fdt, psci, "migrate", 0));
	free(fdt);
}

TEST(psci_0_1)
{
	struct devtree_config cfg = full_config;
	void *fdt;
	int psci;

	cfg.psci_0_1 = true;
	fdt = build(_metadata, &cfg);
	psci = node(fdt, "/psci");
	ASSERT_GE(psci, 0);
	EXPECT_TRUE(STRLIST_IS(fdt, psci, "compatible", "arm,psci"));
	EXPECT_STREQ("hvc", str(fdt, psci, "method"));
	/* KVM_PSCI_FN_* of <asm/kvm.h>. */
	EXPECT_EQ(0x95c1ba5e, cell(fdt, psci, "cpu_suspend", 0));
	EXPECT_EQ(0x95c1ba5f, cell(fdt, psci, "cpu_off", 0));
	EXPECT_EQ(0x95c1ba60, cell(fdt, psci, "cpu_on", 0));
	EXPECT_EQ(0x95c1ba61, cell(fdt, psci, "migrate", 0));
	free(fdt);
}

/* Four PPIs, level-high, each wired to exactly the CPUs the guest has. */
TEST(timer_node)
{
	static const uint32_t ppis[] = { 13, 14, 11, 10 };
	static const unsigned int counts[] = { 1, 3, 8 };
	unsigned int i, j;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct devtree_config cfg = full_config;
		uint32_t mask = (1u << counts[i]) - 1;
		void *fdt;
		int timer;

		cfg.nr_cpus = counts[i];
		fdt = build(_metadata, &cfg);
		timer = node(fdt, "/timer");
		ASSERT_GE(timer, 0);
		EXPECT_STREQ("arm,armv7-timer", str(fdt, timer, "compatible"));
		ASSERT_EQ(4 * 3 * 4, prop_len(fdt, timer, "interrupts"));
		for (j = 0; j < 4; j++) {
			EXPECT_EQ(1, cell(fdt, timer, "interrupts", j * 3));	/* PPI */
			EXPECT_EQ(ppis[j], cell(fdt, timer, "interrupts", j * 3 + 1));
			EXPECT_EQ(mask << 8 | IRQ_LEVEL_HIGH,
				  cell(fdt, timer, "interrupts", j * 3 + 2));
		}
		free(fdt);
	}
}

TEST(uart_rtc_and_their_clock)
{
	void *fdt = build(_metadata, &full_config);
	int uart = node(fdt, "/pl011@9000000"), rtc = node(fdt, "/pl031@9010000");
	int clk = node(fdt, "/apb-pclk");

	ASSERT_GE(uart, 0);
	ASSERT_GE(rtc, 0);
	ASSERT_GE(clk, 0);

	EXPECT_STREQ("fixed-clock", str(fdt, clk, "compatible"));
	EXPECT_EQ(0, cell(fdt, clk, "#clock-cells", 0));
	EXPECT_EQ(24000000, cell(fdt, clk, "clock-frequency", 0));

	EXPECT_TRUE(STRLIST_IS(fdt, uart, "compatible", "arm,pl011\0arm,primecell"));
	EXPECT_EQ(BOARD_UART_BASE, cell64(fdt, uart, "reg"));
	EXPECT_EQ(BOARD_UART_SIZE, cell(fdt, uart, "reg", 3));
	EXPECT_EQ(0, cell(fdt, uart, "interrupts", 0));
	EXPECT_EQ(1, cell(fdt, uart, "interrupts", 1));
	EXPECT_EQ(IRQ_LEVEL_HIGH, cell(fdt, uart, "interrupts", 2));
	EXPECT_EQ(8, prop_len(fdt, uart, "clocks"));
	EXPECT_EQ(clk, follow(fdt, uart, "clocks", 0));
	EXPECT_EQ(clk, follow(fdt, uart, "clocks", 1));
	EXPECT_TRUE(STRLIST_IS(fdt, uart, "clock-names", "uartclk\0apb_pclk"));

	EXPECT_TRUE(STRLIST_IS(fdt, rtc, "compatible", "arm,pl031\0arm,primecell"));
	EXPECT_EQ(BOARD_RTC_BASE, cell64(fdt, rtc, "reg"));
	EXPECT_EQ(BOARD_RTC_SIZE, cell(fdt, rtc, "reg", 3));
	EXPECT_EQ(0, cell(fdt, rtc, "interrupts", 0));
	EXPECT_EQ(2, cell(fdt, rtc, "interrupts", 1));
	EXPECT_EQ(IRQ_LEVEL_HIGH, cell(fdt, rtc, "interrupts", 2));
	EXPECT_EQ(4, prop_len(fdt, rtc, "clocks"));
	EXPECT_EQ(clk, follow(fdt, rtc, "clocks", 0));
	EXPECT_STREQ("apb_pclk", str(fdt, rtc, "clock-names"));
	free(fdt);
}

/* A transport node for exactly the slots asked for, each with its own edge SPI. */
TEST(virtio_nodes_match_slot_bits)
{
	static const uint32_t masks[] = { 0, 1, 0x80000005, 0x00f0f001, 0xffffffff };
	unsigned int i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		struct devtree_config cfg = full_config;
		uint32_t seen = 0;
		void *fdt;
		int off;

		cfg.virtio_slots = masks[i];
		fdt = build(_metadata, &cfg);
		fdt_for_each_subnode(off, fdt, 0) {
			uint64_t base;
			uint32_t slot;
			char name[32];

			if (!str(fdt, off, "compatible") ||
			    strcmp(str(fdt, off, "compatible"), "virtio,mmio"))
				continue;
			base = cell64(fdt, off, "reg");
			ASSERT_GE(base, BOARD_VIRTIO_BASE);
			ASSERT_EQ(0, (base - BOARD_VIRTIO_BASE) % BOARD_VIRTIO_STRIDE);
			slot = (base - BOARD_VIRTIO_BASE) / BOARD_VIRTIO_STRIDE;
			ASSERT_LT(slot, BOARD_VIRTIO_SLOTS);
			EXPECT_EQ(0, seen & 1u << slot);	/* one node per slot */
			seen |= 1u << slot;

			snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)base);
			EXPECT_STREQ(name, fdt_get_name(fdt, off, NULL));
			EXPECT_EQ(0, cell(fdt, off, "reg", 2));
			EXPECT_EQ(0x200, cell(fdt, off, "reg", 3));
			EXPECT_EQ(0, cell(fdt, off, "interrupts", 0));
			EXPECT_EQ(16 + slot, cell(fdt, off, "interrupts", 1));
			EXPECT_EQ(IRQ_EDGE_RISING, cell(fdt, off, "interrupts", 2));
			EXPECT_EQ(0, prop_len(fdt, off, "dma-coherent"));
		}
		EXPECT_EQ(masks[i], seen);
		EXPECT_EQ(__builtin_popcount(masks[i]), count_compatible(fdt, "virtio,mmio"));
		free(fdt);
	}
}

TEST(chosen_and_aliases)
{
	void *fdt = build(_metadata, &full_config);
	int chosen = node(fdt, "/chosen"), aliases = node(fdt, "/aliases");
	const char *out;

	ASSERT_GE(chosen, 0);
	ASSERT_GE(aliases, 0);
	EXPECT_STREQ(full_config.bootargs, str(fdt, chosen, "bootargs"));
	EXPECT_EQ(full_config.initrd_start, cell64(fdt, chosen, "linux,initrd-start"));
	EXPECT_EQ(full_config.initrd_start + full_config.initrd_size,
		  cell64(fdt, chosen, "linux,initrd-end"));

	out = str(fdt, chosen, "stdout-path");
	ASSERT_NE(NULL, out);
	EXPECT_STREQ("/pl011@9000000", out);
	EXPECT_EQ(node(fdt, "/pl011@9000000"), node(fdt, out));
	EXPECT_STREQ("/pl011@9000000", fdt_get_alias(fdt, "serial0"));
	free(fdt);
}

/* What is not configured is not described. */
TEST(minimal_config_leaves_out_the_optional)
{
	struct devtree_config cfg = {
		.ram_base = RAM_BASE,
		.ram_size = 64ull << 20,
		.nr_cpus = 1,
	};
	void *fdt = build(_metadata, &cfg);
	int chosen = node(fdt, "/chosen");

	ASSERT_GE(chosen, 0);	/* Linux wants /chosen even when empty */
	EXPECT_EQ(-1, prop_len(fdt, chosen, "bootargs"));
	EXPECT_EQ(-1, prop_len(fdt, chosen, "linux,initrd-start"));
	EXPECT_EQ(-1, prop_len(fdt, chosen, "linux,initrd-end"));
	EXPECT_EQ(-1, prop_len(fdt, chosen, "stdout-path"));
	EXPECT_EQ(NULL, fdt_get_alias(fdt, "serial0"));
	EXPECT_EQ(0, count_compatible(fdt, "arm,pl011"));
	EXPECT_EQ(0, count_compatible(fdt, "arm,pl031"));
	EXPECT_EQ(0, count_compatible(fdt, "virtio,mmio"));
	EXPECT_EQ(1u, cpu_count(fdt));
	/* The core of the board is always there. */
	EXPECT_GE(node(fdt, "/intc@8000000"), 0);
	EXPECT_GE(node(fdt, "/timer"), 0);
	EXPECT_GE(node(fdt, "/psci"), 0);
	EXPECT_EQ(64u << 20, cell(fdt, node(fdt, "/memory@40000000"), "reg", 3));
	free(fdt);
}

/* Every buffer smaller than the tree is refused, and nothing past it is written. */
TEST(too_small_buffer_is_enospc)
{
	uint8_t *buf = malloc(DTB_BUF + 64);
	int size, len;

	ASSERT_NE(NULL, buf);
	size = devtree_build(&full_config, buf, DTB_BUF);
	ASSERT_GT(size, 0);

	for (len = 0; len < size; len++) {
		memset(buf, 0xa5, size + 64);
		ASSERT_EQ(-ENOSPC, devtree_build(&full_config, buf, len));
		for (int i = len; i < size + 64; i++)
			ASSERT_EQ(0xa5, buf[i]);
	}
	EXPECT_EQ(size, devtree_build(&full_config, buf, size));
	EXPECT_EQ(0, fdt_check_header(buf));
	free(buf);
}

TEST(bad_configs_are_einval)
{
	uint8_t *buf = malloc(DTB_BUF);
	struct devtree_config cfg;

	ASSERT_NE(NULL, buf);

	cfg = full_config;
	cfg.nr_cpus = 0;
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));
	cfg.nr_cpus = DEVTREE_MAX_CPUS + 1;
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));
	cfg.nr_cpus = 100;
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));
	cfg.nr_cpus = DEVTREE_MAX_CPUS;
	EXPECT_GT(devtree_build(&cfg, buf, DTB_BUF), 0);

	cfg = full_config;
	cfg.ram_size = 0;
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));
	cfg.ram_base = ~0ull - 0xfff;
	cfg.ram_size = 0x2000;			/* wraps */
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));

	cfg = full_config;
	cfg.initrd_start = RAM_BASE - 0x1000;	/* starts below RAM */
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));
	cfg.initrd_start = RAM_BASE + cfg.ram_size - 0x1000;
	cfg.initrd_size = 0x1001;		/* one byte past the end */
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));
	cfg.initrd_size = 0x1000;		/* ends exactly at the end */
	EXPECT_GT(devtree_build(&cfg, buf, DTB_BUF), 0);
	cfg.initrd_start = ~0ull - 0xff;
	cfg.initrd_size = 0x200;		/* wraps */
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));

	cfg = full_config;
	cfg.uart = false;			/* stdout-path would name a missing node */
	EXPECT_EQ(-EINVAL, devtree_build(&cfg, buf, DTB_BUF));
	free(buf);
}

TEST_HARNESS_MAIN
