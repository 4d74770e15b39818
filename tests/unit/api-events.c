/* api-events.c — the events-file parser: good files, and the exact error for
 * each kind of bad line. */
#include "stdlib/api.h"
#include "tests/unit/unit.h"

#include <stdio.h>

/* The first error as "file:line:col: msg", or "" when the file is good. */
static const char *first_error(const char *text, api_events *ev)
{
	static char buf[800];
	api_events_free(ev);
	api_events_parse(text, strlen(text), "ev.txt", ev);
	if (ev->nerrs == 0)
		return "";
	api_error *e = &ev->errs[0];
	snprintf(buf, sizeof buf, "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
	return buf;
}

static void test_good(void)
{
	api_events ev = {0};
	const char *text = "\xef\xbb\xbf# a comment\n"
	                   "\n"
	                   "1 enter ana plaza\r\n"
	                   "  2 interact ana plaza fountain\n"
	                   "2\tleave ana plaza   \n"
	                   "5 message relay-1 hello,  world # not a comment \n"
	                   "5 message clock.tower \xc3\xa9t\xc3\xa9";
	CHECK_STR(first_error(text, &ev), "", "a good file parses without errors");
	CHECK(ev.n == 5, "five events (got %d)", ev.n);
	CHECK(ev.v[0].tick == 1 && ev.v[0].kind == API_EV_ENTER, "enter at tick 1");
	CHECK_STR(ev.v[0].avatar, "ana", "avatar name");
	CHECK_STR(ev.v[1].entity, "fountain", "interact names its entity");
	CHECK(ev.v[2].kind == API_EV_LEAVE && ev.v[2].line == 5, "leave on line 5");
	CHECK_STR(ev.v[3].text, "hello,  world # not a comment",
	          "message text is the rest of the line, inner blanks kept");
	CHECK(ev.v[3].avatar == NULL, "a message has no avatar");
	CHECK_STR(ev.v[4].parcel, "clock.tower", "names may hold dots");
	CHECK_STR(ev.v[4].text, "\xc3\xa9t\xc3\xa9", "UTF-8 text, no final newline");
	api_events_free(&ev);
}

static const struct {
	const char *text, *error;
} bad[] = {
    {"x enter a b\n", "ev.txt:1:1: expected a tick number, not 'x'"},
    {"0 enter a b\n", "ev.txt:1:1: tick must be from 1 to 1000000000, not 0"},
    {"12345678901 enter a b\n", "ev.txt:1:1: expected a tick number, not '12345678901'"},
    {"3 enter a b\n2 enter a b\n",
     "ev.txt:2:1: events must be in tick order: tick 2 comes after tick 3"},
    {"1 jump a b\n",
     "ev.txt:1:3: unknown event 'jump' (expected enter, leave, interact or message)"},
    {"1\n", "ev.txt:1:2: expected an event (enter, leave, interact or message)"},
    {"1 enter\n", "ev.txt:1:8: expected avatar name"},
    {"1 enter ana\n", "ev.txt:1:12: expected parcel name"},
    {"1 enter a$b plaza\n",
     "ev.txt:1:9: 'a$b' is not a valid avatar name (letters, digits, '_', '.', '-'; "
     "at most 64 bytes)"},
    {"1 interact ana plaza\n", "ev.txt:1:21: expected entity name"},
    {"1 enter ana plaza now\n", "ev.txt:1:19: unexpected 'now' after the enter event"},
    {"1 message plaza   \n", "ev.txt:1:19: expected message text"},
    {"1 message plaza ab\xff\n", "ev.txt:1:19: message text is not valid UTF-8 text"},
    {"1 enter a\0b plaza\n", "ev.txt:1:10: NUL byte in the events file"},
};

static void test_bad(void)
{
	api_events ev = {0};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* The NUL case needs an explicit length. */
		size_t len = strlen(bad[i].text);
		if (strstr(bad[i].error, "NUL"))
			len = 18;
		api_events_free(&ev);
		api_events_parse(bad[i].text, len, "ev.txt", &ev);
		char buf[800] = "";
		const char *got = buf;
		if (ev.nerrs)
			snprintf(buf, sizeof buf, "%s:%u:%u: %s", ev.errs[0].file,
			         ev.errs[0].line, ev.errs[0].col, ev.errs[0].msg);
		CHECK_STR(got, bad[i].error, "bad line %zu reports its error", i);
	}
	api_events_free(&ev);
}

static void test_all_errors(void)
{
	api_events ev = {0};
	const char *text = "x\n1 enter a b\ny\n2 enter a b\nz\n";
	first_error(text, &ev);
	CHECK(ev.errors == 3 && ev.nerrs == 3, "every bad line is reported (%d)",
	      ev.errors);
	CHECK(ev.n == 2, "good lines are kept (%d)", ev.n);
	api_events_free(&ev);

	char big[4096] = "";
	for (int i = 0; i < 30; i++)
		strcat(big, "bad\n");
	first_error(big, &ev);
	CHECK(ev.errors == 30 && ev.nerrs == API_MAX_EVENT_ERRORS,
	      "errors past the cap are counted, not recorded");
	api_events_free(&ev);
}

static void test_load_missing(void)
{
	api_events ev = {0};
	int rc = api_events_load(".", "no/such/events", "no/such/events", &ev);
	CHECK(rc == -1 && ev.nerrs == 1, "a missing file is an error");
	CHECK_STR(ev.errs[0].msg,
	          "cannot read the events file: no such file",
	          "and says why");
	api_events_free(&ev);
}

int main(void)
{
	test_good();
	test_bad();
	test_all_errors();
	test_load_missing();
	return unit_done();
}
