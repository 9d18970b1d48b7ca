/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM's event loop: one thread that waits (epoll) on the file descriptors
 * devices care about — the terminal, a TAP device, ioeventfds of virtqueue
 * notifications — and calls the device back when one is ready.
 *
 * Callbacks run on the loop thread, concurrently with vCPU threads' MMIO
 * callbacks: the device protects its own state.
 */
#ifndef VMM_EVENT_LOOP_H
#define VMM_EVENT_LOOP_H

#include <stdint.h>

struct event_loop;

/* events is the epoll mask that fired (EPOLLIN, EPOLLHUP, ...). */
typedef void (*event_fn)(void *opaque, int fd, uint32_t events);

/* Returns NULL with errno set on failure. The thread starts with event_loop_start(). */
struct event_loop *event_loop_create(void);
/* Watches fd for `events` (EPOLLIN, EPOLLOUT). Returns 0 or -errno. */
int event_loop_add(struct event_loop *loop, int fd, uint32_t events, event_fn fn, void *opaque);
/* Stops watching fd; once it returns, fn is not running and will not run for fd. */
int event_loop_del(struct event_loop *loop, int fd);
int event_loop_start(struct event_loop *loop);
/* Stops and joins the thread, frees the loop. Safe on a loop never started. */
void event_loop_destroy(struct event_loop *loop);

#endif /* VMM_EVENT_LOOP_H */
