/** The doctor's probes of Google services: Firestore (the state store) and the Pub/Sub topic. */
import { PubSub } from '@google-cloud/pubsub';
import type { Config } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { createStateStore } from '../state/index.js';
import type { CheckLine } from './checklist.js';

/** Rejects after `ms` so a probe of an unreachable service ends with a line, not a hang. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Reads one (absent) document through the configured store. */
export async function checkFirestore(state: Config['state'], timeoutMs: number): Promise<CheckLine> {
  if (state.store === 'memory') {
    return {
      status: 'skip',
      label: 'state store',
      detail: 'STATE_STORE=memory: no shared state (one local process only)',
    };
  }
  const where = state.firestoreEmulatorHost
    ? `emulator ${state.firestoreEmulatorHost}`
    : `project ${state.projectId ?? '(discovered)'}`;
  const store = createStateStore(state);
  try {
    await withTimeout(store.get('doctor', 'probe'), timeoutMs, 'Firestore');
    return { status: 'ok', label: 'Firestore reachable', detail: where };
  } catch (error) {
    return {
      status: 'fail',
      label: 'Firestore reachable',
      detail: `${where}: ${errorMessage(error)}`,
      fix: state.firestoreEmulatorHost
        ? 'start the emulator (gcloud emulators firestore start) or unset FIRESTORE_EMULATOR_HOST'
        : 'create a Firestore database in Native mode, check GOOGLE_CLOUD_PROJECT and credentials (gcloud auth application-default login)',
    };
  } finally {
    await store.close().catch(() => undefined);
  }
}

const EMULATOR_CREDENTIALS = { client_email: 'emulator@localhost', private_key: 'emulator' };

/** Checks the topic exists when PUBSUB_TOPIC is set. */
export async function checkPubSubTopic(config: Config, timeoutMs: number): Promise<CheckLine> {
  const topic = config.pubsub.topic;
  if (!topic)
    return {
      status: 'skip',
      label: 'Pub/Sub topic',
      detail: 'PUBSUB_TOPIC not set (needed by todoistWebhook only)',
    };
  // The emulator address comes from our env, not process.env, so pass it explicitly.
  const client = new PubSub({
    ...(config.state.projectId ? { projectId: config.state.projectId } : {}),
    // Emulator: no credentials to look up (and no metadata-server probe); the channel is insecure.
    ...(config.pubsub.emulatorHost
      ? {
          apiEndpoint: config.pubsub.emulatorHost,
          emulatorMode: true,
          universeDomain: 'googleapis.com',
          credentials: EMULATOR_CREDENTIALS,
        }
      : {}),
  });
  const label = `Pub/Sub topic ${topic}`;
  try {
    const [exists] = await withTimeout(client.topic(topic).exists(), timeoutMs, 'Pub/Sub');
    if (exists) return { status: 'ok', label, detail: 'exists' };
    return { status: 'fail', label, detail: 'does not exist', fix: `gcloud pubsub topics create ${topic}` };
  } catch (error) {
    return {
      status: 'fail',
      label,
      detail: errorMessage(error),
      fix: config.pubsub.emulatorHost
        ? `check PUBSUB_TOPIC (a topic id such as todoist-events) and that the emulator at ${config.pubsub.emulatorHost} runs`
        : 'check PUBSUB_TOPIC, GOOGLE_CLOUD_PROJECT, credentials and that the Pub/Sub API is enabled',
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}
