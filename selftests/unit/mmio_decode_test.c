// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: kmod/mmio_decode.c
/*
 * Guest MMIO: what kvm32 reads from a Data Abort's syndrome (HSR), and how it
 * turns the transfer register into bus bytes for a store and bus bytes into
 * the register for a load.
 */
#include <errno.h>
#include <string.h>

#include "mmio_decode.h"
#include "kselftest_harness.h"

/*
 * The HSR as the ARMv7 ARM lays it out (B3.13.6), spelled out here rather
 * than taken from mmio_decode.h so a wrong mask there cannot hide itself.
 */
#define EC_UNKNOWN	0x00
#define EC_WFI		0x01
#define EC_HVC		0x12
#define EC_IABT		0x20	/* Prefetch Abort from a lower mode */
#define EC_IABT_HYP	0x21
#define EC_DABT		0x24	/* Data Abort from a lower mode */
#define EC_DABT_HYP	0x25

#define SAS_BYTE	0u
#define SAS_HALF	1u
#define SAS_WORD	2u
#define SAS_RESERVED	3u

#define ISS_ISV		(1u << 24)
#define ISS_SSE		(1u << 21)
#define ISS_CM		(1u << 8)
#define ISS_S1PTW	(1u << 7)
#define ISS_WNR		(1u << 6)
/* DFSC for a translation fault at level 1 (long-descriptor format, 0b0001LL). */
#define DFSC_TRANS_L1	0x05u

#define READ		false
#define WRITE		true
#define LE		false
#define BE		true

/* Syndrome value: EC in [31:26], IL in [25], ISS in [24:0]. */
static u32 hsr(u32 ec, bool il32, u32 iss)
{
	return ec << 26 | (u32)il32 << 25 | (iss & 0x1ffffffu);
}

/* ISS of a stage-2 translation fault on a single load or store (ISV set). */
static u32 dabt_iss(bool write, u32 sas, bool sse, u32 srt)
{
	return ISS_ISV | sas << 22 | (u32)sse << 21 | srt << 16 |
	       (u32)write << 6 | DFSC_TRANS_L1;
}

/* The common case: a 32-bit instruction faulting on MMIO. */
static u32 dabt(bool write, u32 sas, bool sse, u32 srt)
{
	return hsr(EC_DABT, true, dabt_iss(write, sas, sse, srt));
}

/* An access as kvm32_decode_dabt() would produce it, for the data tests. */
static struct kvm32_mmio_access mmio(u8 len, bool sign_extend)
{
	return (struct kvm32_mmio_access){
		.is_write = false, .sign_extend = sign_extend, .len = len,
		.rt = 0, .insn_len = 4,
	};
}

/* A decode result that no decoder produces, to see it was left alone. */
static const struct kvm32_mmio_access poison = {
	.is_write = true, .sign_extend = true, .len = 0xee, .rt = 0xee, .insn_len = 0xee,
};

static bool untouched(const struct kvm32_mmio_access *acc)
{
	return acc->is_write == poison.is_write && acc->sign_extend == poison.sign_extend &&
	       acc->len == poison.len && acc->rt == poison.rt &&
	       acc->insn_len == poison.insn_len;
}

TEST(helper_matches_the_hand_computed_layout)
{
	/* EC 0x24 << 26 = 0x90000000, IL 0x02000000, ISV 0x01000000. */
	EXPECT_EQ(0x93000005u, dabt(READ, SAS_BYTE, false, 0));
	EXPECT_EQ(0x93c00005u, hsr(EC_DABT, true, ISS_ISV | SAS_RESERVED << 22 | DFSC_TRANS_L1));
	EXPECT_EQ(0x936f0045u, dabt(WRITE, SAS_HALF, true, 15));
}

TEST(every_access_size_decodes_for_reads_and_writes)
{
	static const struct { u32 sas; u8 len; } sizes[] = {
		{ SAS_BYTE, 1 }, { SAS_HALF, 2 }, { SAS_WORD, 4 },
	};
	struct kvm32_mmio_access acc;
	unsigned int i;
	int write;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (write = 0; write <= 1; write++) {
			acc = poison;
			ASSERT_EQ(0, kvm32_decode_dabt(dabt(write, sizes[i].sas, false, 2), &acc))
				TH_LOG("SAS %u, write %d", sizes[i].sas, write);
			EXPECT_EQ(sizes[i].len, acc.len);
			EXPECT_EQ((bool)write, acc.is_write);
			EXPECT_FALSE(acc.sign_extend);
			EXPECT_EQ(2, acc.rt);
			EXPECT_EQ(4, acc.insn_len);
		}
	}
}

TEST(sign_extend_flag_decodes_with_each_size)
{
	struct kvm32_mmio_access acc;
	u32 sas;

	for (sas = SAS_BYTE; sas <= SAS_WORD; sas++) {
		ASSERT_EQ(0, kvm32_decode_dabt(dabt(READ, sas, true, 0), &acc));
		EXPECT_TRUE(acc.sign_extend) TH_LOG("SAS %u", sas);
		ASSERT_EQ(0, kvm32_decode_dabt(dabt(READ, sas, false, 0), &acc));
		EXPECT_FALSE(acc.sign_extend) TH_LOG("SAS %u", sas);
	}
}

TEST(narrow_signed_loads_extend_the_sign)
{
	struct kvm32_mmio_access ldrsb = mmio(1, true);
	struct kvm32_mmio_access ldrb = mmio(1, false);
	struct kvm32_mmio_access ldrsh = mmio(2, true);
	struct kvm32_mmio_access ldrh = mmio(2, false);
	struct kvm32_mmio_access ldr_sse = mmio(4, true);
	struct kvm32_mmio_access ldr = mmio(4, false);
	const u8 b80[] = { 0x80 }, b7f[] = { 0x7f }, bff[] = { 0xff };
	const u8 h8000[] = { 0x00, 0x80 }, h7fff[] = { 0xff, 0x7f }, h0080[] = { 0x80, 0x00 };
	const u8 w[] = { 0x00, 0x00, 0x00, 0x80 };

	EXPECT_EQ(0xffffff80u, kvm32_mmio_read_value(&ldrsb, b80, LE));
	EXPECT_EQ(0xffffffffu, kvm32_mmio_read_value(&ldrsb, bff, LE));
	EXPECT_EQ(0x0000007fu, kvm32_mmio_read_value(&ldrsb, b7f, LE));
	EXPECT_EQ(0x00000080u, kvm32_mmio_read_value(&ldrb, b80, LE));
	EXPECT_EQ(0x000000ffu, kvm32_mmio_read_value(&ldrb, bff, LE));

	EXPECT_EQ(0xffff8000u, kvm32_mmio_read_value(&ldrsh, h8000, LE));
	EXPECT_EQ(0x00007fffu, kvm32_mmio_read_value(&ldrsh, h7fff, LE));
	/* Bit 7 set is not the sign of a halfword. */
	EXPECT_EQ(0x00000080u, kvm32_mmio_read_value(&ldrsh, h0080, LE));
	EXPECT_EQ(0x00008000u, kvm32_mmio_read_value(&ldrh, h8000, LE));

	/* A word fills the register: SSE changes nothing. */
	EXPECT_EQ(0x80000000u, kvm32_mmio_read_value(&ldr_sse, w, LE));
	EXPECT_EQ(0x80000000u, kvm32_mmio_read_value(&ldr, w, LE));
}

TEST(every_transfer_register_decodes_including_pc)
{
	struct kvm32_mmio_access acc;
	u32 srt;

	for (srt = 0; srt <= 15; srt++) {
		acc = poison;
		ASSERT_EQ(0, kvm32_decode_dabt(dabt(srt & 1, SAS_WORD, false, srt), &acc));
		EXPECT_EQ(srt, acc.rt) TH_LOG("SRT %u", srt);
		EXPECT_EQ((bool)(srt & 1), acc.is_write);
		EXPECT_EQ(4, acc.len);
	}
}

TEST(instruction_length_follows_il)
{
	struct kvm32_mmio_access acc;

	/* A 16-bit Thumb LDR (IL 0) advances the PC by 2, ARM or Thumb-2 by 4. */
	ASSERT_EQ(0, kvm32_decode_dabt(hsr(EC_DABT, false, dabt_iss(READ, SAS_WORD, false, 1)),
				       &acc));
	EXPECT_EQ(2, acc.insn_len);
	ASSERT_EQ(0, kvm32_decode_dabt(hsr(EC_DABT, true, dabt_iss(READ, SAS_WORD, false, 1)),
				       &acc));
	EXPECT_EQ(4, acc.insn_len);
	ASSERT_EQ(0, kvm32_decode_dabt(hsr(EC_DABT, false, dabt_iss(WRITE, SAS_BYTE, false, 7)),
				       &acc));
	EXPECT_EQ(2, acc.insn_len);
}

TEST(invalid_syndrome_is_refused_with_enosys)
{
	struct kvm32_mmio_access acc = poison;

	/* ISV clear: whatever else the ISS holds, it is not to be trusted. */
	EXPECT_EQ(-ENOSYS, kvm32_decode_dabt(dabt(READ, SAS_WORD, false, 3) & ~ISS_ISV, &acc));
	EXPECT_EQ(-ENOSYS, kvm32_decode_dabt(dabt(WRITE, SAS_BYTE, true, 15) & ~ISS_ISV, &acc));
	EXPECT_EQ(-ENOSYS, kvm32_decode_dabt(hsr(EC_DABT, false, DFSC_TRANS_L1), &acc));
	/* Even a reserved SAS: without ISV the field means nothing. */
	EXPECT_EQ(-ENOSYS, kvm32_decode_dabt(hsr(EC_DABT, true, SAS_RESERVED << 22), &acc));
	EXPECT_TRUE(untouched(&acc));
}

TEST(other_exception_classes_are_refused)
{
	static const u32 classes[] = {
		EC_UNKNOWN, EC_WFI, EC_HVC, EC_IABT, EC_IABT_HYP, EC_DABT_HYP, 0x3f,
	};
	struct kvm32_mmio_access acc = poison;
	unsigned int i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		/* A perfectly good load syndrome, under the wrong class. */
		u32 iss = dabt_iss(READ, SAS_WORD, false, 0);

		EXPECT_EQ(-EINVAL, kvm32_decode_dabt(hsr(classes[i], true, iss), &acc))
			TH_LOG("EC %#x", classes[i]);
		/* The class is checked before ISV. */
		EXPECT_EQ(-EINVAL, kvm32_decode_dabt(hsr(classes[i], true, iss & ~ISS_ISV), &acc))
			TH_LOG("EC %#x without ISV", classes[i]);
	}
	/* HVC #0x1234 from the guest: ISS is the immediate. */
	EXPECT_EQ(-EINVAL, kvm32_decode_dabt(hsr(EC_HVC, true, 0x1234), &acc));
	EXPECT_TRUE(untouched(&acc));
}

TEST(reserved_access_size_is_refused)
{
	struct kvm32_mmio_access acc = poison;

	EXPECT_EQ(-EINVAL, kvm32_decode_dabt(dabt(READ, SAS_RESERVED, false, 0), &acc));
	EXPECT_EQ(-EINVAL, kvm32_decode_dabt(dabt(WRITE, SAS_RESERVED, true, 5), &acc));
	EXPECT_TRUE(untouched(&acc));
}

TEST(little_endian_guest_stores_least_significant_byte_first)
{
	struct kvm32_mmio_access b = mmio(1, false), h = mmio(2, false), w = mmio(4, false);
	u8 data[8];

	memset(data, 0xaa, sizeof(data));
	kvm32_mmio_write_bytes(&w, 0x11223344, LE, data);
	EXPECT_EQ(0x44, data[0]);
	EXPECT_EQ(0x33, data[1]);
	EXPECT_EQ(0x22, data[2]);
	EXPECT_EQ(0x11, data[3]);
	EXPECT_EQ(0xaa, data[4]);

	memset(data, 0xaa, sizeof(data));
	kvm32_mmio_write_bytes(&h, 0x11223344, LE, data);
	EXPECT_EQ(0x44, data[0]);
	EXPECT_EQ(0x33, data[1]);
	EXPECT_EQ(0xaa, data[2]);

	memset(data, 0xaa, sizeof(data));
	kvm32_mmio_write_bytes(&b, 0x11223344, LE, data);
	EXPECT_EQ(0x44, data[0]);
	EXPECT_EQ(0xaa, data[1]);
}

TEST(little_endian_guest_loads_least_significant_byte_first)
{
	struct kvm32_mmio_access b = mmio(1, false), h = mmio(2, false), w = mmio(4, false);
	const u8 data[] = { 0x44, 0x33, 0x22, 0x11, 0xaa, 0xaa, 0xaa, 0xaa };

	EXPECT_EQ(0x11223344u, kvm32_mmio_read_value(&w, data, LE));
	EXPECT_EQ(0x00003344u, kvm32_mmio_read_value(&h, data, LE));
	EXPECT_EQ(0x00000044u, kvm32_mmio_read_value(&b, data, LE));
}

TEST(big_endian_guest_stores_reversed_bytes)
{
	struct kvm32_mmio_access b = mmio(1, false), h = mmio(2, false), w = mmio(4, false);
	u8 data[8];

	memset(data, 0xaa, sizeof(data));
	kvm32_mmio_write_bytes(&w, 0x11223344, BE, data);
	EXPECT_EQ(0x11, data[0]);
	EXPECT_EQ(0x22, data[1]);
	EXPECT_EQ(0x33, data[2]);
	EXPECT_EQ(0x44, data[3]);
	EXPECT_EQ(0xaa, data[4]);

	/* STRH stores the low halfword, most significant byte first. */
	memset(data, 0xaa, sizeof(data));
	kvm32_mmio_write_bytes(&h, 0x11223344, BE, data);
	EXPECT_EQ(0x33, data[0]);
	EXPECT_EQ(0x44, data[1]);
	EXPECT_EQ(0xaa, data[2]);

	/* A byte has no order. */
	memset(data, 0xaa, sizeof(data));
	kvm32_mmio_write_bytes(&b, 0x11223344, BE, data);
	EXPECT_EQ(0x44, data[0]);
	EXPECT_EQ(0xaa, data[1]);
}

TEST(big_endian_guest_loads_reversed_bytes)
{
	struct kvm32_mmio_access b = mmio(1, false), h = mmio(2, false), w = mmio(4, false);
	struct kvm32_mmio_access sb = mmio(1, true), sh = mmio(2, true);
	const u8 data[] = { 0x11, 0x22, 0x33, 0x44, 0xaa, 0xaa, 0xaa, 0xaa };
	const u8 h8000[] = { 0x80, 0x00 }, h0080[] = { 0x00, 0x80 }, b80[] = { 0x80 };

	EXPECT_EQ(0x11223344u, kvm32_mmio_read_value(&w, data, BE));
	EXPECT_EQ(0x00001122u, kvm32_mmio_read_value(&h, data, BE));
	EXPECT_EQ(0x00000011u, kvm32_mmio_read_value(&b, data, BE));

	/* The sign is the top bit of the value after the swap. */
	EXPECT_EQ(0xffff8000u, kvm32_mmio_read_value(&sh, h8000, BE));
	EXPECT_EQ(0x00000080u, kvm32_mmio_read_value(&sh, h0080, BE));
	EXPECT_EQ(0xffffff80u, kvm32_mmio_read_value(&sb, b80, BE));
}

TEST(stores_use_only_the_low_bytes_of_the_register)
{
	u8 data[8];
	u8 len;

	for (len = 1; len <= 4; len *= 2) {
		struct kvm32_mmio_access acc = mmio(len, false);
		unsigned int i;

		memset(data, 0x5a, sizeof(data));
		kvm32_mmio_write_bytes(&acc, 0xdeadbeef, LE, data);
		for (i = len; i < sizeof(data); i++)
			EXPECT_EQ(0x5a, data[i]) TH_LOG("len %u, byte %u", len, i);
		EXPECT_EQ(0xef, data[0]);
	}
}

TEST(store_then_load_round_trips)
{
	static const u32 values[] = { 0x00000000, 0xffffffff, 0x80000080, 0x12345678, 0xfedc8001 };
	unsigned int i, be;
	u8 len;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		for (be = 0; be <= 1; be++) {
			for (len = 1; len <= 4; len *= 2) {
				struct kvm32_mmio_access acc = mmio(len, false);
				u32 mask = len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
				u8 data[8];

				kvm32_mmio_write_bytes(&acc, values[i], be, data);
				EXPECT_EQ(values[i] & mask, kvm32_mmio_read_value(&acc, data, be))
					TH_LOG("value %#x, len %u, be %u", values[i], len, be);
			}
		}
	}
}

TEST(stage1_walks_and_cache_maintenance_are_recognised)
{
	u32 load = dabt(READ, SAS_WORD, false, 0);
	/* A stage-1 walk is not a load or store the syndrome can describe. */
	u32 walk = hsr(EC_DABT, true, ISS_S1PTW | DFSC_TRANS_L1);

	EXPECT_TRUE(kvm32_dabt_is_s1ptw(walk));
	EXPECT_TRUE(kvm32_dabt_is_s1ptw(load | ISS_S1PTW));
	EXPECT_FALSE(kvm32_dabt_is_s1ptw(load));
	EXPECT_FALSE(kvm32_dabt_is_cache_maint(walk));
	/* Prefetch Aborts report S1PTW in the same bit. */
	EXPECT_TRUE(kvm32_dabt_is_s1ptw(hsr(EC_IABT, true, ISS_S1PTW | DFSC_TRANS_L1)));
	EXPECT_FALSE(kvm32_dabt_is_s1ptw(hsr(EC_IABT, true, DFSC_TRANS_L1)));
	/* Bit 7 of an HVC is part of its immediate. */
	EXPECT_FALSE(kvm32_dabt_is_s1ptw(hsr(EC_HVC, true, 0x80)));

	EXPECT_TRUE(kvm32_dabt_is_cache_maint(hsr(EC_DABT, true, ISS_CM | ISS_WNR | DFSC_TRANS_L1)));
	EXPECT_FALSE(kvm32_dabt_is_cache_maint(load));
	EXPECT_FALSE(kvm32_dabt_is_cache_maint(hsr(EC_HVC, true, 0x100)));
	EXPECT_FALSE(kvm32_dabt_is_cache_maint(hsr(EC_IABT, true, ISS_CM | DFSC_TRANS_L1)));
}

/*
 * Syndromes of real instructions faulting on an unmapped IPA, written out by
 * hand: EC 0x24 (bits [31:26] = 0b100100 -> 0x90000000), IL, ISV (0x01000000),
 * SAS << 22, SSE << 21, SRT << 16, WnR << 6, and DFSC 0b000101 (translation
 * fault, level 1: the stage-2 tables have no entry for the device range).
 */
TEST(real_syndromes)
{
	struct kvm32_mmio_access acc;

	/*
	 * ldrh r3, [r0] (ARM, or Thumb-2 ldrh.w): IL 1 -> 0x02000000, SAS 0b01
	 * -> 0x00400000, SSE 0, SRT 3 -> 0x00030000, WnR 0.
	 * 0x90000000 + 0x02000000 + 0x01000000 + 0x00400000 + 0x00030000 + 0x05.
	 */
	ASSERT_EQ(0, kvm32_decode_dabt(0x93430005, &acc));
	EXPECT_FALSE(acc.is_write);
	EXPECT_FALSE(acc.sign_extend);
	EXPECT_EQ(2, acc.len);
	EXPECT_EQ(3, acc.rt);
	EXPECT_EQ(4, acc.insn_len);

	/*
	 * strb r1, [r2] as 16-bit Thumb (STRB imm T1, 0x7011): IL 0, SAS 0b00,
	 * SRT 1 -> 0x00010000, WnR 1 -> 0x40.
	 * 0x90000000 + 0x01000000 + 0x00010000 + 0x40 + 0x05.
	 */
	ASSERT_EQ(0, kvm32_decode_dabt(0x91010045, &acc));
	EXPECT_TRUE(acc.is_write);
	EXPECT_EQ(1, acc.len);
	EXPECT_EQ(1, acc.rt);
	EXPECT_EQ(2, acc.insn_len);

	/* ldrsb r0, [r1] (ARM): SAS 0b00, SSE 1 -> 0x00200000, SRT 0. */
	ASSERT_EQ(0, kvm32_decode_dabt(0x93200005, &acc));
	EXPECT_TRUE(acc.sign_extend);
	EXPECT_EQ(1, acc.len);
	EXPECT_EQ(0, acc.rt);

	/*
	 * ldrd r0, r1, [r2] and str r0, [r1], #4 (post-indexed, writes back r1)
	 * fault with ISV 0: only IL, WnR and the DFSC are reported.
	 */
	EXPECT_EQ(-ENOSYS, kvm32_decode_dabt(0x92000005, &acc));
	EXPECT_EQ(-ENOSYS, kvm32_decode_dabt(0x92000045, &acc));

	/*
	 * mcr p15, 0, r0, c7, c10, 1 (DCCMVAC) on a device address: CM 1
	 * -> 0x100, reported as a write (WnR 1), ISV 0.
	 */
	EXPECT_TRUE(kvm32_dabt_is_cache_maint(0x92000145));
	EXPECT_EQ(-ENOSYS, kvm32_decode_dabt(0x92000145, &acc));

	/* Cross-check the hand sums against the field-by-field helper. */
	EXPECT_EQ(0x93430005u, dabt(READ, SAS_HALF, false, 3));
	EXPECT_EQ(0x91010045u, hsr(EC_DABT, false, dabt_iss(WRITE, SAS_BYTE, false, 1)));
	EXPECT_EQ(0x93200005u, dabt(READ, SAS_BYTE, true, 0));
}

TEST_HARNESS_MAIN
