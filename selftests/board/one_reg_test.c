// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_REG_LIST, KVM_GET_ONE_REG and KVM_SET_ONE_REG work as in 32-bit
 * ARM KVM (Linux 5.6): the list names every register of a vCPU, each one
 * reads and writes back what was written (a VMM saves and restores a vCPU,
 * for migration or snapshots, by walking that list), the few that cannot
 * change refuse other values, KVM_ARM_VCPU_INIT gives the documented reset
 * state, and unknown or malformed ids get the errnos 5.6 gives.
 *
 * Needs no guest code. Plain open/ioctl, no helper library. Runs with kvm32
 * loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* ---- Register ids ---------------------------------------------------------- */

#define CORE_REG(name)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(name))
#define CORE_WORDS	(sizeof(struct kvm_regs) / 4)		/* 38 */
#define CORE_ID(i)	(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | (i))
#define PC_REG		CORE_REG(usr_regs.ARM_pc)
#define CPSR_REG	CORE_REG(usr_regs.ARM_cpsr)
#define CPSR_INDEX	KVM_REG_ARM_CORE_REG(usr_regs.ARM_cpsr)	/* 16 */

#define MIDR		ARM_CP15_REG32(0, 0, 0, 0)
#define MPIDR		ARM_CP15_REG32(0, 0, 0, 5)
#define SCTLR		ARM_CP15_REG32(0, 1, 0, 0)
#define ACTLR		ARM_CP15_REG32(0, 1, 0, 1)
#define CPACR		ARM_CP15_REG32(0, 1, 0, 2)
#define TTBR0_32	ARM_CP15_REG32(0, 2, 0, 0)
#define TTBR1_32	ARM_CP15_REG32(0, 2, 0, 1)
#define TTBCR		ARM_CP15_REG32(0, 2, 0, 2)
#define TTBR0_64	ARM_CP15_REG64(0, 2)
#define TTBR1_64	ARM_CP15_REG64(1, 2)
#define L2CTLR		ARM_CP15_REG32(1, 9, 0, 2)
#define VBAR		ARM_CP15_REG32(0, 12, 0, 0)
#define CONTEXTIDR	ARM_CP15_REG32(0, 13, 0, 1)
#define CNTKCTL		ARM_CP15_REG32(0, 14, 1, 0)

#define VFP_ID(size, i)	(KVM_REG_ARM | (size) | KVM_REG_ARM_VFP | (i))
#define VFP_CTRL(i)	VFP_ID(KVM_REG_SIZE_U32, KVM_REG_ARM_VFP_##i)
#define DEMUX_CCSIDR(sel) (KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | \
			   KVM_REG_ARM_DEMUX_ID_CCSIDR | (sel))

/* The registers of a vCPU that every 32-bit ARM KVM lists, kvm32 as 5.6. */
static const uint64_t cp15_common[] = {
	MIDR, MPIDR, SCTLR, CPACR, TTBCR, TTBR0_64, TTBR1_64,
	ARM_CP15_REG32(0, 3, 0, 0),	/* DACR */
	ARM_CP15_REG32(0, 5, 0, 0),	/* DFSR */
	ARM_CP15_REG32(0, 5, 0, 1),	/* IFSR */
	ARM_CP15_REG32(0, 5, 1, 0),	/* ADFSR */
	ARM_CP15_REG32(0, 5, 1, 1),	/* AIFSR */
	ARM_CP15_REG32(0, 6, 0, 0),	/* DFAR */
	ARM_CP15_REG32(0, 6, 0, 2),	/* IFAR */
	ARM_CP15_REG64(0, 7),		/* PAR */
	ARM_CP15_REG32(0, 10, 2, 0),	/* PRRR */
	ARM_CP15_REG32(0, 10, 2, 1),	/* NMRR */
	ARM_CP15_REG32(0, 10, 3, 0),	/* AMAIR0 */
	ARM_CP15_REG32(0, 10, 3, 1),	/* AMAIR1 */
	VBAR, CONTEXTIDR,
	ARM_CP15_REG32(0, 13, 0, 2),	/* TPIDRURW */
	ARM_CP15_REG32(0, 13, 0, 3),	/* TPIDRURO */
	ARM_CP15_REG32(0, 13, 0, 4),	/* TPIDRPRW */
	CNTKCTL,
	ARM_CP15_REG32(2, 0, 0, 0),	/* CSSELR */
};

/* The host's identification registers, "invariant" in 5.6's coproc.c. */
static const uint64_t cp15_identification[] = {
	MIDR,
	ARM_CP15_REG32(0, 0, 0, 1),	/* CTR */
	ARM_CP15_REG32(0, 0, 0, 2),	/* TCMTR */
	ARM_CP15_REG32(0, 0, 0, 3),	/* TLBTR */
	ARM_CP15_REG32(0, 0, 0, 6),	/* REVIDR */
	ARM_CP15_REG32(0, 0, 1, 0),	/* ID_PFR0 */
	ARM_CP15_REG32(0, 0, 1, 1),	/* ID_PFR1 */
	ARM_CP15_REG32(0, 0, 1, 2),	/* ID_DFR0 */
	ARM_CP15_REG32(0, 0, 1, 3),	/* ID_AFR0 */
	ARM_CP15_REG32(0, 0, 1, 4),	/* ID_MMFR0 */
	ARM_CP15_REG32(0, 0, 1, 5),	/* ID_MMFR1 */
	ARM_CP15_REG32(0, 0, 1, 6),	/* ID_MMFR2 */
	ARM_CP15_REG32(0, 0, 1, 7),	/* ID_MMFR3 */
	ARM_CP15_REG32(0, 0, 2, 0),	/* ID_ISAR0 */
	ARM_CP15_REG32(0, 0, 2, 1),	/* ID_ISAR1 */
	ARM_CP15_REG32(0, 0, 2, 2),	/* ID_ISAR2 */
	ARM_CP15_REG32(0, 0, 2, 3),	/* ID_ISAR3 */
	ARM_CP15_REG32(0, 0, 2, 4),	/* ID_ISAR4 */
	ARM_CP15_REG32(0, 0, 2, 5),	/* ID_ISAR5 */
	ARM_CP15_REG32(1, 0, 0, 1),	/* CLIDR */
	ARM_CP15_REG32(1, 0, 0, 7),	/* AIDR */
};

static const uint64_t vfp_control[] = {
	VFP_CTRL(FPSID), VFP_CTRL(FPSCR), VFP_CTRL(MVFR1), VFP_CTRL(MVFR0),
	VFP_CTRL(FPEXC), VFP_CTRL(FPINST), VFP_CTRL(FPINST2),
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* QEMU's virt board runs the generic timer at 62.5 MHz. */
#define COUNTER_HZ	62500000ULL

#define PSCI_0_1	0x00001ULL	/* KVM_ARM_PSCI_0_1: PSCI_VERSION(0, 1) */
#define PSCI_0_2	0x00002ULL
#define PSCI_1_0	0x10000ULL	/* KVM_ARM_PSCI_LATEST in 5.6 */

#ifndef HWCAP_VFPD32
#define HWCAP_VFPD32	(1 << 19)
#endif

/* ---- Helpers --------------------------------------------------------------- */

static int err_of(long ret)
{
	return ret < 0 ? errno : 0;
}

static uint64_t uaddr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static unsigned int reg_size(uint64_t id)
{
	return 1u << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

static unsigned int group_of(uint64_t id)
{
	return (id & KVM_REG_ARM_COPROC_MASK) >> KVM_REG_ARM_COPROC_SHIFT;
}

/* Reads a 32- or 64-bit register into *val (zero-extended): 0 or errno. */
static int get_reg(int vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = uaddr(val) };

	*val = 0;
	return err_of(ioctl(vcpu, KVM_GET_ONE_REG, &reg));
}

static int set_reg(int vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = uaddr(&val) };

	return err_of(ioctl(vcpu, KVM_SET_ONE_REG, &reg));
}

static int init_vcpu(int vcpu, uint32_t target, uint32_t features0)
{
	struct kvm_vcpu_init init = { .target = target, .features = { features0 } };

	return err_of(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init));
}

/* The vCPU's register list (malloc'ed), its length in *n; NULL on failure. */
static uint64_t *reg_list(int vcpu, uint64_t *n)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;

	if (ioctl(vcpu, KVM_GET_REG_LIST, &probe) != -1 || errno != E2BIG)
		return NULL;
	list = calloc(1, sizeof(*list) + probe.n * sizeof(uint64_t));
	if (!list)
		return NULL;
	list->n = probe.n;
	if (ioctl(vcpu, KVM_GET_REG_LIST, list)) {
		free(list);
		return NULL;
	}
	*n = list->n;
	memmove(list, list->reg, list->n * sizeof(uint64_t));
	return (uint64_t *)list;
}

static bool listed(const uint64_t *ids, uint64_t n, uint64_t id)
{
	for (uint64_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* How a register behaves under SET. */
enum reg_kind {
	RW,		/* keeps any value */
	CPSR,		/* keeps valid modes only */
	READ_ONLY,	/* accepts only its current value */
	FIRMWARE,	/* KVM_REG_ARM_FW: values with meanings of their own */
	TIMER_CNT,	/* the running virtual counter */
	TIMER_CTL,	/* ISTATUS (bit 2) is computed, not stored */
};

static enum reg_kind kind_of(uint64_t id)
{
	unsigned int group = group_of(id);

	if (group == group_of(KVM_REG_ARM_CORE))
		return (id & 0xffff) == CPSR_INDEX ? CPSR : RW;
	if (id == KVM_REG_ARM_TIMER_CNT)
		return TIMER_CNT;
	if (id == KVM_REG_ARM_TIMER_CTL)
		return TIMER_CTL;
	if (group == group_of(KVM_REG_ARM_FW))
		return FIRMWARE;
	if (group == group_of(KVM_REG_ARM_DEMUX))
		return READ_ONLY;
	if (group == group_of(KVM_REG_ARM_VFP)) {
		switch (id & KVM_REG_ARM_VFP_MASK) {
		case KVM_REG_ARM_VFP_FPSID:
		case KVM_REG_ARM_VFP_MVFR0:
		case KVM_REG_ARM_VFP_MVFR1:
			return READ_ONLY;
		}
		return RW;
	}
	/* CP15 c0 with opc1 0 or 1 is identification, but for MPIDR. */
	if (group == 15 && reg_size(id) == 4 && id != MPIDR &&
	    !(id & KVM_REG_ARM_32_CRN_MASK) &&
	    ((id & KVM_REG_ARM_OPC1_MASK) >> KVM_REG_ARM_OPC1_SHIFT) <= 1)
		return READ_ONLY;
	return RW;
}

/* A value no reset gives, different for each position i in the list. */
static uint64_t pattern(uint64_t id, unsigned int i, unsigned int salt)
{
	if (reg_size(id) == 8)
		return 0xa5a5000000005a5aULL ^ ((uint64_t)(i + salt) << 24) ^ ((i + salt) << 16);
	return 0x5a000000u ^ (salt << 16) ^ i;
}

static unsigned int nr_vfp_dregs(void)
{
	return (getauxval(AT_HWCAP) & HWCAP_VFPD32) ? 32 : 16;
}

/* One field of /proc/cpuinfo ("CPU part" and so on), or -1. */
static long cpuinfo_field(const char *name)
{
	char line[256];
	long val = -1;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, name, strlen(name)) && colon) {
			val = strtol(colon + 1, NULL, 0);
			break;
		}
	}
	fclose(f);
	return val;
}

/* ---- A VM with one vCPU initialised for the preferred target ---------------- */

FIXTURE(vcpu) {
	int kvm, vm, vcpu;
	uint32_t target;
	uint64_t *ids, n;
};

FIXTURE_SETUP(vcpu)
{
	struct kvm_vcpu_init init;

	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->kvm) TH_LOG("open /dev/kvm: %s", strerror(errno));
	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->vm, KVM_ARM_PREFERRED_TARGET, &init));
	self->target = init.target;
	self->vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, self->vcpu);
	ASSERT_EQ(0, init_vcpu(self->vcpu, self->target, 0));
	self->ids = reg_list(self->vcpu, &self->n);
	ASSERT_NE(NULL, self->ids) TH_LOG("KVM_GET_REG_LIST: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vcpu)
{
	free(self->ids);
	close(self->vcpu);
	close(self->vm);
	close(self->kvm);
}

/* Another initialised vCPU of the fixture's VM. */
#define NEW_INIT_VCPU(id, features0) ({					\
	int __v = ioctl(self->vm, KVM_CREATE_VCPU, (unsigned long)(id));	\
	ASSERT_LE(0, __v) TH_LOG("KVM_CREATE_VCPU: %s", strerror(errno));	\
	ASSERT_EQ(0, init_vcpu(__v, self->target, (features0)));	\
	__v; })

/* ---- KVM_GET_REG_LIST ----------------------------------------------------------- */

TEST_F(vcpu, reg_list_reports_its_size)
{
	struct kvm_reg_list *list = calloc(1, sizeof(*list) + (self->n + 8) * 8);
	uint64_t n = self->n;

	ASSERT_NE(NULL, list);
	/* Too small: E2BIG, and n says how many there are. */
	list->n = 0;
	EXPECT_EQ(E2BIG, err_of(ioctl(self->vcpu, KVM_GET_REG_LIST, list)));
	EXPECT_EQ(n, list->n);
	list->n = n - 1;
	EXPECT_EQ(E2BIG, err_of(ioctl(self->vcpu, KVM_GET_REG_LIST, list)));
	EXPECT_EQ(n, list->n);
	EXPECT_EQ(0, list->reg[0]) TH_LOG("E2BIG wrote ids");
	/* Room to spare: the list, and n is the real count. */
	list->n = n + 8;
	EXPECT_EQ(0, err_of(ioctl(self->vcpu, KVM_GET_REG_LIST, list)));
	EXPECT_EQ(n, list->n);
	EXPECT_EQ(0, memcmp(list->reg, self->ids, n * 8));
	EXPECT_EQ(0, list->reg[n]) TH_LOG("wrote beyond the count");
	/* The list of a vCPU does not change. */
	list->n = n;
	EXPECT_EQ(0, err_of(ioctl(self->vcpu, KVM_GET_REG_LIST, list)));
	EXPECT_EQ(0, memcmp(list->reg, self->ids, n * 8));
	free(list);
}

TEST_F(vcpu, reg_list_bad_pointers_are_efault)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_reg_list *list;

	EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_GET_REG_LIST, NULL)));
	EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_GET_REG_LIST, (void *)0xc0000000)));
	/* n readable, but the ids would go to a page that cannot be written. */
	ASSERT_NE(MAP_FAILED, two);
	ASSERT_EQ(0, mprotect(two + pg, pg, PROT_NONE));
	list = (struct kvm_reg_list *)(two + pg - sizeof(*list));
	list->n = self->n;
	EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_GET_REG_LIST, list)));
	munmap(two, 2 * pg);
}

TEST_F(vcpu, reg_list_ids_are_arm_u32_or_u64_and_unique)
{
	for (uint64_t i = 0; i < self->n; i++) {
		uint64_t id = self->ids[i], size = id & KVM_REG_SIZE_MASK;

		EXPECT_EQ(KVM_REG_ARM, id & KVM_REG_ARCH_MASK) TH_LOG("id %#llx", (unsigned long long)id);
		EXPECT_TRUE(size == KVM_REG_SIZE_U32 || size == KVM_REG_SIZE_U64)
			TH_LOG("id %#llx", (unsigned long long)id);
		/* Nothing in bits 32-51: 5.6 calls such ids another architecture's. */
		EXPECT_EQ(0, (id & ~KVM_REG_SIZE_MASK) >> 32 & 0xfffff)
			TH_LOG("id %#llx", (unsigned long long)id);
		for (uint64_t j = 0; j < i; j++) {
			EXPECT_NE(self->ids[j], id) TH_LOG("id %#llx twice", (unsigned long long)id);
		}
	}
}

TEST_F(vcpu, reg_list_has_core_timer_vfp_and_cp15_registers)
{
	unsigned int dregs = nr_vfp_dregs();

	/* struct kvm_regs as 32-bit words: 38 of them. */
	ASSERT_EQ(38, CORE_WORDS);
	for (unsigned int i = 0; i < CORE_WORDS; i++) {
		EXPECT_TRUE(listed(self->ids, self->n, CORE_ID(i))) TH_LOG("core word %u", i);
	}
	EXPECT_TRUE(listed(self->ids, self->n, KVM_REG_ARM_TIMER_CTL));
	EXPECT_TRUE(listed(self->ids, self->n, KVM_REG_ARM_TIMER_CNT));
	EXPECT_TRUE(listed(self->ids, self->n, KVM_REG_ARM_TIMER_CVAL));
	/* d0-d31 on a VFPv3-D32 host (the board's Cortex-A15), and no more. */
	for (unsigned int i = 0; i < 32; i++) {
		EXPECT_EQ(i < dregs, listed(self->ids, self->n, VFP_ID(KVM_REG_SIZE_U64, i)))
			TH_LOG("d%u", i);
	}
	for (unsigned int i = 0; i < ARRAY_LEN(vfp_control); i++) {
		EXPECT_TRUE(listed(self->ids, self->n, vfp_control[i]))
			TH_LOG("VFP control register %#llx", (unsigned long long)vfp_control[i]);
	}
	for (unsigned int i = 0; i < ARRAY_LEN(cp15_common); i++) {
		EXPECT_TRUE(listed(self->ids, self->n, cp15_common[i]))
			TH_LOG("CP15 id %#llx", (unsigned long long)cp15_common[i]);
	}
}

/*
 * The rest of what 5.6 lists for a Cortex-A15 vCPU (guest.c, coproc.c,
 * psci.c). A VMM that saves "every listed register" and restores it on
 * another host saves these too; each must also be readable.
 */
TEST_F(vcpu, reg_list_has_firmware_registers)
{
	const uint64_t fw[] = {
		KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
		KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
	};
	uint64_t val;

	for (unsigned int i = 0; i < ARRAY_LEN(fw); i++) {
		EXPECT_TRUE(listed(self->ids, self->n, fw[i]))
			TH_LOG("firmware register %#llx", (unsigned long long)fw[i]);
		EXPECT_EQ(0, get_reg(self->vcpu, fw[i], &val))
			TH_LOG("firmware register %#llx", (unsigned long long)fw[i]);
	}
}

TEST_F(vcpu, reg_list_has_identification_registers)
{
	uint64_t val;

	for (unsigned int i = 0; i < ARRAY_LEN(cp15_identification); i++) {
		uint64_t id = cp15_identification[i];

		EXPECT_TRUE(listed(self->ids, self->n, id)) TH_LOG("CP15 id %#llx",
								   (unsigned long long)id);
		EXPECT_EQ(0, get_reg(self->vcpu, id, &val)) TH_LOG("CP15 id %#llx",
								   (unsigned long long)id);
	}
}

TEST_F(vcpu, reg_list_has_actlr_l2ctlr_and_32_bit_ttbrs)
{
	const uint64_t ids[] = { ACTLR, L2CTLR, TTBR0_32, TTBR1_32 };
	uint64_t val;

	for (unsigned int i = 0; i < ARRAY_LEN(ids); i++) {
		EXPECT_TRUE(listed(self->ids, self->n, ids[i]))
			TH_LOG("CP15 id %#llx", (unsigned long long)ids[i]);
		EXPECT_EQ(0, get_reg(self->vcpu, ids[i], &val))
			TH_LOG("CP15 id %#llx", (unsigned long long)ids[i]);
	}
	/* The 32-bit TTBRs are the low halves of the 64-bit ones (5.6: one store). */
	ASSERT_EQ(0, set_reg(self->vcpu, TTBR0_64, 0x1122334455667788ULL));
	EXPECT_EQ(0, get_reg(self->vcpu, TTBR0_32, &val));
	EXPECT_EQ(0x55667788, val);
	ASSERT_EQ(0, set_reg(self->vcpu, TTBR1_32, 0x0badf00d));
	EXPECT_EQ(0, get_reg(self->vcpu, TTBR1_64, &val));
	EXPECT_EQ(0x0badf00d, val & 0xffffffff);
}

TEST_F(vcpu, reg_list_has_cache_size_ids)
{
	uint64_t val;

	/* CCSIDR for CSSELR 0 (L1 data) and 1 (L1 instruction): every A15 has them. */
	for (unsigned int sel = 0; sel < 2; sel++) {
		EXPECT_TRUE(listed(self->ids, self->n, DEMUX_CCSIDR(sel))) TH_LOG("CSSELR %u", sel);
		EXPECT_EQ(0, get_reg(self->vcpu, DEMUX_CCSIDR(sel), &val)) TH_LOG("CSSELR %u", sel);
		/* A cache has at least one set, line and way: never all zero. */
		EXPECT_NE(0, val) TH_LOG("CSSELR %u", sel);
	}
}

/* ---- Every listed register ---------------------------------------------------------- */

TEST_F(vcpu, every_listed_register_round_trips)
{
	const uint64_t cnt_slack = 10 * COUNTER_HZ;
	uint64_t *expect = calloc(self->n, sizeof(uint64_t));
	bool ttbr_alias = listed(self->ids, self->n, TTBR0_32);

	ASSERT_NE(NULL, expect);
	/* Pass 1: each register reads, keeps what it may keep, refuses the rest. */
	for (unsigned int i = 0; i < self->n; i++) {
		uint64_t id = self->ids[i], before, val, v = 0;
		unsigned long long lid = id;

		ASSERT_EQ(0, get_reg(self->vcpu, id, &before)) TH_LOG("GET %#llx", lid);
		switch (kind_of(id)) {
		case RW:
			v = pattern(id, i, 0);
			EXPECT_EQ(0, set_reg(self->vcpu, id, v)) TH_LOG("SET %#llx", lid);
			EXPECT_EQ(0, get_reg(self->vcpu, id, &val));
			EXPECT_EQ(v, val) TH_LOG("id %#llx", lid);
			break;
		case CPSR:
			v = 0x100001d3;		/* SVC, A/I/F masked, V set */
			EXPECT_EQ(0, set_reg(self->vcpu, id, v));
			EXPECT_EQ(0, get_reg(self->vcpu, id, &val));
			EXPECT_EQ(v, val);
			break;
		case TIMER_CTL:
			/* 5.6 computes ISTATUS on every read: compare the rest. */
			v = pattern(id, i, 0);
			EXPECT_EQ(0, set_reg(self->vcpu, id, v));
			EXPECT_EQ(0, get_reg(self->vcpu, id, &val));
			EXPECT_EQ(v & ~4ULL, val & ~4ULL);
			break;
		case TIMER_CNT:
			v = 1ULL << 40;
			EXPECT_EQ(0, set_reg(self->vcpu, id, v));
			EXPECT_EQ(0, get_reg(self->vcpu, id, &val));
			EXPECT_LE(v, val);
			EXPECT_GT(v + cnt_slack, val);
			break;
		case READ_ONLY:
			v = before;
			EXPECT_EQ(0, set_reg(self->vcpu, id, before)) TH_LOG("id %#llx", lid);
			EXPECT_EQ(EINVAL, set_reg(self->vcpu, id, before ^ 0x10))
				TH_LOG("id %#llx", lid);
			EXPECT_EQ(0, get_reg(self->vcpu, id, &val));
			EXPECT_EQ(before, val) TH_LOG("id %#llx", lid);
			break;
		case FIRMWARE:
			v = before;
			EXPECT_EQ(0, set_reg(self->vcpu, id, before)) TH_LOG("id %#llx", lid);
			EXPECT_EQ(0, get_reg(self->vcpu, id, &val));
			EXPECT_EQ(before, val) TH_LOG("id %#llx", lid);
			break;
		}
		expect[i] = v;
	}
	/* Pass 2: nothing overwrote anything else. */
	for (unsigned int i = 0; i < self->n; i++) {
		uint64_t id = self->ids[i], val;
		enum reg_kind kind = kind_of(id);

		if (kind == TIMER_CNT)
			continue;
		/* 5.6 keeps TTBRn once, seen as 32 and as 64 bits. */
		if (ttbr_alias && (id == TTBR0_32 || id == TTBR1_32 ||
				   id == TTBR0_64 || id == TTBR1_64))
			continue;
		EXPECT_EQ(0, get_reg(self->vcpu, id, &val));
		if (kind == TIMER_CTL) {
			val &= ~4ULL;
			expect[i] &= ~4ULL;
		}
		EXPECT_EQ(expect[i], val) TH_LOG("id %#llx changed", (unsigned long long)id);
	}
	free(expect);
}

TEST_F(vcpu, cpsr_takes_guest_modes_only)
{
	/* The modes a guest may be in (5.6's set_core_reg)... */
	static const uint32_t good[] = { 0x10, 0x11, 0x12, 0x13, 0x17, 0x1b };
	/* ... not Monitor or Hyp, not System (5.6 refuses it), not reserved ones. */
	static const uint32_t bad[] = { 0x16, 0x1a, 0x1f, 0x00, 0x14, 0x15, 0x1c, 0x0f };
	uint64_t val;

	for (unsigned int i = 0; i < ARRAY_LEN(good); i++) {
		uint32_t cpsr = 0xf00001c0 | good[i];

		EXPECT_EQ(0, set_reg(self->vcpu, CPSR_REG, cpsr)) TH_LOG("mode %#x", good[i]);
		EXPECT_EQ(0, get_reg(self->vcpu, CPSR_REG, &val));
		EXPECT_EQ(cpsr, val);
	}
	ASSERT_EQ(0, set_reg(self->vcpu, CPSR_REG, 0x100001d3));
	for (unsigned int i = 0; i < ARRAY_LEN(bad); i++) {
		EXPECT_EQ(EINVAL, set_reg(self->vcpu, CPSR_REG, 0x1c0 | bad[i]))
			TH_LOG("mode %#x", bad[i]);
		/* A refused CPSR leaves the old one. */
		EXPECT_EQ(0, get_reg(self->vcpu, CPSR_REG, &val));
		EXPECT_EQ(0x100001d3, val);
	}
}

TEST_F(vcpu, identification_registers_are_read_only)
{
	const uint64_t ids[] = { MIDR, VFP_CTRL(FPSID), VFP_CTRL(MVFR0), VFP_CTRL(MVFR1) };

	for (unsigned int i = 0; i < ARRAY_LEN(ids); i++) {
		uint64_t id = ids[i], v, after;

		ASSERT_EQ(0, get_reg(self->vcpu, id, &v));
		/* A VMM restoring a snapshot writes them back: the same value is fine. */
		EXPECT_EQ(0, set_reg(self->vcpu, id, v)) TH_LOG("id %#llx", (unsigned long long)id);
		/* Another CPU's values are not: the guest would be told wrong. */
		EXPECT_EQ(EINVAL, set_reg(self->vcpu, id, v ^ 1))
			TH_LOG("id %#llx", (unsigned long long)id);
		EXPECT_EQ(EINVAL, set_reg(self->vcpu, id, v ^ 0x80000000))
			TH_LOG("id %#llx", (unsigned long long)id);
		EXPECT_EQ(EINVAL, set_reg(self->vcpu, id, 0))
			TH_LOG("id %#llx", (unsigned long long)id);
		EXPECT_EQ(0, get_reg(self->vcpu, id, &after));
		EXPECT_EQ(v, after);
	}
}

/* ---- The generic timer ---------------------------------------------------------------- */

TEST_F(vcpu, virtual_counter_is_set_and_runs)
{
	const uint64_t slack = 10 * COUNTER_HZ;	/* 10 s: a slow, loaded board */
	const uint64_t values[] = { 0, 1ULL << 40, 0x7fffffff00000000ULL };
	int other = NEW_INIT_VCPU(1, 0);
	uint64_t c1, c2, c3;

	for (unsigned int i = 0; i < ARRAY_LEN(values); i++) {
		uint64_t v = values[i];

		ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CNT, v));
		ASSERT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_TIMER_CNT, &c1));
		EXPECT_LE(v, c1);
		EXPECT_GT(v + slack, c1);
		/* It counts on its own while nothing runs. */
		usleep(20000);
		ASSERT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_TIMER_CNT, &c2));
		EXPECT_LT(c1 + COUNTER_HZ / 100, c2);	/* 20 ms is over 10 ms of ticks */
		EXPECT_GT(v + slack, c2);
		/* One virtual counter per VM: every vCPU reads the same time. */
		ASSERT_EQ(0, get_reg(other, KVM_REG_ARM_TIMER_CNT, &c3));
		EXPECT_LE(c2, c3);
		EXPECT_GT(c2 + slack, c3);
	}
	/* A reset (init again) does not rewind the VM's clock. */
	ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CNT, 1ULL << 40));
	ASSERT_EQ(0, init_vcpu(self->vcpu, self->target, 0));
	ASSERT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_TIMER_CNT, &c1));
	EXPECT_LE(1ULL << 40, c1);
	close(other);
}

TEST_F(vcpu, timer_ctl_istatus_follows_cval)
{
	uint64_t ctl;

	ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CNT, 1ULL << 40));
	/* Enabled, compare value far ahead: not expired. */
	ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CVAL, 1ULL << 60));
	ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CTL, 1));
	EXPECT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_TIMER_CTL, &ctl));
	EXPECT_EQ(1, ctl);
	/* ISTATUS is the timer's to say: a written one is not kept... */
	ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CTL, 1 | 4));
	EXPECT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_TIMER_CTL, &ctl));
	EXPECT_EQ(1, ctl);
	/* ... and it reads as set once the compare value has passed (5.6: read_timer_ctl). */
	ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CVAL, 1ULL << 39));
	EXPECT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_TIMER_CTL, &ctl));
	EXPECT_EQ(1 | 4, ctl);
	/* IMASK is kept as written. */
	ASSERT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_TIMER_CTL, 1 | 2));
	EXPECT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_TIMER_CTL, &ctl));
	EXPECT_EQ(1 | 2 | 4, ctl);
}

/* ---- Firmware registers (5.6: virt/kvm/arm/psci.c) ------------------------------------- */

/* A vCPU in a VM of its own, initialised with features0. */
static int lone_vcpu(int kvm, uint32_t target, uint32_t features0, int *vm)
{
	int vcpu;

	*vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (*vm < 0)
		return -1;
	vcpu = ioctl(*vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || init_vcpu(vcpu, target, features0))
		return -1;
	return vcpu;
}

TEST_F(vcpu, psci_version_register)
{
	const uint32_t psci = 1u << KVM_ARM_VCPU_PSCI_0_2;
	int vm2, vm3, v2, v2b, v3;
	uint64_t val;

	/* Without the PSCI_0_2 feature the guest gets KVM's PSCI 0.1, and only it. */
	EXPECT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_PSCI_VERSION, &val));
	EXPECT_EQ(PSCI_0_1, val);
	EXPECT_EQ(EINVAL, set_reg(self->vcpu, KVM_REG_ARM_PSCI_VERSION, PSCI_1_0));
	EXPECT_EQ(EINVAL, set_reg(self->vcpu, KVM_REG_ARM_PSCI_VERSION, PSCI_0_2));
	EXPECT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_PSCI_VERSION, PSCI_0_1));

	/*
	 * With it, the latest (1.0) unless user space asks for 0.2, as when a
	 * guest that booted on 0.2 migrates in. (Separate VMs: in 5.6 the
	 * version written is the VM's, whichever vCPU it is written through.)
	 */
	v2 = lone_vcpu(self->kvm, self->target, psci, &vm2);
	ASSERT_LE(0, v2);
	v2b = ioctl(vm2, KVM_CREATE_VCPU, 1);
	ASSERT_LE(0, v2b);
	ASSERT_EQ(0, init_vcpu(v2b, self->target, psci));
	EXPECT_EQ(0, get_reg(v2, KVM_REG_ARM_PSCI_VERSION, &val));
	EXPECT_EQ(PSCI_1_0, val);
	EXPECT_EQ(EINVAL, set_reg(v2, KVM_REG_ARM_PSCI_VERSION, PSCI_0_1));
	EXPECT_EQ(EINVAL, set_reg(v2, KVM_REG_ARM_PSCI_VERSION, 0x10001));
	EXPECT_EQ(EINVAL, set_reg(v2, KVM_REG_ARM_PSCI_VERSION, 0x20000));
	EXPECT_EQ(0, get_reg(v2, KVM_REG_ARM_PSCI_VERSION, &val));
	EXPECT_EQ(PSCI_1_0, val);
	EXPECT_EQ(0, set_reg(v2, KVM_REG_ARM_PSCI_VERSION, PSCI_0_2));
	EXPECT_EQ(0, get_reg(v2, KVM_REG_ARM_PSCI_VERSION, &val));
	EXPECT_EQ(PSCI_0_2, val);
	/* Every vCPU of that VM now says 0.2... */
	EXPECT_EQ(0, get_reg(v2b, KVM_REG_ARM_PSCI_VERSION, &val));
	EXPECT_EQ(PSCI_0_2, val);
	/* ... and no other VM's does. */
	v3 = lone_vcpu(self->kvm, self->target, psci, &vm3);
	ASSERT_LE(0, v3);
	EXPECT_EQ(0, get_reg(v3, KVM_REG_ARM_PSCI_VERSION, &val));
	EXPECT_EQ(PSCI_1_0, val);
	EXPECT_EQ(0, set_reg(v2, KVM_REG_ARM_PSCI_VERSION, PSCI_1_0));
	EXPECT_EQ(0, get_reg(v2b, KVM_REG_ARM_PSCI_VERSION, &val));
	EXPECT_EQ(PSCI_1_0, val);
	close(v3);
	close(vm3);
	close(v2b);
	close(v2);
	close(vm2);
}

TEST_F(vcpu, workaround_registers)
{
	uint64_t wa1, wa2;

	ASSERT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, &wa1));
	ASSERT_EQ(0, get_reg(self->vcpu, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, &wa2));
	/* Levels, in the low 4 bits (WORKAROUND_2 may add its ENABLED bit). */
	EXPECT_GE(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED, wa1);
	EXPECT_EQ(0, wa2 & ~0x1fULL);
	/* What the host offers can be restored; bits beyond the level cannot. */
	EXPECT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, wa1));
	EXPECT_EQ(0, set_reg(self->vcpu, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, wa2));
	EXPECT_EQ(EINVAL, set_reg(self->vcpu, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, wa1 | 0x100));
	EXPECT_EQ(EINVAL, set_reg(self->vcpu, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, wa2 | 0x100));
	/* An unknown firmware register. */
	EXPECT_EQ(ENOENT, get_reg(self->vcpu, KVM_REG_ARM_FW_REG(3), &wa1));
}

/* ---- KVM_ARM_VCPU_INIT's reset state ------------------------------------------------------- */

TEST_F(vcpu, reset_values)
{
	int vcpus[5];
	uint64_t val;

	vcpus[0] = self->vcpu;
	for (int id = 1; id < 5; id++)
		vcpus[id] = NEW_INIT_VCPU(id, 0);

	for (int round = 0; round < 2; round++) {
		for (int id = 0; id < 5; id++) {
			int v = vcpus[id];

			/* SVC mode, A/I/F masked, every other core register zero. */
			for (unsigned int w = 0; w < CORE_WORDS; w++) {
				EXPECT_EQ(0, get_reg(v, CORE_ID(w), &val));
				EXPECT_EQ(w == CPSR_INDEX ? 0x1d3 : 0, val)
					TH_LOG("vCPU %d, core word %u, round %d", id, w, round);
			}
			/* MMU and caches off (Cortex-A15 SCTLR reset value). */
			EXPECT_EQ(0, get_reg(v, SCTLR, &val));
			EXPECT_EQ(0x00c50078, val) TH_LOG("vCPU %d", id);
			/* Four vCPUs per cluster: Aff0 = id % 4, Aff1 = id / 4; bit 31 RES1. */
			EXPECT_EQ(0, get_reg(v, MPIDR, &val));
			EXPECT_EQ(0x80000000u | (id / 4) << 8 | id % 4, val) TH_LOG("vCPU %d", id);
			/* What 5.6 resets to a value of its own: zero. */
			EXPECT_EQ(0, get_reg(v, TTBCR, &val));
			EXPECT_EQ(0, val);
			EXPECT_EQ(0, get_reg(v, CPACR, &val));
			EXPECT_EQ(0, val);
			EXPECT_EQ(0, get_reg(v, VBAR, &val));
			EXPECT_EQ(0, val);
			EXPECT_EQ(0, get_reg(v, CONTEXTIDR, &val));
			EXPECT_EQ(0, val);
			EXPECT_EQ(0, get_reg(v, CNTKCTL, &val));
			EXPECT_EQ(0, val);
			/* The virtual timer is disabled. */
			EXPECT_EQ(0, get_reg(v, KVM_REG_ARM_TIMER_CTL, &val));
			EXPECT_EQ(0, val & 3);
		}
		if (round)
			break;
		/* Dirty everything, then init again: a reset brings it all back. */
		for (int id = 0; id < 5; id++) {
			for (unsigned int w = 0; w < CORE_WORDS; w++) {
				ASSERT_EQ(0, set_reg(vcpus[id], CORE_ID(w),
						     w == CPSR_INDEX ? 0x60000010 : 0x11110000 + w));
			}
			ASSERT_EQ(0, set_reg(vcpus[id], SCTLR, 0x30c5387d));
			ASSERT_EQ(0, set_reg(vcpus[id], MPIDR, 0x80000f0f));
			ASSERT_EQ(0, set_reg(vcpus[id], TTBCR, 0x80000000));
			ASSERT_EQ(0, set_reg(vcpus[id], CPACR, 0x00f00000));
			ASSERT_EQ(0, set_reg(vcpus[id], VBAR, 0xc0008000));
			ASSERT_EQ(0, set_reg(vcpus[id], CONTEXTIDR, 0x42));
			ASSERT_EQ(0, set_reg(vcpus[id], CNTKCTL, 0x3));
			ASSERT_EQ(0, set_reg(vcpus[id], KVM_REG_ARM_TIMER_CTL, 0x3));
			ASSERT_EQ(0, init_vcpu(vcpus[id], self->target, 0));
		}
	}
	for (int id = 1; id < 5; id++)
		close(vcpus[id]);
}

TEST_F(vcpu, midr_is_the_hosts)
{
	long implementer = cpuinfo_field("CPU implementer");
	long cpu_variant = cpuinfo_field("CPU variant");
	long part = cpuinfo_field("CPU part");
	long revision = cpuinfo_field("CPU revision");
	uint64_t midr;

	ASSERT_EQ(0, get_reg(self->vcpu, MIDR, &midr));
	/* The board: an ARM Cortex-A15. */
	EXPECT_EQ(0x41, implementer);
	EXPECT_EQ(0xc0f, part);
	/* The guest sees the host's MIDR, field by field. */
	EXPECT_EQ(implementer, (long)(midr >> 24 & 0xff));
	EXPECT_EQ(cpu_variant, (long)(midr >> 20 & 0xf));
	EXPECT_EQ(0xf, (long)(midr >> 16 & 0xf));	/* architecture: CPUID scheme */
	EXPECT_EQ(part, (long)(midr >> 4 & 0xfff));
	EXPECT_EQ(revision, (long)(midr & 0xf));
}

/* ---- Ids that do not name a register ------------------------------------------------------------ */

TEST_F(vcpu, unknown_ids_are_enoent)
{
	const uint64_t core = KVM_REG_ARM | KVM_REG_ARM_CORE;
	const uint64_t bad[] = {
		CORE_ID(CORE_WORDS),			/* one word past struct kvm_regs */
		CORE_ID(0x7fff),
		core | KVM_REG_SIZE_U64 | 0,		/* core registers are 32-bit */
		core | KVM_REG_SIZE_U64 | 15,
		core | KVM_REG_SIZE_U8 | 0,
		core | KVM_REG_SIZE_U128 | 0,
		ARM_CP15_REG32(0, 15, 0, 0),		/* implementation defined */
		ARM_CP15_REG32(0, 9, 12, 0),		/* PMCR: trapped, not kept */
		ARM_CP15_REG32(4, 15, 0, 0),		/* CBAR: the same */
		ARM_CP15_REG64(5, 2),
		MIDR | 1ULL << 28,			/* a Secure copy: none */
		(MIDR & ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U64,
		VFP_ID(KVM_REG_SIZE_U64, 32),		/* d32 */
		VFP_ID(KVM_REG_SIZE_U32, 0),		/* d0 is 64-bit */
		VFP_ID(KVM_REG_SIZE_U64, KVM_REG_ARM_VFP_FPSCR),	/* FPSCR is 32-bit */
		VFP_ID(KVM_REG_SIZE_U32, 0x1002),	/* reserved control register */
		VFP_ID(KVM_REG_SIZE_U32, 0xffff),
		/* A VFP id with a stray bit outside the index (5.6: "unknown bits") */
		VFP_ID(KVM_REG_SIZE_U64, 0) | 1ULL << 28,
		DEMUX_CCSIDR(10),			/* a sixth cache level: none */
		DEMUX_CCSIDR(0) | 1ULL << 28,		/* stray bit (5.6: "unknown bits") */
		KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | 0x100,
		KVM_REG_ARM | KVM_REG_SIZE_U32 | (0x13 << KVM_REG_ARM_COPROC_SHIFT) | 0xffff,
		KVM_REG_ARM | KVM_REG_SIZE_U64 | (0xfff << KVM_REG_ARM_COPROC_SHIFT) | 0xffff,
	};
	uint64_t val, pc;

	ASSERT_EQ(0, set_reg(self->vcpu, PC_REG, 0x8000));
	for (unsigned int i = 0; i < ARRAY_LEN(bad); i++) {
		EXPECT_EQ(ENOENT, get_reg(self->vcpu, bad[i], &val))
			TH_LOG("GET %#llx", (unsigned long long)bad[i]);
		EXPECT_EQ(ENOENT, set_reg(self->vcpu, bad[i], 0))
			TH_LOG("SET %#llx", (unsigned long long)bad[i]);
	}
	/* None of them touched a real register. */
	EXPECT_EQ(0, get_reg(self->vcpu, PC_REG, &pc));
	EXPECT_EQ(0x8000, pc);
}

TEST_F(vcpu, other_architectures_ids_are_einval)
{
	const uint64_t bad[] = {
		KVM_REG_ARM64 | KVM_REG_SIZE_U64 | 0x0010 << 16,	/* arm64 core x0 */
		KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | 15,
		KVM_REG_X86 | KVM_REG_SIZE_U64,
		KVM_REG_GENERIC | KVM_REG_SIZE_U64,
		0,
		/* 5.6 takes anything in bits 32-51 for another architecture too. */
		PC_REG | 1ULL << 32,
		MIDR | 1ULL << 40,
		VFP_ID(KVM_REG_SIZE_U64, 0) | 1ULL << 51,
	};
	uint64_t val;

	for (unsigned int i = 0; i < ARRAY_LEN(bad); i++) {
		EXPECT_EQ(EINVAL, get_reg(self->vcpu, bad[i], &val))
			TH_LOG("GET %#llx", (unsigned long long)bad[i]);
		EXPECT_EQ(EINVAL, set_reg(self->vcpu, bad[i], 0))
			TH_LOG("SET %#llx", (unsigned long long)bad[i]);
	}
}

TEST_F(vcpu, bad_user_pointers_are_efault)
{
	const uint64_t ids[] = {
		PC_REG, SCTLR, TTBR0_64, VFP_ID(KVM_REG_SIZE_U64, 3), VFP_CTRL(FPSCR),
		VFP_CTRL(FPSID), MIDR, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL,
	};
	const uint64_t bad_addrs[] = { 0, 0xc0000000 };

	for (unsigned int i = 0; i < ARRAY_LEN(ids); i++) {
		for (unsigned int j = 0; j < ARRAY_LEN(bad_addrs); j++) {
			struct kvm_one_reg reg = { .id = ids[i], .addr = bad_addrs[j] };

			EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_GET_ONE_REG, &reg)))
				TH_LOG("GET %#llx", (unsigned long long)ids[i]);
			EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_SET_ONE_REG, &reg)))
				TH_LOG("SET %#llx", (unsigned long long)ids[i]);
		}
	}
	/* The struct kvm_one_reg itself. */
	EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_GET_ONE_REG, NULL)));
	EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_SET_ONE_REG, NULL)));
	EXPECT_EQ(EFAULT, err_of(ioctl(self->vcpu, KVM_SET_ONE_REG, (void *)0xc0000000)));
}

/* ---- Two vCPUs ------------------------------------------------------------------------------- */

TEST_F(vcpu, two_vcpus_registers_are_independent)
{
	int other = NEW_INIT_VCPU(1, 0);
	int v[2] = { self->vcpu, other };

	/* Different values into each vCPU's registers... */
	for (int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < self->n; i++) {
			uint64_t id = self->ids[i];

			if (kind_of(id) == RW || kind_of(id) == TIMER_CTL)
				ASSERT_EQ(0, set_reg(v[k], id, pattern(id, i, 0x40 * (k + 1))));
		}
		ASSERT_EQ(0, set_reg(v[k], CPSR_REG, k ? 0x10 : 0x1d3));
	}
	/* ... each reads back its own. */
	for (int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < self->n; i++) {
			uint64_t id = self->ids[i], val, want;

			if (kind_of(id) != RW && kind_of(id) != TIMER_CTL)
				continue;
			if (listed(self->ids, self->n, TTBR0_32) &&
			    (id == TTBR0_32 || id == TTBR1_32 || id == TTBR0_64 || id == TTBR1_64))
				continue;
			want = pattern(id, i, 0x40 * (k + 1));
			EXPECT_EQ(0, get_reg(v[k], id, &val));
			if (kind_of(id) == TIMER_CTL) {
				want &= ~4ULL;
				val &= ~4ULL;
			}
			EXPECT_EQ(want, val) TH_LOG("vCPU %d, id %#llx", k, (unsigned long long)id);
		}
		{
			uint64_t cpsr;

			EXPECT_EQ(0, get_reg(v[k], CPSR_REG, &cpsr));
			EXPECT_EQ(k ? 0x10 : 0x1d3, cpsr);
		}
	}
	/* A reset of one leaves the other alone. */
	{
		uint64_t pc0, pc1;

		ASSERT_EQ(0, set_reg(v[0], PC_REG, 0x1000));
		ASSERT_EQ(0, set_reg(v[1], PC_REG, 0x2000));
		ASSERT_EQ(0, init_vcpu(v[1], self->target, 0));
		EXPECT_EQ(0, get_reg(v[0], PC_REG, &pc0));
		EXPECT_EQ(0, get_reg(v[1], PC_REG, &pc1));
		EXPECT_EQ(0x1000, pc0);
		EXPECT_EQ(0, pc1);
	}
	close(other);
}

TEST_HARNESS_MAIN
