/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host terminal as the guest's console: raw mode while the guest runs,
 * the user's settings back on every way out of the process, and the escape
 * keys that talk to the VMM rather than the guest.
 */
#ifndef VMM_TERM_H
#define VMM_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Puts the terminal on fd into raw mode: no echo, no line editing, no
 * signal keys (Ctrl-C, Ctrl-Z, Ctrl-\ go to the guest), no flow control
 * keys, 8-bit clean input, and CR not mapped to NL (a serial line sends CR
 * for Enter). Output processing is left as the user had it: the guest sends
 * CRLF itself, which renders the same either way, and the VMM's own
 * messages keep starting at column 0.
 *
 * The original settings are restored by term_restore(), at exit(), and on
 * a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT; and SIGTERM,
 * SIGINT, SIGHUP, SIGQUIT unless the process already handles them), after
 * which the signal takes its previous course, so a crash still crashes.
 *
 * One terminal at a time: 0 on success, and also (doing nothing) when fd is
 * not a terminal or is already raw; -EBADF when fd is not open; -EBUSY when
 * another fd is raw; -errno when the terminal refuses.
 */
int term_raw_enter(int fd);

/* Puts the terminal back as term_raw_enter() found it. Idempotent; no-op if not raw. */
void term_restore(void);

/*
 * The escape keys, as QEMU's -nographic console has them: Ctrl-A is the
 * prefix, and what follows it decides:
 *   Ctrl-A x        the user asks the VMM to quit (nothing reaches the guest);
 *   Ctrl-A Ctrl-A   one Ctrl-A reaches the guest;
 *   Ctrl-A <other>  both bytes reach the guest, unchanged.
 * A Ctrl-A at the end of one read is held until the next byte arrives.
 */
#define TERM_ESCAPE_PREFIX	0x01	/* Ctrl-A */
#define TERM_ESCAPE_QUIT	'x'

struct term_escape {
	bool after_prefix;	/* the last byte seen was an unanswered Ctrl-A */
};

static inline void term_escape_init(struct term_escape *esc)
{
	esc->after_prefix = false;
}

/*
 * Filters len input bytes into out, which must hold len + 1 bytes (a held
 * Ctrl-A followed by another key gives two bytes for one). Returns how many
 * bytes to send to the guest. *quit tells whether Ctrl-A x was among them;
 * if so the bytes before it are in out and those after it are dropped: the
 * VMM is going away.
 */
size_t term_escape_filter(struct term_escape *esc, const uint8_t *in, size_t len,
			  uint8_t *out, bool *quit);

#endif /* VMM_TERM_H */
