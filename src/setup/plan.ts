/** What setup-notion will do, decided from what the workspace holds: a pure function, shown before any write. */
import type { DatabaseKey } from '../notion/types.js';
import { CREATE_ORDER, DATABASE_TITLES, type WantedProperty, wantedProperties } from './workspace-spec.js';

/** A database as it is now: its property types by name. */
export interface CurrentDatabase {
  id: string;
  title: string;
  properties: Readonly<Record<string, { type: string }>>;
}

export type SetupStep =
  | { kind: 'create'; db: DatabaseKey; title: string; properties: WantedProperty[] }
  | { kind: 'add'; db: DatabaseKey; properties: WantedProperty[] };

/** A property the user has under the contract's name but with another type: reported, never changed. */
export interface SetupConflict {
  db: DatabaseKey;
  property: string;
  expected: string;
  actual: string;
  required: boolean;
}

export interface SetupPlan {
  steps: SetupStep[];
  conflicts: SetupConflict[];
  /** Properties left out because their relation target is not configured and cannot be made. */
  skipped: Array<{ db: DatabaseKey; property: string; target: DatabaseKey }>;
  /** Databases neither configured nor makeable (no parent page given). */
  absent: DatabaseKey[];
}

/**
 * Plans the setup: databases that are missing are created (only with a parent page), properties
 * that are missing are added; nothing existing is renamed, retyped or deleted. A relation to the
 * database itself is added right after the create, since its target does not exist before.
 */
export function planSetup(
  current: Readonly<Partial<Record<DatabaseKey, CurrentDatabase>>>,
  canCreate: boolean,
): SetupPlan {
  const plan: SetupPlan = { steps: [], conflicts: [], skipped: [], absent: [] };
  const available = (db: DatabaseKey) => current[db] !== undefined || canCreate;
  for (const db of CREATE_ORDER) {
    const have = current[db];
    if (!have && !canCreate) {
      plan.absent.push(db);
      continue;
    }
    const missing: WantedProperty[] = [];
    for (const p of wantedProperties(db)) {
      if (p.relation && !available(p.relation)) {
        if (!have?.properties[p.name]) plan.skipped.push({ db, property: p.name, target: p.relation });
        continue;
      }
      const found = have?.properties[p.name];
      const otherTitle =
        have && p.type === 'title' && !found
          ? Object.entries(have.properties).find(([, q]) => q.type === 'title')?.[0]
          : undefined;
      // A database has exactly one title: a differently named one cannot be added to, only renamed.
      if (otherTitle !== undefined)
        plan.conflicts.push({
          db,
          property: p.name,
          expected: p.type,
          actual: `missing (the title property is "${otherTitle}")`,
          required: p.required,
        });
      else if (!found) missing.push(p);
      else if (found.type !== p.type)
        plan.conflicts.push({
          db,
          property: p.name,
          expected: p.type,
          actual: found.type,
          required: p.required,
        });
    }
    if (!have) {
      const self = missing.filter((p) => p.relation === db);
      plan.steps.push({
        kind: 'create',
        db,
        title: DATABASE_TITLES[db],
        properties: missing.filter((p) => p.relation !== db),
      });
      if (self.length > 0) plan.steps.push({ kind: 'add', db, properties: self });
    } else if (missing.length > 0) plan.steps.push({ kind: 'add', db, properties: missing });
  }
  return plan;
}
