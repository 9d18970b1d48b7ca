// SPDX-License-Identifier: GPL-2.0
/*
 * Raw mode for the host terminal, undone on every way out of the process,
 * and the Ctrl-A escape keys.
 *
 * The saved settings are process-wide because the paths that restore them
 * (exit handlers, signal handlers) have no argument to carry them. A signal
 * handler reads them only once `raw_active` says they are complete, and then
 * calls only async-signal-safe functions (tcsetattr, sigaction, raise: POSIX
 * 2017, System Interfaces 2.4.3).
 *
 * term_raw_enter() and term_restore() are meant for one thread (the VMM's
 * main thread); the signal handlers may run on any.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

struct claimed_signal {
	int sig;
	bool fault;		/* raised by the faulting instruction, which runs again */
	bool only_if_default;	/* leave it alone when the process handles it itself */
	bool claimed;
	struct sigaction previous;
};

static struct claimed_signal signals[] = {
	{ .sig = SIGSEGV, .fault = true },
	{ .sig = SIGBUS, .fault = true },
	{ .sig = SIGILL, .fault = true },
	{ .sig = SIGFPE, .fault = true },
	{ .sig = SIGABRT },
	{ .sig = SIGTERM, .only_if_default = true },
	{ .sig = SIGINT, .only_if_default = true },
	{ .sig = SIGHUP, .only_if_default = true },
	{ .sig = SIGQUIT, .only_if_default = true },
};

#define NR_SIGNALS (sizeof(signals) / sizeof(signals[0]))

static struct termios saved_termios;
static int raw_fd = -1;
static volatile sig_atomic_t raw_active;
static bool atexit_registered;

/* Async-signal-safe: tcsetattr() only. */
static void put_back_termios(void)
{
	if (!raw_active)
		return;
	while (tcsetattr(raw_fd, TCSANOW, &saved_termios) < 0 && errno == EINTR)
		;
	raw_active = 0;
}

static void on_fatal_signal(int sig, siginfo_t *info, void *ucontext)
{
	int saved_errno = errno;
	bool refaults = false;
	unsigned int i;

	(void)ucontext;
	put_back_termios();

	/* The previous action takes over: SIG_DFL, or a handler installed before ours. */
	for (i = 0; i < NR_SIGNALS; i++) {
		if (signals[i].sig != sig || !signals[i].claimed)
			continue;
		sigaction(sig, &signals[i].previous, NULL);
		/* si_code > 0: the kernel's, from the instruction itself (SEGV_MAPERR, ...). */
		refaults = signals[i].fault && info && info->si_code > 0;
	}
	/*
	 * A fault happens again when the handler returns, now with the
	 * previous action and its original siginfo. Anything sent (kill,
	 * abort) is sent again: blocked while we run, it is delivered with the
	 * previous action as soon as the handler returns.
	 */
	if (!refaults)
		raise(sig);
	errno = saved_errno;
}

static void claim_signals(void)
{
	struct sigaction ours = { .sa_sigaction = on_fatal_signal, .sa_flags = SA_SIGINFO };
	unsigned int i;

	sigfillset(&ours.sa_mask);
	for (i = 0; i < NR_SIGNALS; i++) {
		struct claimed_signal *s = &signals[i];

		if (s->claimed || sigaction(s->sig, NULL, &s->previous) < 0)
			continue;
		if (s->only_if_default && s->previous.sa_handler != SIG_DFL)
			continue;
		/* claimed before the handler can run, so it finds `previous`. */
		s->claimed = true;
		atomic_signal_fence(memory_order_seq_cst);
		if (sigaction(s->sig, &ours, NULL) < 0)
			s->claimed = false;
	}
}

static void release_signals(void)
{
	struct sigaction current;
	unsigned int i;

	for (i = 0; i < NR_SIGNALS; i++) {
		struct claimed_signal *s = &signals[i];

		if (!s->claimed)
			continue;
		/* Someone who installed a handler after us keeps it. */
		if (sigaction(s->sig, NULL, &current) == 0 &&
		    (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_fatal_signal)
			sigaction(s->sig, &s->previous, NULL);
		s->claimed = false;
	}
}

void term_restore(void)
{
	put_back_termios();
	release_signals();
}

static void restore_at_exit(void)
{
	term_restore();
}

static void make_raw(struct termios *t)
{
	/* Input: bytes as typed; no CR/NL mapping, no stripping, no Ctrl-S/Ctrl-Q. */
	t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	/* No echo, no line editing, no signal keys, no Ctrl-V. */
	t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag &= ~(CSIZE | PARENB);
	t->c_cflag |= CS8;
	/* read() returns as soon as one byte is there. */
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	/* c_oflag untouched: see term.h. */
}

int term_raw_enter(int fd)
{
	struct termios original, raw;

	if (!isatty(fd))
		return errno == EBADF ? -EBADF : 0;
	if (raw_active)
		return fd == raw_fd ? 0 : -EBUSY;
	if (tcgetattr(fd, &original) < 0)
		return -errno;
	if (!atexit_registered) {
		if (atexit(restore_at_exit))
			return -ENOMEM;
		atexit_registered = true;
	}

	/*
	 * Saved and marked active before the terminal changes: a signal in
	 * between restores what is still there, which is harmless; the other
	 * order could leave a raw terminal behind.
	 */
	saved_termios = original;
	raw_fd = fd;
	atomic_signal_fence(memory_order_seq_cst);
	raw_active = 1;
	claim_signals();

	raw = original;
	make_raw(&raw);
	if (tcsetattr(fd, TCSANOW, &raw) < 0) {
		int err = errno;

		raw_active = 0;
		release_signals();
		return -err;
	}
	return 0;
}

size_t term_escape_filter(struct term_escape *esc, const uint8_t *in, size_t len,
			  uint8_t *out, bool *quit)
{
	size_t i, n = 0;

	*quit = false;
	for (i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (!esc->after_prefix) {
			if (c == TERM_ESCAPE_PREFIX)
				esc->after_prefix = true;
			else
				out[n++] = c;
			continue;
		}

		esc->after_prefix = false;
		if (c == TERM_ESCAPE_QUIT) {
			*quit = true;
			break;
		}
		/* Ctrl-A Ctrl-A is one Ctrl-A; any other key goes with the prefix in front. */
		if (c != TERM_ESCAPE_PREFIX)
			out[n++] = TERM_ESCAPE_PREFIX;
		out[n++] = c;
	}
	return n;
}
