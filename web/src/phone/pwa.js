// pwa.js — registers the service worker (public/sw.js) and hands it the files this page
// loaded, so the phone app opens without signal next time (the hashed asset names are
// only known to the page).
let done = false

function loadedAssets() {
  const urls = new Set(['/', '/m', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png'])
  for (const e of performance.getEntriesByType('resource')) {
    try {
      const u = new URL(e.name)
      if (u.origin === location.origin && u.pathname.startsWith('/assets/')) urls.add(u.pathname)
    } catch {
      /* not a URL */
    }
  }
  return [...urls]
}

function tell(sw) {
  if (sw) sw.postMessage({ type: 'cache-urls', urls: loadedAssets() })
}

export async function registerSW() {
  if (done || !('serviceWorker' in navigator)) return
  done = true
  try {
    const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' })
    const ready = await navigator.serviceWorker.ready
    tell(ready.active)
    // Chunks loaded later (another screen) are cached by the worker as they are fetched;
    // tell it again after a while for those loaded before it took control.
    setTimeout(() => tell(reg.active), 5000)
  } catch {
    /* no service worker (http on a LAN address, private mode): the app still works online */
  }
}
