// SPDX-License-Identifier: GPL-2.0
/*
 * A VM: /dev/kvm, guest RAM, the vGIC, the standard devices of the board
 * and the ones the launcher adds, and the run/pause/stop state (vmm.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "vm.h"
#include "devices/pl011.h"
#include "devices/pl031.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_console.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"
#include "devices/virtio_rng.h"
#include "tap.h"
#include "term.h"

#define DEFAULT_MEM		(256ull << 20)

int vmm_err(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

void vmm_config_init(struct vmm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_cpus = 1;
	cfg->mem_size = DEFAULT_MEM;
	cfg->console = VMM_CONSOLE_SERIAL;
	cfg->console_in = 0;
	cfg->console_out = 1;
	cfg->raw_terminal = true;
	cfg->kvm_path = "/dev/kvm";
}

static char *dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void free_config(struct vmm_config *cfg)
{
	free((char *)cfg->kernel);
	free((char *)cfg->initrd);
	free((char *)cfg->dtb);
	free((char *)cfg->cmdline);
	free((char *)cfg->kvm_path);
}

static int copy_config(struct vmm_config *dst, const struct vmm_config *src)
{
	*dst = *src;
	dst->kernel = dup_opt(src->kernel);
	dst->initrd = dup_opt(src->initrd);
	dst->dtb = dup_opt(src->dtb);
	dst->cmdline = dup_opt(src->cmdline);
	dst->kvm_path = dup_opt(src->kvm_path ? src->kvm_path : "/dev/kvm");
	if ((src->kernel && !dst->kernel) || (src->initrd && !dst->initrd) ||
	    (src->dtb && !dst->dtb) || (src->cmdline && !dst->cmdline) || !dst->kvm_path)
		return -ENOMEM;
	return 0;
}

static int check_config(const struct vmm_config *cfg, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);

	if (cfg->nr_cpus < 1 || cfg->nr_cpus > VMM_MAX_CPUS)
		return vmm_err(err, errlen, -EINVAL, "--cpus %u: between 1 and %u", cfg->nr_cpus,
			       VMM_MAX_CPUS);
	if (cfg->mem_size < VMM_MIN_MEM || cfg->mem_size > BOARD_RAM_MAX - BOARD_RAM_BASE)
		return vmm_err(err, errlen, -EINVAL,
			       "--mem %llu bytes: between 1 MiB and %llu MiB",
			       (unsigned long long)cfg->mem_size,
			       (unsigned long long)((BOARD_RAM_MAX - BOARD_RAM_BASE) >> 20));
	if (cfg->mem_size % page)
		return vmm_err(err, errlen, -EINVAL, "--mem %llu bytes: not a multiple of %ld",
			       (unsigned long long)cfg->mem_size, page);
	if (cfg->console > VMM_CONSOLE_NONE)
		return vmm_err(err, errlen, -EINVAL, "unknown console kind %d", cfg->console);
	return 0;
}

static int setup_memory(struct vmm *vm, char *err, size_t errlen)
{
	struct kvm_userspace_memory_region region = { 0 };
	void *host;

	host = mmap(NULL, vm->cfg.mem_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return vmm_err(err, errlen, -errno, "--mem %llu MiB: cannot map guest RAM: %s",
			       (unsigned long long)(vm->cfg.mem_size >> 20), strerror(errno));
	vm->mem.gpa = BOARD_RAM_BASE;
	vm->mem.size = vm->cfg.mem_size;
	vm->mem.host = host;
	region.slot = 0;
	region.guest_phys_addr = BOARD_RAM_BASE;
	region.memory_size = vm->cfg.mem_size;
	region.userspace_addr = (uintptr_t)host;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return vmm_err(err, errlen, -errno, "guest RAM: KVM_SET_USER_MEMORY_REGION: %s",
			       strerror(errno));
	return 0;
}

static int set_vgic_attr(struct vmm *vm, uint32_t group, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)addr };

	return ioctl(vm->vgic_fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

/* The vGIC where virt has its GIC; initialised once every vCPU exists. */
static int setup_vgic(struct vmm *vm, char *err, size_t errlen)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t dist = BOARD_GICD_BASE, cpu = BOARD_GICC_BASE;
	uint32_t nr_irqs = BOARD_GIC_NR_IRQS;
	int ret;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd))
		return vmm_err(err, errlen, -errno,
			       "no in-kernel GICv2 (KVM_CREATE_DEVICE: %s): the host GIC lacks the virtualization extensions?",
			       strerror(errno));
	vm->vgic_fd = cd.fd;
	ret = set_vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, &dist);
	if (!ret)
		ret = set_vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu);
	if (!ret)
		ret = set_vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (ret)
		return vmm_err(err, errlen, ret, "configuring the vGIC: %s", strerror(-ret));
	return 0;
}

static int init_vgic(struct vmm *vm, char *err, size_t errlen)
{
	int ret = set_vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);

	return ret ? vmm_err(err, errlen, ret, "initialising the vGIC: %s", strerror(-ret)) : 0;
}

static uint32_t rtc_clock(void *opaque)
{
	(void)opaque;
	return (uint32_t)time(NULL);
}

/* PL031 alarms fire only when the model looks at the time: once a second. */
static void rtc_tick(void *opaque, int fd, uint32_t events)
{
	struct vmm *vm = opaque;
	uint64_t n;

	(void)events;
	if (read(fd, &n, sizeof(n)) == sizeof(n))
		pl031_tick(vm->rtc);
}

static int setup_board_devices(struct vmm *vm, char *err, size_t errlen)
{
	struct itimerspec second = { { 1, 0 }, { 1, 0 } };
	int ret;

	ret = vmm_irq_init(vm, &vm->uart_irq, BOARD_UART_SPI, false);
	if (ret)
		return vmm_err(err, errlen, ret, "UART interrupt: %s", strerror(-ret));
	vm->uart = pl011_create(&vm->uart_irq, vmm_console_tx, vm);
	if (!vm->uart)
		return vmm_err(err, errlen, -ENOMEM, "creating the UART");
	ret = pl011_attach(vm->uart, &vm->bus, BOARD_UART_BASE);
	if (ret)
		return vmm_err(err, errlen, ret, "UART: %s", strerror(-ret));

	ret = vmm_irq_init(vm, &vm->rtc_irq, BOARD_RTC_SPI, false);
	if (ret)
		return vmm_err(err, errlen, ret, "RTC interrupt: %s", strerror(-ret));
	vm->rtc = pl031_create(&vm->rtc_irq, rtc_clock, vm);
	if (!vm->rtc)
		return vmm_err(err, errlen, -ENOMEM, "creating the RTC");
	ret = pl031_attach(vm->rtc, &vm->bus, BOARD_RTC_BASE);
	if (ret)
		return vmm_err(err, errlen, ret, "RTC: %s", strerror(-ret));
	vm->rtc_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (vm->rtc_timer_fd < 0 || timerfd_settime(vm->rtc_timer_fd, 0, &second, NULL) ||
	    event_loop_add(vm->loop, vm->rtc_timer_fd, EPOLLIN, rtc_tick, vm))
		return vmm_err(err, errlen, -errno, "RTC timer: %s", strerror(errno));
	return 0;
}

static int add_virtio_console(struct vmm *vm, char *err, size_t errlen);

int vmm_create(const struct vmm_config *cfg, struct vmm **out, char *err, size_t errlen)
{
	struct vmm *vm;
	int ret, api;

	*out = NULL;
	ret = check_config(cfg, err, errlen);
	if (ret)
		return ret;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return vmm_err(err, errlen, -ENOMEM, "out of memory");
	vm->kvm_fd = vm->vm_fd = vm->vgic_fd = vm->stop_fd = vm->rtc_timer_fd = -1;
	for (unsigned int i = 0; i < VMM_MAX_CPUS; i++)
		vm->vcpus[i].fd = -1;
	vm->nr_cpus = cfg->nr_cpus;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	if (copy_config(&vm->cfg, cfg)) {
		ret = vmm_err(err, errlen, -ENOMEM, "out of memory");
		goto fail;
	}

	vm->kvm_fd = open(vm->cfg.kvm_path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		ret = vmm_err(err, errlen, -errno, "%s: %s (is kvm32.ko loaded?)", vm->cfg.kvm_path,
			      strerror(errno));
		goto fail;
	}
	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		ret = vmm_err(err, errlen, -ENOTSUP, "%s: KVM API version %d, need %d",
			      vm->cfg.kvm_path, api, KVM_API_VERSION);
		goto fail;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		ret = vmm_err(err, errlen, -errno, "KVM_CREATE_VM: %s", strerror(errno));
		goto fail;
	}
	vm->stop_fd = eventfd(0, EFD_CLOEXEC);
	vm->loop = event_loop_create();
	if (vm->stop_fd < 0 || !vm->loop) {
		ret = vmm_err(err, errlen, -errno, "event loop: %s", strerror(errno));
		goto fail;
	}
	ret = setup_memory(vm, err, errlen);
	if (!ret)
		ret = setup_vgic(vm, err, errlen);
	if (!ret)
		ret = vmm_vcpus_create(vm, err, errlen);
	if (!ret)
		ret = init_vgic(vm, err, errlen);
	if (!ret)
		ret = setup_board_devices(vm, err, errlen);
	if (!ret && vm->cfg.console == VMM_CONSOLE_VIRTIO)
		ret = add_virtio_console(vm, err, errlen);
	if (ret)
		goto fail;
	*out = vm;
	return 0;
fail:
	vmm_destroy(vm);
	return ret;
}

static void report_virtio_error(void *ctx, const char *msg)
{
	struct vmm_virtio *v = ctx;

	/* Once per device: a guest bug, not the VMM's; the device waits for a reset. */
	fprintf(stderr, "vmm: virtio-mmio slot %u: %s\n", v->slot, msg);
}

static void virtio_notified(void *opaque, int fd, uint32_t events)
{
	struct vmm_virtio *v = opaque;
	uint64_t n;
	unsigned int q;

	(void)events;
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	for (q = 0; q < v->nr_notify; q++)
		if (v->notify_fds[q] == fd)
			virtio_mmio_notify(v->transport, q);
}

/*
 * Queue notifications by ioeventfd: the guest's QueueNotify write signals an
 * eventfd in the kernel instead of exiting to this process; the event loop
 * serves the queue. Without ioeventfds the MMIO path still works.
 */
static void bind_notifications(struct vmm *vm, struct vmm_virtio *v)
{
	uint64_t addr = BOARD_VIRTIO_BASE + v->slot * BOARD_VIRTIO_STRIDE +
			VIRTIO_MMIO_QUEUE_NOTIFY;
	unsigned int q, n = virtio_mmio_num_queues(v->transport);

	for (q = 0; q < n && q < 8; q++) {
		struct kvm_ioeventfd io = {
			.addr = addr, .len = 4, .datamatch = q,
			.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};
		int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

		v->notify_fds[q] = fd;
		io.fd = fd;
		if (fd < 0 || ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) ||
		    event_loop_add(vm->loop, fd, EPOLLIN, virtio_notified, v)) {
			if (fd >= 0)
				close(fd);
			v->notify_fds[q] = -1;
		}
		v->nr_notify = q + 1;
	}
}

static struct vmm_virtio *new_virtio(struct vmm *vm, char *err, size_t errlen, int *ret)
{
	struct vmm_virtio *v;
	unsigned int i;

	if (vm->running) {
		*ret = vmm_err(err, errlen, -EBUSY, "devices are added before vmm_run()");
		return NULL;
	}
	if (vm->nr_virtio >= BOARD_VIRTIO_SLOTS) {
		*ret = vmm_err(err, errlen, -ENOSPC, "all %u virtio-mmio slots are taken",
			       BOARD_VIRTIO_SLOTS);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		*ret = vmm_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < 8; i++)
		v->notify_fds[i] = -1;
	v->backing_fd = -1;
	v->vm = vm;
	v->slot = vm->nr_virtio;
	*ret = vmm_irq_init(vm, &v->irq, BOARD_VIRTIO_SPI0 + v->slot, true);
	if (*ret) {
		vmm_err(err, errlen, *ret, "virtio interrupt: %s", strerror(-*ret));
		free(v);
		return NULL;
	}
	return v;
}

static int commit_virtio(struct vmm *vm, struct vmm_virtio *v)
{
	virtio_mmio_set_report(v->transport, report_virtio_error, v);
	bind_notifications(vm, v);
	vm->virtio[vm->nr_virtio++] = v;
	return 0;
}

static uint64_t slot_base(const struct vmm_virtio *v)
{
	return BOARD_VIRTIO_BASE + v->slot * BOARD_VIRTIO_STRIDE;
}

static void destroy_blk(void *dev)
{
	virtio_blk_destroy(dev);
}

static void destroy_rng(void *dev)
{
	virtio_rng_destroy(dev);
}

int vmm_add_disk(struct vmm *vm, const char *path, bool readonly, char *err, size_t errlen)
{
	struct virtio_blk_params params = { .read_only = readonly, .serial = path };
	struct virtio_blk *blk;
	struct vmm_virtio *v;
	int ret;

	v = new_virtio(vm, err, errlen, &ret);
	if (!v)
		return ret;
	params.fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (params.fd < 0) {
		ret = vmm_err(err, errlen, -errno, "--disk %s: %s", path, strerror(errno));
		goto fail;
	}
	ret = virtio_blk_create(&blk, &params, &vm->bus, slot_base(v), &v->irq, &vm->mem);
	if (ret) {
		close(params.fd);
		vmm_err(err, errlen, ret, "--disk %s: %s", path, strerror(-ret));
		goto fail;
	}
	v->dev = blk;
	v->destroy = destroy_blk;
	v->backing_fd = params.fd;
	v->transport = virtio_blk_transport(blk);
	return commit_virtio(vm, v);
fail:
	vmm_irq_release(&v->irq);
	free(v);
	return ret;
}

int vmm_add_rng(struct vmm *vm, char *err, size_t errlen)
{
	struct virtio_rng *rng;
	struct vmm_virtio *v;
	int ret;

	v = new_virtio(vm, err, errlen, &ret);
	if (!v)
		return ret;
	ret = virtio_rng_create(&rng, &vm->bus, slot_base(v), &v->irq, &vm->mem);
	if (ret) {
		vmm_irq_release(&v->irq);
		free(v);
		return vmm_err(err, errlen, ret, "virtio-rng: %s", strerror(-ret));
	}
	v->dev = rng;
	v->destroy = destroy_rng;
	v->transport = virtio_rng_transport(rng);
	return commit_virtio(vm, v);
}

static void destroy_console(void *dev)
{
	virtio_console_destroy(dev);
}

/*
 * With VMM_CONSOLE_VIRTIO: the virtio console (hvc0) in the first free slot,
 * its output on the terminal; console.c sends it the terminal's input. It
 * is told the terminal's size when console_out is one.
 */
static int add_virtio_console(struct vmm *vm, char *err, size_t errlen)
{
	struct virtio_console_params params = { .output = vmm_console_output, .opaque = vm };
	struct virtio_console *con;
	struct vmm_virtio *v;
	struct winsize ws;
	int ret;

	if (vm->cfg.console_out >= 0 && !ioctl(vm->cfg.console_out, TIOCGWINSZ, &ws)) {
		params.cols = ws.ws_col;
		params.rows = ws.ws_row;
	}
	v = new_virtio(vm, err, errlen, &ret);
	if (!v)
		return ret;
	ret = virtio_console_create(&con, &params, &vm->bus, slot_base(v), &v->irq, &vm->mem);
	if (ret) {
		vmm_irq_release(&v->irq);
		free(v);
		return vmm_err(err, errlen, ret, "--console virtio: %s", strerror(-ret));
	}
	v->dev = con;
	v->destroy = destroy_console;
	v->transport = virtio_console_transport(con);
	vm->vcon = con;
	return commit_virtio(vm, v);
}

/*
 * A virtio-net card and its TAP: the TAP fd is watched while frames can go
 * to the guest; when one waits for receive buffers it is unwatched, and the
 * device's rx_ready (the guest posted some) wakes wake_fd to resume. All
 * watching and unwatching happens on the event loop's thread.
 */
struct vmm_net {
	struct vmm *vm;
	struct virtio_net *dev;
	int tap_fd;			/* owned by the vmm_virtio (backing_fd) */
	int wake_fd;			/* eventfd */
	bool watching;			/* tap_fd is in the event loop */
};

static void net_tap_readable(void *opaque, int fd, uint32_t events);

static void net_watch(struct vmm_net *n, bool on)
{
	if (on && !n->watching)
		n->watching = !event_loop_add(n->vm->loop, n->tap_fd, EPOLLIN, net_tap_readable, n);
	else if (!on && n->watching) {
		event_loop_del(n->vm->loop, n->tap_fd);
		n->watching = false;
	}
}

static void net_tap_readable(void *opaque, int fd, uint32_t events)
{
	struct vmm_net *n = opaque;

	(void)fd;
	(void)events;
	if (virtio_net_backend_readable(n->dev) != VIRTIO_NET_RX_MORE)
		net_watch(n, false);
}

/* The device's rx_ready: any thread, under the device's lock; only a wake-up. */
static void net_rx_ready(void *opaque)
{
	struct vmm_net *n = opaque;
	uint64_t one = 1;

	if (write(n->wake_fd, &one, sizeof(one)) < 0) {
		/* A full counter: a wake-up is pending anyway. */
	}
}

static void net_wake(void *opaque, int fd, uint32_t events)
{
	struct vmm_net *n = opaque;
	uint64_t count;

	(void)events;
	if (read(fd, &count, sizeof(count)) < 0) {
		/* EAGAIN: already consumed; looking again is harmless. */
	}
	if (virtio_net_backend_readable(n->dev) == VIRTIO_NET_RX_MORE)
		net_watch(n, true);
}

static void destroy_net(void *dev)
{
	struct vmm_net *n = dev;

	/* The event loop is gone by now (vmm_destroy): no handler can run. */
	virtio_net_destroy(n->dev);
	if (n->wake_fd >= 0)
		close(n->wake_fd);
	free(n);
}

int vmm_add_net_tap(struct vmm *vm, const char *tap_name, const uint8_t *mac, char *err,
		    size_t errlen)
{
	/* QEMU's default: locally administered (bit 1 of the first byte), unicast. */
	static const uint8_t default_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct virtio_net_params params = { .rx_ready = net_rx_ready };
	struct vmm_virtio *v;
	struct vmm_net *n;
	char msg[256];
	int ret, fd;

	if (!tap_name || !*tap_name)
		return vmm_err(err, errlen, -EINVAL, "--net: no TAP interface name (tap=NAME)");
	if (mac && (mac[0] & 1))
		return vmm_err(err, errlen, -EINVAL,
			       "--net tap=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x: a multicast address, not a card's",
			       tap_name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	v = new_virtio(vm, err, errlen, &ret);
	if (!v)
		return ret;
	n = calloc(1, sizeof(*n));
	if (!n) {
		ret = vmm_err(err, errlen, -ENOMEM, "out of memory");
		goto fail;
	}
	n->vm = vm;
	n->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->wake_fd < 0) {
		ret = vmm_err(err, errlen, -errno, "--net tap=%s: eventfd: %s", tap_name,
			      strerror(errno));
		goto fail;
	}
	fd = tap_open(tap_name, msg, sizeof(msg));
	if (fd < 0) {
		ret = vmm_err(err, errlen, fd, "--net tap=%s: %s", tap_name, msg);
		goto fail;
	}
	n->tap_fd = fd;
	params.fd = fd;
	params.opaque = n;
	memcpy(params.mac, mac ? mac : default_mac, sizeof(params.mac));
	ret = virtio_net_create(&n->dev, &params, &vm->bus, slot_base(v), &v->irq, &vm->mem);
	if (ret) {
		close(fd);
		vmm_err(err, errlen, ret, "--net tap=%s: %s", tap_name, strerror(-ret));
		goto fail;
	}
	v->dev = n;
	v->destroy = destroy_net;
	v->backing_fd = fd;
	v->transport = virtio_net_transport(n->dev);
	/*
	 * The device is on the bus now, which has no way to take it off: from
	 * here on it stays in the VM (vmm_destroy frees it) even if this fails.
	 */
	commit_virtio(vm, v);
	ret = event_loop_add(vm->loop, n->wake_fd, EPOLLIN, net_wake, n);
	if (ret)
		return vmm_err(err, errlen, ret, "--net tap=%s: event loop: %s", tap_name,
			       strerror(-ret));
	net_watch(n, true);
	if (!n->watching)
		return vmm_err(err, errlen, -ENOMEM, "--net tap=%s: cannot watch the TAP", tap_name);
	return 0;
fail:
	if (n && n->wake_fd >= 0)
		close(n->wake_fd);
	free(n);
	vmm_irq_release(&v->irq);
	free(v);
	return ret;
}

static void custom_read(void *opaque, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct vmm_custom *c = opaque;

	if (c->dev.read)
		c->dev.read(c->dev.opaque, offset, data, len);
}

static void custom_write(void *opaque, uint64_t offset, const uint8_t *data, uint32_t len)
{
	struct vmm_custom *c = opaque;

	if (c->dev.write)
		c->dev.write(c->dev.opaque, offset, data, len);
}

static const struct mmio_ops custom_ops = {
	.read = custom_read,
	.write = custom_write,
};

int vmm_add_mmio_device(struct vmm *vm, const struct vmm_mmio_device *dev, char *err,
			size_t errlen)
{
	struct vmm_custom *c;
	int ret;

	if (vm->running)
		return vmm_err(err, errlen, -EBUSY, "devices are added before vmm_run()");
	if (vm->nr_custom >= VMM_MAX_CUSTOM)
		return vmm_err(err, errlen, -ENOSPC, "at most %u custom devices", VMM_MAX_CUSTOM);
	if (!dev->size || dev->base + dev->size < dev->base)
		return vmm_err(err, errlen, -EINVAL, "device %s: empty or wrapping window",
			       dev->name ? dev->name : "?");
	if (dev->base < vm->mem.gpa + vm->mem.size && vm->mem.gpa < dev->base + dev->size)
		return vmm_err(err, errlen, -EINVAL, "device %s: window overlaps guest RAM",
			       dev->name ? dev->name : "?");
	if (dev->spi < -1 || dev->spi >= BOARD_GIC_NR_IRQS - 32)
		return vmm_err(err, errlen, -EINVAL, "device %s: SPI %d is not -1 or 0..%d",
			       dev->name ? dev->name : "?", dev->spi, BOARD_GIC_NR_IRQS - 33);
	/* The kernel serves the GIC's frames: a device there would never be called. */
	if (dev->base < BOARD_GICC_BASE + BOARD_GICC_SIZE &&
	    BOARD_GICD_BASE < dev->base + dev->size)
		return vmm_err(err, errlen, -EEXIST, "device %s: window overlaps the GIC",
			       dev->name ? dev->name : "?");
	c = &vm->custom[vm->nr_custom];
	c->dev = *dev;
	ret = mmio_bus_add(&vm->bus, dev->base, dev->size, &custom_ops, c,
			   dev->name ? dev->name : "custom");
	if (ret)
		return vmm_err(err, errlen, ret, "device %s at %#llx: %s",
			       dev->name ? dev->name : "?", (unsigned long long)dev->base,
			       ret == -EEXIST ? "overlaps another device" : strerror(-ret));
	vm->nr_custom++;
	return 0;
}

int vmm_set_irq(struct vmm *vm, unsigned int spi, bool level)
{
	if (spi >= BOARD_GIC_NR_IRQS - 32)
		return -EINVAL;
	return vmm_irq_spi_level(vm, spi, level);
}

void *vmm_guest_ptr(struct vmm *vm, uint64_t gpa, uint64_t len)
{
	return guest_mem_ptr(&vm->mem, gpa, len);
}

void vmm_request_stop(struct vmm *vm, enum vmm_exit reason, const char *msg)
{
	uint64_t one = 1;
	int none = -1;

	/* First reason wins; async-signal-safe (no locks, no allocation). */
	if (__atomic_compare_exchange_n(&vm->stop_reason, &none, (int)reason, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) && msg) {
		strncpy(vm->stop_msg, msg, sizeof(vm->stop_msg) - 1);
	}
	vm->stopping = 1;
	if (write(vm->stop_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow from a few writes; nothing to do. */
	}
}

void vmm_stop(struct vmm *vm)
{
	vmm_request_stop(vm, VMM_EXIT_STOPPED, NULL);
}

void vmm_pause(struct vmm *vm)
{
	pthread_mutex_lock(&vm->lock);
	vm->paused = true;
	pthread_mutex_unlock(&vm->lock);
	if (!vm->running)
		return;
	vmm_vcpus_kick(vm);
	pthread_mutex_lock(&vm->lock);
	while (vm->running && vm->nr_parked < vm->nr_cpus && !vm->stopping)
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
}

void vmm_resume(struct vmm *vm)
{
	pthread_mutex_lock(&vm->lock);
	vm->paused = false;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

static void wait_for_stop(struct vmm *vm)
{
	uint64_t n;

	while (read(vm->stop_fd, &n, sizeof(n)) < 0 && errno == EINTR)
		;
}

int vmm_run(struct vmm *vm, enum vmm_exit *result, char *err, size_t errlen)
{
	int ret;

	if (vm->running)
		return vmm_err(err, errlen, -EBUSY, "the VM is already running");
	if (!vm->cfg.kernel)
		return vmm_err(err, errlen, -EINVAL, "no kernel given");
	ret = vmm_console_start(vm, err, errlen);
	if (ret)
		return ret;
	ret = event_loop_start(vm->loop);
	if (ret) {
		vmm_console_stop(vm);
		return vmm_err(err, errlen, ret, "event loop: %s", strerror(-ret));
	}
	for (;;) {
		ret = vmm_boot_load(vm, err, errlen);
		if (ret)
			break;
		vm->stop_reason = -1;
		vm->stopping = 0;
		vm->running = true;
		ret = vmm_vcpus_start(vm, err, errlen);
		if (!ret)
			wait_for_stop(vm);
		vmm_vcpus_kick(vm);
		vmm_vcpus_join(vm);
		vm->running = false;
		if (ret)
			break;
		if (vm->stop_reason != VMM_EXIT_RESET || vm->cfg.no_reboot)
			break;
		/* SYSTEM_RESET: the board restarts, as it would on hardware. */
		ret = vmm_vcpus_reset(vm, err, errlen);
		if (ret)
			break;
	}
	vmm_console_stop(vm);
	if (ret)
		return ret;
	*result = vm->stop_reason;
	if (vm->stop_reason == VMM_EXIT_ERROR)
		vmm_err(err, errlen, 0, "%s", vm->stop_msg);
	return 0;
}

void vmm_destroy(struct vmm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	/* The loop first: no handler may run while its device goes. */
	event_loop_destroy(vm->loop);
	vmm_vcpus_destroy(vm);
	for (i = 0; i < vm->nr_virtio; i++) {
		struct vmm_virtio *v = vm->virtio[i];
		unsigned int q;

		for (q = 0; q < v->nr_notify; q++)
			if (v->notify_fds[q] >= 0)
				close(v->notify_fds[q]);
		v->destroy(v->dev);
		if (v->backing_fd >= 0)
			close(v->backing_fd);
		vmm_irq_release(&v->irq);
		free(v);
	}
	if (vm->uart)
		pl011_destroy(vm->uart);
	if (vm->rtc)
		pl031_destroy(vm->rtc);
	vmm_irq_release(&vm->uart_irq);
	vmm_irq_release(&vm->rtc_irq);
	if (vm->rtc_timer_fd >= 0)
		close(vm->rtc_timer_fd);
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	if (vm->vgic_fd >= 0)
		close(vm->vgic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->stop_fd >= 0)
		close(vm->stop_fd);
	free_config(&vm->cfg);
	pthread_mutex_destroy(&vm->lock);
	pthread_cond_destroy(&vm->cond);
	free(vm);
}
