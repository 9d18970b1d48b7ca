#!/bin/bash
# Installs and fetches everything kvm32 needs on a fresh Debian 12 x86_64 machine.
#
#  - native (x86) packages with apt-get install: the ARM cross compiler, QEMU, dtc, cpio...
#  - armhf packages are NEVER installed (apt would remove the x86 compilers to satisfy
#    gcc-12:armhf); they are fetched with `apt-get download` and unpacked under build/deps/:
#    the stock kernel image, its headers, kbuild, busybox, libfdt, and from linux-source the
#    kselftest headers and checkpatch.pl.
#
# The kernel ABI (e.g. 6.1.0-50) is chosen once, as the newest one for which both the
# armmp-lpae image and its headers are available, and recorded in build/deps/kernel-abi so
# every later step uses the same one. A second run only verifies and exits in a second.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPS=${DEPS:-$ROOT/build/deps}
DEBS=$DEPS/debs
STAMP=$DEPS/.complete
# Bumped whenever this script starts to provide something new.
DEPS_FORMAT=2

NATIVE_PKGS="gcc make gcc-arm-linux-gnueabihf qemu-system-arm device-tree-compiler cpio
	gdb-multiarch xz-utils perl kmod libfdt-dev"

die() {
	echo "deps: error: $*" >&2
	exit 1
}
say() { echo "deps: $*"; }

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "need root to run: $* (run 'make deps' as root)"
	fi
}

# Everything later steps rely on; the stamp alone is not trusted.
deps_present() {
	local abi
	[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$DEPS_FORMAT" ] || return 1
	abi=$(cat "$DEPS/kernel-abi" 2>/dev/null) || return 1
	[ -f "$DEPS/kernel/boot/vmlinuz-$abi-armmp-lpae" ] &&
		[ -f "$DEPS/kdir/Makefile" ] &&
		[ -x "$DEPS/busybox/bin/busybox" ] &&
		[ -f "$DEPS/libfdt/usr/lib/arm-linux-gnueabihf/libfdt.a" ] &&
		[ -f "$DEPS/kselftest/kselftest_harness.h" ] &&
		[ -f "$DEPS/checkpatch/checkpatch.pl" ] || return 1
	for p in $NATIVE_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || return 1
	done
}

if deps_present; then
	say "up to date (kernel $(cat "$DEPS/kernel-abi"))"
	exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found: kvm32's set-up needs Debian 12 (bookworm) x86_64"
[ "$(dpkg --print-architecture)" = amd64 ] || die "set-up expects an x86_64 (amd64) Debian host"

apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return 0
	say "apt-get update"
	# The armhf security index sometimes fails to download ("unexpected size"); apt then
	# exits non-zero although the main archive is usable, so judge by what is visible after.
	as_root apt-get update -qq >"$DEPS/apt-update.log" 2>&1 ||
		say "apt-get update reported errors (see $DEPS/apt-update.log); continuing with what is available"
	apt_updated=1
}

mkdir -p "$DEPS" "$DEBS"

# --- native packages ---------------------------------------------------------------------
missing=""
for p in $NATIVE_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt_update
	say "installing native packages:$missing"
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
		>"$DEPS/apt-install.log" 2>&1 ||
		die "could not install:$missing (network down or package missing? see $DEPS/apt-install.log)"
fi

# --- armhf visibility ----------------------------------------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx armhf; then
	say "enabling the armhf architecture for downloads"
	as_root dpkg --add-architecture armhf
	apt_updated=0
fi
if ! apt-cache show busybox-static:armhf >/dev/null 2>&1; then
	apt_update
fi
apt-cache show busybox-static:armhf >/dev/null 2>&1 ||
	die "armhf packages are not visible to apt (no network, or 'apt-get update' failed: see $DEPS/apt-update.log)"

candidate() { # PKG -> candidate version or nothing
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# --- kernel ABI choice -----------------------------------------------------------------------
if [ ! -s "$DEPS/kernel-abi" ]; then
	best=""
	for abi in $(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		sed -n 's/^linux-image-\(6\.1\.0-[0-9]*\)-armmp-lpae$/\1/p' | sort -t- -k2 -n -r); do
		v_img=$(candidate "linux-image-$abi-armmp-lpae:armhf")
		v_hdr=$(candidate "linux-headers-$abi-armmp-lpae:armhf")
		v_com=$(candidate "linux-headers-$abi-common")
		if [ -n "$v_img" ] && [ "$v_img" = "$v_hdr" ] && [ "$v_hdr" = "$v_com" ]; then
			best=$abi
			break
		fi
	done
	[ -n "$best" ] || die "no Debian armmp-lpae kernel with matching headers is available from apt"
	echo "$best" >"$DEPS/kernel-abi"
	say "chose kernel ABI $best ($(candidate "linux-image-$best-armmp-lpae:armhf"))"
fi
ABI=$(cat "$DEPS/kernel-abi")
FLAVOUR=$ABI-armmp-lpae

fetch() { # PKG[:ARCH] -> path of the downloaded .deb
	local pkg=$1 name ver deb
	name=${pkg%%:*}
	ver=$(candidate "$pkg")
	[ -n "$ver" ] || die "package $pkg is not available from apt"
	deb=$(ls "$DEBS/${name}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		say "downloading $pkg ($ver)" >&2
		(cd "$DEBS" && apt-get download -qq "$pkg=$ver" >/dev/null 2>"$DEPS/download.log") ||
			die "could not download $pkg=$ver (network down? see $DEPS/download.log)"
		deb=$(ls "$DEBS/${name}_${ver//:/%3a}_"*.deb | head -n1)
	fi
	echo "$deb"
}

unpack() { # PKG[:ARCH] DIR: download if needed and unpack into DIR
	local deb
	deb=$(fetch "$1") || exit 1 # fetch has said why
	mkdir -p "$2"
	dpkg-deb -x "$deb" "$2" || die "could not unpack $deb"
}

# --- kernel image and modules (for the board, and later as the guest kernel) -----------------
if [ ! -f "$DEPS/kernel/boot/vmlinuz-$FLAVOUR" ]; then
	rm -rf "$DEPS/kernel"
	unpack "linux-image-$FLAVOUR:armhf" "$DEPS/kernel"
fi

# --- headers + kbuild in one prefix; kdir points into it --------------------------------------
if [ ! -f "$DEPS/kdir/Makefile" ]; then
	rm -rf "$DEPS/kheaders" "$DEPS/kdir"
	unpack "linux-headers-$FLAVOUR:armhf" "$DEPS/kheaders"
	unpack "linux-headers-$ABI-common" "$DEPS/kheaders"
	unpack linux-kbuild-6.1 "$DEPS/kheaders"
	hdr=$DEPS/kheaders/usr/src/linux-headers-$FLAVOUR
	# Debian's flavour Makefile includes the common tree by its installed absolute path.
	sed -i "s|/usr/src/linux-headers-$ABI-common|$DEPS/kheaders/usr/src/linux-headers-$ABI-common|" \
		"$hdr/Makefile"
	grep -q "$DEPS/kheaders" "$hdr/Makefile" || die "unexpected layout of $hdr/Makefile"
	ln -sfn "$hdr" "$DEPS/kdir"
fi

# --- busybox for the board's initramfs --------------------------------------------------------
if [ ! -x "$DEPS/busybox/bin/busybox" ]; then
	rm -rf "$DEPS/busybox"
	unpack busybox-static:armhf "$DEPS/busybox"
fi

# --- libfdt (static, armhf) for libvmm --------------------------------------------------------
if [ ! -f "$DEPS/libfdt/usr/lib/arm-linux-gnueabihf/libfdt.a" ]; then
	rm -rf "$DEPS/libfdt"
	unpack libfdt-dev:armhf "$DEPS/libfdt"
	unpack libfdt1:armhf "$DEPS/libfdt"
fi

# --- kselftest headers, checkpatch and the KVM API text from linux-source ----------------------
if [ ! -f "$DEPS/kselftest/kselftest_harness.h" ] || [ ! -f "$DEPS/checkpatch/checkpatch.pl" ]; then
	src_deb=$(fetch linux-source-6.1) || exit 1
	tmp=$DEPS/linux-source.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb -x "$src_deb" "$tmp" || die "could not unpack $src_deb"
	tarball=$(ls "$tmp"/usr/src/linux-source-6.1*.tar.xz | head -n1)
	[ -f "$tarball" ] || die "linux-source-6.1 has no source tarball"
	top=$(tar -tJf "$tarball" 2>/dev/null | head -n1 | cut -d/ -f1) || true
	say "extracting kselftest headers and checkpatch.pl from $(basename "$tarball")"
	tar -xJf "$tarball" -C "$tmp" \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" \
		"$top/Documentation/virt/kvm/api.rst" ||
		die "could not extract the needed files from $tarball"
	mkdir -p "$DEPS/kselftest" "$DEPS/checkpatch" "$DEPS/doc"
	cp "$tmp/$top/tools/testing/selftests/kselftest.h" \
		"$tmp/$top/tools/testing/selftests/kselftest_harness.h" "$DEPS/kselftest/"
	cp "$tmp/$top/scripts/checkpatch.pl" "$tmp/$top/scripts/spelling.txt" \
		"$tmp/$top/scripts/const_structs.checkpatch" "$DEPS/checkpatch/"
	cp "$tmp/$top/Documentation/virt/kvm/api.rst" "$DEPS/doc/kvm-api.rst"
	rm -rf "$tmp"
	rm -f "$src_deb" # 140 MB, no longer needed
fi

echo "$DEPS_FORMAT" >"$STAMP"
deps_present || die "set-up finished but something is still missing (internal error)"
say "ready (kernel $ABI)"
