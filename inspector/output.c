/* SPDX-License-Identifier: Apache-2.0 */
#include "inspector/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspector/term.h"

/* The temporary file of the output being written, for the signal handler:
 * an interrupted run must not leave a stray ".report.json.XXXXXX" behind.
 * Only one output is open at a time. */
static char *volatile pending_tmp;
static struct sigaction saved_int, saved_term, saved_hup;

static void on_fatal_signal(int sig)
{
	char *t = pending_tmp;
	if (t)
		unlink(t);             /* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_tmp(char *tmp)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	pending_tmp = tmp;
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
	sigaction(SIGHUP, &sa, &saved_hup);
}

static void unguard_tmp(void)
{
	if (!pending_tmp)
		return;
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
	sigaction(SIGHUP, &saved_hup, NULL);
	pending_tmp = NULL;
}

static void set_err(char *err, size_t errlen, const char *what, const char *path, int e)
{
	char shown[PATH_MAX];
	dsb_term_escape(shown, sizeof shown, path);
	snprintf(err, errlen, "%s %s: %s", what, shown, strerror(e));
}

static void output_reset(struct dsb_output *o)
{
	free(o->path);
	free(o->target);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

/* "dir/.name.XXXXXX" for target "dir/name"; "./.name.XXXXXX" for "name". */
static char *tmp_template(const char *target)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
	const char *base = target + dirlen;
	size_t n = dirlen + strlen(base) + sizeof "./..XXXXXX";
	char *t = malloc(n);
	if (!t)
		return NULL;
	if (dirlen)
		snprintf(t, n, "%.*s.%s.XXXXXX", (int)dirlen, target, base);
	else
		snprintf(t, n, "./.%s.XXXXXX", base);
	return t;
}

static bool open_atomic(struct dsb_output *o, bool existed, mode_t old_mode,
			char *err, size_t errlen)
{
	o->tmp = tmp_template(o->target);
	if (!o->tmp) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		set_err(err, errlen, "cannot write", o->path, errno);
		free(o->tmp);          /* no file was made: nothing to remove */
		o->tmp = NULL;
		return false;
	}
	guard_tmp(o->tmp);

	/* mkstemp makes the file 0600; give the report the mode a new file
	 * would get, or keep the mode of the report it replaces. */
	mode_t mode = old_mode;
	if (!existed) {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(fd, mode) != 0 || !(o->fp = fdopen(fd, "w"))) {
		set_err(err, errlen, "cannot write", o->path, errno);
		close(fd);
		return false;
	}
	return true;
}

bool dsb_output_open(struct dsb_output *o, const char *path, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return true;
	}
	o->path = strdup(path);
	if (!o->path) {
		snprintf(err, errlen, "out of memory");
		return false;
	}

	struct stat st;
	bool existed = false;
	if (stat(path, &st) == 0) {
		existed = true;
		if (S_ISDIR(st.st_mode)) {
			set_err(err, errlen, "cannot write", path, EISDIR);
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			/* A device or FIFO: write straight into it. */
			o->fp = fopen(path, "w");
			if (!o->fp) {
				set_err(err, errlen, "cannot write", path, errno);
				goto fail;
			}
			return true;
		}
		/* Replace the file a symbolic link points to, not the link. */
		o->target = realpath(path, NULL);
	} else if (errno != ENOENT) {
		set_err(err, errlen, "cannot write", path, errno);
		goto fail;
	} else {
		o->target = strdup(path);
	}
	if (!o->target) {
		set_err(err, errlen, "cannot write", path, errno);
		goto fail;
	}
	if (open_atomic(o, existed, existed ? (st.st_mode & 07777) : 0, err, errlen))
		return true;
fail:
	dsb_output_abort(o);
	return false;
}

static void sync_dir_of(const char *target)
{
	const char *slash = strrchr(target, '/');
	char dir[PATH_MAX];
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == target)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - target), target);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		/* Makes the rename durable; some file systems refuse to fsync a
		 * directory, and the report is complete either way. */
		(void)fsync(fd);
		close(fd);
	}
}

bool dsb_output_commit(struct dsb_output *o, char *err, size_t errlen)
{
	bool ok = true;
	if (o->fp == stdout) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			snprintf(err, errlen, "cannot write the report to standard output: %s",
				 strerror(errno));
			ok = false;
		}
		output_reset(o);
		return ok;
	}
	if (!o->tmp) {
		/* A device or FIFO. */
		if (fflush(o->fp) != 0 || ferror(o->fp)) {
			set_err(err, errlen, "cannot write", o->path, errno);
			ok = false;
		}
		if (fclose(o->fp) != 0 && ok) {
			set_err(err, errlen, "cannot write", o->path, errno);
			ok = false;
		}
		o->fp = NULL;
		output_reset(o);
		return ok;
	}
	if (fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0) {
		set_err(err, errlen, "cannot write", o->path, errno ? errno : EIO);
		dsb_output_abort(o);
		return false;
	}
	int rc = fclose(o->fp);
	o->fp = NULL;
	if (rc != 0 || rename(o->tmp, o->target) != 0) {
		set_err(err, errlen, "cannot write", o->path, errno);
		dsb_output_abort(o);
		return false;
	}
	unguard_tmp();
	sync_dir_of(o->target);
	output_reset(o);
	return true;
}

void dsb_output_abort(struct dsb_output *o)
{
	if (o->fp && o->fp != stdout)
		fclose(o->fp);
	if (o->tmp) {
		unlink(o->tmp);
		unguard_tmp();
	}
	if (o->fp == stdout)
		fflush(stdout);
	o->fp = NULL;
	output_reset(o);
}
