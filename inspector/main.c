/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER so the tree links; replaced by the CLI. */
#include "verify/capture.h"
int main(void) { return 2; }
