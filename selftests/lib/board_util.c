// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "board_util.h"

int module_load(const char *path, const char *params)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

bool module_is_loaded(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) && line[len] == ' ';
	fclose(f);
	return found;
}

#define HYP_PING_PATH "/sys/kernel/debug/kvm32/hyp_ping"

int hyp_ping_all(char *report, size_t size)
{
	int fd = open(HYP_PING_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t len;
	int ok = 0;

	report[0] = '\0';
	if (fd < 0)
		return -1;
	len = read(fd, report, size - 1);
	close(fd);
	if (len < 0)
		return -1;
	report[len] = '\0';
	for (const char *p = report; (p = strstr(p, " ok\n")); p++)
		ok++;
	return ok;
}

bool hyp_ping_all_ok(char *report, size_t size)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int ok = hyp_ping_all(report, size);

	return ok == online && !strstr(report, "error");
}

long kvm32_debugfs_long(const char *name)
{
	char path[128], buf[32] = "";
	long n = -1;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm32/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0)
		n = strtol(buf, NULL, 10);
	if (fd >= 0)
		close(fd);
	return n;
}

int cpu_set_online(int cpu, bool online)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, online ? "1" : "0", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

#define MARK_FMT "kvm32-selftest: mark %u\n"

unsigned int dmesg_mark(void)
{
	static unsigned int next;
	unsigned int mark = (unsigned int)getpid() * 1000u + ++next;
	char text[64];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		int len = snprintf(text, sizeof(text), MARK_FMT, mark);

		if (write(fd, text, len) != len)
			perror("write /dev/kmsg");
		close(fd);
	}
	return mark;
}

char *dmesg_since(unsigned int mark)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *start, marker[64];
	int len;

	if (size <= 0)
		size = 1 << 17;
	buf = calloc(1, size + 1);
	if (!buf)
		return NULL;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (len < 0)
		len = 0;
	buf[len] = '\0';

	snprintf(marker, sizeof(marker), MARK_FMT, mark);
	start = strstr(buf, marker);
	if (start)
		memmove(buf, start + strlen(marker), strlen(start + strlen(marker)) + 1);
	/* No marker (the log wrapped): the whole log is the safe answer. */
	return buf;
}

bool dmesg_find_problem(const char *log, char *line, size_t size)
{
	static const char *const problems[] = {
		"Oops", "BUG:", "WARNING:", "Call trace", "Unable to handle",
		"refcount_t:", "list_add corruption", "list_del corruption",
		"general protection", "kernel BUG",
	};
	const char *p = log;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
			const char *hit = memmem(p, n, problems[i], strlen(problems[i]));

			if (hit) {
				snprintf(line, size, "%.*s", (int)n, p);
				return true;
			}
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

long meminfo_kib(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	long value = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			value = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

static void write_proc(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		perror(path);
	if (fd >= 0)
		close(fd);
}

/* Pages on the per-CPU free lists, which MemFree does not count, in KiB. */
static long pcp_free_kib(void)
{
	char line[128];
	long pages = 0, count;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &count) == 1)
			pages += count;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

struct mem_sample memory_sample(void)
{
	struct mem_sample best = { .free_kib = -1, .slab_kib = -1 };

	/*
	 * Free pages sit either in the buddy allocator (MemFree) or on per-CPU
	 * lists (up to 14 MiB a CPU on the board), so both are counted. The
	 * kernel also frees some memory in deferred work (a module's init
	 * sections after an RCU grace period): keep the best of a few samples.
	 * A leak is missing from every sample.
	 */
	for (int i = 0; i < 5; i++) {
		long free_kib, slab_kib;

		sync();
		write_proc("/proc/sys/vm/drop_caches", "3");
		usleep(200 * 1000);
		free_kib = meminfo_kib("MemFree") + pcp_free_kib();
		slab_kib = meminfo_kib("Slab");
		if (free_kib > best.free_kib)
			best.free_kib = free_kib;
		if (best.slab_kib < 0 || slab_kib < best.slab_kib)
			best.slab_kib = slab_kib;
	}
	return best;
}
