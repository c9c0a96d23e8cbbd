/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public interface of the core (format/ and verify/) for its one
 * client, the CLI in inspector/: what it may call and the types it
 * renders.  inspector/ includes this header and no other header of
 * format/ or verify/, so that the core's internals can move without the
 * CLI noticing (tests/test_headers.c checks it).  lib/ is no layer's: the
 * CLI includes its headers directly.
 *
 *   verify/capture/capture.h  dsb_verify_input, dsb_verify_memory and
 *                             their options
 *   extract/extract.h         `dsbinspect extract`: a capture's sets
 *                             written under DIR (a sink of that pass)
 *   verify/ese/ese_file.h     dsb_verify_ese_file (one loose ESE file)
 *   verify/ese/ese_collection.h  `dsbinspect ese PATH...`: files and
 *                             folders as one collection
 *   verify/ese/esedb_records.h  the libesedb record pass (`ese --records`)
 *   verify/report.h           the report model every renderer reads
 *   verify/findings.h         findings, totals and report order
 *   verify/rules.h            the rule catalogue (`dsbinspect rules`)
 *   verify/status.h           operational errors, and their one wording
 *   verify/protocol/replay.h  the trace callback of `dsbinspect replay`
 *   format/journal.h          the record that callback is given, and the
 *                             journal's timestamp form
 */
#ifndef DSB_DSBINSPECT_H
#define DSB_DSBINSPECT_H

#include "extract/extract.h"
#include "format/journal.h"
#include "verify/capture/capture.h"
#include "verify/ese/ese_collection.h"
#include "verify/ese/ese_file.h"
#include "verify/ese/esedb_records.h"
#include "verify/findings.h"
#include "verify/protocol/replay.h"
#include "verify/report.h"
#include "verify/rules.h"
#include "verify/status.h"

#endif
