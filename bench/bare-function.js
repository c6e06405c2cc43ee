/**
 * The bare functions-framework functions the benchmark's cold starts are compared with: a
 * CloudEvent function and an HTTP function that do nothing, so their cold start is Node +
 * functions-framework alone. Served by `npm run bench` as
 * `functions-framework --source=bench/bare-function.js --target=bareEvent` (or `bareHttp`).
 */
import * as functions from '@google-cloud/functions-framework';

functions.cloudEvent('bareEvent', () => {});

functions.http('bareHttp', (_req, res) => {
  res.status(200).send('OK');
});
