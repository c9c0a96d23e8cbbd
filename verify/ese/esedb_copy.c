/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A capture's database member on disk for the libesedb record pass: see
 * esedb_copy.h for why and how, docs/ese-checks.md for the cost.
 */
#include "verify/ese/esedb_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fdio.h"
#include "lib/hex.h"

/* The folder as a message shows it: from the environment, so escaped
 * (the one escape set) and cut, like any name we did not write. */
#define DIR_SHOWN_MAX 160
/* What dsb_esedb_check_file says when it cannot run the pass (a pipe or a
 * fork refused, with errno's text), behind our prefix in a C015. */
#define PASS_ERR_MAX 256
_Static_assert(sizeof("could not run the record pass: ") + PASS_ERR_MAX <= DSB_STATUS_DETAIL_MAX,
	       "the pass's own error fits a C015's detail");
_Static_assert(DSB_ESCAPE_CUT_SIZE(DIR_SHOWN_MAX) + 120 <= DSB_ESEDB_COPY_WHY_MAX,
	       "a reason (words, the folder shown, a byte count, errno's text) fits c->why");

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");
	return d && d[0] ? d : "/tmp";
}

static void fail(struct dsb_esedb_copy *c, const char *what, int err)
{
	char dir[DSB_ESCAPE_CUT_SIZE(DIR_SHOWN_MAX)];
	const char *d = tmp_dir();
	dsb_escape_cut(dir, DIR_SHOWN_MAX, d, strlen(d));
	if (c->written)
		snprintf(c->why, sizeof(c->why), "%s in %s (after %" PRIu64 " bytes): %s", what, dir,
			 c->written, strerror(err));
	else
		snprintf(c->why, sizeof(c->why), "%s in %s: %s", what, dir, strerror(err));
	/* What was written is given back now, not when the member ends. */
	dsb_esedb_copy_close(c);
}

void dsb_esedb_copy_open(struct dsb_esedb_copy *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	const char *d = tmp_dir();
	int n = snprintf(c->name, sizeof(c->name), "%s/" DSB_ESEDB_COPY_PREFIX "XXXXXX", d);
	if (n < 0 || (size_t)n >= sizeof(c->name)) {
		c->name[0] = '\0';
		fail(c, "cannot make the temporary copy of the database", ENAMETOOLONG);
		return;
	}
	c->fd = mkstemp(c->name);
	if (c->fd < 0) {
		int e = errno;
		c->name[0] = '\0';
		fail(c, "cannot make the temporary copy of the database", e);
		return;
	}
	/* mkstemp makes it 0600 already; said here so that no umask or libc
	 * can widen it.  Close-on-exec: only our forked child may have it. */
	if (fchmod(c->fd, 0600) != 0 || fcntl(c->fd, F_SETFD, FD_CLOEXEC) != 0) {
		fail(c, "cannot make the temporary copy of the database private", errno);
		return;
	}
	snprintf(c->proc, sizeof(c->proc), "/proc/self/fd/%d", c->fd);
	/* Unlinked at once when the pass can reach it without its name: then
	 * nothing that ends the process can leave it behind. */
	if (access(c->proc, R_OK) == 0 && unlink(c->name) == 0)
		c->name[0] = '\0';
}

void dsb_esedb_copy_write(struct dsb_esedb_copy *c, const void *buf, size_t len)
{
	if (c->fd >= 0 && !dsb_write_all(c->fd, buf, len, &c->written))
		fail(c, "cannot write the temporary copy of the database", errno);
}

bool dsb_esedb_copy_check(struct dsb_esedb_copy *c, struct dsb_findings *f, int input,
			  const struct dsb_loc *base, const struct dsb_ese_summary *sum,
			  const struct dsb_esedb_limits *lim, char *err, size_t errlen)
{
	/* Our checks decide first: if they keep the file from libesedb, the
	 * copy was not needed and its failure changes nothing. */
	if (!dsb_esedb_gate(f, input, base, sum))
		return true;
	if (c->why[0] || c->fd < 0) {
		snprintf(err, errlen, "could not run the record pass: %s",
			 c->why[0] ? c->why : "the temporary copy of the database was not made");
		return false;
	}
	const char *path = c->name[0] ? c->name : c->proc;
	char why[PASS_ERR_MAX];
	if (!dsb_esedb_check_file(path, f, input, base, sum, lim, why, sizeof(why))) {
		snprintf(err, errlen, "could not run the record pass: %s", why);
		return false;
	}
	return true;
}

void dsb_esedb_copy_close(struct dsb_esedb_copy *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->name[0])
		unlink(c->name);
	c->name[0] = '\0';
}
