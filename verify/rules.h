/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule catalogue.  One table (rules.c) is the single source of each
 * rule's id, default severity, category, title, explanation and remedy:
 * `dsbinspect rules`, SARIF's tool.driver.rules, the man page section and
 * docs/rules.md are all generated from it.  Ids never change meaning.
 */
#ifndef DSB_VERIFY_RULES_H
#define DSB_VERIFY_RULES_H

enum dsb_severity {
	/* Ordered so that comparisons work: info < warning < error. */
	DSB_SEV_INFO = 0,
	DSB_SEV_WARNING = 1,
	DSB_SEV_ERROR = 2,
};

enum dsb_category {
	DSB_CAT_CAPTURE,
	DSB_CAT_PROTOCOL,
	DSB_CAT_RESTORE,
	DSB_CAT_ESE,
	DSB_CAT_LOG,
	DSB_CAT_SET,
	DSB_CAT_PAYLOAD,
};

/* Declared in id order; report ordering compares ids as strings, which
 * for these fixed-width ids is the same as comparing enum values within
 * one category letter. */
enum dsb_rule {
	DSB_C001, DSB_C002, DSB_C003, DSB_C004, DSB_C005, DSB_C006, DSB_C007,
	DSB_C008, DSB_C009, DSB_C010, DSB_C011, DSB_C012, DSB_C013, DSB_C014,
	DSB_C015,
	DSB_P001, DSB_P002, DSB_P003, DSB_P004, DSB_P005, DSB_P006, DSB_P007,
	DSB_P008, DSB_P009, DSB_P010, DSB_P011, DSB_P012, DSB_P013, DSB_P014,
	DSB_P015, DSB_P016, DSB_P017, DSB_P018, DSB_P019, DSB_P020, DSB_P021,
	DSB_P022,
	DSB_R001, DSB_R002, DSB_R003, DSB_R004, DSB_R005, DSB_R006, DSB_R007,
	DSB_R008, DSB_R009,
	/* ESE database (verify/ese/ (every .c file), docs/ese-checks.md) */
	DSB_E001, DSB_E002, DSB_E003, DSB_E004, DSB_E005, DSB_E006, DSB_E007,
	DSB_E008, DSB_E009, DSB_E010, DSB_E011, DSB_E012, DSB_E013, DSB_E014,
	DSB_E015, DSB_E016, DSB_E017, DSB_E018, DSB_E019, DSB_E020, DSB_E021,
	DSB_E022, DSB_E023, DSB_E024, DSB_E025, DSB_E026, DSB_E027, DSB_E028,
	DSB_E029, DSB_E030, DSB_E031, DSB_E032, DSB_E033, DSB_E034, DSB_E035,
	/* records through libesedb (verify/ese/esedb_records.c) */
	DSB_E036, DSB_E037, DSB_E038,
	/* ESE logs and checkpoint: each file, and the logs' continuity
	 * (verify/logs/, docs/ese-checks.md "Logs and checkpoint: the checks") */
	DSB_L001, DSB_L002, DSB_L003, DSB_L004, DSB_L005, DSB_L006, DSB_L007,
	DSB_L008, DSB_L009, DSB_L010, DSB_L011, DSB_L012, DSB_L013,
	DSB_L020, DSB_L021, DSB_L022, DSB_L023, DSB_L024, DSB_L025, DSB_L026,
	DSB_L030, DSB_L031, DSB_L032, DSB_L033, DSB_L034, DSB_L035, DSB_L036,
	/* backup sets and the restore verdict (verify/set/, docs/restore-verdict.md) */
	DSB_S001, DSB_S002, DSB_S003, DSB_S004, DSB_S005, DSB_S006, DSB_S007,
	DSB_S008, DSB_S009, DSB_S010, DSB_S011, DSB_S012, DSB_S013,
	/* patch files bound to their database (verify/set/set_patch.c) */
	DSB_S014, DSB_S015, DSB_S016,
	/* IFM media (docs/media.md) */
	DSB_S017,
	DSB_RULE_COUNT
};

struct dsb_rule_info {
	const char *id;           /* "DSB-C001" */
	enum dsb_severity severity;
	enum dsb_category category;
	const char *title;        /* one line, no final period */
	const char *explanation;  /* what it means, a few sentences */
	const char *remedy;       /* what to do */
};

const struct dsb_rule_info *dsb_rule_info(enum dsb_rule r);
/* Lookup by id string ("DSB-P010"); returns DSB_RULE_COUNT if unknown. */
enum dsb_rule dsb_rule_by_id(const char *id);
const char *dsb_severity_name(enum dsb_severity s);   /* "error" ... */
const char *dsb_category_name(enum dsb_category c);   /* "capture" ... */

#endif
