/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side of the guest selftests: VMs whose guest code is ordinary C in the
 * test binary itself.
 *
 * vm_create() loads the test binary (its PT_LOAD segments, read from
 * /proc/self/exe) into guest memory at guest-physical addresses equal to the
 * test's own virtual addresses, so a vCPU started at a function's address runs
 * that function with the guest's MMU off. The segments are copied, never
 * aliased: the guest's uncached accesses must not share cache lines with the
 * host's. Guest code must follow the rules in guest.h.
 *
 * The guest-physical map of a VM:
 *
 *   0x00000000  one page: exception vectors (report unexpected exceptions)
 *   0x00010000  the test binary's segments (read-only when not writable)
 *   0x10000000  free: tests put MMIO or memory here (vm_add_memory)
 *   0x7f000000  vCPU stacks: VCPU_STACK_GPA(id), 64 KiB of stack plus 4 KiB
 *               for the exception modes, an unmapped guard below each
 *   0xfff00000  UCALL_MMIO_ADDR (ucall.h): no memory, guest->host messages
 *
 * Guest and host see the same memory through different attributes: the
 * guest uncached (MMU off), the host cached. QEMU's board has no caches to
 * disagree; on real hardware the host could read stale cache lines of memory
 * the guest wrote (ucall messages included) until guests run with caches on.
 *
 * Every function here checks what it does and ends the test with a message
 * (TEST_ASSERT) on failure, except the raw vcpu_run(), which returns what
 * KVM_RUN returned so that tests can check errors.
 */
#ifndef KVM32_KVM_UTIL_H
#define KVM32_KVM_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>	/* offsetof for KVM_REG_ARM_CORE_REG */
#include <stdint.h>
#include <string.h>
#include <linux/kvm.h>

#include "ucall.h"

/* ---- Failing loudly ----------------------------------------------------- */

/*
 * Prints the location, the failed condition, errno and the message (each
 * line prefixed "# " to keep the TAP stream valid), then abort()s: inside a
 * TEST() the harness reports "terminated by assertion" and fails the test;
 * in plain code the process dies, and run-tests.sh counts it as failed.
 */
void __attribute__((noreturn, format(printf, 5, 6)))
__test_assert_fail(const char *file, int line, const char *cond, int err,
		   const char *fmt, ...);

#define TEST_ASSERT(cond, fmt, ...) do {					\
	if (!(cond))								\
		__test_assert_fail(__FILE__, __LINE__, #cond, errno,		\
				   fmt, ##__VA_ARGS__);				\
} while (0)

#define TEST_FAIL(fmt, ...)							\
	__test_assert_fail(__FILE__, __LINE__, "TEST_FAIL", 0,		\
			   fmt, ##__VA_ARGS__)

/* Compares as 64-bit unsigned numbers and prints both sides on failure. */
#define TEST_ASSERT_EQ(a, b) do {						\
	uint64_t __ta = (uint64_t)(a), __tb = (uint64_t)(b);			\
	if (__ta != __tb)							\
		__test_assert_fail(__FILE__, __LINE__, #a " == " #b, errno,	\
				   "%#llx != %#llx", (unsigned long long)__ta,	\
				   (unsigned long long)__tb);			\
} while (0)

/* ---- Layout --------------------------------------------------------------- */

/* /dev/kvm, unless the environment variable KVM32_DEV names another path. */
#define KVM_DEV_PATH		"/dev/kvm"
#define KVM_DEV_ENV		"KVM32_DEV"

/*
 * Memory slots 0 to VM_LIB_SLOT_BASE - 1 are the test's (vm_add_memory);
 * the library takes its slots from VM_LIB_SLOT_BASE up (32-bit ARM KVM has
 * 32 slots in all).
 */
#define VM_LIB_SLOT_BASE	16
#define VM_SLOT_VECTORS		VM_LIB_SLOT_BASE
#define VM_SLOT_IMAGE(i)	(VM_LIB_SLOT_BASE + 1 + (i))	/* i < 7 */
#define VM_MAX_IMAGE_REGIONS	7
#define VM_SLOT_STACK(id)	(VM_LIB_SLOT_BASE + 8 + (id))
#define VM_MAX_REGIONS		32

/* 32-bit ARM KVM with a GICv2 allows 8 vCPUs; ids 0-7 get a stack. */
#define VM_MAX_VCPUS		8

#define VECTORS_GPA		0x00000000u
#define VCPU_STACK_BASE		0x7f000000u
#define VCPU_STACK_STRIDE	0x20000u	/* 128 KiB: region + guard */
#define VCPU_STACK_SIZE		0x10000u	/* 64 KiB for SVC mode */
#define VCPU_EXC_STACK_SIZE	0x1000u		/* above it: ABT/UND/IRQ/FIQ */
#define VCPU_STACK_GPA(id)	(VCPU_STACK_BASE + (id) * VCPU_STACK_STRIDE)

/* CPSR bits */
#define CPSR_MODE_SVC		0x13u
#define CPSR_T			(1u << 5)	/* Thumb state */
#define CPSR_F			(1u << 6)
#define CPSR_I			(1u << 7)
#define CPSR_A			(1u << 8)
/* A vCPU starts in SVC mode with asynchronous aborts, IRQ and FIQ masked. */
#define GUEST_CPSR		(CPSR_MODE_SVC | CPSR_A | CPSR_I | CPSR_F)	/* 0x1d3 */

/* ---- ONE_REG ids ------------------------------------------------------------ */

/*
 * The 32-bit core register @name, a member of struct kvm_regs:
 * ARM_CORE_REG(usr_regs.ARM_pc), ARM_CORE_REG(svc_regs[0]) (SP_svc) ...
 */
#define ARM_CORE_REG(name)							\
	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE |			\
	 KVM_REG_ARM_CORE_REG(name))
/* r0-r12, then sp_usr, lr_usr, pc (n = 0..15), and cpsr (16). */
#define ARM_CORE_REG_R(n)	(ARM_CORE_REG(usr_regs) + (n))
#define ARM_CORE_REG_PC		ARM_CORE_REG(usr_regs.ARM_pc)
#define ARM_CORE_REG_CPSR	ARM_CORE_REG(usr_regs.ARM_cpsr)
#define ARM_CORE_REG_SP_SVC	ARM_CORE_REG(KVM_ARM_SVC_sp)
#define ARM_CORE_REG_LR_SVC	ARM_CORE_REG(KVM_ARM_SVC_lr)

/* ---- VMs and vCPUs -------------------------------------------------------- */

struct vm_region {
	uint32_t slot;
	uint32_t flags;		/* KVM_MEM_* */
	uint64_t gpa;
	uint64_t size;
	void *hva;		/* the host's mapping of the region */
};

struct kvm_vm;

struct kvm_vcpu {
	struct kvm_vm *vm;
	uint32_t id;
	int fd;			/* the vCPU fd, for raw ioctls */
	struct kvm_run *run;	/* the shared kvm_run area */
	size_t run_size;
};

struct kvm_vm {
	int kvm_fd;		/* /dev/kvm */
	int fd;			/* the VM fd, for raw ioctls */
	uint32_t page_size;
	bool readonly_mem;	/* KVM_CAP_READONLY_MEM */
	unsigned int nr_regions;
	struct vm_region regions[VM_MAX_REGIONS];
	struct kvm_vcpu *vcpus[VM_MAX_VCPUS];
};

/*
 * Opens /dev/kvm (or $KVM32_DEV), creates a VM (type 0), loads the test
 * binary and the exception vectors into its memory.
 */
struct kvm_vm *vm_create(void);
/* vm_create() plus vcpu_add(vm, 0, guest_code); the vCPU is returned in *vcpu. */
struct kvm_vm *vm_create_with_one_vcpu(struct kvm_vcpu **vcpu, void *guest_code);
/* Destroys the vCPUs and the VM, unmaps all guest memory, frees @vm. */
void vm_free(struct kvm_vm *vm);

/*
 * Adds @size bytes (page multiple) of zeroed guest memory at @gpa (page
 * aligned) as memory slot @slot (below VM_LIB_SLOT_BASE) with KVM_MEM_*
 * @flags; returns the host's mapping of it, which stays writable even for
 * KVM_MEM_READONLY.
 */
void *vm_add_memory(struct kvm_vm *vm, uint32_t slot, uint64_t gpa,
		    uint64_t size, uint32_t flags);
/* The host address of guest-physical @gpa; fails the test if no slot has it. */
void *vm_gpa_to_hva(struct kvm_vm *vm, uint64_t gpa);
/* The same, or NULL, when [@gpa, @gpa + @len) is not inside one region. */
void *vm_gpa_to_hva_range(struct kvm_vm *vm, uint64_t gpa, uint64_t len);

/*
 * The guest's copy of a global of the test binary: after vm_create() the
 * guest's copy and the host's are separate (initialised from the file).
 */
#define sync_global_to_guest(vm, g)						\
	memcpy(vm_gpa_to_hva((vm), (uintptr_t)&(g)), &(g), sizeof(g))
#define sync_global_from_guest(vm, g)						\
	memcpy(&(g), vm_gpa_to_hva((vm), (uintptr_t)&(g)), sizeof(g))

/*
 * Creates vCPU @id (< VM_MAX_VCPUS), initialised as the preferred target
 * with no features, to run @guest_code (a GUEST_CODE function of the test
 * binary): PC = @guest_code (in Thumb state if it is Thumb code), SP_svc =
 * the top of its own stack, CPSR = GUEST_CPSR, LR_svc = a trap that reports
 * a guest function returning instead of ending with GUEST_DONE(), and the
 * exception modes' SPs on a small stack of their own.
 */
struct kvm_vcpu *vcpu_add(struct kvm_vm *vm, uint32_t id, void *guest_code);
/*
 * vcpu_add() with KVM_ARM_VCPU_INIT features[0] = @features, a mask of
 * 1u << KVM_ARM_VCPU_* (e.g. 1u << KVM_ARM_VCPU_PSCI_0_2).
 */
struct kvm_vcpu *vcpu_add_with_features(struct kvm_vm *vm, uint32_t id,
					void *guest_code, uint32_t features);
/* Passes up to 4 arguments to the guest function in r0-r3. */
void vcpu_args_set(struct kvm_vcpu *vcpu, unsigned int nargs, ...);

/* KVM_GET_ONE_REG / KVM_SET_ONE_REG of a 32-bit register. */
uint32_t vcpu_get_reg(struct kvm_vcpu *vcpu, uint64_t id);
void vcpu_set_reg(struct kvm_vcpu *vcpu, uint64_t id, uint32_t value);
/* The same for 64-bit registers (KVM_REG_SIZE_U64), e.g. timer counters. */
uint64_t vcpu_get_reg64(struct kvm_vcpu *vcpu, uint64_t id);
void vcpu_set_reg64(struct kvm_vcpu *vcpu, uint64_t id, uint64_t value);

/* KVM_RUN; returns its result (0, or -1 with errno set). */
int vcpu_run(struct kvm_vcpu *vcpu);
/* KVM_RUN, retried on EINTR; fails the test unless it succeeds. */
void vcpu_run_ok(struct kvm_vcpu *vcpu);
/*
 * Runs the vCPU until an exit with reason @exit_reason and returns the
 * kvm_run area. Guest prints are shown and the vCPU run on; a guest
 * assertion, an unexpected guest exception, another ucall or another exit
 * fails the test with a description of what happened instead.
 */
struct kvm_run *vcpu_run_to_exit(struct kvm_vcpu *vcpu, uint32_t exit_reason);

/* "KVM_EXIT_MMIO" ..., or "exit reason N" into a static buffer. */
const char *exit_reason_str(uint32_t reason);
/* One line describing the vCPU's last exit (reason and its details). */
void vcpu_describe_exit(struct kvm_vcpu *vcpu, char *buf, size_t size);

#endif /* KVM32_KVM_UTIL_H */
