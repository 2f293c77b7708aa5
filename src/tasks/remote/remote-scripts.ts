/**
 * The shell programs voice-orch runs on a host, as fixed text: everything from outside (folder,
 * prompt, paths) reaches them only as positional parameters ("$1"…), quoted by shell-quote.ts,
 * never spliced into the program. They need a POSIX sh, /proc and GNU coreutils' tail on the host.
 *
 * A run lives in a run folder on the host: `pid` (the wrapper: leader of the run's own session and
 * process group, the run's identity), `agent.pid` (the agent, the wrapper's child), `out` and
 * `err` (the agent's stdout and stderr) and `exit` (its exit status, written when it ends). Nothing
 * in it depends on voice-orch or on the SSH connection staying up.
 */

/** `sh -c START <name> <runDir> <cwd> <file> env -- NAME=VALUE… <file> <args…>`: prints "pid starttime". */
export const START_SCRIPT = `
set -u
d=$1; cwd=$2; file=$3; shift 3
umask 077
mkdir -p -- "$d" || { echo "cannot create the run folder $d on the host" >&2; exit 97; }
d=$(cd -- "$d" && pwd) || exit 97
cd -- "$cwd" 2>/dev/null || { echo "no such folder on the host: $cwd" >&2; exit 98; }
command -v -- "$file" >/dev/null 2>&1 || { echo "$file was not found on the host" >&2; exit 99; }
: >>"$d/out"; : >>"$d/err"
setsid sh -c '
  d=$1; shift
  echo $$ >"$d/pid.tmp" && mv "$d/pid.tmp" "$d/pid"
  "$@" </dev/null >>"$d/out" 2>>"$d/err" &
  echo $! >"$d/agent.pid"
  wait $!
  echo $? >"$d/exit.tmp" && mv "$d/exit.tmp" "$d/exit"
' voice-orch-run "$d" "$@" </dev/null >/dev/null 2>&1 &
i=0
while [ ! -s "$d/pid" ]; do
  i=$((i+1)); [ $i -gt 200 ] && { echo "the run did not start" >&2; exit 96; }
  sleep 0.05
done
pid=$(cat "$d/pid")
st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f20)
echo "$pid \${st:-0}"
`;

/**
 * `sh -c STATUS <name> <runDir>`: "pid starttime alive exitcode" of a run (starttime 0 and
 * alive 0 when its process is gone; exitcode "-" until it is written).
 */
export const STATUS_SCRIPT = `
d=$1
pid=$(cat "$d/pid" 2>/dev/null) || pid=0
st=0; alive=0
if [ "$pid" -gt 0 ] 2>/dev/null && [ -r "/proc/$pid/stat" ]; then
  st=$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f20); alive=1
fi
code=$(cat "$d/exit" 2>/dev/null) || code=-
echo "$pid $st $alive \${code:--}"
`;

/**
 * `sh -c FOLLOW <name> <runDir> <byteOffset>`: the run's stdout from the offset, following it until
 * the run's wrapper is gone (then everything left is printed and it exits 0).
 */
export const FOLLOW_SCRIPT = `
d=$1; off=$2
pid=$(cat "$d/pid" 2>/dev/null) || { echo "no run in $d" >&2; exit 3; }
exec tail -c +$((off+1)) -s 0.2 --pid="$pid" -f -- "$d/out"
`;

/** `sh -c FINISH <name> <runDir> <errOffset>`: the exit status line, then stderr from the offset. */
export const FINISH_SCRIPT = `
d=$1; off=$2
cat "$d/exit" 2>/dev/null || echo -
tail -c +$((off+1)) -- "$d/err" 2>/dev/null
`;

/**
 * `sh -c SIGNAL <name> <runDir> <pid> <starttime> TERM|KILL`: TERM to the agent; KILL to every member of the run's
 * process group and every descendant of the wrapper (tools in groups of their own too). Nothing is
 * signalled unless the wrapper is still the process that was started (pid and start time).
 */
export const SIGNAL_SCRIPT = `
d=$1; pid=$2; want=$3; sig=$4
[ -r "/proc/$pid/stat" ] || exit 0
st=$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f20)
[ "$st" = "$want" ] || exit 0
if [ "$sig" = TERM ]; then
  a=$(cat "$d/agent.pid" 2>/dev/null) || exit 0
  pp=$(sed 's/.*) //' "/proc/$a/stat" 2>/dev/null | cut -d' ' -f2)
  [ "$pp" = "$pid" ] && kill -TERM "$a" 2>/dev/null
  exit 0
fi
all=$(ps -e -o pid= -o ppid= -o pgid= | awk -v root="$pid" '
  { parent[$1] = $2; group[$1] = $3; pids[NR] = $1 }
  END {
    keep[root] = 1
    for (i in pids) if (group[pids[i]] == root) keep[pids[i]] = 1
    changed = 1
    while (changed) { changed = 0
      for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } } }
    for (p in keep) print p
  }')
kill -s STOP $all 2>/dev/null
kill -s KILL $all 2>/dev/null
exit 0
`;

/**
 * `sh -c PROBE <name> <stateDir> <agent>`: lines "agent <path> <version…>", "node <path> <version>"
 * (or "node -"), "state ok|not writable" and one "root ok|missing <root>" per root.
 */
export const PROBE_SCRIPT = `
s=$1; a=$2
p=$(command -v -- "$a" 2>/dev/null) && echo "agent $p $("$p" --version 2>/dev/null | head -n 1)" || echo "agent -"
n=$(command -v node 2>/dev/null) && echo "node $n $("$n" --version 2>/dev/null)" || echo "node -"
mkdir -p -- "$s" 2>/dev/null && t="$s/.probe.$$" && : >"$t" 2>/dev/null && rm -f -- "$t" && echo "state ok" || echo "state not writable"
shift 2
for r in "$@"; do [ -d "$r" ] && echo "root ok $r" || echo "root missing $r"; done
`;

/**
 * `sh -c PREPARE <name> <stateDir> <bridgeFile> <sha256>`: makes the private `.bridge` and `.sock`
 * folders of the state folder; lines "dir <absolute state folder>", "node <path> <version>" (or
 * "node -") and "bridge ok|missing" (the bridge file there with exactly that hash).
 */
export const PREPARE_SCRIPT = `
s=$1; b=$2; h=$3
umask 077
mkdir -p -- "$s/.bridge" "$s/.sock" || { echo "cannot create $s on the host" >&2; exit 97; }
s=$(cd -- "$s" && pwd) || exit 97
chmod 700 -- "$s/.bridge" "$s/.sock" 2>/dev/null
echo "dir $s"
n=$(command -v node 2>/dev/null) && echo "node $n $("$n" --version 2>/dev/null)" || echo "node -"
f="$s/.bridge/$b"
if [ -f "$f" ] && [ "$(sha256sum -- "$f" 2>/dev/null | cut -d' ' -f1)" = "$h" ]; then echo "bridge ok"; else echo "bridge missing"; fi
`;

/** `sh -c UPLOAD <name> <file> <sha256>` with the file on stdin: written only when the hash matches. */
export const UPLOAD_SCRIPT = `
f=$1; h=$2
umask 077
t="$f.tmp.$$"
cat >"$t" || { rm -f -- "$t"; exit 1; }
[ "$(sha256sum -- "$t" | cut -d' ' -f1)" = "$h" ] || { rm -f -- "$t"; echo "the file arrived damaged" >&2; exit 1; }
mv -f -- "$t" "$f"
`;

/**
 * `sh -c SWEEP <name> <stateDir> <days> <keep…>`: removes run folders whose run ended (an `exit`
 * file) more than `days` days ago, except the named ones (runs this machine still has to collect).
 */
export const SWEEP_SCRIPT = `
s=$1; days=$2; shift 2
[ -d "$s" ] || exit 0
find "$s" -mindepth 2 -maxdepth 2 -name exit -mtime +"$days" 2>/dev/null | while IFS= read -r f; do
  d=\${f%/exit}; id=\${d##*/}
  case "$id" in .*) continue ;; esac
  keep=0
  for k in "$@"; do [ "$k" = "$id" ] && keep=1; done
  [ $keep = 0 ] && rm -rf -- "$d"
done
exit 0
`;
