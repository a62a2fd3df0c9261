// The JSON API client: every call goes through here, and every refusal becomes an ApiError carrying the
// API's message, its code and the field it names. The session is an HttpOnly cookie (the page never sees it);
// state-changing requests carry the session's CSRF token, read from GET /auth/session.
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

let csrf = '';
export const setCsrf = (value) => {
  csrf = value || '';
};

// GET (with the session cookie, when there is one).
export async function api(path) {
  return parse(await fetch(API + path, { credentials: 'same-origin' }));
}

// Any method; a body object is sent as JSON.
export async function send(path, method = 'POST', body = undefined) {
  const headers = { 'X-CSRF-Token': csrf };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = JSON.stringify(body);
  return parse(await fetch(API + path, init));
}
