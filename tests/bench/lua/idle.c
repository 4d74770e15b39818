/* idle.c — idle memory of scripted parcels: N sandboxed states, each with a
 * small handler script loaded, as `make bench` reports it. Prints the heap
 * each state accounts for and the process's resident growth per state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

static const char script[] = "local count = 0\n"
                             "function on_tick(tick)\n"
                             "  count = count + 1\n"
                             "end\n"
                             "function on_enter(who)\n"
                             "  print('welcome', who)\n"
                             "end\n";

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * 4;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	vm **vms = calloc((size_t)n, sizeof *vms);
	vm_config cfg = {.limits = vm_default_limits(), .seed = 1, .name = "p"};
	size_t heap = 0;
	long before = rss_kib();
	for (int i = 0; i < n; i++) {
		vm_error err;
		vms[i] = vm_new(&cfg);
		if (!vms[i] ||
		    vm_load(vms[i], "p.lua", script, strlen(script), &err) != VM_OK) {
			fprintf(stderr, "idle: state %d failed\n", i);
			return 1;
		}
		heap += vm_get_usage(vms[i]).memory;
	}
	long after = rss_kib();
	printf("idle memory per state (%d states): heap %.1f KiB, resident %.1f KiB"
	       " (target <= 40 KiB)\n",
	       n, heap / 1024.0 / n, (double)(after - before) / n);
	for (int i = 0; i < n; i++)
		vm_free(vms[i]);
	free(vms);
	return 0;
}
