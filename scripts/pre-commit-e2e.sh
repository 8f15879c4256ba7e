#!/usr/bin/env bash
# pre-commit for real: install pre-commit from PyPI into a throwaway venv, make a temporary git
# repository holding a private API without a resource policy, and run this checkout's hook on
# it with `pre-commit try-repo`. The hook must fail with PRV001; once the policy is added it
# must pass. pre-commit builds the hook with `cargo install` (language: rust): a few minutes.
set -euo pipefail

checkout="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"

python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit
pre_commit="$work/venv/bin/pre-commit"

repo="$work/repo"
mkdir -p "$repo"
cd "$repo"
git init --quiet
git config user.email ci@example.invalid
git config user.name "privlint CI"
cat >api.tf <<'TF'
resource "aws_api_gateway_rest_api" "internal" {
  name = "internal"

  endpoint_configuration {
    types = ["PRIVATE"]
  }
}
TF
git add api.tf

echo "pre-commit-e2e: a private API without a policy must fail the hook"
set +e
"$pre_commit" try-repo "$checkout" privlint --all-files >"$work/bad.log" 2>&1
status=$?
set -e
cat "$work/bad.log"
if [ "$status" -eq 0 ]; then
  echo "pre-commit-e2e: FAILED: the hook passed on a private API without a policy" >&2
  exit 1
fi
if ! grep -q "PRV001" "$work/bad.log"; then
  echo "pre-commit-e2e: FAILED: PRV001 is not in the hook's output" >&2
  exit 1
fi

echo "pre-commit-e2e: with a policy the hook must pass"
cat >>api.tf <<'TF'

resource "aws_api_gateway_rest_api_policy" "internal" {
  rest_api_id = aws_api_gateway_rest_api.internal.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "execute-api:Invoke"
      Resource  = "${aws_api_gateway_rest_api.internal.execution_arn}/*"
      Condition = { StringEquals = { "aws:SourceVpce" = "vpce-0123456789abcdef0" } }
    }]
  })
}
TF
git add api.tf
if ! "$pre_commit" try-repo "$checkout" privlint --all-files >"$work/good.log" 2>&1; then
  cat "$work/good.log"
  echo "pre-commit-e2e: FAILED: the hook failed on a fixed file" >&2
  exit 1
fi
cat "$work/good.log"
echo "pre-commit-e2e: 2 passed, 0 failed"
