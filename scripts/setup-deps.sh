#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what dsbinspect needs to build and test, from Debian 12's own
# packages.  Skips apt entirely when everything is already installed, so
# repeated runs (and CI on a prepared machine) cost nothing.
set -euo pipefail

packages=(
	build-essential cmake pkg-config            # toolchain
	libarchive-dev libjansson-dev libssl-dev    # archives, JSON, SHA-256
	zlib1g-dev liblzma-dev                      # gzip and xz trailers checked to the end
	libzstd-dev libbz2-dev liblz4-dev           # zstd, bzip2 and lz4 checksums checked to the end
	libxml2-dev                                 # Windows Server Backup catalogues (XML)
	libesedb-dev libesedb-utils                 # ESE deep checks; esedbinfo/esedbexport for the bench
	libbfio-dev                                 # libesedb.h includes libbfio.h (libesedb-dev does not depend on it); format/vss.c's handle
	libvshadow-dev                              # VSS shadow copies (format/vss.c)
	libtsk-dev libvhdi-dev libqcow-dev          # disk images: TSK (raw, E01, VHD, VMDK, NTFS), VHDX, QCOW2
	libregf-dev                                 # the SYSTEM hive (NTDS's folders)
	ntfs-3g qemu-utils ewf-tools                # tests: mkntfs/ntfscp, qemu-img, ewfacquire make the test images
	libcunit1-dev                               # unit tests
	python3 python3-jsonschema                  # tests: reports against docs/schema and the SARIF schema
	clang libclang-rt-14-dev                    # libFuzzer targets
	libarchive-tools zstd xz-utils bzip2 lz4    # bsdtar and filters for tests and the bench
	time                                        # peak RSS in the bench
	gettext                                     # msgfmt, xgettext, msgcmp: the text report's catalogues (po/)
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
