#!/usr/bin/env bash
# Builds connect_VERSION_amd64.deb with dpkg-deb (`make deb` calls it after building the binaries
# with Debian's hardening flags into bin/pkg/).
#   build-deb.sh VERSION BINDIR OUT.deb
# The layout: /usr/sbin (connectd, connectctl), /usr/share/connect (web/, nginx/ snippets, the common
# passwords and bank holidays), /etc/connect/connect.env, /lib/systemd/system/connectd.service,
# /etc/nginx/sites-available/connect, /etc/logrotate.d/connect, /usr/share/doc/connect. The data
# (/var/lib/connect), backups (/var/backups/connect) and logs (/var/log/connect) are made by postinst.
# Depends: the shared libraries the binaries link (dpkg-shlibdeps), plus what the maintainer scripts
# and the PDFs need (debian/control.in).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSION=$1 BIN=$2 OUT=$3
# Staged outside build/ (the Makefile reads every *.d file there, and logrotate.d is one).
STAGE=$(mktemp -d /tmp/connect-deb.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/connect"
umask 022

install -d "$PKG/DEBIAN" "$PKG/usr/sbin" "$PKG/usr/share/connect/auth" "$PKG/usr/share/connect/store" \
  "$PKG/usr/share/connect/nginx" "$PKG/usr/share/doc/connect" "$PKG/usr/share/man/man8" \
  "$PKG/etc/connect" "$PKG/etc/nginx/sites-available" "$PKG/etc/logrotate.d" "$PKG/lib/systemd/system" \
  "$PKG/usr/share/lintian/overrides"
for b in connectd connectctl; do
  install -m 0755 "$BIN/$b" "$PKG/usr/sbin/$b"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$PKG/usr/sbin/$b"
done
cp -r "$ROOT/web" "$PKG/usr/share/connect/web"
rm -f "$PKG/usr/share/connect/web/README.md" # the developers' map of the app
find "$PKG/usr/share/connect/web" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
install -m 0644 "$ROOT/auth/common-passwords.txt" "$PKG/usr/share/connect/auth/"
install -m 0644 "$ROOT/store/bank-holidays.json" "$PKG/usr/share/connect/store/"
for f in security-headers.conf api-errors.conf fastcgi.conf; do
  install -m 0644 "$ROOT/nginx/$f" "$PKG/usr/share/connect/nginx/$f"
done
sed -e "s|@NGINX@|/usr/share/connect/nginx|g" -e "s|@LOGIN_BURST@|20|g" "$ROOT/nginx/locations.conf.in" \
  > "$PKG/usr/share/connect/nginx/locations.conf"
install -m 0644 "$ROOT/nginx/package/connect.env" "$PKG/etc/connect/connect.env"
install -m 0644 "$ROOT/nginx/package/nginx-site.conf" "$PKG/etc/nginx/sites-available/connect"
install -m 0644 "$ROOT/nginx/package/logrotate" "$PKG/etc/logrotate.d/connect"
install -m 0644 "$ROOT/nginx/package/connectd.service" "$PKG/lib/systemd/system/connectd.service"
install -m 0644 "$ROOT/nginx/package/lintian-overrides" "$PKG/usr/share/lintian/overrides/connect"
install -m 0644 "$ROOT/nginx/package/copyright" "$PKG/usr/share/doc/connect/copyright"
gzip -9nc "$ROOT/README.md" > "$PKG/usr/share/doc/connect/README.md.gz"
gzip -9nc "$ROOT/fcgi/API.md" > "$PKG/usr/share/doc/connect/API.md.gz"
for m in connectd connectctl; do
  sed "s|@VERSION@|$VERSION|" "$ROOT/nginx/package/$m.8" | gzip -9n > "$PKG/usr/share/man/man8/$m.8.gz"
done
DATE=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'connect (%s) stable; urgency=medium\n\n  * Release %s: see README.md.\n\n -- The Connect Network <operations@connect.example.org>  %s\n' \
  "$VERSION" "$VERSION" "$DATE" | gzip -9n > "$PKG/usr/share/doc/connect/changelog.gz" # a native package

for s in postinst prerm postrm; do install -m 0755 "$ROOT/nginx/package/debian/$s" "$PKG/DEBIAN/$s"; done
install -m 0644 "$ROOT/nginx/package/debian/conffiles" "$PKG/DEBIAN/conffiles"

# Depends: what the binaries link, as dpkg-shlibdeps names it (it wants a debian/control to read).
WORK="$STAGE/shlibs"
mkdir -p "$WORK/debian"
printf 'Source: connect\n\nPackage: connect\nArchitecture: amd64\n' > "$WORK/debian/control"
SHLIBS=$(cd "$WORK" && dpkg-shlibdeps -O "$PKG/usr/sbin/connectd" "$PKG/usr/sbin/connectctl" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[ -n "$SHLIBS" ] || { echo "build-deb.sh: dpkg-shlibdeps found no libraries" >&2; exit 1; }
SIZE=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed -e "s|@VERSION@|$VERSION|" -e "s|@SIZE@|$SIZE|" -e "s|@SHLIBS@|$SHLIBS|" \
  "$ROOT/nginx/package/debian/control.in" > "$PKG/DEBIAN/control"
(cd "$PKG" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs md5sum) > "$PKG/DEBIAN/md5sums"
chmod 0644 "$PKG/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$PKG" "$OUT" >/dev/null
echo "built $OUT"
