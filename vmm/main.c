// SPDX-License-Identifier: GPL-2.0
/*
 * vmm — the kvm32 virtual machine monitor command.
 *
 * Exit statuses: 0 success, 1 failure, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "vmm.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm --help | --version\n"
		"\n"
		"Runs virtual machines on kvm32 (/dev/kvm). Guest launching arrives with\n"
		"'vmm run'; see Documentation/ for its status.\n");
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
	if (argc >= 2)
		fprintf(stderr, "vmm: unknown command or option '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
