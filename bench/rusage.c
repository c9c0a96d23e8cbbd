/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rusage: run a command and print "<wall seconds> <peak RSS KiB> <user
 * seconds> <system seconds>" to standard error, like
 * `/usr/bin/time -f '%e %M %U %S'`.  bench.sh builds and
 * uses it when GNU time is not installed.  The child's stdout and stdin
 * are left as they are; its exit status is passed on.
 *
 *   cc -O2 -o rusage bench/rusage.c
 *   ./rusage -o FILE CMD [ARG...]
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *out = NULL;
	int first = 1;
	struct timeval t0, t1;
	struct rusage ru;
	int status = 0;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: rusage [-o FILE] CMD [ARG...]\n");
		return 2;
	}
	gettimeofday(&t0, NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[first], argv + first);
		perror(argv[first]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	gettimeofday(&t1, NULL);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6;
	FILE *f = out ? fopen(out, "w") : stderr;
	if (!f) {
		perror(out);
		return 2;
	}
	fprintf(f, "%.2f %ld %.2f %.2f\n", secs, ru.ru_maxrss,
		(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	if (f != stderr)
		fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
