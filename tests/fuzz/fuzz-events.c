/* fuzz-events.c — libFuzzer target: the events-file parser on any bytes. */
#include "stdlib/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	api_events ev = {0};
	api_events_parse((const char *)data, size, "fuzz", &ev);
	api_events_free(&ev);
	return 0;
}
