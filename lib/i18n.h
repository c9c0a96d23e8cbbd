/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text report in the user's language (docs/cli.md, "Language").
 *
 * Strings that are data (the rule catalogue, verdict and severity names)
 * are marked where they are written with N_(), which changes nothing: the
 * report and its JSON, JSON Lines and SARIF forms carry them in English.
 * Only the text renderers, the progress line and the wording of a set's
 * reasons for the text report pass them through dsb_tr()/dsb_trn(), at the
 * moment they are written, so no machine-readable output ever sees a
 * translation.  xgettext finds every marked string by these names (the
 * `pot` target in CMakeLists.txt).
 *
 * Without NLS (DSB_NLS undefined: no libintl.h or no msgfmt at configure
 * time) both are the identity and the report is English.
 */
#ifndef DSB_LIB_I18N_H
#define DSB_LIB_I18N_H

/* The catalogue's name: share/locale/<ll>/LC_MESSAGES/dsbinspect.mo. */
#define DSB_TEXTDOMAIN "dsbinspect"

/* Marks a string for translation without translating it. */
#define N_(s) s

#if defined(DSB_NLS) && DSB_NLS
#include <libintl.h>

__attribute__((format_arg(1)))
static inline const char *dsb_tr(const char *msgid)
{
	return dgettext(DSB_TEXTDOMAIN, msgid);
}

__attribute__((format_arg(1), format_arg(2)))
static inline const char *dsb_trn(const char *one, const char *many, unsigned long long n)
{
	/* ngettext's count is unsigned long: counts past it take the plural
	 * form, which is right for every language shipped. */
	return dngettext(DSB_TEXTDOMAIN, one, many,
			 n > (unsigned long)-1 ? (unsigned long)-1 : (unsigned long)n);
}
#else
__attribute__((format_arg(1)))
static inline const char *dsb_tr(const char *msgid)
{
	return msgid;
}

__attribute__((format_arg(1), format_arg(2)))
static inline const char *dsb_trn(const char *one, const char *many, unsigned long long n)
{
	return n == 1 ? one : many;
}
#endif

#endif
