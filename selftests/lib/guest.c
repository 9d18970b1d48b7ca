// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of ucall and the guest's exception handling. All of it runs
 * inside guest VMs, under guest.h's rules: GUEST_CODE, no libc, no struct
 * copies, only the stores described below for MMIO.
 */
#include "guest.h"

/*
 * Sends @uc: one 32-bit STR of its address to UCALL_MMIO_ADDR, which no slot
 * covers, so KVM exits to the host with KVM_EXIT_MMIO. The "memory" clobber
 * makes GCC finish writing *uc first; with the MMU off all memory is
 * Strongly-ordered, so those writes reach memory before the exit without a
 * barrier. Inline asm, not a volatile store, so that the instruction is a
 * plain STR that the hypervisor can always complete from the syndrome.
 */
static GUEST_CODE void ucall_send(struct ucall *uc)
{
	asm volatile("str %0, [%1]" : : "r"(uc), "r"(UCALL_MMIO_ADDR) : "memory");
}

/* A bounded string copy; strncpy is libc. */
static GUEST_CODE void copy_str(char *dst, const char *src, uint32_t size)
{
	uint32_t i = 0;

	if (src) {
		for (; i < size - 1 && src[i]; i++)
			dst[i] = src[i];
	}
	dst[i] = '\0';
}

/* The fields one by one: a struct assignment could become a memcpy call. */
static GUEST_CODE void ucall_fill(struct ucall *uc, uint32_t cmd, uint32_t a0,
				  uint32_t a1, uint32_t a2, uint32_t a3,
				  uint32_t a4, uint32_t a5)
{
	uc->cmd = cmd;
	uc->args[0] = a0;
	uc->args[1] = a1;
	uc->args[2] = a2;
	uc->args[3] = a3;
	uc->args[4] = a4;
	uc->args[5] = a5;
	uc->buf[0] = '\0';
}

GUEST_CODE void __guest_ucall(uint32_t cmd, uint32_t a0, uint32_t a1,
			      uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5)
{
	struct ucall uc;

	ucall_fill(&uc, cmd, a0, a1, a2, a3, a4, a5);
	ucall_send(&uc);
}

/*
 * Repeats the message forever: a host that runs the vCPU again gets
 * UCALL_DONE again instead of a guest running off into whatever follows.
 */
GUEST_CODE void __guest_done(void)
{
	for (;;)
		__guest_ucall(UCALL_DONE, 0, 0, 0, 0, 0, 0);
}

GUEST_CODE void __guest_assert_fail(const char *file, uint32_t line,
				    const char *expr, uint32_t a, uint32_t b,
				    uint32_t has_values)
{
	struct ucall uc;

	ucall_fill(&uc, UCALL_ASSERT, (uint32_t)file, line, a, b, has_values, 0);
	copy_str(uc.buf, expr, sizeof(uc.buf));
	for (;;)
		ucall_send(&uc);
}

GUEST_CODE void __guest_printf(const char *fmt, uint32_t nargs, uint32_t a0,
			       uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
	struct ucall uc;

	ucall_fill(&uc, UCALL_PRINT, nargs, a0, a1, a2, a3, a4);
	copy_str(uc.buf, fmt, sizeof(uc.buf));
	ucall_send(&uc);
}

/*
 * SMCCC via HVC #0: function id in r0, arguments in r1-r3, results in r0-r3.
 * The hypervisor preserves the other registers; ip is listed as clobbered
 * too because the calling convention lets a callee use it.
 */
GUEST_CODE uint32_t guest_hvc(uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3)
{
	register uint32_t r0 asm("r0") = fn;
	register uint32_t r1 asm("r1") = a1;
	register uint32_t r2 asm("r2") = a2;
	register uint32_t r3 asm("r3") = a3;

	asm volatile(".arch_extension virt\n\thvc #0"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
		     :
		     : "ip", "memory");
	return r0;
}

/* ---- Exceptions ------------------------------------------------------------- */

void __attribute__((noreturn)) __guest_exception(uint32_t vector, uint32_t lr);

/*
 * Called by the vector stubs below in the exception's mode (ABT, UND, SVC,
 * IRQ or FIQ), on the stack kvm_util.c gives those modes. Reports the
 * exception and its fault registers, forever.
 */
GUEST_CODE void __attribute__((used)) __guest_exception(uint32_t vector, uint32_t lr)
{
	uint32_t spsr, fsr = 0, far = 0;

	asm volatile("mrs %0, spsr" : "=r"(spsr));
	if (vector == GUEST_VECTOR_DABT) {
		asm volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(fsr));	/* DFSR */
		asm volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(far));	/* DFAR */
	} else if (vector == GUEST_VECTOR_PABT) {
		asm volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(fsr));	/* IFSR */
		asm volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(far));	/* IFAR */
	}
	for (;;)
		__guest_ucall(UCALL_UNHANDLED, vector, lr, spsr, fsr, far, 0);
}

/* Where a guest function that returns lands: kvm_util.c puts it in LR_svc. */
GUEST_CODE void __guest_returned(void)
{
	for (;;)
		__guest_ucall(UCALL_UNHANDLED, GUEST_VECTOR_RETURNED, 0, 0, 0, 0, 0);
}

/*
 * The exception entry stubs. kvm_util.c writes the vector table at guest
 * address 0 (SCTLR.V and VBAR are 0 after reset): eight "ldr pc, [pc, #24]"
 * that load the addresses of these stubs from the words after them. The CPU
 * takes exceptions in ARM state (SCTLR.TE is 0), so the stubs are ARM code
 * even when the rest is Thumb; each passes its vector number and LR to
 * __guest_exception, and BLX switches to its instruction set.
 */
asm("	.pushsection .text.kvm32_guest_vectors, \"ax\", %progbits\n"
    "	.arm\n"
    "	.balign 8\n"
    "	.global __guest_vector_stubs\n"
    "__guest_vector_stubs:\n"
    "	mov r0, #0\n	b .Lguest_vector_common\n"
    "	mov r0, #1\n	b .Lguest_vector_common\n"
    "	mov r0, #2\n	b .Lguest_vector_common\n"
    "	mov r0, #3\n	b .Lguest_vector_common\n"
    "	mov r0, #4\n	b .Lguest_vector_common\n"
    "	mov r0, #5\n	b .Lguest_vector_common\n"
    "	mov r0, #6\n	b .Lguest_vector_common\n"
    "	mov r0, #7\n	b .Lguest_vector_common\n"
    ".Lguest_vector_common:\n"
    "	mov r1, lr\n"
    "	ldr r2, =__guest_exception\n"
    "	blx r2\n"
    "	b .\n"
    "	.ltorg\n"
    "	.popsection\n"
#ifdef __thumb__
    "	.thumb\n"	/* back to what GCC assembles the rest of the file as */
#endif
);
