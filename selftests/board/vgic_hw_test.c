// SPDX-License-Identifier: GPL-2.0
/*
 * kvm32 finds the host GIC's virtualization interface where the device tree
 * says it is: the GICH and GICV frames (the third and fourth "reg" entries
 * of the GIC node), a mapped maintenance interrupt, and the number of list
 * registers the GIC implements (GICV2 on QEMU's board has 4). Runs with
 * kvm32 loaded.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define DT	"/proc/device-tree"
#define QEMU_GICV2_LRS	4

static ssize_t read_file(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, size);
	close(fd);
	return len;
}

/* The GIC node's path under /proc/device-tree, found by its compatible. */
static bool find_gic(char *path, size_t size)
{
	DIR *dir = opendir(DT);
	struct dirent *e;
	bool found = false;

	while (dir && !found && (e = readdir(dir))) {
		char compat[256] = "", p[300];
		ssize_t len;

		snprintf(p, sizeof(p), DT "/%s/compatible", e->d_name);
		len = read_file(p, compat, sizeof(compat) - 1);
		/* compatible is a list of NUL-separated strings: check the first. */
		if (len > 0 && !strcmp(compat, "arm,cortex-a15-gic")) {
			snprintf(path, size, DT "/%s", e->d_name);
			found = true;
		}
	}
	if (dir)
		closedir(dir);
	return found;
}

static uint64_t be_cells(const uint8_t *p, unsigned int cells)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < cells * 4; i++)
		v = (v << 8) | p[i];
	return v;
}

TEST(interface_is_where_the_device_tree_says)
{
	char gic[300], path[320], line[256] = "";
	uint8_t reg[8 * 16], cells[4];
	unsigned long long gich, gich_size, gicv, gicv_size;
	unsigned int ac, sc, lrs, irq;
	ssize_t len;

	ASSERT_TRUE(find_gic(gic, sizeof(gic))) TH_LOG("no arm,cortex-a15-gic node");
	/* The root's #address-cells and #size-cells shape the reg entries. */
	ASSERT_EQ(4, read_file(DT "/#address-cells", cells, 4));
	ac = be_cells(cells, 1);
	ASSERT_EQ(4, read_file(DT "/#size-cells", cells, 4));
	sc = be_cells(cells, 1);
	snprintf(path, sizeof(path), "%s/reg", gic);
	len = read_file(path, reg, sizeof(reg));
	ASSERT_GE(len, (ssize_t)(4 * (ac + sc) * 4)) TH_LOG("GIC reg without GICH/GICV");

	ASSERT_LT(0, read_file("/sys/kernel/debug/kvm32/vgic", line, sizeof(line) - 1));
	ASSERT_EQ(6, sscanf(line, "present gich=%llx/%llx gicv=%llx/%llx lrs=%u maint_irq=%u",
			    &gich, &gich_size, &gicv, &gicv_size, &lrs, &irq))
		TH_LOG("debugfs vgic: %s", line);

	EXPECT_EQ(be_cells(reg + 2 * (ac + sc) * 4, ac), gich);
	EXPECT_EQ(be_cells(reg + 2 * (ac + sc) * 4 + ac * 4, sc), gich_size);
	EXPECT_EQ(be_cells(reg + 3 * (ac + sc) * 4, ac), gicv);
	EXPECT_EQ(be_cells(reg + 3 * (ac + sc) * 4 + ac * 4, sc), gicv_size);
	EXPECT_EQ(QEMU_GICV2_LRS, lrs);
	EXPECT_LT(0, irq);
}

TEST_HARNESS_MAIN
