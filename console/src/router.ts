import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes: `#/iam/users/alice` is ['iam', 'users', 'alice'] (each part decoded). Pages link with
 * `href={link('iam', 'users', name)}`; the back button works; a reload keeps the page.
 */
export function currentRoute(): string[] {
  return location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p));
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function link(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function navigate(...parts: string[]): void {
  location.hash = link(...parts);
}
