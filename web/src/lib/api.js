// The JSON API client: every call goes through here, and every refusal becomes an ApiError carrying the
// API's message, its code and the field it names.
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
    this.field = body?.field;
  }
}

async function parse(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

// GET of a public resource.
export async function api(path) {
  return parse(await fetch(API + path));
}

// A request with the bearer token typed on the booking page.
export const token = () => localStorage.getItem('maillage.token') || '';
export const setToken = (value) => localStorage.setItem('maillage.token', value);
export async function authed(path, options = {}) {
  const headers = { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' };
  return parse(await fetch(API + path, { ...options, headers }));
}
