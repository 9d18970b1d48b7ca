/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning a guest's stage-2 Data Abort on non-RAM into an MMIO access: what
 * the Hyp Syndrome Register says about the access, and how the transfer
 * register's value maps to bytes on the bus and back.
 *
 * Pure logic, free of kernel calls, so the host unit tests exercise it too.
 */
#ifndef KVM32_MMIO_DECODE_H
#define KVM32_MMIO_DECODE_H

#include <linux/types.h>

/*
 * HSR layout (ARMv7 ARM B3.13.6): exception class, instruction length, and
 * the instruction-specific syndrome (ISS) whose meaning depends on the class.
 * Masks are written out in hex: these headers may not pull in <linux/bits.h>.
 */
#define KVM32_HSR_EC_SHIFT		26
#define KVM32_HSR_EC_MASK		0xfc000000U	/* [31:26] */
#define KVM32_HSR_IL			0x02000000U	/* [25] 1: 32-bit instruction */

/* Exception classes: aborts from the guest's (lower) modes, taken to Hyp. */
#define KVM32_HSR_EC_IABT		0x20	/* Prefetch Abort */
#define KVM32_HSR_EC_DABT		0x24	/* Data Abort */

/*
 * ISS of a Data Abort. ISV says whether SAS, SSE and SRT describe the access:
 * the CPU sets it only for single loads and stores of one register without
 * write-back, the only ones KVM emulates.
 */
#define KVM32_HSR_DABT_ISV		0x01000000U	/* [24] syndrome valid */
#define KVM32_HSR_DABT_SAS_SHIFT	22
#define KVM32_HSR_DABT_SAS_MASK		0x00c00000U	/* [23:22] access size */
#define KVM32_HSR_DABT_SSE		0x00200000U	/* [21] sign-extend */
#define KVM32_HSR_DABT_SRT_SHIFT	16
#define KVM32_HSR_DABT_SRT_MASK		0x000f0000U	/* [19:16] Rt */
#define KVM32_HSR_DABT_CM		0x00000100U	/* [8] cache maintenance */
#define KVM32_HSR_DABT_S1PTW		0x00000080U	/* [7] stage-1 table walk */
#define KVM32_HSR_DABT_WNR		0x00000040U	/* [6] write, not read */

/* Values of SAS; 0b11 is reserved on ARMv7 (doubleword accesses have ISV 0). */
#define KVM32_HSR_DABT_SAS_BYTE		0
#define KVM32_HSR_DABT_SAS_HALFWORD	1
#define KVM32_HSR_DABT_SAS_WORD		2

/* One emulated load or store, as decoded from the syndrome. */
struct kvm32_mmio_access {
	bool is_write;
	bool sign_extend;	/* SSE: sign-extend a narrower read into the register */
	u8 len;			/* 1, 2 or 4 bytes (SAS) */
	u8 rt;			/* SRT: the transfer register, 0-15 */
	u8 insn_len;		/* 2 or 4: how far to advance the guest PC (IL) */
};

/*
 * Decodes a data abort's HSR. Returns 0, or:
 *  -ENOSYS  the syndrome is not valid (ISV = 0: e.g. LDRD/STRD, LDM/STM, or a
 *           write-back addressing mode): KVM cannot emulate it from the
 *           syndrome and reports it without guessing;
 *  -EINVAL  not a data abort from a lower mode (EC), or a reserved SAS value.
 * *acc is written only on success. SRT 15 (the PC) is decoded like any other
 * register: what to do with it is the caller's decision.
 */
int kvm32_decode_dabt(u32 hsr, struct kvm32_mmio_access *acc);

/*
 * For a write: the bytes the guest stores, as they appear on the bus, from the
 * value of its register rt. big_endian is the guest's CPSR.E (data endianness)
 * at the time of the access. Fills data[0..len-1], data[0] being the byte at
 * the faulting address; only the low len bytes of reg are stored.
 */
void kvm32_mmio_write_bytes(const struct kvm32_mmio_access *acc, u32 reg,
			    bool big_endian, u8 *data);

/*
 * For a read: the value to put into register rt from the bytes read from the
 * bus (data[0..len-1]), byte-swapped for a big-endian guest and zero- or
 * sign-extended (acc->sign_extend) to 32 bits.
 */
u32 kvm32_mmio_read_value(const struct kvm32_mmio_access *acc, const u8 *data,
			  bool big_endian);

/*
 * Whether an abort (data or prefetch, from a lower mode) hit stage 2 while the
 * CPU walked the guest's stage-1 translation tables (S1PTW): the tables live
 * in what the guest believes is memory, so the caller treats the fault as
 * memory (or an error injected into the guest), never as MMIO.
 */
bool kvm32_dabt_is_s1ptw(u32 hsr);

/*
 * Whether a data abort from a lower mode came from a cache maintenance
 * operation by address (CM). There is nothing to clean or invalidate in a
 * device region, so KVM treats it as a no-op and skips the instruction. The
 * syndrome of such an abort has ISV 0, so kvm32_decode_dabt() refuses it:
 * check this first. The operations are MCRs, 32 bits wide in ARM and Thumb.
 */
bool kvm32_dabt_is_cache_maint(u32 hsr);

#endif /* KVM32_MMIO_DECODE_H */
