// SPDX-License-Identifier: GPL-2.0
/*
 * kvm32.ko takes Hyp mode over on every CPU and gives it back, again and
 * again, on a board whose CPUs booted in Hyp mode: each time every CPU
 * answers a round trip through kvm32's Hyp code; no error, no kernel
 * warning, no memory left behind. Runs with the module not loaded
 * (qemu-run --no-module), with any number of CPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include "board_util.h"
#include "kselftest_harness.h"

#define CYCLES 100
/*
 * The first loads grow kernel caches once (kprobe instruction slots and the
 * like: about 300 KiB over the first ten); after WARMUP_CYCLES, settled
 * samples stay within about 100 KiB (seen on 4 CPUs, where deferred frees
 * lag most) and that drift does not grow with the number of cycles. A leak
 * of one page per cycle (400 KiB over CYCLES) is well beyond DRIFT_KIB.
 */
#define WARMUP_CYCLES 20
#define DRIFT_KIB 128
/* A cycle takes about 0.5 s on the emulated board (kprobes patch text). */
#define CYCLES_TIMEOUT_S 900

static void load_ok(struct __test_metadata *_metadata)
{
	char report[512];
	int ret = module_load(KVM32_MODULE_PATH, NULL);

	ASSERT_EQ(0, ret) TH_LOG("insmod: %s", strerror(-ret));
	ASSERT_TRUE(module_is_loaded(KVM32_MODULE_NAME));
	ASSERT_TRUE(hyp_ping_all_ok(report, sizeof(report)))
		TH_LOG("Hyp round trip: %s", report);
}

static void unload_ok(struct __test_metadata *_metadata)
{
	int ret = module_unload(KVM32_MODULE_NAME);

	ASSERT_EQ(0, ret) TH_LOG("rmmod: %s", strerror(-ret));
	ASSERT_FALSE(module_is_loaded(KVM32_MODULE_NAME));
}

FIXTURE(module) {};

FIXTURE_SETUP(module)
{
	ASSERT_FALSE(module_is_loaded(KVM32_MODULE_NAME))
		TH_LOG("kvm32 is loaded already: run with qemu-run --no-module");
}

/* A failed test must not leave the module loaded for the next one. */
FIXTURE_TEARDOWN(module)
{
	if (module_is_loaded(KVM32_MODULE_NAME))
		module_unload(KVM32_MODULE_NAME);
}

TEST_F(module, announces_itself)
{
	unsigned int mark = dmesg_mark();
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char expect[64];
	char *log;

	load_ok(_metadata);
	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	snprintf(expect, sizeof(expect), "Hyp mode on %ld CPUs, ", cpus);
	EXPECT_NE(NULL, strstr(log, "kvm32: kvm32 0.")) TH_LOG("no load line in: %s", log);
	EXPECT_NE(NULL, strstr(log, "KiB of Hyp memory")) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, expect)) TH_LOG("expected '%s' in: %s", expect, log);
	free(log);
	unload_ok(_metadata);
}

TEST_F_TIMEOUT(module, load_unload_cycles, CYCLES_TIMEOUT_S)
{
	struct mem_sample before, after;
	unsigned int mark;
	char problem[256];
	char *log;

	/* One-time cache growth does not count as a leak. */
	for (int i = 0; i < WARMUP_CYCLES; i++) {
		load_ok(_metadata);
		unload_ok(_metadata);
	}
	mark = dmesg_mark();
	before = memory_sample();

	for (int i = 0; i < CYCLES; i++) {
		load_ok(_metadata);
		unload_ok(_metadata);
	}

	after = memory_sample();
	TH_LOG("after %d cycles: Slab %+ld KiB, MemFree %+ld KiB", CYCLES,
	       after.slab_kib - before.slab_kib, after.free_kib - before.free_kib);

	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_FALSE(dmesg_find_problem(log, problem, sizeof(problem)))
		TH_LOG("kernel log: %s", problem);
	free(log);
	EXPECT_LE(after.slab_kib - before.slab_kib, DRIFT_KIB);
	EXPECT_GE(after.free_kib - before.free_kib, -DRIFT_KIB);
}

TEST_F(module, undefined_probe_is_caught)
{
	unsigned int mark = dmesg_mark();
	char *log;
	int ret;

	ret = module_load(KVM32_MODULE_PATH, "probe_selftest=1");
	ASSERT_EQ(0, ret) TH_LOG("insmod: %s", strerror(-ret));
	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "undefined instruction was caught")) TH_LOG("%s", log);
	free(log);
	unload_ok(_metadata);
}

TEST_F(module, unload_refused_while_in_use)
{
	int fd;

	load_ok(_metadata);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open /dev/kvm: %s", strerror(errno));
	EXPECT_EQ(-EWOULDBLOCK, module_unload(KVM32_MODULE_NAME));
	EXPECT_TRUE(module_is_loaded(KVM32_MODULE_NAME));
	close(fd);
	unload_ok(_metadata);
}

TEST_F(module, device_name_can_be_changed)
{
	int fd, ret;

	ret = module_load(KVM32_MODULE_PATH, "devname=kvm32-test");
	ASSERT_EQ(0, ret) TH_LOG("insmod: %s", strerror(-ret));
	EXPECT_NE(0, access("/dev/kvm", F_OK));
	fd = open("/dev/kvm32-test", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open /dev/kvm32-test: %s", strerror(errno));
	EXPECT_EQ(12, ioctl(fd, KVM_GET_API_VERSION, 0));
	close(fd);
	unload_ok(_metadata);
}

TEST_F(module, double_load_is_refused)
{
	int ret;

	load_ok(_metadata);
	ret = module_load(KVM32_MODULE_PATH, NULL);
	EXPECT_EQ(-EEXIST, ret);
	unload_ok(_metadata);
}

TEST_HARNESS_MAIN
