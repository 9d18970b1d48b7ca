// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding a guest's stage-2 Data Abort into an MMIO access, and converting
 * between the transfer register and the bytes on the bus.
 *
 * Only what the syndrome describes is emulated, as 32-bit ARM KVM does: a
 * single load or store of one register, no write-back. Everything else has
 * ISV 0 and is refused rather than decoded from guest memory.
 *
 * Byte order is computed byte by byte, so the result depends on the guest's
 * endianness alone, never on the endianness of the host (or of the machine
 * running the unit tests).
 */
#include <linux/errno.h>

#include "mmio_decode.h"

/* A register holds four bytes; no single-register access moves more. */
#define REG_BYTES	4
#define BYTE_BITS	8

static u32 hsr_ec(u32 hsr)
{
	return (hsr & KVM32_HSR_EC_MASK) >> KVM32_HSR_EC_SHIFT;
}

int kvm32_decode_dabt(u32 hsr, struct kvm32_mmio_access *acc)
{
	u8 len;

	/*
	 * Only a Data Abort from the guest carries this ISS; one taken in Hyp
	 * mode (EC 0x25) is a kvm32 bug, never a guest's MMIO access.
	 */
	if (hsr_ec(hsr) != KVM32_HSR_EC_DABT)
		return -EINVAL;
	/*
	 * Without ISV, SAS, SSE and SRT are UNKNOWN: don't guess. The errno
	 * is the one Linux's KVM_RUN hands to user space for such an access.
	 */
	if (!(hsr & KVM32_HSR_DABT_ISV))
		return -ENOSYS;

	switch ((hsr & KVM32_HSR_DABT_SAS_MASK) >> KVM32_HSR_DABT_SAS_SHIFT) {
	case KVM32_HSR_DABT_SAS_BYTE:
		len = 1;
		break;
	case KVM32_HSR_DABT_SAS_HALFWORD:
		len = 2;
		break;
	case KVM32_HSR_DABT_SAS_WORD:
		len = 4;
		break;
	default:
		return -EINVAL;
	}

	acc->is_write = hsr & KVM32_HSR_DABT_WNR;
	acc->sign_extend = hsr & KVM32_HSR_DABT_SSE;
	acc->len = len;
	acc->rt = (hsr & KVM32_HSR_DABT_SRT_MASK) >> KVM32_HSR_DABT_SRT_SHIFT;
	/* IL is clear only for a 16-bit Thumb instruction. */
	acc->insn_len = (hsr & KVM32_HSR_IL) ? 4 : 2;
	return 0;
}

/*
 * Bytes the access moves. Decoding yields 1, 2 or 4; the cap keeps a bad
 * len from shifting past the register.
 */
static unsigned int access_bytes(const struct kvm32_mmio_access *acc)
{
	return acc->len < REG_BYTES ? acc->len : REG_BYTES;
}

/*
 * Which byte of the register (0 = least significant) travels at bus offset i:
 * a little-endian guest stores the least significant byte at the lowest
 * address, a big-endian (BE8) guest the most significant one.
 */
static unsigned int reg_byte(unsigned int i, unsigned int len, bool big_endian)
{
	return big_endian ? len - 1 - i : i;
}

void kvm32_mmio_write_bytes(const struct kvm32_mmio_access *acc, u32 reg,
			    bool big_endian, u8 *data)
{
	unsigned int len = access_bytes(acc);
	unsigned int i;

	for (i = 0; i < len; i++)
		data[i] = (u8)(reg >> (BYTE_BITS * reg_byte(i, len, big_endian)));
}

u32 kvm32_mmio_read_value(const struct kvm32_mmio_access *acc, const u8 *data,
			  bool big_endian)
{
	unsigned int len = access_bytes(acc);
	unsigned int i;
	u32 val = 0;
	u32 sign;

	for (i = 0; i < len; i++)
		val |= (u32)data[i] << (BYTE_BITS * reg_byte(i, len, big_endian));

	/*
	 * LDRSB/LDRSH: copy the top bit of the loaded value into the upper bits.
	 * This happens after the byte swap, on the value the guest sees; a word
	 * fills the register and has nothing to extend.
	 */
	if (acc->sign_extend && len > 0 && len < REG_BYTES) {
		sign = 1U << (BYTE_BITS * len - 1);
		val = (val ^ sign) - sign;
	}
	return val;
}

bool kvm32_dabt_is_s1ptw(u32 hsr)
{
	u32 ec = hsr_ec(hsr);

	/* Bit 7 means S1PTW only in the ISS of an abort: check the class. */
	if (ec != KVM32_HSR_EC_DABT && ec != KVM32_HSR_EC_IABT)
		return false;
	return hsr & KVM32_HSR_DABT_S1PTW;
}

bool kvm32_dabt_is_cache_maint(u32 hsr)
{
	if (hsr_ec(hsr) != KVM32_HSR_EC_DABT)
		return false;
	return hsr & KVM32_HSR_DABT_CM;
}
