// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a TAP interface (tap.h). The kernel's errors are turned into
 * messages that say which of the usual set-up mistakes it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "tap.h"

#define TUN_PATH	"/dev/net/tun"

static __attribute__((format(printf, 4, 5)))
int tap_err(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

int tap_open(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, e;

	if (!name || !*name)
		return tap_err(err, errlen, -EINVAL, "no TAP interface name");
	if (strlen(name) >= IFNAMSIZ)
		return tap_err(err, errlen, -EINVAL, "'%s': interface names have at most %d characters",
			       name, IFNAMSIZ - 1);
	fd = open(TUN_PATH, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		return tap_err(err, errlen, -e, TUN_PATH ": %s%s", strerror(e),
			       e == ENOENT || e == ENODEV ?
			       " (no TUN/TAP support: load the tun module)" : "");
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == 0)
		return fd;
	e = errno;
	close(fd);
	switch (e) {
	case EBUSY:
		return tap_err(err, errlen, -e,
			       "TAP interface %s is in use by another process%s", name,
			       " (one queue, one user: is another VM on it?)");
	case EPERM:
	case EACCES:
		return tap_err(err, errlen, -e,
			       "not allowed to use TAP interface %s%s", name,
			       " (creating one needs CAP_NET_ADMIN; a persistent one may belong to another user)");
	case EINVAL:
		return tap_err(err, errlen, -e,
			       "%s is not usable as a TAP interface%s", name,
			       " (an invalid name, another kind of interface, a TUN or a multi-queue TAP?)");
	default:
		return tap_err(err, errlen, -e, "TAP interface %s: %s", name, strerror(e));
	}
}
