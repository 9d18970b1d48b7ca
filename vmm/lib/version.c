// SPDX-License-Identifier: GPL-2.0
#include "vmm.h"

#define VMM_VERSION "0.1"

const char *vmm_version(void)
{
	return VMM_VERSION;
}
