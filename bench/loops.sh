#!/usr/bin/env bash
# B2's peers: the loops a lab writes instead of sfi-harness, making the
# same STM32_Programmer_CLI calls as the harness's campaign (once: the HSM
# counter, the board's identity, chip UID and RSS version; per install: a
# licence drawn from HSM slot 1, then the install with it; not the
# harness's power-check connects). Written to be correct, as a careful lab
# would: every call's exit status and its output are examined, and the
# output goes to a file, never through a pipe (`cli | grep -q` lets grep
# exit at its first match and the CLI die of SIGPIPE while the loop counts
# a pass: 11 of 200 calls in issue 19).
#
#   loops.sh bare|lab CLI SERIAL IMAGE INSTALLS DIR
#
#   bare  checks each call and counts the failures; keeps nothing.
#   lab   also keeps each install's log (DIR/logs/install-N.log), greps
#         its RSS value (`RSS complete Value = 0x..`, printed when the RSS
#         ends: ../shared/seed/sfi-forum-thread.txt) and appends a line to
#         DIR/results.csv.
# Exits 0 when every call succeeded, 1 otherwise.
set -u
mode=$1 cli=$2 serial=$3 image=$4 installs=$5 dir=$6
connect=(-c port=swd "sn=$serial" mode=UR reset=HWrst)
licence=$dir/licence.bin

# check LOG MARKER: LOG holds MARKER (grep's exit 2, an unreadable log, fails too).
check() { grep -qF -- "$2" "$1"; }

# call LOG MARKER ARGS...: runs the CLI with its output in LOG; fails unless
# it exited 0 and printed MARKER.
call() {
  local log=$1 marker=$2
  shift 2
  "$cli" "$@" >"$log" 2>&1 && check "$log" "$marker"
}

out=$dir/out.txt
call "$out" 'HSM counter' -hsmgetcounter slot=1 || { echo "HSM counter: failed"; exit 1; }
call "$out" 'Device ID' "${connect[@]}" || { echo "identity: failed"; exit 1; }
call "$out" '0x08FFF800 :' "${connect[@]}" -r32 0x08FFF800 12 || { echo "chip UID: failed"; exit 1; }
call "$out" 'RSS version' "${connect[@]}" -rssgetversion || { echo "RSS version: failed"; exit 1; }

# install LOG: draws a licence and installs with it, both outputs in LOG.
install() {
  local log=$1
  call "$log" 'Succeed to get License for Firmware from HSM' \
    "${connect[@]}" -hsmgetlicense "$licence" slot=1 protocol=static || return 1
  "$cli" -c port=swd "sn=$serial" mode=HOTPLUG -sfi protocol=static "$image" hsm=0 "$licence" \
    >>"$log" 2>&1 && check "$log" 'SFI Process Finished!'
}

fails=0
if [ "$mode" = bare ]; then
  for ((i = 1; i <= installs; i++)); do
    install "$out" || fails=$((fails + 1))
  done
else
  mkdir -p "$dir/logs" || exit 1
  echo "install,time,serial,result,rss" >"$dir/results.csv" || exit 1
  for ((i = 1; i <= installs; i++)); do
    log=$dir/logs/install-$i.log
    result=pass
    install "$log" || { result=fail; fails=$((fails + 1)); }
    rss=$(grep -m1 -oE 'RSS complete Value = 0x[0-9A-Fa-f]+' "$log")
    [ $? -le 1 ] || { echo "$log: cannot read"; exit 1; }
    printf -v now '%(%Y-%m-%dT%H:%M:%S)T' -1
    echo "$i,$now,$serial,$result,${rss##*= }" >>"$dir/results.csv" || exit 1
  done
fi
echo "$installs installs, $fails failed"
[ "$fails" -eq 0 ]
