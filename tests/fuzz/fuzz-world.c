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

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	wf_diags d = {0};
	wf_world *w = wf_parse((const char *)data, size, "fuzz.acre", &d);
	if (!w) {
		wf_diags_free(&d);
		return 0;
	}
	bool parsed = d.errors == 0;
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
	wf_world_free(w);
	wf_diags_free(&d);
	return 0;
}
