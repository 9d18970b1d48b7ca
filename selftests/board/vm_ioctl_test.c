// SPDX-License-Identifier: GPL-2.0
/*
 * The VM and vCPU ioctls answer as 32-bit ARM KVM (Linux 5.6) answers them,
 * on success and on each error path a VMM can reach: creating VMs, memory
 * slots and vCPUs, mapping struct kvm_run, initialising vCPUs, their power
 * state and signal mask, KVM_RUN's early exits, file descriptors used from
 * another process, and the VM going away whatever order its files are closed
 * in. A VMM written for KVM decides what to do from these return values and
 * errnos, so each one is checked, not just "it failed".
 *
 * Needs no guest code: no test lets a vCPU execute an instruction. Plain
 * open/ioctl/mmap, so that a bug in a helper library cannot hide one here.
 * Runs with kvm32 loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* ---- Helpers ------------------------------------------------------------ */

/* 0 if the call succeeded, else its errno: tests compare errnos directly. */
static int err_of(long ret)
{
	return ret < 0 ? errno : 0;
}

#define CORE_REG(name)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(name))
#define PC_REG		CORE_REG(usr_regs.ARM_pc)
#define CPSR_REG	CORE_REG(usr_regs.ARM_cpsr)
#define R0_REG		CORE_REG(usr_regs.ARM_r0)

#define GPA_4K(n)	((uint64_t)(n) << 12)
#define IPA_LIMIT	(1ULL << 40)	/* 32-bit ARM KVM: a 40-bit IPA space */
#define MAX_VCPUS	8		/* GICv2: 8 CPUs */
#define USER_SLOTS	32

static uint64_t uaddr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int set_region(int vm, uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size,
		      uint64_t addr)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = addr,
	};

	return err_of(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r));
}

static int init_vcpu(int vcpu, uint32_t target, uint32_t features0)
{
	struct kvm_vcpu_init init = { .target = target, .features = { features0 } };

	return err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init));
}

static int get_reg(int vcpu, uint64_t id, uint32_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = uaddr(val) };

	return err_of(ioctl(vcpu, KVM_GET_ONE_REG, &reg));
}

static int set_reg(int vcpu, uint64_t id, uint32_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = uaddr(&val) };

	return err_of(ioctl(vcpu, KVM_SET_ONE_REG, &reg));
}

static int get_mp_state(int vcpu, uint32_t *state)
{
	struct kvm_mp_state mp = { .mp_state = 0xdead };
	int ret = err_of(ioctl(vcpu, KVM_GET_MP_STATE, &mp));

	*state = mp.mp_state;
	return ret;
}

static int set_mp_state(int vcpu, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return err_of(ioctl(vcpu, KVM_SET_MP_STATE, &mp));
}

/* KVM_SET_SIGNAL_MASK's argument: a length, then that many bytes of sigset. */
static int set_signal_mask(int vcpu, uint32_t len, const sigset_t *set)
{
	uint32_t buf[1 + 32];

	buf[0] = len;
	memset(&buf[1], 0, sizeof(buf) - sizeof(buf[0]));
	if (set)	/* the kernel's sigset is the first 8 bytes of glibc's */
		memcpy(&buf[1], set, 8);
	return err_of(ioctl(vcpu, KVM_SET_SIGNAL_MASK, buf));
}

/* kvm32's use count in /proc/modules, or -1 if it is not loaded. */
static int module_refcount(void)
{
	char line[512], name[64];
	unsigned long size;
	int refs, ret = -1;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lu %d", name, &size, &refs) == 3 &&
		    !strcmp(name, "kvm32"))
			ret = refs;
	fclose(f);
	return ret;
}

static sigjmp_buf sigbus_env;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_env, 1);
}

/* True if reading *p raises SIGBUS (the process survives it). */
static bool read_raises_sigbus(const volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile bool raised = false;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_env, 1) == 0)
		(void)*p;
	else
		raised = true;
	sigaction(SIGBUS, &old, NULL);
	return raised;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- A VM, its preferred vCPU target, and memory for slots --------------- */

#define MEM_PAGES	16

FIXTURE(vm) {
	int kvm, vm;
	struct kvm_vcpu_init init;	/* KVM_ARM_PREFERRED_TARGET */
	long page;
	uint8_t *mem;			/* MEM_PAGES pages, read-write */
};

FIXTURE_SETUP(vm)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->kvm) TH_LOG("open /dev/kvm: %s", strerror(errno));
	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->vm, KVM_ARM_PREFERRED_TARGET, &self->init));
	self->mem = mmap(NULL, MEM_PAGES * self->page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
}

FIXTURE_TEARDOWN(vm)
{
	munmap(self->mem, MEM_PAGES * self->page);
	close(self->vm);
	close(self->kvm);
}

/* A vCPU of the fixture's VM, not initialised. */
#define NEW_VCPU(id) ({							\
	int __fd = ioctl(self->vm, KVM_CREATE_VCPU, (unsigned long)(id));	\
	ASSERT_LE(0, __fd) TH_LOG("KVM_CREATE_VCPU %d: %s", (int)(id),	\
				  strerror(errno));			\
	__fd; })

/* A vCPU initialised for the preferred target with features0. */
#define NEW_INIT_VCPU(id, features0) ({					\
	int __v = NEW_VCPU(id);						\
	ASSERT_EQ(0, init_vcpu(__v, self->init.target, (features0)));	\
	__v; })

/* ---- KVM_CREATE_VM and KVM_CHECK_EXTENSION --------------------------------- */

TEST(create_vm_accepts_only_type_0)
{
	static const unsigned long bad_types[] = { 1, 40, 0x80000000UL, ~0UL };
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vms[4];

	ASSERT_LE(0, kvm);
	/* Type 0 is the 40-bit IPA machine; a VMM may run several at once. */
	for (unsigned int i = 0; i < 4; i++) {
		vms[i] = ioctl(kvm, KVM_CREATE_VM, 0);
		ASSERT_LE(0, vms[i]) TH_LOG("VM %u: %s", i, strerror(errno));
		for (unsigned int j = 0; j < i; j++) {
			EXPECT_NE(vms[j], vms[i]);
		}
	}
	/* Every VM is usable on its own. */
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_EQ(1, ioctl(vms[i], KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY));
	}
	/* 32-bit ARM has no IPA-size selection (that is arm64's type field). */
	for (unsigned int i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(kvm, KVM_CREATE_VM, bad_types[i]))
			TH_LOG("type %#lx", bad_types[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("type %#lx", bad_types[i]);
	}
	for (unsigned int i = 0; i < 4; i++)
		close(vms[i]);
	close(kvm);
}

TEST_F(vm, vm_extensions_agree_with_dev_kvm)
{
	static const struct { long cap; long value; } caps[] = {
		{ KVM_CAP_USER_MEMORY, 1 },
		{ KVM_CAP_READONLY_MEM, 1 },
		{ KVM_CAP_ONE_REG, 1 },
		{ KVM_CAP_ARM_PSCI_0_2, 1 },
		{ KVM_CAP_MAX_VCPUS, MAX_VCPUS },
		{ KVM_CAP_MAX_VCPU_ID, MAX_VCPUS },
		{ KVM_CAP_NR_MEMSLOTS, USER_SLOTS },
		/* The in-kernel vGIC, which this board's GIC allows. */
		{ KVM_CAP_IRQCHIP, 1 },
		/* Not there: a VMM must not try to use it (an arm64 capability). */
		{ KVM_CAP_ARM_EL1_32BIT, 0 },
	};
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	for (unsigned int i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		EXPECT_EQ(caps[i].value, ioctl(self->vm, KVM_CHECK_EXTENSION, caps[i].cap))
			TH_LOG("capability %ld on the VM", caps[i].cap);
		EXPECT_EQ(caps[i].value, ioctl(self->kvm, KVM_CHECK_EXTENSION, caps[i].cap))
			TH_LOG("capability %ld on /dev/kvm", caps[i].cap);
	}
	/* The recommended vCPU count: the host's online CPUs (5.6, arm.c). */
	EXPECT_EQ(online, ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS));
	EXPECT_EQ(online, ioctl(self->kvm, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS));
	/* KVM_CAP_CHECK_EXTENSION_VM says the VM fd may be asked at all. */
	EXPECT_EQ(1, ioctl(self->kvm, KVM_CHECK_EXTENSION, KVM_CAP_CHECK_EXTENSION_VM));
	EXPECT_EQ(0, ioctl(self->vm, KVM_CHECK_EXTENSION, 100000));
}

/* ---- KVM_SET_USER_MEMORY_REGION ---------------------------------------------- */

TEST_F(vm, memslot_create_delete_recreate)
{
	uint64_t size = 4 * self->page;

	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), size, uaddr(self->mem)));
	/* An identical request changes nothing and succeeds. */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), size, uaddr(self->mem)));
	/* Size 0 deletes; the other fields of a delete do not matter. */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x999), 0, 0));
	/* The id is free again: a different slot may go there... */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x200), 2 * self->page,
				uaddr(self->mem + 8 * self->page)));
	/* ... and the old guest range is free for another id. */
	EXPECT_EQ(0, set_region(self->vm, 1, 0, GPA_4K(0x100), size, uaddr(self->mem)));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, 0, 0));
	EXPECT_EQ(0, set_region(self->vm, 1, 0, 0, 0, 0));
}

TEST_F(vm, memslot_all_32_slots)
{
	/* KVM_CAP_NR_MEMSLOTS slots can exist at once, on the same memory even. */
	for (uint32_t slot = 0; slot < USER_SLOTS; slot++) {
		EXPECT_EQ(0, set_region(self->vm, slot, 0, GPA_4K(0x1000 + slot), self->page,
					uaddr(self->mem)))
			TH_LOG("slot %u", slot);
	}
	for (uint32_t slot = 0; slot < USER_SLOTS; slot++) {
		EXPECT_EQ(0, set_region(self->vm, slot, 0, 0, 0, 0)) TH_LOG("slot %u", slot);
	}
}

TEST_F(vm, memslot_move)
{
	uint64_t size = 4 * self->page;

	ASSERT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), size, uaddr(self->mem)));
	ASSERT_EQ(0, set_region(self->vm, 1, 0, GPA_4K(0x300), size,
				uaddr(self->mem + 8 * self->page)));
	/* Same memory, new guest address. */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x200), size, uaddr(self->mem)));
	/* The range it left is free... */
	EXPECT_EQ(0, set_region(self->vm, 2, 0, GPA_4K(0x100), size, uaddr(self->mem)));
	/* ... it may move onto part of where it is now... */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x202), size, uaddr(self->mem)));
	/* ... but not onto another slot. */
	EXPECT_EQ(EEXIST, set_region(self->vm, 0, 0, GPA_4K(0x2fe), size, uaddr(self->mem)));
	EXPECT_EQ(EEXIST, set_region(self->vm, 0, 0, GPA_4K(0x100), size, uaddr(self->mem)));
	/* A move may change LOG_DIRTY_PAGES along the way. */
	EXPECT_EQ(0, set_region(self->vm, 0, KVM_MEM_LOG_DIRTY_PAGES, GPA_4K(0x500), size,
				uaddr(self->mem)));
	/* Where the failed moves left it: at 0x500, so 0x202 is free. */
	EXPECT_EQ(0, set_region(self->vm, 3, 0, GPA_4K(0x202), size, uaddr(self->mem)));
}

TEST_F(vm, memslot_flags_only_change)
{
	uint64_t size = 4 * self->page, addr = uaddr(self->mem);

	ASSERT_EQ(0, set_region(self->vm, 5, 0, GPA_4K(0x100), size, addr));
	/* Dirty logging goes on and off on a live slot. */
	EXPECT_EQ(0, set_region(self->vm, 5, KVM_MEM_LOG_DIRTY_PAGES, GPA_4K(0x100), size, addr));
	EXPECT_EQ(0, set_region(self->vm, 5, KVM_MEM_LOG_DIRTY_PAGES, GPA_4K(0x100), size, addr));
	EXPECT_EQ(0, set_region(self->vm, 5, 0, GPA_4K(0x100), size, addr));
	/* The slot is still there, where it was: its range is taken. */
	EXPECT_EQ(EEXIST, set_region(self->vm, 6, 0, GPA_4K(0x103), size, addr));
}

TEST_F(vm, memslot_change_of_size_address_or_readonly_is_einval)
{
	uint64_t size = 4 * self->page, addr = uaddr(self->mem);

	ASSERT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), size, addr));
	/* Only the guest address and LOG_DIRTY_PAGES of a slot may change. */
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), 2 * size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), self->page, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), size, addr + self->page));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, KVM_MEM_READONLY, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, KVM_MEM_READONLY, GPA_4K(0x400), size, addr));

	ASSERT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY, GPA_4K(0x200), size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 1, 0, GPA_4K(0x200), size, addr));
	/* The refused requests changed nothing. */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), size, addr));
	EXPECT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY, GPA_4K(0x200), size, addr));
}

TEST_F(vm, memslot_readonly)
{
	uint64_t size = 4 * self->page;
	void *ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, ro);
	/* ROM: KVM_CAP_READONLY_MEM, on writable memory or on read-only memory. */
	EXPECT_EQ(0, set_region(self->vm, 0, KVM_MEM_READONLY, GPA_4K(0x100), size,
				uaddr(self->mem)));
	EXPECT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY, GPA_4K(0x200), size, uaddr(ro)));
	/* Read-only slots may be logged, moved and deleted like others. */
	EXPECT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES,
				GPA_4K(0x300), size, uaddr(ro)));
	EXPECT_EQ(0, set_region(self->vm, 1, 0, 0, 0, 0));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, 0, 0, 0));
	munmap(ro, size);
}

TEST_F(vm, memslot_writable_over_read_only_memory_is_eperm)
{
	uint64_t size = 4 * self->page;
	void *ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, ro);
	/*
	 * 5.6 (kvm_arch_prepare_memory_region) refuses a writable slot over a
	 * VMA without VM_WRITE up front, rather than letting the guest fault on
	 * its first write: the VMM learns of the mistake where it made it.
	 */
	EXPECT_EQ(EPERM, set_region(self->vm, 0, 0, GPA_4K(0x100), size, uaddr(ro)));
	/* Also when only part of the slot is read-only memory. */
	ASSERT_EQ(0, mprotect(self->mem + self->page, self->page, PROT_READ));
	EXPECT_EQ(EPERM, set_region(self->vm, 1, 0, GPA_4K(0x200), size, uaddr(self->mem)));
	/* Nothing was created: the same ids and ranges work as ROM. */
	EXPECT_EQ(0, set_region(self->vm, 0, KVM_MEM_READONLY, GPA_4K(0x100), size, uaddr(ro)));
	EXPECT_EQ(0, set_region(self->vm, 1, KVM_MEM_READONLY, GPA_4K(0x200), size,
				uaddr(self->mem)));
	munmap(ro, size);
}

TEST_F(vm, memslot_bad_flags_and_alignment_are_einval)
{
	uint64_t size = 4 * self->page, addr = uaddr(self->mem);

	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 1u << 2, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 1u << 31, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100) + 0x800, size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), size - 0x800, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), size, addr + 0x10));
	/* A guest range that wraps around 2^64. */
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, -GPA_4K(1), 2 * self->page, addr));
	/* None of these created the slot. */
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, 0, 0));
	/* Bad flags are refused on a delete, too: the slot stays. */
	ASSERT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 1u << 2, 0, 0, 0));
	EXPECT_EQ(EEXIST, set_region(self->vm, 1, 0, GPA_4K(0x100), size, addr));
}

TEST_F(vm, memslot_bad_slot_ids_are_einval)
{
	uint64_t size = self->page, addr = uaddr(self->mem);

	EXPECT_EQ(EINVAL, set_region(self->vm, USER_SLOTS, 0, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0xffff, 0, GPA_4K(0x100), size, addr));
	/* Bits 31:16 select an address space; 32-bit ARM has only number 0. */
	EXPECT_EQ(EINVAL, set_region(self->vm, 1u << 16, 0, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EINVAL, set_region(self->vm, ~0u, 0, GPA_4K(0x100), size, addr));
	/* The last id is fine. */
	EXPECT_EQ(0, set_region(self->vm, USER_SLOTS - 1, 0, GPA_4K(0x100), size, addr));
}

TEST_F(vm, memslot_overlap_is_eexist)
{
	uint64_t size = 4 * self->page, addr = uaddr(self->mem);

	ASSERT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EEXIST, set_region(self->vm, 1, 0, GPA_4K(0x100), size, addr));
	EXPECT_EQ(EEXIST, set_region(self->vm, 1, 0, GPA_4K(0x103), size, addr));
	EXPECT_EQ(EEXIST, set_region(self->vm, 1, 0, GPA_4K(0x0fd), size, addr));
	/* Surrounding it entirely. */
	EXPECT_EQ(EEXIST, set_region(self->vm, 1, 0, GPA_4K(0x0f8), MEM_PAGES * self->page,
				     addr));
	/* Touching it on either side is fine. */
	EXPECT_EQ(0, set_region(self->vm, 1, 0, GPA_4K(0x104), size, addr));
	EXPECT_EQ(0, set_region(self->vm, 2, 0, GPA_4K(0x0fc), size, addr));
	/* An overlap is refused whatever the flags. */
	EXPECT_EQ(EEXIST, set_region(self->vm, 3, KVM_MEM_READONLY, GPA_4K(0x101), self->page,
				     addr));
}

TEST_F(vm, memslot_delete_of_missing_slot_is_einval)
{
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, 0, 0));
	EXPECT_EQ(EINVAL, set_region(self->vm, 7, 0, GPA_4K(0x100), 0, uaddr(self->mem)));
	ASSERT_EQ(0, set_region(self->vm, 7, 0, GPA_4K(0x100), self->page, uaddr(self->mem)));
	EXPECT_EQ(0, set_region(self->vm, 7, 0, 0, 0, 0));
	/* Deleting twice. */
	EXPECT_EQ(EINVAL, set_region(self->vm, 7, 0, 0, 0, 0));
}

TEST_F(vm, memslot_beyond_40_bit_ipa_is_efault)
{
	uint64_t pg = self->page, addr = uaddr(self->mem);

	EXPECT_EQ(EFAULT, set_region(self->vm, 0, 0, IPA_LIMIT, pg, addr));
	EXPECT_EQ(EFAULT, set_region(self->vm, 0, 0, 1ULL << 44, pg, addr));
	EXPECT_EQ(EFAULT, set_region(self->vm, 0, 0, IPA_LIMIT - pg, 2 * pg, addr));
	/* 5.6 checks end >= limit, so even the last page below 2^40 is refused. */
	EXPECT_EQ(EFAULT, set_region(self->vm, 0, 0, IPA_LIMIT - pg, pg, addr));
	/* The page below it is the highest a slot can reach. */
	EXPECT_EQ(0, set_region(self->vm, 0, 0, IPA_LIMIT - 2 * pg, pg, addr));
	/* A move is checked too. */
	ASSERT_EQ(0, set_region(self->vm, 1, 0, GPA_4K(0x100), pg, addr));
	EXPECT_EQ(EFAULT, set_region(self->vm, 1, 0, IPA_LIMIT, pg, addr));
	/* An overlap is reported before the IPA limit. */
	EXPECT_EQ(EEXIST, set_region(self->vm, 2, 0, IPA_LIMIT - 2 * pg, 4 * pg, addr));
}

TEST_F(vm, memslot_user_range_beyond_process_is_einval)
{
	uint64_t pg = self->page;

	/* KVM reads guest memory with __get_user(): the range must be user memory. */
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), 2 * pg, 0xfffff000));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), pg, 0xc0000000));
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, GPA_4K(0x100), 0x40000000, 0xa0000000));
	/* Nothing was created. */
	EXPECT_EQ(EINVAL, set_region(self->vm, 0, 0, 0, 0, 0));
}

TEST_F(vm, memslot_bad_pointer_is_efault)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vm, KVM_SET_USER_MEMORY_REGION, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vm, KVM_SET_USER_MEMORY_REGION, (void *)0xc0000000));
	EXPECT_EQ(EFAULT, errno);
}

/* ---- KVM_CREATE_VCPU ----------------------------------------------------------- */

TEST_F(vm, vcpu_ids_0_to_7)
{
	int vcpus[MAX_VCPUS];

	/* In any order. */
	for (int i = 0; i < MAX_VCPUS; i++)
		vcpus[i] = NEW_VCPU(MAX_VCPUS - 1 - i);
	for (int i = 0; i < MAX_VCPUS; i++)
		close(vcpus[i]);
}

TEST_F(vm, vcpu_duplicate_id_is_eexist)
{
	int v0 = NEW_VCPU(0), v3 = NEW_VCPU(3);

	EXPECT_EQ(EEXIST, err_of(ioctl(self->vm, KVM_CREATE_VCPU, 0)));
	EXPECT_EQ(EEXIST, err_of(ioctl(self->vm, KVM_CREATE_VCPU, 3)));
	/* Even after its fd is closed: the vCPU lives as long as the VM. */
	close(v3);
	EXPECT_EQ(EEXIST, err_of(ioctl(self->vm, KVM_CREATE_VCPU, 3)));
	/* A failed creation did not use up a vCPU. */
	for (int id = 1; id < MAX_VCPUS; id++)
		if (id != 3)
			close(NEW_VCPU(id));
	close(v0);
}

TEST_F(vm, vcpu_id_8_and_ninth_vcpu_are_einval)
{
	int vcpus[MAX_VCPUS];

	EXPECT_EQ(EINVAL, err_of(ioctl(self->vm, KVM_CREATE_VCPU, MAX_VCPUS)));
	EXPECT_EQ(EINVAL, err_of(ioctl(self->vm, KVM_CREATE_VCPU, 255)));
	EXPECT_EQ(EINVAL, err_of(ioctl(self->vm, KVM_CREATE_VCPU, ~0UL)));
	for (int i = 0; i < MAX_VCPUS; i++)
		vcpus[i] = NEW_VCPU(i);
	/* The count is checked first: a ninth vCPU is refused whatever its id. */
	EXPECT_EQ(EINVAL, err_of(ioctl(self->vm, KVM_CREATE_VCPU, 0)));
	EXPECT_EQ(EINVAL, err_of(ioctl(self->vm, KVM_CREATE_VCPU, MAX_VCPUS)));
	for (int i = 0; i < MAX_VCPUS; i++)
		close(vcpus[i]);
}

/* ---- The vCPU's mmap: struct kvm_run ----------------------------------------------- */

TEST_F(vm, vcpu_mmap_is_the_shared_run_page)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	long size = ioctl(self->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	volatile struct kvm_run *a, *b;

	ASSERT_LE((long)sizeof(struct kvm_run), size);
	a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, a);
	b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, b);
	/* A fresh vCPU has not exited yet. */
	EXPECT_EQ(0, a->exit_reason);
	EXPECT_EQ(0, a->immediate_exit);
	/* Two mappings show the same page: the one the kernel shares with us. */
	a->padding1[0] = 0x5a;
	EXPECT_EQ(0x5a, b->padding1[0]);
	((volatile uint8_t *)b)[size - 1] = 0xa5;
	EXPECT_EQ(0xa5, ((volatile uint8_t *)a)[size - 1]);
	/* And the kernel reads it: immediate_exit makes KVM_RUN return at once. */
	b->immediate_exit = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu, KVM_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	munmap((void *)a, size);
	munmap((void *)b, size);
	close(vcpu);
}

TEST_F(vm, vcpu_mmap_beyond_run_page_is_sigbus)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	long pg = self->page;
	long coalesced = ioctl(self->kvm, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);
	uint8_t *p;

	/* Nothing lives two pages in, whether or not there is a coalesced-MMIO ring. */
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 2 * pg);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(read_raises_sigbus(p));
	munmap(p, pg);
	/* Page 1 is the coalesced-MMIO ring, if and only if there is one. */
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_FALSE(read_raises_sigbus(p));
	if (coalesced == 0)
		EXPECT_TRUE(read_raises_sigbus(p + pg));
	munmap(p, 2 * pg);
	close(vcpu);
}

/* ---- KVM_ARM_PREFERRED_TARGET and KVM_ARM_VCPU_INIT -------------------------------- */

TEST_F(vm, preferred_target_is_cortex_a15)
{
	struct kvm_vcpu_init init;

	memset(&init, 0xff, sizeof(init));
	ASSERT_EQ(0, ioctl(self->vm, KVM_ARM_PREFERRED_TARGET, &init));
	/* The board is QEMU's cortex-a15. */
	EXPECT_EQ(KVM_ARM_TARGET_CORTEX_A15, init.target);
	/* No features are suggested: every word is written, with zero. */
	for (unsigned int i = 0; i < 7; i++) {
		EXPECT_EQ(0, init.features[i]) TH_LOG("features[%u]", i);
	}
	EXPECT_EQ(EFAULT, err_of(ioctl(self->vm, KVM_ARM_PREFERRED_TARGET, NULL)));
}

TEST_F(vm, vcpu_init_accepts_preferred_target_only)
{
	int vcpu = NEW_VCPU(0);

	EXPECT_EQ(EINVAL, init_vcpu(vcpu, KVM_ARM_TARGET_CORTEX_A7, 0));
	EXPECT_EQ(EINVAL, init_vcpu(vcpu, KVM_ARM_NUM_TARGETS, 0));
	EXPECT_EQ(EINVAL, init_vcpu(vcpu, ~0u, 0));
	EXPECT_EQ(EFAULT, err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, NULL)));
	/* Still uninitialised after those. */
	EXPECT_EQ(ENOEXEC, err_of(ioctl(vcpu, KVM_RUN, 0)));
	EXPECT_EQ(0, init_vcpu(vcpu, self->init.target, 0));
	/* Both features 32-bit ARM has. */
	close(vcpu);
	vcpu = NEW_VCPU(1);
	EXPECT_EQ(0, init_vcpu(vcpu, self->init.target,
			       1u << KVM_ARM_VCPU_POWER_OFF | 1u << KVM_ARM_VCPU_PSCI_0_2));
	close(vcpu);
}

TEST_F(vm, vcpu_init_unknown_feature_is_enoent)
{
	int vcpu = NEW_VCPU(0);
	struct kvm_vcpu_init init = { .target = self->init.target };
	uint32_t state;

	/* 32-bit ARM has features 0 and 1: anything above is unknown. */
	EXPECT_EQ(ENOENT, init_vcpu(vcpu, self->init.target, 1u << 2));
	EXPECT_EQ(ENOENT, init_vcpu(vcpu, self->init.target, 1u << 5));
	EXPECT_EQ(ENOENT, init_vcpu(vcpu, self->init.target, 1u << 31));
	for (unsigned int w = 1; w < 7; w++) {
		memset(init.features, 0, sizeof(init.features));
		init.features[w] = 1u << (w * 5 % 32);
		EXPECT_EQ(ENOENT, err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)))
			TH_LOG("features[%u]", w);
	}
	/* The refusals left nothing behind. */
	EXPECT_EQ(0, init_vcpu(vcpu, self->init.target, 0));
	EXPECT_EQ(0, get_mp_state(vcpu, &state));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, state);
	/* And after init, an unknown feature is still ENOENT. */
	EXPECT_EQ(ENOENT, init_vcpu(vcpu, self->init.target, 1u << 5));
	close(vcpu);
}

TEST_F(vm, vcpu_reinit_resets_registers)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	uint32_t pc, r0, cpsr;

	ASSERT_EQ(0, set_reg(vcpu, PC_REG, 0x12345678));
	ASSERT_EQ(0, set_reg(vcpu, R0_REG, 0xdeadbeef));
	ASSERT_EQ(0, set_reg(vcpu, CPSR_REG, 0x60000010));	/* USR, flags */
	ASSERT_EQ(0, get_reg(vcpu, PC_REG, &pc));
	ASSERT_EQ(0x12345678, pc);
	/* A second init with the same target and features is a reset (a reboot). */
	ASSERT_EQ(0, init_vcpu(vcpu, self->init.target, 0));
	EXPECT_EQ(0, get_reg(vcpu, PC_REG, &pc));
	EXPECT_EQ(0, pc);
	EXPECT_EQ(0, get_reg(vcpu, R0_REG, &r0));
	EXPECT_EQ(0, r0);
	EXPECT_EQ(0, get_reg(vcpu, CPSR_REG, &cpsr));
	EXPECT_EQ(0x1d3, cpsr);
	close(vcpu);
}

TEST_F(vm, vcpu_reinit_with_other_features_is_einval)
{
	const uint32_t off = 1u << KVM_ARM_VCPU_POWER_OFF, psci = 1u << KVM_ARM_VCPU_PSCI_0_2;
	int a = NEW_INIT_VCPU(0, 0), b = NEW_INIT_VCPU(1, off | psci);
	uint32_t pc;

	ASSERT_EQ(0, set_reg(a, PC_REG, 0x1000));
	EXPECT_EQ(EINVAL, init_vcpu(a, self->init.target, off));
	EXPECT_EQ(EINVAL, init_vcpu(a, self->init.target, psci));
	EXPECT_EQ(EINVAL, init_vcpu(b, self->init.target, 0));
	EXPECT_EQ(EINVAL, init_vcpu(b, self->init.target, psci));
	EXPECT_EQ(EINVAL, init_vcpu(b, self->init.target, off));
	EXPECT_EQ(EINVAL, init_vcpu(a, KVM_ARM_TARGET_CORTEX_A7, 0));
	/* A refused re-init did not reset the vCPU. */
	EXPECT_EQ(0, get_reg(a, PC_REG, &pc));
	EXPECT_EQ(0x1000, pc);
	EXPECT_EQ(0, init_vcpu(b, self->init.target, off | psci));
	close(a);
	close(b);
}

TEST_F(vm, vcpu_init_checks_features_in_bit_order)
{
	int vcpu = NEW_INIT_VCPU(0, 0);

	/*
	 * 5.6 (kvm_vcpu_set_target) walks the feature bits once, from bit 0:
	 * on a re-init, a changed known feature is found (EINVAL) before an
	 * unknown higher one (ENOENT). A VMM reading the errno sees that.
	 */
	EXPECT_EQ(EINVAL, init_vcpu(vcpu, self->init.target,
				    1u << KVM_ARM_VCPU_POWER_OFF | 1u << 5));
	/* Unchanged known bits: the unknown one decides. */
	EXPECT_EQ(ENOENT, init_vcpu(vcpu, self->init.target, 1u << 5));
	close(vcpu);
}

TEST_F(vm, ioctls_before_vcpu_init_are_enoexec)
{
	int vcpu = NEW_VCPU(0);
	uint32_t val;
	struct kvm_reg_list list = { .n = 0 };

	EXPECT_EQ(ENOEXEC, err_of(ioctl(vcpu, KVM_RUN, 0)));
	EXPECT_EQ(ENOEXEC, get_reg(vcpu, PC_REG, &val));
	EXPECT_EQ(ENOEXEC, set_reg(vcpu, PC_REG, 0));
	EXPECT_EQ(ENOEXEC, err_of(ioctl(vcpu, KVM_GET_REG_LIST, &list)));
	/* ENOEXEC comes before looking at the arguments. */
	EXPECT_EQ(ENOEXEC, err_of(ioctl(vcpu, KVM_GET_ONE_REG, NULL)));
	EXPECT_EQ(ENOEXEC, err_of(ioctl(vcpu, KVM_GET_REG_LIST, NULL)));
	close(vcpu);
}

/* ---- KVM_RUN's early exits ------------------------------------------------------------ */

TEST_F(vm, run_with_argument_is_einval)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	long size = ioctl(self->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);

	ASSERT_NE(MAP_FAILED, run);
	/* immediate_exit keeps the guest from running should the check be missing. */
	run->immediate_exit = 1;
	EXPECT_EQ(EINVAL, err_of(ioctl(vcpu, KVM_RUN, 1)));
	EXPECT_EQ(EINVAL, err_of(ioctl(vcpu, KVM_RUN, run)));
	EXPECT_EQ(EINTR, err_of(ioctl(vcpu, KVM_RUN, 0)));
	munmap(run, size);
	close(vcpu);
}

TEST_F(vm, immediate_exit_returns_eintr_without_running)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	long size = ioctl(self->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	uint32_t pc, cpsr;

	ASSERT_NE(MAP_FAILED, run);
	/*
	 * No memory at PC: a guest that ran would take an abort and land on
	 * an exception vector (or exit with an error). immediate_exit must
	 * return before any of that, every time.
	 */
	ASSERT_EQ(0, set_reg(vcpu, PC_REG, 0x4000));
	run->immediate_exit = 1;
	for (int i = 0; i < 3; i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(vcpu, KVM_RUN, 0));
		EXPECT_EQ(EINTR, errno);
	}
	EXPECT_EQ(0, get_reg(vcpu, PC_REG, &pc));
	EXPECT_EQ(0x4000, pc);
	EXPECT_EQ(0, get_reg(vcpu, CPSR_REG, &cpsr));
	EXPECT_EQ(0x1d3, cpsr);
	munmap(run, size);
	close(vcpu);
}

/* ---- KVM_GET_MP_STATE and KVM_SET_MP_STATE ---------------------------------------------- */

TEST_F(vm, mp_state_after_init)
{
	int on = NEW_INIT_VCPU(0, 0);
	int off = NEW_INIT_VCPU(1, 1u << KVM_ARM_VCPU_POWER_OFF);
	uint32_t state;

	EXPECT_EQ(0, get_mp_state(on, &state));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, state);
	/* Secondary CPUs start powered off, waiting for PSCI CPU_ON. */
	EXPECT_EQ(0, get_mp_state(off, &state));
	EXPECT_EQ(KVM_MP_STATE_STOPPED, state);
	EXPECT_EQ(EFAULT, err_of(ioctl(on, KVM_GET_MP_STATE, NULL)));
	close(on);
	close(off);
}

TEST_F(vm, mp_state_round_trip)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	int off = NEW_INIT_VCPU(1, 1u << KVM_ARM_VCPU_POWER_OFF);
	uint32_t state;

	EXPECT_EQ(0, set_mp_state(vcpu, KVM_MP_STATE_STOPPED));
	EXPECT_EQ(0, get_mp_state(vcpu, &state));
	EXPECT_EQ(KVM_MP_STATE_STOPPED, state);
	EXPECT_EQ(0, set_mp_state(vcpu, KVM_MP_STATE_STOPPED));
	EXPECT_EQ(0, get_mp_state(vcpu, &state));
	EXPECT_EQ(KVM_MP_STATE_STOPPED, state);
	EXPECT_EQ(0, set_mp_state(vcpu, KVM_MP_STATE_RUNNABLE));
	EXPECT_EQ(0, get_mp_state(vcpu, &state));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, state);
	/* A VMM restores a stopped secondary this way, too. */
	EXPECT_EQ(0, set_mp_state(off, KVM_MP_STATE_RUNNABLE));
	EXPECT_EQ(0, get_mp_state(off, &state));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, state);
	/* A reset (init again) gives back the power state of the features. */
	EXPECT_EQ(0, init_vcpu(off, self->init.target, 1u << KVM_ARM_VCPU_POWER_OFF));
	EXPECT_EQ(0, get_mp_state(off, &state));
	EXPECT_EQ(KVM_MP_STATE_STOPPED, state);
	EXPECT_EQ(0, set_mp_state(vcpu, KVM_MP_STATE_STOPPED));
	EXPECT_EQ(0, init_vcpu(vcpu, self->init.target, 0));
	EXPECT_EQ(0, get_mp_state(vcpu, &state));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, state);
	close(vcpu);
	close(off);
}

TEST_F(vm, mp_state_invalid_is_einval)
{
	static const uint32_t bad[] = {
		KVM_MP_STATE_UNINITIALIZED, KVM_MP_STATE_INIT_RECEIVED, KVM_MP_STATE_HALTED,
		KVM_MP_STATE_SIPI_RECEIVED, KVM_MP_STATE_CHECK_STOP, KVM_MP_STATE_OPERATING,
		KVM_MP_STATE_LOAD, 100, ~0u,
	};
	int vcpu = NEW_INIT_VCPU(0, 0);
	uint32_t state;

	/* Only RUNNABLE and STOPPED mean something on ARM. */
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EINVAL, set_mp_state(vcpu, bad[i])) TH_LOG("state %u", bad[i]);
	}
	EXPECT_EQ(0, get_mp_state(vcpu, &state));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, state);
	EXPECT_EQ(EFAULT, err_of(ioctl(vcpu, KVM_SET_MP_STATE, NULL)));
	close(vcpu);
}

/* ---- KVM_SET_SIGNAL_MASK --------------------------------------------------------------- */

TEST_F(vm, signal_mask_arguments)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	/* The kernel's sigset_t: 64 signals, 8 bytes. */
	EXPECT_EQ(0, set_signal_mask(vcpu, 8, &set));
	EXPECT_EQ(EINVAL, set_signal_mask(vcpu, 4, &set));
	EXPECT_EQ(EINVAL, set_signal_mask(vcpu, 16, &set));
	EXPECT_EQ(EINVAL, set_signal_mask(vcpu, 128, &set));
	EXPECT_EQ(EINVAL, set_signal_mask(vcpu, 0, NULL));
	/* NULL removes the mask. */
	EXPECT_EQ(0, err_of(ioctl(vcpu, KVM_SET_SIGNAL_MASK, NULL)));
	EXPECT_EQ(0, err_of(ioctl(vcpu, KVM_SET_SIGNAL_MASK, NULL)));
	EXPECT_EQ(EFAULT, err_of(ioctl(vcpu, KVM_SET_SIGNAL_MASK, (void *)0xc0000000)));
	close(vcpu);
}

static volatile sig_atomic_t usr1_taken, alarm_taken;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_taken++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarm_taken++;
}

TEST_F(vm, signal_mask_applies_during_run)
{
	/* Powered off: KVM_RUN waits for a signal without running guest code. */
	int vcpu = NEW_INIT_VCPU(0, 1u << KVM_ARM_VCPU_POWER_OFF);
	long size = ioctl(self->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	struct sigaction usr1 = { .sa_handler = on_usr1 }, alrm = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 300000 } };
	sigset_t blocked, none, mask, pending;
	double t0;

	ASSERT_NE(MAP_FAILED, run);
	ASSERT_EQ(0, sigaction(SIGUSR1, &usr1, NULL));
	ASSERT_EQ(0, sigaction(SIGALRM, &alrm, NULL));
	sigemptyset(&none);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &blocked, NULL));
	ASSERT_EQ(0, raise(SIGUSR1));	/* pending, blocked by the thread */

	/* During KVM_RUN the vCPU's mask replaces the thread's: SIGUSR1 is let in. */
	ASSERT_EQ(0, set_signal_mask(vcpu, 8, &none));
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu, KVM_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(KVM_EXIT_INTR, run->exit_reason);
	/* Afterwards the thread's own mask is back: the signal waits still. */
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, NULL, &mask));
	EXPECT_TRUE(sigismember(&mask, SIGUSR1));
	EXPECT_EQ(0, usr1_taken);
	ASSERT_EQ(0, sigpending(&pending));
	EXPECT_TRUE(sigismember(&pending, SIGUSR1));

	/* Without a vCPU mask, the thread's applies: only the alarm ends the wait. */
	ASSERT_EQ(0, err_of(ioctl(vcpu, KVM_SET_SIGNAL_MASK, NULL)));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	t0 = now_s();
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu, KVM_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(KVM_EXIT_INTR, run->exit_reason);
	EXPECT_LE(0.2, now_s() - t0);
	EXPECT_EQ(1, alarm_taken);
	EXPECT_EQ(0, usr1_taken);

	ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &blocked, NULL));
	EXPECT_EQ(1, usr1_taken);
	munmap(run, size);
	close(vcpu);
}

/* ---- ioctls that do not belong ---------------------------------------------------------- */

TEST_F(vm, unknown_vm_ioctls_are_einval)
{
	uint8_t buf[256] = { 0 };
	const unsigned long bad[] = {
		_IO(KVMIO, 0xff), _IOW(KVMIO, 0x7f, int), 0xdeadbeef, 0,
		/* /dev/kvm's system ioctls */
		KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_GET_VCPU_MMAP_SIZE,
		/*
		 * vCPU ioctls (not KVM_GET_ONE_REG: its number is also the VM's
		 * KVM_ARM_SET_DEVICE_ADDR, as in Linux)
		 */
		KVM_RUN, KVM_ARM_VCPU_INIT, KVM_GET_REG_LIST, KVM_GET_MP_STATE,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EINVAL, err_of(ioctl(self->vm, bad[i], buf))) TH_LOG("ioctl %#lx", bad[i]);
	}
	/* The VM still works after garbage. */
	close(NEW_VCPU(0));
}

TEST_F(vm, unknown_vcpu_ioctls_are_einval)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	uint8_t buf[256] = { 0 };
	const unsigned long bad[] = {
		_IO(KVMIO, 0xff), _IOW(KVMIO, 0x7f, int), 0xdeadbeef, 0,
		/* /dev/kvm's system ioctls */
		KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_CHECK_EXTENSION, KVM_GET_VCPU_MMAP_SIZE,
		/* VM ioctls */
		KVM_CREATE_VCPU, KVM_SET_USER_MEMORY_REGION, KVM_ARM_PREFERRED_TARGET,
	};
	uint32_t pc;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EINVAL, err_of(ioctl(vcpu, bad[i], buf))) TH_LOG("ioctl %#lx", bad[i]);
	}
	EXPECT_EQ(0, get_reg(vcpu, PC_REG, &pc));
	close(vcpu);
}

TEST_F(vm, generic_vcpu_ioctls_arm_lacks_are_einval)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	static uint8_t buf[4096];
	/* 32-bit ARM answers these generic ioctls with -EINVAL (guest.c): use ONE_REG. */
	const unsigned long lacking[] = {
		KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS,
		KVM_GET_FPU, KVM_SET_FPU, KVM_TRANSLATE, KVM_SET_GUEST_DEBUG,
	};

	for (unsigned int i = 0; i < sizeof(lacking) / sizeof(lacking[0]); i++) {
		EXPECT_EQ(EINVAL, err_of(ioctl(vcpu, lacking[i], buf)))
			TH_LOG("ioctl %#lx", lacking[i]);
	}
	close(vcpu);
}

/* ---- File descriptors in another process --------------------------------------------------- */

TEST_F(vm, fds_used_by_another_process_are_eio)
{
	int vcpu = NEW_INIT_VCPU(0, 0);
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/*
		 * Guest memory is the creator's address space: the forked copy
		 * must not change the VM or its vCPUs (5.6: kvm->mm check).
		 */
		uint32_t val, bits = 0;
		struct kvm_mp_state mp;

		if (err_of(ioctl(self->vm, KVM_CREATE_VCPU, 1)) != EIO)
			bits |= 1;
		if (set_region(self->vm, 0, 0, GPA_4K(0x100), self->page,
			       uaddr(self->mem)) != EIO)
			bits |= 2;
		if (err_of(ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY)) != EIO)
			bits |= 4;
		if (get_reg(vcpu, PC_REG, &val) != EIO)
			bits |= 8;
		if (err_of(ioctl(vcpu, KVM_RUN, 0)) != EIO)
			bits |= 16;
		if (err_of(ioctl(vcpu, KVM_GET_MP_STATE, &mp)) != EIO)
			bits |= 32;
		_exit(bits);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	/* Bits: CREATE_VCPU, SET_USER_MEMORY_REGION, CHECK_EXTENSION, ONE_REG, RUN, MP_STATE */
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Nothing happened to the VM: id 1 and the slot are free. */
	close(NEW_VCPU(1));
	EXPECT_EQ(0, set_region(self->vm, 0, 0, GPA_4K(0x100), self->page, uaddr(self->mem)));
	close(vcpu);
}

/* ---- Lifetime ---------------------------------------------------------------------------------- */

TEST(closing_in_any_order_frees_everything)
{
	long pg = sysconf(_SC_PAGESIZE);
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	uint8_t *mem = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_vcpu_init init;
	int base, vm, v[2];
	uint32_t pc;
	void *run;

	ASSERT_LE(0, kvm);
	ASSERT_NE(MAP_FAILED, mem);
	base = module_refcount();
	ASSERT_LE(0, base) TH_LOG("kvm32 is not in /proc/modules");

	for (int round = 0; round < 100; round++) {
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		ASSERT_LE(0, vm);
		ASSERT_EQ(0, ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init));
		ASSERT_EQ(0, set_region(vm, 0, 0, 0, 4 * pg, uaddr(mem)));
		for (int i = 0; i < 2; i++) {
			v[i] = ioctl(vm, KVM_CREATE_VCPU, i);
			ASSERT_LE(0, v[i]);
			ASSERT_EQ(0, init_vcpu(v[i], init.target, 0));
		}
		/* A live VM keeps the module in. */
		ASSERT_LT(base, module_refcount());
		if (round % 2 == 0) {
			/* VM first: its vCPUs keep it alive and usable. */
			close(vm);
			ASSERT_LT(base, module_refcount());
			ASSERT_EQ(0, set_reg(v[1], PC_REG, 0x100));
			ASSERT_EQ(0, get_reg(v[1], PC_REG, &pc));
			ASSERT_EQ(0x100, pc);
			close(v[0]);
			close(v[1]);
		} else {
			close(v[1]);
			close(v[0]);
			/* The VM keeps its vCPUs: an id in use is still taken. */
			ASSERT_EQ(EEXIST, err_of(ioctl(vm, KVM_CREATE_VCPU, 0)));
			close(vm);
		}
		ASSERT_EQ(base, module_refcount()) TH_LOG("round %d", round);
	}

	/* A mapping of kvm_run holds its vCPU (and so the VM) like an fd. */
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	v[0] = ioctl(vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, v[0]);
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, v[0], 0);
	ASSERT_NE(MAP_FAILED, run);
	close(v[0]);
	close(vm);
	EXPECT_LT(base, module_refcount());
	((volatile struct kvm_run *)run)->immediate_exit = 1;
	munmap(run, mmap_size);
	EXPECT_EQ(base, module_refcount());

	munmap(mem, 4 * pg);
	close(kvm);
}

TEST_HARNESS_MAIN
