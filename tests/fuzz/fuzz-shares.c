/* fuzz-shares.c — libFuzzer target: the budget-shares file the editor
 * reads (check/shares-parse.c) on any bytes. A file that parses has only
 * valid parcel names and figures that are not negative. */
#include "check/check.h"
#include "worldfmt/worldfmt.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_shares s;
	if (check_shares_parse(text, size, &s) == 0) {
		for (int i = 0; i < s.n; i++) {
			const check_share *sh = &s.v[i];
			if (!wf_name_ok(sh->parcel, strlen(sh->parcel)) || sh->instructions < 0 ||
			    sh->instruction_limit < 0 || sh->memory < 0 || sh->memory_limit < 0)
				__builtin_trap();
		}
		check_shares_free(&s);
	} else if (s.n || s.v) {
		__builtin_trap(); /* a refused file leaves nothing behind */
	}
	free(text);
	return 0;
}
