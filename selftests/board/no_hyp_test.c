// SPDX-License-Identifier: GPL-2.0
/*
 * On a board whose CPUs booted in SVC mode (qemu-run --no-virt) insmod fails
 * with ENODEV and one clear kernel-log line that says why and what to do,
 * without an oops or a warning, and leaves nothing loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_util.h"
#include "kselftest_harness.h"

TEST(insmod_refused_with_reason)
{
	unsigned int mark = dmesg_mark();
	char problem[256];
	char *log;
	int ret;

	ret = module_load(KVM32_MODULE_PATH, NULL);
	EXPECT_EQ(-ENODEV, ret) TH_LOG("insmod returned %d (%s)", ret, strerror(-ret));
	EXPECT_FALSE(module_is_loaded(KVM32_MODULE_NAME));

	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "kvm32: ")) TH_LOG("no kvm32 message in: %s", log);
	EXPECT_NE(NULL, strstr(log, "boot the kernel in HYP mode"))
		TH_LOG("no advice in: %s", log);
	EXPECT_FALSE(dmesg_find_problem(log, problem, sizeof(problem)))
		TH_LOG("kernel log: %s", problem);
	free(log);
}

/*
 * QEMU hides the Virtualization Extensions when EL2 is off, so the hvc probe
 * is not reached here; on real boards booted in SVC it is, and an uncaught
 * UNDEFINED hvc would oops. Prove the catcher works where Hyp is absent.
 */
TEST(undefined_probe_is_caught)
{
	unsigned int mark = dmesg_mark();
	char problem[256];
	char *log;

	EXPECT_EQ(-ENODEV, module_load(KVM32_MODULE_PATH, "probe_selftest=1"));
	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "undefined instruction was caught")) TH_LOG("%s", log);
	EXPECT_FALSE(dmesg_find_problem(log, problem, sizeof(problem)))
		TH_LOG("kernel log: %s", problem);
	free(log);
}

TEST(refused_every_time)
{
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(-ENODEV, module_load(KVM32_MODULE_PATH, NULL));
	EXPECT_FALSE(module_is_loaded(KVM32_MODULE_NAME));
}

TEST_HARNESS_MAIN
