// SPDX-License-Identifier: GPL-2.0
/*
 * The `vmm` command as its users drive it: it boots the stock Debian kernel
 * (the board's own) as a guest with the small guest initramfs
 * (/kvm32/guest), runs a command in it and reports its output; the guest
 * sees the CPUs asked for; SYSTEM_OFF ends vmm with status 0, a reset with
 * --no-reboot with 3, SIGTERM with 4; virtio-blk writes reach the image
 * file and a read-only disk refuses them; the terminal's keys reach the
 * guest's console, the PL011's or the virtio console's (hvc0), and Ctrl-A x
 * quits; a virtio-net card on a TAP of the board reaches the board's network
 * with the MAC asked for; bad inputs end with a clear message and status 1
 * or 2, never a crash.
 * Runs with kvm32 loaded (and tun.ko, which the board's init loads).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>

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
 * Keys typed at vmm's terminal: once @after has appeared in its output (NULL:
 * at once), @keys are written to its stdin, or vmm is sent @signal. A list
 * ends with keys NULL and signal 0.
 */
struct typing {
	const char *after;
	const char *keys;
	int signal;
};

/*
 * Runs vmm with @argv (NULL-terminated, without "vmm"), collecting its
 * output. Its stdin is /dev/null, or with @typing a pipe the keys go into
 * (held open until vmm ends). After @stop_after seconds (0: never) it is
 * sent SIGTERM; after BOOT_TIMEOUT, SIGKILL.
 */
static struct vmm_result run_vmm_typing(const char *const *argv, double stop_after,
					const struct typing *typing)
{
	struct vmm_result r = { .status = -1 };
	const char *args[32] = { VMM };
	double start = now_s();
	size_t len = 0;
	bool stopped = false;
	int pipefd[2], keys[2] = { -1, -1 }, i, wstatus;
	pid_t pid;

	for (i = 0; argv[i] && i < 30; i++)
		args[i + 1] = argv[i];
	r.out = calloc(1, OUT_MAX + 1);
	if (!r.out || pipe(pipefd) || (typing && pipe(keys)))
		return r;
	pid = fork();
	if (pid == 0) {
		int in = typing ? keys[0] : open("/dev/null", O_RDONLY);

		dup2(in, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		if (typing)
			close(keys[1]);
		execv(VMM, (char *const *)args);
		_exit(127);
	}
	close(pipefd[1]);
	if (typing)
		close(keys[0]);
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		double elapsed = now_s() - start;
		ssize_t n;

		/* r.out stays NUL-terminated: calloc'd, and len < OUT_MAX + 1. */
		while (typing && (typing->keys || typing->signal) &&
		       (!typing->after || strstr(r.out, typing->after))) {
			if (typing->signal)
				kill(pid, typing->signal);
			else if (write(keys[1], typing->keys, strlen(typing->keys)) < 0)
				break;
			typing++;
		}
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
	if (keys[1] >= 0)
		close(keys[1]);
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

static struct vmm_result run_vmm(const char *const *argv, double stop_after)
{
	return run_vmm_typing(argv, stop_after, NULL);
}

/*
 * Boots the default guest running @cmd with its console on @console
 * (ttyAMA0, hvc0), extra vmm options (up to 4, NULL-terminated) and keys
 * typed as @typing says (NULL: none).
 */
static struct vmm_result boot_guest_on(const char *console, const char *cmd,
				       const char *const *opts, const struct typing *typing)
{
	static char cmdline[512];
	const char *argv[16] = {
		"run", "--kernel", KERNEL, "--initrd", INITRD, "--mem", "128M", "--cmdline", cmdline,
	};
	int n = 9;

	snprintf(cmdline, sizeof(cmdline), "console=%s quiet kvm32_run=\"%s\"", console, cmd);
	while (opts && *opts && n < 15)
		argv[n++] = *opts++;
	return run_vmm_typing(argv, 0, typing);
}

/* Boots the default guest running @cmd on the PL011, with extra vmm options. */
static struct vmm_result boot_guest(const char *cmd, const char *opt1, const char *opt2,
				    const char *opt3, const char *opt4)
{
	const char *const opts[] = { opt1, opt2, opt3, opt4, NULL };
	const char *const *p = opts;
	const char *given[5];
	int n = 0;

	for (; p < opts + 4; p++)
		if (*p)
			given[n++] = *p;
	given[n] = NULL;
	return boot_guest_on("ttyAMA0", cmd, given, NULL);
}

/* The guest command's output, between the guest init's markers. */
static const char *guest_output(const struct vmm_result *r)
{
	const char *begin = strstr(r->out, "@@GUEST-BEGIN@@\n");

	return begin ? begin + strlen("@@GUEST-BEGIN@@\n") : "";
}

/*
 * Every test boots a guest or several, which takes longer than the harness's
 * default 30 s on a busy machine: they share an empty fixture for the timeout.
 */
#define TEST_TIMEOUT	300
FIXTURE(vmm) {};
FIXTURE_SETUP(vmm) {}
FIXTURE_TEARDOWN(vmm) {}
#define VMM_TEST(name)	TEST_F_TIMEOUT(vmm, name, TEST_TIMEOUT)

#define EXPECT_OUTPUT(r, text)							\
	EXPECT_NE(NULL, strstr((r).out, (text))) TH_LOG("no '%s' in:\n%s", (text), (r).out)

VMM_TEST(boots_the_stock_kernel_and_runs_a_command)
{
	struct vmm_result r = boot_guest("echo guest says $((6 * 7)); uname -m", NULL, NULL,
					 NULL, NULL);

	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_EQ(0, r.signal);
	EXPECT_NE(NULL, strstr(guest_output(&r), "guest says 42\narmv7l\n")) TH_LOG("%s", r.out);
	EXPECT_OUTPUT(r, "@@GUEST-END rc=0@@");
	free(r.out);
}

VMM_TEST(guest_sees_two_cpus)
{
	struct vmm_result r = boot_guest("echo cpus=$(nproc)", "--cpus", "2", NULL, NULL);

	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "cpus=2\n")) TH_LOG("%s", r.out);
	free(r.out);
}

VMM_TEST(reset_with_no_reboot_ends_with_status_3)
{
	struct vmm_result r = boot_guest("reboot -f", "--no-reboot", NULL, NULL, NULL);

	EXPECT_EQ(3, r.status) TH_LOG("%s", r.out);
	free(r.out);
}

VMM_TEST(sigterm_stops_the_guest_with_status_4)
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

VMM_TEST(disk_writes_reach_the_image)
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

VMM_TEST(read_only_disk_refuses_writes)
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

/* ---- The console: output out, keys in, Ctrl-A x, on either console device ---------- */

/*
 * Longer than the PL011's 32-byte receive FIFO and than one 64-byte read of
 * the terminal: it must wait for room in pieces and still arrive whole.
 * No spaces or quotes, so it passes through the kernel command line as is.
 */
#define LONG_LINE	"hello-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-" \
			"abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-end"

/*
 * The guest says which console it has, reads a line from it and echoes it
 * back; once it has, Ctrl-A x ends vmm (status 4) while the guest sleeps.
 * The line is typed once the guest has said which console it has, so the
 * tty's echo of it cannot land in the middle of that.
 */
static struct vmm_result type_a_line(const char *console, const char *const *opts)
{
	char said[32];
	const struct typing typing[] = {
		{ said, LONG_LINE "\n", 0 },
		{ "-end@\r\n", "\x01x", 0 },	/* the output is raw here: CR LF */
		{ NULL, NULL, 0 },
	};

	snprintf(said, sizeof(said), "on %s\r\n", console);

	return boot_guest_on(console, "echo on $(cat /sys/class/tty/console/active); "
			     "read line; echo got:$line@; sleep 100", opts, typing);
}

VMM_TEST(serial_console_carries_keys_both_ways_and_ctrl_a_x_quits)
{
	struct vmm_result r = type_a_line("ttyAMA0", NULL);

	EXPECT_EQ(4, r.status) TH_LOG("%s", r.out);
	EXPECT_OUTPUT(r, "on ttyAMA0\n");
	EXPECT_OUTPUT(r, "got:" LONG_LINE "@\n");
	free(r.out);
}

VMM_TEST(virtio_console_carries_keys_both_ways_and_ctrl_a_x_quits)
{
	static const char *const opts[] = { "--console", "virtio", NULL };
	struct vmm_result r = type_a_line("hvc0", opts);

	EXPECT_EQ(4, r.status) TH_LOG("%s", r.out);
	EXPECT_OUTPUT(r, "on hvc0\n");
	EXPECT_OUTPUT(r, "got:" LONG_LINE "@\n");
	free(r.out);
}

/* ---- virtio-net on a TAP of the board ------------------------------------------------- */

#define TAP_NAME	"kvm32tap0"
#define GUEST_MAC	"52:54:00:aa:bb:cc"

/* Makes TAP_NAME exist without holding it (persistent), so that vmm can attach to it. */
static int tap_persist(bool on)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), ret = -1;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, TAP_NAME);
	if (!ioctl(fd, TUNSETIFF, &ifr) && !ioctl(fd, TUNSETPERSIST, on ? 1 : 0))
		ret = 0;
	close(fd);
	return ret;
}

FIXTURE(tap) {
	bool made;
};

FIXTURE_SETUP(tap)
{
	ASSERT_EQ(0, access("/dev/net/tun", R_OK | W_OK)) TH_LOG("no /dev/net/tun: tun.ko not loaded?");
	ASSERT_EQ(0, tap_persist(true)) TH_LOG("cannot create " TAP_NAME ": %s", strerror(errno));
	self->made = true;
	ASSERT_EQ(0, system("ip addr add 10.0.2.1/24 dev " TAP_NAME " && ip link set " TAP_NAME " up"));
}

FIXTURE_TEARDOWN(tap)
{
	/* No longer persistent, and no fd holds it: the interface goes. */
	if (self->made)
		tap_persist(false);
}

TEST_F_TIMEOUT(tap, guest_pings_the_board_through_virtio_net_with_its_mac, TEST_TIMEOUT)
{
	static const char *const opts[] = { "--net", "tap=" TAP_NAME ",mac=" GUEST_MAC, NULL };
	struct vmm_result r = boot_guest_on("ttyAMA0",
		"ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; "
		"ping -c 3 -A -W 5 10.0.2.1 && echo ping-ok; cat /sys/class/net/eth0/address",
		opts, NULL);

	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "3 packets transmitted, 3 packets received"))
		TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "ping-ok\n")) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "\n" GUEST_MAC "\n")) TH_LOG("%s", r.out);
	free(r.out);
}

VMM_TEST(bad_net_settings_get_clear_errors)
{
	const struct net_case {
		const char *argv[8];
		int status;
		const char *message;
	} cases[] = {
		{ { "run", "--kernel", KERNEL, "--net", "tap=", NULL }, 2, "bad setting 'tap='" },
		{ { "run", "--kernel", KERNEL, "--net", "tap=x,mac=52:54:00:zz:00:01", NULL }, 2,
		  "bad setting 'mac=52:54:00:zz:00:01'" },
		{ { "run", "--kernel", KERNEL, "--net", "tap=x,mac=01:00:5e:00:00:01", NULL }, 2,
		  "bad setting 'mac=01:00:5e:00:00:01'" },
		{ { "run", "--kernel", KERNEL, "--net", "tap=x,speed=10", NULL }, 2,
		  "bad setting 'speed=10'" },
		{ { "run", "--kernel", KERNEL, "--net", "tap=a-name-much-too-long", NULL }, 1,
		  "--net tap=a-name-much-too-long: 'a-name-much-too-long': interface names have at most 15 characters" },
		/* An interface that exists but is no TAP: the board's loopback. */
		{ { "run", "--kernel", KERNEL, "--net", "tap=lo", NULL }, 1,
		  "--net tap=lo: lo is not usable as a TAP interface" },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmm_result r = run_vmm(cases[i].argv, 0);

		EXPECT_EQ(cases[i].status, r.status) TH_LOG("case %u: %s", i, r.out);
		EXPECT_EQ(0, r.signal) TH_LOG("case %u", i);
		EXPECT_NE(NULL, strstr(r.out, cases[i].message))
			TH_LOG("case %u: no '%s' in: %s", i, cases[i].message, r.out);
		free(r.out);
	}
}

VMM_TEST(reset_reboots_the_guest)
{
	/* The disk remembers the first boot across the reset. */
	struct vmm_result r;
	char disk[64];
	const char *img = "/tmp/vmm-test-reboot.img";

	ASSERT_TRUE(make_image(img));
	snprintf(disk, sizeof(disk), "%s", img);
	r = boot_guest("if dd if=/dev/vda bs=8 count=1 2>/dev/null | grep -q BOOTED; "
		       "then echo second-boot; "
		       "else echo -n BOOTED | dd of=/dev/vda conv=fsync 2>/dev/null; "
		       "echo first-boot; reboot -f; fi", "--disk", disk, NULL, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_OUTPUT(r, "first-boot\n");
	EXPECT_OUTPUT(r, "second-boot\n");
	EXPECT_LT(strstr(r.out, "first-boot"), strstr(r.out, "second-boot"));
	unlink(img);
	free(r.out);
}

VMM_TEST(completed_flush_survives_kill_9)
{
	const char *img = "/tmp/vmm-test-kill.img";
	char buf[sizeof(PATTERN)] = { 0 };
	const struct typing kill9[] = { { "flushed-ok\r\n", NULL, SIGKILL }, { NULL, NULL, 0 } };
	const char *const opts[] = { "--disk", img, NULL };
	struct vmm_result r;

	ASSERT_TRUE(make_image(img));
	r = boot_guest_on("ttyAMA0", "echo -n " PATTERN " | dd of=/dev/vda bs=512 seek=5 "
			  "conv=fsync 2>/dev/null && echo flushed-ok; sleep 1000", opts, kill9);
	EXPECT_EQ(SIGKILL, r.signal) TH_LOG("%s", r.out);
	ASSERT_TRUE(read_image(img, 5 * 512, buf, strlen(PATTERN)));
	EXPECT_STREQ(PATTERN, buf);
	unlink(img);
	free(r.out);
}

VMM_TEST(dumped_device_tree_boots_with_dtb)
{
	const char *dtb = "/tmp/vmm-test.dtb";
	static const char *const dump[] = {
		"run", "--kernel", KERNEL, "--initrd", INITRD, "--mem", "128M", "--cpus", "2",
		"--cmdline", "console=ttyAMA0 quiet kvm32_run=\"echo from-the-dtb $(nproc)\"",
		"--dump-dtb", "/tmp/vmm-test.dtb", NULL,
	};
	static const char *const from_dtb[] = {
		"run", "--kernel", KERNEL, "--initrd", INITRD, "--mem", "128M", "--cpus", "2",
		"--dtb", "/tmp/vmm-test.dtb", NULL,
	};
	const char *const own_cmdline[] = { "--cpus", "2", "--dtb", dtb, NULL };
	uint8_t magic[4] = { 0 };
	struct vmm_result r;
	int fd;

	/* --dump-dtb writes the tree (FDT magic d00dfeed) and runs nothing. */
	unlink(dtb);
	r = run_vmm(dump, 0);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_EQ(NULL, strstr(r.out, "kvm32-guest")) TH_LOG("%s", r.out);
	free(r.out);
	fd = open(dtb, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, read(fd, magic, 4));
	close(fd);
	EXPECT_EQ(0xd0, magic[0]);
	EXPECT_EQ(0x0d, magic[1]);
	EXPECT_EQ(0xfe, magic[2]);
	EXPECT_EQ(0xed, magic[3]);

	/* Booted with it, the guest gets its bootargs and CPUs... */
	r = run_vmm(from_dtb, 0);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "from-the-dtb 2\n")) TH_LOG("%s", r.out);
	free(r.out);
	/* ... unless --cmdline says otherwise: vmm rewrites /chosen. */
	r = boot_guest_on("ttyAMA0", "echo own-cmdline", own_cmdline, NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(guest_output(&r), "own-cmdline\n")) TH_LOG("%s", r.out);
	free(r.out);
	unlink(dtb);
}

/* ---- Bad input: a message naming the problem, status 2 (usage) or 1 ---------------- */

struct bad_case {
	const char *argv[12];
	int status;
	const char *message;
};

VMM_TEST(bad_inputs_get_clear_errors)
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
		{ { "run", "--kernel", KERNEL, "--dtb", empty, NULL }, 1,
		  "not a flattened device tree" },
		{ { "run", "--kernel", KERNEL, "--dtb", "/no/such.dtb", NULL }, 1, "/no/such.dtb" },
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
