/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER so the tree links; replaced by the capture reader. */
#include "verify/capture.h"
int dsb_verify_input(struct dsb_report *rep, const char *path, const struct dsb_verify_opts *opts) { (void)opts; return dsb_report_add_input(rep, path); }
