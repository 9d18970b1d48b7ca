/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvmm — the public interface for launchers that embed kvm32's VMM.
 *
 * A VM is a board like QEMU's 32-bit `virt` machine (RAM at 0x40000000, a
 * GICv2, PL011 UART, PL031 RTC, virtio-mmio slots, PSCI 0.2 by HVC, the
 * architected timer), driven through /dev/kvm. The life of one:
 *
 *	struct vmm_config cfg;
 *	vmm_config_init(&cfg);		// defaults, then fill in what you need
 *	cfg.kernel = "zImage";
 *	vmm_create(&cfg, &vm, err, sizeof(err));
 *	vmm_add_disk(vm, "disk.img", false, err, sizeof(err));	// optional devices ...
 *	vmm_add_mmio_device(vm, &my_dev, err, sizeof(err));	// ... your own too
 *	vmm_run(vm, &result, err, sizeof(err));			// until the guest stops
 *	vmm_destroy(vm);
 *
 * Every function returns 0 or a negative errno and, where it takes one,
 * writes a message into err; the library never prints on its own (guest
 * console output aside, and one line on stderr per virtio device a guest
 * breaks: "vmm: virtio-mmio slot N: ...") and never exits the process.
 * vmm_pause(), vmm_resume() and vmm_stop() may be called from any thread,
 * vmm_stop() also from a signal handler (but not vmm_pause() from a device
 * callback: it would wait for its own vCPU). Documentation/libvmm.md has more.
 */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The version of libvmm, e.g. "0.1". */
const char *vmm_version(void);

struct vmm;

enum vmm_console {
	VMM_CONSOLE_SERIAL,	/* the PL011 (ttyAMA0) carries the console */
	VMM_CONSOLE_VIRTIO,	/* a virtio console (hvc0); the PL011 stays for early output */
	VMM_CONSOLE_NONE,	/* no terminal: guest output discarded */
};

struct vmm_config {
	unsigned int nr_cpus;		/* 1..8; default 1 */
	uint64_t mem_size;		/* bytes of RAM at 0x40000000; default 256 MiB */
	const char *kernel;		/* zImage, ELF or raw image; NULL: vmm_run() refuses */
	const char *initrd;		/* optional */
	const char *dtb;		/* optional: replaces the generated device tree */
	const char *cmdline;		/* optional: the kernel command line */
	enum vmm_console console;	/* default VMM_CONSOLE_SERIAL */
	int console_in;			/* the terminal fds; default 0 and 1; -1: none */
	int console_out;
	bool raw_terminal;		/* put console_in in raw mode while running; default true */
	bool no_reboot;			/* a guest reset ends vmm_run() instead of rebooting */
	const char *kvm_path;		/* default "/dev/kvm" */
};

/* Fills @cfg with the defaults. */
void vmm_config_init(struct vmm_config *cfg);

/* Creates the VM: its memory, vCPUs, interrupt controller and standard devices. */
int vmm_create(const struct vmm_config *cfg, struct vmm **vm, char *err, size_t errlen);

/* Optional devices, before vmm_run(): each takes the next free virtio-mmio slot. */
int vmm_add_disk(struct vmm *vm, const char *path, bool readonly, char *err, size_t errlen);
/* @mac: 6 bytes, or NULL for a fixed locally administered one. */
int vmm_add_net_tap(struct vmm *vm, const char *tap_name, const uint8_t *mac, char *err,
		    size_t errlen);
int vmm_add_rng(struct vmm *vm, char *err, size_t errlen);

/*
 * A device of the launcher's own: a window of guest-physical addresses
 * whose loads and stores call back (on vCPU threads: protect your state).
 * Data is the bytes of the access, little-endian; len is 1, 2, 4 or 8.
 * @spi: the SPI the device may raise with vmm_set_irq(), or -1. Not
 * described in the generated device tree.
 */
struct vmm_mmio_device {
	const char *name;
	uint64_t base;
	uint64_t size;
	int spi;
	void *opaque;
	void (*read)(void *opaque, uint64_t offset, uint8_t *data, uint32_t len);
	void (*write)(void *opaque, uint64_t offset, const uint8_t *data, uint32_t len);
};
int vmm_add_mmio_device(struct vmm *vm, const struct vmm_mmio_device *dev, char *err,
			size_t errlen);

/* Sets the level of SPI @spi (INTID 32 + spi), level-triggered as the guest configures. */
int vmm_set_irq(struct vmm *vm, unsigned int spi, bool level);

/* The host address of guest RAM [gpa, gpa + len), or NULL outside RAM. */
void *vmm_guest_ptr(struct vmm *vm, uint64_t gpa, uint64_t len);

enum vmm_exit {
	VMM_EXIT_POWEROFF,	/* PSCI SYSTEM_OFF */
	VMM_EXIT_RESET,		/* PSCI SYSTEM_RESET with no_reboot */
	VMM_EXIT_STOPPED,	/* vmm_stop(), or the console's quit key */
	VMM_EXIT_ERROR,		/* the guest could not go on (a vCPU failed): see err */
};

/*
 * Loads the images, starts one thread per vCPU and waits until the guest
 * powers off, resets (with no_reboot; otherwise it reboots and runs on) or
 * is stopped. Returns 0 with *@result set, or a negative errno when it
 * could not start.
 */
int vmm_run(struct vmm *vm, enum vmm_exit *result, char *err, size_t errlen);

/*
 * Writes the device tree the guest would boot with (the generated one, or
 * --dtb's as adjusted) to @path, the images placed as for a boot; like
 * QEMU's dumpdtb. Not while the VM runs.
 */
int vmm_dump_dtb(struct vmm *vm, const char *path, char *err, size_t errlen);

/* Holds every vCPU outside the guest / lets them go on. */
void vmm_pause(struct vmm *vm);
void vmm_resume(struct vmm *vm);
/* Ends vmm_run() with VMM_EXIT_STOPPED. Async-signal-safe. */
void vmm_stop(struct vmm *vm);

/* Frees everything; the terminal is restored. */
void vmm_destroy(struct vmm *vm);

#endif /* VMM_H */
