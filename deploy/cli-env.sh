# Loads the production configuration into this shell, so the CLIs act on what the deployed
# functions use: the same Notion databases, the same Firestore state.
#
#   source deploy/cli-env.sh       # from the repository root
#   npm run doctor -- --for sync,webhook,reconcile
#   npm run cleanup-duplicate-areas
#   npm run reconcile -- --dry-run
#
# Needs `gcloud auth application-default login` (Firestore) and, on your account,
# roles/secretmanager.secretAccessor and roles/datastore.user. Sourced: it never exits your shell.

_nts_main() {
  local root
  root="$(git rev-parse --show-toplevel 2>/dev/null || pwd)"
  # shellcheck source=deploy/env.sh
  source "$root/deploy/env.sh" || return 1
  local function_name="syncTodoistEvent" variable value
  for variable in NOTION_AREAS_DATABASE_ID NOTION_PROJECTS_DATABASE_ID NOTION_TODOS_DATABASE_ID \
    NOTION_PEOPLE_DATABASE_ID NOTION_AREAS_DATA_SOURCE_ID NOTION_PROJECTS_DATA_SOURCE_ID \
    NOTION_TODOS_DATA_SOURCE_ID NOTION_PEOPLE_DATA_SOURCE_ID STATE_COLLECTION_PREFIX AREA_LABEL_PREFIX SYNC_ONLY_LABEL \
    SYNC_EXCLUDE_PROJECT_IDS; do
    value="$(gcloud functions describe "$function_name" --gen2 --region="$REGION" --project="$PROJECT_ID" \
      --format="value(serviceConfig.environmentVariables.$variable)")" || return 1
    # An empty value means "not set" to the config loader; AREA_LABEL_PREFIX must not be empty.
    if [[ -n "$value" ]]; then export "$variable=$value"; else unset "$variable"; fi
  done
  NOTION_TOKEN="$(gcloud secrets versions access latest --secret="$NOTION_TOKEN_SECRET" --project="$PROJECT_ID")" || return 1
  export NOTION_TOKEN
  if value="$(gcloud secrets versions access latest --secret="$TODOIST_API_TOKEN_SECRET" --project="$PROJECT_ID" 2>/dev/null)"; then
    export TODOIST_API_TOKEN="$value"
  fi
  export STATE_STORE=firestore GOOGLE_CLOUD_PROJECT="$PROJECT_ID" PUBSUB_TOPIC="$TOPIC"
  # The deployed functions already use Notion's ~3 requests/s; stay gentle beside them.
  export NOTION_RPS="${NOTION_RPS:-1}"
  echo "loaded the configuration of $function_name ($PROJECT_ID, $REGION); secrets are in the environment, not printed"
}
_nts_main
unset -f _nts_main
