// SPDX-License-Identifier: GPL-2.0
/*
 * Guest accesses that no memory slot can satisfy reach the VMM as
 * KVM_EXIT_MMIO, exactly: address, size, direction and little-endian data of
 * a write; for a read, the data the VMM puts in kvm_run arrives in the guest's
 * register zero- or sign-extended as the load instruction says. A read-only
 * slot reads as memory and turns writes into MMIO exits. Every case runs
 * in ARM and in Thumb state: the hypervisor completes 32-bit ARM and 16- and
 * 32-bit Thumb instructions alike and moves the PC on by the right length.
 * Runs with kvm32 loaded.
 */
#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"

#define MMIO_GPA	0x10000000u	/* no slot here (see kvm_util.h) */
#define MMIO_HIGH_GPA	0xfe00fffcu	/* upper address bits must survive too */
#define RO_GPA		0x20000000u
#define RO_SLOT		1

/* ---- Writes ------------------------------------------------------------------- */

/* Each store: its address, size, and the register's value (only len bytes go). */
static const struct mmio_write {
	const char *insn;
	uint32_t gpa;
	uint32_t len;
	uint32_t value;
} writes[] = {
	{ "strb", MMIO_GPA + 1, 1, 0x123456a5 },
	{ "strh", MMIO_GPA + 2, 2, 0x1234b6c7 },
	{ "str", MMIO_GPA + 4, 4, 0x89abcdef },
	{ "str", MMIO_HIGH_GPA, 4, 0x01020304 },
};

/* Literal addresses and values: the guest must not depend on host data. */
GUEST_ARM_AND_THUMB(guest_mmio_writes, (void), {
	asm volatile("strb %0, [%1]" : : "r"(0x123456a5), "r"(MMIO_GPA + 1) : "memory");
	asm volatile("strh %0, [%1]" : : "r"(0x1234b6c7), "r"(MMIO_GPA + 2) : "memory");
	asm volatile("str %0, [%1]" : : "r"(0x89abcdef), "r"(MMIO_GPA + 4) : "memory");
	asm volatile("str %0, [%1]" : : "r"(0x01020304), "r"(MMIO_HIGH_GPA) : "memory");
	GUEST_DONE();
})

/* ---- Reads --------------------------------------------------------------------- */

/*
 * Each load, the bytes the VMM supplies (all eight of mmio.data: the bytes
 * past len must be ignored) and what the guest's register must then hold.
 */
static const struct mmio_read {
	const char *insn;
	uint32_t gpa;
	uint32_t len;
	uint8_t data[8];
	uint32_t expect;
} reads[] = {
	{ "ldrb", MMIO_GPA + 1, 1, { 0xa5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0x000000a5 },
	{ "ldrsb", MMIO_GPA + 3, 1, { 0xa5, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee }, 0xffffffa5 },
	{ "ldrsb", MMIO_GPA + 5, 1, { 0x5a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0x0000005a },
	{ "ldrh", MMIO_GPA + 2, 2, { 0x01, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0x00008001 },
	{ "ldrsh", MMIO_GPA + 6, 2, { 0x01, 0x80, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee }, 0xffff8001 },
	{ "ldrsh", MMIO_GPA + 8, 2, { 0xfe, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0x00007ffe },
	{ "ldr", MMIO_GPA + 12, 4, { 0x21, 0x43, 0x65, 0x87, 0xff, 0xff, 0xff, 0xff }, 0x87654321 },
	{ "ldr", MMIO_HIGH_GPA, 4, { 0x78, 0x56, 0x34, 0x12, 0xee, 0xee, 0xee, 0xee }, 0x12345678 },
};

/*
 * The destination registers start as all ones, so that a load that left
 * upper bits alone cannot pass for a zero-extending one.
 */
#define GUEST_LOAD(insn, gpa) ({						\
	uint32_t __v = 0xffffffff;						\
	asm volatile(insn " %0, [%1]" : "+r"(__v) : "r"(gpa) : "memory");	\
	__v;									\
})

GUEST_ARM_AND_THUMB(guest_mmio_reads, (void), {
	GUEST_SYNC(GUEST_LOAD("ldrb", MMIO_GPA + 1));
	GUEST_SYNC(GUEST_LOAD("ldrsb", MMIO_GPA + 3));
	GUEST_SYNC(GUEST_LOAD("ldrsb", MMIO_GPA + 5));
	GUEST_SYNC(GUEST_LOAD("ldrh", MMIO_GPA + 2));
	GUEST_SYNC(GUEST_LOAD("ldrsh", MMIO_GPA + 6));
	GUEST_SYNC(GUEST_LOAD("ldrsh", MMIO_GPA + 8));
	GUEST_SYNC(GUEST_LOAD("ldr", MMIO_GPA + 12));
	GUEST_SYNC(GUEST_LOAD("ldr", MMIO_HIGH_GPA));
	GUEST_DONE();
})

/* ---- A read-only slot ----------------------------------------------------------- */

GUEST_ARM_AND_THUMB(guest_readonly, (void), {
	volatile uint32_t *p = (volatile uint32_t *)RO_GPA;

	GUEST_SYNC(p[0], p[1]);
	asm volatile("str %0, [%1]" : : "r"(0xcafef00d), "r"(RO_GPA + 4) : "memory");
	asm volatile("strb %0, [%1]" : : "r"(0x000000ee), "r"(RO_GPA + 9) : "memory");
	GUEST_SYNC(p[1], p[2]);
	GUEST_DONE();
})

/*
 * An 8-byte access to MMIO: LDRD/STRD trap without a valid syndrome on
 * ARMv7, so the hypervisor cannot know the registers involved. KVM does not
 * guess: KVM_RUN fails with ENOSYS (KVM_CAP_ARM_NISV_TO_USER is off).
 */
GUEST_ARM_AND_THUMB(guest_mmio_ldrd, (void), {
	register uint32_t lo asm("r2"), hi asm("r3");

	asm volatile("ldrd %0, %1, [%2]" : "=r" (lo), "=r" (hi) : "r" (MMIO_GPA) : "memory");
	GUEST_SYNC(lo, hi);
	GUEST_DONE();
})

/* ---- The tests, in both instruction sets ------------------------------------- */

FIXTURE(mmio) {
	struct kvm_vm *vm;
};

/* The same guest code, compiled for each instruction set. */
FIXTURE_VARIANT(mmio) {
	void *writes;
	void *reads;
	void *readonly;
	void *ldrd;
};

FIXTURE_VARIANT_ADD(mmio, arm) {
	.writes = guest_mmio_writes_arm,
	.reads = guest_mmio_reads_arm,
	.readonly = guest_readonly_arm,
	.ldrd = guest_mmio_ldrd_arm,
};

FIXTURE_VARIANT_ADD(mmio, thumb) {
	.writes = guest_mmio_writes_thumb,
	.reads = guest_mmio_reads_thumb,
	.readonly = guest_readonly_thumb,
	.ldrd = guest_mmio_ldrd_thumb,
};

FIXTURE_SETUP(mmio)
{
	self->vm = vm_create();
}

FIXTURE_TEARDOWN(mmio)
{
	vm_free(self->vm);
}

TEST_F(mmio, writes_reach_the_vmm)
{
	struct kvm_vcpu *vcpu = vcpu_add(self->vm, 0, variant->writes);

	for (unsigned int i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		const struct mmio_write *w = &writes[i];
		struct kvm_run *run = vcpu_run_to_exit(vcpu, KVM_EXIT_MMIO);

		ASSERT_EQ(w->gpa, run->mmio.phys_addr) TH_LOG("%s", w->insn);
		ASSERT_EQ(w->len, run->mmio.len) TH_LOG("%s", w->insn);
		ASSERT_EQ(1, run->mmio.is_write) TH_LOG("%s", w->insn);
		for (unsigned int b = 0; b < w->len; b++) {
			EXPECT_EQ((w->value >> (8 * b)) & 0xff, run->mmio.data[b])
				TH_LOG("%s: data byte %u", w->insn, b);
		}
	}
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
}

TEST_F(mmio, reads_return_what_the_vmm_supplies)
{
	struct kvm_vcpu *vcpu = vcpu_add(self->vm, 0, variant->reads);
	struct ucall uc;

	for (unsigned int i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		const struct mmio_read *r = &reads[i];
		struct kvm_run *run = vcpu_run_to_exit(vcpu, KVM_EXIT_MMIO);

		ASSERT_EQ(r->gpa, run->mmio.phys_addr) TH_LOG("%s", r->insn);
		ASSERT_EQ(r->len, run->mmio.len) TH_LOG("%s", r->insn);
		ASSERT_EQ(0, run->mmio.is_write) TH_LOG("%s", r->insn);
		memcpy(run->mmio.data, r->data, sizeof(run->mmio.data));

		ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
		EXPECT_EQ(r->expect, uc.args[0])
			TH_LOG("%s at %#x: expected %#x, the guest got %#x",
			       r->insn, r->gpa, r->expect, uc.args[0]);
	}
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
}

TEST_F(mmio, readonly_slot_reads_memory_and_traps_writes)
{
	struct kvm_vcpu *vcpu = vcpu_add(self->vm, 0, variant->readonly);
	struct kvm_run *run;
	struct ucall uc;
	uint32_t *mem;

	mem = vm_add_memory(self->vm, RO_SLOT, RO_GPA, getpagesize(), KVM_MEM_READONLY);
	mem[0] = 0x11223344;
	mem[1] = 0x55667788;
	mem[2] = 0x99aabbcc;

	/* Reads are plain memory reads: no exit, the slot's contents. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(0x11223344u, uc.args[0]);
	EXPECT_EQ(0x55667788u, uc.args[1]);

	/* Writes exit to the VMM as MMIO writes, with their data... */
	run = vcpu_run_to_exit(vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(RO_GPA + 4, run->mmio.phys_addr);
	EXPECT_EQ(4u, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(0x0d, run->mmio.data[0]);
	EXPECT_EQ(0xf0, run->mmio.data[1]);
	EXPECT_EQ(0xfe, run->mmio.data[2]);
	EXPECT_EQ(0xca, run->mmio.data[3]);
	run = vcpu_run_to_exit(vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(RO_GPA + 9, run->mmio.phys_addr);
	EXPECT_EQ(1u, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(0xee, run->mmio.data[0]);

	/* ... and leave the memory as it was. */
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(0x55667788u, uc.args[0]);
	EXPECT_EQ(0x99aabbccu, uc.args[1]);
	EXPECT_EQ(0x55667788u, mem[1]);
	EXPECT_EQ(0x99aabbccu, mem[2]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
}

TEST_F(mmio, doubleword_access_without_syndrome_is_enosys)
{
	struct kvm_vcpu *vcpu = vcpu_add(self->vm, 0, variant->ldrd);

	EXPECT_EQ(-1, vcpu_run(vcpu));
	EXPECT_EQ(ENOSYS, errno);
}

TEST_HARNESS_MAIN
