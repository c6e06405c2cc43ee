#!/usr/bin/env bash
# One gcloud command of the two-way deploy (cloudbuild.yaml), run only when two-way is configured:
#
#   bash deploy/two-way-step.sh <_SYNC_DIRECTION> functions deploy <name> <flags...>
#
# With SYNC_DIRECTION=todoist-to-notion (the default) nothing is deployed. For notionWebhook the
# Notion topic is created when missing, and NOTION_WEBHOOK_SECRET is mounted once the secret exists:
# it is made only after the Notion subscription was verified (docs/two-way.md), and until then the
# receiver answers Notion's verification request and refuses events.
set -euo pipefail
direction="$1"
shift
name="${3:-}"
if [[ "$direction" != "two-way" ]]; then
  echo "SYNC_DIRECTION=$direction: $name is not deployed (two-way is off)"
  exit 0
fi
args=("$@")
if [[ "$name" == "notionWebhook" ]]; then
  gcloud pubsub topics describe "$NOTION_TOPIC" >/dev/null 2>&1 || gcloud pubsub topics create "$NOTION_TOPIC"
  if gcloud secrets describe "$NOTION_WEBHOOK_SECRET_NAME" >/dev/null 2>&1; then
    args+=("--set-secrets=NOTION_WEBHOOK_SECRET=$NOTION_WEBHOOK_SECRET_NAME:$NOTION_WEBHOOK_SECRET_VERSION")
  else
    echo "secret $NOTION_WEBHOOK_SECRET_NAME does not exist yet: notionWebhook answers the verification request only (docs/two-way.md)"
  fi
fi
exec gcloud "${args[@]}"
