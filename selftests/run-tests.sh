#!/bin/sh
# Runs kselftest-style test binaries and prints their TAP, on the board
# (/kvm32/selftests/run) and on the host (unit tests). POSIX sh: busybox runs it.
#
# Usage: run-tests.sh TEST...   a TEST without '/' is looked up beside this script;
#        run-tests.sh           every *_test beside this script.
#
# A test binary that crashes, or fails without saying which case, still shows
# up as a "not ok" line, so whoever counts the TAP cannot miss it. Exits 1 if
# anything failed.
here=$(dirname "$0")
tests="$*"
[ -n "$tests" ] || tests=$(ls "$here" | grep '_test$')
tmp=${TMPDIR:-/tmp}/run-tests.$$
status=0
for t in $tests; do
	case $t in
	*/*) path=$t ;;
	*) path=$here/$t ;;
	esac
	echo "# --- $path"
	if [ ! -x "$path" ]; then
		echo "not ok - $t: no such test"
		status=1
		continue
	fi
	"$path" >"$tmp" 2>&1
	rc=$?
	cat "$tmp"
	if ! grep -qE '^(not )?ok ' "$tmp"; then
		echo "not ok - $t reported no results (exit status $rc)"
		status=1
	elif [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
		# 4 is kselftest's "skipped"; any other failure must have a "not ok".
		grep -q '^not ok ' "$tmp" || echo "not ok - $t exited with status $rc"
		status=1
	fi
done
rm -f "$tmp"
exit $status
