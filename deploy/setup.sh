#!/usr/bin/env bash
# One-time project setup for notion-todoist-sync, safe to run again (every step looks before it
# creates): APIs, the Firestore database and its TTL policy, the Pub/Sub topics (events, reconcile,
# dead letters), the service accounts and their roles, the secrets, the reconcile Scheduler job.
#
#   read -rs NOTION_TOKEN; read -rs TODOIST_CLIENT_SECRET; read -rs TODOIST_API_TOKEN
#   export NOTION_TOKEN TODOIST_CLIENT_SECRET TODOIST_API_TOKEN
#   bash deploy/setup.sh
#
# A secret that already exists is left as it is (add a version by hand to change it); one whose
# variable is unset is skipped with a reminder. docs/deploy.md walks through the same commands.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deploy/env.sh
source deploy/env.sh

step() { printf '\n== %s\n' "$*"; }
quietly() { "$@" >/dev/null 2>&1; }
# IAM changes right after creating a service account can fail until it has propagated.
retry() {
  local attempt
  for attempt in 1 2 3 4 5; do
    if "$@"; then return 0; fi
    echo "  (attempt $attempt failed; retrying in $((attempt * 5)) s)" >&2
    sleep $((attempt * 5))
  done
  return 1
}
grant_project_role() {
  retry gcloud projects add-iam-policy-binding "$PROJECT_ID" --member="$1" --role="$2" \
    --condition=None --quiet >/dev/null
  echo "  $2 -> $1"
}

step "Enabling APIs in $PROJECT_ID"
gcloud services enable --project="$PROJECT_ID" \
  cloudfunctions.googleapis.com run.googleapis.com cloudbuild.googleapis.com \
  artifactregistry.googleapis.com eventarc.googleapis.com pubsub.googleapis.com \
  firestore.googleapis.com secretmanager.googleapis.com cloudscheduler.googleapis.com \
  logging.googleapis.com monitoring.googleapis.com iam.googleapis.com

step "Firestore database (default), native mode, in $FIRESTORE_LOCATION"
if quietly gcloud firestore databases describe --database='(default)' --project="$PROJECT_ID"; then
  echo "  exists"
else
  gcloud firestore databases create --database='(default)' --location="$FIRESTORE_LOCATION" \
    --type=firestore-native --project="$PROJECT_ID"
fi

step "TTL policy: ${STATE_COLLECTION_PREFIX}_ledger documents expire at their expireAt"
gcloud firestore fields ttls update expireAt --collection-group="${STATE_COLLECTION_PREFIX}_ledger" \
  --enable-ttl --async --quiet --project="$PROJECT_ID"

step "Pub/Sub topics"
for topic in "$TOPIC" "$RECONCILE_TOPIC" "$DEAD_LETTER_TOPIC"; do
  if quietly gcloud pubsub topics describe "$topic" --project="$PROJECT_ID"; then
    echo "  $topic exists"
  else
    gcloud pubsub topics create "$topic" --project="$PROJECT_ID"
  fi
done
if quietly gcloud pubsub subscriptions describe "$DEAD_LETTER_SUBSCRIPTION" --project="$PROJECT_ID"; then
  echo "  $DEAD_LETTER_SUBSCRIPTION exists"
else
  gcloud pubsub subscriptions create "$DEAD_LETTER_SUBSCRIPTION" --topic="$DEAD_LETTER_TOPIC" \
    --message-retention-duration=7d --expiration-period=never --project="$PROJECT_ID"
fi

step "Service accounts"
ensure_account() {
  local email="$1" title="$2"
  if quietly gcloud iam service-accounts describe "$email" --project="$PROJECT_ID"; then
    echo "  $email exists"
  else
    gcloud iam service-accounts create "${email%%@*}" --display-name="$title" --project="$PROJECT_ID"
  fi
}
ensure_account "$RUNTIME_SA" "notion-todoist-sync functions"
[[ -n "$BUILD_SA" ]] && ensure_account "$BUILD_SA" "notion-todoist-sync deployer"

step "Roles of the runtime service account ($RUNTIME_SA)"
# Firestore claims, entity state and ledger.
grant_project_role "serviceAccount:$RUNTIME_SA" roles/datastore.user
# Eventarc pushes to syncTodoistEvent and reconcileTodoist as this account.
grant_project_role "serviceAccount:$RUNTIME_SA" roles/run.invoker
grant_project_role "serviceAccount:$RUNTIME_SA" roles/eventarc.eventReceiver
# todoistWebhook publishes to the events topic, and only there.
retry gcloud pubsub topics add-iam-policy-binding "$TOPIC" --member="serviceAccount:$RUNTIME_SA" \
  --role=roles/pubsub.publisher --project="$PROJECT_ID" >/dev/null
echo "  roles/pubsub.publisher on topic $TOPIC"

if [[ -n "$BUILD_SA" ]]; then
  step "Roles of the deployer service account ($BUILD_SA)"
  # Deploy functions (and make todoistWebhook public), stage and build their sources, write build
  # logs; pubsub.admin and eventarc.viewer serve the `dead-letter` step of cloudbuild.yaml.
  for role in roles/cloudfunctions.developer roles/run.admin roles/storage.admin \
    roles/artifactregistry.writer roles/logging.logWriter roles/cloudbuild.builds.editor \
    roles/pubsub.admin roles/eventarc.viewer; do
    grant_project_role "serviceAccount:$BUILD_SA" "$role"
  done
  # Deploying a function that runs as the runtime account means acting as it.
  retry gcloud iam service-accounts add-iam-policy-binding "$RUNTIME_SA" \
    --member="serviceAccount:$BUILD_SA" --role=roles/iam.serviceAccountUser --project="$PROJECT_ID" >/dev/null
  echo "  roles/iam.serviceAccountUser on $RUNTIME_SA"
else
  echo "BUILD_SA is empty: give the project's default Cloud Build account the roles listed in docs/deploy.md"
fi

step "Roles of Google-managed accounts"
# The functions' own builds run as the Compute Engine default account; recent projects give it no role.
grant_project_role "serviceAccount:$PROJECT_NUMBER-compute@developer.gserviceaccount.com" \
  roles/cloudbuild.builds.builder
# Pub/Sub signs the push requests to Eventarc destinations (needed in projects made before 2021-04-08).
grant_project_role "serviceAccount:$PUBSUB_SERVICE_AGENT" roles/iam.serviceAccountTokenCreator

step "Secrets"
ensure_secret() {
  local id="$1" variable="$2"
  local value="${!variable:-}"
  if quietly gcloud secrets describe "$id" --project="$PROJECT_ID"; then
    echo "  $id exists (new value: printf %s \"\$$variable\" | gcloud secrets versions add $id --data-file=-)"
  elif [[ -n "$value" ]]; then
    printf %s "$value" | gcloud secrets create "$id" --replication-policy=automatic --data-file=- \
      --project="$PROJECT_ID"
  else
    echo "  $id skipped: $variable is not set. Create it before deploying:" >&2
    echo "    printf %s \"\$$variable\" | gcloud secrets create $id --replication-policy=automatic --data-file=-" >&2
    return 0
  fi
  retry gcloud secrets add-iam-policy-binding "$id" --member="serviceAccount:$RUNTIME_SA" \
    --role=roles/secretmanager.secretAccessor --project="$PROJECT_ID" >/dev/null
  echo "  roles/secretmanager.secretAccessor on $id"
}
ensure_secret "$NOTION_TOKEN_SECRET" NOTION_TOKEN
ensure_secret "$TODOIST_CLIENT_SECRET_SECRET" TODOIST_CLIENT_SECRET
ensure_secret "$TODOIST_API_TOKEN_SECRET" TODOIST_API_TOKEN

step "Cloud Scheduler: $SCHEDULER_JOB publishes {} to $RECONCILE_TOPIC ($RECONCILE_SCHEDULE)"
verb=create
if quietly gcloud scheduler jobs describe "$SCHEDULER_JOB" --location="$REGION" --project="$PROJECT_ID"; then
  verb=update
fi
gcloud scheduler jobs "$verb" pubsub "$SCHEDULER_JOB" --location="$REGION" \
  --schedule="$RECONCILE_SCHEDULE" --time-zone=Etc/UTC --topic="$RECONCILE_TOPIC" \
  --message-body='{}' --project="$PROJECT_ID"

cat <<EOF

Setup done. Next:
  1. Deploy:                 bash deploy/deploy.sh   (needs NOTION_*_DATABASE_ID in the environment)
  2. Dead letters:           attached by the deploy; by hand: bash deploy/dead-letter.sh
  3. Todoist webhook URL:    gcloud functions describe todoistWebhook --region=$REGION --format='value(serviceConfig.uri)'
     then docs/todoist-setup.md (events, client secret; OAuth activation: npm run todoist-auth)
  4. Alerts:                 NOTIFICATION_CHANNEL=projects/$PROJECT_ID/notificationChannels/ID bash deploy/alerts.sh
EOF
