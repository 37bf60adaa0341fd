#!/bin/sh
# build-deb.sh BUILD VERSION -- the Debian package of skimd, with dpkg's own
# tools: the tree is staged by `make install` (PREFIX=/usr, DESTDIR), the
# runtime dependencies come from dpkg-shlibdeps, the package is assembled
# by dpkg-deb with root ownership. Called by `make deb` after it has
# built BUILD/skimd; writes BUILD/skimd_VERSION-1_ARCH.deb and prints its
# path last.
#
# What the package does on the target (debian/ holds the scripts):
#   postinst  creates the `skimd` system user and /var/lib/skimd (0750),
#             enables and starts skimd.service (127.0.0.1:8080, no key)
#   prerm     stops the service
#   postrm    on purge: removes /var/lib/skimd (the database) and the
#             service's state; the user stays (Debian's practice)
set -eu
build=$1
version=$2
revision=${DEB_REVISION:-1}
# whoever builds a package for others names themselves here
maintainer=${DEB_MAINTAINER:-skimd maintainers <maintainers@skimd.invalid>}
arch=$(dpkg --print-architecture)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

root="$build/deb-root"
out="$build/skimd_${version}-${revision}_${arch}.deb"
rm -rf "$root" "$build/deb-shlibs"
# SANITIZER= : a `make asan-test` passes SANITIZER down through MAKEFLAGS;
# the package is always the release build
make --no-print-directory -s BUILD="$build" LIBSKIMD=build/libskimd.a PREFIX=/usr SANITIZER= \
    DESTDIR="$root" install >/dev/null
make --no-print-directory -s BUILD="$build" LIBSKIMD=build/libskimd.a PREFIX=/usr SANITIZER= \
    DESTDIR="$root" UNITDIR=/lib/systemd/system SYSCONFDIR=/etc install-systemd >/dev/null

# Debian wants stripped binaries, compressed man pages and docs.
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$root/usr/bin/skimd"
gzip -9n "$root/usr/share/man/man1/skimd.1"
doc="$root/usr/share/doc/skimd"
install -d "$doc"
install -m 0644 debian/copyright "$doc/copyright"
gzip -9nc CHANGELOG.md > "$doc/changelog.gz"
# the Debian changelog: one entry for this build, dated by the newest commit
# (or now) so that two builds of one commit give the same file
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
{
    printf 'skimd (%s-%s) unstable; urgency=medium\n\n' "$version" "$revision"
    printf '  * Upstream release %s; see changelog.gz.\n\n' "$version"
    printf ' -- %s  %s\n' "$maintainer" "$when"
} | gzip -9n > "$doc/changelog.Debian.gz"
chmod 0644 "$doc"/*.gz
install -d "$root/usr/share/lintian/overrides"
install -m 0644 debian/lintian-overrides "$root/usr/share/lintian/overrides/skimd"

# Runtime dependencies: the library packages the binary links against.
mkdir -p "$build/deb-shlibs/debian"
printf 'Source: skimd\n\nPackage: skimd\nArchitecture: any\n' \
    > "$build/deb-shlibs/debian/control"
shlibs=$(cd "$build/deb-shlibs" && dpkg-shlibdeps -O "$here/$root/usr/bin/skimd" 2>/dev/null |
         sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d -m 0755 "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version-$revision|" -e "s|@ARCH@|$arch|" \
    -e "s|@DEPENDS@|$shlibs, friso-dict, adduser|" -e "s|@SIZE@|$size|" \
    -e "s|@MAINTAINER@|$maintainer|" \
    debian/control.in > "$root/DEBIAN/control"
for s in postinst prerm postrm; do
    install -m 0755 "debian/$s" "$root/DEBIAN/$s"
done
echo /etc/default/skimd > "$root/DEBIAN/conffiles"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
    sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
