// SPDX-License-Identifier: GPL-2.0
/*
 * Guest code runs: a vCPU executes the code it is given, with the registers
 * and memory the host gave it, keeps its state across exits to the host, and
 * has its PSCI calls answered as 32-bit ARM KVM (Linux 5.6) answers them.
 * Runs with kvm32 loaded.
 */
#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"

/* ---- Computing ---------------------------------------------------------------- */

static uint32_t sum_to(uint32_t n)
{
	uint32_t sum = 0;

	for (uint32_t i = 1; i <= n; i++)
		sum += i;
	return sum;
}

static uint32_t fibonacci(uint32_t m)
{
	uint32_t a = 0, b = 1;

	for (uint32_t i = 0; i < m; i++) {
		uint32_t t = a + b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * The same computations in the guest, on inputs the host passes in r0 and r1,
 * so that the compiler cannot have folded the results into constants; in
 * ARM and in Thumb state, which the vCPU starts in as its entry point says.
 */
GUEST_ARM_AND_THUMB(guest_compute, (uint32_t n, uint32_t m), {
	uint32_t sum = 0, a = 0, b = 1, i;

	for (i = 1; i <= n; i++)
		sum += i;
	for (i = 0; i < m; i++) {
		uint32_t t = a + b;

		a = b;
		b = t;
	}
	GUEST_SYNC(sum, a, n, m);
	GUEST_DONE();
})

TEST(guest_computes_what_the_host_computes)
{
	static const uint32_t inputs[][2] = { { 100, 20 }, { 1000, 40 }, { 0, 0 } };
	void *const guests[] = { guest_compute_arm, guest_compute_thumb };

	for (unsigned int i = 0; i < 2 * sizeof(inputs) / sizeof(inputs[0]); i++) {
		uint32_t n = inputs[i / 2][0], m = inputs[i / 2][1];
		struct kvm_vcpu *vcpu;
		struct kvm_vm *vm;
		struct ucall uc;

		vm = vm_create_with_one_vcpu(&vcpu, guests[i % 2]);
		vcpu_args_set(vcpu, 2, n, m);
		ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
		/* The arguments arrived in r0 and r1... */
		EXPECT_EQ(n, uc.args[2]);
		EXPECT_EQ(m, uc.args[3]);
		/* ... and the guest's arithmetic is the host's. */
		EXPECT_EQ(sum_to(n), uc.args[0])
			TH_LOG("sum of 1..%u, %s", n, i % 2 ? "Thumb" : "ARM");
		EXPECT_EQ(fibonacci(m), uc.args[1])
			TH_LOG("Fibonacci number %u, %s", m, i % 2 ? "Thumb" : "ARM");
		ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
		vm_free(vm);
	}
}

/*
 * A pseudo-random sequence whose state lives in registers across every exit
 * to the host: a vCPU whose registers were not saved and restored exactly
 * around an exit would drift from the host's copy of the sequence.
 */
#define LCG_NEXT(x)	((x) * 1103515245u + 12345u)

static GUEST_CODE void guest_sequence(uint32_t count, uint32_t seed)
{
	uint32_t x = seed, y = ~seed;

	for (uint32_t i = 0; i < count; i++) {
		x = LCG_NEXT(x);
		y = (y << 3 | y >> 29) ^ x;
		GUEST_SYNC(i, x, y);
	}
	GUEST_DONE();
}

TEST(guest_state_survives_exits)
{
	const uint32_t count = 200, seed = 0x2545f491;
	uint32_t x = seed, y = ~seed;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_sequence);
	vcpu_args_set(vcpu, 2, count, seed);
	for (uint32_t i = 0; i < count; i++) {
		x = LCG_NEXT(x);
		y = (y << 3 | y >> 29) ^ x;
		ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
		ASSERT_EQ(i, uc.args[0]);
		ASSERT_EQ(x, uc.args[1]) TH_LOG("step %u", i);
		ASSERT_EQ(y, uc.args[2]) TH_LOG("step %u", i);
	}
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/*
 * Two vCPUs of one VM, run in turns: each has its own registers and stack,
 * so each continues its own sequence.
 */
TEST(vcpus_keep_their_own_state)
{
	const uint32_t count = 50, seed[2] = { 1, 0xdeadbeef };
	uint32_t x[2], y[2];
	struct kvm_vcpu *vcpu[2];
	struct kvm_vm *vm;
	struct ucall uc;

	vm = vm_create();
	for (unsigned int v = 0; v < 2; v++) {
		vcpu[v] = vcpu_add(vm, v, guest_sequence);
		vcpu_args_set(vcpu[v], 2, count, seed[v]);
		x[v] = seed[v];
		y[v] = ~seed[v];
	}
	for (uint32_t i = 0; i < count; i++) {
		for (unsigned int v = 0; v < 2; v++) {
			x[v] = LCG_NEXT(x[v]);
			y[v] = (y[v] << 3 | y[v] >> 29) ^ x[v];
			ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu[v], &uc));
			ASSERT_EQ(i, uc.args[0]) TH_LOG("vCPU %u", v);
			ASSERT_EQ(x[v], uc.args[1]) TH_LOG("vCPU %u, step %u", v, i);
			ASSERT_EQ(y[v], uc.args[2]) TH_LOG("vCPU %u, step %u", v, i);
		}
	}
	for (unsigned int v = 0; v < 2; v++)
		ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu[v], NULL));
	vm_free(vm);
}

/* ---- Memory ------------------------------------------------------------------- */

/* In the binary's .data and .bss: the guest gets its own copy of both. */
static uint32_t guest_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
static uint32_t guest_total;

static GUEST_CODE void guest_use_memory(void)
{
	uint32_t sum = 0;

	for (unsigned int i = 0; i < 8; i++) {
		sum += guest_table[i];
		guest_table[i] *= 2;
	}
	guest_total = sum;
	GUEST_SYNC(sum);
	GUEST_DONE();
}

/*
 * What the host writes to a memory slot's mapping the guest reads, and what
 * the guest writes the host sees there: the slot is that memory, not a copy.
 */
TEST(guest_and_host_share_slot_memory)
{
	uint32_t *table, expect = 0;
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_use_memory);
	table = vm_gpa_to_hva(vm, (uintptr_t)guest_table);
	/* The image is loaded from the file: the guest's copy starts as ours. */
	for (unsigned int i = 0; i < 8; i++)
		ASSERT_EQ(guest_table[i], table[i]);
	table[7] = 1000;
	for (unsigned int i = 0; i < 8; i++)
		expect += table[i];

	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(expect, uc.args[0]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));

	EXPECT_EQ(expect, *(uint32_t *)vm_gpa_to_hva(vm, (uintptr_t)&guest_total));
	EXPECT_EQ(2000u, table[7]);
	EXPECT_EQ(6u, table[0]);
	/* The test's own globals are not the guest's. */
	EXPECT_EQ(3u, guest_table[0]);
	EXPECT_EQ(0u, guest_total);
	vm_free(vm);
}

/* ---- PSCI ----------------------------------------------------------------------- */

static GUEST_CODE void guest_psci_version(void)
{
	GUEST_SYNC(guest_hvc(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0));
	GUEST_DONE();
}

/* With KVM_ARM_VCPU_PSCI_0_2, Linux 5.6 KVM implements (and reports) PSCI 1.0. */
TEST(psci_version_is_1_0)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;

	vm = vm_create();
	vcpu = vcpu_add_with_features(vm, 0, guest_psci_version,
				      1u << KVM_ARM_VCPU_PSCI_0_2);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ(PSCI_VERSION(1, 0), uc.args[0]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

/*
 * Without it the guest has the pre-0.2 interface (KVM's private function
 * ids), and PSCI 0.2 function ids answer NOT_SUPPORTED.
 */
TEST(psci_0_2_is_absent_without_the_feature)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_psci_version);
	ASSERT_EQ(UCALL_SYNC, vcpu_run_to_ucall(vcpu, &uc));
	EXPECT_EQ((uint32_t)PSCI_RET_NOT_SUPPORTED, uc.args[0]);
	ASSERT_EQ(UCALL_DONE, vcpu_run_to_ucall(vcpu, NULL));
	vm_free(vm);
}

static GUEST_CODE void guest_system_off(void)
{
	guest_hvc(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
	GUEST_ASSERT(!"PSCI SYSTEM_OFF returned");
}

/* SYSTEM_OFF is the VMM's to carry out: KVM_RUN returns a shutdown event. */
TEST(psci_system_off_exits_with_shutdown_event)
{
	struct kvm_vcpu *vcpu;
	struct kvm_run *run;
	struct kvm_vm *vm;

	vm = vm_create();
	vcpu = vcpu_add_with_features(vm, 0, guest_system_off,
				      1u << KVM_ARM_VCPU_PSCI_0_2);
	run = vcpu_run_to_exit(vcpu, KVM_EXIT_SYSTEM_EVENT);
	EXPECT_EQ((uint32_t)KVM_SYSTEM_EVENT_SHUTDOWN, run->system_event.type);
	vm_free(vm);
}

TEST_HARNESS_MAIN
