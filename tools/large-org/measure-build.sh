#!/usr/bin/env bash
# Measures `npm run demo -- --scale <scale>` as the README's "Building the large organisation" reports it:
# goals and check-ins started from <root>/dist alone (niced, rate limits off) on an empty data folder,
# the generator run against them; prints wall time, events, events/s, the services' CPU seconds and
# peak RSS (sampled every 5 s), and the size of events.sqlite. The data folder is kept.
# Usage: tools/large-org/measure-build.sh <root with dist/> <data dir> <scale> [goals port] [extra demo args...]
set -euo pipefail
root=$(cd "$1" && pwd); data=$2; scale=$3; port=${4:-4301}; shift 4 || shift $#
[ -e "$data" ] && { echo "$data exists: give an empty data folder" >&2; exit 2; }
mkdir -p "$data"; data=$(cd "$data" && pwd)
goals_port=$port; checkins_port=$((port + 1))
start() { # name port
  OKR_DATA_DIR="$data" PORT="$2" OKR_RATE_LIMIT_PER_PRINCIPAL=0 \
    nice -n 10 node "$root/dist/apps/$1/src/main.js" >"$data/$1.log" 2>&1 &
  echo $!
}
goals=$(start goals "$goals_port"); checkins=$(start check-ins "$checkins_port")
cleanup() { kill "$goals" "$checkins" 2>/dev/null || true; [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true; }
trap cleanup EXIT
for p in "$goals_port" "$checkins_port"; do
  until curl -sf "http://127.0.0.1:$p/health/live" >/dev/null; do sleep 0.5; done
done
( peak_g=0; peak_c=0
  while true; do
    g=$(awk '/VmRSS/{print $2}' /proc/$goals/status 2>/dev/null || echo 0); c=$(awk '/VmRSS/{print $2}' /proc/$checkins/status 2>/dev/null || echo 0)
    [ "${g:-0}" -gt "$peak_g" ] && peak_g=$g; [ "${c:-0}" -gt "$peak_c" ] && peak_c=$c
    echo "$peak_g $peak_c" >"$data/peak-rss-kb"; sleep 5
  done ) & sampler=$!
cpu() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$1/stat"; }
echo "load before: $(uptime)" >&2
started=$(date +%s.%N)
GOALS_URL="http://127.0.0.1:$goals_port" CHECKINS_URL="http://127.0.0.1:$checkins_port" OKR_DATA_DIR="$data" \
  nice -n 10 node "$root/dist/tools/demo-large.js" --scale "$scale" "$@" >"$data/report.json"
ended=$(date +%s.%N)
read -r peak_g peak_c <"$data/peak-rss-kb"
events=$(node -e "const r=require('$data/report.json'); console.log(r.sentEvents)")
wall=$(echo "$ended - $started" | bc)
echo "load after: $(uptime)" >&2
printf '{"root":"%s","scale":"%s","wallSeconds":%.1f,"events":%s,"eventsPerSecond":%.1f,"cpuSeconds":{"goals":%s,"checkIns":%s},"peakRssMB":{"goals":%d,"checkIns":%d},"eventsSqliteMB":%.1f,"dataDir":"%s"}\n' \
  "$root" "$scale" "$wall" "$events" "$(echo "$events / $wall" | bc -l)" "$(cpu "$goals")" "$(cpu "$checkins")" $((peak_g / 1024)) $((peak_c / 1024)) \
  "$(du -b "$data/events.sqlite" | awk '{print $1 / 1048576}')" "$data"
