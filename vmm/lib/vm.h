/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of a struct vmm (vmm.h), shared by the files that make up the
 * VM core: vm.c (creation, memory, vGIC, devices), vcpu.c (vCPU threads and
 * their exits), boot.c (images, device tree, first registers), console.c
 * (terminal <-> UART or virtio console) and irq_kvm.c (interrupt lines into
 * the vGIC).
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "vmm.h"
#include "board.h"
#include "event_loop.h"
#include "guest_mem.h"
#include "irq.h"
#include "mmio_bus.h"

#define VMM_MAX_CPUS		8
#define VMM_MAX_CUSTOM		8
#define VMM_MIN_MEM		(1ull << 20)	/* 1 MiB */

struct pl011;
struct pl031;
struct virtio_mmio;
struct virtio_console;
struct console;

struct vmm_vcpu {
	struct vmm *vm;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool thread_started;
};

/* A virtio device: its slot, interrupt and notification eventfds. */
struct vmm_virtio {
	unsigned int slot;
	struct irq_line irq;
	struct virtio_mmio *transport;
	void *dev;
	void (*destroy)(void *dev);
	int backing_fd;			/* a disk image, or -1 */
	int notify_fds[8];		/* ioeventfd per queue, -1 if none */
	unsigned int nr_notify;
	struct vmm *vm;
};

struct vmm_custom {
	struct vmm_mmio_device dev;
	struct irq_line irq;
};

struct vmm {
	struct vmm_config cfg;		/* strings copied (owned) */
	int kvm_fd, vm_fd, vgic_fd;
	struct guest_mem mem;
	struct mmio_bus bus;
	struct event_loop *loop;

	unsigned int nr_cpus;
	struct vmm_vcpu vcpus[VMM_MAX_CPUS];

	struct pl011 *uart;
	struct irq_line uart_irq;
	struct pl031 *rtc;
	struct irq_line rtc_irq;
	int rtc_timer_fd;
	struct console *console;
	struct virtio_console *vcon;	/* with VMM_CONSOLE_VIRTIO: hvc0, also in virtio[] */

	struct vmm_virtio *virtio[BOARD_VIRTIO_SLOTS];
	unsigned int nr_virtio;
	struct vmm_custom custom[VMM_MAX_CUSTOM];
	unsigned int nr_custom;

	/* Run state: lock and cond for pause; stop_fd wakes vmm_run(). */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool paused;
	unsigned int nr_parked;		/* vCPU threads waiting while paused */
	volatile sig_atomic_t stopping;
	int stop_reason;		/* enum vmm_exit, first one wins */
	char stop_msg[256];
	int stop_fd;			/* eventfd */
	bool running;
};

/* vm.c */
int vmm_err(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* irq_kvm.c: SPI @spi's level through KVM_IRQ_LINE (0 or -errno); an SPI line for a
 * device model, through KVM_IRQ_LINE, or with @edge pulsed through an irqfd. */
int vmm_irq_spi_level(struct vmm *vm, unsigned int spi, bool level);
int vmm_irq_init(struct vmm *vm, struct irq_line *line, unsigned int spi, bool edge);
void vmm_irq_release(struct irq_line *line);

/* vcpu.c */
int vmm_vcpus_create(struct vmm *vm, char *err, size_t errlen);
int vmm_vcpus_reset(struct vmm *vm, char *err, size_t errlen);
int vmm_vcpus_start(struct vmm *vm, char *err, size_t errlen);
/* Makes every vCPU thread leave KVM_RUN and look at the run state. */
void vmm_vcpus_kick(struct vmm *vm);
void vmm_vcpus_join(struct vmm *vm);
void vmm_vcpus_destroy(struct vmm *vm);
/* Ends vmm_run() with @reason (the first reason given wins). */
void vmm_request_stop(struct vmm *vm, enum vmm_exit reason, const char *msg);

/* boot.c: images into memory, the device tree, vCPU 0's registers. */
int vmm_boot_load(struct vmm *vm, char *err, size_t errlen);

/* console.c: the terminal on the UART or the virtio console (or nothing). */
int vmm_console_start(struct vmm *vm, char *err, size_t errlen);
void vmm_console_stop(struct vmm *vm);
/* The guest's output (opaque: the struct vmm), the PL011's byte by byte. */
void vmm_console_output(void *opaque, const uint8_t *buf, size_t len);
void vmm_console_tx(void *opaque, uint8_t byte);

#endif /* VMM_VM_H */
