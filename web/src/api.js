// api.js — the one way the web UI talks to gridgov.
//
// Same-origin cookie session (HttpOnly, SameSite=Strict, set by POST /api/v1/session).
// The CSRF token comes in the body of the login answer (and of GET /api/v1/session);
// it is kept in sessionStorage and echoed in X-CSRF-Token on every write.
// Errors come back as {"error":{"code","message","field"}}; they are thrown as ApiError.

import { ERROR_ZH } from './errors.js'
import { locale } from './i18n/index.js'

const CSRF_KEY = 'gg_csrf'

export class ApiError extends Error {
  constructor(status, code, message, field, data) {
    super(message || code || `HTTP ${status}`)
    this.data = data || null // the whole answer (a refused action carries allowed_actions)
    this.name = 'ApiError'
    this.status = status
    this.code = code || ''
    this.field = field || ''
  }
}

export function setCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token)
  else sessionStorage.removeItem(CSRF_KEY)
}

export function getCsrf() {
  return sessionStorage.getItem(CSRF_KEY) || ''
}

// Listeners told when the server answers 401 on a non-login call (session gone).
const unauthListeners = new Set()
export function onUnauthorized(fn) {
  unauthListeners.add(fn)
  return () => unauthListeners.delete(fn)
}

export function qs(query) {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x))
    else p.append(k, String(v))
  }
  const s = p.toString()
  return s ? '?' + s : ''
}

async function parse(res) {
  const type = res.headers.get('Content-Type') || ''
  if (res.status === 204) return null
  if (type.includes('json')) {
    try {
      return await res.json()
    } catch {
      return null
    }
  }
  return await res.text()
}

// request(method, path, {body, query, raw, headers, signal}) → parsed JSON (or text).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) }
  let body
  if (opts.raw !== undefined) {
    body = opts.raw
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const t = getCsrf()
    if (t) headers['X-CSRF-Token'] = t
  }
  let res
  try {
    res = await fetch(path + qs(opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', 'cannot reach the server', '')
  }
  const data = await parse(res)
  if (!res.ok) {
    const err = data && typeof data === 'object' && data.error ? data.error : {}
    const e = new ApiError(res.status, err.code, err.message, err.field, data)
    if (res.status === 401 && !(method === 'POST' && path === '/api/v1/session')) {
      unauthListeners.forEach((fn) => fn(e))
    }
    throw e
  }
  return data
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query })
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body })
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body })
export const put = (path, body, opts = {}) => request('PUT', path, { ...opts, body })
export const del = (path, opts = {}) => request('DELETE', path, opts)

// Uploads one file as multipart/form-data (the browser writes the boundary).
export function upload(path, file, fields = {}, opts = {}) {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) fd.append(k, v)
  fd.append('file', file)
  return request('POST', path, { ...opts, raw: fd })
}

// One page of a list: {items, next_cursor}. next_cursor is null on the last page.
export async function page(path, query = {}, cursor = null, limit = 50) {
  const q = { ...query, limit }
  if (cursor) q.cursor = cursor
  const r = await get(path, q)
  return { items: (r && r.items) || [], next_cursor: (r && r.next_cursor) || null }
}

// Every item of a list, up to max (bounded: the UI never walks an unbounded list).
export async function all(path, query = {}, max = 2000) {
  const out = []
  let cursor = null
  for (let i = 0; i < 100 && out.length < max; i++) {
    const r = await page(path, query, cursor, 200)
    out.push(...r.items)
    cursor = r.next_cursor
    if (!cursor) break
  }
  return out.slice(0, max)
}

// A human message for an error: in Chinese (the default) the sentence for its code when
// errors.js knows it, else the server's own message.
export function errText(e) {
  if (!e) return ''
  if (e instanceof ApiError) {
    if (locale.value !== 'en' && ERROR_ZH[e.code]) return ERROR_ZH[e.code]
    return e.message
  }
  return String(e.message || e)
}
