#!/usr/bin/env bash
# Runs cloudbuild.yaml in Cloud Build (lint, type-check, tests, then the three functions) from this
# checkout, as the deployer service account made by deploy/setup.sh.
#
#   export NOTION_AREAS_DATABASE_ID=... NOTION_PROJECTS_DATABASE_ID=... NOTION_TODOS_DATABASE_ID=...
#   bash deploy/deploy.sh
#
# Optional, passed on when set: NOTION_PEOPLE_DATABASE_ID, NOTION_*_DATA_SOURCE_ID (setup-notion
# prints them; each spares a cold instance one Notion request), NOTION_TOKEN_VERSION,
# TODOIST_CLIENT_SECRET_VERSION, TODOIST_API_TOKEN_VERSION, SYNC_NOTION_RPS, RECONCILE_NOTION_RPS,
# AREA_LABEL_PREFIX, SYNC_ONLY_LABEL, SYNC_EXCLUDE_PROJECT_IDS, SYNC_USERS, DUE_AS_RANGE, LOG_LEVEL,
# RUN_EMULATOR_TESTS, ATTACH_DEAD_LETTER, and for two-way SYNC_DIRECTION=two-way, NOTION_TOPIC,
# NOTION_WEBHOOK_SECRET_VERSION, NOTION_TRASH_ACTION, NOTION_EVENTS_NOTION_RPS. Unset ones keep cloudbuild.yaml's defaults. BUILD_SA= (empty) runs the build
# as the project's default Cloud Build account instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/env.sh
source deploy/env.sh

for required in NOTION_AREAS_DATABASE_ID NOTION_PROJECTS_DATABASE_ID NOTION_TODOS_DATABASE_ID; do
  if [[ -z "${!required:-}" ]]; then
    echo "$required is not set (the id of that Notion database; see docs/notion-setup.md)" >&2
    exit 1
  fi
done

# `^;^` makes `;` the separator, so values may hold commas (SYNC_EXCLUDE_PROJECT_IDS).
subs="^;^_REGION=$REGION;_TOPIC=$TOPIC;_RECONCILE_TOPIC=$RECONCILE_TOPIC"
subs+=";_DEAD_LETTER_TOPIC=$DEAD_LETTER_TOPIC;_MAX_DELIVERY_ATTEMPTS=$MAX_DELIVERY_ATTEMPTS"
subs+=";_RUNTIME_SA=$RUNTIME_SA;_STATE_COLLECTION_PREFIX=$STATE_COLLECTION_PREFIX"
for variable in NOTION_AREAS_DATABASE_ID NOTION_PROJECTS_DATABASE_ID NOTION_TODOS_DATABASE_ID \
  NOTION_PEOPLE_DATABASE_ID NOTION_AREAS_DATA_SOURCE_ID NOTION_PROJECTS_DATA_SOURCE_ID \
  NOTION_TODOS_DATA_SOURCE_ID NOTION_PEOPLE_DATA_SOURCE_ID NOTION_TOKEN_VERSION TODOIST_CLIENT_SECRET_VERSION \
  TODOIST_API_TOKEN_VERSION SYNC_NOTION_RPS RECONCILE_NOTION_RPS AREA_LABEL_PREFIX SYNC_ONLY_LABEL \
  SYNC_EXCLUDE_PROJECT_IDS SYNC_USERS DUE_AS_RANGE LOG_LEVEL RUN_EMULATOR_TESTS ATTACH_DEAD_LETTER SYNC_DIRECTION \
  NOTION_TOPIC NOTION_WEBHOOK_SECRET_VERSION NOTION_TRASH_ACTION NOTION_EVENTS_NOTION_RPS; do
  if [[ -n "${!variable+set}" ]]; then
    subs+=";_$variable=${!variable}"
  fi
done

as_account=()
if [[ -n "$BUILD_SA" ]]; then
  as_account=(--service-account="projects/$PROJECT_ID/serviceAccounts/$BUILD_SA")
fi

# .gcloudignore is cut for the function upload (it drops test/); the build needs the tests.
gcloud builds submit . --project="$PROJECT_ID" --config=cloudbuild.yaml \
  --ignore-file=deploy/builds-submit.gcloudignore --substitutions="$subs" ${as_account[@]+"${as_account[@]}"}

echo
echo "todoistWebhook URL (the callback URL in Todoist's App Management Console; either works):"
gcloud functions describe todoistWebhook --gen2 --region="$REGION" --project="$PROJECT_ID" \
  --format='value(url)'
gcloud functions describe todoistWebhook --gen2 --region="$REGION" --project="$PROJECT_ID" \
  --format='value(serviceConfig.uri)'
if [[ "${SYNC_DIRECTION:-}" == "two-way" ]]; then
  echo
  echo "notionWebhook URL (the Notion webhook subscription's URL; docs/two-way.md):"
  gcloud functions describe notionWebhook --gen2 --region="$REGION" --project="$PROJECT_ID" \
    --format='value(url)'
fi
