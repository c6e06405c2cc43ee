import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/state/store.js';
import { AGAIN, retryOnWriteRace, WRITE_RACE_ROUNDS } from '../../src/state/write-race.js';

describe('read-modify-write rounds', () => {
  it('a write that lost a race is decided again, and the next round’s answer is returned', async () => {
    let rounds = 0;
    const result = await retryOnWriteRace('doc', async () => {
      rounds++;
      if (rounds < 3) throw new StateError('precondition_failed', 'changed meanwhile');
      return 'written';
    });
    expect(result).toBe('written');
    expect(rounds).toBe(3);
  });

  it('a key contended round after round ends in too_much_contention after one bound', async () => {
    let rounds = 0;
    const run = retryOnWriteRace('doc', async () => {
      rounds++;
      throw new StateError('already_exists', 'created meanwhile');
    });
    await expect(run).rejects.toMatchObject({ code: 'too_much_contention' });
    expect(rounds).toBe(WRITE_RACE_ROUNDS);
  });

  it('errors other than write races propagate at once', async () => {
    let rounds = 0;
    const run = retryOnWriteRace('doc', async () => {
      rounds++;
      throw new StateError('unavailable', 'store down');
    });
    await expect(run).rejects.toMatchObject({ code: 'unavailable' });
    expect(rounds).toBe(1);
  });

  it('with onlyAgain, a race thrown from work with side effects propagates; AGAIN repeats', async () => {
    let rounds = 0;
    const again = await retryOnWriteRace('page', async () => (++rounds < 2 ? AGAIN : 'settled'), {
      onlyAgain: true,
    });
    expect(again).toBe('settled');
    const thrown = retryOnWriteRace(
      'page',
      async () => {
        throw new StateError('not_found', 'gone');
      },
      { onlyAgain: true },
    );
    await expect(thrown).rejects.toMatchObject({ code: 'not_found' });
  });
});
