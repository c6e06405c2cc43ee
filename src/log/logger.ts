/**
 * Structured logging for Cloud Logging: one JSON line per entry with `severity` and `message`.
 * Values under secret-looking keys, and any configured secret value, are redacted before writing.
 */

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  notice(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  critical(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every entry. */
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

const SECRET_KEY = /(token|secret|password|authorization|api[_-]?key|hmac|signature)/i;
const REDACTED = '[REDACTED]';

function scrubString(value: string, secrets: readonly string[]): string {
  let out = value;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function redact(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value, secrets);
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: scrubString(value.message, secrets) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out['code'] = code;
    if (value.cause !== undefined && depth < 3) out['cause'] = redact(value.cause, secrets, depth + 1);
    return out;
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && typeof v === 'string' ? REDACTED : redact(v, secrets, depth + 1);
  }
  return out;
}

const LEVELS: Record<Severity, number> = { DEBUG: 0, INFO: 1, NOTICE: 2, WARNING: 3, ERROR: 4, CRITICAL: 5 };

export interface LoggerOptions {
  sink?: LogSink;
  minSeverity?: Severity;
  fields?: LogFields;
  /** Values (tokens, client secrets) that must never appear in a line, wherever they occur. */
  secrets?: Iterable<string | undefined>;
}

/** Creates a logger writing one JSON line per entry (stdout for < ERROR, stderr otherwise by default). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.minSeverity ?? 'DEBUG'];
  const base = options.fields ?? {};
  // Short values would redact ordinary words; real tokens are long.
  const secrets = [...new Set(options.secrets ?? [])].filter((v): v is string => !!v && v.length >= 6);
  const write = (severity: Severity, message: string, fields?: LogFields): void => {
    if (LEVELS[severity] < min) return;
    const entry = redact({ ...base, ...fields }, secrets) as LogFields;
    const line = JSON.stringify({
      severity,
      message: scrubString(message, secrets),
      time: new Date().toISOString(),
      ...entry,
    });
    if (options.sink) options.sink(line);
    else if (LEVELS[severity] >= LEVELS.ERROR) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };
  return {
    debug: (m, f) => write('DEBUG', m, f),
    info: (m, f) => write('INFO', m, f),
    notice: (m, f) => write('NOTICE', m, f),
    warn: (m, f) => write('WARNING', m, f),
    error: (m, f) => write('ERROR', m, f),
    critical: (m, f) => write('CRITICAL', m, f),
    child: (fields) => createLogger({ ...options, secrets, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything; for unit tests that do not assert on logs. */
export const silentLogger: Logger = createLogger({ sink: () => {} });
