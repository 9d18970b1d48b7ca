/* SPDX-License-Identifier: GPL-2.0 */
/* Host build of kernel-side pure logic: the one compiler.h helper it uses. */
#ifndef KVM32_UNIT_SHIM_LINUX_COMPILER_H
#define KVM32_UNIT_SHIM_LINUX_COMPILER_H

/* One store the compiler may neither split nor drop, as in the kernel. */
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#endif
