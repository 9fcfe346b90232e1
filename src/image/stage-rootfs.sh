#!/usr/bin/env bash
# Stages the root filesystem of the gateway's container image, the way distroless images
# are built: files of a few Debian packages (no package manager, no shell) plus a jlink
# Java runtime. Jib then layers this folder onto `scratch` and adds the application.
#
# Usage: stage-rootfs.sh <output-dir> <jdk-home> <modules> <packages>
#   output-dir  folder to (re)create; the root filesystem goes to <output-dir>/rootfs and the
#               downloaded .deb files are kept in <output-dir>/debs
#   jdk-home    JDK whose jlink and jmods build the runtime (Maven passes ${java.home})
#   modules     comma-separated Java modules for jlink
#   packages    space- or comma-separated Debian package names
#
# Called by the Maven profile `image` (pom.xml); needs apt-get and dpkg-deb (Debian or
# Ubuntu). The packages come from the build machine's apt sources, so the image carries
# that distribution's current patch level: rebuild to pick up security updates. What went
# in is recorded in /var/lib/dpkg/status.d/ (as distroless does) for image scanners.
set -euo pipefail
export LC_ALL=C

out=${1:?output dir}
jdk=${2:?jdk home}
modules=${3:?modules}
packages=${4:?packages}
packages=${packages//,/ }

uid=65532
root="$out/rootfs"
debs="$out/debs"

log() { printf '[stage-rootfs] %s\n' "$*"; }

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || {
	echo "[stage-rootfs] apt-get and dpkg-deb are needed (Debian/Ubuntu build machine)" >&2
	exit 1
}

rm -rf "$root"
mkdir -p "$root" "$debs"

# 1. Debian packages: download (no install, no maintainer scripts) and unpack.
missing=()
for p in $packages; do
	ls "$debs/${p}"_*.deb >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
	log "downloading ${missing[*]}"
	fetch() { (cd "$debs" && apt-get -qq -o APT::Sandbox::User=root download "${missing[@]}"); }
	if ! fetch; then
		log "apt-get download failed; running apt-get update once and retrying"
		apt-get -qq update
		fetch
	fi
fi
mkdir -p "$root/var/lib/dpkg/status.d"
for p in $packages; do
	deb=$(ls "$debs/${p}"_*.deb | sort | tail -n 1)
	dpkg-deb -x "$deb" "$root"
	{
		dpkg-deb -f "$deb" Package
		echo "Status: install ok installed"
		dpkg-deb -f "$deb" | grep -v '^Package:'
	} | sed '1s/^/Package: /' > "$root/var/lib/dpkg/status.d/$p"
	log "unpacked $(basename "$deb")"
done

# 2. Trim what a JVM never uses and that only makes the image bigger: documentation
#    (keeping copyright files), maintainer tools, gconv modules, the duplicate time
#    zone trees (Java has its own tzdb; /usr/share/zoneinfo stays for native code).
find "$root/usr/share/doc" -mindepth 1 \( -type l -o \( -type f ! -name copyright \) \) -delete 2>/dev/null || true
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$root/usr/share/man" "$root/usr/share/lintian" "$root/usr/share/gdb" "$root/usr/share/gcc" \
	"$root/usr/sbin" "$root/usr/lib/x86_64-linux-gnu/gconv" "$root/usr/lib/aarch64-linux-gnu/gconv" \
	"$root/usr/share/zoneinfo/posix" "$root/usr/share/zoneinfo/right" "$root/etc/ca-certificates" \
	"$root/etc/ca-certificates.conf"

# 3. The CA bundle that update-ca-certificates would have written (its script does not run).
mkdir -p "$root/etc/ssl/certs"
find "$root/usr/share/ca-certificates" -type f -name '*.crt' | sort | xargs cat > "$root/etc/ssl/certs/ca-certificates.crt"

# 4. Users, as in distroless: root, and nonroot with the UID the chart runs as.
cat > "$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:$uid:$uid:nonroot:/home/nonroot:/sbin/nologin
EOF
cat > "$root/etc/group" <<EOF
root:x:0:
nobody:x:65534:
nonroot:x:$uid:
EOF
[ -r /usr/lib/os-release ] && install -D -m 644 /usr/lib/os-release "$root/etc/os-release"
mkdir -p "$root/tmp" "$root/home/nonroot" "$root/root" "$root/proc" "$root/dev" "$root/sys"

# 5. Java runtime with only the modules the application needs.
jlink_args=(--add-modules "$modules" --strip-debug --no-header-files --no-man-pages
	--compress=2 --output "$root/opt/java")
[ -d "$jdk/jmods" ] && jlink_args=(--module-path "$jdk/jmods" "${jlink_args[@]}")
log "jlink $modules"
"$jdk/bin/jlink" "${jlink_args[@]}"
# No class data sharing archive (--generate-cds-archive): on JDK 17 it differs from build
# to build, which would make the image irreproducible, and it adds 13 MB.

# 6. Jib copies files, not symbolic links: turn each link into a copy of its target inside
#    this root (an absolute link such as /lib64/ld-linux-x86-64.so.2 must not resolve on
#    the build machine) and drop links to directories and dangling ones.
while IFS= read -r -d '' link; do
	target=$(readlink "$link")
	case "$target" in
		/*) resolved="$root$target" ;;
		*) resolved="$(dirname "$link")/$target" ;;
	esac
	if [ -f "$resolved" ] && [ ! -L "$resolved" ]; then
		cp --remove-destination -p "$resolved" "$link"
	else
		rm -f "$link"
	fi
done < <(find "$root" -type l -print0 | sort -z)
if [ -n "$(find "$root" -type l)" ]; then
	echo "[stage-rootfs] symbolic links remain (link to link?):" >&2
	find "$root" -type l >&2
	exit 1
fi

log "rootfs ready: $(du -sh "$root" | cut -f1) ($(du -sh "$root/opt/java" | cut -f1) Java runtime)"
