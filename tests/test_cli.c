/* SPDX-License-Identifier: Apache-2.0 */
/*
 * End-to-end tests: every scenario of the fixture catalogue is written to a
 * temporary folder and checked by running the built dsbinspect (DSB_BINARY)
 * as a user would, `verify --format json`, then parsing its report:
 *
 * - the exit status under the default --fail-on (RC §2);
 * - the report's shape and order (RC §3.1-§3.6) and its consistency with
 *   the rule catalogue, the verdict and the exit status;
 * - the rule ids that must be present (with exact counts where the contract
 *   fixes them) and absent; no other finding for clean scenarios;
 * - the sessions and files, for scenarios that say so (RC §3.3, §3.4);
 * - that no output ever holds the password or the token (RC §3.7).
 *
 * The good scenarios and a handful of rule scenarios are also run in every
 * container (tar flavours, filters, zip, 7z, cpio, a folder, standard input)
 * with the journal first and last; SARIF and text are checked on one
 * scenario, and all three formats on the password scenarios.
 *
 * Expectations come from the contract, not from the program's current
 * behaviour.  A suite checks the catalogue itself (names, rule ids, twins);
 * that every rule of the rule catalogue has a raising case and a twin that
 * does not is tests/test_rule_coverage.c, over the whole catalogue.
 *
 * DSB_CLI_BIG_RECORDS (environment) sets the size of the capped-findings
 * journal; the default is DSB_CLI_BIG_DEFAULT (see docs/fixtures.md).
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <jansson.h>
#include <malloc.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/lib/fxproto.h"
#include "fixtures/lib/scenarios.h"
#include "lib/hex.h"
#include "verify/rules.h"

#include "cunit_main.h"

/* A hang guard, not a speed test (speed is bench/'s): a run still going
 * after this long is killed and the check fails.  The capped-findings
 * journal gets the longer one: millions of records under the sanitizers
 * on a loaded 2-core machine may take minutes. */
#define RUN_TIMEOUT_S 120            /* one dsbinspect run */
#define RUN_TIMEOUT_BIG_S 600        /* the big journal's run */
static int run_timeout_s = RUN_TIMEOUT_S;
#define RUN_OUTPUT_MAX (256u << 20)  /* bytes kept from stdout or stderr */
/* Records of the capped-findings journal.  The contract's scale is 10
 * million (DSB_CLI_BIG_RECORDS=10000000 runs it); a Debug build verifies
 * about 100,000 records a second, so the default keeps the test near
 * 30 s.  The cap and the counts do not depend on the scale past 1,000. */
#define DSB_CLI_BIG_DEFAULT 3000000
#define LONG_LINE_RSS_LIMIT_KB (40 * 1024)

#define RSS_JUDGED DSB_RSS_JUDGED   /* cunit_main.h: not under the sanitizer */

static char tmp_root[64];
static unsigned tmp_seq;

/* ---- assertions with messages ------------------------------------------ */

static unsigned failures_here;

static bool check_at(bool ok, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool check_at(bool ok, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, __FILE__, "", CU_FALSE);
	if (!ok)
		failures_here++;
	return ok;
}

#define CHECK(cond, ...) check_at((cond), __LINE__, __VA_ARGS__)

static bool has_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	if (m == 0)
		return true;
	for (size_t i = 0; i + m <= n; i++) {
		const char *q = memchr(hay + i, needle[0], n - m + 1 - i);
		if (!q)
			return false;
		i = (size_t)(q - hay);
		if (memcmp(q, needle, m) == 0)
			return true;
	}
	return false;
}

/* ---- temporary files ----------------------------------------------------- */

/* Remove a file or a folder tree, not following symbolic links. */
static void rm_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			char sub[1024];
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			rm_tree(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void tmp_path(char *out, size_t len, const char *stem, const char *suffix)
{
	snprintf(out, len, "%s/%u-%s%s", tmp_root, ++tmp_seq, stem, suffix);
}

/* ---- running dsbinspect -------------------------------------------------- */

struct run {
	int status;          /* exit status, or -1 when killed by a signal / not run */
	int signal;
	bool timed_out;
	char *out, *err;
	size_t out_len, err_len;
	long maxrss_kb;
	double secs;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

static void grow_read(int fd, char **buf, size_t *len, size_t *cap, bool *open)
{
	char tmp[65536];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		*open = false;
		return;
	}
	if (*len + (size_t)n > RUN_OUTPUT_MAX)
		n = (ssize_t)(RUN_OUTPUT_MAX - *len);
	if (*len + (size_t)n + 1 > *cap) {
		size_t c = *cap ? *cap : 65536;
		while (c < *len + (size_t)n + 1)
			c *= 2;
		*buf = dfx_xrealloc(*buf, c);
		*cap = c;
	}
	memcpy(*buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
}

/* Run DSB_BINARY with argv (argv[0] is set here); feed stdin_file through a
 * pipe when given, else /dev/null. */
static void run_dsb(struct run *r, const char *const *args, const char *stdin_file)
{
	const char *argv[32];
	int pin[2] = { -1, -1 }, pout[2], perr[2];
	size_t n = 0, out_cap = 0, err_cap = 0;
	struct timeval t0, t1;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	argv[n++] = DSB_BINARY;
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	int feed = -1;
	if (stdin_file) {
		feed = open(stdin_file, O_RDONLY);
		if (feed < 0 || pipe(pin) != 0)
			return;
	}
	if (pipe(pout) != 0 || pipe(perr) != 0)
		return;
	/* The child's peak RSS (wait4) includes what it shares with this
	 * process until exec: give the heap back first, so that the figure is
	 * close to dsbinspect's own.  It stays an upper bound. */
	malloc_trim(0);
	gettimeofday(&t0, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int in = stdin_file ? pin[0] : open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		for (int fd = 3; fd < 64; fd++)
			close(fd);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pout[1]);
	close(perr[1]);
	if (stdin_file) {
		close(pin[0]);
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	}
	bool out_open = true, err_open = true, in_open = stdin_file != NULL;
	char inbuf[65536];
	size_t in_len = 0, in_off = 0;
	time_t deadline = time(NULL) + run_timeout_s;

	while (out_open || err_open) {
		struct pollfd p[3];
		int np = 0, iout = -1, ierr = -1, iin = -1;

		if (out_open) { p[np] = (struct pollfd){ pout[0], POLLIN, 0 }; iout = np++; }
		if (err_open) { p[np] = (struct pollfd){ perr[0], POLLIN, 0 }; ierr = np++; }
		if (in_open) { p[np] = (struct pollfd){ pin[1], POLLOUT, 0 }; iin = np++; }
		if (time(NULL) > deadline) {
			r->timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(p, (nfds_t)np, 1000) < 0 && errno != EINTR)
			break;
		if (iout >= 0 && p[iout].revents)
			grow_read(pout[0], &r->out, &r->out_len, &out_cap, &out_open);
		if (ierr >= 0 && p[ierr].revents)
			grow_read(perr[0], &r->err, &r->err_len, &err_cap, &err_open);
		if (iin >= 0 && p[iin].revents) {
			if (p[iin].revents & (POLLERR | POLLHUP)) {
				in_open = false;
			} else {
				if (in_off == in_len) {
					ssize_t k = read(feed, inbuf, sizeof(inbuf));
					in_len = k > 0 ? (size_t)k : 0;
					in_off = 0;
					if (k <= 0)
						in_open = false;
				}
				if (in_open) {
					ssize_t k = write(pin[1], inbuf + in_off, in_len - in_off);
					if (k > 0)
						in_off += (size_t)k;
					else if (k < 0 && errno != EAGAIN && errno != EINTR)
						in_open = false;
				}
			}
			if (!in_open) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	if (feed >= 0)
		close(feed);
	close(pout[0]);
	close(perr[0]);
	int st = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	wait4(pid, &st, 0, &ru);
	gettimeofday(&t1, NULL);
	r->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6;
	r->maxrss_kb = ru.ru_maxrss;
	if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->signal = WTERMSIG(st);
	if (!r->out)
		r->out = dfx_xstrdup("");
	if (!r->err)
		r->err = dfx_xstrdup("");
}

/* ---- report checks -------------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool in_set(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static bool is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

static const char *verdict_of_status(int status)
{
	return status == 0 ? "pass" : status == 1 ? "fail" : "incomplete";
}

/* A location key of a finding for the order of RC §3.6: -1 when absent. */
static long long loc_int(json_t *f, const char *key)
{
	json_t *v = json_object_get(json_object_get(f, "location"), key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static int cmp_opt_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);   /* none first */
	return strcmp(a, b);
}

/* RC §3.6: input, anchor line (0 if none), page, offset (none first), rule
 * id, member (none first), message in byte order. */
static int finding_cmp(json_t *a, json_t *b)
{
	long long x, y;
	int c;

	x = json_integer_value(json_object_get(a, "input"));
	y = json_integer_value(json_object_get(b, "input"));
	if (x != y)
		return x < y ? -1 : 1;
	x = loc_int(a, "line"); y = loc_int(b, "line");
	x = x < 0 ? 0 : x; y = y < 0 ? 0 : y;
	if (x != y)
		return x < y ? -1 : 1;
	static const char *const keys[] = { "page", "offset" };
	for (size_t i = 0; i < 2; i++) {
		x = loc_int(a, keys[i]); y = loc_int(b, keys[i]);
		if (x != y)
			return x < y ? -1 : 1;   /* -1 (none) sorts first */
	}
	if ((c = strcmp(jstr(a, "rule"), jstr(b, "rule"))))
		return c;
	if ((c = cmp_opt_str(jstr(json_object_get(a, "location"), "member"),
			     jstr(json_object_get(b, "location"), "member"))))
		return c;
	return strcmp(jstr(a, "message"), jstr(b, "message"));
}

static const char *const containers[] = { "tar", "zip", "7z", "cpio", "ar", "iso9660", "cab",
	"rar", "xar", "lha", "warc", "dir", NULL };
static const char *const filters[] = { "gzip", "bzip2", "xz", "lzma", "lzip", "zstd", "lz4",
	"compress", "lzop", "lrzip", "grzip", "uu", NULL };

/* The shape of RC §3.1-§3.6, and its consistency with the exit status.
 * `paths` are the inputs as given. */
static void check_shape_ex(const char *ctx, json_t *root, const char *const *paths, size_t npaths,
			   int status, bool default_fail_on)
{
	CHECK(json_is_object(root), "%s: report is a JSON object", ctx);
	CHECK(in_set(jstr(root, "schema"), (const char *const[]){ "dsbinspect-report/1", NULL }),
	      "%s: schema is dsbinspect-report/1", ctx);
	json_t *tool = json_object_get(root, "tool");
	CHECK(in_set(jstr(tool, "name"), (const char *const[]){ "dsbinspect", NULL }),
	      "%s: tool.name is dsbinspect", ctx);
	CHECK(jstr(tool, "version") && *jstr(tool, "version"), "%s: tool.version", ctx);

	json_t *inputs = json_object_get(root, "inputs");
	CHECK(json_is_array(inputs) && json_array_size(inputs) == npaths,
	      "%s: inputs has %zu entries", ctx, npaths);
	for (size_t i = 0; json_is_array(inputs) && i < json_array_size(inputs) && i < npaths; i++) {
		json_t *in = json_array_get(inputs, i);
		json_t *sha = json_object_get(in, "sha256"), *ctr = json_object_get(in, "container");
		json_t *flt = json_object_get(in, "filters");

		CHECK(jstr(in, "path") && strcmp(jstr(in, "path"), paths[i]) == 0,
		      "%s: inputs[%zu].path is the path as given", ctx, i);
		CHECK(json_is_integer(json_object_get(in, "size")) &&
		      json_integer_value(json_object_get(in, "size")) >= 0, "%s: inputs[%zu].size", ctx, i);
		CHECK(json_is_null(sha) || is_hex64(json_string_value(sha)),
		      "%s: inputs[%zu].sha256 is null or 64 hex digits", ctx, i);
		CHECK(json_is_null(ctr) || in_set(json_string_value(ctr), containers),
		      "%s: inputs[%zu].container", ctx, i);
		bool fl_ok = json_is_array(flt);
		for (size_t k = 0; fl_ok && k < json_array_size(flt); k++)
			fl_ok = in_set(json_string_value(json_array_get(flt, k)), filters);
		CHECK(fl_ok, "%s: inputs[%zu].filters is an array of known filter names", ctx, i);
		CHECK(in_set(jstr(in, "verdict"), (const char *const[]){ "pass", "fail", "incomplete", NULL }),
		      "%s: inputs[%zu].verdict", ctx, i);
	}

	json_t *sessions = json_object_get(root, "sessions");
	CHECK(json_is_array(sessions), "%s: sessions is an array", ctx);
	for (size_t i = 0; json_is_array(sessions) && i < json_array_size(sessions); i++) {
		json_t *s = json_array_get(sessions, i);
		const char *kind = jstr(s, "kind");
		json_t *files = json_object_get(s, "files");

		CHECK(json_is_integer(json_object_get(s, "input")) && jstr(s, "hbc") &&
		      json_is_integer(json_object_get(s, "first_seq")) &&
		      json_is_integer(json_object_get(s, "last_seq")) &&
		      json_is_boolean(json_object_get(s, "cut")) && json_is_array(files),
		      "%s: sessions[%zu] has input, hbc, first_seq, last_seq, cut, files", ctx, i);
		CHECK(json_integer_value(json_object_get(s, "last_seq")) >=
		      json_integer_value(json_object_get(s, "first_seq")),
		      "%s: sessions[%zu].last_seq >= first_seq", ctx, i);
		CHECK(in_set(kind, (const char *const[]){ "backup", "restore", NULL }),
		      "%s: sessions[%zu].kind", ctx, i);
		if (kind && strcmp(kind, "backup") == 0)
			CHECK(jstr(s, "backup_type") != NULL, "%s: sessions[%zu].backup_type", ctx, i);
		if (kind && strcmp(kind, "restore") == 0)
			CHECK(json_is_integer(json_object_get(s, "restore_type")) &&
			      json_is_boolean(json_object_get(s, "has_token")) &&
			      json_array_size(files) == 0,
			      "%s: sessions[%zu] restore_type, has_token, files []", ctx, i);
		for (size_t k = 0; json_is_array(files) && k < json_array_size(files); k++) {
			json_t *f = json_array_get(files, k), *bft = json_object_get(f, "bft");
			json_t *m = json_object_get(f, "member"), *sh = json_object_get(f, "sha256");
			CHECK(jstr(f, "name") && (json_is_null(bft) || (jstr(f, "bft") &&
			      strncmp(jstr(f, "bft"), "0x", 2) == 0 && strlen(jstr(f, "bft")) >= 4)) &&
			      json_is_integer(json_object_get(f, "file_size")) &&
			      json_is_integer(json_object_get(f, "bytes_read")) &&
			      (json_is_null(m) || json_is_string(m)) &&
			      (json_is_null(sh) || is_hex64(json_string_value(sh))) &&
			      json_is_boolean(json_object_get(f, "complete")),
			      "%s: sessions[%zu].files[%zu] fields", ctx, i, k);
		}
	}

	json_t *findings = json_object_get(root, "findings");
	size_t counts[3] = { 0, 0, 0 };
	bool why = false;
	CHECK(json_is_array(findings), "%s: findings is an array", ctx);
	for (size_t i = 0; json_is_array(findings) && i < json_array_size(findings); i++) {
		json_t *f = json_array_get(findings, i);
		const char *rule = jstr(f, "rule"), *msg = jstr(f, "message");
		enum dsb_rule r = rule ? dsb_rule_by_id(rule) : DSB_RULE_COUNT;

		if (!CHECK(r != DSB_RULE_COUNT, "%s: findings[%zu].rule is a catalogue id", ctx, i))
			continue;
		const struct dsb_rule_info *info = dsb_rule_info(r);
		CHECK(in_set(jstr(f, "severity"), (const char *const[]){
			      dsb_severity_name(info->severity), NULL }),
		      "%s: %s has its catalogue severity %s", ctx, rule, dsb_severity_name(info->severity));
		CHECK(in_set(jstr(f, "category"), (const char *const[]){
			      dsb_category_name(info->category), NULL }),
		      "%s: %s has its catalogue category", ctx, rule);
		CHECK(msg && *msg && !strchr(msg, '\n'), "%s: %s message is one non-empty line", ctx, rule);
		CHECK(json_is_integer(json_object_get(f, "input")) &&
		      json_is_object(json_object_get(f, "location")),
		      "%s: %s has input and location", ctx, rule);
		counts[info->severity]++;
		if (r == DSB_C001 || r == DSB_C010 || r == DSB_C015)
			why = true;
		if (i > 0)
			CHECK(finding_cmp(json_array_get(findings, i - 1), f) <= 0,
			      "%s: findings[%zu] (%s) is in report order (RC §3.6)", ctx, i, rule);
	}

	json_t *sum = json_object_get(root, "summary");
	json_t *sup = json_object_get(sum, "suppressed");
	CHECK(json_is_object(sup), "%s: summary.suppressed is an object", ctx);
	if (json_is_object(sup) && json_object_size(sup) == 0) {
		CHECK(json_is_integer(json_object_get(sum, "errors")) &&
		      (size_t)json_integer_value(json_object_get(sum, "errors")) == counts[DSB_SEV_ERROR],
		      "%s: summary.errors counts the error findings (%zu)", ctx, counts[DSB_SEV_ERROR]);
		CHECK(json_is_integer(json_object_get(sum, "warnings")) &&
		      (size_t)json_integer_value(json_object_get(sum, "warnings")) == counts[DSB_SEV_WARNING],
		      "%s: summary.warnings counts the warnings (%zu)", ctx, counts[DSB_SEV_WARNING]);
		CHECK(json_is_integer(json_object_get(sum, "info")) &&
		      (size_t)json_integer_value(json_object_get(sum, "info")) == counts[DSB_SEV_INFO],
		      "%s: summary.info counts the info findings (%zu)", ctx, counts[DSB_SEV_INFO]);
	}
	CHECK(in_set(jstr(sum, "verdict"), (const char *const[]){ verdict_of_status(status), NULL }),
	      "%s: summary.verdict is %s for exit status %d", ctx, verdict_of_status(status), status);
	if (npaths == 1 && json_array_size(inputs) == 1)
		CHECK(in_set(jstr(json_array_get(inputs, 0), "verdict"),
			     (const char *const[]){ verdict_of_status(status), NULL }),
		      "%s: inputs[0].verdict matches the exit status", ctx);
	if (status == 2)
		CHECK(why, "%s: exit status 2 with the finding that says why (C001, C010 or C015)", ctx);
	if (default_fail_on) {
		CHECK(status != 0 || counts[DSB_SEV_ERROR] == 0, "%s: exit status 0 with no error finding", ctx);
		CHECK(status != 1 || counts[DSB_SEV_ERROR] > 0, "%s: exit status 1 with an error finding", ctx);
	}
}

static void check_shape(const char *ctx, json_t *root, const char *const *paths, size_t npaths,
			int status)
{
	check_shape_ex(ctx, root, paths, npaths, status, true);
}

static size_t count_rule(json_t *root, const char *rule)
{
	json_t *findings = json_object_get(root, "findings");
	size_t n = 0;

	for (size_t i = 0; i < json_array_size(findings); i++) {
		const char *r = jstr(json_array_get(findings, i), "rule");
		if (r && strcmp(r, rule) == 0)
			n++;
	}
	return n;
}

static bool expected_present(const struct dfx_scenario *sc, const char *rule)
{
	for (size_t k = 0; k < DFX_EXPECT_MAX && sc->present[k].rule; k++)
		if (strcmp(sc->present[k].rule, rule) == 0)
			return true;
	return false;
}

static void rules_seen(json_t *root, char *out, size_t len)
{
	json_t *findings = json_object_get(root, "findings");
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(findings) && used + 12 < len; i++) {
		const char *r = jstr(json_array_get(findings, i), "rule");
		int n = snprintf(out + used, len - used, "%s%s", i ? "," : "", r ? r : "?");
		if (n > 0)
			used += (size_t)n;
	}
}

/* The sessions a scenario's capture expects (RC §3.3, §3.4). */
static void check_sessions(const char *ctx, json_t *root, const struct dfx_cap *cap)
{
	json_t *sessions = json_object_get(root, "sessions");

	if (!CHECK(json_array_size(sessions) == cap->nsess, "%s: %zu sessions (got %zu)", ctx,
		   cap->nsess, json_array_size(sessions)))
		return;
	for (size_t i = 0; i < cap->nsess; i++) {
		const struct dfx_xsession *x = &cap->sess[i];
		json_t *s = json_array_get(sessions, i), *files = json_object_get(s, "files");

		CHECK(jstr(s, "hbc") && strcmp(jstr(s, "hbc"), x->hbc) == 0, "%s: session %zu hbc %s", ctx, i, x->hbc);
		CHECK(in_set(jstr(s, "kind"), (const char *const[]){ x->restore ? "restore" : "backup", NULL }),
		      "%s: session %zu kind", ctx, i);
		CHECK((uint64_t)json_integer_value(json_object_get(s, "first_seq")) == x->first_seq,
		      "%s: session %zu first_seq %llu", ctx, i, (unsigned long long)x->first_seq);
		CHECK((uint64_t)json_integer_value(json_object_get(s, "last_seq")) == x->last_seq,
		      "%s: session %zu last_seq %llu (got %lld)", ctx, i, (unsigned long long)x->last_seq,
		      (long long)json_integer_value(json_object_get(s, "last_seq")));
		CHECK(json_is_boolean(json_object_get(s, "cut")) &&
		      json_boolean_value(json_object_get(s, "cut")) == x->cut,
		      "%s: session %zu cut %s", ctx, i, x->cut ? "true" : "false");
		if (x->restore) {
			CHECK(json_integer_value(json_object_get(s, "restore_type")) == x->type,
			      "%s: session %zu restore_type %u", ctx, i, x->type);
			CHECK(json_boolean_value(json_object_get(s, "has_token")) == x->has_token,
			      "%s: session %zu has_token", ctx, i);
			continue;
		}
		CHECK(in_set(jstr(s, "backup_type"), (const char *const[]){ x->type == 1 ? "FULL" :
			     x->type == 2 ? "LOGS_ONLY" : "INCREMENTAL", NULL }),
		      "%s: session %zu backup_type", ctx, i);
		if (!CHECK(json_array_size(files) == x->nfiles, "%s: session %zu has %zu files (got %zu)",
			   ctx, i, x->nfiles, json_array_size(files)))
			continue;
		for (size_t k = 0; k < x->nfiles; k++) {
			const struct dfx_xfile *xf = &x->files[k];
			json_t *f = json_array_get(files, k);
			char bft[8];

			snprintf(bft, sizeof(bft), "0x%02x", xf->bft);
			CHECK(jstr(f, "name") && strcmp(jstr(f, "name"), xf->name) == 0,
			      "%s: file %zu name", ctx, k);
			CHECK(xf->bft == DFX_BFT_NONE ? json_is_null(json_object_get(f, "bft"))
						      : in_set(jstr(f, "bft"), (const char *const[]){ bft, NULL }),
			      "%s: file %zu bft %s", ctx, k, bft);
			CHECK((uint64_t)json_integer_value(json_object_get(f, "file_size")) == xf->file_size &&
			      (uint64_t)json_integer_value(json_object_get(f, "bytes_read")) == xf->bytes_read,
			      "%s: file %zu file_size %llu, bytes_read %llu", ctx, k,
			      (unsigned long long)xf->file_size, (unsigned long long)xf->bytes_read);
			CHECK(jstr(f, "member") && xf->member && strcmp(jstr(f, "member"), xf->member) == 0,
			      "%s: file %zu member %s", ctx, k, xf->member ? xf->member : "null");
			CHECK(jstr(f, "sha256") && strcasecmp(jstr(f, "sha256"), xf->sha256) == 0,
			      "%s: file %zu sha256", ctx, k);
			CHECK(json_boolean_value(json_object_get(f, "complete")) == xf->complete,
			      "%s: file %zu complete %s", ctx, k, xf->complete ? "true" : "false");
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The anchor lines of RC §3.6: for each rule the capture names, the lines
 * of its findings (0 when the location has none) are exactly the expected
 * ones. */
static void check_anchors(const char *ctx, json_t *root, const struct dfx_cap *cap)
{
	json_t *findings = json_object_get(root, "findings");

	for (size_t i = 0; i < cap->nanchors; i++) {
		const char *rule = cap->anchors[i].rule;
		uint64_t want[DFX_ANCHORS_MAX], got[DFX_ANCHORS_MAX];
		size_t nw = 0, ng = 0;
		bool first = true;

		for (size_t k = 0; k < i; k++)
			first &= strcmp(cap->anchors[k].rule, rule) != 0;
		if (!first)
			continue;
		for (size_t k = i; k < cap->nanchors; k++)
			if (strcmp(cap->anchors[k].rule, rule) == 0)
				want[nw++] = cap->anchors[k].line;
		for (size_t k = 0; k < json_array_size(findings); k++) {
			json_t *f = json_array_get(findings, k);
			if (strcmp(jstr(f, "rule") ? jstr(f, "rule") : "", rule) != 0)
				continue;
			long long line = loc_int(f, "line");
			if (ng < DFX_ANCHORS_MAX)
				got[ng] = line < 0 ? 0 : (uint64_t)line;
			ng++;
		}
		if (!CHECK(ng == nw, "%s: %zu %s finding(s) to anchor (got %zu)", ctx, nw, rule, ng))
			continue;
		qsort(want, nw, sizeof(want[0]), cmp_u64);
		qsort(got, ng, sizeof(got[0]), cmp_u64);
		for (size_t k = 0; k < nw; k++)
			CHECK(want[k] == got[k], "%s: %s anchored at line %llu (got %llu; RC §3.6)", ctx, rule,
			      (unsigned long long)want[k], (unsigned long long)got[k]);
	}
}

/* Secrets that may never reach any output: the password, and the tokens
 * of the fixtures' sessions (RC §3.7); nor other text copied from the
 * journal that RC §3.7 does not allow (user, domain, host, agent, the
 * contents of unknown fields and records). */
static void check_no_secrets(const char *ctx, const struct run *r)
{
	static const char *const journal_text[] = {
		"svc-backup", "DC01.corp.example", "dsbfixture/1", "operator paused",
		"nightly", "agent_note", "J\xC3\xBCrgen", "not base64!",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"this is not json",
	};
	struct dfx_buf tok;

	CHECK(!has_bytes(r->out, r->out_len, DFX_PASSWORD, strlen(DFX_PASSWORD)) &&
	      !has_bytes(r->err, r->err_len, DFX_PASSWORD, strlen(DFX_PASSWORD)),
	      "%s: the password's value appears in no output", ctx);
	for (unsigned i = 0; i < 3; i++) {
		dfx_buf_init(&tok);
		dfx_token_b64(i, &tok);
		CHECK(!has_bytes(r->out, r->out_len, tok.p, tok.len) &&
		      !has_bytes(r->err, r->err_len, tok.p, tok.len),
		      "%s: no token (base64) appears in any output", ctx);
		dfx_buf_free(&tok);
	}
	for (size_t i = 0; i < sizeof(journal_text) / sizeof(journal_text[0]); i++) {
		const char *t = journal_text[i];
		CHECK(!has_bytes(r->out, r->out_len, t, strlen(t)) && !has_bytes(r->err, r->err_len, t, strlen(t)),
		      "%s: journal text \"%.20s\" is not copied into any output (RC §3.7)", ctx, t);
	}
}

static bool run_ok(const char *ctx, const struct run *r)
{
	return CHECK(!r->timed_out, "%s: did not hang (killed after %d s)", ctx, run_timeout_s) &&
	       CHECK(r->signal == 0, "%s: not killed by signal %d", ctx, r->signal) &&
	       CHECK(r->status >= 0 && r->status <= 2, "%s: exit status 0, 1 or 2 (got %d)", ctx, r->status);
}

/* Run `verify --format json` on path (or "-" fed from stdin_file) and
 * check the scenario's expectations.  Returns the parsed report (caller
 * decrefs) or NULL. */
static json_t *verify_json(const char *ctx, const char *path, const char *stdin_file,
			   const char *fail_on, struct run *r)
{
	const char *args[8] = { "verify", "--format", "json" };
	size_t n = 3;
	json_error_t jerr;

	if (fail_on) {
		args[n++] = "--fail-on";
		args[n++] = fail_on;
	}
	args[n++] = path;
	args[n] = NULL;
	run_dsb(r, args, stdin_file);
	if (!run_ok(ctx, r))
		return NULL;
	check_no_secrets(ctx, r);
	CHECK(!memchr(r->out, '\x1b', r->out_len), "%s: no colour codes in JSON", ctx);
	json_t *root = json_loadb(r->out, r->out_len, JSON_REJECT_DUPLICATES, &jerr);
	CHECK(root != NULL, "%s: stdout is one JSON document (%s at line %d)", ctx,
	      root ? "" : jerr.text, root ? 0 : jerr.line);
	return root;
}

static bool check_scenario_report(const char *ctx, const struct dfx_scenario *sc,
				  const struct dfx_cap *cap, json_t *root, int status,
				  const char *path)
{
	unsigned before = failures_here;
	char seen[512];

	check_shape(ctx, root, (const char *const[]){ path }, 1, status);
	rules_seen(root, seen, sizeof(seen));
	if ((sc->flags & DFX_SC_REFUSAL_OK) && status == 0) {
		/* Read in full after all: then it is the good capture. */
		CHECK(json_array_size(json_object_get(root, "findings")) == 0,
		      "%s: read in full, so no finding (got %s)", ctx, seen);
		return failures_here == before;
	}
	CHECK(status == sc->exit, "%s: exit status %d (got %d; findings %s)", ctx, sc->exit, status, seen);
	for (size_t k = 0; k < DFX_EXPECT_MAX && sc->present[k].rule; k++) {
		size_t n = count_rule(root, sc->present[k].rule);
		if (sc->present[k].count)
			CHECK(n == sc->present[k].count, "%s: %s listed %u time(s) (got %zu; findings %s)",
			      ctx, sc->present[k].rule, sc->present[k].count, n, seen);
		else
			CHECK(n > 0, "%s: %s present (findings %s)", ctx, sc->present[k].rule, seen);
	}
	for (size_t k = 0; k < DFX_EXPECT_MAX && sc->absent[k]; k++)
		CHECK(count_rule(root, sc->absent[k]) == 0, "%s: %s absent (findings %s)",
		      ctx, sc->absent[k], seen);
	if (sc->flags & DFX_SC_CLEAN) {
		json_t *findings = json_object_get(root, "findings");
		for (size_t i = 0; i < json_array_size(findings); i++) {
			const char *r = jstr(json_array_get(findings, i), "rule");
			CHECK(r && expected_present(sc, r), "%s: clean but for its expected rules (got %s: %s)",
			      ctx, r ? r : "?", jstr(json_array_get(findings, i), "message"));
		}
	}
	if ((sc->flags & DFX_SC_SESSIONS) && cap)
		check_sessions(ctx, root, cap);
	if (cap)
		check_anchors(ctx, root, cap);
	return failures_here == before;
}

/* Write scenario sc (in `o` or its own container) and verify it. */
static bool run_scenario(const struct dfx_scenario *sc, const struct dfx_write_opts *o,
			 bool via_stdin, const char *label)
{
	char path[512], ctx[256], err[512];
	struct dfx_write_opts own = { sc->container, sc->filter, -1 };
	const struct dfx_write_opts *w = o ? o : &own;
	struct run r;
	unsigned before = failures_here;

	snprintf(ctx, sizeof(ctx), "%s [%s%s%s]", sc->name, label ? label : dfx_container_name(w->container),
		 w->filter != DFX_FNONE ? "+" : "", w->filter != DFX_FNONE ? dfx_filter_name(w->filter) : "");
	tmp_path(path, sizeof(path), sc->name, w->container == DFX_DIR ? ".d" : ".cap");
	struct dfx_cap *cap = dfx_scenario_build(sc);
	if (!CHECK(dfx_cap_write(cap, path, w, err, sizeof(err)) == 0, "%s: fixture written: %s", ctx, err)) {
		dfx_cap_free(cap);
		return false;
	}
	bool stdin_mode = via_stdin || (sc->flags & DFX_SC_STDIN);
	json_t *root = verify_json(ctx, stdin_mode ? "-" : path, stdin_mode ? path : NULL, NULL, &r);
	if (root) {
		check_scenario_report(ctx, sc, cap, root, r.status, stdin_mode ? "-" : path);
		json_t *in = json_array_get(json_object_get(root, "inputs"), 0);
		/* What RC §3.2 fixes about the input itself. */
		if (r.status != 2 && w->container == DFX_DIR) {
			CHECK(json_is_null(json_object_get(in, "sha256")), "%s: a folder's sha256 is null", ctx);
			CHECK(in_set(jstr(in, "container"), (const char *const[]){ "dir", NULL }),
			      "%s: container dir", ctx);
		} else if (r.status != 2) {
			const char *want = dfx_container_report_name(w->container);
			CHECK(in_set(jstr(in, "container"), (const char *const[]){ want, NULL }),
			      "%s: container %s", ctx, want);
			json_t *flt = json_object_get(in, "filters");
			const char *f = dfx_filter_report_name(w->filter);
			CHECK(f ? json_array_size(flt) == 1 &&
				  in_set(json_string_value(json_array_get(flt, 0)), (const char *const[]){ f, NULL })
				: json_array_size(flt) == 0,
			      "%s: filters [%s]", ctx, f ? f : "");
			struct stat st;
			if (stat(path, &st) == 0)
				CHECK(json_integer_value(json_object_get(in, "size")) == st.st_size,
				      "%s: input size is the archive's %lld bytes", ctx, (long long)st.st_size);
		}
		json_decref(root);
	}
	double secs = r.secs;
	run_free(&r);
	dfx_cap_free(cap);
	if (w->container == DFX_DIR)
		rm_tree(path);
	else
		unlink(path);
	bool ok = failures_here == before;
	printf("  %-4s %s (%.2f s)\n", ok ? "ok" : "FAIL", ctx, secs);
	return ok;
}

/* ---- suite: the catalogue itself ----------------------------------------- */

static void test_catalogue_ids(void)
{
	size_t n;
	const struct dfx_scenario *sc = dfx_scenarios(&n);

	CHECK(n > 100, "the catalogue has %zu scenarios", n);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(sc[i].name, sc[j].name) != 0, "%s: unique name", sc[i].name);
		for (size_t k = 0; k < DFX_EXPECT_MAX && sc[i].present[k].rule; k++)
			CHECK(dsb_rule_by_id(sc[i].present[k].rule) != DSB_RULE_COUNT,
			      "%s: present rule %s exists", sc[i].name, sc[i].present[k].rule);
		for (size_t k = 0; k < DFX_EXPECT_MAX && sc[i].absent[k]; k++)
			CHECK(dsb_rule_by_id(sc[i].absent[k]) != DSB_RULE_COUNT,
			      "%s: absent rule %s exists", sc[i].name, sc[i].absent[k]);
		if (sc[i].twin)
			CHECK(dfx_scenario_find(sc[i].twin) != NULL, "%s: twin %s exists", sc[i].name, sc[i].twin);
		CHECK(sc[i].exit >= 0 && sc[i].exit <= 2, "%s: exit status", sc[i].name);
		CHECK(sc[i].summary && *sc[i].summary, "%s: summary", sc[i].name);
		/* A clean scenario with only info/warning rules exits 0. */
		if (sc[i].flags & DFX_SC_CLEAN) {
			bool error = false;
			for (size_t k = 0; k < DFX_EXPECT_MAX && sc[i].present[k].rule; k++) {
				enum dsb_rule r = dsb_rule_by_id(sc[i].present[k].rule);
				error |= r != DSB_RULE_COUNT && dsb_rule_info(r)->severity == DSB_SEV_ERROR;
			}
			CHECK(sc[i].exit == (error ? 1 : 0), "%s: clean, exit status follows its rules", sc[i].name);
		}
	}
}

/* The builder's list arithmetic against CF §5.5's worked example. */
static void test_list_sizes(void)
{
	struct dfx_buf raw;

	CHECK(dfx_list_size(dfx_names_list, 3, true) == 136, "CF §5.5 example: 136 bytes (W)");
	CHECK(dfx_list_size(dfx_names_list, 3, false) == 68, "the same list in A: 68 bytes");
	CHECK(dfx_list_size(NULL, 0, true) == 2 && dfx_list_size(NULL, 0, false) == 1,
	      "an empty list is one NUL unit");
	dfx_buf_init(&raw);
	CHECK(dfx_list_raw(&raw, dfx_names_list, 3, true) == 136, "the raw W buffer is 136 bytes");
	CHECK((unsigned char)raw.p[0] == 0x44 && raw.p[1] == 0 && raw.p[134] == 0 && raw.p[135] == 0,
	      "BFT unit first, final NUL unit last");
	dfx_buf_free(&raw);
	/* A non-BMP character is two UTF-16 units, one '?' in ANSI. */
	struct dfx_entry e = { DFX_BFT_LOG, "a\xF0\x9F\x98\x80" };
	CHECK(dfx_list_size(&e, 1, true) == 2 * (2 + 3 + 1), "surrogate pair counts two units");
	CHECK(dfx_list_size(&e, 1, false) == 2 + 2 + 1, "ANSI counts one character");
}

/* Read a written capture back with libarchive: the journal, and each data
 * record's member with its size and SHA-256. */
static void check_readback(const char *ctx, const char *path, const char *prefix)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	json_t *members = json_object();
	char *journal = NULL;
	size_t jlen = 0;

	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	if (!CHECK(archive_read_open_filename(a, path, 65536) == ARCHIVE_OK, "%s: opens", ctx)) {
		archive_read_free(a);
		json_decref(members);
		return;
	}
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		struct dfx_buf body;
		uint64_t size = 0;
		char buf[65536];
		la_ssize_t k;
		dfx_buf_init(&body);
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		bool is_journal = strcmp(name + strlen(prefix), "journal.jsonl") == 0;
		while ((k = archive_read_data(a, buf, sizeof(buf))) > 0) {
			EVP_DigestUpdate(md, buf, (size_t)k);
			size += (uint64_t)k;
			if (is_journal)
				dfx_buf_add(&body, buf, (size_t)k);
		}
		unsigned char d[32];
		char hex[65];
		EVP_DigestFinal_ex(md, d, NULL);
		EVP_MD_CTX_free(md);
		dsb_sha256_hex(hex, d);
		if (is_journal)
			journal = dfx_buf_take(&body, &jlen);
		dfx_buf_free(&body);
		json_object_set_new(members, name, json_pack("{s:I,s:s}", "size", (json_int_t)size, "sha", hex));
	}
	archive_read_free(a);
	if (CHECK(journal != NULL, "%s: journal.jsonl found under '%s'", ctx, prefix)) {
		size_t records = 0;
		for (char *line = journal, *nl; line < journal + jlen; line = nl + 1) {
			nl = memchr(line, '\n', (size_t)(journal + jlen - line));
			if (!nl)
				nl = journal + jlen;
			json_t *rec = json_loadb(line, (size_t)(nl - line), 0, NULL);
			if (!CHECK(rec != NULL, "%s: journal line %zu parses", ctx, records + 1))
				break;
			records++;
			if (strcmp(jstr(rec, "rec"), "data") == 0) {
				char full[256];
				snprintf(full, sizeof(full), "%s%s", prefix, jstr(rec, "member"));
				json_t *m = json_object_get(members, full);
				CHECK(m && json_integer_value(json_object_get(m, "size")) ==
					   json_integer_value(json_object_get(rec, "size")) &&
				      strcmp(jstr(m, "sha"), jstr(rec, "sha256")) == 0,
				      "%s: member %s has the data record's size and SHA-256", ctx, full);
			}
			if (strcmp(jstr(rec, "rec"), "end") == 0)
				CHECK((size_t)json_integer_value(json_object_get(rec, "records")) == records,
				      "%s: end record counts %zu records", ctx, records);
			json_decref(rec);
		}
	}
	free(journal);
	json_decref(members);
}

static void test_writer_roundtrip(void)
{
	static const struct { enum dfx_container c; enum dfx_filter f; } kinds[] = {
		{ DFX_TAR, DFX_FNONE }, { DFX_PAX, DFX_GZIP }, { DFX_USTAR, DFX_BZIP2 },
		{ DFX_GNUTAR, DFX_XZ }, { DFX_V7TAR, DFX_ZSTD }, { DFX_TAR, DFX_LZ4 },
		{ DFX_CPIO, DFX_FNONE }, { DFX_NEWC, DFX_GZIP }, { DFX_ZIP, DFX_FNONE }, { DFX_7Z, DFX_FNONE },
	};
	const struct dfx_scenario *sc = dfx_scenario_find("good-root-folder");
	char path[512], ctx[128], err[512];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		for (int last = 0; last <= 1; last++) {
			struct dfx_write_opts o = { kinds[i].c, kinds[i].f, last };
			snprintf(ctx, sizeof(ctx), "round trip %s+%s%s", dfx_container_name(o.container),
				 dfx_filter_name(o.filter), last ? " journal last" : "");
			tmp_path(path, sizeof(path), "roundtrip", ".cap");
			if (CHECK(dfx_scenario_write(sc, path, &o, err, sizeof(err)) == 0, "%s: %s", ctx, err))
				check_readback(ctx, path, "capture-2026-11-21/");
			unlink(path);
		}
	}
	/* A folder: files on disk, same layout. */
	tmp_path(path, sizeof(path), "roundtrip", ".d");
	CHECK(dfx_scenario_write(sc, path, &(struct dfx_write_opts){ DFX_DIR, DFX_FNONE, -1 },
				 err, sizeof(err)) == 0, "folder: %s", err);
	char j[600];
	struct stat st;
	snprintf(j, sizeof(j), "%s/capture-2026-11-21/journal.jsonl", path);
	CHECK(stat(j, &st) == 0 && st.st_size > 1000, "folder: journal.jsonl written");
	snprintf(j, sizeof(j), "%s/capture-2026-11-21/data/ntds.dit", path);
	CHECK(stat(j, &st) == 0 && st.st_size == (off_t)dfx_ntds.size, "folder: ntds.dit written");
	rm_tree(path);
	/* Unsafe names never go into a folder. */
	tmp_path(path, sizeof(path), "unsafe", ".d");
	CHECK(dfx_scenario_write(dfx_scenario_find("c009-dotdot-member"), path,
				 &(struct dfx_write_opts){ DFX_DIR, DFX_FNONE, -1 }, err, sizeof(err)) != 0,
	      "an unsafe name cannot be written to a folder");
	rm_tree(path);
}

/* Every scenario can be built, and its journal's lines are what it means:
 * the builder counted records as dsbinspect will. */
static void test_scenarios_build(void)
{
	size_t n;
	const struct dfx_scenario *sc = dfx_scenarios(&n);

	for (size_t i = 0; i < n; i++) {
		struct dfx_cap *c = dfx_scenario_build(&sc[i]);
		size_t len = 0;
		CHECK(c && dfx_jb_bytes(c->jb, &len) != NULL, "%s: builds", sc[i].name);
		if ((sc[i].flags & DFX_SC_CLEAN) && c->damage == DFX_DAMAGE_NONE)
			CHECK(len > 0 && !c->no_journal, "%s: a clean scenario has a journal", sc[i].name);
		dfx_cap_free(c);
	}
}

/* ---- suite: the CLI -------------------------------------------------------- */

static void test_every_scenario(void)
{
	size_t n, bad = 0;
	const struct dfx_scenario *sc = dfx_scenarios(&n);

	printf("\n");
	for (size_t i = 0; i < n; i++)
		bad += !run_scenario(&sc[i], NULL, false, NULL);
	printf("  %zu of %zu scenarios as expected\n", n - bad, n);
}

static void test_containers(void)
{
	static const char *const names[] = {
		"good-full-backup", "good-restore", "good-root-folder", "c007-sha-mismatch",
		"c005-missing-member", "p010-close-twice", "c008-extra-member", "c004-cut",
		"c009-symlink",
	};
	static const struct { enum dfx_container c; enum dfx_filter f; } kinds[] = {
		{ DFX_TAR, DFX_FNONE }, { DFX_PAX, DFX_FNONE }, { DFX_USTAR, DFX_FNONE },
		{ DFX_GNUTAR, DFX_FNONE }, { DFX_TAR, DFX_GZIP }, { DFX_TAR, DFX_BZIP2 },
		{ DFX_TAR, DFX_XZ }, { DFX_TAR, DFX_ZSTD }, { DFX_TAR, DFX_LZ4 }, { DFX_ZIP, DFX_FNONE },
		{ DFX_7Z, DFX_FNONE }, { DFX_CPIO, DFX_FNONE }, { DFX_NEWC, DFX_FNONE },
		{ DFX_DIR, DFX_FNONE },
	};
	size_t runs = 0, bad = 0;

	printf("\n");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct dfx_scenario *sc = dfx_scenario_find(names[i]);
		if (!CHECK(sc != NULL, "scenario %s exists", names[i]))
			continue;
		struct dfx_cap *probe = dfx_scenario_build(sc);
		unsigned excluded = probe->containers_excluded;
		dfx_cap_free(probe);
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			if (excluded & (1u << kinds[k].c))
				continue;
			for (int last = 0; last <= 1; last++) {
				struct dfx_write_opts o = { kinds[k].c, kinds[k].f, last };
				char label[64];
				snprintf(label, sizeof(label), "%s%s", dfx_container_name(o.container),
					 last ? ", journal last" : "");
				runs++;
				bad += !run_scenario(sc, &o, false, label);
			}
		}
		/* Standard input: "-" through a pipe. */
		for (size_t k = 0; k < 3; k++) {
			static const struct dfx_write_opts piped[] = {
				{ DFX_TAR, DFX_ZSTD, 0 }, { DFX_TAR, DFX_FNONE, 1 }, { DFX_CPIO, DFX_GZIP, 0 },
			};
			if (excluded & (1u << piped[k].container))
				continue;
			runs++;
			bad += !run_scenario(sc, &piped[k], true, "stdin");
		}
	}
	printf("  %zu of %zu container runs as expected\n", runs - bad, runs);
}

/* SARIF 2.1.0 and text on one scenario; the same findings in the same
 * order as JSON (RC §3.8). */
static void check_other_formats(const struct dfx_scenario *sc)
{
	char path[512], err[512], ctx[160];
	struct run rj, rs, rt;

	tmp_path(path, sizeof(path), sc->name, ".cap");
	if (!CHECK(dfx_scenario_write(sc, path, NULL, err, sizeof(err)) == 0, "%s: %s", sc->name, err))
		return;
	snprintf(ctx, sizeof(ctx), "%s [json]", sc->name);
	json_t *report = verify_json(ctx, path, NULL, NULL, &rj);

	run_dsb(&rs, (const char *const[]){ "verify", "--format", "sarif", path, NULL }, NULL);
	snprintf(ctx, sizeof(ctx), "%s [sarif]", sc->name);
	if (run_ok(ctx, &rs)) {
		check_no_secrets(ctx, &rs);
		CHECK(rs.status == rj.status, "%s: same exit status as json", ctx);
		CHECK(!memchr(rs.out, '\x1b', rs.out_len), "%s: no colour codes", ctx);
		json_t *s = json_loadb(rs.out, rs.out_len, 0, NULL);
		json_t *run0 = json_array_get(json_object_get(s, "runs"), 0);
		json_t *driver = json_object_get(json_object_get(run0, "tool"), "driver");
		json_t *rules = json_object_get(driver, "rules");
		json_t *results = json_object_get(run0, "results");
		json_t *findings = json_object_get(report, "findings");
		CHECK(s && in_set(jstr(s, "version"), (const char *const[]){ "2.1.0", NULL }),
		      "%s: SARIF version 2.1.0", ctx);
		CHECK(in_set(jstr(driver, "name"), (const char *const[]){ "dsbinspect", NULL }),
		      "%s: driver dsbinspect", ctx);
		for (int r = 0; r < DSB_RULE_COUNT; r++) {
			bool found = false;
			for (size_t i = 0; i < json_array_size(rules) && !found; i++)
				found = in_set(jstr(json_array_get(rules, i), "id"),
					       (const char *const[]){ dsb_rule_info((enum dsb_rule)r)->id, NULL });
			CHECK(found, "%s: tool.driver.rules lists %s", ctx, dsb_rule_info((enum dsb_rule)r)->id);
		}
		CHECK(json_array_size(results) == json_array_size(findings),
		      "%s: one result per listed finding (%zu)", ctx, json_array_size(findings));
		for (size_t i = 0; i < json_array_size(results) && i < json_array_size(findings); i++)
			CHECK(in_set(jstr(json_array_get(results, i), "ruleId"),
				     (const char *const[]){ jstr(json_array_get(findings, i), "rule"), NULL }),
			      "%s: result %zu is finding %zu's rule", ctx, i, i);
		json_decref(s);
	}

	run_dsb(&rt, (const char *const[]){ "verify", "--format", "text", path, NULL }, NULL);
	snprintf(ctx, sizeof(ctx), "%s [text]", sc->name);
	if (run_ok(ctx, &rt)) {
		check_no_secrets(ctx, &rt);
		CHECK(rt.status == rj.status, "%s: same exit status as json", ctx);
		CHECK(!memchr(rt.out, '\x1b', rt.out_len), "%s: no colour when not on a terminal", ctx);
		/* The last line is the verdict with all three counts. */
		char *end = rt.out + rt.out_len;
		while (end > rt.out && (end[-1] == '\n' || end[-1] == '\r'))
			end--;
		char *last = end;
		while (last > rt.out && last[-1] != '\n')
			last--;
		char line[512], want[3][32];
		snprintf(line, sizeof(line), "%.*s", (int)(end - last), last);
		json_t *sum = json_object_get(report, "summary");
		snprintf(want[0], sizeof(want[0]), "%lld error", (long long)json_integer_value(json_object_get(sum, "errors")));
		snprintf(want[1], sizeof(want[1]), "%lld warning", (long long)json_integer_value(json_object_get(sum, "warnings")));
		snprintf(want[2], sizeof(want[2]), "%lld info", (long long)json_integer_value(json_object_get(sum, "info")));
		CHECK(strncmp(line, verdict_of_status(rt.status), strlen(verdict_of_status(rt.status))) == 0 &&
		      strstr(line, want[0]) && strstr(line, want[1]) && strstr(line, want[2]),
		      "%s: ends with the verdict line and its counts (got \"%s\")", ctx, line);
		json_t *findings = json_object_get(report, "findings");
		for (size_t i = 0; i < json_array_size(findings); i++) {
			const char *rule = jstr(json_array_get(findings, i), "rule");
			CHECK(rule && has_bytes(rt.out, rt.out_len, rule, strlen(rule)),
			      "%s: the text names %s", ctx, rule);
		}
	}
	json_decref(report);
	run_free(&rj);
	run_free(&rs);
	run_free(&rt);
	unlink(path);
}

static void test_formats(void)
{
	check_other_formats(dfx_scenario_find("p010-close-twice"));
	check_other_formats(dfx_scenario_find("good-full-backup"));
	/* Passwords: never in any format. */
	size_t n;
	const struct dfx_scenario *sc = dfx_scenarios(&n);
	for (size_t i = 0; i < n; i++)
		if (sc[i].flags & DFX_SC_PASSWORD)
			check_other_formats(&sc[i]);
}

/* The replay timeline follows RC §3.7 too: no password, token or other
 * journal text, whatever the capture holds. */
static void test_replay_leaks(void)
{
	static const char *const names[] = {
		"good-full-backup", "c011-password", "c011-password-nested", "c002-password-unparsed",
		"c012-unknown-record", "good-unknown-fields", "c002-invalid-utf8", "p016-token-not-base64",
		"good-backup-and-restore",
	};
	char path[512], err[512], ctx[160];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct dfx_scenario *sc = dfx_scenario_find(names[i]);
		struct run r;

		tmp_path(path, sizeof(path), sc->name, ".cap");
		if (!CHECK(dfx_scenario_write(sc, path, NULL, err, sizeof(err)) == 0, "%s", err))
			continue;
		snprintf(ctx, sizeof(ctx), "%s [replay]", sc->name);
		run_dsb(&r, (const char *const[]){ "replay", path, NULL }, NULL);
		if (run_ok(ctx, &r)) {
			check_no_secrets(ctx, &r);
			CHECK(r.out_len > 0, "%s: a timeline", ctx);
			CHECK(has_bytes(r.out, r.out_len, "DsBackupPrepare", 15) ||
			      has_bytes(r.out, r.out_len, "DsRestorePrepare", 16),
			      "%s: the timeline names the calls", ctx);
		}
		run_free(&r);
		unlink(path);
	}
}

/* The exit status under each --fail-on (RC §2). */
static void test_fail_on(void)
{
	static const struct {
		const char *scenario, *fail_on;
		int status;
	} cases[] = {
		{ "p002-no-online-check", NULL, 0 },      /* warnings only: pass */
		{ "p002-no-online-check", "warning", 1 },
		{ "p002-no-online-check", "info", 1 },
		{ "p002-no-online-check", "error", 0 },
		{ "c008-extra-member", "warning", 0 },    /* info only */
		{ "c008-extra-member", "info", 1 },
		{ "p010-close-twice", "never", 0 },
		{ "p010-close-twice", "error", 1 },
		{ "good-full-backup", "info", 0 },
		{ "c001-no-journal", "never", 2 },        /* incomplete whatever --fail-on says */
		{ "c015-garbage", "never", 2 },
		{ "c004-cut", "never", 0 },               /* a cut journal is never status 2 */
	};
	char path[512], err[512], ctx[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dfx_scenario *sc = dfx_scenario_find(cases[i].scenario);
		struct run r;

		tmp_path(path, sizeof(path), sc->name, ".cap");
		if (!CHECK(dfx_scenario_write(sc, path, NULL, err, sizeof(err)) == 0, "%s", err))
			continue;
		snprintf(ctx, sizeof(ctx), "%s --fail-on %s", sc->name, cases[i].fail_on ? cases[i].fail_on : "(default)");
		json_t *root = verify_json(ctx, path, NULL, cases[i].fail_on, &r);
		if (root) {
			CHECK(r.status == cases[i].status, "%s: exit status %d (got %d)", ctx, cases[i].status, r.status);
			check_shape_ex(ctx, root, (const char *const[]){ path }, 1, r.status, !cases[i].fail_on);
		}
		json_decref(root);
		run_free(&r);
		unlink(path);
	}
}

/* Several inputs: one report, per-input verdicts, the worst status. */
static void test_multi_input(void)
{
	char a[512], b[512], err[512];
	struct run r;

	tmp_path(a, sizeof(a), "good", ".tar");
	tmp_path(b, sizeof(b), "garbage", ".bin");
	CHECK(dfx_scenario_write(dfx_scenario_find("good-full-backup"), a, NULL, err, sizeof(err)) == 0, "%s", err);
	CHECK(dfx_scenario_write(dfx_scenario_find("c015-garbage"), b, NULL, err, sizeof(err)) == 0, "%s", err);
	run_dsb(&r, (const char *const[]){ "verify", "--format", "json", a, b, NULL }, NULL);
	if (run_ok("two inputs", &r)) {
		json_t *root = json_loadb(r.out, r.out_len, 0, NULL);
		CHECK(r.status == 2, "two inputs: the worst status, 2 (got %d)", r.status);
		if (CHECK(root != NULL, "two inputs: JSON report")) {
			check_shape("two inputs", root, (const char *const[]){ a, b }, 2, r.status);
			json_t *inputs = json_object_get(root, "inputs");
			CHECK(in_set(jstr(json_array_get(inputs, 0), "verdict"), (const char *const[]){ "pass", NULL }) &&
			      in_set(jstr(json_array_get(inputs, 1), "verdict"), (const char *const[]){ "incomplete", NULL }),
			      "two inputs: verdicts pass and incomplete");
			json_t *findings = json_object_get(root, "findings");
			for (size_t i = 0; i < json_array_size(findings); i++)
				CHECK(json_integer_value(json_object_get(json_array_get(findings, i), "input")) == 1,
				      "two inputs: every finding is about the garbage input");
		}
		json_decref(root);
	}
	run_free(&r);
	unlink(a);
	unlink(b);
}

/* Usage errors: status 2, a message on stderr, no report (RC §2). */
static void test_usage_errors(void)
{
	const char *const *const cases[] = {
		(const char *const[]){ "verify", NULL },
		(const char *const[]){ "verify", "--format", "yaml", "x.tar", NULL },
		(const char *const[]){ "verify", "--fail-on", "sometimes", "x.tar", NULL },
		(const char *const[]){ "verify", "--no-such-option", "x.tar", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		run_dsb(&r, cases[i], NULL);
		CHECK(r.status == 2 && r.out_len == 0 && r.err_len > 0,
		      "usage error %zu: status 2 (got %d), no report, a message on stderr", i, r.status);
		run_free(&r);
	}
	/* A missing file is an input that cannot be read, not a usage error:
	 * a report with C015 and status 2. */
	struct run r;
	char ctx[] = "missing input";
	json_t *root = verify_json(ctx, "/nonexistent/dsb-capture.tar", NULL, NULL, &r);
	if (root) {
		CHECK(r.status == 2, "%s: status 2", ctx);
		CHECK(count_rule(root, "DSB-C015") == 1, "%s: C015", ctx);
	}
	json_decref(root);
	run_free(&r);
}

/* The other commands and -o (RC §1). */
static void test_commands(void)
{
	struct run r;
	char cap[512], out[512], err[512];

	run_dsb(&r, (const char *const[]){ "rules", NULL }, NULL);
	CHECK(r.status == 0, "rules: exit status 0 (got %d)", r.status);
	for (int k = 0; k < DSB_RULE_COUNT; k++) {
		const char *id = dsb_rule_info((enum dsb_rule)k)->id;
		CHECK(has_bytes(r.out, r.out_len, id, strlen(id)), "rules: lists %s", id);
	}
	run_free(&r);

	run_dsb(&r, (const char *const[]){ "--version", NULL }, NULL);
	CHECK(r.status == 0 && has_bytes(r.out, r.out_len, "dsbinspect", 10),
	      "--version: status 0, names the program");
	run_free(&r);
	run_dsb(&r, (const char *const[]){ "--help", NULL }, NULL);
	CHECK(r.status == 0 && r.out_len > 0, "--help: status 0 and text");
	run_free(&r);
	run_dsb(&r, (const char *const[]){ "help", "verify", NULL }, NULL);
	CHECK(r.status == 0 && r.out_len > 0, "help verify: status 0 and text");
	run_free(&r);

	/* -o: the report goes to the file, not to standard output. */
	tmp_path(cap, sizeof(cap), "p010", ".tar");
	tmp_path(out, sizeof(out), "report", ".json");
	if (!CHECK(dfx_scenario_write(dfx_scenario_find("p010-close-twice"), cap, NULL, err, sizeof(err)) == 0,
		   "-o: %s", err))
		return;
	run_dsb(&r, (const char *const[]){ "verify", "--format", "json", "-o", out, cap, NULL }, NULL);
	CHECK(r.status == 1, "-o: the exit status is the report's (1, got %d)", r.status);
	CHECK(r.out_len == 0, "-o: nothing on standard output");
	json_t *root = json_load_file(out, 0, NULL);
	if (CHECK(root != NULL, "-o: the file holds one JSON document")) {
		check_shape("-o", root, (const char *const[]){ cap }, 1, r.status);
		CHECK(count_rule(root, "DSB-P010") == 1, "-o: the file holds the findings");
	}
	json_decref(root);
	run_free(&r);

	/* An -o that cannot be written is a usage error: status 2, no report. */
	run_dsb(&r, (const char *const[]){ "verify", "--format", "json", "-o",
					   "/nonexistent-dir/report.json", cap, NULL }, NULL);
	CHECK(r.status == 2 && r.out_len == 0 && r.err_len > 0,
	      "-o unwritable: status 2 (got %d), no report, a message", r.status);
	run_free(&r);
	unlink(cap);
	unlink(out);
}

/* An over-long journal line is discarded without being held in memory
 * (CF §2): with a 48 MiB line, the peak RSS stays far below it. */
static void test_long_line_memory(void)
{
	struct dfx_cap *c = dfx_cap_std();
	struct dfx_buf line;
	char path[512], err[512];
	struct run r;
	size_t pad = 48u << 20;

	dfx_buf_init(&line);
	dfx_buf_addf(&line, "{\"rec\":\"call\",\"seq\":%llu,\"note\":\"",
		     (unsigned long long)dfx_jb_next_seq(c->jb));
	char *p = dfx_xmalloc(pad);
	memset(p, 'x', pad);
	dfx_buf_add(&line, p, pad);
	free(p);
	dfx_buf_adds(&line, "\"}");
	dfx_jb_raw(c->jb, line.p, line.len);
	dfx_buf_free(&line);
	dfx_cap_finish(c);
	tmp_path(path, sizeof(path), "long-line", ".d");
	CHECK(dfx_cap_write(c, path, &(struct dfx_write_opts){ DFX_DIR, DFX_FNONE, -1 }, err, sizeof(err)) == 0,
	      "long line: %s", err);
	dfx_cap_free(c);
	struct run base;
	run_dsb(&base, (const char *const[]){ "--version", NULL }, NULL);
	printf("\n  baseline: dsbinspect --version peaks at %ld KiB from here\n", base.maxrss_kb);
	run_free(&base);
	json_t *root = verify_json("48 MiB line", path, NULL, NULL, &r);
	if (root) {
		CHECK(count_rule(root, "DSB-C002") == 1, "48 MiB line: one C002");
		CHECK(count_rule(root, "DSB-C003") == 0 && count_rule(root, "DSB-C004") == 0,
		      "48 MiB line: it takes its seq and counts as a record");
		if (RSS_JUDGED)
			CHECK(r.maxrss_kb < LONG_LINE_RSS_LIMIT_KB, "48 MiB line: peak RSS %ld KiB stays under %d KiB",
			      r.maxrss_kb, LONG_LINE_RSS_LIMIT_KB);
		else
			printf("  48 MiB line: peak RSS NOT JUDGED (AddressSanitizer build)\n");
		printf("  48 MiB line: %.2f s, peak RSS %ld KiB\n", r.secs, r.maxrss_kb);
	}
	json_decref(root);
	run_free(&r);
	rm_tree(path);
}

/* Millions of findings: listed 1,000 per rule, the rest in
 * summary.suppressed, the totals counting all (RC §3.6). */
static void test_big_journal(void)
{
	uint64_t records = DSB_CLI_BIG_DEFAULT;
	const char *env = getenv("DSB_CLI_BIG_RECORDS");
	char path[512], err[512];
	struct run r;

	if (env && !dfx_parse_count(env, &records))
		records = DSB_CLI_BIG_DEFAULT;
	uint64_t p007 = dfx_big_journal_p007(records);
	tmp_path(path, sizeof(path), "big-journal", ".d");
	struct timeval t0, t1;
	gettimeofday(&t0, NULL);
	if (!CHECK(dfx_big_journal_write(path, DFX_DIR, DFX_FNONE, records, err, sizeof(err)) == 0,
		   "big journal: %s", err))
		return;
	gettimeofday(&t1, NULL);
	printf("\n  journal of %llu records written in %.1f s\n", (unsigned long long)records,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6);
	run_timeout_s = RUN_TIMEOUT_BIG_S;
	json_t *root = verify_json("big journal", path, NULL, NULL, &r);
	run_timeout_s = RUN_TIMEOUT_S;
	printf("  verified in %.1f s, peak RSS %ld KiB\n", r.secs, r.maxrss_kb);
	if (root) {
		json_t *sum = json_object_get(root, "summary");
		json_t *sup = json_object_get(sum, "suppressed");
		CHECK(r.status == 1, "big journal: exit status 1 (got %d)", r.status);
		CHECK(count_rule(root, "DSB-P007") == 1000, "big journal: 1,000 P007 listed (got %zu)",
		      count_rule(root, "DSB-P007"));
		CHECK(json_integer_value(json_object_get(sup, "DSB-P007")) == (json_int_t)(p007 - 1000),
		      "big journal: summary.suppressed DSB-P007 = %llu (got %lld)",
		      (unsigned long long)(p007 - 1000), (long long)json_integer_value(json_object_get(sup, "DSB-P007")));
		CHECK(json_object_size(sup) == 1, "big journal: only P007 is suppressed");
		CHECK(count_rule(root, "DSB-P014") == 1, "big journal: one P014 at the End");
		CHECK(json_integer_value(json_object_get(sum, "errors")) == (json_int_t)(p007 + 1),
		      "big journal: summary.errors counts every finding (%llu)", (unsigned long long)(p007 + 1));
		CHECK(json_array_size(json_object_get(root, "findings")) == 1001,
		      "big journal: 1,001 findings listed");
		check_shape("big journal", root, (const char *const[]){ path }, 1, r.status);
		/* Memory must not grow with the records: 10 million records held
		 * in any form would take gigabytes. */
		if (RSS_JUDGED)
			CHECK(r.maxrss_kb < 256 * 1024, "big journal: peak RSS %ld KiB under 256 MiB", r.maxrss_kb);
		else
			printf("  big journal: peak RSS NOT JUDGED (AddressSanitizer build)\n");
	}
	json_decref(root);
	run_free(&r);
	rm_tree(path);
}

/* ---- setup -------------------------------------------------------------- */

static void setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	signal(SIGPIPE, SIG_IGN);
	const char *base = getenv("TMPDIR");
	snprintf(tmp_root, sizeof(tmp_root), "%s/dsb-cli-XXXXXX",
		 base && *base && strlen(base) < 40 ? base : "/tmp");
	if (!mkdtemp(tmp_root)) {
		fprintf(stderr, "cannot create a temporary folder\n");
		exit(2);
	}
}

static void teardown(void)
{
	rm_tree(tmp_root);
}

static void test_setup(void)
{
	setup();
	struct stat st;
	CHECK(stat(DSB_BINARY, &st) == 0 && (st.st_mode & S_IXUSR), "dsbinspect is built at %s", DSB_BINARY);
}

static void test_teardown(void)
{
	teardown();
	CHECK(access(tmp_root, F_OK) != 0, "temporary files removed");
}

static const struct dsb_test catalogue_tests[] = {
	{ "setup", test_setup },
	{ "catalogue ids, names, twins", test_catalogue_ids },
	{ "list sizes (CF 5.5)", test_list_sizes },
	{ "every scenario builds", test_scenarios_build },
	{ "writer round trip", test_writer_roundtrip },
	{ NULL, NULL }
};

static const struct dsb_test cli_tests[] = {
	{ "every scenario", test_every_scenario },
	{ "containers, journal first and last, stdin", test_containers },
	{ "sarif and text; passwords in all formats", test_formats },
	{ "replay timeline leaks nothing", test_replay_leaks },
	{ "--fail-on", test_fail_on },
	{ "several inputs", test_multi_input },
	{ "usage errors", test_usage_errors },
	{ "rules, --version, help, -o", test_commands },
	{ "over-long line memory", test_long_line_memory },
	{ "capped findings (big journal)", test_big_journal },
	{ "teardown", test_teardown },
	{ NULL, NULL }
};

static const struct dsb_suite suites[] = {
	{ "fixture catalogue", catalogue_tests },
	{ "cli end to end", cli_tests },
};

DSB_TEST_MAIN(suites)
