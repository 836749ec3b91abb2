// outbox.js — reports written without signal wait here (IndexedDB) until they can be sent.
//
// Each entry keeps the case body (with its client_key), the photo blob and, once the case is
// created, the case id. Sending is: POST /api/v1/cases (the server answers the same case for a
// client_key it already saw, so a retry after a lost answer never makes a second case), then
// the photo upload, then the entry is deleted. One flush runs at a time in this tab; across
// tabs navigator.locks serialises them where the browser has it.
import { reactive } from 'vue'
import { request, post, ApiError } from '../api.js'
import { auth, loadSession } from '../auth.js'

const DB_NAME = 'gridgov-phone'
const STORE = 'outbox'
const RETRY_MS = 30000

// pending: reports still to send; refused: reports the server turned down (shown in 我的上报).
export const outbox = reactive({ pending: 0, refused: 0, sending: false, lastError: '', sent: 0 })

let dbp = null
function db() {
  if (dbp) return dbp
  dbp = new Promise((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, 1)
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'client_key' })
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
  return dbp
}

async function tx(mode, fn) {
  const d = await db()
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode)
    const st = t.objectStore(STORE)
    let out
    Promise.resolve(fn(st)).then((v) => (out = v))
    t.oncomplete = () => resolve(out)
    t.onerror = () => reject(t.error)
    t.onabort = () => reject(t.error)
  })
}

const req2p = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error) })

// Only the signed-in person's reports: a shared phone never sends one person's report
// under another's session.
const mine = (e) => auth.user && e.user_id === auth.user.id

export async function listQueued() {
  return (await tx('readonly', (st) => req2p(st.getAll()))).filter(mine)
}

async function put(entry) {
  return tx('readwrite', (st) => req2p(st.put(entry)))
}

async function remove(key) {
  return tx('readwrite', (st) => req2p(st.delete(key)))
}

export async function refreshCount() {
  try {
    const all = await listQueued()
    outbox.refused = all.filter((e) => e.refused).length
    outbox.pending = all.length - outbox.refused
  } catch {
    outbox.pending = 0
    outbox.refused = 0
  }
  return outbox.pending
}

// Keeps a report to send later. body must carry client_key.
// fallbackPlace: the grid to file at if the server cannot place lat/lon itself.
export async function enqueue(body, photo, fallbackPlace) {
  const entry = {
    client_key: body.client_key,
    user_id: auth.user ? auth.user.id : null,
    body,
    fallback_place_id: fallbackPlace || null,
    photo: photo || null,
    photo_name: photo && photo.name ? photo.name : null,
    case_id: null,
    queued_at: new Date().toISOString(),
    attempts: 0,
  }
  await put(entry)
  await refreshCount()
  return entry
}

// A failure worth retrying later: no connection, or the server busy / down.
// A signed-out phone (401, or a CSRF token from an old session) keeps the report too: it is
// sent after the next sign-in.
export function isTransient(e) {
  if (!(e instanceof ApiError)) return true
  if (e.status === 401 || e.code === 'csrf_failed') return true
  return e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500
}

export async function uploadPhoto(caseId, photo, name) {
  const fd = new FormData()
  fd.append('phase', 'before')
  fd.append('file', photo, name || 'photo.jpg')
  return request('POST', `/api/v1/cases/${caseId}/attachments`, { raw: fd })
}

// A random client_key (crypto.randomUUID needs a secure context; LAN http has none).
export function newClientKey() {
  if (crypto.randomUUID) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

// outsideToGrid: a point the server places in no grid (422 outside_area) is filed at the
// fallback grid instead (the outbox does: nobody is there to pick again).
async function postCase(body, fallbackPlace, outsideToGrid) {
  try {
    return await post('/api/v1/cases', body)
  } catch (e) {
    if (!(e instanceof ApiError)) throw e
    // A session restored from the cache may carry an old CSRF token: ask again once.
    if (e.code === 'csrf_failed') {
      await loadSession(true)
      return post('/api/v1/cases', body)
    }
    // A server that cannot find the grid of a point wants place_id: file at the grid.
    const noGrid = (e.code === 'missing_field' && e.field === 'place_id') || (outsideToGrid && e.code === 'outside_area')
    if (noGrid && fallbackPlace && !body.place_id) {
      return post('/api/v1/cases', { ...body, place_id: fallbackPlace })
    }
    throw e
  }
}

// Sends one report (online path and outbox path alike). Returns the case.
export async function sendReport(body, photo, photoName, onCreated, fallbackPlace, outsideToGrid = false) {
  const c = await postCase(body, fallbackPlace, outsideToGrid)
  if (onCreated) await onCreated(c)
  if (photo) await uploadPhoto(c.id, photo, photoName)
  return c
}

async function flushOne(entry) {
  entry.attempts += 1
  const photoOnly = !!entry.case_id
  try {
    if (photoOnly) {
      await uploadPhoto(entry.case_id, entry.photo, entry.photo_name)
    } else {
      await sendReport(entry.body, entry.photo, entry.photo_name, async (c) => {
        entry.case_id = c.id
        await put(entry)
      }, entry.fallback_place_id, true)
    }
    await remove(entry.client_key)
    outbox.sent += 1
    return true
  } catch (e) {
    if (isTransient(e)) {
      await put(entry)
      throw e
    }
    // The server refused it for good (validation, scope): keep it out of the loop but
    // visible, so the person can see why; a refused photo does not hold back the case.
    if (photoOnly) {
      await remove(entry.client_key)
      return true
    }
    entry.refused = { code: e.code, message: e.message, field: e.field }
    await put(entry)
    return false
  }
}

async function flushAll() {
  const entries = await listQueued()
  for (const e of entries) {
    if (e.refused) continue
    await flushOne(e)
  }
}

let running = null
export function flush() {
  if (running) return running
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return Promise.resolve()
  running = (async () => {
    outbox.sending = true
    outbox.lastError = ''
    try {
      if (navigator.locks && navigator.locks.request) await navigator.locks.request('gg-outbox', flushAll)
      else await flushAll()
    } catch (e) {
      outbox.lastError = e && e.message ? e.message : String(e)
    } finally {
      outbox.sending = false
      running = null
      await refreshCount()
    }
  })()
  return running
}

export async function discard(key) {
  await remove(key)
  await refreshCount()
}

let started = false
// Starts the retry loop: on load, when the phone comes back online, and every 30 s.
export function startOutbox() {
  if (started) return
  started = true
  refreshCount().then((n) => n && flush())
  window.addEventListener('online', () => flush())
  setInterval(() => {
    if (outbox.pending > 0) flush()
  }, RETRY_MS)
}
