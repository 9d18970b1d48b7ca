// SPDX-License-Identifier: GPL-2.0
/*
 * VMs and vCPUs for the guest selftests: creation, guest memory (the test
 * binary loaded as the guest's image), registers, running.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"
#include "kvm_util.h"

void __test_assert_fail(const char *file, int line, const char *cond, int err,
			const char *fmt, ...)
{
	char msg[2048], *p, *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	fflush(stdout);
	fprintf(stderr, "# ==== Test assertion failed ====\n");
	fprintf(stderr, "# %s:%d: %s\n", file, line, cond);
	for (p = msg; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			fprintf(stderr, "#   %s\n", p);
			break;
		}
		fprintf(stderr, "#   %.*s\n", (int)(nl - p), p);
	}
	if (err)
		fprintf(stderr, "#   (errno at the failure: %d, %s)\n", err, strerror(err));
	fflush(stderr);
	abort();
}

/* ---- Guest memory ----------------------------------------------------------- */

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

/* Maps zeroed host memory and makes it memory slot @slot at @gpa. */
static void *vm_region_add(struct kvm_vm *vm, uint32_t slot, uint64_t gpa,
			   uint64_t size, uint32_t flags)
{
	struct kvm_userspace_memory_region mr;
	struct vm_region *r;
	unsigned int i;
	void *hva;

	TEST_ASSERT(size && !(size % vm->page_size) && !(gpa % vm->page_size),
		    "slot %u: gpa %#llx and size %#llx must be page multiples",
		    slot, (unsigned long long)gpa, (unsigned long long)size);
	TEST_ASSERT(vm->nr_regions < VM_MAX_REGIONS, "too many memory regions");
	for (i = 0; i < vm->nr_regions; i++) {
		r = &vm->regions[i];
		TEST_ASSERT(r->slot != slot, "memory slot %u is already in use", slot);
		TEST_ASSERT(gpa + size <= r->gpa || gpa >= r->gpa + r->size,
			    "slot %u [%#llx, %#llx) overlaps slot %u [%#llx, %#llx)",
			    slot, (unsigned long long)gpa,
			    (unsigned long long)(gpa + size), r->slot,
			    (unsigned long long)r->gpa,
			    (unsigned long long)(r->gpa + r->size));
	}

	hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(hva != MAP_FAILED, "mmap of %#llx bytes for slot %u: %s",
		    (unsigned long long)size, slot, strerror(errno));

	mr = (struct kvm_userspace_memory_region) {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};
	TEST_ASSERT(!ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &mr),
		    "KVM_SET_USER_MEMORY_REGION slot %u gpa %#llx size %#llx flags %#x: %s",
		    slot, (unsigned long long)gpa, (unsigned long long)size,
		    flags, strerror(errno));

	vm->regions[vm->nr_regions++] = (struct vm_region) {
		.slot = slot,
		.flags = flags,
		.gpa = gpa,
		.size = size,
		.hva = hva,
	};
	return hva;
}

void *vm_add_memory(struct kvm_vm *vm, uint32_t slot, uint64_t gpa,
		    uint64_t size, uint32_t flags)
{
	TEST_ASSERT(slot < VM_LIB_SLOT_BASE,
		    "slot %u: slots from %u up are the library's", slot,
		    VM_LIB_SLOT_BASE);
	return vm_region_add(vm, slot, gpa, size, flags);
}

void *vm_gpa_to_hva_range(struct kvm_vm *vm, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < vm->nr_regions; i++) {
		struct vm_region *r = &vm->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    len <= r->size - (gpa - r->gpa))
			return (char *)r->hva + (gpa - r->gpa);
	}
	return NULL;
}

void *vm_gpa_to_hva(struct kvm_vm *vm, uint64_t gpa)
{
	void *hva = vm_gpa_to_hva_range(vm, gpa, 1);

	TEST_ASSERT(hva, "guest-physical address %#llx is in no memory slot",
		    (unsigned long long)gpa);
	return hva;
}

/* pread() of exactly @len bytes at @off. */
static void read_exact(int fd, void *buf, size_t len, off_t off, const char *what)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);

		TEST_ASSERT(n > 0, "reading %s from /proc/self/exe: %s", what,
			    n ? strerror(errno) : "end of file");
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
}

/*
 * Loads the test binary: each PT_LOAD segment's file bytes go to guest
 * memory at its p_vaddr, the rest of it (.bss) stays zero. Segments that
 * share pages share a region. Regions with no writable segment are
 * read-only slots (when KVM has them) so that a guest writing to its code
 * or constants exits instead of silently changing them. The bytes come from
 * the file, not from the test's own pages, whose globals the host may have
 * changed since, and are copied: the guest's uncached accesses must not
 * share cache lines with the host's.
 */
static void vm_load_image(struct kvm_vm *vm)
{
	struct { uint32_t start, end; bool writable; } rg[VM_MAX_IMAGE_REGIONS];
	unsigned int i, n = 0;
	Elf32_Phdr *ph;
	Elf32_Ehdr eh;
	int fd;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	TEST_ASSERT(fd >= 0, "open /proc/self/exe: %s", strerror(errno));
	read_exact(fd, &eh, sizeof(eh), 0, "the ELF header");
	TEST_ASSERT(!memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
		    eh.e_ident[EI_CLASS] == ELFCLASS32 &&
		    eh.e_ident[EI_DATA] == ELFDATA2LSB && eh.e_machine == EM_ARM,
		    "/proc/self/exe is not a little-endian 32-bit ARM ELF file");
	TEST_ASSERT(eh.e_type == ET_EXEC,
		    "/proc/self/exe is not a fixed-address executable (ELF type %u): build the test with -static, not as PIE",
		    eh.e_type);
	TEST_ASSERT(eh.e_phentsize == sizeof(*ph) && eh.e_phnum,
		    "unexpected ELF program headers");

	ph = calloc(eh.e_phnum, sizeof(*ph));
	TEST_ASSERT(ph, "out of memory");
	read_exact(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff, "the program headers");

	/* PT_LOAD entries are sorted by p_vaddr (ELF says so). */
	for (i = 0; i < eh.e_phnum; i++) {
		uint32_t start, end;

		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		TEST_ASSERT(ph[i].p_filesz <= ph[i].p_memsz, "bad PT_LOAD %u", i);
		start = ph[i].p_vaddr & ~(vm->page_size - 1);
		end = align_up((uint64_t)ph[i].p_vaddr + ph[i].p_memsz, vm->page_size);
		if (n && start < rg[n - 1].end) {
			TEST_ASSERT(start >= rg[n - 1].start,
				    "PT_LOAD segments are not sorted");
			if (end > rg[n - 1].end)
				rg[n - 1].end = end;
		} else {
			TEST_ASSERT(n < VM_MAX_IMAGE_REGIONS,
				    "more than %u PT_LOAD regions",
				    VM_MAX_IMAGE_REGIONS);
			rg[n].start = start;
			rg[n].end = end;
			rg[n].writable = false;
			n++;
		}
		if (ph[i].p_flags & PF_W)
			rg[n - 1].writable = true;
	}
	TEST_ASSERT(n, "/proc/self/exe has no PT_LOAD segment");

	for (i = 0; i < n; i++) {
		uint32_t flags = 0;

		if (!rg[i].writable && vm->readonly_mem)
			flags = KVM_MEM_READONLY;
		vm_region_add(vm, VM_SLOT_IMAGE(i), rg[i].start,
			      rg[i].end - rg[i].start, flags);
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_filesz)
			continue;
		read_exact(fd, vm_gpa_to_hva(vm, ph[i].p_vaddr), ph[i].p_filesz,
			   ph[i].p_offset, "a PT_LOAD segment");
	}
	free(ph);
	close(fd);
}

/*
 * The guest's exception vector table at guest address 0: each entry is
 * "ldr pc, [pc, #24]", which loads the word eight entries further on, the
 * address of that vector's stub in guest.c (ARM code, bit 0 clear). Read-only
 * if KVM can, so that a guest writing through a NULL pointer exits.
 */
static void vm_load_vectors(struct kvm_vm *vm)
{
	uint32_t flags = vm->readonly_mem ? KVM_MEM_READONLY : 0;
	uint32_t *v = vm_region_add(vm, VM_SLOT_VECTORS, VECTORS_GPA,
				    vm->page_size, flags);
	uint32_t stubs = (uintptr_t)__guest_vector_stubs;
	unsigned int i;

	TEST_ASSERT(!(stubs & 3), "the vector stubs are not ARM code");
	for (i = 0; i < 8; i++) {
		v[i] = 0xe59ff018;		/* ldr pc, [pc, #24] */
		v[8 + i] = stubs + 8 * i;	/* two instructions per stub */
	}
}

struct kvm_vm *vm_create(void)
{
	const char *path = getenv(KVM_DEV_ENV);
	struct kvm_vm *vm;

	if (!path || !*path)
		path = KVM_DEV_PATH;
	vm = calloc(1, sizeof(*vm));
	TEST_ASSERT(vm, "out of memory");
	vm->page_size = getpagesize();

	vm->kvm_fd = open(path, O_RDWR | O_CLOEXEC);
	TEST_ASSERT(vm->kvm_fd >= 0, "open %s: %s", path, strerror(errno));
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm->fd >= 0, "KVM_CREATE_VM (type 0) on %s: %s", path,
		    strerror(errno));
	vm->readonly_mem = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
				 KVM_CAP_READONLY_MEM) > 0;

	vm_load_vectors(vm);
	vm_load_image(vm);
	return vm;
}

struct kvm_vm *vm_create_with_one_vcpu(struct kvm_vcpu **vcpu, void *guest_code)
{
	struct kvm_vm *vm = vm_create();

	*vcpu = vcpu_add(vm, 0, guest_code);
	return vm;
}

void vm_free(struct kvm_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 0; i < VM_MAX_VCPUS; i++) {
		struct kvm_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		TEST_ASSERT(!munmap(vcpu->run, vcpu->run_size),
			    "munmap of vCPU %u's kvm_run: %s", i, strerror(errno));
		TEST_ASSERT(!close(vcpu->fd), "close of vCPU %u: %s", i,
			    strerror(errno));
		free(vcpu);
	}
	TEST_ASSERT(!close(vm->fd), "close of the VM fd: %s", strerror(errno));
	for (i = 0; i < vm->nr_regions; i++) {
		struct vm_region *r = &vm->regions[i];

		TEST_ASSERT(!munmap(r->hva, r->size),
			    "munmap of slot %u: %s", r->slot, strerror(errno));
	}
	TEST_ASSERT(!close(vm->kvm_fd), "close of /dev/kvm: %s", strerror(errno));
	free(vm);
}

/* ---- vCPUs ------------------------------------------------------------------- */

uint32_t vcpu_get_reg(struct kvm_vcpu *vcpu, uint64_t id)
{
	uint32_t value = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	TEST_ASSERT((id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32,
		    "register %#llx is not 32 bits wide", (unsigned long long)id);
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg),
		    "KVM_GET_ONE_REG %#llx on vCPU %u: %s",
		    (unsigned long long)id, vcpu->id, strerror(errno));
	return value;
}

void vcpu_set_reg(struct kvm_vcpu *vcpu, uint64_t id, uint32_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	TEST_ASSERT((id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32,
		    "register %#llx is not 32 bits wide", (unsigned long long)id);
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg),
		    "KVM_SET_ONE_REG %#llx = %#x on vCPU %u: %s",
		    (unsigned long long)id, value, vcpu->id, strerror(errno));
}

uint64_t vcpu_get_reg64(struct kvm_vcpu *vcpu, uint64_t id)
{
	uint64_t value = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	TEST_ASSERT((id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U64,
		    "register %#llx is not 64 bits wide", (unsigned long long)id);
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg),
		    "KVM_GET_ONE_REG %#llx on vCPU %u: %s",
		    (unsigned long long)id, vcpu->id, strerror(errno));
	return value;
}

void vcpu_set_reg64(struct kvm_vcpu *vcpu, uint64_t id, uint64_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	TEST_ASSERT((id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U64,
		    "register %#llx is not 64 bits wide", (unsigned long long)id);
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg),
		    "KVM_SET_ONE_REG %#llx = %#llx on vCPU %u: %s",
		    (unsigned long long)id, (unsigned long long)value, vcpu->id,
		    strerror(errno));
}

struct kvm_vcpu *vcpu_add_with_features(struct kvm_vm *vm, uint32_t id,
					void *guest_code, uint32_t features)
{
	uint32_t entry = (uintptr_t)guest_code, stack, exc_stack_top;
	struct kvm_vcpu_init init;
	struct kvm_vcpu *vcpu;
	int size;

	TEST_ASSERT(id < VM_MAX_VCPUS, "vCPU id %u: at most %u vCPUs", id,
		    VM_MAX_VCPUS);
	TEST_ASSERT(!vm->vcpus[id], "vCPU %u already exists", id);
	TEST_ASSERT(vm_gpa_to_hva_range(vm, entry & ~1u, 4),
		    "vCPU %u: guest code at %p is not in guest memory", id, guest_code);
	vcpu = calloc(1, sizeof(*vcpu));
	TEST_ASSERT(vcpu, "out of memory");
	vcpu->vm = vm;
	vcpu->id = id;

	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	TEST_ASSERT(vcpu->fd >= 0, "KVM_CREATE_VCPU %u: %s", id, strerror(errno));
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	TEST_ASSERT(size >= (int)sizeof(struct kvm_run),
		    "KVM_GET_VCPU_MMAP_SIZE returned %d: %s", size, strerror(errno));
	vcpu->run_size = size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	TEST_ASSERT(vcpu->run != MAP_FAILED, "mmap of vCPU %u's kvm_run: %s",
		    id, strerror(errno));
	vm->vcpus[id] = vcpu;

	memset(&init, 0, sizeof(init));
	TEST_ASSERT(!ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init),
		    "KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	init.features[0] = features;
	TEST_ASSERT(!ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init),
		    "KVM_ARM_VCPU_INIT of vCPU %u (target %u, features %#x): %s",
		    id, init.target, features, strerror(errno));

	/*
	 * SVC mode's stack at the top of the 64 KiB region, the exception
	 * modes' (used only to report an unexpected exception) above it, so
	 * that an overflowing SVC stack runs into the unmapped guard below
	 * and exits instead of corrupting anything.
	 */
	stack = VCPU_STACK_GPA(id);
	vm_region_add(vm, VM_SLOT_STACK(id), stack,
		      VCPU_STACK_SIZE + VCPU_EXC_STACK_SIZE, 0);
	exc_stack_top = stack + VCPU_STACK_SIZE + VCPU_EXC_STACK_SIZE;

	/* Bit 0 of a code address says Thumb; the CPSR's T bit must agree. */
	vcpu_set_reg(vcpu, ARM_CORE_REG_CPSR,
		     GUEST_CPSR | ((entry & 1) ? CPSR_T : 0));
	vcpu_set_reg(vcpu, ARM_CORE_REG_PC, entry & ~1u);
	vcpu_set_reg(vcpu, ARM_CORE_REG_SP_SVC, stack + VCPU_STACK_SIZE);
	/* BX LR interworks, so the trap's Thumb bit stays in. */
	vcpu_set_reg(vcpu, ARM_CORE_REG_LR_SVC, (uintptr_t)__guest_returned);
	vcpu_set_reg(vcpu, ARM_CORE_REG(KVM_ARM_ABT_sp), exc_stack_top);
	vcpu_set_reg(vcpu, ARM_CORE_REG(KVM_ARM_UND_sp), exc_stack_top);
	vcpu_set_reg(vcpu, ARM_CORE_REG(KVM_ARM_IRQ_sp), exc_stack_top);
	vcpu_set_reg(vcpu, ARM_CORE_REG(KVM_ARM_FIQ_sp), exc_stack_top);
	return vcpu;
}

struct kvm_vcpu *vcpu_add(struct kvm_vm *vm, uint32_t id, void *guest_code)
{
	return vcpu_add_with_features(vm, id, guest_code, 0);
}

void vcpu_args_set(struct kvm_vcpu *vcpu, unsigned int nargs, ...)
{
	unsigned int i;
	va_list ap;

	TEST_ASSERT(nargs <= 4, "at most 4 guest arguments (r0-r3), not %u", nargs);
	va_start(ap, nargs);
	for (i = 0; i < nargs; i++)
		vcpu_set_reg(vcpu, ARM_CORE_REG_R(i), va_arg(ap, uint32_t));
	va_end(ap);
}

int vcpu_run(struct kvm_vcpu *vcpu)
{
	return ioctl(vcpu->fd, KVM_RUN, 0);
}

void vcpu_run_ok(struct kvm_vcpu *vcpu)
{
	int ret;

	do {
		ret = vcpu_run(vcpu);
	} while (ret == -1 && errno == EINTR);
	/* KVM's answer to a guest access to no slot that it cannot decode. */
	TEST_ASSERT(!ret, "KVM_RUN of vCPU %u returned %d: %s%s", vcpu->id, ret,
		    strerror(errno), errno == ENOSYS ?
		    " (an MMIO access other than a single LDR/STR without writeback?)" : "");
}

/* ---- Describing exits --------------------------------------------------------- */

const char *exit_reason_str(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
		[KVM_EXIT_IO] = "KVM_EXIT_IO",
		[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
		[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
		[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
		[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
		[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
		[KVM_EXIT_ARM_NISV] = "KVM_EXIT_ARM_NISV",
	};
	static char other[32];

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	snprintf(other, sizeof(other), "exit reason %u", reason);
	return other;
}

/* What guest memory is near @gpa, for addresses that hit no slot. */
static const char *mmio_hint(struct kvm_vm *vm, uint64_t gpa)
{
	uint64_t guard = VCPU_STACK_STRIDE - VCPU_STACK_SIZE - VCPU_EXC_STACK_SIZE;
	unsigned int i, id;

	if (gpa < vm->page_size)
		return " (a NULL pointer?)";
	for (i = 0; i < vm->nr_regions; i++) {
		const struct vm_region *r = &vm->regions[i];

		if ((r->flags & KVM_MEM_READONLY) && gpa >= r->gpa &&
		    gpa - r->gpa < r->size)
			return " (in a read-only slot)";
	}
	for (id = 0; id < VM_MAX_VCPUS; id++) {
		if (vm->vcpus[id] && gpa < VCPU_STACK_GPA(id) &&
		    gpa >= VCPU_STACK_GPA(id) - guard)
			return " (below a vCPU stack: a stack overflow?)";
	}
	if (gpa == UCALL_MMIO_ADDR)
		return " (a ucall)";
	return "";
}

void vcpu_describe_exit(struct kvm_vcpu *vcpu, char *buf, size_t size)
{
	struct kvm_run *run = vcpu->run;
	const char *name = exit_reason_str(run->exit_reason);
	unsigned int i, len;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		len = snprintf(buf, size, "%s: %u-byte %s at %#llx%s", name,
			       run->mmio.len, run->mmio.is_write ? "write" : "read",
			       (unsigned long long)run->mmio.phys_addr,
			       mmio_hint(vcpu->vm, run->mmio.phys_addr));
		if (run->mmio.is_write && len < size) {
			len += snprintf(buf + len, size - len, ", data");
			for (i = 0; i < run->mmio.len && i < 8 && len < size; i++)
				len += snprintf(buf + len, size - len, " %02x",
						run->mmio.data[i]);
		}
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		snprintf(buf, size, "%s: type %u", name, run->system_event.type);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, size, "%s: hardware entry failure reason %#llx", name,
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_UNKNOWN:
		snprintf(buf, size, "%s: hardware exit reason %#llx", name,
			 (unsigned long long)run->hw.hardware_exit_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, size, "%s: suberror %u", name, run->internal.suberror);
		break;
	default:
		snprintf(buf, size, "%s", name);
		break;
	}
}
