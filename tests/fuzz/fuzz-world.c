/* fuzz-world.c — libFuzzer target for the world parser: parse, validate
 * and write any bytes; when the input parsed without errors, the canonical
 * text must parse without errors to an equal model (checked by writing it
 * again: write ∘ parse ∘ write = write) and validate the same way. */
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const wf_buf *a, const wf_buf *b)
{
	fprintf(stderr, "round trip broken: %s\n--- first\n%.*s\n--- second\n%.*s\n",
	        what, (int)a->len, a->data, b ? (int)b->len : 0, b ? b->data : "");
	abort();
}

/* Printable ASCII, tabs and newlines only: then ending each line with
 * CRLF instead changes nothing but the line ends. */
static bool plain_text(const unsigned char *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if ((data[i] < 0x20 && data[i] != '\n' && data[i] != '\t') || data[i] > 0x7e)
			return false;
	return true;
}

/* Canonical layout rows ("    " glyphs "\n") take a short way through the
 * parser; with CRLF line ends every row takes the general way. Both must
 * give the same diagnostics and the same model (compared by its text). */
static void check_row_paths(const unsigned char *data, size_t size, const wf_diags *d,
                            int nparse, int parse_errors, const wf_world *w)
{
	if (size > 65536 || !plain_text(data, size))
		return;
	char *crlf = malloc(2 * size + 1);
	if (!crlf)
		return;
	size_t n = 0;
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n')
			crlf[n++] = '\r';
		crlf[n++] = (char)data[i];
	}
	wf_diags d2 = {0};
	wf_world *w2 = wf_parse(crlf, n, "fuzz.acre", &d2);
	if (w2) {
		if (d2.n != nparse || d2.errors != parse_errors)
			fail("CRLF line ends give other diagnostics", &(wf_buf){0}, NULL);
		for (int i = 0; i < nparse; i++)
			if (d2.v[i].line != d->v[i].line || d2.v[i].col != d->v[i].col ||
			    d2.v[i].end_col != d->v[i].end_col ||
			    strcmp(d2.v[i].msg, d->v[i].msg) != 0)
				fail(d->v[i].msg, &(wf_buf){0}, NULL);
		wf_buf a = {0}, b = {0};
		if (wf_write(w, &a) == 0 && wf_write(w2, &b) == 0 &&
		    (a.len != b.len || memcmp(a.data, b.data, a.len) != 0))
			fail("CRLF line ends give another model", &a, &b);
		wf_buf_free(&a);
		wf_buf_free(&b);
		wf_world_free(w2);
	}
	wf_diags_free(&d2);
	free(crlf);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	wf_diags d = {0};
	wf_world *w = wf_parse((const char *)data, size, "fuzz.acre", &d);
	if (!w) {
		wf_diags_free(&d);
		return 0;
	}
	bool parsed = d.errors == 0;
	int nparse = d.n, parse_errors = d.errors;
	wf_validate(w, NULL, "fuzz.acre", &d);
	int rule_errors = d.errors;
	wf_buf a = {0}, b = {0};
	if (wf_write(w, &a) == 0 && parsed) {
		wf_diags d2 = {0};
		wf_world *w2 = wf_parse(a.data, a.len, "fuzz.acre", &d2);
		if (!w2 || d2.errors)
			fail(d2.n ? d2.v[0].msg : "reparse failed", &a, NULL);
		wf_validate(w2, NULL, "fuzz.acre", &d2);
		if (d2.errors != rule_errors)
			fail("validation differs after a round trip", &a, NULL);
		if (wf_write(w2, &b) != 0 || a.len != b.len ||
		    memcmp(a.data, b.data, a.len))
			fail("write is not idempotent", &a, &b);
		wf_world *c = wf_world_clone(w2);
		wf_buf cb = {0};
		if (!c || wf_write(c, &cb) != 0 || cb.len != b.len ||
		    memcmp(cb.data, b.data, b.len))
			fail("a clone writes differently", &b, &cb);
		wf_buf_free(&cb);
		wf_world_free(c);
		wf_world_free(w2);
		wf_diags_free(&d2);
	}
	wf_buf_free(&a);
	wf_buf_free(&b);
	if (d.dropped == 0) /* every diagnostic of the parser was kept */
		check_row_paths(data, size, &d, nparse, parse_errors, w);
	wf_world_free(w);
	wf_diags_free(&d);
	return 0;
}
