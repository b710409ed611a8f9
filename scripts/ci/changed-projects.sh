#!/usr/bin/env bash
# Which projects a change touches, for Jenkins: prints "all" when anything outside services/
# changed (libs, the shared stack, build tooling: every project builds on them), otherwise the
# names of the changed services, one a line. Usage: scripts/ci/changed-projects.sh BASE_REF
set -euo pipefail
base="${1:?usage: changed-projects.sh BASE_REF}"
changed="$(git diff --name-only "$base"...HEAD)"
[ -n "$changed" ] || exit 0
if echo "$changed" | grep -qvE '^(services/|README\.md$)'; then
  echo all
else
  echo "$changed" | sed -n 's#^services/\([^/]*\)/.*#\1#p' | sort -u
fi
