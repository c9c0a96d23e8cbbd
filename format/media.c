/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Disk images through The Sleuth Kit, libvhdi and libqcow (media.h).
 * Nothing here is ever opened for writing: TSK opens images read-only,
 * libvhdi and libqcow are given LIBVHDI_OPEN_READ / LIBQCOW_OPEN_READ.
 */
#include "format/media.h"
#include "format/vss.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libqcow.h>
#include <libvhdi.h>
#include <tsk/libtsk.h>

#include "lib/hex.h"
#include "lib/le.h"

/* TSK's allocator for an external image (TSK_IMG_TYPE_EXTERNAL): the
 * struct must come from it, since tsk_img_close frees it with
 * tsk_img_free.  Both are exported by libtsk 4.11 but declared only in
 * its private tsk_img_i.h. */
void *tsk_img_malloc(size_t len);
void tsk_img_free(void *ptr);

/* ---- the sniff: one table of magics (offset, bytes) ------------------------ */

struct magic {
	enum dsb_media_format f;
	size_t off;
	const char *bytes;
	size_t len;
};

#define MAGIC(fmt, o, s) { .f = (fmt), .off = (o), .bytes = (s), .len = sizeof(s) - 1 }
static const struct magic MAGICS[] = {
	MAGIC(DSB_MEDIA_EWF, 0, "EVF\x09\x0d\x0a\xff"),       /* EWF-E01 signature */
	MAGIC(DSB_MEDIA_EWF, 0, "EVF2\x0d\x0a\x81"),          /* EWF2-Ex01 */
	MAGIC(DSB_MEDIA_VHDX, 0, "vhdxfile"),                 /* VHDX file type identifier */
	MAGIC(DSB_MEDIA_VMDK, 0, "KDMV"),                     /* VMDK sparse extent header */
	MAGIC(DSB_MEDIA_VMDK, 0, "# Disk DescriptorFile"),    /* VMDK descriptor */
	MAGIC(DSB_MEDIA_QCOW, 0, "QFI\xfb"),                  /* QCOW 1-3 */
	MAGIC(DSB_MEDIA_VHD, 0, "conectix"),                  /* a dynamic VHD's footer copy */
};

/* The raw layouts: the MBR's boot signature and partition entries, the
 * GPT header, the NTFS boot sector's OEM id. */
#define MBR_SIG_OFF 510u
#define MBR_PART_OFF 446u
#define MBR_PART_SIZE 16u
#define MBR_PARTS 4u
#define MBR_PART_STATUS 0u
#define MBR_PART_TYPE 4u
#define MBR_PART_LBA 8u
#define MBR_PART_SECTORS 12u
#define GPT_SIG "EFI PART"
#define GPT_AT_512 512u
#define GPT_AT_4K 4096u
#define NTFS_OEM_OFF 3u
#define NTFS_OEM "NTFS    "
#define VHD_FOOTER "conectix"
_Static_assert(MBR_PART_OFF + MBR_PARTS * MBR_PART_SIZE == MBR_SIG_OFF,
	       "the four MBR entries end where the boot signature starts");
_Static_assert(GPT_AT_4K + sizeof GPT_SIG - 1 <= DSB_MEDIA_SNIFF_HEAD,
	       "the sniffed head holds a 4K-sector disk's GPT header");

static bool at(const uint8_t *p, size_t n, size_t off, const char *s, size_t len)
{
	return off + len <= n && memcmp(p + off, s, len) == 0;
}

/* An MBR whose entries look like a partition table: every status byte
 * 0x00 or 0x80, at least one entry used with a start and a length (a
 * boot sector of a file system has code there instead). */
static bool mbr_table(const uint8_t *h, size_t n)
{
	if (n < MBR_SIG_OFF + 2 || h[MBR_SIG_OFF] != 0x55 || h[MBR_SIG_OFF + 1] != 0xAA)
		return false;
	unsigned used = 0;
	for (unsigned i = 0; i < MBR_PARTS; i++) {
		const uint8_t *e = h + MBR_PART_OFF + i * MBR_PART_SIZE;
		if (e[MBR_PART_STATUS] != 0x00 && e[MBR_PART_STATUS] != 0x80)
			return false;
		if (e[MBR_PART_TYPE] == 0)
			continue;
		if (dsb_load_le32(e + MBR_PART_LBA) == 0 || dsb_load_le32(e + MBR_PART_SECTORS) == 0)
			return false;
		used++;
	}
	return used > 0;
}

enum dsb_media_format dsb_media_sniff(const uint8_t *head, size_t hlen, const uint8_t *tail,
				      size_t tlen)
{
	for (size_t i = 0; i < sizeof MAGICS / sizeof MAGICS[0]; i++)
		if (at(head, hlen, MAGICS[i].off, MAGICS[i].bytes, MAGICS[i].len))
			return MAGICS[i].f;
	/* A fixed VHD is a raw disk followed by its 512-byte footer. */
	if (tail && tlen >= DSB_MEDIA_SNIFF_TAIL && at(tail, tlen, 0, VHD_FOOTER, sizeof VHD_FOOTER - 1))
		return DSB_MEDIA_VHD;
	if (at(head, hlen, GPT_AT_512, GPT_SIG, sizeof GPT_SIG - 1) ||
	    at(head, hlen, GPT_AT_4K, GPT_SIG, sizeof GPT_SIG - 1))
		return DSB_MEDIA_RAW;
	if (at(head, hlen, NTFS_OEM_OFF, NTFS_OEM, sizeof NTFS_OEM - 1) && hlen >= MBR_SIG_OFF + 2 &&
	    head[MBR_SIG_OFF] == 0x55 && head[MBR_SIG_OFF + 1] == 0xAA)
		return DSB_MEDIA_RAW;
	if (mbr_table(head, hlen))
		return DSB_MEDIA_RAW;
	return DSB_MEDIA_NONE;
}

const char *dsb_media_format_name(enum dsb_media_format f)
{
	static const char *const NAMES[] = {
		[DSB_MEDIA_NONE] = "none", [DSB_MEDIA_RAW] = "raw", [DSB_MEDIA_EWF] = "ewf",
		[DSB_MEDIA_VHD] = "vhd",   [DSB_MEDIA_VHDX] = "vhdx", [DSB_MEDIA_VMDK] = "vmdk",
		[DSB_MEDIA_QCOW] = "qcow2",
	};
	_Static_assert(sizeof NAMES / sizeof NAMES[0] == DSB_MEDIA_QCOW + 1,
		       "one name per media format");
	return (unsigned)f < sizeof NAMES / sizeof NAMES[0] ? NAMES[f] : "none";
}

/* ---- errors ------------------------------------------------------------------ */

/* TSK's last error (thread-local), escaped, after `what`; then reset. */
static void tsk_err(char *err, size_t errlen, const char *what)
{
	const char *msg = tsk_error_get();
	char esc[DSB_MEDIA_ERR_MAX];
	dsb_escape_cut(esc, sizeof esc, msg ? msg : "no reason given",
		       strlen(msg ? msg : "no reason given"));
	snprintf(err, errlen, "%s: %s", what, esc);
	tsk_error_reset();
}

/* ---- external images: VHDX through libvhdi, QCOW2 through libqcow ------------ */

/* TSK's image struct first, so that TSK's pointer is ours. */
struct ext_img {
	TSK_IMG_INFO img;
	libvhdi_file_t *vhdi;
	libqcow_file_t *qcow;
	const uint8_t *mem;       /* dsb_media_open_memory: the caller's bytes */
	size_t mem_len;
	struct dsb_vol vol;       /* dsb_media_open_vol: a volume's read callback */
	bool has_vol;
};

static ssize_t ext_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
	struct ext_img *x = (struct ext_img *)img;
	ssize_t n = -1;
	if (x->has_vol) {
		/* The callback reads all or nothing: a read crossing the
		 * volume's end is cut to it, as a file's would be. */
		uint64_t o = off < 0 ? UINT64_MAX : (uint64_t)off;
		size_t want = o >= x->vol.size ? 0 : len < x->vol.size - o ? len : (size_t)(x->vol.size - o);
		if (o <= x->vol.size)
			n = want == 0 || x->vol.read(x->vol.ctx, o, buf, want) == 0 ? (ssize_t)want : -1;
	} else if (x->mem) {
		if (off < 0 || (uint64_t)off > x->mem_len)
			n = -1;
		else {
			n = (ssize_t)(len < x->mem_len - (size_t)off ? len : x->mem_len - (size_t)off);
			memcpy(buf, x->mem + off, (size_t)n);
		}
	} else if (x->vhdi) {
		libvhdi_error_t *e = NULL;
		n = libvhdi_file_read_buffer_at_offset(x->vhdi, buf, len, off, &e);
		libvhdi_error_free(&e);
	} else if (x->qcow) {
		libqcow_error_t *e = NULL;
		n = libqcow_file_read_buffer_at_offset(x->qcow, buf, len, off, &e);
		libqcow_error_free(&e);
	}
	if (n < 0) {
		tsk_error_reset();
		tsk_error_set_errno(TSK_ERR_IMG_READ);
		tsk_error_set_errstr("%s: cannot read %zu bytes at offset %lld",
				     x->has_vol ? "volume" : x->mem ? "memory" :
				     x->vhdi ? "libvhdi" : "libqcow", len,
				     (long long)off);
	}
	return n;
}

static void ext_close(TSK_IMG_INFO *img)
{
	struct ext_img *x = (struct ext_img *)img;
	if (x->vhdi) {
		libvhdi_file_close(x->vhdi, NULL);
		libvhdi_file_free(&x->vhdi, NULL);
	}
	if (x->qcow) {
		libqcow_file_close(x->qcow, NULL);
		libqcow_file_free(&x->qcow, NULL);
	}
	tsk_img_free(img);
}

static void ext_stat(TSK_IMG_INFO *img, FILE *fp)
{
	(void)img;
	(void)fp;
}

/* The library's own message (its backtrace's first line), escaped. */
static void lib_err(char *err, size_t errlen, const char *what, char *msg)
{
	char esc[DSB_MEDIA_ERR_MAX];
	size_t n = strcspn(msg, "\n");
	dsb_escape_cut(esc, sizeof esc, msg, n);
	snprintf(err, errlen, "%s: %s", what, esc);
}

/* A VHDX (libvhdi) or QCOW (libqcow) image opened and handed to TSK;
 * the two libraries' calls differ only in their types. */
static TSK_IMG_INFO *open_ext(const char *path, bool vhdx, char *err, size_t errlen)
{
	char msg[DSB_MEDIA_ERR_MAX] = "";
	struct ext_img *x = tsk_img_malloc(sizeof *x);
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	size64_t size = 0;
	bool ok;
	if (vhdx) {
		libvhdi_error_t *e = NULL;
		ok = libvhdi_file_initialize(&x->vhdi, &e) == 1 &&
		     libvhdi_file_open(x->vhdi, path, LIBVHDI_OPEN_READ, &e) == 1 &&
		     libvhdi_file_get_media_size(x->vhdi, &size, &e) == 1;
		if (e)
			libvhdi_error_sprint(e, msg, sizeof msg);
		libvhdi_error_free(&e);
		if (!ok && x->vhdi)
			libvhdi_file_free(&x->vhdi, NULL);
	} else {
		libqcow_error_t *e = NULL;
		ok = libqcow_file_initialize(&x->qcow, &e) == 1 &&
		     libqcow_file_open(x->qcow, path, LIBQCOW_OPEN_READ, &e) == 1 &&
		     libqcow_file_get_media_size(x->qcow, &size, &e) == 1;
		if (e)
			libqcow_error_sprint(e, msg, sizeof msg);
		libqcow_error_free(&e);
		if (!ok && x->qcow)
			libqcow_file_free(&x->qcow, NULL);
	}
	if (!ok) {
		lib_err(err, errlen, vhdx ? "libvhdi cannot open the VHDX" :
			"libqcow cannot open the QCOW image", msg);
		tsk_img_free(x);
		return NULL;
	}
	TSK_IMG_INFO *img = tsk_img_open_external(x, (TSK_OFF_T)size, 512, ext_read, ext_close,
						  ext_stat);
	if (!img)
		tsk_err(err, errlen, vhdx ? "TSK refused the VHDX's image" : "TSK refused the QCOW image");
	return img;
}

/* ---- an image, its volumes ---------------------------------------------------- */

struct dsb_media;
struct vol_ctx {
	struct dsb_media *m;
	size_t i;
};

struct dsb_media {
	TSK_IMG_INFO *img;
	TSK_VS_INFO *vs;
	struct dsb_media_volume vol[DSB_MEDIA_VOLUMES_MAX];
	TSK_FS_INFO *fs[DSB_MEDIA_VOLUMES_MAX];
	struct vol_ctx vctx[DSB_MEDIA_VOLUMES_MAX];   /* dsb_media_volume_vol's callbacks */
	size_t nvol;
	char note[DSB_MEDIA_ERR_MAX];
};
_Static_assert(sizeof(((struct dsb_media *)0)->fs) / sizeof(TSK_FS_INFO *) ==
		       sizeof(((struct dsb_media *)0)->vol) / sizeof(struct dsb_media_volume),
	       "one file system slot per volume");
_Static_assert(sizeof(((struct dsb_media *)0)->vctx) / sizeof(struct vol_ctx) ==
		       sizeof(((struct dsb_media *)0)->vol) / sizeof(struct dsb_media_volume),
	       "one read callback per volume");

static void try_ntfs(struct dsb_media *m, size_t i)
{
	struct dsb_media_volume *v = &m->vol[i];
	m->fs[i] = tsk_fs_open_img(m->img, (TSK_OFF_T)v->offset, TSK_FS_TYPE_NTFS);
	v->ntfs = m->fs[i] != NULL;
	if (!v->ntfs)
		tsk_err(v->why, sizeof v->why, "no NTFS file system");
}

/* The image is one volume, number 0: no table, or a volume given as
 * such (dsb_media_open_vol). */
static void whole_volume(struct dsb_media *m)
{
	tsk_error_reset();
	m->vol[0] = (struct dsb_media_volume){ .index = 0, .scheme = "none",
					       .length = (uint64_t)m->img->size };
	m->nvol = 1;
	try_ntfs(m, 0);
}

static void volumes(struct dsb_media *m)
{
	/* GPT, then MBR, each asked for by name: TSK's detection opens
	 * the MBR of a GPT disk (its protective MBR) too, and leaks it. */
	static const TSK_VS_TYPE_ENUM ORDER[] = { TSK_VS_TYPE_GPT, TSK_VS_TYPE_DOS, TSK_VS_TYPE_DETECT };
	for (size_t i = 0; !m->vs && i < sizeof ORDER / sizeof ORDER[0]; i++) {
		tsk_error_reset();
		m->vs = tsk_vs_open(m->img, 0, ORDER[i]);
	}
	if (!m->vs) {
		/* No partition table: a volume image (an NTFS boot sector
		 * at 0), or a disk with none. */
		whole_volume(m);
		return;
	}
	const char *scheme = m->vs->vstype == TSK_VS_TYPE_GPT ? "gpt" :
			     m->vs->vstype == TSK_VS_TYPE_DOS ? "mbr" : tsk_vs_type_toname(m->vs->vstype);
	unsigned index = 0;
	for (TSK_PNUM_T p = 0; p < m->vs->part_count; p++) {
		const TSK_VS_PART_INFO *pi = tsk_vs_part_get(m->vs, p);
		if (!pi || !(pi->flags & TSK_VS_PART_FLAG_ALLOC))
			continue;
		index++;
		if (m->nvol == DSB_MEDIA_VOLUMES_MAX) {
			snprintf(m->note, sizeof m->note,
				 "more than %u partitions (DSB_MEDIA_VOLUMES_MAX): the rest were not looked at",
				 DSB_MEDIA_VOLUMES_MAX);
			break;
		}
		struct dsb_media_volume *v = &m->vol[m->nvol];
		*v = (struct dsb_media_volume){
			.index = index, .scheme = scheme,
			.offset = (uint64_t)pi->start * m->vs->block_size,
			.length = (uint64_t)pi->len * m->vs->block_size,
		};
		if (pi->desc)
			dsb_escape_cut(v->desc, sizeof v->desc, pi->desc, strlen(pi->desc));
		try_ntfs(m, m->nvol);
		m->nvol++;
	}
}

struct dsb_media *dsb_media_open(const char *path, enum dsb_media_format f, char *err,
				 size_t errlen)
{
	struct dsb_media *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tsk_error_reset();
	switch (f) {
	case DSB_MEDIA_VHDX:
		m->img = open_ext(path, true, err, errlen);
		break;
	case DSB_MEDIA_QCOW:
		m->img = open_ext(path, false, err, errlen);
		break;
	case DSB_MEDIA_RAW:
	case DSB_MEDIA_EWF:
	case DSB_MEDIA_VHD:
	case DSB_MEDIA_VMDK: {
		static const TSK_IMG_TYPE_ENUM TYPES[] = {
			[DSB_MEDIA_RAW] = TSK_IMG_TYPE_RAW, [DSB_MEDIA_EWF] = TSK_IMG_TYPE_EWF_EWF,
			[DSB_MEDIA_VHD] = TSK_IMG_TYPE_VHD_VHD, [DSB_MEDIA_VMDK] = TSK_IMG_TYPE_VMDK_VMDK,
		};
		m->img = tsk_img_open_utf8_sing(path, TYPES[f], 0);
		if (!m->img)
			tsk_err(err, errlen, "TSK cannot open the image");
		break;
	}
	case DSB_MEDIA_NONE:
		snprintf(err, errlen, "not a disk image");
		break;
	}
	if (!m->img) {
		free(m);
		return NULL;
	}
	volumes(m);
	return m;
}

/* A media over an external image whose reads x serves (memory, a volume
 * callback): the partitions and NTFS found as for a file, or (volume) the
 * whole image one volume, never a table (a snapshot's boot sector is not
 * to be read as an MBR).  x is freed on failure. */
static struct dsb_media *open_external(struct ext_img *x, uint64_t len, bool volume, char *err,
				       size_t errlen)
{
	struct dsb_media *m = calloc(1, sizeof *m);
	if (!m) {
		tsk_img_free(x);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tsk_error_reset();
	m->img = tsk_img_open_external(x, (TSK_OFF_T)len, 512, ext_read, ext_close, ext_stat);
	if (!m->img) {
		tsk_err(err, errlen, "TSK refused the image");
		free(m);
		return NULL;
	}
	if (volume)
		whole_volume(m);
	else
		volumes(m);
	return m;
}

struct dsb_media *dsb_media_open_memory(const void *buf, size_t len, char *err, size_t errlen)
{
	if (len < DSB_MEDIA_SNIFF_TAIL) {
		snprintf(err, errlen, "%zu bytes: less than one sector", len);
		return NULL;
	}
	struct ext_img *x = tsk_img_malloc(sizeof *x);
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->mem = buf;
	x->mem_len = len;
	return open_external(x, len, false, err, errlen);
}

struct dsb_media *dsb_media_open_vol(const struct dsb_vol *vol, char *err, size_t errlen)
{
	if (vol->size < DSB_MEDIA_SNIFF_TAIL || vol->size > INT64_MAX) {
		snprintf(err, errlen, "%llu bytes: not a volume's size", (unsigned long long)vol->size);
		return NULL;
	}
	struct ext_img *x = tsk_img_malloc(sizeof *x);
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->vol = *vol;
	x->has_vol = true;
	return open_external(x, vol->size, true, err, errlen);
}

void dsb_media_close(struct dsb_media *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nvol; i++)
		if (m->fs[i])
			tsk_fs_close(m->fs[i]);
	if (m->vs)
		tsk_vs_close(m->vs);
	tsk_img_close(m->img);
	free(m);
}

uint64_t dsb_media_size(const struct dsb_media *m)
{
	return (uint64_t)m->img->size;
}

size_t dsb_media_nvolumes(const struct dsb_media *m)
{
	return m->nvol;
}

const struct dsb_media_volume *dsb_media_volume(const struct dsb_media *m, size_t i)
{
	return i < m->nvol ? &m->vol[i] : NULL;
}

const char *dsb_media_volumes_note(const struct dsb_media *m)
{
	return m->note;
}

/* A volume's bytes through TSK's image read (its cache included), at the
 * volume's offset: all n or -1, nothing past the volume's end. */
static int vol_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	const struct vol_ctx *c = ctx;
	const struct dsb_media_volume *v = &c->m->vol[c->i];
	if (off > v->length || n > v->length - off)
		return -1;
	size_t got = 0;
	tsk_error_reset();
	while (got < n) {
		ssize_t r = tsk_img_read(c->m->img, (TSK_OFF_T)(v->offset + off + got), (char *)buf + got,
					 n - got);
		if (r <= 0) {
			tsk_error_reset();
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

bool dsb_media_volume_vol(struct dsb_media *m, size_t i, struct dsb_vol *out)
{
	if (i >= m->nvol)
		return false;
	m->vctx[i] = (struct vol_ctx){ .m = m, .i = i };
	*out = (struct dsb_vol){ .read = vol_read, .ctx = &m->vctx[i], .size = m->vol[i].length };
	return true;
}

/* ---- files ----------------------------------------------------------------------- */

struct dsb_media_file {
	TSK_FS_FILE *file;
	const TSK_FS_ATTR *data;   /* the default $DATA, for volume offsets */
	uint64_t size;
	unsigned block_size;
};

struct dsb_media_file *dsb_media_file_open(struct dsb_media *m, size_t vol, const char *path,
					   bool *absent, char *err, size_t errlen)
{
	*absent = false;
	if (vol >= m->nvol || !m->fs[vol]) {
		snprintf(err, errlen, "volume %zu has no NTFS file system", vol);
		return NULL;
	}
	tsk_error_reset();
	TSK_FS_FILE *tf = tsk_fs_file_open(m->fs[vol], NULL, path);
	if (!tf) {
		/* TSK says "not found" without an error set. */
		*absent = tsk_error_get_errno() == 0;
		if (*absent)
			snprintf(err, errlen, "no such file");
		else
			tsk_err(err, errlen, "NTFS: cannot open the file");
		tsk_error_reset();
		return NULL;
	}
	if (!tf->meta || tf->meta->type != TSK_FS_META_TYPE_REG) {
		snprintf(err, errlen, "not a regular file");
		*absent = tf->meta == NULL;
		tsk_fs_file_close(tf);
		return NULL;
	}
	/* A size past the volume's end is a damaged record: its bytes would
	 * be zeros of sparse runs read for ever. */
	if (tf->meta->size < 0 || (uint64_t)tf->meta->size > m->vol[vol].length) {
		snprintf(err, errlen, "NTFS: the file's size (%lld bytes) is larger than its volume (%llu bytes)",
			 (long long)tf->meta->size, (unsigned long long)m->vol[vol].length);
		tsk_fs_file_close(tf);
		return NULL;
	}
	struct dsb_media_file *f = calloc(1, sizeof *f);
	if (!f) {
		tsk_fs_file_close(tf);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->file = tf;
	f->size = tf->meta->size > 0 ? (uint64_t)tf->meta->size : 0;
	f->block_size = m->fs[vol]->block_size;
	f->data = tsk_fs_file_attr_get(tf);
	tsk_error_reset();
	return f;
}

uint64_t dsb_media_file_size(const struct dsb_media_file *f)
{
	return f->size;
}

ssize_t dsb_media_file_read(struct dsb_media_file *f, uint64_t off, void *buf, size_t len,
			    char *err, size_t errlen)
{
	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = (size_t)(f->size - off);
	tsk_error_reset();
	ssize_t n = tsk_fs_file_read(f->file, (TSK_OFF_T)off, buf, len, TSK_FS_FILE_READ_FLAG_NONE);
	if (n < 0 || (n == 0 && len > 0)) {
		char what[64];
		snprintf(what, sizeof what, "NTFS: cannot read at file offset %llu",
			 (unsigned long long)off);
		tsk_err(err, errlen, what);
		return -1;
	}
	return n;
}

int64_t dsb_media_file_volume_offset(const struct dsb_media_file *f, uint64_t off)
{
	if (!f->data || !(f->data->flags & TSK_FS_ATTR_NONRES) || f->block_size == 0)
		return -1;
	uint64_t blk = off / f->block_size;
	/* A hostile run list may loop back on itself: at most this many runs
	 * are walked. */
	unsigned budget = 1u << 20;
	for (const TSK_FS_ATTR_RUN *r = f->data->nrd.run; r && budget; r = r->next, budget--) {
		if (blk < r->offset || blk - r->offset >= r->len)
			continue;
		if (r->flags & (TSK_FS_ATTR_RUN_FLAG_SPARSE | TSK_FS_ATTR_RUN_FLAG_FILLER))
			return -1;
		uint64_t at_ = (r->addr + (blk - r->offset)) * f->block_size + off % f->block_size;
		return at_ > INT64_MAX ? -1 : (int64_t)at_;
	}
	return -1;
}

void dsb_media_file_close(struct dsb_media_file *f)
{
	if (!f)
		return;
	tsk_fs_file_close(f->file);
	free(f);
}

int dsb_media_dir_files(struct dsb_media *m, size_t vol, const char *path, dsb_media_dir_fn fn,
			void *ctx, char *err, size_t errlen)
{
	if (vol >= m->nvol || !m->fs[vol]) {
		snprintf(err, errlen, "volume %zu has no NTFS file system", vol);
		return -1;
	}
	tsk_error_reset();
	TSK_FS_DIR *d = tsk_fs_dir_open(m->fs[vol], path);
	if (!d) {
		bool absent = tsk_error_get_errno() == 0 ||
			      tsk_error_get_errno() == TSK_ERR_FS_ARG;
		if (absent) {
			tsk_error_reset();
			return 1;
		}
		tsk_err(err, errlen, "NTFS: cannot read the folder");
		return -1;
	}
	size_t n = tsk_fs_dir_getsize(d);
	if (n > DSB_MEDIA_DIR_MAX) {
		snprintf(err, errlen, "NTFS: the folder lists %zu entries, more than %u (DSB_MEDIA_DIR_MAX)",
			 n, DSB_MEDIA_DIR_MAX);
		tsk_fs_dir_close(d);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		TSK_FS_FILE *e = tsk_fs_dir_get(d, i);
		if (!e)
			continue;
		if (e->name && e->name->name && e->name->type == TSK_FS_NAME_TYPE_REG &&
		    (e->name->flags & TSK_FS_NAME_FLAG_ALLOC))
			fn(ctx, e->name->name);
		tsk_fs_file_close(e);
	}
	tsk_fs_dir_close(d);
	tsk_error_reset();
	return 0;
}
