#!/usr/bin/env bash
# Runs the emulator-backed suites (test/integration) in Cloud Build's
# gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators image (Java, gcloud and the Firestore
# and Pub/Sub emulators, but no Node). Called by the `emulator-tests` step of cloudbuild.yaml after
# `npm ci` filled node_modules/ in the shared /workspace.
#
#   bash deploy/ci-emulator-tests.sh [true|false] [vitest filters...]
#   # false: skip (the _RUN_EMULATOR_TESTS substitution); filters default to test/integration
#
# Why it starts the emulators itself: test/global-setup.ts would start them too, but it expects the
# Pub/Sub emulator under /usr/lib/google-cloud-sdk (a Debian-package install) while this image keeps
# the SDK in /google-cloud-sdk. With FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST set, the
# global setup reuses these emulators and only builds dist/.
set -euo pipefail

run="${1:-true}"
if [[ "$run" != "true" ]]; then
  echo "emulator suites skipped (_RUN_EMULATOR_TESTS=$run); run them locally with: npm test"
  exit 0
fi

cd "$(dirname "$0")/.."

# Node 24 comes from the `node` devDependency (node_modules/node/bin/node, linked as .bin/node);
# Vitest and every process the tests spawn use that same binary (process.execPath).
if [[ ! -x node_modules/.bin/node ]]; then
  echo "node_modules/.bin/node is missing: the install step (npm ci) must run first" >&2
  exit 1
fi
export PATH="$PWD/node_modules/.bin:$PATH"
echo "node $(node --version), $(gcloud --version | head -n 1), $(java -version 2>&1 | head -n 1)"

export GOOGLE_CLOUD_PROJECT="${GOOGLE_CLOUD_PROJECT:-demo-nts}"
firestore_host="${CI_FIRESTORE_HOST:-127.0.0.1:8181}"
pubsub_host="${CI_PUBSUB_HOST:-127.0.0.1:8085}"
log_dir="$(mktemp -d)"

# Each emulator in its own session, so stopping it reaches the java process gcloud spawns.
groups=()
stop_emulators() {
  local group
  for group in ${groups[@]+"${groups[@]}"}; do kill -- "-$group" 2>/dev/null || true; done
}
trap stop_emulators EXIT
setsid gcloud emulators firestore start --host-port="$firestore_host" --quiet >"$log_dir/firestore.log" 2>&1 &
groups+=("$!")
setsid gcloud beta emulators pubsub start --host-port="$pubsub_host" --project="$GOOGLE_CLOUD_PROJECT" \
  --quiet >"$log_dir/pubsub.log" 2>&1 &
groups+=("$!")

wait_until_answering() {
  local name="$1" url="$2"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then
      echo "$name emulator is up"
      return 0
    fi
    sleep 1
  done
  echo "$name emulator did not answer $url within 120 s; its output:" >&2
  cat "$log_dir/$name.log" >&2
  return 1
}

wait_until_answering firestore "http://$firestore_host/"
wait_until_answering pubsub "http://$pubsub_host/v1/projects/$GOOGLE_CLOUD_PROJECT/topics"

export FIRESTORE_EMULATOR_HOST="$firestore_host"
export PUBSUB_EMULATOR_HOST="$pubsub_host"
shift || true
if [[ $# -eq 0 ]]; then set -- test/integration; fi
vitest run "$@"
