/* sw.js — the gridgov service worker: keeps the app shell so the phone app opens without
 * signal. Pages: network first, the cached index.html when offline. Hashed /assets/: cache
 * first (their names change with their content). A few API reads the report form needs
 * (session, categories, places) fall back to their last answer when offline. Writes
 * (POST …) are never touched: the page keeps unsent reports itself (IndexedDB outbox). */
const VERSION = 'gg-shell-v1'
const SHELL = ['/', '/index.html', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png']
const API_FALLBACK = [/^\/api\/v1\/session$/, /^\/api\/v1\/categories$/, /^\/api\/v1\/places(\/|$)/]

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((c) => Promise.all(SHELL.map((u) => c.add(u).catch(() => null))))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

// The page lists the assets it loaded before this worker controlled it.
self.addEventListener('message', (event) => {
  const d = event.data
  if (!d || d.type !== 'cache-urls' || !Array.isArray(d.urls)) return
  const urls = d.urls.filter((u) => typeof u === 'string' && u.startsWith('/')).slice(0, 300)
  event.waitUntil(
    caches.open(VERSION).then((c) =>
      Promise.all(
        urls.map((u) =>
          c.match(u).then((hit) => (hit ? null : c.add(u).catch(() => null))),
        ),
      ),
    ),
  )
})

async function networkFirst(req, fallbackKey) {
  const c = await caches.open(VERSION)
  try {
    const res = await fetch(req)
    if (res.ok) c.put(fallbackKey || req, res.clone())
    return res
  } catch (e) {
    const hit = await c.match(fallbackKey || req)
    if (hit) return hit
    throw e
  }
}

async function cacheFirst(req) {
  const c = await caches.open(VERSION)
  const hit = await c.match(req)
  if (hit) return hit
  const res = await fetch(req)
  if (res.ok) c.put(req, res.clone())
  return res
}

self.addEventListener('fetch', (event) => {
  const req = event.request
  const url = new URL(req.url)
  // Signing out forgets the offline copy of the session, then goes to the server as usual.
  if (req.method === 'DELETE' && url.pathname === '/api/v1/session' && url.origin === self.location.origin) {
    event.respondWith(
      caches
        .open(VERSION)
        .then((c) => c.delete('/api/v1/session'))
        .then(() => fetch(req)),
    )
    return
  }
  if (req.method !== 'GET') return
  if (url.origin !== self.location.origin) return
  const p = url.pathname
  if (p === '/api/v1/events') return // server-sent events: never through the cache
  if (req.mode === 'navigate') {
    // Every client route is the same index.html.
    event.respondWith(networkFirst(req, '/index.html'))
    return
  }
  if (p.startsWith('/assets/')) {
    event.respondWith(cacheFirst(req))
    return
  }
  if (p.startsWith('/api/')) {
    if (API_FALLBACK.some((r) => r.test(p))) event.respondWith(networkFirst(req, p + url.search))
    return
  }
  if (p === '/manifest.webmanifest' || p.startsWith('/icons/')) event.respondWith(networkFirst(req))
})
