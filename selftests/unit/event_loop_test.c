// SPDX-License-Identifier: GPL-2.0
// UNIT_SOURCES: vmm/lib/event_loop.c
/*
 * The event loop with eventfds and pipes: callbacks run for ready fds with
 * the epoll mask, event_loop_del() stops them (from another thread while one
 * runs, and from the callback itself), destroy waits for a running callback.
 *
 * Every wait is bounded (WAIT_MS): a loop that never calls back fails the
 * test instead of hanging it. "Did not run" is checked with a barrier: a
 * second fd made ready after the first, whose callback has then run.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "event_loop.h"
#include "kselftest_harness.h"

#define WAIT_MS 5000

/* What one watched fd saw; callbacks and the test thread meet under `lock`. */
struct probe {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int calls;
	int fd_seen;
	uint32_t events_seen;
	bool consume;		/* read the eventfd so a level-triggered fd goes quiet */

	/* For the tests that hold a callback in progress. */
	bool block;
	bool entered, released, finished;

	/* For the callbacks that call back into the loop. */
	struct event_loop *loop;
	int del_result;
	bool destroy_self;
};

static void probe_init(struct probe *p)
{
	pthread_condattr_t attr;

	memset(p, 0, sizeof(*p));
	p->consume = true;
	p->del_result = 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->changed, &attr);
	pthread_condattr_destroy(&attr);
}

static void probe_fini(struct probe *p)
{
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
}

static struct timespec deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += WAIT_MS / 1000;
	return ts;
}

/* Waits (bounded) until *flag is true; false on timeout. Call with p->lock held. */
static bool wait_flag_locked(struct probe *p, const bool *flag)
{
	struct timespec until = deadline();

	while (!*flag)
		if (pthread_cond_timedwait(&p->changed, &p->lock, &until) == ETIMEDOUT)
			return *flag;
	return true;
}

/* Waits (bounded) for at least n calls; returns the count seen. */
static int wait_calls(struct probe *p, int n)
{
	struct timespec until = deadline();
	int calls;

	pthread_mutex_lock(&p->lock);
	while (p->calls < n)
		if (pthread_cond_timedwait(&p->changed, &p->lock, &until) == ETIMEDOUT)
			break;
	calls = p->calls;
	pthread_mutex_unlock(&p->lock);
	return calls;
}

static int calls_now(struct probe *p)
{
	int calls;

	pthread_mutex_lock(&p->lock);
	calls = p->calls;
	pthread_mutex_unlock(&p->lock);
	return calls;
}

static void on_ready(void *opaque, int fd, uint32_t events)
{
	struct probe *p = opaque;
	uint64_t count;

	if (p->consume && (events & EPOLLIN))
		(void)!read(fd, &count, sizeof(count));
	if (p->loop)
		p->del_result = event_loop_del(p->loop, fd);
	if (p->destroy_self)
		event_loop_destroy(p->loop);

	pthread_mutex_lock(&p->lock);
	p->calls++;
	p->fd_seen = fd;
	p->events_seen = events;
	if (p->block) {
		p->entered = true;
		pthread_cond_broadcast(&p->changed);
		wait_flag_locked(p, &p->released);
	}
	p->finished = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

static void kick(int efd)
{
	uint64_t one = 1;

	(void)!write(efd, &one, sizeof(one));
}

FIXTURE(loop) {
	struct event_loop *loop;
	struct probe a, barrier;
	int efd_a, efd_barrier;
};

FIXTURE_SETUP(loop)
{
	probe_init(&self->a);
	probe_init(&self->barrier);
	self->efd_a = eventfd(0, EFD_NONBLOCK);
	self->efd_barrier = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, self->efd_a);
	ASSERT_LE(0, self->efd_barrier);
	self->loop = event_loop_create();
	ASSERT_NE(NULL, self->loop);
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_barrier, EPOLLIN, on_ready,
				    &self->barrier));
}

FIXTURE_TEARDOWN(loop)
{
	event_loop_destroy(self->loop);
	close(self->efd_a);
	close(self->efd_barrier);
	probe_fini(&self->a);
	probe_fini(&self->barrier);
}

/* Returns once every fd made ready before this call has been dispatched. */
static bool barrier(struct probe *b, int efd)
{
	int before = calls_now(b);

	kick(efd);
	return wait_calls(b, before + 1) == before + 1;
}

TEST_F(loop, a_ready_fd_calls_back_with_its_fd_and_mask)
{
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	ASSERT_EQ(0, event_loop_start(self->loop));

	kick(self->efd_a);
	ASSERT_EQ(1, wait_calls(&self->a, 1));
	EXPECT_EQ(self->efd_a, self->a.fd_seen);
	EXPECT_TRUE(self->a.events_seen & EPOLLIN);

	/* Level-triggered: a second event after the first was consumed calls again. */
	kick(self->efd_a);
	EXPECT_EQ(2, wait_calls(&self->a, 2));
}

TEST_F(loop, an_fd_ready_before_start_is_seen_after_it)
{
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	kick(self->efd_a);
	ASSERT_EQ(0, event_loop_start(self->loop));
	EXPECT_EQ(1, wait_calls(&self->a, 1));
}

TEST_F(loop, a_pipe_whose_writer_closes_reports_hangup)
{
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	self->a.consume = false;
	self->a.loop = self->loop;	/* the callback deletes itself: HUP stays raised */
	ASSERT_EQ(0, event_loop_add(self->loop, fds[0], EPOLLIN, on_ready, &self->a));
	ASSERT_EQ(0, event_loop_start(self->loop));

	close(fds[1]);
	ASSERT_EQ(1, wait_calls(&self->a, 1));
	EXPECT_TRUE(self->a.events_seen & EPOLLHUP);
	EXPECT_EQ(fds[0], self->a.fd_seen);
	close(fds[0]);
}

TEST_F(loop, del_stops_the_callbacks)
{
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	ASSERT_EQ(0, event_loop_start(self->loop));
	kick(self->efd_a);
	ASSERT_EQ(1, wait_calls(&self->a, 1));

	ASSERT_EQ(0, event_loop_del(self->loop, self->efd_a));
	kick(self->efd_a);
	ASSERT_TRUE(barrier(&self->barrier, self->efd_barrier));
	EXPECT_EQ(1, calls_now(&self->a));

	/* The fd can be watched again afterwards. */
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	EXPECT_EQ(2, wait_calls(&self->a, 2));
}

TEST_F(loop, add_and_del_refuse_what_they_cannot_do)
{
	int closed_fd = eventfd(0, 0);

	ASSERT_LE(0, closed_fd);
	close(closed_fd);
	EXPECT_EQ(-EEXIST, event_loop_add(self->loop, self->efd_barrier, EPOLLIN, on_ready,
					  &self->a));
	EXPECT_EQ(-EBADF, event_loop_add(self->loop, closed_fd, EPOLLIN, on_ready, &self->a));
	EXPECT_EQ(-EINVAL, event_loop_add(self->loop, -1, EPOLLIN, on_ready, &self->a));
	EXPECT_EQ(-EINVAL, event_loop_add(self->loop, self->efd_a, EPOLLIN, NULL, &self->a));
	EXPECT_EQ(-ENOENT, event_loop_del(self->loop, self->efd_a));
	ASSERT_EQ(0, event_loop_start(self->loop));
	EXPECT_EQ(-EBUSY, event_loop_start(self->loop));
}

struct del_call {
	struct event_loop *loop;
	int fd;
	struct probe *p;
	int result;
	bool callback_finished_at_return;
};

static void *call_del(void *arg)
{
	struct del_call *c = arg;

	c->result = event_loop_del(c->loop, c->fd);
	pthread_mutex_lock(&c->p->lock);
	c->callback_finished_at_return = c->p->finished;
	pthread_mutex_unlock(&c->p->lock);
	return NULL;
}

static void *call_destroy(void *arg)
{
	struct del_call *c = arg;

	event_loop_destroy(c->loop);
	pthread_mutex_lock(&c->p->lock);
	c->callback_finished_at_return = c->p->finished;
	pthread_mutex_unlock(&c->p->lock);
	return NULL;
}

/* Holds a's callback in progress, runs `fn` on another thread, then lets the callback go. */
static bool race_with_running_callback(struct probe *p, void *(*fn)(void *),
				       struct del_call *c)
{
	const struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	pthread_t thread;
	bool entered;

	pthread_mutex_lock(&p->lock);
	entered = wait_flag_locked(p, &p->entered);
	pthread_mutex_unlock(&p->lock);
	if (!entered || pthread_create(&thread, NULL, fn, c))
		return false;
	/* Long enough for the other thread to reach the lock it must wait on. */
	nanosleep(&pause, NULL);

	pthread_mutex_lock(&p->lock);
	p->released = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(thread, NULL);
	return true;
}

TEST_F(loop, del_waits_for_a_running_callback)
{
	struct del_call c = { .loop = self->loop, .fd = self->efd_a, .p = &self->a, .result = 1 };

	self->a.block = true;
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	ASSERT_EQ(0, event_loop_start(self->loop));
	kick(self->efd_a);

	ASSERT_TRUE(race_with_running_callback(&self->a, call_del, &c));
	EXPECT_EQ(0, c.result);
	EXPECT_TRUE(c.callback_finished_at_return);

	kick(self->efd_a);
	ASSERT_TRUE(barrier(&self->barrier, self->efd_barrier));
	EXPECT_EQ(1, calls_now(&self->a));
}

TEST_F(loop, a_callback_may_delete_its_own_watch)
{
	/* Left unread, a still-watched eventfd would fire again and again. */
	self->a.consume = false;
	self->a.loop = self->loop;
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	ASSERT_EQ(0, event_loop_start(self->loop));
	kick(self->efd_a);

	ASSERT_EQ(1, wait_calls(&self->a, 1));
	EXPECT_EQ(0, self->a.del_result);
	ASSERT_TRUE(barrier(&self->barrier, self->efd_barrier));
	ASSERT_TRUE(barrier(&self->barrier, self->efd_barrier));
	EXPECT_EQ(1, calls_now(&self->a));
}

TEST_F(loop, destroy_waits_for_a_running_callback)
{
	struct del_call c = { .loop = self->loop, .p = &self->a };

	self->a.block = true;
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	ASSERT_EQ(0, event_loop_start(self->loop));
	kick(self->efd_a);

	ASSERT_TRUE(race_with_running_callback(&self->a, call_destroy, &c));
	self->loop = NULL;	/* destroyed: the teardown's destroy(NULL) does nothing */
	EXPECT_TRUE(c.callback_finished_at_return);
	EXPECT_EQ(1, calls_now(&self->a));
}

/* Threads of this process: the test's own and the loop's, if it still runs. */
static int thread_count(void)
{
	struct dirent *e;
	int n = 0;
	DIR *dir;

	dir = opendir("/proc/self/task");
	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

TEST_F(loop, a_callback_may_destroy_the_loop)
{
	const struct timespec tick = { .tv_nsec = 1000 * 1000 };
	int waited_ms;

	ASSERT_EQ(1, thread_count());
	self->a.loop = self->loop;
	self->a.destroy_self = true;
	ASSERT_EQ(0, event_loop_add(self->loop, self->efd_a, EPOLLIN, on_ready, &self->a));
	ASSERT_EQ(0, event_loop_start(self->loop));
	ASSERT_EQ(2, thread_count());
	kick(self->efd_a);

	ASSERT_EQ(1, wait_calls(&self->a, 1));
	self->loop = NULL;
	EXPECT_EQ(0, self->a.del_result);
	/* The loop thread, which cannot join itself, exits on its own. */
	for (waited_ms = 0; thread_count() != 1 && waited_ms < WAIT_MS; waited_ms++)
		nanosleep(&tick, NULL);
	EXPECT_EQ(1, thread_count());
}

TEST(destroy_of_a_loop_never_started_frees_it)
{
	struct event_loop *loop = event_loop_create();
	int efd = eventfd(0, 0);

	ASSERT_NE(NULL, loop);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, event_loop_add(loop, efd, EPOLLIN, on_ready, NULL));
	event_loop_destroy(loop);
	close(efd);
}

TEST_HARNESS_MAIN
