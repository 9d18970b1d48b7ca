// SPDX-License-Identifier: GPL-2.0
/*
 * The host terminal on the guest's UART: bytes the guest transmits go to
 * console_out; keys from console_in go to the UART's receive FIFO, through
 * the escape filter (Ctrl-A x quits, as in QEMU). The terminal is raw while
 * the guest runs (term.c restores it on every exit path, crashes included).
 *
 * Input the FIFO cannot take yet waits here; the input fd is unwatched
 * meanwhile (no busy loop), and the UART's rx-ready callback hands the rest
 * over and watches the fd again once it is all in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vm.h"
#include "devices/pl011.h"
#include "term.h"

#define INPUT_CHUNK	64

struct console {
	struct vmm *vm;
	int in, out;
	bool raw;
	bool watching;
	struct term_escape esc;
	pthread_mutex_t lock;		/* pending[] */
	uint8_t pending[INPUT_CHUNK + 1];
	size_t pending_len, pending_off;
};

void vmm_console_tx(void *opaque, uint8_t byte)
{
	struct vmm *vm = opaque;
	struct console *con = vm->console;

	/* The guest's output; a terminal that went away only loses it. */
	if (con && con->out >= 0 && write(con->out, &byte, 1) < 0) {
		/* nothing to do */
	}
}

/* Feeds what waits into the FIFO. Returns true when nothing is left. */
static bool feed(struct console *con)
{
	size_t n;

	pthread_mutex_lock(&con->lock);
	n = pl011_receive(con->vm->uart, con->pending + con->pending_off,
			  con->pending_len - con->pending_off);
	con->pending_off += n;
	n = con->pending_len - con->pending_off;
	pthread_mutex_unlock(&con->lock);
	return n == 0;
}

static void input_ready(void *opaque, int fd, uint32_t events);

static void watch_input(struct console *con)
{
	if (!con->watching &&
	    !event_loop_add(con->vm->loop, con->in, EPOLLIN, input_ready, con))
		con->watching = true;
}

/* The UART made room (a vCPU thread, no UART lock held). */
static void rx_ready(void *opaque)
{
	struct console *con = opaque;

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
			event_loop_del(con->vm->loop, fd);
			con->watching = false;
		}
		return;
	}
	pthread_mutex_lock(&con->lock);
	con->pending_len = term_escape_filter(&con->esc, buf, n, con->pending, &quit);
	con->pending_off = 0;
	pthread_mutex_unlock(&con->lock);
	if (quit) {
		vmm_stop(con->vm);
		return;
	}
	if (!feed(con)) {
		/* Full FIFO: wait for the guest to read before taking more. */
		event_loop_del(con->vm->loop, fd);
		con->watching = false;
	}
}

int vmm_console_start(struct vmm *vm, char *err, size_t errlen)
{
	struct console *con;

	if (vm->console)
		return 0;
	con = calloc(1, sizeof(*con));
	if (!con)
		return vmm_err(err, errlen, -ENOMEM, "out of memory");
	con->vm = vm;
	con->in = vm->cfg.console == VMM_CONSOLE_NONE ? -1 : vm->cfg.console_in;
	con->out = vm->cfg.console == VMM_CONSOLE_NONE ? -1 : vm->cfg.console_out;
	pthread_mutex_init(&con->lock, NULL);
	term_escape_init(&con->esc);
	vm->console = con;
	pl011_set_rx_ready(vm->uart, rx_ready, con);
	if (con->in < 0)
		return 0;
	if (vm->cfg.raw_terminal && isatty(con->in)) {
		if (term_raw_enter(con->in))
			return vmm_err(err, errlen, -errno, "cannot put the terminal in raw mode: %s",
				       strerror(errno));
		con->raw = true;
	}
	watch_input(con);
	return 0;
}

void vmm_console_stop(struct vmm *vm)
{
	struct console *con = vm->console;

	if (!con)
		return;
	if (con->watching)
		event_loop_del(vm->loop, con->in);
	if (con->raw)
		term_restore();
	pl011_set_rx_ready(vm->uart, NULL, NULL);
	vm->console = NULL;
	pthread_mutex_destroy(&con->lock);
	free(con);
}
