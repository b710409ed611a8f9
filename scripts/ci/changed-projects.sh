#!/usr/bin/env bash
# Which projects a change touches, for Jenkins: prints "all" when anything but one service's own
# files changed (libs, the shared stack, build tooling, services/common.yml, the services' shared
# test support: every project builds or tests on them), otherwise the names of the changed
# services (directories with a serverless.yml), one a line. Usage: scripts/ci/changed-projects.sh BASE_REF
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
base="${1:?usage: changed-projects.sh BASE_REF}"
changed="$(git diff --name-only "$base"...HEAD)"
[ -n "$changed" ] || exit 0
services=()
while IFS= read -r path; do
  [ "$path" = README.md ] && continue
  name="$(echo "$path" | sed -n 's#^services/\([^/]*\)/.*#\1#p')"
  if [ -z "$name" ] || [ ! -f "services/$name/serverless.yml" ]; then echo all; exit 0; fi
  services+=("$name")
done <<< "$changed"
[ ${#services[@]} -eq 0 ] || printf '%s\n' "${services[@]}" | sort -u
