/**
 * The bare functions-framework function the benchmark's cold start is compared with: a CloudEvent
 * function that does nothing, so its cold start is Node + functions-framework alone.
 * Served by `npm run bench` as `functions-framework --source=bench/bare-function.js --target=bareEvent`.
 */
import * as functions from '@google-cloud/functions-framework';

functions.cloudEvent('bareEvent', () => {});
