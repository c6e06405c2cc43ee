import { createHash } from 'node:crypto';

/**
 * Bump when `taskToTodo` / `todoToProperties` change what a page shows for the same task, so
 * pages already shown are mapped again (the same Todoist version is otherwise a duplicate).
 */
export const MAPPING_VERSION = 3;

/** What the mapping of a task depends on besides the task itself. */
export interface MappingInputs {
  areaLabelPrefix: string;
  /** `DUE_AS_RANGE`: whether a timed due with a duration shows as a range. */
  dueAsRange: boolean;
  /** Property names the Todos database has. */
  properties: ReadonlySet<string>;
}

/** A short hash of the mapping: code version, configuration and the database's property set. */
export function mappingFingerprint(inputs: MappingInputs): string {
  const canonical = JSON.stringify({
    version: MAPPING_VERSION,
    areaLabelPrefix: inputs.areaLabelPrefix,
    dueAsRange: inputs.dueAsRange,
    properties: [...inputs.properties].sort(),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
