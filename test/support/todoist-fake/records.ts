/** Builders for realistic Todoist API v1 records (the fake's defaults; tests override what they need). */

export type TodoistRecord = Record<string, unknown> & { id: string };

const STAMP = '2025-02-10T10:33:38.000000Z';

/** A complete v1 task (ItemSyncView) with sensible defaults. */
export function makeTask(overrides: Partial<TodoistRecord> & { id: string }): TodoistRecord {
  return {
    user_id: '5120884',
    project_id: '6cVp2Lk7NzQf9BsW',
    section_id: null,
    parent_id: null,
    added_by_uid: '5120884',
    assigned_by_uid: null,
    responsible_uid: null,
    labels: [],
    deadline: null,
    duration: null,
    checked: false,
    is_deleted: false,
    added_at: STAMP,
    completed_at: null,
    completed_by_uid: null,
    updated_at: STAMP,
    due: null,
    priority: 1,
    child_order: 1,
    content: `Task ${overrides.id}`,
    description: '',
    note_count: 0,
    day_order: -1,
    is_collapsed: false,
    ...overrides,
  };
}

/** A complete v1 project with sensible defaults. */
export function makeProject(overrides: Partial<TodoistRecord> & { id: string }): TodoistRecord {
  return {
    name: `Project ${overrides.id}`,
    color: 'charcoal',
    parent_id: null,
    child_order: 1,
    is_archived: false,
    is_deleted: false,
    is_favorite: false,
    is_frozen: false,
    is_shared: false,
    is_collapsed: false,
    inbox_project: false,
    view_style: 'list',
    description: '',
    can_assign_tasks: false,
    creator_uid: '5120884',
    created_at: STAMP,
    updated_at: STAMP,
    default_order: 0,
    public_key: '',
    access: null,
    role: null,
    ...overrides,
  };
}

/** A complete v1 section with sensible defaults. */
export function makeSection(overrides: Partial<TodoistRecord> & { id: string }): TodoistRecord {
  return {
    user_id: '5120884',
    project_id: '6cVp2Lk7NzQf9BsW',
    added_at: STAMP,
    updated_at: STAMP,
    archived_at: null,
    name: `Section ${overrides.id}`,
    section_order: 1,
    is_archived: false,
    is_deleted: false,
    is_collapsed: false,
    ...overrides,
  };
}
