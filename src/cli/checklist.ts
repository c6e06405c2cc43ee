/** One line of the doctor's checklist, and how the list is printed. */
export interface CheckLine {
  status: 'ok' | 'fail' | 'skip';
  label: string;
  detail?: string;
  /** What to do about a failed line. */
  fix?: string;
}

export interface CheckSection {
  title: string;
  lines: CheckLine[];
}

const MARK: Record<CheckLine['status'], string> = { ok: '✔', fail: '✘', skip: '·' };

/** The checklist as text: a mark per line, the fix indented under each failure, a verdict at the end. */
export function renderChecklist(sections: readonly CheckSection[]): string {
  const out: string[] = [];
  for (const section of sections) {
    out.push(section.title);
    for (const line of section.lines) {
      out.push(`  ${MARK[line.status]} ${line.label}${line.detail ? `  ${line.detail}` : ''}`);
      if (line.status === 'fail' && line.fix) out.push(`      fix: ${line.fix}`);
    }
    out.push('');
  }
  const failures = countFailures(sections);
  out.push(
    failures === 0 ? 'All checks passed.' : `${failures} ${failures === 1 ? 'problem' : 'problems'} found.`,
  );
  return `${out.join('\n')}\n`;
}

export function countFailures(sections: readonly CheckSection[]): number {
  return sections.reduce((n, s) => n + s.lines.filter((l) => l.status === 'fail').length, 0);
}
