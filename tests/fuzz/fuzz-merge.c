/* fuzz-merge.c — libFuzzer target for the three-way merge of worlds (what
 * `acre merge`, git's merge driver, runs). The input is up to three world
 * files separated by NUL bytes: base, ours, theirs (a missing one is the
 * base again). As the driver does, the merge is only asked of three worlds
 * that parse without errors; then, whatever they hold:
 *  - a clean merge is a canonical world that parses without errors;
 *  - a merge with conflicts holds markers, parses with at least one
 *    "merge conflict" error, and each side of it parses without errors;
 *  - ours merged with an identical theirs is ours, canonically;
 * and nothing crashes, leaks or trips the sanitizers. */
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const wf_buf *b)
{
	fprintf(stderr, "merge broken: %s\n--- result\n%.*s\n", what, b ? (int)b->len : 0,
	        b && b->data ? b->data : "");
	abort();
}

static wf_world *parse_clean(const char *s, size_t n)
{
	wf_diags d = {.max = 1};
	wf_world *w = wf_parse(s, n, "fuzz.acre", &d);
	if (w && d.errors) {
		wf_world_free(w);
		w = NULL;
	}
	wf_diags_free(&d);
	return w;
}

/* The text parses without errors and writes back to itself. */
static void check_canonical(const wf_buf *out, const char *what)
{
	wf_diags d = {0};
	wf_world *w = wf_parse(out->data, out->len, "merged.acre", &d);
	if (!w || d.errors)
		fail(d.n ? d.v[0].msg : what, out);
	wf_buf again = {0};
	if (wf_write(w, &again) == 0 &&
	    (again.len != out->len || memcmp(again.data, out->data, out->len)))
		fail("the merged text is not canonical", out);
	wf_buf_free(&again);
	wf_world_free(w);
	wf_diags_free(&d);
}

static void check_conflicted(const wf_buf *out)
{
	if (!wf_has_conflict_markers(out->data, out->len))
		fail("conflicts reported but no markers written", out);
	wf_diags d = {0};
	wf_world *w = wf_parse(out->data, out->len, "merged.acre", &d);
	bool named = false;
	for (int i = 0; i < d.n && !named; i++)
		named = strstr(d.v[i].msg, "merge conflict") != NULL;
	if (!named)
		fail("the parser names no merge conflict", out);
	wf_world_free(w);
	wf_diags_free(&d);
	wf_buf ours = {0}, theirs = {0};
	uint32_t bad = 0;
	if (wf_conflict_split(out->data, out->len, &ours, NULL, &theirs, NULL, &bad) ==
	    0) {
		if (bad)
			fail("markers out of order", out);
		wf_world *a = parse_clean(ours.data, ours.len);
		wf_world *b = parse_clean(theirs.data, theirs.len);
		if (!a || !b)
			fail(!a ? "ours' side does not parse"
			        : "theirs' side does not parse",
			     out);
		wf_world_free(a);
		wf_world_free(b);
	}
	wf_buf_free(&ours);
	wf_buf_free(&theirs);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *part[3];
	size_t len[3];
	const char *s = (const char *)data, *end = s + size;
	int n = 0;
	while (n < 3) {
		const char *z = memchr(s, 0, (size_t)(end - s));
		part[n] = s;
		len[n++] = z ? (size_t)(z - s) : (size_t)(end - s);
		if (!z)
			break;
		s = z + 1;
	}
	for (int i = n; i < 3; i++) {
		part[i] = part[0];
		len[i] = len[0];
	}
	wf_world *w[3] = {NULL, NULL, NULL};
	for (int i = 0; i < 3; i++)
		if (!(w[i] = parse_clean(part[i], len[i])))
			goto out;
	wf_buf out = {0};
	int conflicts = -1;
	wf_merge_status st = wf_merge(w[0], w[1], w[2], &out, &conflicts);
	if (st == WF_MERGE_CLEAN) {
		if (conflicts != 0)
			fail("a clean merge counts conflicts", &out);
		if (wf_has_conflict_markers(out.data, out.len))
			fail("a clean merge holds markers", &out);
		check_canonical(&out, "the clean merge does not parse");
	} else if (st == WF_MERGE_CONFLICTS) {
		if (conflicts <= 0)
			fail("conflicts reported without a count", &out);
		check_conflicted(&out);
	}
	wf_buf_free(&out);
	/* Theirs the same as ours: the merge is ours, canonically. */
	wf_buf same = {0}, want = {0};
	st = wf_merge(w[0], w[1], w[1], &same, &conflicts);
	if (st == WF_MERGE_CLEAN && wf_write(w[1], &want) == 0 &&
	    (same.len != want.len || memcmp(same.data, want.data, want.len)))
		fail("ours merged with itself is not ours", &same);
	if (st == WF_MERGE_CONFLICTS)
		fail("ours merged with itself conflicts", &same);
	wf_buf_free(&same);
	wf_buf_free(&want);
out:
	for (int i = 0; i < 3; i++)
		wf_world_free(w[i]);
	return 0;
}
