#!/bin/bash
# Translations: the catalogues pass msgfmt -c, translate every message the sources mark
# today (not only those of the last `make update-po`), every source file with marked
# strings is in POTFILES.in, and the daemons speak German and French with LANGUAGE.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
langs="de fr"

for tool in msgfmt msgmerge xgettext gettext; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool is not installed (gettext)"
		exit 77
	fi
done
echo "1..9"
n=0
report() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/vd-po.XXXXXX")
trap 'rm -rf "$work"' EXIT

for l in $langs; do
	out=$(msgfmt -c --check-format -o "$work/$l.mo" "$top_srcdir/po/$l.po" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	report $rc "po/$l.po passes msgfmt -c --check-format"
done

# The messages as the sources mark them now, with po/Makevars' keywords.
(cd "$top_srcdir" && xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
	--keyword=NC_:1c,2 --keyword=g_dngettext:2,3 -f po/POTFILES.in -o "$work/now.pot")
for l in $langs; do
	msgmerge --quiet --no-fuzzy-matching -o "$work/$l-now.po" "$top_srcdir/po/$l.po" \
		"$work/now.pot"
	stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$work/$l-now.po" 2>&1)
	echo "# $l: $stats"
	missing=$(msgattrib --untranslated --no-obsolete "$work/$l-now.po" | grep '^msgid ' | tail -n +2)
	[ -n "$missing" ] && printf '%s\n' "$missing" | sed 's/^/# untranslated: /'
	case $stats in
	*untranslated*|*fuzzy*) report 1 "po/$l.po translates every message of the sources" ;;
	*) report 0 "po/$l.po translates every message of the sources" ;;
	esac
done

unlisted=
for f in $(cd "$top_srcdir" && grep -rlE '\b(N_|_)\("' --include='*.c' src); do
	grep -qx "$f" "$top_srcdir/po/POTFILES.in" || unlisted="$unlisted $f"
done
report "$([ -z "$unlisted" ]; echo $?)" "po/POTFILES.in lists every source with marked strings${unlisted:+ (missing:$unlisted)}"

# LANGUAGE is ignored in the C locale: C.UTF-8 is the one locale every glibc system has.
loc=$work/locale
for l in $langs; do
	mkdir -p "$loc/$l/LC_MESSAGES"
	cp "$work/$l.mo" "$loc/$l/LC_MESSAGES/vhost-desktop.mo"
done
msg="Listen for the front-end on this Unix socket"
for l in $langs; do
	want=$(TEXTDOMAINDIR=$loc LC_ALL=C.UTF-8 LANGUAGE=$l gettext -d vhost-desktop "$msg")
	for d in gpu input; do
		help=$(VHOST_DESKTOP_LOCALEDIR=$loc LC_ALL=C.UTF-8 LANGUAGE=$l \
			"$top_builddir/src/vhost-desktop-$d" --help 2>&1)
		ok=1
		if [ "$want" != "$msg" ] && [[ $help == *"$want"* ]] && [[ $help != *"$msg"* ]]; then
			ok=0
		else
			printf '%s\n' "$help" | head -12 | sed 's/^/# /'
		fi
		report $ok "LANGUAGE=$l vhost-desktop-$d --help shows \"$want\""
	done
done
