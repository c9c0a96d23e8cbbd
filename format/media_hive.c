/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where a domain controller keeps its database and logs, from its SYSTEM
 * hive (media_hive.h), read by libregf from memory (a libbfio memory
 * range: the hive's bytes come from inside an NTFS volume, never from a
 * path of the local file system).
 */
#include "format/media_hive.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libbfio.h>
#include <libregf.h>

#include "lib/hex.h"

#define SELECT_KEY "\\Select"
#define SELECT_CURRENT "Current"
#define NTDS_PARAMS_FMT "\\ControlSet%03u\\Services\\NTDS\\Parameters"
#define DSA_DB_VALUE "DSA Database file"
#define DSA_LOGS_VALUE "Database log files path"
/* ControlSet001-999: a key name of three digits */
#define CONTROL_SET_MAX 999u

static void regf_err(char *err, size_t errlen, const char *what, libregf_error_t *e)
{
	char msg[DSB_HIVE_PATH_MAX] = "";
	if (e)
		libregf_error_sprint(e, msg, sizeof msg);
	char esc[DSB_HIVE_PATH_MAX];
	dsb_escape_cut(esc, sizeof esc, msg, strcspn(msg, "\n"));
	snprintf(err, errlen, "%s: %s", what, esc);
}

/* A string value of key k into out (UTF-8).  False: absent or not a
 * string that fits. */
static bool string_value(libregf_key_t *k, const char *name, char *out, size_t cap)
{
	libregf_value_t *v = NULL;
	size_t n = 0;
	uint32_t type = 0;
	bool ok = libregf_key_get_value_by_utf8_name(k, (const uint8_t *)name, strlen(name), &v,
						      NULL) == 1 &&
		  libregf_value_get_value_type(v, &type, NULL) == 1 &&
		  (type == LIBREGF_VALUE_TYPE_STRING || type == LIBREGF_VALUE_TYPE_EXPANDABLE_STRING) &&
		  libregf_value_get_value_utf8_string_size(v, &n, NULL) == 1 && n > 0 && n <= cap &&
		  libregf_value_get_value_utf8_string(v, (uint8_t *)out, n, NULL) == 1;
	libregf_value_free(&v, NULL);
	return ok;
}

int dsb_hive_ntds_paths(const uint8_t *hive, size_t len, struct dsb_ntds_paths *out, char *err,
			size_t errlen)
{
	memset(out, 0, sizeof *out);
	libbfio_handle_t *h = NULL;
	libregf_file_t *f = NULL;
	libregf_key_t *sel = NULL, *params = NULL;
	libregf_value_t *cur = NULL;
	libregf_error_t *e = NULL;
	int rc = -1;
	/* libbfio's memory range takes a non-const pointer; it only reads. */
	if (libbfio_memory_range_initialize(&h, NULL) != 1 ||
	    libbfio_memory_range_set(h, (uint8_t *)(uintptr_t)hive, len, NULL) != 1) {
		snprintf(err, errlen, "libbfio: cannot make a memory range");
		goto done;
	}
	if (libregf_file_initialize(&f, &e) != 1 ||
	    libregf_file_open_file_io_handle(f, h, LIBREGF_OPEN_READ, &e) != 1) {
		regf_err(err, errlen, "libregf cannot open the SYSTEM hive", e);
		goto done;
	}
	uint32_t current = 0;
	int got = libregf_file_get_key_by_utf8_path(f, (const uint8_t *)SELECT_KEY,
						    sizeof SELECT_KEY - 1, &sel, &e);
	if (got != 1 ||
	    libregf_key_get_value_by_utf8_name(sel, (const uint8_t *)SELECT_CURRENT,
					       sizeof SELECT_CURRENT - 1, &cur, &e) != 1 ||
	    libregf_value_get_value_32bit(cur, &current, &e) != 1) {
		if (got == 0 || (got == 1 && !e)) {
			snprintf(err, errlen, "the hive has no Select\\Current");
			rc = 1;
		} else {
			regf_err(err, errlen, "libregf cannot read Select\\Current", e);
		}
		goto done;
	}
	if (current == 0 || current > CONTROL_SET_MAX) {
		snprintf(err, errlen, "Select\\Current is %u, not a control set (1-%u)", current,
			 CONTROL_SET_MAX);
		goto done;
	}
	out->control_set = current;
	char path[64];
	snprintf(path, sizeof path, NTDS_PARAMS_FMT, current);
	got = libregf_file_get_key_by_utf8_path(f, (const uint8_t *)path, strlen(path), &params, &e);
	if (got != 1) {
		if (got == 0) {
			snprintf(err, errlen, "the hive has no ControlSet%03u\\Services\\NTDS\\Parameters: not a domain controller's", current);
			rc = 1;
		} else {
			regf_err(err, errlen, "libregf cannot read the NTDS service's parameters", e);
		}
		goto done;
	}
	out->has_db = string_value(params, DSA_DB_VALUE, out->db, sizeof out->db);
	out->has_logs = string_value(params, DSA_LOGS_VALUE, out->logs, sizeof out->logs);
	rc = out->has_db || out->has_logs ? 0 : 1;
	if (rc)
		snprintf(err, errlen, "the NTDS service's parameters name neither its database nor its logs");
done:
	libregf_error_free(&e);
	libregf_value_free(&cur, NULL);
	libregf_key_free(&sel, NULL);
	libregf_key_free(&params, NULL);
	if (f) {
		libregf_file_close(f, NULL);
		libregf_file_free(&f, NULL);
	}
	if (h)
		libbfio_handle_free(&h, NULL);
	return rc;
}

bool dsb_hive_volume_path(const char *win, bool is_file, char *dir, size_t cap)
{
	/* "C:\Windows\NTDS\ntds.dit": the drive letter dropped (which volume
	 * is C: is the MountedDevices key's, not read: every NTFS volume is
	 * searched), backslashes made slashes. */
	const char *p = win;
	if (isalpha((unsigned char)p[0]) && p[1] == ':')
		p += 2;
	if (p[0] != '\\' && p[0] != '/')
		return false;   /* relative, or a UNC or device path: not in a volume */
	size_t n = strlen(p);
	while (n > 1 && (p[n - 1] == '\\' || p[n - 1] == '/'))
		n--;
	if (is_file) {
		while (n > 0 && p[n - 1] != '\\' && p[n - 1] != '/')
			n--;
		if (n > 1)
			n--;   /* the separator before the file's name */
	}
	if (n == 0 || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\0' || (p[i] == '.' && (i == 0 || p[i - 1] == '\\') &&
				      (p[i + 1] == '.' || p[i + 1] == '\\' || i + 1 == n)))
			return false;   /* "." and ".." segments: not a plain path */
		dir[i] = p[i] == '\\' ? '/' : p[i];
	}
	dir[n] = '\0';
	return true;
}
