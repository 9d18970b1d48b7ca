// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: one thread in epoll_wait(), an eventfd to wake it for
 * shutdown, and a list of watches.
 *
 * Concurrency. One lock, `dispatch_lock`, guards the watch list and is held
 * while a callback runs. event_loop_del() takes it too, so once it returns the
 * callback is not running; and each epoll event carries the watch's unique id
 * rather than a pointer, so an event that epoll_wait() returned before the
 * watch was removed finds nothing when it is dispatched, and a later watch on
 * the same fd number is never confused with the old one.
 *
 * The lock is recursive so that a callback, running on the loop thread with
 * the lock held, may call event_loop_add() or event_loop_del() itself, on its
 * own fd or another, without deadlocking: the dispatcher reads a watch's
 * callback and argument before the call and never touches the watch after it.
 * From other threads, add/del wait for a running callback to finish, so they
 * must not be called while holding a lock that a callback takes.
 *
 * event_loop_destroy() called by a callback cannot join its own thread: it
 * stops dispatching, detaches the thread, and the thread frees the loop when
 * it sees the wake-up.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "event_loop.h"

/* The id reserved for the wake-up eventfd; watches count up from 1. */
#define WAKE_ID 0

#define MAX_EVENTS 16

struct watch {
	struct watch *next;
	uint64_t id;
	int fd;
	event_fn fn;
	void *opaque;
};

struct event_loop {
	int epfd;
	int wakefd;
	pthread_t thread;
	bool started;

	pthread_mutex_t dispatch_lock;	/* recursive; see the top of this file */
	struct watch *watches;
	uint64_t next_id;
	bool stopping;
	bool free_on_exit;	/* destroyed by one of its own callbacks */
};

static struct watch *find_by_id(struct event_loop *loop, uint64_t id)
{
	struct watch *w;

	for (w = loop->watches; w; w = w->next)
		if (w->id == id)
			return w;
	return NULL;
}

static struct watch **find_link_by_fd(struct event_loop *loop, int fd)
{
	struct watch **link;

	for (link = &loop->watches; *link; link = &(*link)->next)
		if ((*link)->fd == fd)
			return link;
	return NULL;
}

static int init_recursive_mutex(pthread_mutex_t *mutex)
{
	pthread_mutexattr_t attr;
	int err;

	err = pthread_mutexattr_init(&attr);
	if (err)
		return err;
	err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	if (!err)
		err = pthread_mutex_init(mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	return err;
}

struct event_loop *event_loop_create(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = WAKE_ID };
	struct event_loop *loop;
	int err;

	loop = calloc(1, sizeof(*loop));
	if (!loop)
		return NULL;
	loop->next_id = WAKE_ID + 1;
	loop->wakefd = -1;

	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		goto fail;
	loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->wakefd < 0)
		goto fail;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0)
		goto fail;
	err = init_recursive_mutex(&loop->dispatch_lock);
	if (err) {
		errno = err;
		goto fail;
	}
	return loop;

fail:
	err = errno;
	if (loop->wakefd >= 0)
		close(loop->wakefd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	free(loop);
	errno = err;
	return NULL;
}

int event_loop_add(struct event_loop *loop, int fd, uint32_t events, event_fn fn, void *opaque)
{
	struct epoll_event ev = { .events = events };
	struct watch *w;
	int ret = 0;

	if (fd < 0 || !fn)
		return -EINVAL;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;

	pthread_mutex_lock(&loop->dispatch_lock);
	if (find_link_by_fd(loop, fd)) {
		ret = -EEXIST;
		goto out;
	}
	*w = (struct watch){
		.next = loop->watches,
		.id = loop->next_id,
		.fd = fd,
		.fn = fn,
		.opaque = opaque,
	};
	ev.data.u64 = w->id;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		ret = -errno;
		goto out;
	}
	loop->next_id++;
	loop->watches = w;
	w = NULL;
out:
	pthread_mutex_unlock(&loop->dispatch_lock);
	free(w);
	return ret;
}

int event_loop_del(struct event_loop *loop, int fd)
{
	struct watch **link, *w;

	pthread_mutex_lock(&loop->dispatch_lock);
	link = find_link_by_fd(loop, fd);
	if (!link) {
		pthread_mutex_unlock(&loop->dispatch_lock);
		return -ENOENT;
	}
	w = *link;
	*link = w->next;
	/*
	 * The watch is gone from the list whatever epoll says: an fd already
	 * closed has left the epoll set by itself, and a pending event for it
	 * finds no watch by its id.
	 */
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	pthread_mutex_unlock(&loop->dispatch_lock);
	free(w);
	return 0;
}

/* Calls the watch's callback unless it was removed since epoll_wait() returned. */
static void dispatch(struct event_loop *loop, const struct epoll_event *ev)
{
	struct watch *w;

	pthread_mutex_lock(&loop->dispatch_lock);
	w = find_by_id(loop, ev->data.u64);
	if (w && !loop->stopping) {
		event_fn fn = w->fn;
		void *opaque = w->opaque;
		int fd = w->fd;

		/* w may be freed by the callback itself: only copies from here on. */
		fn(opaque, fd, ev->events);
	}
	pthread_mutex_unlock(&loop->dispatch_lock);
}

static void free_loop(struct event_loop *loop)
{
	struct watch *w, *next;

	for (w = loop->watches; w; w = next) {
		next = w->next;
		free(w);
	}
	pthread_mutex_destroy(&loop->dispatch_lock);
	close(loop->wakefd);
	close(loop->epfd);
	free(loop);
}

static void *loop_thread(void *arg)
{
	struct event_loop *loop = arg;
	struct epoll_event events[MAX_EVENTS];

	for (;;) {
		int n, i;

		n = epoll_wait(loop->epfd, events, MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;	/* only a broken epfd gets here: nothing left to wait on */
		}
		for (i = 0; i < n; i++) {
			if (events[i].data.u64 == WAKE_ID) {
				if (loop->free_on_exit)
					free_loop(loop);
				return NULL;
			}
			dispatch(loop, &events[i]);
		}
	}
	return NULL;
}

int event_loop_start(struct event_loop *loop)
{
	sigset_t all, old;
	int err;

	if (loop->started)
		return -EBUSY;
	/*
	 * The thread inherits a mask with every asynchronous signal blocked, so
	 * the signals the VMM handles (a vCPU kick, SIGINT, SIGWINCH) reach the
	 * threads that expect them. Faults stay deliverable: blocking them is
	 * undefined.
	 */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&loop->thread, NULL, loop_thread, loop);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	loop->started = true;
	return 0;
}

void event_loop_destroy(struct event_loop *loop)
{
	uint64_t one = 1;
	bool self;

	if (!loop)
		return;

	pthread_mutex_lock(&loop->dispatch_lock);
	loop->stopping = true;	/* events already returned are not dispatched */
	self = loop->started && pthread_equal(pthread_self(), loop->thread);
	if (self)
		loop->free_on_exit = true;
	pthread_mutex_unlock(&loop->dispatch_lock);

	if (!loop->started) {
		free_loop(loop);
		return;
	}
	/* A nonblocking eventfd write fails only when the counter is full: already awake. */
	if (write(loop->wakefd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;	/* cannot wake the thread; leak rather than free under it */
	if (self) {
		/* From a callback: no joining itself; the thread frees the loop as it exits. */
		pthread_detach(loop->thread);
		return;
	}
	pthread_join(loop->thread, NULL);
	free_loop(loop);
}
