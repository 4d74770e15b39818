/* cputime.c — `cputime OUTFILE COMMAND [ARGS...]` runs COMMAND and writes
 * the CPU time it used (user + system, in seconds to the microsecond) to
 * OUTFILE. /usr/bin/time prints hundredths, too coarse to compare runs of
 * half a second. Exit status: the command's; 126 when a signal killed it,
 * 127 when it could not be run. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: cputime OUTFILE COMMAND [ARGS...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("cputime: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("cputime: exec");
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("cputime: wait4");
		return 127;
	}
	FILE *f = fopen(argv[1], "w");
	if (f == NULL) {
		perror(argv[1]);
		return 127;
	}
	fprintf(f, "%.6f\n",
	        (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	            (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	fclose(f);
	if (WIFSIGNALED(status))
		return 126;
	return WEXITSTATUS(status);
}
