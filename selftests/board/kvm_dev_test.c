// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kvm answers the system ioctls as 32-bit ARM KVM (Linux 5.6) does, so
 * that existing KVM user space can probe it, and rejects what it does not
 * know without harm. Runs with kvm32 loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"

FIXTURE(kvm) {
	int fd;
};

FIXTURE_SETUP(kvm)
{
	self->fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/kvm: %s", strerror(errno));
}

FIXTURE_TEARDOWN(kvm)
{
	close(self->fd);
}

TEST_F(kvm, api_version_is_12)
{
	EXPECT_EQ(12, ioctl(self->fd, KVM_GET_API_VERSION, 0));
	/* KVM insists on a zero argument. */
	EXPECT_EQ(-1, ioctl(self->fd, KVM_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(kvm, vcpu_mmap_size_is_one_page)
{
	EXPECT_EQ(getpagesize(), ioctl(self->fd, KVM_GET_VCPU_MMAP_SIZE, 0));
	EXPECT_EQ(-1, ioctl(self->fd, KVM_GET_VCPU_MMAP_SIZE, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(kvm, extensions_of_other_architectures_are_absent)
{
	static const int caps[] = {
		KVM_CAP_PIT, KVM_CAP_S390_UCONTROL, KVM_CAP_PPC_HTAB_FD,
		KVM_CAP_PPC_SMT, KVM_CAP_HYPERV, KVM_CAP_X86_SMM,
	};

	for (unsigned int i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, caps[i]))
			TH_LOG("capability %d", caps[i]);
	}
}

TEST_F(kvm, unknown_extensions_are_absent)
{
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, 100000));
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, -1));
}

TEST_F(kvm, unknown_ioctls_are_rejected)
{
	static const unsigned long bad[] = {
		_IO(KVMIO, 0xff), _IOW(KVMIO, 0x7f, int), 0xdeadbeef, 0,
		KVM_RUN, KVM_GET_REGS, KVM_SET_USER_MEMORY_REGION,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, bad[i], 0)) TH_LOG("ioctl %#lx", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("ioctl %#lx", bad[i]);
	}
	/* The device still works after garbage. */
	EXPECT_EQ(12, ioctl(self->fd, KVM_GET_API_VERSION, 0));
}

TEST_F(kvm, trace_ioctls_are_unsupported)
{
	EXPECT_EQ(-1, ioctl(self->fd, KVM_TRACE_ENABLE, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

TEST_HARNESS_MAIN
