/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the guest selftests: the rules guest code obeys and the
 * macros it reports with.
 *
 * Guest code is ordinary C in the test binary, run by a vCPU at PL1 in SVC
 * mode with the guest's MMU and caches off, at guest-physical addresses equal
 * to the test's virtual addresses (see kvm_util.h). That makes it a very
 * bare machine:
 *
 * - Mark every guest function, entry points and helpers alike, GUEST_CODE
 *   (or GUEST_CODE_ARM / GUEST_CODE_THUMB). It keeps GCC from using VFP/NEON
 *   registers (VFP is off after reset, by CPACR and FPEXC: a VFP instruction
 *   is an Undefined Instruction; float and double are a compile error), from
 *   inlining it into host code or host code into it, from adding
 *   stack-protector checks, and from turning loops into memset/memcpy calls.
 *   Helpers the guest calls must be guest code too: a static inline
 *   function without the attribute is host code.
 * - No libc: no printf, memcpy, memset, strlen... (they are host code and may
 *   use VFP, NEON or exclusive accesses). Write small loops. Do not copy or
 *   zero-initialise structs or arrays as a whole (s1 = s2, = { 0 }, large
 *   initialisers): GCC implements those with memcpy/memset calls. The libgcc
 *   integer helpers (__aeabi_uidiv for a division...) are plain code and
 *   safe.
 * - All memory is Strongly-ordered with the MMU off: no unaligned accesses
 *   (the binaries are built with -mno-unaligned-access; no packed structs),
 *   no exclusive loads/stores (no atomics, no locks, no __sync/__atomic).
 *   QEMU does not fault unaligned accesses there, real CPUs do: the board
 *   cannot catch a mistake here.
 * - Memory the guest can use: its stack (64 KiB), the test binary's globals
 *   (the guest's own copy, initialised from the file: see
 *   sync_global_to_guest()/sync_global_from_guest()) and what the test adds
 *   with vm_add_memory(). Not the host's heap or stack, no thread-locals
 *   (errno included).
 * - An access to an address no memory slot covers exits to the host as
 *   KVM_EXIT_MMIO. Only single loads/stores of 1, 2 or 4 bytes without
 *   writeback (LDR/STR/LDRB/STRB/LDRH/STRH/LDRSB/LDRSH) can be completed by
 *   the host: use inline asm for MMIO so the instruction is exactly known.
 * - Report with GUEST_SYNC/GUEST_PRINTF, check with GUEST_ASSERT*, end with
 *   GUEST_DONE(); nothing after it runs (running the vCPU again repeats the
 *   UCALL_DONE). A guest function that returns, a branch to address 0 or an
 *   unexpected exception (an undefined or VFP instruction, SVC, an abort) is
 *   reported to the host with its address and fails the test; so does a
 *   write to the binary's code or constants (read-only slots).
 */
#ifndef KVM32_GUEST_H
#define KVM32_GUEST_H

#include <stdint.h>
#include <linux/psci.h>

#include "ucall.h"

#if defined(__has_attribute) && __has_attribute(no_stack_protector)
#define __GUEST_NO_SSP no_stack_protector,
#else
#define __GUEST_NO_SSP
#endif

#define __GUEST_CODE(isa) __attribute__((noinline, __GUEST_NO_SSP		\
	target(isa "general-regs-only"),					\
	optimize("no-tree-loop-distribute-patterns")))
/* The compiler's default instruction set (Thumb-2 for Debian's armhf GCC). */
#define GUEST_CODE		__GUEST_CODE("")
/* A given instruction set; the vCPU starts in the entry point's. */
#define GUEST_CODE_ARM		__GUEST_CODE("arm,")
#define GUEST_CODE_THUMB	__GUEST_CODE("thumb,")

/*
 * GUEST_ARM_AND_THUMB(name, (params), { body }) defines two static guest
 * functions, name_arm and name_thumb, with the same parameters and body,
 * for tests that must hold in both instruction sets.
 */
#define GUEST_ARM_AND_THUMB(name, params, ...)					\
	static GUEST_CODE_ARM void name##_arm params __VA_ARGS__		\
	static GUEST_CODE_THUMB void name##_thumb params __VA_ARGS__

/* ---- Reporting to the host --------------------------------------------------- */

/* The number of macro arguments, 0 to 10. */
#define __GUEST_NARGS(...)							\
	__GUEST_NARGS_(_, ##__VA_ARGS__, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __GUEST_NARGS_(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, n, ...) n
/* A compile error unless @cond (a constant) holds; an expression. */
#define __GUEST_BUILD_CHECK(cond) ((void)sizeof(char[(cond) ? 1 : -1]))
/* The first six arguments as uint32_t, missing ones 0. */
#define __GUEST_ARGS6(...) __GUEST_ARGS6_(_, ##__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define __GUEST_ARGS6_(_, a, b, c, d, e, f, ...)				\
	(uint32_t)(a), (uint32_t)(b), (uint32_t)(c),				\
	(uint32_t)(d), (uint32_t)(e), (uint32_t)(f)
#define __GUEST_ARGS5(...) __GUEST_ARGS5_(_, ##__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define __GUEST_ARGS5_(_, a, b, c, d, e, ...)					\
	(uint32_t)(a), (uint32_t)(b), (uint32_t)(c), (uint32_t)(d), (uint32_t)(e)

/*
 * GUEST_SYNC(values...): up to six 32-bit values (wider ones are truncated)
 * for the host, which gets UCALL_SYNC with them in args[0..5] and runs the
 * vCPU on when it is ready.
 */
#define GUEST_SYNC(...) do {							\
	__GUEST_BUILD_CHECK(__GUEST_NARGS(__VA_ARGS__) <= UCALL_MAX_ARGS);	\
	__guest_ucall(UCALL_SYNC, __GUEST_ARGS6(__VA_ARGS__));			\
} while (0)

/* The guest has finished; does not return. */
#define GUEST_DONE()	__guest_done()

/* Fails the test, with file:line and the expression, unless @cond holds. */
#define GUEST_ASSERT(cond) do {							\
	if (!(cond))								\
		__guest_assert_fail(__FILE__, __LINE__, #cond, 0, 0, 0);	\
} while (0)

/*
 * Fails the test, with file:line, the expressions and both values, unless
 * @a == @b. Compares 32-bit values (wider ones do not compile).
 */
#define GUEST_ASSERT_EQ(a, b) do {						\
	_Static_assert(sizeof(a) <= 4 && sizeof(b) <= 4,			\
		       "GUEST_ASSERT_EQ compares 32-bit values");		\
	uint32_t __ga = (uint32_t)(a), __gb = (uint32_t)(b);			\
	if (__ga != __gb)							\
		__guest_assert_fail(__FILE__, __LINE__, #a " == " #b,		\
				    __ga, __gb, 1);				\
} while (0)

/*
 * GUEST_PRINTF(fmt, values...): a message the host prints. The host does
 * the formatting, so only integer conversions are allowed (%d %i %u %x %X
 * %o %c with flags, width and precision, and %%) and at most five values;
 * the format is cut at 127 characters.
 */
#define GUEST_PRINTF(fmt, ...) do {						\
	__GUEST_BUILD_CHECK(__GUEST_NARGS(__VA_ARGS__) <= 5);			\
	__guest_printf(fmt, __GUEST_NARGS(__VA_ARGS__),			\
		       __GUEST_ARGS5(__VA_ARGS__));				\
} while (0)
/* A fixed string, printed as it is ('%' included). */
#define GUEST_PRINT(str) __guest_printf(str, UCALL_PRINT_RAW, 0, 0, 0, 0, 0)

/* ---- Calling the hypervisor ----------------------------------------------------- */

/*
 * HVC #0 with r0 = @fn and r1-r3 = @a1-@a3 (an SMCCC/PSCI call); returns
 * r0, the call's result.
 */
uint32_t guest_hvc(uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3);

/* ---- Implementation (guest.c); call the macros above instead -------------- */

void __guest_ucall(uint32_t cmd, uint32_t a0, uint32_t a1, uint32_t a2,
		   uint32_t a3, uint32_t a4, uint32_t a5);
void __attribute__((noreturn)) __guest_done(void);
void __attribute__((noreturn))
__guest_assert_fail(const char *file, uint32_t line, const char *expr,
		    uint32_t a, uint32_t b, uint32_t has_values);
void __guest_printf(const char *fmt, uint32_t nargs, uint32_t a0, uint32_t a1,
		    uint32_t a2, uint32_t a3, uint32_t a4);

/*
 * For the host (kvm_util.c): the ARM-state exception entry stubs, 8 bytes
 * apart, one per vector; and where a returning guest function lands.
 */
extern const char __guest_vector_stubs[];
void __attribute__((noreturn)) __guest_returned(void);

#endif /* KVM32_GUEST_H */
