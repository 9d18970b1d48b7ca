/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucall: messages from guest code to the test on the host.
 *
 * The guest fills a struct ucall on its stack and stores the struct's
 * address (one 32-bit STR) to UCALL_MMIO_ADDR, where no memory slot is. KVM
 * cannot complete that store itself and exits to the host with KVM_EXIT_MMIO;
 * the host reads the address from run->mmio.data and copies the struct out of
 * guest memory. The guest side is in guest.h; this is what both sides share
 * and the host's half.
 */
#ifndef KVM32_UCALL_H
#define KVM32_UCALL_H

#include <stdint.h>

/* Guest-physical; no memory slot may cover it. */
#define UCALL_MMIO_ADDR		0xfff00000u

enum ucall_cmd {
	UCALL_NONE,	/* get_ucall(): the exit was not a ucall */
	UCALL_SYNC,	/* GUEST_SYNC(args...): args[0..5] */
	UCALL_DONE,	/* GUEST_DONE(): the guest has finished */
	/*
	 * GUEST_ASSERT(cond) / GUEST_ASSERT_EQ(a, b) failed: args[0] is the
	 * guest address of the file name, args[1] the line, args[2] and
	 * args[3] the two values and args[4] 1 when they are meaningful
	 * (GUEST_ASSERT_EQ); buf holds the expression.
	 */
	UCALL_ASSERT,
	/*
	 * GUEST_PRINTF(fmt, args...): buf holds the format, args[0] the
	 * number of values (UCALL_PRINT_RAW: print buf as it is), args[1..5]
	 * the values. The host does the formatting.
	 */
	UCALL_PRINT,
	/*
	 * The guest took an exception it has no handler for (guest.c's
	 * vectors), or a guest function returned: args[0] is the vector
	 * (GUEST_VECTOR_*), args[1] the exception mode's LR, args[2] its
	 * SPSR, args[3] the fault status (DFSR/IFSR) and args[4] the fault
	 * address (DFAR/IFAR) of an abort.
	 */
	UCALL_UNHANDLED,
};

/* UCALL_UNHANDLED's args[0]: the vector offset / 4, plus one pseudo vector. */
#define GUEST_VECTOR_RESET	0
#define GUEST_VECTOR_UNDEF	1
#define GUEST_VECTOR_SVC	2
#define GUEST_VECTOR_PABT	3
#define GUEST_VECTOR_DABT	4
#define GUEST_VECTOR_HYP	5
#define GUEST_VECTOR_IRQ	6
#define GUEST_VECTOR_FIQ	7
#define GUEST_VECTOR_RETURNED	8	/* the guest function returned */

/* UCALL_PRINT's args[0] for GUEST_PRINT(): print buf as it is. */
#define UCALL_PRINT_RAW		0xffffffffu

#define UCALL_MAX_ARGS		6
#define UCALL_BUF_SIZE		128

struct ucall {
	uint32_t cmd;
	uint32_t args[UCALL_MAX_ARGS];
	char buf[UCALL_BUF_SIZE];	/* NUL-terminated when used */
};

struct kvm_vcpu;

/*
 * After a KVM_RUN: if the exit is a ucall, copies it into @uc (may be NULL)
 * and returns its command; otherwise returns UCALL_NONE (and zeroes @uc).
 * Fails the test if the guest's message is malformed.
 */
uint32_t get_ucall(struct kvm_vcpu *vcpu, struct ucall *uc);

/*
 * Runs the vCPU (vcpu_run_ok) until a ucall that the test must handle and
 * returns its command (UCALL_SYNC, UCALL_DONE) with the message in @uc (may
 * be NULL). Guest prints are shown and the vCPU run on. Fails the test on
 * any other exit, on a guest assertion (with the guest's file:line,
 * expression and values) and on an unexpected guest exception.
 */
uint32_t vcpu_run_to_ucall(struct kvm_vcpu *vcpu, struct ucall *uc);

/* Fails the test, describing the failed guest assertion or exception @uc. */
void __attribute__((noreturn))
ucall_report_fatal(struct kvm_vcpu *vcpu, const struct ucall *uc);

/* The text of a UCALL_PRINT formatted into @out (the host does printf). */
void ucall_format_print(const struct ucall *uc, char *out, unsigned int size);

#endif /* KVM32_UCALL_H */
