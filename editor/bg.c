/* bg.c — the slow work on a big world, done on a snapshot of it while the
 * keys are answered: saving, validating and writing the recovery file.
 *
 * The snapshot is a forked child, as Redis saves in the background: fork
 * shares every page of the parent copy-on-write, so the child sees the
 * world exactly as it was when the job began, whatever the user edits
 * meanwhile, and no byte of the model is shared between two threads (no
 * lock, no race). Forking costs the parent the copy of its page tables
 * (tens of milliseconds for a million parcels), once per job; the job
 * itself then costs the parent nothing but reading a pipe.
 *
 * The child reports on a pipe and leaves with _exit (it never touches the
 * terminal, stdio or the parent's files):
 *   save, recovery: 'T' when the text is made, then 'R' result errno
 *   validation:     'D' records, one per diagnostic, then 'Z' errors dropped
 * The parent reads the pipe without blocking on each turn of the key loop
 * (ed_bg_poll) and, at its end, reaps the child and hands the job back.
 * Only one job of each kind runs at a time.
 *
 * A fork copies the parent's page tables: a million-parcel world in 4 KiB
 * pages costs 80 to 180 ms of them, a key's wait. Once the world is read,
 * the kernel is asked to back its big regions with 2 MiB pages
 * (MADV_COLLAPSE: by the thread that reads a big world, before the world
 * is handed over, else on a thread of its own), after which a fork costs a
 * few milliseconds; a later write to a shared page still copies 4 KiB.
 * Where the kernel cannot, forks stay as they were.
 */
#include "editor/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- The child ------------------------------------------------------------ */

static void put_u32(wf_buf *b, uint32_t v)
{
	wf_buf_put(b, (const char *)&v, sizeof v);
}

static void put_str(wf_buf *b, const char *s)
{
	if (!s) {
		put_u32(b, UINT32_MAX);
		return;
	}
	size_t n = strlen(s);
	put_u32(b, (uint32_t)n);
	wf_buf_put(b, s, n);
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return; /* the parent is gone: nobody to tell */
		p += r;
		n -= (size_t)r;
	}
}

static void child_write(const ed_ui *u, const wf_world *w, bool recovery,
                        const char *path, int fd)
{
	wf_buf b = {0};
	int result = -1, err = ENOMEM;
	/* A recovery file of a merge names it first (conflict.c). */
	if (w && (!recovery || ed_conflict_recovery_head(u, &b) == 0) &&
	    wf_write(w, &b) == 0) {
		send_all(fd, "T", 1);
		result = wf_save_atomic(path, b.data ? b.data : "", b.len);
		err = result == 0 ? 0 : errno;
	}
	char msg[1 + 2 * sizeof(int)];
	msg[0] = 'R';
	memcpy(msg + 1, &result, sizeof result);
	memcpy(msg + 1 + sizeof result, &err, sizeof err);
	send_all(fd, msg, sizeof msg);
}

static void child_validate(wf_world *w, const char *dir, int fd)
{
	wf_diags d = {0};
	wf_buf b = {0};
	wf_validate(w, dir, "world.acre", &d);
	for (int i = 0; i < d.n; i++) {
		const wf_diag *g = &d.v[i];
		/* The rule is a static string: after fork it lies at the same
		 * address in the parent, so its pointer is sent as it is. */
		uintptr_t rule = (uintptr_t)g->rule;
		wf_buf_put(&b, "D", 1);
		put_u32(&b, (uint32_t)g->severity);
		put_u32(&b, g->line);
		put_u32(&b, g->col);
		put_u32(&b, g->end_col);
		wf_buf_put(&b, (const char *)&rule, sizeof rule);
		put_str(&b, g->file);
		put_str(&b, g->parcel);
		put_str(&b, g->msg);
		put_str(&b, g->help);
	}
	wf_buf_put(&b, "Z", 1);
	put_u32(&b, (uint32_t)d.errors);
	put_u32(&b, (uint32_t)d.dropped);
	send_all(fd, b.data ? b.data : "", b.len);
}

/* ---- Huge pages ----------------------------------------------------------- */

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1 */
#endif
#define COMPACT_MIN (8u << 20) /* regions smaller than this are left */

/* Collapse each private writable region of at least COMPACT_MIN bytes that
 * is mostly resident (the heap and the world's big arrays, not reserved
 * address space such as a sanitizer's shadow, which would be filled). */
void ed_bg_compact_now(void)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return;
	char line[512];
	unsigned long lo = 0, hi = 0;
	bool cand = false;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b, kb;
		char perm[8];
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perm) == 3) {
			lo = a;
			hi = b;
			cand = perm[0] == 'r' && perm[1] == 'w' && perm[3] == 'p' &&
			       b - a >= COMPACT_MIN;
		} else if (cand && sscanf(line, "Rss: %lu kB", &kb) == 1) {
			if (kb * 1024 >= (hi - lo) / 4 * 3)
				madvise((void *)lo, hi - lo, MADV_COLLAPSE);
			cand = false;
		}
	}
	fclose(f);
}

static void *compact_thread(void *arg)
{
	(void)arg;
	ed_bg_compact_now();
	return NULL;
}

void ed_bg_compact(void)
{
	pthread_t t;
	pthread_attr_t at;
	if (pthread_attr_init(&at) != 0)
		return;
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_create(&t, &at, compact_thread, NULL); /* none: forks cost more */
	pthread_attr_destroy(&at);
}

/* ---- The parent ----------------------------------------------------------- */

ed_bg *ed_bg_start(ed_ui *u, ed_bg_kind kind, const char *path)
{
	ed_bg *j = calloc(1, sizeof *j);
	char *p = path ? strdup(path) : NULL;
	int fds[2];
	if (!j || (path && !p) || pipe2(fds, O_CLOEXEC) != 0) {
		free(j);
		free(p);
		return NULL;
	}
	j->kind = kind;
	j->path = p;
	j->gen = u->m.generation;
	j->pos = u->m.pos;
	j->t0 = now_ms();
	j->status = -1;
	pid_t pid = fork();
	if (pid == 0) {
		/* A validation or recovery file nobody will read dies with the
		 * editor; a save the user asked for is finished. */
		if (kind != BG_SAVE)
			prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Background work yields the CPU to the key loop (and the
		 * terminal) whenever both want it. */
		setpriority(PRIO_PROCESS, 0, 10);
		close(fds[0]);
		/* The world without the holes deletes left (model.c): made
		 * here, where its cost is no key's. */
		wf_world *w = ed_world_dense(&u->m);
		if (!w && kind == BG_VALIDATE)
			_exit(1); /* the parent validates itself next time */
		if (kind == BG_VALIDATE)
			child_validate(w, u->dir, fds[1]);
		else
			child_write(u, w, kind == BG_RECOVER, p, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		free(p);
		free(j);
		return NULL;
	}
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	j->pid = pid;
	j->fd = fds[0];
	return j;
}

/* Read what the child wrote; true once it has finished and been reaped. */
bool ed_bg_poll(ed_bg *j)
{
	char tmp[65536];
	while (j->fd >= 0) {
		ssize_t r = read(j->fd, tmp, sizeof tmp);
		if (r > 0) {
			if (wf_buf_put(&j->out, tmp, (size_t)r) != 0)
				j->broken = true;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return false;
		close(j->fd); /* end of the pipe: the child is leaving */
		j->fd = -1;
	}
	if (j->pid > 0) {
		int st;
		pid_t r = waitpid(j->pid, &st, WNOHANG);
		if (r == 0 || (r < 0 && errno == EINTR))
			return false;
		j->status = r == j->pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		j->pid = 0;
	}
	return true;
}

/* Wait for the job to end (the user asked for its result, or is leaving). */
void ed_bg_wait(ed_bg *j)
{
	while (!ed_bg_poll(j)) {
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
	}
}

/* Stop a job whose result nobody needs any more. A recovery file being
 * written is left whole or not at all (the rename is atomic); the temporary
 * file of a killed writer is removed by the next atomic save there. */
void ed_bg_cancel(ed_bg *j)
{
	if (j->pid > 0)
		kill(j->pid, SIGKILL);
	ed_bg_wait(j);
}

void ed_bg_free(ed_bg *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	wf_buf_free(&j->out);
	free(j->path);
	free(j);
}

bool ed_bg_text_done(const ed_bg *j)
{
	return j->out.len > 0 && j->out.data[0] == 'T';
}

/* The result of a save or recovery write: 0, or -1 with *err its errno. */
int ed_bg_result(const ed_bg *j, int *err)
{
	const char *s = j->out.data;
	size_t n = j->out.len, at = ed_bg_text_done(j) ? 1 : 0;
	*err = EIO; /* a child that died before it said */
	if (j->status != 0 || j->broken || n != at + 1 + 2 * sizeof(int) || s[at] != 'R')
		return -1;
	int result;
	memcpy(&result, s + at + 1, sizeof result);
	memcpy(err, s + at + 1 + sizeof result, sizeof *err);
	return result == 0 ? 0 : -1;
}

typedef struct reader {
	const char *p, *end;
	bool bad;
} reader;

static uint32_t get_u32(reader *r)
{
	uint32_t v = 0;
	if (r->end - r->p < (ptrdiff_t)sizeof v) {
		r->bad = true;
		return 0;
	}
	memcpy(&v, r->p, sizeof v);
	r->p += sizeof v;
	return v;
}

/* A string of the record, NUL-terminated in `buf` (NULL for none). */
static char *get_str(reader *r, char **buf)
{
	uint32_t n = get_u32(r);
	*buf = NULL;
	if (r->bad || n == UINT32_MAX)
		return NULL;
	if ((uint64_t)(r->end - r->p) < n || !(*buf = malloc((size_t)n + 1))) {
		r->bad = true;
		return NULL;
	}
	memcpy(*buf, r->p, n);
	(*buf)[n] = '\0';
	r->p += n;
	return *buf;
}

static bool get_diag(reader *r, wf_diags *d)
{
	uint32_t sev = get_u32(r), line = get_u32(r), col = get_u32(r),
	         end_col = get_u32(r);
	uintptr_t rule = 0;
	if (r->end - r->p < (ptrdiff_t)sizeof rule)
		return false;
	memcpy(&rule, r->p, sizeof rule);
	r->p += sizeof rule;
	char *file, *parcel, *msg, *help;
	get_str(r, &file);
	get_str(r, &parcel);
	get_str(r, &msg);
	get_str(r, &help);
	bool ok = !r->bad && msg;
	if (ok) {
		wf_diag *g = wf_diag_add(d, (wf_severity)sev, file, line, col, parcel,
		                         "%s", msg);
		if (g) {
			g->end_col = end_col;
			g->rule = (const char *)rule;
			if (help)
				wf_diag_help(g, "%s", help);
		}
	}
	free(file);
	free(parcel);
	free(msg);
	free(help);
	return ok;
}

/* The diagnostics of a validation, into *d (zeroed first); -1 when the
 * child did not finish its report. */
int ed_bg_diags(const ed_bg *j, wf_diags *d)
{
	memset(d, 0, sizeof *d);
	reader r = {j->out.data, j->out.data + j->out.len, j->broken};
	while (!r.bad && r.p < r.end && *r.p == 'D') {
		r.p++;
		if (!get_diag(&r, d))
			r.bad = true;
	}
	if (!r.bad && r.p < r.end && *r.p == 'Z') {
		r.p++;
		int errors = (int)get_u32(&r), dropped = (int)get_u32(&r);
		if (!r.bad && r.p == r.end && j->status == 0) {
			d->errors = errors;
			d->dropped = dropped;
			return 0;
		}
	}
	wf_diags_free(d);
	memset(d, 0, sizeof *d);
	return -1;
}
