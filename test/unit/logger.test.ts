import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';

describe('logger', () => {
  it('writes one JSON line per entry with severity and message', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) }).child({ taskId: 't1' });
    log.info('event handled', { outcome: 'applied' });
    log.error('failed', { error: new Error('boom') });
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({
      severity: 'INFO',
      message: 'event handled',
      taskId: 't1',
      outcome: 'applied',
    });
    expect(second).toMatchObject({ severity: 'ERROR', error: { message: 'boom' } });
  });

  it('never writes a secret, by key or by value', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), secrets: ['ntn_very_secret_token_123'] }).child({
      taskId: 't1',
    });
    log.warn('calling Notion with ntn_very_secret_token_123', {
      headers: { authorization: 'Bearer abc' },
      clientSecret: 'xyz',
      error: new Error('401 for token ntn_very_secret_token_123'),
    });
    const line = lines.join('\n');
    expect(line).not.toContain('ntn_very_secret_token_123');
    expect(line).not.toContain('Bearer abc');
    expect(line).not.toContain('xyz');
    expect(line).toContain('[REDACTED]');
  });

  it('drops entries below the minimum severity', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), minSeverity: 'WARNING' });
    log.info('chatty');
    log.warn('worth a look');
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['worth a look']);
  });
});
