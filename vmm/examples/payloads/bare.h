/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little runtime of the bare-metal payloads (start.S, bare.c): MMIO,
 * the PL011 for output, PSCI by HVC, the virtual counter for timeouts, and
 * an identity-mapped MMU so guest RAM is cacheable.
 *
 * The board is kvm32's copy of QEMU's 32-bit virt machine (vmm/lib/board.h):
 * GIC distributor 0x08000000, CPU interface 0x08010000, PL011 0x09000000,
 * virtio-mmio slots from 0x0a000000 every 0x200, RAM from 0x40000000.
 *
 * Rules for payload code: no libc (bare.c has the few string functions GCC
 * may call on its own), no floating point (built with -mgeneral-regs-only:
 * VFP is off at reset), and device registers only through mmio_read32() /
 * mmio_write32(): one LDR or STR without writeback, which the hypervisor
 * can decode and hand to the VMM.
 */
#ifndef PAYLOAD_BARE_H
#define PAYLOAD_BARE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOARD_GICD		0x08000000u
#define BOARD_GICC		0x08010000u
#define BOARD_UART		0x09000000u
#define BOARD_VIRTIO		0x0a000000u
#define BOARD_VIRTIO_STRIDE	0x200u
#define BOARD_VIRTIO_SLOTS	32
#define BOARD_RAM		0x40000000u

static inline uint32_t mmio_read32(uint32_t addr)
{
	uint32_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
	asm volatile("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

/* Orders memory accesses (rings in RAM) against each other and against MMIO. */
static inline void dsb(void)
{
	asm volatile("dsb sy" : : : "memory");
}

/* A printf for the UART: %s %c %d %u %x and %%, no widths. */
void bare_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The virtual counter (CNTVCT) and its frequency (CNTFRQ, or a default if unset). */
uint64_t bare_counter(void);
uint32_t bare_counter_freq(void);
/* A counter value @ms milliseconds from now, for bare_expired(). */
uint64_t bare_deadline_ms(uint32_t ms);
bool bare_expired(uint64_t deadline);

/*
 * Identity-maps the device region [0, 1 GiB) as Device memory and the RAM
 * the payload occupies as Normal write-back cacheable memory, then turns
 * the MMU and caches on. With its MMU off a guest's data accesses are
 * uncached, while the VMM, which reads and writes guest RAM through its own
 * (cached) mapping, is not: on real hardware the two can disagree. With
 * both cacheable the hardware keeps them coherent.
 */
void bare_mmu_enable(void);

/* PSCI 0.2 by HVC: the board powers off, vmm_run() returns VMM_EXIT_POWEROFF. */
void psci_system_off(void) __attribute__((noreturn));

/* Called by the vectors of start.S: reports the exception and powers off. */
void bare_exception(uint32_t vector, uint32_t lr, uint32_t spsr) __attribute__((noreturn));

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int raise(int sig);

#endif /* PAYLOAD_BARE_H */
