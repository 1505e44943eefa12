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
