// REST calls with the signed-in key. The key lives in sessionStorage (this tab only); the tracking_key cookie
// (SameSite=Strict, path /dashboard, which the server accepts it for and nowhere else) lets the browser open the
// Orleans dashboard, which cannot send headers.
const KEY = 'tracking.key';

export const auth = {
  get key() { return sessionStorage.getItem(KEY); },
  signIn(key) {
    sessionStorage.setItem(KEY, key);
    document.cookie = `tracking_key=${encodeURIComponent(key)}; path=/dashboard; SameSite=Strict${location.protocol === 'https:' ? '; Secure' : ''}`;
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    document.cookie = 'tracking_key=; path=/dashboard; SameSite=Strict; max-age=0';
    document.cookie = 'tracking_key=; path=/; SameSite=Strict; max-age=0'; // set by earlier versions
  },
};

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

/** GET a JSON resource; null on 404 (a feature that is not deployed, or nothing found). */
export async function getJson(path) {
  const response = await fetch(path, { headers: { 'X-Api-Key': auth.key ?? '', Accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) {
    let detail;
    try { detail = (await response.json()).detail; } catch { /* not a ProblemDetails body */ }
    throw new ApiError(response.status, detail);
  }
  return response.json();
}
