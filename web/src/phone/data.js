// data.js — what the phone screens read from the server, with small offline copies
// (categories, the caller's grid) in localStorage so a report can be written without signal.
import { get, ApiError } from '../api.js'
import { auth } from '../auth.js'

// Kinds a resident / grid worker files from the phone (hotline orders come from 12345,
// whistles from staff). The engine decides per role; the server refuses the rest.
export const PHONE_KINDS = [
  { kind: 'event', label: '网格事件' },
  { kind: 'service', label: '点单服务' },
  { kind: 'dispute', label: '矛盾纠纷' },
]

function cacheGet(key) {
  try {
    const v = localStorage.getItem('gg_m_' + key)
    return v ? JSON.parse(v) : null
  } catch {
    return null
  }
}

function cacheSet(key, v) {
  try {
    localStorage.setItem('gg_m_' + key, JSON.stringify(v))
  } catch {
    /* full or private mode: no offline copy */
  }
}

// Active categories of the phone kinds; the last copy when offline.
export async function categories() {
  try {
    const r = await get('/api/v1/categories')
    const items = ((r && r.items) || []).filter((c) => c.active && PHONE_KINDS.some((k) => k.kind === c.kind))
    cacheSet('categories', items)
    return items
  } catch (e) {
    const c = cacheGet('categories')
    if (c) return c
    throw e
  }
}

// The places the caller may report at: its own places, and grids below them if it has
// a wider scope (a bounded list).
export async function myGrids() {
  const ids = (auth.user && auth.user.place_ids) || []
  try {
    const out = []
    for (const id of ids.slice(0, 8)) {
      const p = await get(`/api/v1/places/${id}`)
      if (p.kind === 'grid') out.push(p)
      else {
        const r = await get(`/api/v1/places/${id}/subtree`, { kind: 'grid', limit: 200 })
        out.push(...((r && r.items) || []).filter((x) => x.kind === 'grid'))
      }
      if (out.length >= 200) break
    }
    cacheSet('grids', out)
    return out
  } catch (e) {
    const c = cacheGet('grids')
    if (c) return c
    throw e
  }
}

// The grid boundaries around a box, as GeoJSON; null when the map API is not there (404).
export async function boundaries(bbox) {
  try {
    return await get('/api/v1/map/boundaries', { level: 'grid', bbox: bbox.join(',') })
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 400)) return null
    throw e
  }
}

// The grid holding a point: {place_id, name, …}; {outside: true} when no grid holds it;
// null when the server has no map API.
export async function locate(ll) {
  try {
    return await get('/api/v1/map/locate', { lat: ll.lat, lon: ll.lon })
  } catch (e) {
    if (e instanceof ApiError && e.code === 'outside_area') return { outside: true }
    if (e instanceof ApiError && e.status === 403) return { outside: true }
    return null
  }
}

export function fmtTime(s) {
  if (!s) return ''
  const d = new Date(s)
  if (isNaN(d)) return s
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

export const LIGHT_TEXT = { green: '正常', yellow: '将到期', red: '已超期' }

export const RATINGS = [
  { value: 5, label: '非常满意' },
  { value: 4, label: '满意' },
  { value: 3, label: '基本满意' },
  { value: 2, label: '不满意' },
  { value: 1, label: '非常不满意' },
]

// Actions that take a note (the workflow answers note_required without one).
export const NOTE_ACTIONS = new Set([
  'refuse', 'reject', 'answer', 'return', 'feedback', 'rework', 'finish', 'request_extension',
  'deny_extension', 'suspend', 'escalate', 'cancel', 'reopen', 'supervise', 'pause_clock',
  'mediate', 'agree', 'fail', 'refer', 'perform', 'archive',
])
// Actions that need a target the phone cannot pick (escalate to a place, refer, summon…):
// those are done on the desktop case page.
export const DESKTOP_ACTIONS = new Set(['escalate', 'refer', 'summon', 'rate_department'])
