/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A host TAP network interface as a virtio-net backend: an fd on which each
 * read() gives one Ethernet frame the host sent towards the guest, and each
 * write() sends one (IFF_TAP, IFF_NO_PI: bare frames, no packet-info header,
 * no virtio-net header either).
 */
#ifndef VMM_TAP_H
#define VMM_TAP_H

#include <stddef.h>

/*
 * Attaches to TAP interface @name (IFF_TAP | IFF_NO_PI; one queue), through
 * /dev/net/tun. If no interface has that name and the process may create
 * one (CAP_NET_ADMIN), the kernel creates it, down and without an address,
 * and removes it again when the fd closes, unless it is made persistent.
 * Returns the fd (close-on-exec, non-blocking), or a negative errno with a
 * message in err saying what is wrong and, where it can, what to do.
 */
int tap_open(const char *name, char *err, size_t errlen);

#endif /* VMM_TAP_H */
