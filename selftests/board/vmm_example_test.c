// SPDX-License-Identifier: GPL-2.0
/*
 * libvmm from the outside, with bare-metal guests (vmm/examples, carried in
 * /kvm32/examples):
 *
 * - the example launcher custom_device, which embeds libvmm and adds an MMIO
 *   device of its own, runs the mailbox payload: values go both ways, the
 *   device's interrupt reaches the guest, the launcher reports it all and
 *   exits 0; a guest that never talks to the device makes it exit 1;
 * - `vmm run` with the virtio_abuse payload: the virtio-blk device refuses
 *   every malformed descriptor chain (DEVICE_NEEDS_RESET, the image
 *   untouched), vmm says so once on stderr, works again after a reset, and
 *   only the payload's one good write reaches the image;
 * - random bytes as a raw kernel make the guest fault; vmm must neither
 *   crash nor hang: such a guest spins in its fault, so after GARBAGE_RUN_S
 *   it is stopped with SIGTERM and vmm must end with status 4 (or, had the
 *   guest ended by itself, with one of vmm's documented statuses).
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define VMM		"/usr/bin/vmm"
#define EXAMPLES	"/kvm32/examples"
#define LAUNCHER	EXAMPLES "/custom_device"
#define MAILBOX		EXAMPLES "/mailbox.elf"
#define ABUSE		EXAMPLES "/virtio_abuse.elf"
#define RUN_TIMEOUT	60	/* seconds; a payload run takes a few */
#define GARBAGE_RUN_S	5	/* how long a garbage guest may run before SIGTERM */
#define STOP_TIMEOUT	10	/* seconds from SIGTERM to vmm's exit, at most */
#define OUT_MAX		(64 * 1024)

struct run {
	int status;		/* exit status, or -1 */
	int signal;		/* the signal that killed it, or 0 */
	bool stopped;		/* we sent SIGTERM */
	double stop_to_exit;	/* seconds from SIGTERM to the end */
	char out[OUT_MAX + 1];	/* stdout, NUL-terminated */
	char err[OUT_MAX + 1];	/* stderr */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Appends what @fd has to @buf; returns false at end of file. */
static bool drain(int fd, char *buf, size_t *len)
{
	char scratch[4096];
	ssize_t n;

	if (*len < OUT_MAX)
		n = read(fd, buf + *len, OUT_MAX - *len);
	else
		n = read(fd, scratch, sizeof(scratch));	/* keep it from blocking */
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	if (*len < OUT_MAX)
		*len += n;
	return true;
}

/*
 * Runs @argv (NULL-terminated, argv[0] the path) with stdin from /dev/null,
 * stdout and stderr collected apart. After @stop_after seconds (0: never)
 * it gets SIGTERM; after RUN_TIMEOUT, or STOP_TIMEOUT past the SIGTERM,
 * SIGKILL. Returns a malloc()ed result.
 */
static struct run *run(const char *const *argv, double stop_after)
{
	struct run *r = calloc(1, sizeof(*r));
	int out[2], err[2], wstatus;
	size_t out_len = 0, err_len = 0;
	bool out_open = true, err_open = true;
	double start = now_s(), stop_time = 0;
	pid_t pid;

	if (!r || pipe(out) || pipe(err))
		abort();
	r->status = -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	while (out_open || err_open) {
		struct pollfd p[2] = {
			{ .fd = out_open ? out[0] : -1, .events = POLLIN },
			{ .fd = err_open ? err[0] : -1, .events = POLLIN },
		};
		double now = now_s();

		if (stop_after && !r->stopped && now - start > stop_after) {
			kill(pid, SIGTERM);
			r->stopped = true;
			stop_time = now;
		}
		if (now - start > RUN_TIMEOUT || (r->stopped && now - stop_time > STOP_TIMEOUT)) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[0].revents)
			out_open = drain(out[0], r->out, &out_len);
		if (p[1].revents)
			err_open = drain(err[0], r->err, &err_len);
	}
	close(out[0]);
	close(err[0]);
	waitpid(pid, &wstatus, 0);
	if (r->stopped)
		r->stop_to_exit = now_s() - stop_time;
	if (WIFEXITED(wstatus))
		r->status = WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		r->signal = WTERMSIG(wstatus);
	return r;
}

#define EXPECT_IN(haystack, needle)						\
	EXPECT_NE(NULL, strstr((haystack), (needle)))				\
		TH_LOG("no '%s' in:\n%s", (needle), (haystack))

/* ---- The example launcher and its own device -------------------------------------- */

TEST(example_launcher_exchanges_values_and_an_interrupt_with_the_guest)
{
	static const char *const argv[] = { LAUNCHER, MAILBOX, NULL };
	struct run *r = run(argv, 0);

	EXPECT_EQ(0, r->status) TH_LOG("stdout:\n%s\nstderr:\n%s", r->out, r->err);
	EXPECT_EQ(0, r->signal);
	/* The guest's side, through the UART: answers as mailbox_answer() computes them. */
	EXPECT_IN(r->out, "mailbox: sent 7, device answered 50\n");
	EXPECT_IN(r->out, "mailbox: sent 12345, device answered 152399026\n");
	EXPECT_IN(r->out, "mailbox: took interrupt 42\n");
	/* The launcher's side, from its device's records. */
	EXPECT_IN(r->out, "custom_device: exchange 1: guest wrote 7, device answered 50\n");
	EXPECT_IN(r->out, "custom_device: exchange 3: guest wrote 4294967294, device answered 5\n");
	EXPECT_IN(r->out,
		  "custom_device: doorbell rung 1 time(s), interrupt acknowledged 1 time(s)\n");
	EXPECT_IN(r->out,
		  "custom_device: guest verdict 0x600d0003, result: the guest powered off\n");
	EXPECT_IN(r->out, "custom_device: exchange ok\n");
	EXPECT_STREQ("", r->err);
	free(r);
}

TEST(example_launcher_fails_a_guest_that_ignores_its_device)
{
	/* The abuse payload finds no virtio-blk here: it powers off without using the mailbox. */
	static const char *const argv[] = { LAUNCHER, ABUSE, NULL };
	static const char *const usage[] = { LAUNCHER, NULL };
	struct run *r = run(argv, 0);

	EXPECT_EQ(1, r->status) TH_LOG("stdout:\n%s\nstderr:\n%s", r->out, r->err);
	EXPECT_EQ(0, r->signal);
	EXPECT_IN(r->out, "virtio-abuse: no virtio-blk device found\n");
	EXPECT_IN(r->out, "custom_device: doorbell rung 0 time(s)");
	EXPECT_IN(r->out, "result: the guest powered off\n");
	EXPECT_IN(r->out, "custom_device: exchange FAILED\n");
	free(r);

	r = run(usage, 0);
	EXPECT_EQ(2, r->status);
	EXPECT_IN(r->err, "usage:");
	free(r);
}

/* ---- A guest feeding virtio-blk malformed descriptor chains ---------------------------- */

#define IMAGE		"/tmp/vmm-example-abuse.img"
#define IMAGE_SECTORS	16
#define GOOD_SECTOR	1	/* as in virtio_abuse.c */
#define GOOD_TEXT	"kvm32 virtio-abuse: the good write\n"
#define SUMMARY		"virtio-abuse: summary: "
#define REPORT		"vmm: virtio-mmio slot 0: "

/* What the test puts in the image: no byte the payload's poison or good write has by chance. */
static uint8_t pattern_byte(size_t off)
{
	return 0x80 | (off * 7 % 127);
}

static unsigned int count(const char *s, const char *needle)
{
	unsigned int n = 0;

	for (; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

TEST(virtio_blk_refuses_malformed_chains_and_recovers_after_reset)
{
	static const char *const argv[] = {
		VMM, "run", "--kernel", ABUSE, "--disk", IMAGE, "--mem", "32M", NULL,
	};
	uint8_t image[IMAGE_SECTORS * 512], good[512] = { 0 };
	unsigned int refused = 0, total = 0;
	const char *summary;
	struct run *r;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(image); i++)
		image[i] = pattern_byte(i);
	fd = open(IMAGE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(image), write(fd, image, sizeof(image)));
	close(fd);

	r = run(argv, 0);
	/* The payload powered off: vmm's status 0. */
	EXPECT_EQ(0, r->status) TH_LOG("stdout:\n%s\nstderr:\n%s", r->out, r->err);
	EXPECT_EQ(0, r->signal);

	/* vmm reported the guest's first bad chain, once, naming device and problem. */
	EXPECT_EQ(1, count(r->err, "\n")) TH_LOG("stderr:\n%s", r->err);
	EXPECT_EQ(0, strncmp(r->err, REPORT, strlen(REPORT))) TH_LOG("stderr:\n%s", r->err);
	EXPECT_IN(r->err, "virtio-blk at 0xa000000, queue 0: descriptor index 200 is out of range");
	EXPECT_IN(r->err, "device needs reset\n");

	/* Every case refused with the image intact, and the good write went through. */
	summary = strstr(r->out, SUMMARY);
	ASSERT_NE(NULL, summary) TH_LOG("stdout:\n%s", r->out);
	EXPECT_EQ(2, sscanf(summary, SUMMARY "%u of %u", &refused, &total)) TH_LOG("%s", summary);
	EXPECT_EQ(total, refused) TH_LOG("stdout:\n%s", r->out);
	EXPECT_LE(14, total);
	EXPECT_IN(summary, "malformed requests refused, image intact, good write ok: PASS\n");
	EXPECT_EQ(total, count(r->out, "): refused, image intact\n")) TH_LOG("%s", r->out);

	/* The image holds the good write and, everywhere else, what it held before. */
	memcpy(good, GOOD_TEXT, strlen(GOOD_TEXT));
	fd = open(IMAGE, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)sizeof(image), read(fd, image, sizeof(image)));
	close(fd);
	EXPECT_EQ(0, memcmp(image + GOOD_SECTOR * 512, good, 512));
	for (i = 0; i < sizeof(image); i++) {
		if (i / 512 == GOOD_SECTOR)
			continue;
		if (image[i] != pattern_byte(i)) {
			EXPECT_EQ(pattern_byte(i), image[i]) TH_LOG("image byte %zu changed", i);
			break;
		}
	}
	unlink(IMAGE);
	free(r);
}

/* ---- A guest that is garbage ---------------------------------------------------------- */

#define GARBAGE		"/tmp/vmm-example-garbage.bin"
#define GARBAGE_BYTES	(64 * 1024)

/* xorshift32: the same garbage on every run, so a failure can be repeated. */
static bool write_garbage(uint32_t seed)
{
	static uint32_t buf[GARBAGE_BYTES / 4];
	uint32_t x = seed;
	bool ok;
	int fd;

	for (size_t i = 0; i < GARBAGE_BYTES / 4; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x;
	}
	fd = open(GARBAGE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return false;
	ok = write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
	close(fd);
	return ok;
}

TEST(garbage_guest_neither_crashes_nor_hangs_vmm)
{
	static const char *const argv[] = {
		VMM, "run", "--kernel", GARBAGE, "--mem", "32M", "--no-reboot", NULL,
	};
	static const uint32_t seeds[] = { 1, 0x6b766d33, 0xdeadbeef };

	for (unsigned int i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct run *r;

		ASSERT_TRUE(write_garbage(seeds[i]));
		r = run(argv, GARBAGE_RUN_S);
		EXPECT_EQ(0, r->signal) TH_LOG("seed %#x: vmm killed by signal %d; stderr:\n%s",
					       seeds[i], r->signal, r->err);
		if (r->stopped) {
			/* Still running after GARBAGE_RUN_S: SIGTERM must end it promptly. */
			EXPECT_EQ(4, r->status) TH_LOG("seed %#x: stderr:\n%s", seeds[i], r->err);
			EXPECT_GT(STOP_TIMEOUT, r->stop_to_exit) TH_LOG("seed %#x", seeds[i]);
		} else {
			/* Ended by itself: powered off (0), vCPU failed (1), reset (3). */
			EXPECT_TRUE(r->status == 0 || r->status == 1 || r->status == 3)
				TH_LOG("seed %#x: status %d, stderr:\n%s", seeds[i], r->status,
				       r->err);
			if (r->status == 1)
				EXPECT_IN(r->err, "vmm: ");
		}
		TH_LOG("seed %#x: %s, status %d", seeds[i],
		       r->stopped ? "still running, stopped by SIGTERM" : "ended by itself",
		       r->status);
		free(r);
	}
	unlink(GARBAGE);
}

TEST_HARNESS_MAIN
