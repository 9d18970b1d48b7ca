// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of ucall: finding the guest's messages in KVM_EXIT_MMIO
 * exits and turning guest assertions and exceptions into test failures. The
 * guest side is in guest.c.
 */
#include <ctype.h>
#include <stdio.h>

#include "kvm_util.h"

uint32_t get_ucall(struct kvm_vcpu *vcpu, struct ucall *uc)
{
	struct kvm_run *run = vcpu->run;
	struct ucall tmp;
	uint32_t gpa;
	void *src;

	if (!uc)
		uc = &tmp;
	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != KVM_EXIT_MMIO ||
	    run->mmio.phys_addr != UCALL_MMIO_ADDR)
		return UCALL_NONE;

	TEST_ASSERT(run->mmio.is_write && run->mmio.len == 4,
		    "the guest made a %u-byte %s at UCALL_MMIO_ADDR; a ucall is a 4-byte write",
		    run->mmio.len, run->mmio.is_write ? "write" : "read");
	memcpy(&gpa, run->mmio.data, sizeof(gpa));	/* both little-endian */
	src = vm_gpa_to_hva_range(vcpu->vm, gpa, sizeof(*uc));
	TEST_ASSERT(src, "the guest's ucall message at %#x is not in guest memory",
		    gpa);
	memcpy(uc, src, sizeof(*uc));
	uc->buf[UCALL_BUF_SIZE - 1] = '\0';
	TEST_ASSERT(uc->cmd > UCALL_NONE && uc->cmd <= UCALL_UNHANDLED,
		    "the guest sent a ucall with unknown command %u", uc->cmd);
	return uc->cmd;
}

/* A NUL-terminated string from guest memory, cut at @size - 1 characters. */
static void guest_string(struct kvm_vm *vm, uint32_t gpa, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < size - 1; i++) {
		const char *p = vm_gpa_to_hva_range(vm, (uint64_t)gpa + i, 1);

		if (!p || !*p)
			break;
		out[i] = *p;
	}
	out[i] = '\0';
	if (!i)
		snprintf(out, size, "(guest string at %#x)", gpa);
}

void ucall_format_print(const struct ucall *uc, char *out, unsigned int size)
{
	const char *f = uc->buf;
	uint32_t nargs = uc->args[0], next = 1;
	unsigned int len = 0;

	if (nargs == UCALL_PRINT_RAW) {
		snprintf(out, size, "%s", uc->buf);
		return;
	}
	TEST_ASSERT(nargs <= UCALL_MAX_ARGS - 1,
		    "GUEST_PRINTF with %u values; at most %u", nargs,
		    UCALL_MAX_ARGS - 1);
	while (*f && len < size - 1) {
		char spec[24];
		unsigned int n = 0;
		int r;

		if (*f != '%' || f[1] == '%') {
			out[len++] = *f;
			f += *f == '%' ? 2 : 1;
			continue;
		}
		spec[n++] = *f++;
		while (*f && strchr("-+ #0", *f) && n < 8)
			spec[n++] = *f++;
		while (isdigit((unsigned char)*f) && n < 12)
			spec[n++] = *f++;
		if (*f == '.') {
			spec[n++] = *f++;
			while (isdigit((unsigned char)*f) && n < 20)
				spec[n++] = *f++;
		}
		if (*f == 'l' && f[1] != 'l')
			f++;	/* long is 32 bits, like the values */
		TEST_ASSERT(*f && strchr("diuxXoc", *f),
			    "GUEST_PRINTF(\"%s\"): only integer conversions (%%d %%i %%u %%x %%X %%o %%c) are supported",
			    uc->buf);
		TEST_ASSERT(next <= nargs,
			    "GUEST_PRINTF(\"%s\"): more conversions than the %u values",
			    uc->buf, nargs);
		spec[n++] = *f++;
		spec[n] = '\0';
		r = snprintf(out + len, size - len, spec, uc->args[next++]);
		if (r > 0)
			len += (unsigned int)r < size - len ? (unsigned int)r : size - 1 - len;
	}
	out[len] = '\0';
}

static const char *vector_name(uint32_t vector)
{
	static const char *const names[] = {
		[GUEST_VECTOR_RESET] = "Reset",
		[GUEST_VECTOR_UNDEF] = "Undefined Instruction",
		[GUEST_VECTOR_SVC] = "Supervisor Call",
		[GUEST_VECTOR_PABT] = "Prefetch Abort",
		[GUEST_VECTOR_DABT] = "Data Abort",
		[GUEST_VECTOR_HYP] = "Hyp Trap",
		[GUEST_VECTOR_IRQ] = "IRQ",
		[GUEST_VECTOR_FIQ] = "FIQ",
	};

	return vector < sizeof(names) / sizeof(names[0]) ? names[vector] : "unknown";
}

void ucall_report_fatal(struct kvm_vcpu *vcpu, const struct ucall *uc)
{
	uint32_t vector = uc->args[0], lr = uc->args[1], spsr = uc->args[2];
	char file[256];
	uint32_t back;

	if (uc->cmd == UCALL_ASSERT) {
		guest_string(vcpu->vm, uc->args[0], file, sizeof(file));
		if (uc->args[4])
			__test_assert_fail(file, uc->args[1], uc->buf, 0,
					   "guest assertion failed (vCPU %u): %#x (%d) != %#x (%d)",
					   vcpu->id, uc->args[2], (int)uc->args[2],
					   uc->args[3], (int)uc->args[3]);
		__test_assert_fail(file, uc->args[1], uc->buf, 0,
				   "guest assertion failed (vCPU %u)", vcpu->id);
	}
	TEST_ASSERT(uc->cmd == UCALL_UNHANDLED, "ucall %u is not a failure", uc->cmd);
	if (vector == GUEST_VECTOR_RETURNED)
		TEST_FAIL("vCPU %u: the guest function returned instead of ending with GUEST_DONE()",
			  vcpu->id);
	/* No exception has address 0 as its vector: the guest branched there. */
	if (vector == GUEST_VECTOR_RESET)
		TEST_FAIL("vCPU %u branched to address 0 (a NULL function pointer?); LR was %#x",
			  vcpu->id, lr);

	/* How far LR is past the instruction that took the exception. */
	if (vector == GUEST_VECTOR_DABT)
		back = 8;
	else if (vector == GUEST_VECTOR_SVC || vector == GUEST_VECTOR_UNDEF)
		back = (spsr & CPSR_T) ? 2 : 4;
	else
		back = 4;
	if (vector == GUEST_VECTOR_DABT || vector == GUEST_VECTOR_PABT)
		TEST_FAIL("vCPU %u took an unexpected %s exception at about %#x (LR %#x, SPSR %#x), fault status %#x, fault address %#x",
			  vcpu->id, vector_name(vector), lr - back, lr, spsr,
			  uc->args[3], uc->args[4]);
	TEST_FAIL("vCPU %u took an unexpected %s exception at about %#x (LR %#x, SPSR %#x)",
		  vcpu->id, vector_name(vector), lr - back, lr, spsr);
}

/* Shows a guest print, fails on a guest failure; true if @cmd was handled. */
static bool ucall_handle_common(struct kvm_vcpu *vcpu, uint32_t cmd,
				const struct ucall *uc)
{
	char text[512];

	switch (cmd) {
	case UCALL_PRINT:
		ucall_format_print(uc, text, sizeof(text));
		fprintf(stderr, "# guest (vCPU %u): %s\n", vcpu->id, text);
		return true;
	case UCALL_ASSERT:
	case UCALL_UNHANDLED:
		ucall_report_fatal(vcpu, uc);
	default:
		return false;
	}
}

uint32_t vcpu_run_to_ucall(struct kvm_vcpu *vcpu, struct ucall *uc)
{
	struct ucall tmp;
	char desc[256];
	uint32_t cmd;

	if (!uc)
		uc = &tmp;
	for (;;) {
		vcpu_run_ok(vcpu);
		cmd = get_ucall(vcpu, uc);
		if (ucall_handle_common(vcpu, cmd, uc))
			continue;
		if (cmd != UCALL_NONE)
			return cmd;
		vcpu_describe_exit(vcpu, desc, sizeof(desc));
		TEST_FAIL("vCPU %u: expected a ucall, got %s", vcpu->id, desc);
	}
}

static const char *ucall_name(uint32_t cmd)
{
	switch (cmd) {
	case UCALL_SYNC:
		return "GUEST_SYNC";
	case UCALL_DONE:
		return "GUEST_DONE";
	default:
		return "a ucall";
	}
}

struct kvm_run *vcpu_run_to_exit(struct kvm_vcpu *vcpu, uint32_t exit_reason)
{
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	char desc[256];
	uint32_t cmd;

	for (;;) {
		vcpu_run_ok(vcpu);
		cmd = get_ucall(vcpu, &uc);
		if (ucall_handle_common(vcpu, cmd, &uc))
			continue;
		if (cmd != UCALL_NONE)
			TEST_FAIL("vCPU %u: expected %s, got the guest's %s (args %#x %#x)",
				  vcpu->id, exit_reason_str(exit_reason),
				  ucall_name(cmd), uc.args[0], uc.args[1]);
		if (run->exit_reason == exit_reason)
			return run;
		vcpu_describe_exit(vcpu, desc, sizeof(desc));
		TEST_FAIL("vCPU %u: expected %s, got %s", vcpu->id,
			  exit_reason_str(exit_reason), desc);
	}
}
