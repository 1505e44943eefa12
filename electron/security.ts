// Pure: the window's content security policy and navigation rules — only the lab's own
// loopback origins.
export function contentSecurityPolicy(guiOrigin: string, consoleOrigin: string): string {
  const ws = (o: string) => o.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    `connect-src 'self' ${ws(guiOrigin)} ${consoleOrigin} ${ws(consoleOrigin)}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    `frame-src ${consoleOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** May the window navigate to this URL? Only the lab's GUI origin. */
export function allowedNavigation(url: string, guiOrigin: string): boolean {
  try {
    return new URL(url).origin === guiOrigin;
  } catch {
    return false;
  }
}

/** Links the user may open in the system browser. */
export function allowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(u.hostname));
  } catch {
    return false;
  }
}
