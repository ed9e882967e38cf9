#!/usr/bin/env bash
# Lints the assembled OpenAPI document (fugong openapi: the kit's part and
# every module's fragment, as /api/v1/openapi.json serves it) with Redocly's
# CLI, an independent linter, under redocly.yaml (the recommended ruleset).
# Any error or warning fails. The CLI is installed from npm at a pinned
# version into .tools/redocly (git-ignored) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

REDOCLY_VERSION=2.77.0
prefix=.tools/redocly
redocly=$prefix/node_modules/.bin/redocly

if [ "$("$redocly" --version 2>/dev/null)" != "$REDOCLY_VERSION" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "lint-openapi: npm is missing (make deps, or apt-get install npm): it installs @redocly/cli" >&2
    exit 1
  fi
  echo "installing @redocly/cli@$REDOCLY_VERSION into $prefix…"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" "@redocly/cli@$REDOCLY_VERSION" >/dev/null
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go run ./cmd/fugong openapi > "$out/openapi.json"

# Redocly exits non-zero on errors only; warnings fail here too. Telemetry
# off: a lint is no usage to report. The JSON report is read for the
# totals and each problem by its JSON pointer.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
status=0
"$redocly" lint "$out/openapi.json" --config redocly.yaml --max-problems 10000 --format=json > "$out/report.json" 2>"$out/stderr" || status=$?
totals=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.totals.errors + " " + r.totals.warnings);
' "$out/report.json" 2>/dev/null) || { cat "$out/stderr" >&2; echo "lint-openapi: redocly gave no report" >&2; exit 1; }
read -r errors warnings <<<"$totals"
if [ "$status" -ne 0 ] || [ "$errors" -ne 0 ] || [ "$warnings" -ne 0 ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const p of r.problems)
      console.log(p.severity + " " + p.ruleId + " " + decodeURIComponent(p.location[0].pointer) + ": " + p.message);
  ' "$out/report.json"
  echo "FAIL: openapi lint: $errors errors, $warnings warnings (fugong openapi > FILE; $redocly lint FILE)" >&2
  exit 1
fi
echo "ok openapi lint (redocly $REDOCLY_VERSION recommended): 0 errors, 0 warnings"
