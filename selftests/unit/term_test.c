// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/term.c
/*
 * The host terminal: the Ctrl-A escape keys, and raw mode on a
 * pseudo-terminal — what the guest then receives, and that the user's exact
 * settings come back on term_restore(), at exit, and when the process dies
 * of a signal (checked in forked children, which share the pty).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"
#include "kselftest_harness.h"

#define CTRL_A 0x01

/* Runs the filter over a string; returns the bytes for the guest as a string. */
static size_t filter(struct term_escape *esc, const char *in, char *out, bool *quit)
{
	size_t n = term_escape_filter(esc, (const uint8_t *)in, strlen(in), (uint8_t *)out, quit);

	out[n] = '\0';
	return n;
}

TEST(plain_bytes_pass_unchanged)
{
	struct term_escape esc;
	char out[16];
	bool quit = true;

	term_escape_init(&esc);
	EXPECT_EQ(6, filter(&esc, "ls -l\r", out, &quit));
	EXPECT_STREQ("ls -l\r", out);
	EXPECT_FALSE(quit);
}

TEST(ctrl_a_x_quits_and_drops_what_follows)
{
	struct term_escape esc;
	char out[16];
	bool quit = false;

	term_escape_init(&esc);
	EXPECT_EQ(2, filter(&esc, "ab\x01xcd", out, &quit));
	EXPECT_STREQ("ab", out);
	EXPECT_TRUE(quit);
}

TEST(ctrl_a_twice_sends_one_ctrl_a)
{
	struct term_escape esc;
	char out[16];
	bool quit = true;

	term_escape_init(&esc);
	EXPECT_EQ(3, filter(&esc, "a\x01\x01z", out, &quit));
	EXPECT_STREQ("a\x01z", out);
	EXPECT_FALSE(quit);

	/* The second Ctrl-A was consumed as data: the third starts a new escape. */
	EXPECT_EQ(1, filter(&esc, "\x01\x01\x01x", out, &quit));
	EXPECT_STREQ("\x01", out);
	EXPECT_TRUE(quit);
}

TEST(ctrl_a_then_another_key_sends_both)
{
	struct term_escape esc;
	char out[16];
	bool quit = true;

	term_escape_init(&esc);
	/* 'X' is not 'x': QEMU's quit key is lower case only. */
	EXPECT_EQ(6, filter(&esc, "\x01" "c\x01X\x01h", out, &quit));
	EXPECT_STREQ("\x01" "c\x01X\x01h", out);
	EXPECT_FALSE(quit);
}

TEST(a_ctrl_a_at_the_end_of_a_read_waits_for_the_next)
{
	struct term_escape esc;
	char out[16];
	bool quit = true;

	term_escape_init(&esc);
	EXPECT_EQ(2, filter(&esc, "ab\x01", out, &quit));
	EXPECT_STREQ("ab", out);
	EXPECT_FALSE(quit);
	/* One byte in, two out: the held prefix goes with it. */
	EXPECT_EQ(2, filter(&esc, "q", out, &quit));
	EXPECT_STREQ("\x01q", out);

	EXPECT_EQ(0, filter(&esc, "\x01", out, &quit));
	EXPECT_FALSE(quit);
	EXPECT_EQ(0, filter(&esc, "x", out, &quit));
	EXPECT_TRUE(quit);

	/* An empty read changes nothing, and says nothing about quitting. */
	term_escape_init(&esc);
	EXPECT_EQ(0, term_escape_filter(&esc, NULL, 0, (uint8_t *)out, &quit));
	EXPECT_FALSE(quit);
	EXPECT_FALSE(esc.after_prefix);
}

/* --- raw mode on a pseudo-terminal ---------------------------------------------------- */

FIXTURE(pty) {
	int master, slave;
	struct termios original;
};

static int open_pty(int *master, int *slave)
{
	const char *name;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return -1;
	name = ptsname(*master);
	if (!name)
		return -1;
	*slave = open(name, O_RDWR | O_NOCTTY);
	return *slave < 0 ? -1 : 0;
}

FIXTURE_SETUP(pty)
{
	struct termios t;

	ASSERT_EQ(0, open_pty(&self->master, &self->slave));
	/*
	 * Make the starting point unlike raw in every field term_raw_enter()
	 * changes (a pty starts out cooked anyway), plus a few it must keep.
	 */
	ASSERT_EQ(0, tcgetattr(self->slave, &t));
	t.c_iflag |= ICRNL | IXON | BRKINT;
	t.c_oflag |= OPOST | ONLCR;
	t.c_lflag |= ECHO | ICANON | ISIG | IEXTEN;
	t.c_cc[VMIN] = 4;
	t.c_cc[VTIME] = 7;
	t.c_cc[VINTR] = 0x03;
	ASSERT_EQ(0, tcsetattr(self->slave, TCSANOW, &t));
	ASSERT_EQ(0, tcgetattr(self->slave, &self->original));
}

FIXTURE_TEARDOWN(pty)
{
	term_restore();
	close(self->slave);
	close(self->master);
}

/* Every field, one by one: struct termios has padding that tcgetattr() leaves alone. */
static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       a->c_line == b->c_line && !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) &&
	       cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b);
}

static bool is_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return false;
	return !(t.c_lflag & (ECHO | ICANON | ISIG | IEXTEN)) &&
	       !(t.c_iflag & (ICRNL | IXON | ISTRIP | INLCR | IGNCR)) &&
	       (t.c_cflag & CSIZE) == CS8 && t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0;
}

static bool restored(int fd, const struct termios *original)
{
	struct termios now;

	return tcgetattr(fd, &now) == 0 && same_termios(&now, original);
}

TEST_F(pty, raw_mode_turns_off_echo_line_editing_and_signal_keys)
{
	struct termios raw;

	ASSERT_FALSE(is_raw(self->slave));
	ASSERT_EQ(0, term_raw_enter(self->slave));
	EXPECT_TRUE(is_raw(self->slave));
	ASSERT_EQ(0, tcgetattr(self->slave, &raw));
	/* Output processing stays as the user had it. */
	EXPECT_EQ(self->original.c_oflag, raw.c_oflag);
	/* Control characters other than MIN/TIME are left alone for the restore to match. */
	EXPECT_EQ(self->original.c_cc[VINTR], raw.c_cc[VINTR]);
}

TEST_F(pty, raw_input_reaches_the_reader_byte_for_byte_without_echo)
{
	static const char typed[] = "a\x03\r\x11\x13\x1a";	/* a, Ctrl-C, CR, Ctrl-Q, Ctrl-S, Ctrl-Z */
	char got[16];
	ssize_t n;

	ASSERT_EQ(0, term_raw_enter(self->slave));
	ASSERT_EQ(sizeof(typed) - 1, write(self->master, typed, sizeof(typed) - 1));

	n = read(self->slave, got, sizeof(got));
	/* VMIN 1 returns what is there; a pty hands over the whole write at once. */
	ASSERT_EQ(sizeof(typed) - 1, n);
	EXPECT_EQ(0, memcmp(typed, got, n));

	/* Nothing was echoed back to the "keyboard" side. */
	ASSERT_EQ(0, fcntl(self->master, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->master, got, sizeof(got)));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(pty, restore_gives_back_the_exact_original)
{
	ASSERT_EQ(0, term_raw_enter(self->slave));
	ASSERT_FALSE(restored(self->slave, &self->original));
	term_restore();
	EXPECT_TRUE(restored(self->slave, &self->original));

	/* Idempotent; and raw mode can be entered again. */
	term_restore();
	EXPECT_TRUE(restored(self->slave, &self->original));
	ASSERT_EQ(0, term_raw_enter(self->slave));
	EXPECT_TRUE(is_raw(self->slave));
	term_restore();
	EXPECT_TRUE(restored(self->slave, &self->original));
}

TEST_F(pty, one_terminal_at_a_time)
{
	int master2, slave2;
	struct termios before;

	ASSERT_EQ(0, open_pty(&master2, &slave2));
	ASSERT_EQ(0, tcgetattr(slave2, &before));
	ASSERT_EQ(0, term_raw_enter(self->slave));
	EXPECT_EQ(0, term_raw_enter(self->slave));
	EXPECT_EQ(-EBUSY, term_raw_enter(slave2));
	EXPECT_TRUE(restored(slave2, &before));

	/* A second enter did not overwrite the saved settings with raw ones. */
	term_restore();
	EXPECT_TRUE(restored(self->slave, &self->original));
	close(slave2);
	close(master2);
}

TEST(non_terminals_are_left_alone)
{
	struct sigaction sa;
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	EXPECT_EQ(0, term_raw_enter(fds[0]));
	close(fds[0]);
	close(fds[1]);
	EXPECT_EQ(-EBADF, term_raw_enter(fds[0]));
	/* Nothing was claimed: SIGTERM keeps its default action. */
	ASSERT_EQ(0, sigaction(SIGTERM, NULL, &sa));
	EXPECT_TRUE(sa.sa_handler == SIG_DFL);
	term_restore();
}

TEST_F(pty, signal_handlers_are_handed_back_on_restore)
{
	struct sigaction sa;

	ASSERT_EQ(0, signal(SIGSEGV, SIG_DFL) == SIG_ERR ? -1 : 0);
	ASSERT_EQ(0, term_raw_enter(self->slave));
	ASSERT_EQ(0, sigaction(SIGSEGV, NULL, &sa));
	EXPECT_TRUE(sa.sa_handler != SIG_DFL);
	term_restore();
	ASSERT_EQ(0, sigaction(SIGSEGV, NULL, &sa));
	EXPECT_TRUE(sa.sa_handler == SIG_DFL);
}

/* --- every way out of the process ----------------------------------------------------- */

enum way_out { RAISE_SEGV, REAL_SEGV, ABORT, KILL_TERM, EXIT, CHAINED_SEGV };

static void exit_42(int sig)
{
	(void)sig;
	_exit(42);
}

/*
 * In a child: enter raw mode on the pty, check it, then leave the way
 * asked. The sanitizers' own SIGSEGV handler is reset so the default action
 * is what follows ours; CHAINED_SEGV installs its own instead.
 */
static void child(int fd, enum way_out how)
{
	const struct rlimit no_core = { 0, 0 };
	volatile int *no_access;

	setrlimit(RLIMIT_CORE, &no_core);
	signal(SIGSEGV, how == CHAINED_SEGV ? exit_42 : SIG_DFL);
	signal(SIGABRT, SIG_DFL);
	if (term_raw_enter(fd) || !is_raw(fd))
		_exit(2);

	switch (how) {
	case RAISE_SEGV:
	case CHAINED_SEGV:
		raise(SIGSEGV);
		break;
	case REAL_SEGV:
		no_access = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (no_access != MAP_FAILED)
			*no_access = 1;
		break;
	case ABORT:
		abort();
	case KILL_TERM:
		kill(getpid(), SIGTERM);
		break;
	case EXIT:
		exit(0);
	}
	_exit(3);	/* still alive: the signal was swallowed */
}

static int run_child(int fd, enum way_out how)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		child(fd, how);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

TEST_F(pty, a_raised_sigsegv_restores_and_still_kills)
{
	int status = run_child(self->slave, RAISE_SEGV);

	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(SIGSEGV, WTERMSIG(status));
	EXPECT_TRUE(restored(self->slave, &self->original));
}

TEST_F(pty, a_real_fault_restores_and_still_kills)
{
	int status = run_child(self->slave, REAL_SEGV);

	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(SIGSEGV, WTERMSIG(status));
	EXPECT_TRUE(restored(self->slave, &self->original));
}

TEST_F(pty, abort_restores_and_still_aborts)
{
	int status = run_child(self->slave, ABORT);

	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	EXPECT_TRUE(restored(self->slave, &self->original));
}

TEST_F(pty, sigterm_restores_and_still_terminates)
{
	int status = run_child(self->slave, KILL_TERM);

	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(SIGTERM, WTERMSIG(status));
	EXPECT_TRUE(restored(self->slave, &self->original));
}

TEST_F(pty, exit_restores)
{
	int status = run_child(self->slave, EXIT);

	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(restored(self->slave, &self->original));
}

TEST_F(pty, a_handler_installed_before_still_runs)
{
	int status = run_child(self->slave, CHAINED_SEGV);

	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(42, WEXITSTATUS(status));
	EXPECT_TRUE(restored(self->slave, &self->original));
}

TEST_HARNESS_MAIN
