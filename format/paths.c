/* SPDX-License-Identifier: Apache-2.0 */
#include "format/paths.h"

#include <string.h>

bool dsb_member_path_unsafe(const char *p, size_t len)
{
	if (len == 0 || p[0] == '/' || p[0] == '\\')
		return true;
	if (len >= 2 && p[1] == ':' &&
	    ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
		return true;
	size_t comp = 0;   /* start of the current component */
	for (size_t i = 0; i <= len; i++) {
		if (i < len) {
			unsigned char c = (unsigned char)p[i];
			if (c == '\\' || c < 0x20)
				return true;
			if (c != '/')
				continue;
		}
		size_t n = i - comp;
		if (n == 0 || (n == 1 && p[comp] == '.') ||
		    (n == 2 && p[comp] == '.' && p[comp + 1] == '.'))
			return true;
		comp = i + 1;
	}
	return false;
}

size_t dsb_member_strip_len(const char *p, size_t len)
{
	return (len >= 2 && p[0] == '.' && p[1] == '/') ? 2 : 0;
}

bool dsb_member_is_journal(const char *p, size_t len, size_t *root_len)
{
	static const char j[] = "journal.jsonl";
	const size_t jl = sizeof j - 1;
	if (len == jl && memcmp(p, j, jl) == 0) {
		*root_len = 0;
		return true;
	}
	if (len <= jl + 1 || memcmp(p + len - jl, j, jl) != 0 || p[len - jl - 1] != '/')
		return false;
	size_t folder = len - jl - 1;   /* length of the folder name */
	if (memchr(p, '/', folder) != NULL || folder == 0)
		return false;
	*root_len = folder + 1;
	return true;
}
