#!/usr/bin/env bash
# Attaches the dead-letter topic to the subscription Eventarc made for syncTodoistEvent, after
# MAX_DELIVERY_ATTEMPTS failed deliveries. Idempotent: run it after every deploy (cloudbuild.yaml's
# `dead-letter` step does), since a redeploy that recreates the trigger also recreates the
# subscription, without the policy.
#
#   bash deploy/dead-letter.sh            # ATTACH_DEAD_LETTER=false makes it a no-op
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${ATTACH_DEAD_LETTER:-true}" != "true" ]]; then
  echo "dead-letter policy not touched (ATTACH_DEAD_LETTER=${ATTACH_DEAD_LETTER})"
  exit 0
fi
# shellcheck source=deploy/env.sh
source deploy/env.sh
FUNCTION="${FUNCTION:-syncTodoistEvent}"

# The function names its Eventarc trigger; the trigger names the subscription
# (projects/P/subscriptions/eventarc-REGION-TRIGGER-sub-NNN).
trigger="$(gcloud functions describe "$FUNCTION" --gen2 --region="$REGION" --project="$PROJECT_ID" \
  --format='value(eventTrigger.trigger)')"
if [[ -z "$trigger" ]]; then
  echo "$FUNCTION has no event trigger in $REGION: deploy it first" >&2
  exit 1
fi
subscription="$(gcloud eventarc triggers describe "${trigger##*/}" --location="$REGION" \
  --project="$PROJECT_ID" --format='value(transport.pubsub.subscription)')"
subscription_id="${subscription##*/}"
echo "subscription of $FUNCTION: $subscription_id"

if ! gcloud pubsub topics describe "$DEAD_LETTER_TOPIC" --project="$PROJECT_ID" >/dev/null 2>&1; then
  gcloud pubsub topics create "$DEAD_LETTER_TOPIC" --project="$PROJECT_ID"
fi
if ! gcloud pubsub subscriptions describe "$DEAD_LETTER_SUBSCRIPTION" --project="$PROJECT_ID" >/dev/null 2>&1; then
  gcloud pubsub subscriptions create "$DEAD_LETTER_SUBSCRIPTION" --topic="$DEAD_LETTER_TOPIC" \
    --message-retention-duration=7d --expiration-period=never --project="$PROJECT_ID"
fi

gcloud pubsub subscriptions update "$subscription_id" --project="$PROJECT_ID" \
  --dead-letter-topic="$DEAD_LETTER_TOPIC" --max-delivery-attempts="$MAX_DELIVERY_ATTEMPTS"

# The Pub/Sub service agent forwards the message: it must publish to the dead-letter topic and
# acknowledge on the source subscription.
gcloud pubsub topics add-iam-policy-binding "$DEAD_LETTER_TOPIC" --project="$PROJECT_ID" \
  --member="serviceAccount:$PUBSUB_SERVICE_AGENT" --role=roles/pubsub.publisher >/dev/null
gcloud pubsub subscriptions add-iam-policy-binding "$subscription_id" --project="$PROJECT_ID" \
  --member="serviceAccount:$PUBSUB_SERVICE_AGENT" --role=roles/pubsub.subscriber >/dev/null

echo "dead letters of $subscription_id go to $DEAD_LETTER_TOPIC after $MAX_DELIVERY_ATTEMPTS attempts" \
  "(kept in $DEAD_LETTER_SUBSCRIPTION)"
