/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs one function on several kernel threads at once, for the suites
 * that show an object keyed once may be used by a session's senders and
 * receive workers concurrently.
 */
#ifndef SMB3MC_THREADS_TEST_H
#define SMB3MC_THREADS_TEST_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/slab.h>

struct test_thread {
	unsigned int (*fn)(void *arg);
	void *arg;
	atomic_t *bad;
	struct completion done;
};

static int test_thread_main(void *data)
{
	struct test_thread *t = data;

	atomic_add(t->fn(t->arg), t->bad);
	complete(&t->done);
	return 0;
}

/*
 * Calls @fn(@args + i * @size) for each i below @n, each on its own thread,
 * all at once, and returns when every one has returned: the sum of what
 * they returned (their failures), plus one for each thread that did not
 * start.
 */
static inline unsigned int test_threads_run(unsigned int (*fn)(void *arg),
					    void *args, size_t size,
					    unsigned int n)
{
	struct test_thread *t = kcalloc(n, sizeof(*t), GFP_KERNEL);
	atomic_t bad = ATOMIC_INIT(0);
	struct task_struct *task;
	unsigned int i;

	if (!t)
		return n;
	for (i = 0; i < n; i++) {
		t[i].fn = fn;
		t[i].arg = args + i * size;
		t[i].bad = &bad;
		init_completion(&t[i].done);
		task = kthread_run(test_thread_main, &t[i], "kunit-thread%u",
				   i);
		if (IS_ERR(task)) {
			atomic_inc(&bad);
			complete(&t[i].done);
		}
	}
	for (i = 0; i < n; i++)
		wait_for_completion(&t[i].done);
	kfree(t);
	return atomic_read(&bad);
}

#endif
