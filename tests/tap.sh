# shellcheck shell=bash
# TAP helpers of the shell tests: source it, print the plan, then report each case.
#
#	. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
#	echo "1..2"
#	test -S "$sock"; check $? "the socket exists"
#	expect "no options" "prog: what is wrong" prog

n=0

# Usage: check STATUS DESCRIPTION: case n+1, ok when STATUS is 0.
check()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# Usage: expect DESCRIPTION EXPECTED-MESSAGE COMMAND...: COMMAND must exit 1 within 5 s
# and print exactly EXPECTED-MESSAGE (English) on stderr; what it printed otherwise is
# shown as a TAP comment.
expect()
{
	local desc=$1 want=$2 got rc
	shift 2
	got=$(LC_ALL=C LANGUAGE= timeout 5 "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 1 ] && [ "$got" = "$want" ]
	check $? "$desc"
	[ "$rc" = 1 ] && [ "$got" = "$want" ] || echo "# got (exit $rc): $got"
}
