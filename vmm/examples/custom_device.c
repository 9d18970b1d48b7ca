// SPDX-License-Identifier: GPL-2.0
/*
 * custom_device — how to embed libvmm and give a guest a device of your own.
 *
 *   custom_device PAYLOAD
 *
 * Builds a small VM (one CPU, 16 MiB, the guest's serial console on our
 * stdout), adds the "mailbox" of mailbox.h at 0x0b000000, runs PAYLOAD
 * (payloads/mailbox.elf: it writes values, reads the answers, rings the
 * doorbell and takes the interrupt) until it powers off, then says what the
 * guest did. Exit status: 0 when the guest powered off after a correct
 * exchange, 1 otherwise, 2 for a usage error.
 *
 * It uses nothing but the public header vmm.h and libvmm.a (plus libfdt,
 * which libvmm needs): copy it to start a launcher of your own.
 * Documentation/libvmm.md walks through it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm.h"
#include "mailbox.h"

#define GUEST_RAM		(16u << 20)
#define WATCHDOG_SECONDS	30	/* a payload that never powers off is stopped */
#define MAX_EXCHANGES		16

/*
 * The device's state. Its callbacks run on vCPU threads (one per vCPU), so
 * everything they touch is under the lock; main() reads it only after
 * vmm_run() has returned, when no vCPU thread is left.
 */
struct mailbox {
	pthread_mutex_t lock;
	struct vmm *vm;			/* for vmm_set_irq() */
	uint32_t value;			/* VALUE as last written */
	unsigned int nr_exchanges;	/* ANSWER reads */
	uint32_t sent[MAX_EXCHANGES], answered[MAX_EXCHANGES];
	unsigned int doorbells, acks, irq_errors;
	uint32_t result;		/* RESULT as written by the guest, 0 if never */
};

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* A load from the window: @data gets @len little-endian bytes. */
static void mailbox_read(void *opaque, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct mailbox *mb = opaque;
	uint32_t v = 0;

	memset(data, 0, len);		/* what we do not answer reads as zero */
	if (len != 4)
		return;			/* 32-bit registers only */
	pthread_mutex_lock(&mb->lock);
	switch (offset) {
	case MAILBOX_ID:
		v = MAILBOX_MAGIC;
		break;
	case MAILBOX_VALUE:
		v = mb->value;
		break;
	case MAILBOX_ANSWER:
		v = mailbox_answer(mb->value);
		if (mb->nr_exchanges < MAX_EXCHANGES) {
			mb->sent[mb->nr_exchanges] = mb->value;
			mb->answered[mb->nr_exchanges] = v;
		}
		mb->nr_exchanges++;
		break;
	}
	pthread_mutex_unlock(&mb->lock);
	put_le32(data, v);
}

/* A store to the window. The guest is untrusted: any offset, any value. */
static void mailbox_write(void *opaque, uint64_t offset, const uint8_t *data, uint32_t len)
{
	struct mailbox *mb = opaque;
	uint32_t v;

	if (len != 4)
		return;
	v = get_le32(data);
	pthread_mutex_lock(&mb->lock);
	switch (offset) {
	case MAILBOX_VALUE:
		mb->value = v;
		break;
	case MAILBOX_DOORBELL:
		/* Level high until IRQ_ACK; the vGIC delivers it as the guest configured. */
		mb->doorbells++;
		if (vmm_set_irq(mb->vm, MAILBOX_SPI, true))
			mb->irq_errors++;
		break;
	case MAILBOX_IRQ_ACK:
		mb->acks++;
		if (vmm_set_irq(mb->vm, MAILBOX_SPI, false))
			mb->irq_errors++;
		break;
	case MAILBOX_RESULT:
		mb->result = v;
		break;
	}
	pthread_mutex_unlock(&mb->lock);
}

static struct vmm *volatile running_vm;

/* vmm_stop() is async-signal-safe: Ctrl-C, SIGTERM and the watchdog end vmm_run(). */
static void on_signal(int sig)
{
	(void)sig;
	if (running_vm)
		vmm_stop(running_vm);
}

static const char *exit_name(enum vmm_exit result)
{
	switch (result) {
	case VMM_EXIT_POWEROFF:
		return "the guest powered off";
	case VMM_EXIT_RESET:
		return "the guest reset itself";
	case VMM_EXIT_STOPPED:
		return "stopped from outside (signal or watchdog)";
	default:
		return "the guest could not go on";
	}
}

/* Prints what the guest did; true when it was the exchange we expect. */
static bool report(const struct mailbox *mb, enum vmm_exit result, const char *err)
{
	unsigned int i, checked = mb->result & ~MAILBOX_RESULT_MASK;
	bool ok = true;

	for (i = 0; i < mb->nr_exchanges && i < MAX_EXCHANGES; i++) {
		printf("custom_device: exchange %u: guest wrote %u, device answered %u\n", i + 1,
		       mb->sent[i], mb->answered[i]);
	}
	printf("custom_device: doorbell rung %u time(s), interrupt acknowledged %u time(s)\n",
	       mb->doorbells, mb->acks);
	printf("custom_device: guest verdict %#x, result: %s%s%s\n", mb->result,
	       exit_name(result), *err ? ": " : "", err);

	if (result != VMM_EXIT_POWEROFF)
		ok = false;
	/* The guest checked every answer it was given, and said so. */
	if (mb->nr_exchanges == 0 || (mb->result & MAILBOX_RESULT_MASK) != MAILBOX_RESULT_OK ||
	    checked != mb->nr_exchanges)
		ok = false;
	/* It took the interrupt and acknowledged it: one ACK per doorbell. */
	if (mb->doorbells == 0 || mb->acks != mb->doorbells || mb->irq_errors)
		ok = false;
	printf("custom_device: %s\n", ok ? "exchange ok" : "exchange FAILED");
	return ok;
}

int main(int argc, char **argv)
{
	struct mailbox mb = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct vmm_mmio_device dev = {
		.name = "mailbox",
		.base = MAILBOX_BASE,
		.size = MAILBOX_SIZE,
		.spi = MAILBOX_SPI,
		.opaque = &mb,
		.read = mailbox_read,
		.write = mailbox_write,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct vmm_config cfg;
	enum vmm_exit result = VMM_EXIT_ERROR;
	char err[512] = "";
	struct vmm *vm;
	bool ok;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PAYLOAD   (e.g. payloads/mailbox.elf)\n", argv[0]);
		return 2;
	}

	/* 1. Describe the VM: defaults, then what differs. */
	vmm_config_init(&cfg);
	cfg.kernel = argv[1];		/* an ELF, zImage or raw image */
	cfg.mem_size = GUEST_RAM;
	cfg.console_in = -1;		/* no input: leave our stdin and terminal alone */
	cfg.console_out = STDOUT_FILENO;	/* the guest's UART output */

	/* 2. Create it; every failure comes back as -errno with a message in err. */
	if (vmm_create(&cfg, &vm, err, sizeof(err))) {
		fprintf(stderr, "custom_device: %s\n", err);
		return 1;
	}

	/* 3. Add devices before vmm_run(); ours is plain MMIO, not in the device tree. */
	mb.vm = vm;
	if (vmm_add_mmio_device(vm, &dev, err, sizeof(err))) {
		fprintf(stderr, "custom_device: %s\n", err);
		vmm_destroy(vm);
		return 1;
	}

	/* 4. Run until the guest powers off (or a signal or the watchdog stops it). */
	running_vm = vm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm(WATCHDOG_SECONDS);
	if (vmm_run(vm, &result, err, sizeof(err))) {
		fprintf(stderr, "custom_device: %s\n", err);
		running_vm = NULL;
		vmm_destroy(vm);
		return 1;
	}
	alarm(0);
	running_vm = NULL;

	/* 5. The vCPU threads are gone: the device's state is ours to read. */
	vmm_destroy(vm);
	ok = report(&mb, result, result == VMM_EXIT_ERROR ? err : "");
	return ok ? 0 : 1;
}
