// A small line logger for service processes (stdout goes to logs/<service>.log). It never
// writes a token: values under token-ish keys and token-shaped query strings are masked.
const SECRET_KEYS = /token|password|secret|authorization/i;

export function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/([?&](?:token|path=%3Ftoken%3D)=?)[^&\s"]+/gi, '$1***');
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '***' : redact(v)]));
  }
  return value;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(name: string, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const line = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    const extra = fields ? ' ' + JSON.stringify(redact(fields)) : '';
    write(`${new Date().toISOString()} ${process.pid} ${level} ${name}: ${redact(msg)}${extra}\n`);
  };
  return { info: line('INFO'), warn: line('WARNING'), error: line('ERROR') };
}
