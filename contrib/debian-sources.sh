#!/bin/bash
# Prints apt sources (deb822) for Debian suites, taken from the machine's own apt
# configuration, so that nothing in the tree names a mirror: a machine that uses a local
# mirror or a proxy keeps using it for backports and for the test guests' root file systems.
#
# Usage: debian-sources.sh SUITE...     e.g. debian-sources.sh bookworm bookworm-updates
#
# A suite the machine already has is printed with the URI it has. One it lacks is derived:
# CODENAME-backports and CODENAME-updates from the URI that serves CODENAME, and
# CODENAME-security from the one that serves CODENAME-security. Exits 1, saying which, when
# a suite cannot be placed.
set -euo pipefail

[ $# -gt 0 ] || {
	echo "usage: debian-sources.sh SUITE..." >&2
	exit 2
}

# "URI SUITE" for each Debian binary package index apt is configured with (both the
# one-line and the deb822 formats, every file under /etc/apt; no network needed).
configured=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' \
	'Created-By: Packages' 2>/dev/null | sort -u)

# Prints the URI apt uses for SUITE, or nothing.
uri_of()
{
	awk -v s="$1" '$2 == s { print $1; exit }' <<<"$configured"
}

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for suite in "$@"; do
	uri=$(uri_of "$suite")
	if [ -z "$uri" ]; then
		case "$suite" in
		*-backports | *-updates) uri=$(uri_of "${suite%-*}") ;;
		esac
	fi
	if [ -z "$uri" ]; then
		echo "debian-sources.sh: apt has no source for $suite, nor one to derive it" \
			"from; add the machine's Debian sources to /etc/apt/sources.list" >&2
		exit 1
	fi
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n\n' \
		"$uri" "$suite" "$keyring"
done
