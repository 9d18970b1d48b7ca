/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM32_DEBUGFS_H
#define KVM32_DEBUGFS_H

/* /sys/kernel/debug/kvm32/: diagnostics. Failure to create it is not fatal. */
void kvm32_debugfs_init(void);
void kvm32_debugfs_exit(void);

#endif /* KVM32_DEBUGFS_H */
