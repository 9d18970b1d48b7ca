// SPDX-License-Identifier: GPL-2.0
/*
 * The `vmm` command as its users drive it: it boots the stock Debian kernel
 * (the board's own) as a guest with the small guest initramfs
 * (/kvm32/guest), runs a command in it and reports its output; the guest
 * sees the CPUs asked for; SYSTEM_OFF ends vmm with status 0, a reset with
 * --no-reboot with 3, SIGTERM with 4; virtio-blk writes reach the image
 * file and a read-only disk refuses them; bad inputs end with a clear
 * message and status 1 or 2, never a crash.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define VMM		"/usr/bin/vmm"
#define KERNEL		"/kvm32/guest/zImage"
#define INITRD		"/kvm32/guest/initrd.gz"
#define BOOT_TIMEOUT	120	/* seconds: a boot takes about 10 on the board */
#define OUT_MAX		(256 * 1024)

struct vmm_result {
	int status;		/* exit status, or -1 */
	int signal;		/* the signal that killed it, or 0 */
	char *out;		/* stdout and stderr, NUL-terminated */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Runs vmm with @argv (NULL-terminated, without "vmm"), stdin from /dev/null,
 * collecting its output. After @stop_after seconds (0: never) it is sent
 * SIGTERM; after BOOT_TIMEOUT, SIGKILL.
 */
static struct vmm_result run_vmm(const char *const *argv, double stop_after)
{
	struct vmm_result r = { .status = -1 };
	const char *args[32] = { VMM };
	double start = now_s();
	size_t len = 0;
	bool stopped = false;
	int pipefd[2], i, wstatus;
	pid_t pid;

	for (i = 0; argv[i] && i < 30; i++)
		args[i + 1] = argv[i];
	r.out = calloc(1, OUT_MAX + 1);
	if (!r.out || pipe(pipefd))
		return r;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		execv(VMM, (char *const *)args);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		double elapsed = now_s() - start;
		ssize_t n;

		if (stop_after && !stopped && elapsed > stop_after) {
			kill(pid, SIGTERM);
			stopped = true;
		}
		if (elapsed > BOOT_TIMEOUT) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(pipefd[0], r.out + len, OUT_MAX - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(pipefd[0]);
	/* The guest's tty ends lines with CR LF: keep the LF only. */
	for (size_t from = 0, to = 0; from <= len; from++)
		if (r.out[from] != '\r')
			r.out[to++] = r.out[from];
	waitpid(pid, &wstatus, 0);
	if (WIFEXITED(wstatus))
		r.status = WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		r.signal = WTERMSIG(wstatus);
	return r;
}

/* Boots the default guest running @cmd, with extra vmm options. */
static struct vmm_result boot_guest(const char *cmd, const char *opt1, const char *opt2,
				    const char *opt3, const char *opt4)
{
	static char cmdline[512];
	const char *argv[16] = {
		"run", "--kernel", KERNEL, "--initrd", INITRD, "--mem", "128M", "--cmdline", cmdline,
	};
	int n = 9;

	snprintf(cmdline, sizeof(cmdline), "console=ttyAMA0 quiet kvm32_run=\"%s\"", cmd);
	if (opt1)
		argv[n++] = opt1;
	if (opt2)
		argv[n++] = opt2;
	if (opt3)
		argv[n++] = opt3;
	if (opt4)
		argv[n++] = opt4;
	return run_vmm(argv, 0);
}

/* The guest command's output, between the guest init's markers. */
static const char *guest_output(const struct vmm_result *r)
{
	const char *begin = strstr(r->out, "@@GUEST-BEGIN@@\n");

	return begin ? begin + strlen("@@GUEST-BEGIN@@\n") : "";
}

#define EXPECT_OUTPUT(r, text)							\
	EXPECT_NE(NULL, strstr((r).out, (text))) TH_LOG("no '%s' in:\n%s", (text), (r).out)

TEST(boots_the_stock_kernel_and_runs_a_command)
{
	struct vmm_result r = boot_guest("echo guest says $((6 * 7)); uname -m", NULL, NULL,
					 NULL, NULL);

	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_EQ(0, r.signal);
	EXPECT_NE(NULL, strstr(guest_output(&r), "guest says 42\narmv7l\n")) TH_LOG("%s", r.out);
	EXPECT_OUTPUT(r, "@@GUEST-END rc=0@@");
	free(r.out);
}

TEST(guest_sees_two_cpus)
{
	struct vmm_result r = boot_guest("echo cpus=$(nproc)", "--cpus", "2", NULL, NULL);

	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "cpus=2\n")) TH_LOG("%s", r.out);
	free(r.out);
}

TEST(reset_with_no_reboot_ends_with_status_3)
{
	struct vmm_result r = boot_guest("reboot -f", "--no-reboot", NULL, NULL, NULL);

	EXPECT_EQ(3, r.status) TH_LOG("%s", r.out);
	free(r.out);
}

TEST(sigterm_stops_the_guest_with_status_4)
{
	static const char *const argv[] = {
		"run", "--kernel", KERNEL, "--initrd", INITRD, "--mem", "128M",
		"--cmdline", "console=ttyAMA0 quiet kvm32_run=\"sleep 1000\"", NULL,
	};
	struct vmm_result r = run_vmm(argv, 15);

	EXPECT_EQ(4, r.status) TH_LOG("%s", r.out);
	EXPECT_EQ(0, r.signal);
	free(r.out);
}

#define DISK_SIZE	(4 << 20)
#define PATTERN		"kvm32-virtio-blk-pattern"

/* A zeroed raw image of DISK_SIZE bytes; false on failure. */
static bool make_image(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	bool ok = fd >= 0 && !ftruncate(fd, DISK_SIZE);

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool read_image(const char *path, off_t off, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && pread(fd, buf, len, off) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return ok;
}

TEST(disk_writes_reach_the_image)
{
	const char *img = "/tmp/vmm-test-disk.img";
	char buf[sizeof(PATTERN)] = { 0 };
	char disk[64];
	struct vmm_result r;

	ASSERT_TRUE(make_image(img));
	snprintf(disk, sizeof(disk), "%s", img);
	r = boot_guest("echo -n " PATTERN " | dd of=/dev/vda bs=512 seek=3 conv=fsync 2>&1; "
		       "echo size=$(cat /sys/block/vda/size)", "--disk", disk, NULL, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "size=8192\n")) TH_LOG("%s", r.out);
	ASSERT_TRUE(read_image(img, 3 * 512, buf, strlen(PATTERN)));
	EXPECT_STREQ(PATTERN, buf);
	unlink(img);
	free(r.out);
}

TEST(read_only_disk_refuses_writes)
{
	const char *img = "/tmp/vmm-test-ro.img";
	char buf[sizeof(PATTERN)] = { 0 };
	char disk[64];
	struct vmm_result r;

	ASSERT_TRUE(make_image(img));
	snprintf(disk, sizeof(disk), "%s,ro", img);
	r = boot_guest("echo ro=$(cat /sys/block/vda/ro); "
		       "echo -n " PATTERN " | dd of=/dev/vda bs=512 seek=3 conv=fsync 2>/dev/null;"
		       " echo dd=$?", "--disk", disk, NULL, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "ro=1\n")) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(guest_output(&r), "dd=0\n")) TH_LOG("%s", r.out);
	ASSERT_TRUE(read_image(img, 3 * 512, buf, strlen(PATTERN)));
	EXPECT_EQ(0, buf[0]);
	unlink(img);
	free(r.out);
}

/* ---- Bad input: a message naming the problem, status 2 (usage) or 1 ---------------- */

struct bad_case {
	const char *argv[12];
	int status;
	const char *message;
};

TEST(bad_inputs_get_clear_errors)
{
	static const char empty[] = "/tmp/vmm-test-empty";
	static const char big[] = "/tmp/vmm-test-big-initrd";
	const struct bad_case cases[] = {
		{ { "run", NULL }, 2, "--kernel PATH is required" },
		{ { "run", "--kernel", KERNEL, "--bogus", NULL }, 2, "unknown option '--bogus'" },
		{ { "run", "--kernel", NULL }, 2, "'--kernel' needs a value" },
		{ { "run", "--kernel", KERNEL, "--cpus", "9", NULL }, 2, "--cpus 9" },
		{ { "run", "--kernel", KERNEL, "--cpus", "two", NULL }, 2, "--cpus two" },
		{ { "run", "--kernel", KERNEL, "--mem", "0", NULL }, 2, "--mem 0" },
		{ { "run", "--kernel", KERNEL, "--mem", "lots", NULL }, 2, "--mem lots" },
		{ { "run", "--kernel", KERNEL, "--mem", "64G", NULL }, 1, "--mem" },
		{ { "run", "--kernel", KERNEL, "--console", "usb", NULL }, 2, "--console usb" },
		{ { "run", "--kernel", KERNEL, "--disk", "/x,rw", NULL }, 2, "unknown flag 'rw'" },
		{ { "run", "--kernel", KERNEL, "--net", "mac=02:00:00:00:00:01", NULL }, 2,
		  "tap=NAME is required" },
		{ { "run", "--kernel", "/no/such/kernel", NULL }, 1, "/no/such/kernel" },
		{ { "run", "--kernel", empty, NULL }, 1, "empty" },
		{ { "run", "--kernel", KERNEL, "--disk", "/no/such/disk", NULL }, 1,
		  "--disk /no/such/disk" },
		{ { "run", "--kernel", KERNEL, "--initrd", big, "--mem", "16M", NULL }, 1,
		  "does not fit" },
		{ { "frobnicate", NULL }, 2, "unknown command or option 'frobnicate'" },
	};
	int fd;

	fd = open(empty, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	fd = open(big, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 24 << 20));
	close(fd);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmm_result r = run_vmm(cases[i].argv, 0);

		EXPECT_EQ(cases[i].status, r.status) TH_LOG("case %u: %s", i, r.out);
		EXPECT_EQ(0, r.signal) TH_LOG("case %u", i);
		EXPECT_NE(NULL, strstr(r.out, cases[i].message))
			TH_LOG("case %u: no '%s' in: %s", i, cases[i].message, r.out);
		free(r.out);
	}
	unlink(empty);
	unlink(big);
}

TEST_HARNESS_MAIN
