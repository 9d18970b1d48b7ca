/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for tests that run on the QEMU board as root: loading and unloading
 * kvm32.ko, reading the kernel log, and sampling memory counters.
 */
#ifndef KVM32_BOARD_UTIL_H
#define KVM32_BOARD_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define KVM32_MODULE_PATH "/kvm32/kvm32.ko"
#define KVM32_MODULE_NAME "kvm32"

/* finit_module(); returns 0 or -errno. */
int module_load(const char *path, const char *params);
/* delete_module(); returns 0 or -errno. */
int module_unload(const char *name);
bool module_is_loaded(const char *name);

/*
 * Writes a unique marker line into the kernel log and returns its id; the
 * dmesg_since() text starts after that marker, so a test sees only the
 * messages its own actions caused.
 */
unsigned int dmesg_mark(void);
/* The kernel log after marker @mark; malloc'd, the caller frees it. */
char *dmesg_since(unsigned int mark);
/*
 * The first line of @log that reports a kernel problem (oops, BUG, WARNING,
 * call trace, refcount or list corruption), copied into @line; false if none.
 */
bool dmesg_find_problem(const char *log, char *line, size_t size);

/*
 * Pings kvm32's Hyp code on every online CPU (debugfs hyp_ping). Returns the
 * number of CPUs that answered correctly, or -1 if the file cannot be read;
 * the full answer is copied into @report.
 */
int hyp_ping_all(char *report, size_t size);
/* Whether every online CPU, and only those, answered the ping correctly. */
bool hyp_ping_all_ok(char *report, size_t size);

/* A number read from /sys/kernel/debug/kvm32/@name, or -1. */
long kvm32_debugfs_long(const char *name);

/* Sets a CPU offline (false) or online (true); returns 0 or -errno. */
int cpu_set_online(int cpu, bool online);

/* A /proc/meminfo field in KiB (e.g. "MemFree", "Slab"), or -1. */
long meminfo_kib(const char *field);
struct mem_sample {
	long free_kib;	/* MemFree plus the per-CPU free lists */
	long slab_kib;	/* Slab */
};

/*
 * Free memory and Slab in a settled state (caches dropped, per-CPU free
 * lists counted, deferred frees given time), comparable before and after an
 * operation to detect leaks.
 */
struct mem_sample memory_sample(void);

#endif /* KVM32_BOARD_UTIL_H */
