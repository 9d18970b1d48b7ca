// SPDX-License-Identifier: GPL-2.0
/*
 * Hyp mode's address space holds what Hyp needs and nothing more, on every
 * CPU: Hyp reads and writes its CPU's data page coherently with the kernel,
 * faults on kernel data that was not mapped for it, cannot write its own
 * code, and recovers from those faults (kvm32's debugfs hyp_selftest runs
 * the checks inside the module). Runs with kvm32 loaded.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "board_util.h"
#include "kselftest_harness.h"

static const char *const checks[] = { "cpu_data", "isolation", "text_ro", "recovery" };

TEST(every_check_passes_on_every_cpu)
{
	char report[4096], expect[64];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int fd = open("/sys/kernel/debug/kvm32/hyp_selftest", O_RDONLY | O_CLOEXEC);
	ssize_t len;

	ASSERT_LE(0, fd);
	len = read(fd, report, sizeof(report) - 1);
	close(fd);
	ASSERT_LT(0, len);
	report[len] = '\0';

	EXPECT_EQ(NULL, strstr(report, "FAIL")) TH_LOG("%s", report);
	for (long cpu = 0; cpu < cpus; cpu++) {
		for (unsigned int i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
			snprintf(expect, sizeof(expect), "cpu%ld %s ok\n", cpu, checks[i]);
			EXPECT_NE(NULL, strstr(report, expect)) TH_LOG("no '%s' in:\n%s",
								  expect, report);
		}
	}
}

TEST(hyp_still_answers_afterwards)
{
	char report[512];

	EXPECT_TRUE(hyp_ping_all_ok(report, sizeof(report))) TH_LOG("%s", report);
}

TEST_HARNESS_MAIN
