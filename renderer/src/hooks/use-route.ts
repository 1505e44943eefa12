// A tiny hash router: "#/screen/arg" → { screen, arg }.
import { useEffect, useState } from 'react';

export interface Route {
  screen: string;
  args: string[];
}

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { screen: parts[0] ?? 'overview', args: parts.slice(1) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = () => setRoute(parse(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(screen: string, ...args: string[]): void {
  location.hash = `#/${[screen, ...args].map(encodeURIComponent).join('/')}`;
}

export const href = (screen: string, ...args: string[]) => `#/${[screen, ...args].map(encodeURIComponent).join('/')}`;

/**
 * Swap the current address for another without a new history entry: a launch's provisional
 * address becomes its instance's id once Nova answers, and Back does not return to it.
 */
export function replaceRoute(screen: string, ...args: string[]): void {
  history.replaceState(history.state, '', href(screen, ...args));
  // replaceState fires no hashchange; useRoute listens for it.
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
