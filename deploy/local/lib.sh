#!/usr/bin/env bash
# Shared helpers for deploy/local/up, deploy/local/test and tests.
#
#   source deploy/local/lib.sh      # from any working directory
#
# This file only defines functions and variables: it does not change the
# caller's shell options (no set -e here, an interactive shell sourcing it
# must not exit on the first failing command). Every function checks its own
# steps and returns non-zero on failure, so `f || die` and `if f` both work.
# Most functions run in a subshell, so they never change the caller's cwd,
# umask or variables.

# Repository root, whatever the caller's cwd.
STREAMIFY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian packages needed to build, run and test. Append before calling
# streamify_install_deps, e.g. STREAMIFY_DEB_PACKAGES+=(chromium).
STREAMIFY_DEB_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libcaf-dev libpqxx-dev libcpp-httplib-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev libsodium-dev libssl-dev libjemalloc-dev
  postgresql postgresql-contrib
  ffmpeg curl wrk nginx-light
  chromium libnss3-tools
)
# libFuzzer targets (tests/fuzz/run): clang with its fuzzer runtime.
STREAMIFY_DEB_PACKAGES+=(clang-14 libclang-rt-14-dev)
# The compose file's test (ctest compose_config, label cluster): Debian's
# docker-compose 1.29 validates deploy/docker-compose.yml without a Docker
# engine (its recommended docker.io is not installed); python3-yaml reads it.
STREAMIFY_DEB_PACKAGES+=(docker-compose python3-yaml)
# Node.js runs the browser tests (tests/browser); a machine that already has
# one (Debian's or NodeSource's, which bundles npm) keeps it.
command -v node >/dev/null 2>&1 || STREAMIFY_DEB_PACKAGES+=(nodejs npm)

STREAMIFY_PG_BINDIR="${STREAMIFY_PG_BINDIR:-/usr/lib/postgresql/15/bin}"

streamify_log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# Debian packages

# Prints the packages of STREAMIFY_DEB_PACKAGES that are not installed.
streamify_missing_deps() {
  local -A installed=()
  local pkg status
  # One dpkg-query for all packages; unknown packages only produce stderr.
  while IFS=$'\t' read -r pkg status; do
    [[ $status == *" ok installed" ]] && installed[${pkg%%:*}]=1
  done < <(dpkg-query -W -f='${binary:Package}\t${Status}\n' \
             "${STREAMIFY_DEB_PACKAGES[@]}" 2>/dev/null)
  for pkg in "${STREAMIFY_DEB_PACKAGES[@]}"; do
    [[ -n ${installed[$pkg]:-} ]] || printf '%s\n' "$pkg"
  done
}

# Installs whatever is missing; a no-op (no apt-get at all) when nothing is.
streamify_install_deps() (
  local -a missing
  mapfile -t missing < <(streamify_missing_deps)
  (( ${#missing[@]} == 0 )) && return 0

  if (( EUID != 0 )); then
    streamify_log "missing Debian packages (run as root to install): ${missing[*]}"
    return 1
  fi
  streamify_log "installing Debian packages: ${missing[*]}"

  # Keep package scripts from starting system services (postgresql, nginx).
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" || return 1
    created_policy=1
  fi

  local log rc=0
  log="$(mktemp /tmp/streamify-apt.XXXXXX.log)" || return 1
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
  } >"$log" 2>&1 || rc=$?

  (( created_policy )) && rm -f "$policy"
  if (( rc != 0 )); then
    tail -n 40 "$log" >&2
    streamify_log "apt-get failed (exit $rc), full log: $log"
    return "$rc"
  fi
  rm -f "$log"
)

# ---------------------------------------------------------------------------
# npm packages of the test tools

# _streamify_npm_ci DIR WHAT — `npm ci` in DIR, again only when its
# package-lock.json is newer than the last install; WHAT names who needs npm.
_streamify_npm_ci() (
  local dir=$1
  local stamp=$dir/node_modules/.package-lock.json
  [[ -f $stamp && $stamp -nt $dir/package-lock.json ]] && return 0
  if ! command -v npm >/dev/null; then
    streamify_log "npm is missing: $2 need Node.js 20 and npm"
    return 1
  fi
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
)

# tests/browser/node_modules (playwright-core).
streamify_browser_test_deps() {
  _streamify_npm_ci "$STREAMIFY_ROOT/tests/browser" "the browser tests"
}

# tests/openapi/node_modules (@redocly/cli for the lint, ajv for the recorded
# responses).
streamify_openapi_test_deps() {
  _streamify_npm_ci "$STREAMIFY_ROOT/tests/openapi" "the OpenAPI checks"
}

# ---------------------------------------------------------------------------
# Libraries the app vendors (frontend/package.json: uPlot for the dashboard charts,
# hls.js for the player, swagger-ui-dist for the API reference at #/api)

# streamify_frontend_vendor — `npm ci` of frontend/package-lock.json into
# build/frontend-deps (outside frontend/, which the node serves whole), then the
# built files into frontend/vendor/ (gitignored). Again only when the lock changed.
streamify_frontend_vendor() (
  local src=$STREAMIFY_ROOT/frontend
  local deps=$STREAMIFY_ROOT/build/frontend-deps
  local out=$src/vendor
  local stamp=$out/.package-lock.json
  [[ -f $stamp && $stamp -nt $src/package-lock.json && -f $out/uPlot.esm.js && -f $out/hls.esm.js &&
     -f $out/swagger-ui/swagger-ui-bundle.js ]] && return 0
  if ! command -v npm >/dev/null; then
    streamify_log "npm is missing: the app's charts, player and API reference need Node.js 20 and npm"
    return 1
  fi
  mkdir -p "$deps" "$out"
  cp "$src/package.json" "$src/package-lock.json" "$deps/"
  # --ignore-scripts: nothing here needs an install script (swagger-ui-dist's
  # @scarf/scarf would report the install to its vendor).
  npm ci --prefix "$deps" --no-audit --no-fund --loglevel=error --ignore-scripts
  local modules=$deps/node_modules
  cp "$modules/uplot/dist/uPlot.esm.js" "$modules/uplot/dist/uPlot.min.css" "$out/"
  cp "$modules/uplot/LICENSE" "$out/LICENSE.uPlot"
  # hls.js's light ES module build (no subtitles, alternate audio or DRM), as .js
  # so it is served as JavaScript; its sourceMappingURL comment would name a file
  # that is not copied.
  sed '/^\/\/# sourceMappingURL=/d' "$modules/hls.js/dist/hls.light.min.mjs" > "$out/hls.esm.js"
  cp "$modules/hls.js/LICENSE" "$out/LICENSE.hls.js"
  # Swagger UI for the API reference (#/api): a classic script, not a module.
  mkdir -p "$out/swagger-ui"
  cp "$modules/swagger-ui-dist/swagger-ui-bundle.js" "$modules/swagger-ui-dist/swagger-ui.css" \
    "$modules/swagger-ui-dist/LICENSE" "$out/swagger-ui/"
  cp "$src/package-lock.json" "$stamp"
)

# ---------------------------------------------------------------------------
# Private PostgreSQL cluster (the server refuses to run as root)

_streamify_as_postgres() (
  cd / && runuser -u postgres -- "$@"
)

# Makes DIR and every parent traversable by others, so postgres can reach it.
_streamify_make_traversable() {
  local dir=$1
  while [[ -n $dir && $dir != / ]]; do
    if [[ -d $dir ]] && (( (8#$(stat -c %a "$dir") & 1) == 0 )); then
      chmod o+x "$dir" || return 1
    fi
    dir=$(dirname "$dir")
  done
}

_streamify_pg_running() {
  local pgdata=$1
  [[ -f $pgdata/PG_VERSION ]] &&
    _streamify_as_postgres "$STREAMIFY_PG_BINDIR/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}

# streamify_pg_start DATA_DIR PORT
# Cluster in DATA_DIR/pg, socket in DATA_DIR/pg-socket, log in DATA_DIR/pg.log.
# Initialises the cluster the first time; reuses a server already running on it.
streamify_pg_start() (
  if (( $# != 2 )); then streamify_log "usage: streamify_pg_start DATA_DIR PORT"; return 2; fi
  local data_dir port=$2
  mkdir -p "$1" || return 1
  data_dir="$(cd "$1" && pwd)" || return 1
  local pgdata=$data_dir/pg sockdir=$data_dir/pg-socket log=$data_dir/pg.log
  local pg_ctl=$STREAMIFY_PG_BINDIR/pg_ctl

  if _streamify_pg_running "$pgdata"; then
    local running_port
    running_port="$(sed -n 4p "$pgdata/postmaster.pid" 2>/dev/null)"
    if [[ $running_port != "$port" ]]; then
      streamify_log "PostgreSQL on $pgdata already runs on port $running_port, not $port"
      return 1
    fi
    streamify_log "PostgreSQL already running on $pgdata (port $port), reusing it"
    return 0
  fi

  # Unix socket paths are limited to 107 bytes.
  if (( ${#sockdir} + ${#port} + 10 > 107 )); then
    streamify_log "socket path $sockdir/.s.PGSQL.$port is too long; use a shorter data dir"
    return 1
  fi

  mkdir -p "$pgdata" "$sockdir" || return 1
  touch "$log" || return 1
  chown postgres:postgres "$sockdir" "$log" || return 1
  [[ $(stat -c %U "$pgdata") == postgres ]] || chown -R postgres:postgres "$pgdata" || return 1
  chmod 700 "$pgdata" || return 1
  _streamify_make_traversable "$data_dir" || return 1

  if [[ ! -f $pgdata/PG_VERSION ]]; then
    _streamify_as_postgres "$STREAMIFY_PG_BINDIR/initdb" -D "$pgdata" \
      -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$data_dir/initdb.log" 2>&1 || {
      cat "$data_dir/initdb.log" >&2
      return 1
    }
    echo "include_if_exists = 'streamify.conf'" >>"$pgdata/postgresql.conf" || return 1
  fi

  # Rewritten on every start, so a different port or data dir location works.
  cat >"$pgdata/streamify.conf" <<EOF || return 1
# Written by deploy/local/lib.sh (streamify_pg_start); overwritten on each start.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
max_connections = 300
EOF
  chown postgres:postgres "$pgdata/streamify.conf" || return 1

  if ! _streamify_as_postgres "$pg_ctl" -D "$pgdata" -w -t 60 -l "$log" start >/dev/null; then
    tail -n 20 "$log" >&2
    streamify_log "PostgreSQL failed to start on port $port (log: $log)"
    return 1
  fi
)

# streamify_pg_stop DATA_DIR — fast shutdown if a server runs there.
streamify_pg_stop() (
  if (( $# != 1 )); then streamify_log "usage: streamify_pg_stop DATA_DIR"; return 2; fi
  local pgdata=$1/pg
  _streamify_pg_running "$pgdata" || return 0
  _streamify_as_postgres "$STREAMIFY_PG_BINDIR/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null
)

# streamify_pg_url PORT DBNAME
streamify_pg_url() {
  printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$1" "$2"
}

# streamify_pg_createdbs PORT [PREFIX] — PREFIX_{auth,video,streaming,billing,analytics}
streamify_pg_createdbs() (
  if (( $# < 1 || $# > 2 )); then streamify_log "usage: streamify_pg_createdbs PORT [PREFIX]"; return 2; fi
  local port=$1 prefix=${2:-streamify} db exists
  if [[ ! $prefix =~ ^[a-z_][a-z0-9_]*$ ]]; then
    streamify_log "invalid database prefix: $prefix"
    return 2
  fi
  local -a psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
  for db in "${prefix}"_{auth,video,streaming,billing,analytics}; do
    exists="$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" || return 1
    [[ $exists == 1 ]] && continue
    "${psql[@]}" -c "CREATE DATABASE \"$db\"" || return 1
  done
)

# streamify_secret DATA_DIR NAME — prints DATA_DIR/NAME, a random secret made
# the first time and readable by its owner only.
streamify_secret() (
  if (( $# != 2 )); then streamify_log "usage: streamify_secret DATA_DIR NAME"; return 2; fi
  local file=$1/$2
  if [[ ! -s $file ]]; then
    mkdir -p "$1" || return 1
    umask 077
    openssl rand -hex 32 >"$file.tmp" && mv "$file.tmp" "$file" || return 1
  fi
  chmod 600 "$file" && cat "$file"
)

# The database of each role that has one (streamify_<name>).
declare -gA STREAMIFY_ROLE_DATABASE=(
  [auth]=auth [catalog]=video [streaming]=streaming [billing]=billing [analytics]=analytics
)

# streamify_node_ini_text PG_PORT DATA_DIR JWT_SECRET ADMIN_SECRET ROLE... —
# prints a node's INI: the secrets (every node checks auth.jwt-secret), the
# databases of the given roles and the media folder when gateway or catalog
# (the roles that read and write it) is among them.
streamify_node_ini_text() (
  if (( $# < 5 )); then
    streamify_log "usage: streamify_node_ini_text PG_PORT DATA_DIR JWT_SECRET ADMIN_SECRET ROLE..."
    return 2
  fi
  local port=$1 data_dir=$2 jwt=$3 admin=$4 role media=0
  shift 4
  url() { streamify_pg_url "$port" "streamify_${STREAMIFY_ROLE_DATABASE[$1]}"; }
  printf '[auth]\njwt-secret="%s"\n' "$jwt"
  [[ " $* " == *" auth "* ]] && printf 'database-url="%s"\n' "$(url auth)"
  for role in "$@"; do
    [[ $role == gateway || $role == catalog ]] && media=1
    [[ $role != auth && -n ${STREAMIFY_ROLE_DATABASE[$role]:-} ]] || continue
    printf '[%s]\ndatabase-url="%s"\n' "$role" "$(url "$role")"
  done
  (( media )) && printf '[storage]\ndata-dir="%s"\n' "$data_dir"
  printf '[admin]\nsecret="%s"\n' "$admin"
)

# streamify_node_ini DATA_DIR PG_PORT [NODE ROLE...] — writes a node's INI
# (owner only) with the secrets (JWT, admin, made once per data dir) and its
# database URLs, so they stay off the command line (ps); prints its path.
# Without NODE: DATA_DIR/node.ini for a node hosting every role
# (deploy/local/up); with NODE: DATA_DIR/cluster/NODE.ini for the given roles.
streamify_node_ini() (
  if (( $# != 2 && $# < 4 )); then
    streamify_log "usage: streamify_node_ini DATA_DIR PG_PORT [NODE ROLE...]"
    return 2
  fi
  local data_dir=$1 port=$2 ini=$1/node.ini jwt admin
  local -a roles=(gateway auth catalog streaming billing analytics)
  if (( $# > 2 )); then
    ini=$data_dir/cluster/$3.ini
    roles=("${@:4}")
  fi
  jwt="$(streamify_secret "$data_dir" jwt-secret)" || return 1
  admin="$(streamify_secret "$data_dir" admin-secret)" || return 1
  umask 077
  mkdir -p "$(dirname "$ini")" || return 1
  streamify_node_ini_text "$port" "$data_dir" "$jwt" "$admin" "${roles[@]}" >"$ini" || return 1
  echo "$ini"
)

# ---------------------------------------------------------------------------
# The TLS edge (nginx in front of the gateway, deploy/edge/nginx-conf)

# streamify_edge_certs DIR NAME — a private CA and a certificate for the
# public name NAME (and 127.0.0.1) in DIR, made once; prints the
# certificate's path (the key is beside it as NAME.key, the CA as ca.pem).
streamify_edge_certs() (
  local dir=$1 name=$2
  if [[ ! -f $dir/$name.pem || ! -f $dir/$name.key ]]; then
    "$STREAMIFY_ROOT/deploy/tls/make-certs" "$dir" "$name" >/dev/null || return 1
  fi
  echo "$dir/$name.pem"
)

# streamify_edge_start PREFIX UPSTREAM CERT KEY [nginx-conf options...]
# Writes PREFIX/nginx.conf and starts nginx as a daemon (pid in
# PREFIX/nginx.pid, its log in PREFIX/nginx.log); returns once it runs, or 1
# with nginx's error.
streamify_edge_start() (
  local prefix=$1
  mkdir -p "$prefix/tmp" || return 1
  "$STREAMIFY_ROOT/deploy/edge/nginx-conf" "$@" >"$prefix/nginx.conf" || return 1
  # The daemon keeps what it inherits: its output goes to a file, never to
  # the caller's pipes.
  if ! nginx -e stderr -p "$prefix" -c "$prefix/nginx.conf" \
       </dev/null >>"$prefix/nginx.log" 2>&1; then
    cat "$prefix/nginx.log" >&2
    return 1
  fi
  local i
  for (( i = 0; i < 50; i++ )); do
    [[ -s $prefix/nginx.pid ]] && return 0
    sleep 0.1
  done
  streamify_log "nginx did not start (no $prefix/nginx.pid): $(cat "$prefix/nginx.log")"
  return 1
)

# streamify_edge_reload PREFIX — new certificate and key files take effect
# for new connections; open ones finish on the old workers.
streamify_edge_reload() {
  kill -HUP "$(cat "$1/nginx.pid")"
}

streamify_edge_stop() (
  local pid
  pid=$(cat "$1/nginx.pid" 2>/dev/null) || return 0
  kill -QUIT "$pid" 2>/dev/null || return 0
  local i
  for (( i = 0; i < 100; i++ )); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
)

# ---------------------------------------------------------------------------
# Build

# streamify_build BUILD_DIR BUILD_TYPE [extra cmake args...]
streamify_build() (
  if (( $# < 2 )); then streamify_log "usage: streamify_build BUILD_DIR BUILD_TYPE [cmake args...]"; return 2; fi
  local build_dir=$1 build_type=$2
  shift 2
  local -a args=(-S "$STREAMIFY_ROOT" -B "$build_dir" "-DCMAKE_BUILD_TYPE=$build_type")

  # A configured build dir keeps its generator (cmake refuses to switch).
  if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    if command -v ninja >/dev/null; then args+=(-G Ninja); else args+=(-G "Unix Makefiles"); fi
  fi

  if command -v ccache >/dev/null; then
    export CCACHE_DIR="${CCACHE_DIR:-${HOME:-/root}/.cache/streamify-ccache}"
    # Relative paths let every clone share the cache; the sloppiness makes
    # precompiled headers cacheable, and PCH_EXTSUM hashes the path-free
    # identity of each precompiled header (cmake/Precompile.cmake) instead of
    # its bytes, which differ from clone to clone.
    export CCACHE_BASEDIR="$STREAMIFY_ROOT"
    export CCACHE_SLOPPINESS="pch_defines,include_file_mtime,include_file_ctime,time_macros"
    export CCACHE_PCH_EXTSUM=true
    # With -g (the ASan tree) ccache would hash the build directory too, so
    # no clone could reuse another's objects; their debug info then names the
    # folder they were first compiled in, which symbolizing does not need.
    export CCACHE_NOHASHDIR=true
    export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
    args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi

  cmake "${args[@]}" "$@" || return 1
  cmake --build "$build_dir" -j"$(nproc)"
)

# ---------------------------------------------------------------------------
# Stage timing

# Microseconds since the epoch.
_streamify_now_us() { local t=${EPOCHREALTIME//[.,]/}; echo "$t"; }

# streamify_stage NAME COMMAND [ARGS...]
# Runs COMMAND (in a subshell with errexit on: it cannot set the caller's
# variables), then prints "== stage: NAME took 83.2 s" and returns its status.
streamify_stage() {
  local name=$1 start rc had_errexit=0
  shift
  [[ $- == *e* ]] && had_errexit=1
  streamify_log "== stage: $name"
  start=$(_streamify_now_us)
  set +e
  if [[ -n ${STREAMIFY_STAGE_LOGS:-} ]]; then
    ( set -e; "$@" ) 2>&1 | tee "$STREAMIFY_STAGE_LOGS/${name//[^A-Za-z0-9]/_}.log"
    rc=${PIPESTATUS[0]}
  else
    ( set -e; "$@" )
    rc=$?
  fi
  if (( had_errexit )); then set -e; fi
  local took
  took=$(streamify_format_us $(( $(_streamify_now_us) - start )))
  if (( rc == 0 )); then
    streamify_log "== stage: $name took $took s"
  else
    streamify_log "== stage: $name FAILED (exit $rc) after $took s"
  fi
  return "$rc"
}

# streamify_format_us MICROSECONDS — prints seconds with one decimal.
streamify_format_us() {
  local ds=$(( ($1 + 50000) / 100000 ))
  printf '%d.%d\n' $(( ds / 10 )) $(( ds % 10 ))
}
