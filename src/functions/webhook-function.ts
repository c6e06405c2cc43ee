/**
 * todoistWebhook: verify and publish. Its module graph holds neither Firestore nor the Notion
 * layer, and the Pub/Sub client only where REST cannot authenticate (see publisher-choice).
 */
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { choosePublisher } from '../webhook/publisher-choice.js';
import { createWebhookHandler } from '../webhook/receiver.js';

/** Builds the receiver for the configured topic. */
export function createWebhookFunction(config: Config, logger: Logger): HttpFunction {
  return createWebhookHandler({
    secret: config.todoist.clientSecret ?? '',
    publish: choosePublisher({
      topic: config.pubsub.topic ?? '',
      projectId: config.pubsub.projectId,
      emulatorHost: config.pubsub.emulatorHost,
    }),
    logger,
  });
}
