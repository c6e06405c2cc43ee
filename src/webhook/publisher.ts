import { PubSub } from '@google-cloud/pubsub';
import type { Publish } from './receiver.js';

/** A publisher for one topic; batching off so each webhook is published before we answer 200. */
export function createPublisher(options: { topic: string; projectId: string | undefined }): Publish {
  const client = new PubSub(options.projectId ? { projectId: options.projectId } : {});
  const topic = client.topic(options.topic, { batching: { maxMessages: 1, maxMilliseconds: 0 } });
  return (data, attributes) => topic.publishMessage({ data, attributes });
}
