#!/usr/bin/env bash
# Posts the review's comment parts (DIR/part-1.md, part-2.md, ...; written by
# `npm run review -- --comment-dir DIR`) on pull request $PULL_REQUEST of
# $REPOSITORY with the GitHub CLI: each part edits the comment that carries its
# marker, or is created; parts left over from a longer earlier review are
# deleted. Needs GH_TOKEN with pull-requests: write.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

dir=${1:?usage: scripts/pr-comment.sh DIR}
: "${REPOSITORY:?set REPOSITORY (owner/name)}" "${PULL_REQUEST:?set PULL_REQUEST (its number)}"
command -v gh >/dev/null 2>&1 || fail "gh (the GitHub CLI) not found on PATH"

# "<id> <part>" for every comment this review posted before.
existing=$(gh api --paginate "repos/$REPOSITORY/issues/$PULL_REQUEST/comments" \
  --jq '.[] | select(.body | startswith("<!-- fleet-review part ")) | "\(.id) \(.body | capture("^<!-- fleet-review part (?<n>[0-9]+) -->").n)"')

parts=0
while [ -f "$dir/part-$((parts + 1)).md" ]; do
  parts=$((parts + 1))
  file="$dir/part-$parts.md"
  id=$(awk -v n="$parts" '$2 == n { print $1; exit }' <<<"$existing")
  if [ -n "$id" ]; then
    gh api --silent -X PATCH "repos/$REPOSITORY/issues/comments/$id" -F "body=@$file"
    log "updated comment $id (part $parts)"
  else
    gh api --silent -X POST "repos/$REPOSITORY/issues/$PULL_REQUEST/comments" -F "body=@$file"
    log "created part $parts"
  fi
done
[ "$parts" -gt 0 ] || fail "no $dir/part-1.md: run npm run review with --comment-dir $dir first"

while read -r id n; do
  [ -n "$id" ] && [ "$n" -gt "$parts" ] || continue
  gh api --silent -X DELETE "repos/$REPOSITORY/issues/comments/$id"
  log "deleted comment $id (part $n, no longer needed)"
done <<<"$existing"
