// SPDX-License-Identifier: GPL-2.0
/*
 * libvmm as a launcher uses it, through vmm.h alone: a VM created from a
 * config, run on a thread of the launcher, paused (the guest makes no
 * progress), resumed (it goes on), stopped (vmm_run() returns STOPPED) and
 * destroyed; and errors that come back as values with a message, never as
 * an exit of the process. Boots the default guest; runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmm.h"

#define KERNEL		"/kvm32/guest/zImage"
#define INITRD		"/kvm32/guest/initrd.gz"
#define TICKING		"console=ttyAMA0 quiet kvm32_run=\"while true; do echo tick; sleep 0.05; done\""
#define BOOT_SECONDS	150

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bytes the guest's console wrote into @fd within @seconds; stops early at @text. */
static size_t read_console(int fd, double seconds, const char *text, char *buf, size_t size)
{
	double end = now_s() + seconds;
	size_t len = 0;

	buf[0] = '\0';
	while (now_s() < end && len + 1 < size) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
		if (text && strstr(buf, text))
			break;
	}
	return len;
}

struct runner {
	struct vmm *vm;
	enum vmm_exit result;
	int ret;
	char err[256];
};

static void *run_vm(void *arg)
{
	struct runner *r = arg;

	r->ret = vmm_run(r->vm, &r->result, r->err, sizeof(r->err));
	return NULL;
}

/* A boot takes longer than the harness's default 30 s on a busy machine. */
FIXTURE(libvmm) {};
FIXTURE_SETUP(libvmm) {}
FIXTURE_TEARDOWN(libvmm) {}

TEST_F_TIMEOUT(libvmm, pause_holds_the_guest_and_resume_lets_it_go_on, 300)
{
	static char buf[64 * 1024];
	struct runner r = { 0 };
	struct vmm_config cfg;
	pthread_t thread;
	int out[2];

	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	vmm_config_init(&cfg);
	cfg.kernel = KERNEL;
	cfg.initrd = INITRD;
	cfg.cmdline = TICKING;
	cfg.mem_size = 128 << 20;
	cfg.console_in = -1;
	cfg.console_out = out[1];
	ASSERT_EQ(0, vmm_create(&cfg, &r.vm, r.err, sizeof(r.err))) TH_LOG("%s", r.err);
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_vm, &r));

	read_console(out[0], BOOT_SECONDS, "tick", buf, sizeof(buf));
	ASSERT_NE(NULL, strstr(buf, "tick")) TH_LOG("the guest never ticked: %s", buf);

	vmm_pause(r.vm);
	/* What was under way drains; then a paused guest writes nothing. */
	read_console(out[0], 0.3, NULL, buf, sizeof(buf));
	EXPECT_EQ(0, read_console(out[0], 1.5, NULL, buf, sizeof(buf))) TH_LOG("%s", buf);

	vmm_resume(r.vm);
	read_console(out[0], 20, "tick", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "tick")) TH_LOG("no tick after resume: %s", buf);

	vmm_stop(r.vm);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, r.ret) TH_LOG("%s", r.err);
	EXPECT_EQ(VMM_EXIT_STOPPED, r.result);
	vmm_destroy(r.vm);
	close(out[0]);
	close(out[1]);
}

TEST(errors_are_returned_with_a_message)
{
	struct vmm_mmio_device on_gic = {
		.name = "on-gic", .base = 0x08000000, .size = 0x1000, .spi = -1,
	};
	struct vmm_config cfg;
	enum vmm_exit result;
	char err[256] = "";
	struct vmm *vm;

	vmm_config_init(&cfg);
	cfg.nr_cpus = 0;
	EXPECT_EQ(-EINVAL, vmm_create(&cfg, &vm, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--cpus 0")) TH_LOG("%s", err);

	vmm_config_init(&cfg);
	cfg.kvm_path = "/dev/no-such-kvm";
	EXPECT_EQ(-ENOENT, vmm_create(&cfg, &vm, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "/dev/no-such-kvm")) TH_LOG("%s", err);

	vmm_config_init(&cfg);
	cfg.mem_size = 16 << 20;
	ASSERT_EQ(0, vmm_create(&cfg, &vm, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-EINVAL, vmm_run(vm, &result, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no kernel")) TH_LOG("%s", err);
	EXPECT_EQ(-EEXIST, vmm_add_mmio_device(vm, &on_gic, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "on-gic")) TH_LOG("%s", err);
	EXPECT_EQ(-EINVAL, vmm_set_irq(vm, 1000, true));
	EXPECT_EQ(NULL, vmm_guest_ptr(vm, 0x40000000 + (16 << 20) - 4, 8));
	EXPECT_NE(NULL, vmm_guest_ptr(vm, 0x40000000, 4));
	vmm_destroy(vm);
}

TEST_HARNESS_MAIN
