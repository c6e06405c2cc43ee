import type { EntityDoc } from '../exactly-once/entity-state.js';
import { createKeyedMutex, type KeyedMutex } from '../exactly-once/keyed-mutex.js';
import { LruMap } from '../exactly-once/lru-map.js';
import type { Stored } from '../state/store.js';
import type { TodoistSection } from '../todoist/schemas.js';
import { createFetchMemo, type FetchMemo } from './fetch-memo.js';
import { createPeopleCache, type PeopleCache } from './people.js';

/**
 * What one instance keeps in memory between events: caches of outside answers, per-entity locks
 * and counters. Built by the composition root, one per SyncContext, so two contexts in one process
 * never share a cache or a lock.
 */
export interface InstanceMemory {
  people: PeopleCache;
  /** Project names read from the Todoist API, kept for the life of the instance. */
  projectNames: FetchMemo<string | undefined>;
  /** Sections read from the Todoist API, kept a minute (a dry run cannot store them). */
  sections: FetchMemo<TodoistSection | undefined>;
  /** One event at a time per entity, by kind (events for one task apply in turn). */
  serial: { todo: KeyedMutex; project: KeyedMutex; section: KeyedMutex; comment: KeyedMutex };
  /** Events acknowledged without applying, by event name, since this instance started. */
  ignoredEvents: Map<string, number>;
  /**
   * Parent task id → the page whose waiting children this instance found none of (or linked all)
   * after that page was known: a child waiting later links itself, so the list need not be read again.
   */
  childrenSettled: LruMap<string>;
  /**
   * Task states as this instance last wrote them, by task id: the next event's `before` without a
   * read. Writes stay guarded by the version, so a copy another instance outdated costs one refused
   * write and a re-read, never a lost state.
   */
  taskStates: LruMap<Stored<EntityDoc>>;
}

const SECTION_TTL_MS = 60_000;

/** A fresh, empty instance memory. */
export function createInstanceMemory(now: () => number): InstanceMemory {
  return {
    people: createPeopleCache(),
    projectNames: createFetchMemo({ now }),
    sections: createFetchMemo({ ttlMs: SECTION_TTL_MS, now }),
    serial: {
      todo: createKeyedMutex(),
      project: createKeyedMutex(),
      section: createKeyedMutex(),
      comment: createKeyedMutex(),
    },
    ignoredEvents: new Map(),
    childrenSettled: new LruMap(10_000),
    taskStates: new LruMap(2_000),
  };
}
