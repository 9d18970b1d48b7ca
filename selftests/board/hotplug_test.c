// SPDX-License-Identifier: GPL-2.0
/*
 * A CPU that goes offline and comes back while kvm32 is loaded gets kvm32's
 * Hyp mode again before it runs anything: the round trip works on it at
 * once, every time. Runs with kvm32 loaded on a board with 2 or more CPUs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board_util.h"
#include "kselftest_harness.h"

#define ROUNDS 10

FIXTURE(cpu1) {};

FIXTURE_SETUP(cpu1)
{
	char report[512];

	ASSERT_TRUE(module_is_loaded(KVM32_MODULE_NAME));
	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN)) TH_LOG("needs 2 CPUs online");
	ASSERT_TRUE(hyp_ping_all_ok(report, sizeof(report))) TH_LOG("%s", report);
}

/* Whatever happened, CPU1 is back online for the next test. */
FIXTURE_TEARDOWN(cpu1)
{
	cpu_set_online(1, true);
}

TEST_F(cpu1, offline_online_keeps_hyp)
{
	unsigned int mark = dmesg_mark();
	char report[512], problem[256];
	char *log;
	int ret;

	for (int i = 0; i < ROUNDS; i++) {
		ret = cpu_set_online(1, false);
		ASSERT_EQ(0, ret) TH_LOG("offline: %s", strerror(-ret));
		/* Only CPU0 is left to answer. */
		EXPECT_EQ(1, hyp_ping_all(report, sizeof(report))) TH_LOG("%s", report);
		EXPECT_EQ(NULL, strstr(report, "cpu1")) TH_LOG("%s", report);

		ret = cpu_set_online(1, true);
		ASSERT_EQ(0, ret) TH_LOG("online: %s", strerror(-ret));
		ASSERT_TRUE(hyp_ping_all_ok(report, sizeof(report))) TH_LOG("%s", report);
		EXPECT_NE(NULL, strstr(report, "cpu1 ok")) TH_LOG("%s", report);
	}

	log = dmesg_since(mark);
	ASSERT_NE(NULL, log);
	EXPECT_FALSE(dmesg_find_problem(log, problem, sizeof(problem)))
		TH_LOG("kernel log: %s", problem);
	free(log);
}

TEST_HARNESS_MAIN
