// SPDX-License-Identifier: GPL-2.0
/*
 * vmm — the kvm32 virtual machine monitor command.
 *
 * Exit statuses (also in `vmm --help` and Documentation/vmm.md):
 *   0  the guest powered off (PSCI SYSTEM_OFF)
 *   1  an error: the VM could not be created or started, or a vCPU failed
 *   2  a usage error: unknown option, missing or malformed value
 *   3  the guest reset itself and --no-reboot was given
 *   4  stopped from outside: SIGINT, SIGTERM or the console's Ctrl-A x
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

#define EXIT_USAGE	2
#define EXIT_RESET	3
#define EXIT_STOPPED	4
#define MAX_DISKS	8

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm run --kernel PATH [--initrd PATH] [--dtb PATH] [--cmdline STR]\n"
		"               [--cpus N] [--mem SIZE] [--disk PATH[,ro]]...\n"
		"               [--net tap=NAME[,mac=MAC]] [--console serial|virtio] [--no-reboot]\n"
		"               [--dump-dtb PATH]\n"
		"       vmm --help | --version\n"
		"\n"
		"Runs a guest on kvm32 (/dev/kvm) on a board like QEMU's 32-bit 'virt' machine.\n"
		"  --kernel PATH     zImage, ELF or raw image to boot (required)\n"
		"  --initrd PATH     initial ramdisk\n"
		"  --dtb PATH        use this device tree instead of the generated one (vmm sets\n"
		"                    /chosen's bootargs and initrd range in it)\n"
		"  --cmdline STR     kernel command line\n"
		"  --cpus N          vCPUs, 1-8 (default 1)\n"
		"  --mem SIZE        RAM, with K, M or G suffix; plain numbers are MiB (default 256M)\n"
		"  --disk PATH[,ro]  a virtio-blk disk on a raw image; ro: read-only\n"
		"  --net tap=NAME[,mac=MAC]  a virtio-net card on TAP device NAME\n"
		"  --console KIND    serial (PL011, ttyAMA0; default) or virtio (hvc0)\n"
		"  --no-reboot       a guest reset ends vmm (status 3) instead of rebooting\n"
		"  --dump-dtb PATH   write the guest's device tree to PATH and exit, running nothing\n"
		"Console: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A.\n"
		"Exit status: 0 guest powered off, 1 error, 2 usage error, 3 reset with\n"
		"--no-reboot, 4 stopped by SIGINT/SIGTERM or Ctrl-A x.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vmm --help'.\n");
	return EXIT_USAGE;
}

/* "256", "256M", "1G", "65536K": plain numbers are MiB, as QEMU's -m. */
static bool parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'G':
		if (v > (~0ull >> 30))
			return false;
		v <<= 30;
		end++;
		break;
	case 'M':
		end++;
		/* fall through */
	case '\0':
		if (v > (~0ull >> 20))
			return false;
		v <<= 20;
		break;
	default:
		return false;
	}
	if (*end && !(toupper((unsigned char)*end) == 'B' && !end[1]))
		return false;
	*out = v;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return false;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return !(mac[0] & 1);	/* a unicast address */
}

struct disk_opt {
	char *path;
	bool readonly;
};

struct net_opt {
	char *tap;
	uint8_t mac[6];
	bool has_mac;
};

static struct vmm *running_vm;

static void on_stop_signal(int sig)
{
	(void)sig;
	if (running_vm)
		vmm_stop(running_vm);
}

static int parse_disk(char *arg, struct disk_opt *d)
{
	char *comma = strchr(arg, ',');

	d->path = arg;
	d->readonly = false;
	if (comma) {
		*comma = '\0';
		if (strcmp(comma + 1, "ro"))
			return usage_error("--disk %s: unknown flag '%s' (only 'ro')", arg, comma + 1);
		d->readonly = true;
	}
	if (!*d->path)
		return usage_error("--disk: empty path");
	return 0;
}

static int parse_net(char *arg, struct net_opt *n)
{
	char *tok, *save = NULL;

	memset(n, 0, sizeof(*n));
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "tap=", 4) && tok[4])
			n->tap = tok + 4;
		else if (!strncmp(tok, "mac=", 4) && parse_mac(tok + 4, n->mac))
			n->has_mac = true;
		else
			return usage_error("--net: bad setting '%s' (tap=NAME[,mac=MAC])", tok);
	}
	if (!n->tap)
		return usage_error("--net: tap=NAME is required");
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	enum { OPT_KERNEL = 256, OPT_INITRD, OPT_DTB, OPT_CMDLINE, OPT_CPUS, OPT_MEM, OPT_DISK,
	       OPT_NET, OPT_CONSOLE, OPT_NO_REBOOT, OPT_DUMP_DTB, OPT_HELP };
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "dtb", required_argument, NULL, OPT_DTB },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "net", required_argument, NULL, OPT_NET },
		{ "console", required_argument, NULL, OPT_CONSOLE },
		{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
		{ "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
		{ "help", no_argument, NULL, OPT_HELP },
		{ 0 }
	};
	struct disk_opt disks[MAX_DISKS];
	struct net_opt net = { 0 };
	const char *dump_dtb = NULL;
	unsigned int nr_disks = 0, i;
	struct vmm_config cfg;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	enum vmm_exit result;
	char err[512] = "";
	struct vmm *vm;
	char *end;
	int opt, ret;

	vmm_config_init(&cfg);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_KERNEL:
			cfg.kernel = optarg;
			break;
		case OPT_INITRD:
			cfg.initrd = optarg;
			break;
		case OPT_DTB:
			cfg.dtb = optarg;
			break;
		case OPT_CMDLINE:
			cfg.cmdline = optarg;
			break;
		case OPT_CPUS:
			errno = 0;
			cfg.nr_cpus = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || cfg.nr_cpus < 1 || cfg.nr_cpus > 8)
				return usage_error("--cpus %s: a number from 1 to 8", optarg);
			break;
		case OPT_MEM:
			if (!parse_size(optarg, &cfg.mem_size) || !cfg.mem_size)
				return usage_error("--mem %s: a size like 256M or 1G", optarg);
			break;
		case OPT_DISK:
			if (nr_disks == MAX_DISKS)
				return usage_error("--disk %s: at most 8 disks", optarg);
			ret = parse_disk(optarg, &disks[nr_disks++]);
			if (ret)
				return ret;
			break;
		case OPT_NET:
			if (net.tap)
				return usage_error("--net %s: one network card only", optarg);
			ret = parse_net(optarg, &net);
			if (ret)
				return ret;
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "serial"))
				cfg.console = VMM_CONSOLE_SERIAL;
			else if (!strcmp(optarg, "virtio"))
				cfg.console = VMM_CONSOLE_VIRTIO;
			else
				return usage_error("--console %s: serial or virtio", optarg);
			break;
		case OPT_NO_REBOOT:
			cfg.no_reboot = true;
			break;
		case OPT_DUMP_DTB:
			dump_dtb = optarg;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			if (optopt)
				return usage_error("run: option '--%s' needs a value",
						   opts[optopt - OPT_KERNEL].name);
			return usage_error("run: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("run: unexpected argument '%s'", argv[optind]);
	if (!cfg.kernel)
		return usage_error("run: --kernel PATH is required");

	vm = NULL;
	ret = vmm_create(&cfg, &vm, err, sizeof(err));
	for (i = 0; !ret && i < nr_disks; i++)
		ret = vmm_add_disk(vm, disks[i].path, disks[i].readonly, err, sizeof(err));
	if (!ret && net.tap)
		ret = vmm_add_net_tap(vm, net.tap, net.has_mac ? net.mac : NULL, err, sizeof(err));
	if (!ret)
		ret = vmm_add_rng(vm, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vmm: %s\n", err);
		vmm_destroy(vm);
		return EXIT_FAILURE;
	}
	if (dump_dtb) {
		ret = vmm_dump_dtb(vm, dump_dtb, err, sizeof(err));
		if (ret)
			fprintf(stderr, "vmm: %s\n", err);
		vmm_destroy(vm);
		return ret ? EXIT_FAILURE : EXIT_SUCCESS;
	}

	running_vm = vm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = vmm_run(vm, &result, err, sizeof(err));
	running_vm = NULL;
	vmm_destroy(vm);
	if (ret) {
		fprintf(stderr, "vmm: %s\n", err);
		return EXIT_FAILURE;
	}
	switch (result) {
	case VMM_EXIT_POWEROFF:
		return EXIT_SUCCESS;
	case VMM_EXIT_RESET:
		return EXIT_RESET;
	case VMM_EXIT_STOPPED:
		return EXIT_STOPPED;
	default:
		fprintf(stderr, "vmm: the guest stopped: %s\n", err);
		return EXIT_FAILURE;
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("vmm (kvm32) %s\n", vmm_version());
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (argc >= 2)
		fprintf(stderr, "vmm: unknown command or option '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
