// SPDX-License-Identifier: GPL-2.0
/*
 * The host terminal on the guest's console device: the PL011 (ttyAMA0), or
 * with VMM_CONSOLE_VIRTIO the virtio console (hvc0). Keys from console_in go
 * to that device's input, through the escape filter (Ctrl-A x quits, as in
 * QEMU). Output of either device goes to console_out: with the virtio
 * console the PL011 stays on the board for early output. The terminal is
 * raw while the guest runs (term.c restores it on every exit path, crashes
 * included).
 *
 * Input the device cannot take yet waits here; the input fd is unwatched
 * meanwhile (no busy loop). When the device makes room (the guest read the
 * UART's FIFO, or posted receive buffers) its rx-ready callback signals
 * room_fd; the event loop then hands the rest over and watches the input fd
 * again once it is all in. So all input moves on the event loop's thread,
 * and the device callbacks, which may run on a vCPU thread holding the
 * device's lock, only write an eventfd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vm.h"
#include "devices/pl011.h"
#include "devices/virtio_console.h"
#include "term.h"

#define INPUT_CHUNK	64

struct console {
	struct vmm *vm;
	int in;
	int room_fd;			/* eventfd: the device made room */
	bool raw;
	bool watching;
	bool input_ended;		/* end of file or an error on `in` */
	struct term_escape esc;
	/* Input filtered but not yet taken by the device; the loop thread's only. */
	uint8_t pending[INPUT_CHUNK + 1];
	size_t pending_len, pending_off;
};

/*
 * The guest's output, from a vCPU thread (PL011) or whichever thread
 * notified the virtio console's transmit queue. It depends on the
 * configuration only, never on the console's run-time state, so output
 * that arrives while vmm_run() winds down finds nothing freed.
 */
void vmm_console_output(void *opaque, const uint8_t *buf, size_t len)
{
	struct vmm *vm = opaque;
	ssize_t n;

	if (vm->cfg.console == VMM_CONSOLE_NONE || vm->cfg.console_out < 0)
		return;
	while (len) {
		n = write(vm->cfg.console_out, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		/* A terminal that went away (or will not take more) only loses it. */
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

void vmm_console_tx(void *opaque, uint8_t byte)
{
	vmm_console_output(opaque, &byte, 1);
}

/* Whether the virtio console, rather than the PL011, takes the terminal's input. */
static bool on_virtio(const struct vmm *vm)
{
	return vm->cfg.console == VMM_CONSOLE_VIRTIO && vm->vcon;
}

/* Feeds what waits into the console device. Returns true when nothing is left. */
static bool feed(struct console *con)
{
	const uint8_t *p = con->pending + con->pending_off;
	size_t len = con->pending_len - con->pending_off;

	if (on_virtio(con->vm))
		con->pending_off += virtio_console_receive(con->vm->vcon, p, len);
	else
		con->pending_off += pl011_receive(con->vm->uart, p, len);
	return con->pending_off == con->pending_len;
}

static void input_ready(void *opaque, int fd, uint32_t events);

static void watch_input(struct console *con)
{
	if (!con->watching && !con->input_ended &&
	    !event_loop_add(con->vm->loop, con->in, EPOLLIN, input_ready, con))
		con->watching = true;
}

static void unwatch_input(struct console *con)
{
	if (con->watching)
		event_loop_del(con->vm->loop, con->in);
	con->watching = false;
}

/* The device's rx-ready callback: any thread, maybe under the device's lock. */
static void device_has_room(void *opaque)
{
	struct console *con = opaque;
	uint64_t one = 1;

	/* Cannot fail but for a full counter, which means a wake-up is pending anyway. */
	if (write(con->room_fd, &one, sizeof(one)) < 0) {
		/* nothing to do */
	}
}

/* Loop thread: the device made room; hand over what waits. */
static void room_ready(void *opaque, int fd, uint32_t events)
{
	struct console *con = opaque;
	uint64_t n;

	(void)events;
	if (read(fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: a wake-up already consumed; feeding again is harmless. */
	}
	if (feed(con))
		watch_input(con);
}

static void input_ready(void *opaque, int fd, uint32_t events)
{
	struct console *con = opaque;
	uint8_t buf[INPUT_CHUNK];
	bool quit = false;
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	if (n <= 0) {
		/* End of input (or an error): stop watching, the guest runs on. */
		if (n == 0 || (errno != EINTR && errno != EAGAIN) || (events & EPOLLHUP)) {
			con->input_ended = true;
			unwatch_input(con);
		}
		return;
	}
	con->pending_len = term_escape_filter(&con->esc, buf, n, con->pending, &quit);
	con->pending_off = 0;
	if (quit) {
		vmm_stop(con->vm);
		return;
	}
	/* The device is full: wait for the guest to take some before reading more. */
	if (!feed(con))
		unwatch_input(con);
}

static void set_rx_ready(struct vmm *vm, void (*fn)(void *opaque), void *opaque)
{
	if (on_virtio(vm))
		virtio_console_set_rx_ready(vm->vcon, fn, opaque);
	else
		pl011_set_rx_ready(vm->uart, fn, opaque);
}

int vmm_console_start(struct vmm *vm, char *err, size_t errlen)
{
	struct console *con;
	int ret;

	if (vm->console)
		return 0;
	con = calloc(1, sizeof(*con));
	if (!con)
		return vmm_err(err, errlen, -ENOMEM, "out of memory");
	con->vm = vm;
	con->in = vm->cfg.console == VMM_CONSOLE_NONE ? -1 : vm->cfg.console_in;
	con->room_fd = -1;
	term_escape_init(&con->esc);
	vm->console = con;
	if (con->in < 0)
		return 0;
	con->room_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (con->room_fd < 0) {
		ret = vmm_err(err, errlen, -errno, "console: eventfd: %s", strerror(errno));
		goto fail;
	}
	ret = event_loop_add(vm->loop, con->room_fd, EPOLLIN, room_ready, con);
	if (ret) {
		close(con->room_fd);
		con->room_fd = -1;
		vmm_err(err, errlen, ret, "console: %s", strerror(-ret));
		goto fail;
	}
	set_rx_ready(vm, device_has_room, con);
	if (vm->cfg.raw_terminal && isatty(con->in)) {
		ret = term_raw_enter(con->in);
		if (ret) {
			vmm_err(err, errlen, ret, "cannot put the terminal in raw mode: %s",
				strerror(-ret));
			goto fail;
		}
		con->raw = true;
	}
	watch_input(con);
	return 0;
fail:
	vmm_console_stop(vm);
	return ret;
}

void vmm_console_stop(struct vmm *vm)
{
	struct console *con = vm->console;

	if (!con)
		return;
	/* No more wake-ups, then no more handlers: nothing can reach con after this. */
	if (con->room_fd >= 0) {
		set_rx_ready(vm, NULL, NULL);
		event_loop_del(vm->loop, con->room_fd);
		close(con->room_fd);
	}
	unwatch_input(con);
	if (con->raw)
		term_restore();
	vm->console = NULL;
	free(con);
}
