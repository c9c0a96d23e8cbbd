/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Disk images of domain controllers, read-only: an opened image, its
 * volumes, a volume's file by path, that file's bytes (docs/media.md).
 * Bytes to structures only: which volume and which folder hold the AD
 * database, and what a failure means, are verify/media/'s.
 *
 * The Sleuth Kit (libtsk 4.11) reads raw images, EWF (through libewf),
 * VHD (libvhdi) and VMDK (libvmdk), the partition tables (MBR, GPT) and
 * NTFS.  VHDX and QCOW2 are read by libvhdi and libqcow here and handed
 * to TSK as an external image (TSK_IMG_TYPE_EXTERNAL), so that partitions
 * and NTFS are read the same way whatever the container (the reasons are
 * in docs/media.md).  Every library error is a message in `err` with the
 * place (image, volume, file, offset): never an abort.
 *
 * For the other readers of media (VSS shadow copies, Windows Server
 * Backup's VHDX volumes): open an image, walk its volumes, open a file by
 * its path in a volume, read it as a stream.  An image with no partition
 * table (a volume image, as Windows Server Backup's VHDX hold) is one
 * volume, index 0, at offset 0.
 */
#ifndef DSB_FORMAT_MEDIA_H
#define DSB_FORMAT_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum dsb_media_format {
	DSB_MEDIA_NONE,       /* not a disk image */
	DSB_MEDIA_RAW,        /* a partition table or an NTFS boot sector at its start */
	DSB_MEDIA_EWF,        /* EnCase / Expert Witness (E01) */
	DSB_MEDIA_VHD,        /* Virtual PC / Hyper-V VHD */
	DSB_MEDIA_VHDX,
	DSB_MEDIA_VMDK,       /* sparse extent or descriptor */
	DSB_MEDIA_QCOW,       /* QCOW (1, 2, 3) */
};

/* Bytes of a file's start and end the sniff looks at: the GPT header at
 * 4 KiB for 4K-sector disks, the VHD footer in the last 512 bytes. */
#define DSB_MEDIA_SNIFF_HEAD 4608u
#define DSB_MEDIA_SNIFF_TAIL 512u

/* What an image is from its first bytes (head) and its last 512 (tail,
 * NULL when the size is not known): DSB_MEDIA_NONE when none of the
 * containers, nor a raw disk (an MBR with a sane partition entry, a GPT
 * header at 512 or 4096) or volume (an NTFS boot sector). */
enum dsb_media_format dsb_media_sniff(const uint8_t *head, size_t hlen, const uint8_t *tail,
				      size_t tlen);
/* "raw", "ewf", "vhd", "vhdx", "vmdk", "qcow2" (the report's container). */
const char *dsb_media_format_name(enum dsb_media_format f);

/* Volumes of one image, past which the rest are not looked at (a GPT
 * may list 128; a hostile table more). */
#define DSB_MEDIA_VOLUMES_MAX 128u
/* Entries of one folder read; NTDS holds the database, a few logs,
 * reserve logs and the checkpoint. */
#define DSB_MEDIA_DIR_MAX 100000u
/* A library's message kept per error. */
#define DSB_MEDIA_ERR_MAX 256u

struct dsb_media;
struct dsb_media_file;

struct dsb_media_volume {
	unsigned index;            /* 1.. in the partition table's order; 0: the whole image */
	const char *scheme;        /* "gpt", "mbr", "none" (no table: the image is one volume) */
	uint64_t offset, length;   /* bytes, in the image */
	char desc[64];             /* the table's description of the partition, printable */
	bool ntfs;                 /* an NTFS file system opened on it */
	char why[DSB_MEDIA_ERR_MAX];   /* not NTFS: what TSK said */
};

/* Open an image read-only.  NULL with err set (the library's words). */
struct dsb_media *dsb_media_open(const char *path, enum dsb_media_format f, char *err,
				 size_t errlen);
/* The same over a raw image held in memory (the fuzzer, tests): buf
 * must outlive the media. */
struct dsb_media *dsb_media_open_memory(const void *buf, size_t len, char *err, size_t errlen);
/* A volume given as a read callback (format/vss.h: a shadow copy's
 * store): opened as an image of its own through the same external-image
 * path (no partition table: one volume, index 0).  `vol` is copied; its
 * ctx must outlive the media. */
struct dsb_vol;
struct dsb_media *dsb_media_open_vol(const struct dsb_vol *vol, char *err, size_t errlen);
void dsb_media_close(struct dsb_media *m);
uint64_t dsb_media_size(const struct dsb_media *m);
/* The partition table's volumes, each tried as NTFS.  A table that
 * cannot be read makes the whole image one volume (index 0).  `err`
 * says what was left out (more than DSB_MEDIA_VOLUMES_MAX). */
size_t dsb_media_nvolumes(const struct dsb_media *m);
const struct dsb_media_volume *dsb_media_volume(const struct dsb_media *m, size_t i);
const char *dsb_media_volumes_note(const struct dsb_media *m);
/* Volume i's bytes as a read callback (format/vss.h), through the
 * image's reader at the volume's offset, bounded by its length.  Valid
 * until dsb_media_close.  False when there is no volume i. */
bool dsb_media_volume_vol(struct dsb_media *m, size_t i, struct dsb_vol *out);

/* A regular file of volume i by its path ("/Windows/NTDS/ntds.dit"; case
 * as NTFS compares names).  NULL with err set (absent: *absent true). */
struct dsb_media_file *dsb_media_file_open(struct dsb_media *m, size_t vol, const char *path,
					   bool *absent, char *err, size_t errlen);
uint64_t dsb_media_file_size(const struct dsb_media_file *f);
/* Read up to len bytes from the file's offset off.  The bytes read (0 at
 * the end), or -1 with err set. */
ssize_t dsb_media_file_read(struct dsb_media_file *f, uint64_t off, void *buf, size_t len,
			    char *err, size_t errlen);
/* Where byte `off` of the file lies in its volume (a non-resident
 * attribute's run), or -1 (resident, sparse, beyond the runs). */
int64_t dsb_media_file_volume_offset(const struct dsb_media_file *f, uint64_t off);
void dsb_media_file_close(struct dsb_media_file *f);

/* The regular files of folder `path` of volume vol, by name (called with
 * each name, NUL-terminated, in the folder's order).  0, 1 when the
 * folder does not exist, -1 with err set when it cannot be read; more
 * than DSB_MEDIA_DIR_MAX entries: -1. */
typedef void (*dsb_media_dir_fn)(void *ctx, const char *name);
int dsb_media_dir_files(struct dsb_media *m, size_t vol, const char *path, dsb_media_dir_fn fn,
			void *ctx, char *err, size_t errlen);

#endif
