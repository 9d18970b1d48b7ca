/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmm — the public interface for launchers that embed kvm32's VMM.
 */
#ifndef VMM_H
#define VMM_H

/* The version of libvmm, e.g. "0.1". */
const char *vmm_version(void);

#endif /* VMM_H */
