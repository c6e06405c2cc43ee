#!/usr/bin/env bash
# Moves dead-lettered Todoist events back onto the events topic, once their cause is fixed.
#
#   bash deploy/replay-dead-letters.sh            # list what is waiting (nothing is changed)
#   bash deploy/replay-dead-letters.sh --apply    # republish all of it, then acknowledge it
#
# Replaying is safe: each message keeps its body and its deliveryId/eventName attributes, so the
# ledger still recognises a delivery that was finished after all, and an event older than what
# Notion shows is skipped as stale. A message is acknowledged only after it was republished; an
# interruption can at worst publish one twice, which the ledger absorbs. Needs jq and base64.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/env.sh
source deploy/env.sh

apply=false
[[ "${1:-}" == "--apply" ]] && apply=true
batch="${BATCH:-50}"
command -v jq >/dev/null || { echo "jq is required (Cloud Shell has it)" >&2; exit 1; }

total=0
while :; do
  messages="$(gcloud pubsub subscriptions pull "$DEAD_LETTER_SUBSCRIPTION" --project="$PROJECT_ID" \
    --limit="$batch" --format=json)"
  count="$(jq 'length' <<<"$messages")"
  [[ "$count" -eq 0 ]] && break
  for ((i = 0; i < count; i++)); do
    message="$(jq -c ".[$i]" <<<"$messages")"
    ack_id="$(jq -r '.ackId' <<<"$message")"
    summary="$(jq -r '.message | "\(.messageId) \(.attributes.eventName // "?") delivery=\(.attributes.deliveryId // "-") attempts=\(.attributes.CloudPubSubDeadLetterSourceDeliveryCount // "?")"' <<<"$message")"
    if [[ "$apply" != true ]]; then
      echo "waiting: $summary"
      continue
    fi
    body="$(jq -r '.message.data // ""' <<<"$message" | base64 -d)"
    # Keep the sender's attributes; drop the ones Pub/Sub added when dead-lettering.
    attributes="$(jq -r '.message.attributes // {} | to_entries
      | map(select(.key | startswith("CloudPubSubDeadLetter") | not) | "\(.key)=\(.value)") | join(",")' <<<"$message")"
    args=(--message="$body" --project="$PROJECT_ID")
    [[ -n "$attributes" ]] && args+=(--attribute="$attributes")
    gcloud pubsub topics publish "$TOPIC" "${args[@]}" >/dev/null
    gcloud pubsub subscriptions ack "$DEAD_LETTER_SUBSCRIPTION" --ack-ids="$ack_id" --project="$PROJECT_ID" >/dev/null
    echo "replayed: $summary"
    total=$((total + 1))
  done
  # A dry run pulls once: the messages it saw are redelivered after their ack deadline anyway.
  [[ "$apply" != true ]] && break
done

if [[ "$apply" == true ]]; then
  echo "$total message(s) republished to $TOPIC"
else
  echo "dry run: nothing republished; run again with --apply"
fi
