/* SPDX-License-Identifier: Apache-2.0 */
/* Member paths (capture-format §1.4): normalization and the safety test. */
#ifndef DSB_FORMAT_PATHS_H
#define DSB_FORMAT_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* True when a member path is unsafe: empty, starts with '/' or '\\', holds
 * '\\', NUL or a byte below 0x20, has an empty, "." or ".." component, or
 * starts with a letter followed by ':'.  `len` counts bytes (NUL allowed). */
bool dsb_member_path_unsafe(const char *p, size_t len);

/* Length of the one leading "./" to drop from an archive member name. */
size_t dsb_member_strip_len(const char *p, size_t len);

/* Is this archive member name (after stripping) journal.jsonl at the top
 * level or exactly one folder deep?  On true, *root_len is the length of
 * the capture-root prefix including its '/' (0 at top level). */
bool dsb_member_is_journal(const char *p, size_t len, size_t *root_len);

#endif
