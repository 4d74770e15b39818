/* pool.c — the run's worker threads.
 *
 * With opts.threads = N > 1, N-1 worker threads live as long as the run;
 * the caller's thread is the N-th. Scripted parcels are split into N fixed
 * slices, so a parcel always runs on the same thread (its memory stays in
 * that thread's malloc arena). Which thread runs a parcel never matters
 * for the result: a parcel's task touches only its own state. The pool
 * knows nothing of ticks: it runs fn(ctx, w, n) on each of its n threads. */
#include "stdlib/api-int.h"

#include <pthread.h>
#include <stdlib.h>

struct run_pool;
typedef struct run_slot {
	struct run_pool *pool;
	int w; /* this worker's slice */
} run_slot;

struct run_pool {
	pthread_t th[API_MAX_THREADS];
	run_slot slots[API_MAX_THREADS];
	int n; /* threads in all, the caller's included */
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	uint64_t gen; /* phase number: workers run when it changes */
	int busy;     /* workers still in the current phase */
	bool quit;
	void (*fn)(void *ctx, int w, int n);
	void *ctx;
	api_run *r;
};

static void *run_worker(void *arg)
{
	run_slot *slot = arg;
	struct run_pool *p = slot->pool;
	int w = slot->w;
	uint64_t seen = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && p->gen == seen)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		void (*fn)(void *, int, int) = p->fn;
		void *ctx = p->ctx;
		int n = p->n;
		pthread_mutex_unlock(&p->mu);
		fn(ctx, w, n);
		pthread_mutex_lock(&p->mu);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int api_pool_start(api_run *r)
{
	int nt = r->opts.threads;
	if (nt <= 1)
		return 0;
	if (nt > API_MAX_THREADS)
		nt = API_MAX_THREADS;
	struct run_pool *p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	p->r = r;
	p->n = 1;
	r->pool = p;
	for (int i = 1; i < nt; i++) {
		p->slots[i] = (run_slot){.pool = p, .w = i};
		if (pthread_create(&p->th[i], NULL, run_worker, &p->slots[i]) != 0)
			break;
		p->n++;
	}
	return 0;
}

void api_pool_stop(api_run *r)
{
	struct run_pool *p = r->pool;
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (int i = 1; i < p->n; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	free(p);
	r->pool = NULL;
}

void api_pool_run(api_run *r, void (*fn)(void *ctx, int w, int n), void *ctx)
{
	struct run_pool *p = r->pool;
	if (!p || p->n == 1) {
		fn(ctx, 0, 1);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->busy = p->n - 1;
	p->gen++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	fn(ctx, 0, p->n);
	pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}
