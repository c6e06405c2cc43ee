/**
 * notionWebhook (two-way): verify and publish. Like todoistWebhook, its module graph holds neither
 * Firestore nor the Notion layer; the SDK's signature helper is imported only by this function.
 */
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { createNotionWebhookHandler } from '../webhook/notion-receiver.js';
import { notionSignatureCheck } from '../webhook/notion-signature.js';
import { choosePublisher } from '../webhook/publisher-choice.js';

/** Builds the receiver for the configured Notion topic (401 for every event until the secret is stored). */
export function createNotionWebhookFunction(config: Config, logger: Logger): HttpFunction {
  const secret = config.twoWay.webhookSecret;
  return createNotionWebhookHandler({
    verify: secret ? notionSignatureCheck(secret) : undefined,
    publish: choosePublisher({
      topic: config.twoWay.topic ?? '',
      projectId: config.pubsub.projectId,
      emulatorHost: config.pubsub.emulatorHost,
    }),
    logger,
  });
}
