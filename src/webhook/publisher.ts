import { PubSub } from '@google-cloud/pubsub';
import type { Publish } from './http.js';

/** A publisher for one topic; batching off so each webhook is published before we answer 200. */
export function createPublisher(options: { topic: string; projectId: string | undefined }): Publish {
  // A full topic name (projects/P/topics/T) carries its own project.
  const full = /^projects\/([^/]+)\/topics\/([^/]+)$/.exec(options.topic);
  const projectId = full?.[1] ?? options.projectId;
  const client = new PubSub(projectId ? { projectId } : {});
  const topic = client.topic(full?.[2] ?? options.topic, {
    batching: { maxMessages: 1, maxMilliseconds: 0 },
  });
  return (data, attributes) => topic.publishMessage({ data, attributes });
}
