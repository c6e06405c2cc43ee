/** The two-way part of `doctor`: direction, the Todoist token's write access, the Notion topic and secret. */
import type { Config } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { httpSettings } from '../todoist/api.js';
import { isTodoistApiError } from '../todoist/api-errors.js';
import { postForm } from '../todoist/http.js';
import type { CheckLine } from './checklist.js';
import { checkPubSubTopic, withTimeout } from './doctor-services.js';

/**
 * Checks the two-way settings when SYNC_DIRECTION=two-way; one skipped line otherwise. The token
 * is probed with an empty `/api/v1/sync` command list, which writes nothing.
 */
export async function checkTwoWay(config: Config, timeoutMs: number): Promise<CheckLine[]> {
  const { direction, topic, webhookSecret, trashAction } = config.twoWay;
  if (direction !== 'two-way')
    return [{ status: 'skip', label: 'Two-way sync', detail: 'off (SYNC_DIRECTION=todoist-to-notion)' }];
  const lines: CheckLine[] = [
    { status: 'ok', label: 'Two-way sync', detail: `on; a page trashed in Notion: ${trashAction}` },
  ];
  lines.push(await checkToken(config, timeoutMs));
  lines.push(
    topic
      ? await checkPubSubTopic({ ...config, pubsub: { ...config.pubsub, topic } }, timeoutMs)
      : {
          status: 'fail',
          label: 'NOTION_PUBSUB_TOPIC',
          detail: 'not set',
          fix: 'set NOTION_PUBSUB_TOPIC to the topic notionWebhook publishes to (gcloud pubsub topics create notion-events)',
        },
  );
  lines.push(
    webhookSecret
      ? { status: 'ok', label: 'NOTION_WEBHOOK_SECRET', detail: 'set (hidden)' }
      : {
          status: 'fail',
          label: 'NOTION_WEBHOOK_SECRET',
          detail: 'not set: notionWebhook answers events with 401 until it is',
          fix: 'create the Notion webhook subscription, copy the token notionWebhook logs at NOTICE into the secret, then click Verify (docs/two-way.md)',
        },
  );
  return lines;
}

async function checkToken(config: Config, timeoutMs: number): Promise<CheckLine> {
  const label = 'Todoist token can write';
  const token = config.todoist.apiToken;
  if (!token)
    return {
      status: 'fail',
      label,
      detail: 'TODOIST_API_TOKEN is not set',
      fix: 'set TODOIST_API_TOKEN to a token with the data:read_write scope',
    };
  const settings = httpSettings({ token, baseUrl: config.todoist.baseUrl, timeoutMs, maxAttempts: 1 });
  try {
    await withTimeout(postForm(settings, '/api/v1/sync', { commands: '[]' }), timeoutMs, 'Todoist');
    return {
      status: 'ok',
      label,
      detail: 'POST /api/v1/sync accepted (an empty command list writes nothing)',
    };
  } catch (error) {
    const denied = isTodoistApiError(error, 'unauthorized');
    return {
      status: 'fail',
      label,
      detail: errorMessage(error),
      fix: denied
        ? 'use a Todoist token with the data:read_write scope (a read-only token cannot apply Notion edits)'
        : 'check TODOIST_BASE_URL and the network',
    };
  }
}
