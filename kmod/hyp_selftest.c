// SPDX-License-Identifier: GPL-2.0
/*
 * A self-test of Hyp mode's address space and of its recovery from faults,
 * run on demand through debugfs (kvm32/hyp_selftest). Each check makes Hyp
 * read or write one word with HYP_CALL_READ/WRITE:
 *
 *   cpu_data   Hyp reads and writes its CPU's data page, and the kernel sees
 *              the write (same memory, coherent attributes);
 *   isolation  kernel data that is not mapped for Hyp faults in Hyp
 *              (a data abort taken in Hyp mode, at that address);
 *   text_ro    Hyp code cannot be written, even by Hyp (permission fault);
 *   recovery   after those faults Hyp still answers a ping.
 *
 * The faults are expected: Hyp's panic path returns HYP_ERR_PANIC to the
 * host with the syndrome recorded in the CPU's Hyp data.
 */
#include <linux/cpu.h>
#include <linux/smp.h>

#include "hyp_call.h"
#include "hyp_mmu.h"
#include "hyp_selftest.h"
#include "hyp_setup.h"

#define HSR_EC(hsr)		((hsr) >> 26)
#define HSR_EC_DABT_HYP		0x25	/* data abort taken without a mode change */
#define HSR_DFSC(hsr)		((hsr) & 0x3f)
#define DFSC_TYPE(dfsc)		((dfsc) & 0x3c)
#define DFSC_TRANSLATION	0x04	/* translation fault, any level */
#define DFSC_PERMISSION		0x0c	/* permission fault, any level */

/* Kernel data: never mapped for Hyp. */
static u32 kernel_only_word = 0x600dda7a;

struct selftest {
	const char *failure[4];
};

/* Did the last call fault in Hyp with a data abort of @type at @addr? */
static const char *check_fault(struct kvm32_hyp_cpu *data, u32 ret, const void *addr,
			       u32 type)
{
	if (ret != HYP_ERR_PANIC)
		return "Hyp did not fault";
	if (HSR_EC(data->panic_hsr) != HSR_EC_DABT_HYP)
		return "the fault was not a data abort in Hyp";
	if (data->panic_hdfar != (unsigned long)addr)
		return "the fault was at another address";
	if (DFSC_TYPE(HSR_DFSC(data->panic_hsr)) != type)
		return "the fault was of another kind";
	return NULL;
}

static void selftest_this_cpu(void *arg)
{
	struct selftest *t = arg;
	struct kvm32_hyp_cpu *data = kvm32_hyp_cpu_data(smp_processor_id());
	u32 *text = (u32 *)kvm32_hyp_text_start;
	u32 ret;

	ret = kvm32_hyp_call(HYP_CALL_READ, (unsigned long)&data->idmap_reset, 0, 0);
	if (ret != data->idmap_reset)
		t->failure[0] = "Hyp read something else";
	ret = kvm32_hyp_call(HYP_CALL_WRITE, (unsigned long)&data->panic_vector, 0x5a5a, 0);
	if (ret || READ_ONCE(data->panic_vector) != 0x5a5a)
		t->failure[0] = "the kernel does not see Hyp's write";

	ret = kvm32_hyp_call(HYP_CALL_READ, (unsigned long)&kernel_only_word, 0, 0);
	t->failure[1] = check_fault(data, ret, &kernel_only_word, DFSC_TRANSLATION);

	/* Writing back the word already there: harmless if protection failed. */
	ret = kvm32_hyp_call(HYP_CALL_WRITE, (unsigned long)text, *text, 0);
	t->failure[2] = check_fault(data, ret, text, DFSC_PERMISSION);

	ret = kvm32_hyp_call(HYP_CALL_PING, 7, 0, 0);
	if (ret != HYP_PING_REPLY(7))
		t->failure[3] = "Hyp does not answer after the faults";
}

void kvm32_hyp_selftest(struct seq_file *m)
{
	static const char *const names[] = { "cpu_data", "isolation", "text_ro", "recovery" };
	unsigned int cpu, i;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct selftest t = {};
		int ret = smp_call_function_single(cpu, selftest_this_cpu, &t, 1);

		for (i = 0; i < ARRAY_SIZE(names); i++) {
			const char *why = ret ? "cannot run there" : t.failure[i];

			if (why)
				seq_printf(m, "cpu%u %s FAIL: %s\n", cpu, names[i], why);
			else
				seq_printf(m, "cpu%u %s ok\n", cpu, names[i]);
		}
	}
	cpus_read_unlock();
}
