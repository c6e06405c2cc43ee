/**
 * Which publisher the webhook uses: REST on the emulator and on Google Cloud (token from the
 * metadata server); the maintained client where there is no metadata server (a laptop with
 * Application Default Credentials), loaded only then.
 */
import { isMetadataError, metadataCredentials } from '../gcp/metadata-server.js';
import { createNodeFetch, type HttpFetch } from '../http/node-fetch.js';
import type { Publish } from './receiver.js';
import { createRestPublisher } from './rest-publisher.js';

export interface PublisherChoice {
  topic: string;
  projectId: string | undefined;
  emulatorHost: string | undefined;
}

/** The webhook's publisher; it settles on REST or the client at the first publish and keeps it. */
export function choosePublisher(options: PublisherChoice, fetchImpl: HttpFetch = createNodeFetch()): Publish {
  if (options.emulatorHost) return createRestPublisher({ ...options, credentials: undefined, fetchImpl });
  const rest = createRestPublisher({ ...options, credentials: metadataCredentials(fetchImpl), fetchImpl });
  let client: Promise<Publish> | undefined;
  let onGoogleCloud = false;
  return async (data, attributes) => {
    if (client) return (await client)(data, attributes);
    try {
      const id = await rest(data, attributes);
      onGoogleCloud = true;
      return id;
    } catch (error) {
      // Once the metadata server has answered we are on Google Cloud: its failures are real ones.
      if (onGoogleCloud || !isMetadataError(error)) throw error;
      client ??= import('./publisher.js').then((m) =>
        m.createPublisher({ topic: options.topic, projectId: options.projectId }),
      );
      return (await client)(data, attributes);
    }
  };
}
