/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `dsbinspect verify dc01.raw|.E01|.vhd|.vhdx|.vmdk|.qcow2`: a disk image
 * of a domain controller, read-only, checked as `ese` checks a folder
 * (docs/media.md).  The image is opened through format/media.h, each
 * NTFS volume's NTDS folder (\Windows\NTDS) is looked for, and every ESE
 * file there (a database, a log, a reserve log, the checkpoint, a patch
 * file) is checked by the per-file verifier (verify/ese/ese_file.h)
 * through a stream over its bytes in the volume; then the logs are judged
 * together (verify/logs/) and the backup sets (verify/set/).
 *
 * The image is one input (container "raw", "ewf", ...); each file checked
 * is an input of its own named IMAGE#VOLUME/path ("dc01.vhdx#2/Windows/
 * NTDS/ntds.dit"), whose `medium` (verify/report.h) names the image, the
 * volume and the path; its findings give the offset in the file.
 */
#ifndef DSB_VERIFY_MEDIA_H
#define DSB_VERIFY_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "format/media.h"
#include "verify/capture/capture.h"
#include "verify/report.h"

/* The folder a domain controller keeps its database, logs and checkpoint
 * in by default (dcpromo's choice, REF §3). */
#define DSB_MEDIA_NTDS_DIR "/Windows/NTDS"

/* What `path` is from its first and last bytes (dsb_media_sniff on a
 * regular file); DSB_MEDIA_NONE for anything else, standard input, a
 * folder, a file that cannot be read. */
enum dsb_media_format dsb_media_classify(const char *path);

/* Check the image at `path` (of format f, from dsb_media_classify).
 * Returns the image's input index, or -1 on out of memory before it
 * existed. */
int dsb_verify_media(struct dsb_report *rep, const char *path, enum dsb_media_format f,
		     const struct dsb_verify_opts *opts);

/* For another reader of volumes (shadow copies, Windows Server Backup):
 * check the ESE files of folder `dir` of volume `vol` of an opened image
 * into rep, their logs' facts into logs (dsb_logs_new; judged by the
 * caller with dsb_logs_judge, then dsb_sets_collection).  `image` is the
 * report's name of the image; `image_input` the input that takes the
 * folder's own C015.  Returns the files checked, or -1 when the folder
 * does not exist. */
struct dsb_logs;
long dsb_media_check_folder(struct dsb_report *rep, const struct dsb_verify_opts *opts,
			    struct dsb_media *m, enum dsb_media_format f, const char *image,
			    int image_input, size_t vol, const char *dir, struct dsb_logs *logs);

/* The volume reader Windows Server Backups are checked with when the
 * caller binds none (struct dsb_volume_reader, verify/capture/capture.h;
 * ctx: the struct dsb_verify_opts).  1: the volume was read; 0: a C015
 * said why not; -1: out of memory. */
struct dsb_wsb_ntds;
int dsb_media_wsb_volume(void *ctx, struct dsb_report *rep, int input, const char *image,
			 const struct dsb_wsb_ntds *ntds);

#endif
