#!/usr/bin/env bash
# Creates (or updates) the three alert policies: duplicate Notion pages (log-based, the start-up
# audit), errors (log-based) and dead-lettered events (Pub/Sub metric).
#
#   gcloud beta monitoring channels list --format='value(name,displayName)'   # find a channel
#   NOTIFICATION_CHANNEL=projects/P/notificationChannels/ID bash deploy/alerts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/env.sh
source deploy/env.sh

channels=()
if [[ -n "${NOTIFICATION_CHANNEL:-}" ]]; then
  channels=(--notification-channels="$NOTIFICATION_CHANNEL")
else
  echo "NOTIFICATION_CHANNEL is not set: the policies open incidents in the console but notify nobody" >&2
fi

rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT
for file in deploy/alert-policy.json deploy/alert-policy-errors.json deploy/alert-policy-dead-letters.json; do
  # The files name the default dead-letter subscription; follow an override.
  sed "s/todoist-events-dead-letter-sub/$DEAD_LETTER_SUBSCRIPTION/g" "$file" >"$rendered/policy.json"
  name="$(grep -m 1 '"displayName"' "$file" | sed -E 's/.*"displayName": *"([^"]*)".*/\1/')"
  existing="$(gcloud alpha monitoring policies list --project="$PROJECT_ID" \
    --filter="displayName=\"$name\"" --format='value(name)' | head -n 1)"
  if [[ -n "$existing" ]]; then
    gcloud alpha monitoring policies update "$existing" --project="$PROJECT_ID" \
      --policy-from-file="$rendered/policy.json" >/dev/null
    echo "updated: $name"
  else
    gcloud alpha monitoring policies create --project="$PROJECT_ID" \
      --policy-from-file="$rendered/policy.json" ${channels[@]+"${channels[@]}"} >/dev/null
    echo "created: $name"
  fi
done
