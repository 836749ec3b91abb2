// auth.js — the signed-in user, shared by every screen (staff, phone, cockpit).
import { reactive } from 'vue'
import { get, post, del, setCsrf } from './api.js'

export const auth = reactive({
  user: null,       // {id, username, display_name, role, unit_id, global_scope, place_ids, ...}
  roleLabel: '',
  loaded: false,    // GET /api/v1/session has been tried
})

function take(r) {
  auth.user = r ? r.user : null
  auth.roleLabel = r ? r.role_label || '' : ''
  if (r && r.csrf_token) setCsrf(r.csrf_token)
  auth.loaded = true
}

// Loads the current session once (force to ask again). Resolves to the user or null.
export async function loadSession(force = false) {
  if (auth.loaded && !force) return auth.user
  try {
    take(await get('/api/v1/session'))
  } catch {
    take(null)
  }
  return auth.user
}

export async function login(username, password) {
  const r = await post('/api/v1/session', { username, password })
  take(r)
  return auth.user
}

export async function logout() {
  try {
    await del('/api/v1/session')
  } catch {
    /* the session may be gone already */
  }
  setCsrf(null)
  take(null)
}

export function forget() {
  setCsrf(null)
  take(null)
}

export const role = () => (auth.user ? auth.user.role : '')

// Where a role lands after sign-in.
export function landing(r = role()) {
  if (r === 'resident' || r === 'gridworker') return '/m'
  if (r === 'command') return '/cockpit'
  return '/staff'
}
