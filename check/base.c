/* base.c — what `acre check` compares against: the registry (where
 * ownership is decided and results are recorded) and the base revision
 * (which parcels changed). Decisions written down in acre-check(1):
 *
 *  - The registry is opened read-only, when --registry or $ACRE_REGISTRY
 *    names one or the default one exists; only --record opens it for
 *    writing (creating it if need be). --as needs one.
 *  - The world is keyed in the registry by its repository (store.h): the
 *    world directory of the repository, or the directory itself outside
 *    git.
 *  - With --rev REV the world is read as it is at REV, not from the work
 *    tree: its files are written into a private temporary directory and
 *    checked there. This is how a git server checks a push in its bare
 *    repository.
 *  - The base is --base REV; with --as but no --base it is HEAD (so that a
 *    creator can check uncommitted work); without either, or outside git,
 *    every parcel counts as changed.
 *  - The commit recorded is REV, or HEAD when the world's files are as
 *    committed, else none (a working tree). */
#include "check/check-int.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int check_open_registry(check_ctx *c, bool need)
{
	store_err err;
	const char *env = getenv("ACRE_REGISTRY");
	bool named = c->registry || (env && *env);
	c->reg_path = store_registry_path(c->registry, &err);
	if (!c->reg_path)
		return need ? check_fail(c, "%s", err.msg) : 0;
	if (!c->record && access(c->reg_path, F_OK) != 0) {
		if (!need)
			return 0;
		return check_fail(c, "--as needs the registry that records who owns "
		                     "each parcel, and there is none at %s%s",
		                  c->reg_path, named ? "" : " (give --registry FILE)");
	}
	if ((c->record ? store_reg_open(c->reg_path, &c->reg, &err)
	               : store_reg_open_ro(c->reg_path, &c->reg, &err)) != 0)
		return check_fail(c, "%s", err.msg);
	return 0;
}

static int open_repo(check_ctx *c)
{
	store_err err;
	int rc = c->rev ? store_repo_open_at(c->dir, &c->repo, &err)
	                : store_repo_open(c->dir, &c->repo, &err);
	if (rc != 0) {
		c->repo = NULL;
		if (c->base || c->rev)
			return check_fail(c, "--%s needs the world's git repository: %s",
			                  c->rev ? "rev" : "base", err.msg);
		return 0; /* outside git: nothing to compare, no commit to record */
	}
	return 0;
}

/* The registry's key for the world (store.h): its repository's world
 * directory, or the directory itself outside git. */
static int world_key(check_ctx *c)
{
	if (c->repo)
		c->world_key = strdup(store_repo_dir(c->repo));
	else if (!(c->world_key = realpath(c->dir, NULL)) && errno != ENOMEM)
		return check_fail(c, "%s: %s", c->dir, strerror(errno));
	return c->world_key ? 0 : check_fail(c, "out of memory");
}

/* ---- Reading the world at --rev ------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Write the world at --rev into a fresh temporary directory and work
 * there: findings then name world.acre and scripts/… as in the world, and
 * nothing outside the directory is read. */
static int export_rev(check_ctx *c)
{
	store_err err;
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/acre-check.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (store_resolve(c->repo, c->rev, c->head, &err) != 0)
		return check_fail(c, "--rev %s: %s", c->rev, err.msg);
	if (!mkdtemp(dir))
		return check_fail(c, "--rev: cannot make a temporary directory %s: %s", dir,
		                  strerror(errno));
	if (!(c->export_dir = strdup(dir)))
		return check_fail(c, "out of memory");
	if (store_export(c->repo, c->head, dir, &err) != 0)
		return check_fail(c, "--rev %s: %s", c->rev, err.msg);
	if (!(c->cwd = getcwd(NULL, 0)) || chdir(dir) != 0)
		return check_fail(c, "--rev: cannot work in %s: %s", dir, strerror(errno));
	free(c->dir);
	free(c->file);
	c->dir = strdup(".");
	c->file = strdup("world.acre");
	return c->dir && c->file ? 0 : check_fail(c, "out of memory");
}

void check_cleanup(check_ctx *c)
{
	if (c->cwd && chdir(c->cwd) != 0) {
		/* Nowhere to go back to: the removal below uses an absolute path. */
	}
	if (c->export_dir)
		nftw(c->export_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(c->export_dir);
	free(c->cwd);
	free(c->world_key);
	c->export_dir = c->cwd = c->world_key = NULL;
}

/* ---- Reading the base while the world is parsed ----------------------------
 * Reading the base revision (inflating world.acre from git) and asking
 * whether the working tree is clean take about as long as parsing and
 * validating the world itself, and need nothing from it: a second thread
 * does them meanwhile. Until check_changes joins it, the thread alone uses
 * c->repo; the main thread touches neither the repository nor c->pair. */

static void find_span(check_ctx *c);

static void *load_base(void *arg)
{
	check_ctx *c = arg;
	bool dirty = true;
	/* With --rev the world is that commit (c->head, set already). Whether
	 * the working tree is as committed decides only the commit recorded:
	 * without --record nobody asks, and finding out reads and parses the
	 * whole world a second time (the status of every file it names). */
	c->load_rc = c->rev || !c->record
	                 ? 0
	                 : store_dirty(c->repo, &dirty, NULL, 0, &c->load_err);
	/* A repository without commits has no HEAD to resolve: not an error. */
	if (c->load_rc == 0 && !dirty && !c->rev &&
	    store_resolve(c->repo, "HEAD", c->head, &c->load_err) != 0)
		c->head[0] = '\0';
	if (c->load_rc == 0 && c->base_hex[0]) {
		c->load_rc = store_pair_load(c->repo, c->base_hex, c->rev ? c->head : NULL,
		                             &c->pair, &c->load_err);
		c->have_pair = c->load_rc == 0;
		if (c->have_pair)
			find_span(c);
	}
	/* The base's recorded results, which the scripts phase will want
	 * (run.c): a registry query of one row per scripted parcel, done
	 * here while the main thread parses. Sorted by parcel name. */
	if (c->reg && c->base_hex[0]) {
		c->results_rc =
		    store_run_last(c->reg, c->world_key, c->base_hex, &c->results,
		                   &c->nresults, &c->results_err);
		c->have_results = c->results_rc == 0;
		if (c->have_results && c->nresults > 1)
			qsort(c->results, (size_t)c->nresults, sizeof *c->results,
			      check_cmp_result);
	}
	return NULL;
}

int check_cmp_result(const void *a, const void *b)
{
	return strcmp(((const store_parcel_result *)a)->parcel,
	              ((const store_parcel_result *)b)->parcel);
}

int check_begin(check_ctx *c)
{
	store_err err;
	if (check_open_registry(c, c->as != NULL) != 0)
		return -1;
	if ((c->base || c->as || c->reg || c->rev) && open_repo(c) != 0)
		return -1;
	if (world_key(c) != 0)
		return -1;
	if (!c->repo)
		return 0;
	if (c->rev && export_rev(c) != 0)
		return -1;
	/* --as alone compares with HEAD, when there is one. */
	if (c->base && store_resolve(c->repo, c->base, c->base_hex, &err) != 0)
		return check_fail(c, "--base %s: %s", c->base, err.msg);
	if (!c->base && c->as && store_resolve(c->repo, "HEAD", c->base_hex, &err) != 0)
		c->base_hex[0] = '\0';
	if (c->base_hex[0] && check_report_set(&c->rep.base, c->base_hex) != 0)
		return check_fail(c, "out of memory");
	if (pthread_create(&c->loader, NULL, load_base, c) != 0)
		load_base(c); /* no thread: do it now */
	else
		c->loading = true;
	return 0;
}

/* Wait for the loader; -1 when it failed. */
static int join_loader(check_ctx *c)
{
	if (c->loading) {
		pthread_join(c->loader, NULL);
		c->loading = false;
	}
	if (c->repo && c->load_rc != 0)
		return check_fail(c, "%s", c->load_err.msg);
	return 0;
}

void check_end(check_ctx *c)
{
	if (c->loading) {
		pthread_join(c->loader, NULL);
		c->loading = false;
	}
	if (c->have_pair)
		store_pair_free(&c->pair);
	c->have_pair = false;
}

void check_end_results(check_ctx *c)
{
	check_end(c);
	if (c->have_results)
		store_parcel_results_free(c->results, c->nresults);
	c->results = NULL;
	c->nresults = 0;
	c->have_results = false;
}

static int add_removed(check_ctx *c, const char *name)
{
	char **v = realloc(c->removed, sizeof *v * (size_t)(c->nremoved + 1));
	if (!v)
		return check_fail(c, "out of memory");
	c->removed = v;
	if (!(v[c->nremoved] = strdup(name)))
		return check_fail(c, "out of memory");
	c->nremoved++;
	return 0;
}

/* Mark the parcels named by the store as changed; names no longer in the
 * world were removed. */
static int mark_changed(check_ctx *c, char **names, int n)
{
	for (int i = 0; i < n; i++) {
		int p = wf_find_parcel(c->w, names[i]);
		if (p >= 0) {
			c->changed[p] = 1;
		} else if (add_removed(c, names[i]) != 0) {
			return -1;
		}
	}
	return 0;
}

char *check_header_name(const char *s, const char *end)
{
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		if (!eol)
			eol = end;
		const char *p = s;
		while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < eol && *p != '#') {
			if ((size_t)(eol - p) < 7 || strncmp(p, "world", 5) != 0)
				return NULL;
			for (p += 5; p < eol && (*p == ' ' || *p == '\t'); p++)
				;
			if (p >= eol || *p != '"')
				return NULL;
			char *name = malloc((size_t)(eol - p));
			size_t n = 0;
			for (p++; name && p < eol && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < eol)
					p++;
				name[n++] = *p;
			}
			if (name)
				name[n] = '\0';
			return name;
		}
		s = eol + 1;
	}
	return NULL;
}

/* ---- Changed parcels ---------------------------------------------------------
 * On a huge world a submitted change is usually small. The base text and
 * the world's text agree on a common prefix and suffix; only parcels whose
 * blocks overlap the differing middle can have changed, so only those
 * blocks are parsed (behind the world's header, so that they parse alone)
 * and compared semantically with wf_diff_worlds. When the middle reaches the
 * header, or the blocks hold palette or zone changes, the whole-world
 * comparison of store_changed_parcels decides instead. Both give the same
 * answer; this one reads each text once and parses only a few lines. */

static size_t common_prefix(const char *a, size_t la, const char *b, size_t lb)
{
	size_t n = la < lb ? la : lb, i = 0;
	while (i + 4096 <= n && memcmp(a + i, b + i, 4096) == 0)
		i += 4096;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Common suffix of a and b, at most `max` bytes. */
static size_t common_suffix(const char *a, size_t la, const char *b, size_t lb,
                            size_t max)
{
	size_t i = 0;
	while (i + 4096 <= max && memcmp(a + la - i - 4096, b + lb - i - 4096, 4096) == 0)
		i += 4096;
	while (i < max && a[la - i - 1] == b[lb - i - 1])
		i++;
	return i;
}

/* Byte offset of the start of 1-based line `line`, counting from a known
 * line start (off, at line `from`); len when the text is shorter. */
static size_t line_offset(const char *t, size_t len, size_t off, uint32_t from,
                          uint32_t line)
{
	while (from < line && off < len) {
		const char *nl = memchr(t + off, '\n', len - off);
		if (!nl)
			return len;
		off = (size_t)(nl - t) + 1;
		from++;
	}
	return off;
}

/* The line holding byte `off` (1-based), counting from a line start. */
static uint32_t line_of(const char *t, size_t start, uint32_t line, size_t off)
{
	for (const char *p = t + start, *end = t + off;
	     (p = memchr(p, '\n', (size_t)(end - p))); p++)
		line++;
	return line;
}

/* The start of line `to` of t, from `off`, which lies on line `line` (at
 * or after `to`): a few lines back, where counting from the top would
 * read the whole text. */
static size_t line_back(const char *t, size_t off, uint32_t line, uint32_t to)
{
	for (;;) {
		const char *nl = off ? memrchr(t, '\n', off) : NULL;
		off = nl ? (size_t)(nl - t) + 1 : 0; /* the start of `line` */
		if (line <= to || off == 0)
			return off;
		off--; /* onto the newline that ends the line before */
		line--;
	}
}

/* Where the two texts of world.acre differ (c->span), for changes_by_text.
 * The loader thread finds it as soon as it has both texts: comparing 28 MB
 * from the end and counting lines up to the change is memory-bound work
 * that needs no parsed world, done while the main thread parses. */
static void find_span(check_ctx *c)
{
	const char *a = c->pair.text[0], *b = c->pair.text[1];
	size_t la = c->pair.len[0], lb = c->pair.len[1];
	check_span *s = &c->span;
	if (!a || !b)
		return;
	s->have = true;
	s->pre = common_prefix(a, la, b, lb);
	s->same = s->pre == la && s->pre == lb;
	if (s->same)
		return;
	size_t min = la < lb ? la : lb;
	s->end = lb - common_suffix(a, la, b, lb, min - s->pre);
	s->first_line = line_of(b, 0, 1, s->pre);
	s->last_line = s->end > s->pre ? line_of(b, s->pre, s->first_line, s->end - 1)
	                               : s->first_line;
}

/* The last parcel starting at or before `line` (parcels are in file
 * order), or -1. */
static int parcel_at_line(const wf_world *w, uint32_t line)
{
	int lo = 0, hi = w->nparcels - 1, found = -1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (w->parcels[mid].line <= line)
			found = mid, lo = mid + 1;
		else
			hi = mid - 1;
	}
	return found;
}

static wf_world *parse_part(const char *hdr, size_t hlen, const char *body,
                            size_t blen)
{
	char *buf = malloc(hlen + blen + 1);
	if (!buf)
		return NULL;
	memcpy(buf, hdr, hlen);
	memcpy(buf + hlen, body, blen);
	wf_diags d = {.max = 1};
	wf_world *w = wf_parse(buf, hlen + blen, "world.acre", &d);
	if (w && d.errors) {
		wf_world_free(w);
		w = NULL;
	}
	wf_diags_free(&d);
	free(buf);
	return w;
}

/* Mark what the diff of the two parts says; false when it holds more than
 * parcel changes (the slow path must judge). */
static int mark_part_diff(check_ctx *c, const wf_world *a, const wf_world *b,
                          bool *fast)
{
	wf_diff d = {0};
	if (wf_diff_worlds(a, b, &d) != 0)
		return check_fail(c, "out of memory");
	*fast = !d.world && !d.npalette && !d.nzones;
	int rc = 0;
	for (int k = 0; *fast && rc == 0 && k < d.nparcels; k++) {
		const wf_parcel_diff *pd = &d.parcels[k];
		if (pd->b < 0) {
			rc = add_removed(c, a->parcels[pd->a].name);
			continue;
		}
		int i = wf_find_parcel(c->w, b->parcels[pd->b].name);
		if (i < 0)
			*fast = false;
		else
			c->changed[i] = 1;
	}
	wf_diff_free(&d);
	return rc;
}

/* The fast comparison of world.acre (see above); *fast = false when it
 * cannot decide. c->changed is allocated and zeroed by the caller. */
static int changes_by_text(check_ctx *c, const store_pair *p, bool *fast)
{
	const wf_world *w = c->w;
	const char *a = p->text[0], *b = p->text[1];
	size_t la = p->len[0], lb = p->len[1];
	*fast = false;
	if (!a || !b || w->nparcels == 0)
		return 0;
	for (int i = 1; i < w->nparcels; i++)
		if (w->parcels[i].line <= w->parcels[i - 1].line)
			return 0;
	if (!c->span.have)
		find_span(c);
	const check_span *s = &c->span;
	if (s->same) {
		*fast = true; /* the same text */
		return 0;
	}
	size_t pre = s->pre; /* b's differing middle is [pre, s->end) */
	size_t hdr = line_offset(b, lb, 0, 1, w->parcels[0].line);
	int f = parcel_at_line(w, s->first_line);
	if (f < 0 || pre < hdr)
		return 0; /* the header changed */
	int l = parcel_at_line(w, s->last_line);
	size_t bs = line_back(b, pre, s->first_line, w->parcels[f].line);
	size_t be = l + 1 < w->nparcels
	                    ? line_offset(b, lb, bs, w->parcels[f].line,
	                                  w->parcels[l + 1].line)
	                    : lb;
	size_t ae = be + la - lb; /* the suffix after be is common */
	wf_world *pa = parse_part(b, hdr, a + bs, ae - bs);
	wf_world *pb = pa ? parse_part(b, hdr, b + bs, be - bs) : NULL;
	int rc = pa && pb ? mark_part_diff(c, pa, pb, fast) : 0;
	if (pa)
		wf_world_free(pa);
	if (pb)
		wf_world_free(pb);
	return rc;
}

/* Parcels whose scripts changed: the rule of wf_mark_script_users, the
 * same that store_changed_parcels follows. */
static void mark_scripts(check_ctx *c, const store_pair *p)
{
	for (int s = 0; s < p->nscripts; s++)
		wf_mark_script_users(c->w, p->scripts[s], c->changed);
}

/* The world's name in the base, from the header of its text. */
static int keep_base_name(check_ctx *c, const store_pair *p)
{
	if (!p->text[0])
		return 0;
	c->base_name = check_header_name(p->text[0], p->text[0] + p->len[0]);
	return 0;
}

/* The events file drives every scripted parcel: when it differs from the
 * base (committed or not), every scripted parcel must run again. That is
 * not a change to any parcel: ownership judges it as a change to the
 * world (owner.c), never as one to the parcels it drives. */
static int mark_events(check_ctx *c)
{
	store_err err;
	char *old = NULL, *now = NULL;
	size_t olen = 0, nlen = 0;
	if (!c->w->events)
		return 0;
	if (store_read_at_opt(c->repo, c->base_hex, c->w->events, &old, &olen, &err) != 0)
		return check_fail(c, "%s", err.msg);
	if (wf_world_read(c->dir, c->w->events, WF_MAX_EVENTS_BYTES, &now, &nlen) !=
	    WF_READ_OK)
		now = NULL;
	bool same = (!old && !now) ||
	            (old && now && nlen == olen && memcmp(old, now, olen) == 0);
	c->events_changed = !same;
	for (int i = 0; !same && i < c->w->nparcels; i++)
		if (wf_parcel_scripted(c->w, &c->w->parcels[i]))
			c->changed[i] |= CHECK_CHANGED_EVENTS;
	free(old);
	free(now);
	return 0;
}

/* Fill c->changed (and c->removed) from c->pair; *compared = false when
 * the base does not parse. */
static int find_changes(check_ctx *c, bool *compared)
{
	store_err err;
	bool fast = false;
	*compared = false;
	int rc = keep_base_name(c, &c->pair);
	c->changed = calloc((size_t)c->w->nparcels + 1, 1);
	if (!c->changed)
		rc = check_fail(c, "out of memory");
	if (rc == 0)
		rc = changes_by_text(c, &c->pair, &fast);
	if (rc == 0 && fast)
		mark_scripts(c, &c->pair);
	if (rc == 0 && fast)
		rc = mark_events(c);
	if (rc != 0 || fast) {
		*compared = fast;
		return rc;
	}
	/* The slow path starts afresh. */
	memset(c->changed, 0, (size_t)c->w->nparcels + 1);
	for (int i = 0; i < c->nremoved; i++)
		free(c->removed[i]);
	c->nremoved = 0;
	char **names = NULL;
	int n = 0;
	if (store_changed_parcels(c->repo, c->base_hex, c->rev ? c->head : NULL, &names, &n,
	                          &err) != 0)
		return 0; /* one side does not parse: see check_changes */
	rc = mark_changed(c, names, n);
	store_names_free(names, n);
	if (rc == 0)
		rc = mark_events(c);
	*compared = rc == 0;
	return rc;
}

int check_changes(check_ctx *c)
{
	/* The loader also reads the working tree's world.acre. When that
	 * file is refused (a link to /dev/zero, a device) it fails, but the
	 * world is already invalid for it with a finding that says why: the
	 * check goes on to a complete report, every parcel counting as
	 * changed, instead of ending as "could not check". */
	if (join_loader(c) != 0) {
		if (!c->static_errors)
			return -1;
		check_end(c);
		return 0;
	}
	if (!c->have_pair || c->static_errors)
		return 0;
	bool compared;
	int rc = find_changes(c, &compared);
	check_end(c); /* the texts are not needed any more */
	if (rc != 0)
		return -1;
	if (compared) {
		for (int i = 0; i < c->w->nparcels; i++)
			c->rep.parcels[c->rp[i]].changed = c->changed[i];
		for (int i = 0; i < c->nremoved; i++) {
			int rp = check_report_parcel(&c->rep, c->removed[i]);
			if (rp < 0)
				return check_fail(c, "out of memory");
			c->rep.parcels[rp].removed = true;
		}
		return 0;
	}
	/* The base does not parse: without a comparison, every parcel counts
	 * as changed (the stricter reading for --as). */
	free(c->changed);
	c->changed = NULL;
	c->base_hex[0] = '\0';
	return check_report_add(&c->rep, CHECK_NOTE, "registry", NULL, 0, 0, -1,
	                        "cannot compare with %s, whose world.acre does not "
	                        "parse: every parcel counts as changed",
	                        c->base ? c->base : "HEAD") == 0
	               ? 0
	               : check_fail(c, "out of memory");
}

/* ---- Recording ------------------------------------------------------------*/

/* What stopped a parcel: "ok", or the rule of its first error. */
static const char *parcel_status(const check_report *r, int p)
{
	for (int i = 0; i < r->nfindings; i++)
		if (r->findings[i].parcel == p && r->findings[i].severity == CHECK_ERROR)
			return r->findings[i].rule;
	return "ok";
}

static int record_errors(const check_report *r, store_run_error **out, int *n)
{
	*n = 0;
	*out = calloc((size_t)r->nfindings + 1, sizeof **out);
	if (!*out)
		return -1;
	for (int i = 0; i < r->nfindings; i++) {
		const check_finding *x = &r->findings[i];
		if (x->severity == CHECK_NOTE)
			continue;
		(*out)[(*n)++] = (store_run_error){
			.file = x->file, .line = x->line, .col = x->col,
			.parcel = x->parcel >= 0 ? r->parcels[x->parcel].name : NULL,
			.severity = check_severity_name(x->severity), .message = x->msg,
		};
	}
	return 0;
}

/* Parcels worth a row: the scripted ones (whose results a later --base
 * check reuses) and those with errors. Unscripted parcels are checked
 * afresh every time, and the Street has 65,536 of them. */
static int record_parcels(const check_report *r, store_run_parcel **out, int *n)
{
	*n = 0;
	*out = calloc((size_t)r->nparcels + 1, sizeof **out);
	if (!*out)
		return -1;
	for (int i = 0; i < r->nparcels; i++) {
		const check_parcel *p = &r->parcels[i];
		if (!p->scripted && !p->errors)
			continue;
		(*out)[(*n)++] = (store_run_parcel){
			.parcel = p->name, .status = parcel_status(r, i),
			.instructions = p->peak_instructions > 0 ? p->peak_instructions : 0,
			.memory = p->peak_memory > 0 ? p->peak_memory : 0,
			.nerrors = p->errors,
		};
	}
	return 0;
}

int check_record(check_ctx *c)
{
	if (!c->record || !c->reg || !c->w || !c->w->name)
		return 0;
	if (check_claims(c) != 0)
		return -1;
	check_report_sort(&c->rep); /* a refused claim adds a finding */
	const check_report *r = &c->rep;
	/* A push (--ref) that fails is refused: its commit never enters the
	 * repository, so a run of it would be the validation of nothing the
	 * world has. The hook's output tells the pusher why. */
	if (c->ref && !check_report_valid(r))
		return 0;
	char hash[17];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->state_hash[0]);
	store_run run = {
		.world = c->world_key, .name = c->w->name,
		.dir = c->repo ? store_repo_dir(c->repo) : NULL,
		.commit = c->head[0] ? c->head : NULL,
		.status = check_report_valid(r) ? "valid" : "invalid", .identity = c->as,
		.state_hash = r->ran ? hash : NULL, .ticks = r->ran ? r->ticks : 0,
		.duration_ms = (int64_t)(r->seconds * 1000),
	};
	store_run_error *errors = NULL;
	store_run_parcel *parcels = NULL;
	int rc = 0;
	store_err err;
	if (record_errors(r, &errors, &run.nerrors) != 0 ||
	    record_parcels(r, &parcels, &run.nparcels) != 0) {
		rc = check_fail(c, "out of memory");
	} else {
		run.errors = errors;
		run.parcels = parcels;
		if (store_run_record(c->reg, &run, NULL, &err) != 0)
			rc = check_fail(c, "%s", err.msg);
	}
	free(errors);
	free(parcels);
	return rc;
}
