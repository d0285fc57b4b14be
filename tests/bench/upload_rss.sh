#!/usr/bin/env bash
# Uploads a 1 GiB video to a fresh node and prints how much the node's resident
# memory grew (peak VmHWM during the upload minus VmRSS before it), then waits
# for the video to become ready and prints its duration. Not part of CI.
#
#   tests/bench/upload_rss.sh [SIZE_BYTES]      (default 1073741824)
#
# Needs a Release build (build/bin/streamify-node), ffmpeg, curl, python3 and
# root (for the private PostgreSQL, as in deploy/local/test).
# The file is a real 3 s H.264 MP4 followed by a top-level `free` box that
# pads it to SIZE_BYTES: a valid container that ffprobe reads at once.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/local/lib.sh"
cd "$STREAMIFY_ROOT"

size=${1:-1073741824}
node_bin=build/bin/streamify-node
[[ -x $node_bin ]] || { echo "build first: $node_bin is missing" >&2; exit 1; }
pg_port=${STREAMIFY_BENCH_PG_PORT:-55491}
http_port=${STREAMIFY_BENCH_HTTP_PORT:-18491}
work=$(mktemp -d /tmp/streamify-bench.XXXXXX)
node_pid=""

cleanup() {
  [[ -n $node_pid ]] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null
  streamify_pg_stop "$work" || true
  rm -rf "$work"
}
trap cleanup EXIT

field() { grep "^$2:" "/proc/$1/status" | awk '{print $2}'; } # kB
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

echo "making a ${size}-byte MP4" >&2
ffmpeg -v error -nostdin -f lavfi -i testsrc=duration=3:size=320x240:rate=25 \
  -c:v libx264 -preset ultrafast -pix_fmt yuv420p -y "$work/clip.mp4"
video="$work/big.mp4"
cp "$work/clip.mp4" "$video"
pad=$(( size - $(stat -c %s "$video") ))
python3 - "$video" "$pad" <<'PY'
import struct, sys
with open(sys.argv[1], "ab") as f:
    f.write(struct.pack(">I", int(sys.argv[2])) + b"free")
PY
truncate -s "$size" "$video"

streamify_pg_start "$work" "$pg_port" >/dev/null
streamify_pg_createdbs "$pg_port" bench >/dev/null
url() { streamify_pg_url "$pg_port" "bench_$1"; }
"$node_bin" --http.port="$http_port" --auth.jwt-secret=bench-secret \
  --auth.pwhash-ops=1 --auth.pwhash-mem=8 --access-log=off \
  --auth.database-url="$(url auth)" --catalog.database-url="$(url video)" \
  --streaming.database-url="$(url streaming)" \
  --billing.database-url="$(url billing)" \
  --analytics.database-url="$(url analytics)" \
  --storage.data-dir="$work/data" --storage.upload-limit=$(( size + (1 << 20) )) \
  >"$work/node.log" 2>&1 &
node_pid=$!
base="http://127.0.0.1:$http_port"
until curl -sf -o /dev/null "$base/health/ready"; do
  kill -0 "$node_pid" || { cat "$work/node.log" >&2; exit 1; }
  sleep 0.2
done

token=$(curl -sf "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"correct horse","display_name":"Bench","role":"creator"}' \
  | json '["token"]')
# Warm the upload path once so the figure is the upload's, not first-use.
curl -sf -o /dev/null -H "Authorization: Bearer $token" -F title=warm \
  -F price_per_minute_cents=0 -F "file=@$work/clip.mp4" "$base/api/videos"

rss_before=$(field "$node_pid" VmRSS)
hwm_before=$(field "$node_pid" VmHWM)
start=$EPOCHREALTIME
answer=$(curl -sf -H "Authorization: Bearer $token" -F title=Big \
  -F price_per_minute_cents=0 -F "file=@$video" "$base/api/videos")
took=$(python3 -c "print(f'{$EPOCHREALTIME - $start:.1f}')")
hwm_after=$(field "$node_pid" VmHWM)
rss_after=$(field "$node_pid" VmRSS)
id=$(json '["id"]' <<<"$answer")

status=processing
for _ in $(seq 1 300); do
  video_json=$(curl -sf -H "Authorization: Bearer $token" "$base/api/videos/$id")
  status=$(json '["status"]' <<<"$video_json")
  [[ $status != processing ]] && break
  sleep 0.2
done
thumb=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/videos/$id/thumbnail")

echo "upload: $size bytes in $took s"
echo "node VmRSS before: $(( rss_before / 1024 )) MiB, after: $(( rss_after / 1024 )) MiB"
echo "node VmHWM before: $(( hwm_before / 1024 )) MiB, after: $(( hwm_after / 1024 )) MiB"
echo "RSS growth (VmHWM after - VmRSS before): $(( hwm_after - rss_before )) KiB"
echo "video $id: status $status, duration_s $(json '["duration_s"]' <<<"$video_json"), thumbnail HTTP $thumb"
