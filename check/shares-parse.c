/* shares-parse.c — the text of the budget-shares file (its format is in
 * shares.c), parsed. Apart from the rest of shares.c so that its fuzz
 * target (tests/fuzz/fuzz-shares.c) links worldfmt and libc only: the file
 * lives in a directory a stranger's world may fill. */
#include "check/check.h"
#include "worldfmt/worldfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void check_shares_free(check_shares *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i].parcel);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* One "parcel" line; false when it is not one. */
static bool parse_parcel(const char *line, check_share *sh)
{
	char name[WF_MAX_STRING + 1];
	long long v[4];
	char extra;
	if (sscanf(line, "parcel %1024s %lld %lld %lld %lld %c", name, &v[0], &v[1], &v[2],
	           &v[3], &extra) != 5)
		return false;
	for (int i = 0; i < 4; i++)
		if (v[i] < 0)
			return false;
	if (!wf_name_ok(name, strlen(name)) || !(sh->parcel = strdup(name)))
		return false;
	sh->instructions = v[0];
	sh->instruction_limit = v[1];
	sh->memory = v[2];
	sh->memory_limit = v[3];
	return true;
}

int check_shares_parse(char *data, size_t len, check_shares *s)
{
	memset(s, 0, sizeof *s);
	size_t magic = strlen(CHECK_SHARES_MAGIC);
	int rc = len >= magic && memcmp(data, CHECK_SHARES_MAGIC, magic) == 0 ? 0 : -1;
	int cap = 0;
	for (char *line = data + magic, *next; rc == 0 && line < data + len; line = next) {
		next = memchr(line, '\n', (size_t)(data + len - line));
		if (!next)
			break; /* a torn last line: the file is written whole, so never */
		*next++ = '\0';
		long long n;
		if (sscanf(line, "revision %40s", s->revision) == 1)
			continue;
		if (sscanf(line, "at %lld", &n) == 1) {
			s->at = n;
			continue;
		}
		if (sscanf(line, "ticks %lld", &n) == 1) {
			s->ticks = n;
			continue;
		}
		if (s->n == cap) {
			int nc = cap ? 2 * cap : 256;
			check_share *v = realloc(s->v, (size_t)nc * sizeof *v);
			if (!v) {
				rc = -1;
				break;
			}
			s->v = v;
			cap = nc;
		}
		if (parse_parcel(line, &s->v[s->n]))
			s->n++;
		else
			rc = -1;
	}
	if (rc != 0)
		check_shares_free(s);
	return rc;
}
