// SPDX-License-Identifier: GPL-2.0
/*
 * The payloads' runtime (bare.h): UART output, PSCI, the counter, the MMU,
 * exceptions, and the string functions GCC may call by itself.
 */
#include "bare.h"

#define UART_DR			0x00
#define UART_FR			0x18
#define UART_FR_TXFF		(1u << 5)

#define PSCI_0_2_SYSTEM_OFF	0x84000008u

/* The virt board's counter runs at 62.5 MHz; used only if CNTFRQ was left 0. */
#define DEFAULT_COUNTER_HZ	62500000u

static void uart_putc(char c)
{
	unsigned int spins = 100000;

	/* The VMM's PL011 never fills; a real one might. Bounded anyway. */
	while ((mmio_read32(BOARD_UART + UART_FR) & UART_FR_TXFF) && --spins)
		;
	mmio_write32(BOARD_UART + UART_DR, (uint8_t)c);
}

static void put_unsigned(uint32_t v, unsigned int base)
{
	char buf[12];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		uart_putc(buf[--n]);
}

void bare_printf(const char *fmt, ...)
{
	va_list ap;
	const char *s;
	int d;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			uart_putc(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			for (s = va_arg(ap, const char *); *s; s++)
				uart_putc(*s);
			break;
		case 'c':
			uart_putc((char)va_arg(ap, int));
			break;
		case 'd':
			d = va_arg(ap, int);
			if (d < 0) {
				uart_putc('-');
				put_unsigned(-(uint32_t)d, 10);
			} else {
				put_unsigned(d, 10);
			}
			break;
		case 'u':
			put_unsigned(va_arg(ap, unsigned int), 10);
			break;
		case 'x':
			put_unsigned(va_arg(ap, unsigned int), 16);
			break;
		case '%':
			uart_putc('%');
			break;
		case '\0':
			fmt--;		/* a lone '%' at the end */
			break;
		default:
			uart_putc('?');
			break;
		}
	}
	va_end(ap);
}

uint64_t bare_counter(void)
{
	uint32_t lo, hi;

	asm volatile("isb\n\tmrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));	/* CNTVCT */
	return (uint64_t)hi << 32 | lo;
}

uint32_t bare_counter_freq(void)
{
	uint32_t hz;

	asm volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(hz));	/* CNTFRQ */
	return hz ? hz : DEFAULT_COUNTER_HZ;
}

uint64_t bare_deadline_ms(uint32_t ms)
{
	return bare_counter() + (uint64_t)(bare_counter_freq() / 1000) * ms;
}

bool bare_expired(uint64_t deadline)
{
	return bare_counter() >= deadline;
}

/* Short-descriptor first-level section entries (ARM ARM B3.5.1). */
#define SECTION		0x2u
#define SECT_B		(1u << 2)
#define SECT_C		(1u << 3)
#define SECT_XN		(1u << 4)
#define SECT_AP_RW	(3u << 10)		/* read/write, any privilege */
#define SECT_TEX(x)	((uint32_t)(x) << 12)
#define SECT_S		(1u << 16)
/* Normal, inner and outer write-back write-allocate (TEX 001 C B), shareable. */
#define SECT_NORMAL	(SECTION | SECT_AP_RW | SECT_TEX(1) | SECT_C | SECT_B | SECT_S)
/* Shareable Device (TEX 000, C 0, B 1), never executed. */
#define SECT_DEVICE	(SECTION | SECT_AP_RW | SECT_B | SECT_XN)
#define DEVICE_END	0x40000000u

#define SCTLR_M		(1u << 0)
#define SCTLR_C		(1u << 2)
#define SCTLR_Z		(1u << 11)
#define SCTLR_I		(1u << 12)

static uint32_t l1_table[4096] __attribute__((aligned(16384)));

void bare_mmu_enable(void)
{
	extern char __image_end[];
	uint32_t i, sctlr;

	for (i = 0; i < 4096; i++) {
		uint32_t base = i << 20;

		if (base < DEVICE_END)
			l1_table[i] = base | SECT_DEVICE;
		else if (base >= BOARD_RAM && base < (uint32_t)__image_end)
			l1_table[i] = base | SECT_NORMAL;
		else
			l1_table[i] = 0;	/* a translation fault: bare_exception() says so */
	}
	/*
	 * The table was written with the caches off, so it is in memory, where
	 * walks with TTBR0's attributes 0 (uncached) read it. Data and TLBs
	 * hold nothing of ours yet. (Set/way cache maintenance is for the
	 * hypervisor of a guest, not for the guest.)
	 */
	dsb();
	asm volatile(
		"mcr p15, 0, %0, c2, c0, 2\n\t"		/* TTBCR: short format, TTBR0 */
		"mcr p15, 0, %1, c2, c0, 0\n\t"		/* TTBR0 */
		"mcr p15, 0, %2, c3, c0, 0\n\t"		/* DACR: domain 0 client */
		"mcr p15, 0, %0, c8, c7, 0\n\t"		/* TLBIALL */
		"mcr p15, 0, %0, c7, c5, 0\n\t"		/* ICIALLU */
		"mcr p15, 0, %0, c7, c5, 6\n\t"		/* BPIALL */
		"dsb\n\t"
		"isb"
		: : "r"(0), "r"((uint32_t)l1_table), "r"(1) : "memory");
	asm volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_Z;
	asm volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" : : "r"(sctlr) : "memory");
}

void psci_system_off(void)
{
	register uint32_t r0 asm("r0") = PSCI_0_2_SYSTEM_OFF;

	asm volatile(".arch_extension virt\n\thvc #0" : "+r"(r0) : : "r1", "r2", "r3", "memory");
	/* SYSTEM_OFF does not return; if the VMM refused it, stay here. */
	for (;;)
		asm volatile("wfi");
}

void bare_exception(uint32_t vector, uint32_t lr, uint32_t spsr)
{
	static const char *const names[] = {
		"reset", "undefined instruction", "SVC", "prefetch abort", "data abort",
		"unused vector", "IRQ", "FIQ",
	};
	uint32_t dfar, dfsr;

	asm volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
	asm volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
	bare_printf("payload: unexpected %s, lr %x spsr %x (DFAR %x DFSR %x); powering off\n",
		    names[vector & 7], lr, spsr, dfar, dfsr);
	psci_system_off();
}

/* libgcc's division helpers call raise(SIGFPE) on a division by zero. */
int raise(int sig)
{
	bare_printf("payload: division by zero (signal %d); powering off\n", sig);
	psci_system_off();
}

/* GCC may turn loops and struct copies into these calls; keep them plain loops. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memset(void *s, int c, size_t n)
{
	uint8_t *p = s;

	while (n--)
		*p++ = (uint8_t)c;
	return s;
}

__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
