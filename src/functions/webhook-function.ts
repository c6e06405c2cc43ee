/**
 * todoistWebhook: verify and publish. Its module graph holds neither Firestore nor the Notion
 * layer; the Pub/Sub publisher is the only client it loads.
 */
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { createPublisher } from '../webhook/publisher.js';
import { createWebhookHandler } from '../webhook/receiver.js';

/** Builds the receiver for the configured topic. */
export function createWebhookFunction(config: Config, logger: Logger): HttpFunction {
  return createWebhookHandler({
    secret: config.todoist.clientSecret ?? '',
    publish: createPublisher({ topic: config.pubsub.topic ?? '', projectId: config.pubsub.projectId }),
    logger,
  });
}
