/**
 * Entry point: registers the functions with functions-framework. Wiring only: the served target
 * and the environment come from src/config, the handlers from src/functions.ts.
 */

import * as functions from '@google-cloud/functions-framework';
import { parseServeOptions } from './config/invocation.js';
import { createFunctionHandlers } from './functions.js';

const handlers = createFunctionHandlers(parseServeOptions());

functions.cloudEvent<unknown>('syncTodoistEvent', handlers.syncTodoistEvent);
functions.cloudEvent<unknown>('reconcileTodoist', handlers.reconcileTodoist);
functions.cloudEvent<unknown>('syncNotionEvent', handlers.syncNotionEvent);
functions.http('todoistWebhook', handlers.todoistWebhook);
functions.http('notionWebhook', handlers.notionWebhook);
