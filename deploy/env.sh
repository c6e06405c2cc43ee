# Shared names for the scripts in deploy/ (sourced, not run). Every value can be overridden from the
# environment, e.g. `REGION=us-central1 bash deploy/setup.sh`. Keep the defaults in step with the
# substitutions of cloudbuild.yaml.

PROJECT_ID="${PROJECT_ID:-$(gcloud config get-value project 2>/dev/null)}"
if [[ -z "$PROJECT_ID" ]]; then
  echo "No project: set PROJECT_ID or run 'gcloud config set project PROJECT_ID'" >&2
  # `return` when sourced into an interactive shell (deploy/cli-env.sh), `exit` in a script.
  return 1 2>/dev/null || exit 1
fi
PROJECT_NUMBER="${PROJECT_NUMBER:-$(gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)')}"

# Where the functions, the Scheduler job and Eventarc live.
REGION="${REGION:-europe-west1}"
# Firestore location: a multi-region (eur3, nam5) or a region; fixed once the database exists.
FIRESTORE_LOCATION="${FIRESTORE_LOCATION:-eur3}"

TOPIC="${TOPIC:-todoist-events}"
RECONCILE_TOPIC="${RECONCILE_TOPIC:-todoist-reconcile}"
DEAD_LETTER_TOPIC="${DEAD_LETTER_TOPIC:-todoist-events-dead-letter}"
# Messages published to a topic without a subscription are lost: the dead letters are kept here.
DEAD_LETTER_SUBSCRIPTION="${DEAD_LETTER_SUBSCRIPTION:-todoist-events-dead-letter-sub}"
# Pub/Sub accepts 5..100. With the 10-600 s retry backoff, 10 attempts take at most ~90 minutes.
MAX_DELIVERY_ATTEMPTS="${MAX_DELIVERY_ATTEMPTS:-10}"

SCHEDULER_JOB="${SCHEDULER_JOB:-reconcile-todoist}"
# Hourly: each tick lists every stored task state (one Firestore read each), so 96 ticks a day over
# 1,000 tasks would pass the free 50,000 reads; a lost webhook waits up to an hour for its repair.
RECONCILE_SCHEDULE="${RECONCILE_SCHEDULE:-0 * * * *}"

# Firestore collections are `${STATE_COLLECTION_PREFIX}_claims`, `_entities` and `_ledger`.
STATE_COLLECTION_PREFIX="${STATE_COLLECTION_PREFIX:-nts}"

# The identity the three functions run as (and Eventarc invokes them as).
RUNTIME_SA_NAME="${RUNTIME_SA_NAME:-nts-runtime}"
RUNTIME_SA="${RUNTIME_SA:-$RUNTIME_SA_NAME@$PROJECT_ID.iam.gserviceaccount.com}"
# The identity Cloud Build runs cloudbuild.yaml as (deploy/deploy.sh passes it; an empty BUILD_SA=
# means the project's default Cloud Build account).
BUILD_SA_NAME="${BUILD_SA_NAME:-nts-deployer}"
BUILD_SA="${BUILD_SA-$BUILD_SA_NAME@$PROJECT_ID.iam.gserviceaccount.com}"

# Secret Manager secret ids (the values never appear in a command line or a log).
NOTION_TOKEN_SECRET="${NOTION_TOKEN_SECRET:-notion-token}"
TODOIST_CLIENT_SECRET_SECRET="${TODOIST_CLIENT_SECRET_SECRET:-todoist-client-secret}"
TODOIST_API_TOKEN_SECRET="${TODOIST_API_TOKEN_SECRET:-todoist-api-token}"

PUBSUB_SERVICE_AGENT="service-$PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com"
