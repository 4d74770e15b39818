/* unit.h — the smallest test harness that reads well: TAP-style output.
 *
 * A unit-test program calls CHECK(cond, fmt, ...) for each assertion and ends
 * with `return unit_done();`. Each CHECK prints "ok N - name" or "not ok N -
 * name" with the failing expression; tests/run.sh counts them. */
#ifndef ACRE_UNIT_H
#define ACRE_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

static inline int unit_check(int ok, const char *expr, const char *file, int line,
                             const char *fmt, ...)
{
	va_list ap;
	unit_n++;
	printf("%s %d - ", ok ? "ok" : "not ok", unit_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok) {
		unit_failed++;
		printf("#   failed: %s at %s:%d\n", expr, file, line);
	}
	return ok;
}

#define CHECK(cond, ...) unit_check(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STR(got, want, ...)                                                  \
	(unit_check((got) && strcmp((got), (want)) == 0, #got " == " #want, __FILE__, \
	            __LINE__, __VA_ARGS__) ||                                          \
	 (printf("#   got:  %s\n#   want: %s\n", (got) ? (got) : "(null)", (want)), 0))

static inline int unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
