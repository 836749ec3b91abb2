// live.js — one EventSource on GET /api/v1/events shared by the staff screens that want to
// hear about case steps as they commit (the server filters them to the caller's scope).
// Opened with the first listener, closed with the last; EventSource reconnects by itself
// and resumes with Last-Event-ID.
const listeners = new Set()
let es = null

function open() {
  if (es || typeof EventSource === 'undefined') return
  es = new EventSource('/api/v1/events')
  es.onmessage = (m) => {
    let ev
    try {
      ev = JSON.parse(m.data)
    } catch {
      return
    }
    listeners.forEach((fn) => fn(ev))
  }
  // the server asks a far-behind client to reload rather than replaying everything
  es.addEventListener('reload', () => listeners.forEach((fn) => fn(null)))
}

// onCaseEvent(fn): fn({id, kind, state, place_id, action, at, version, flow_id}) or fn(null)
// for "too much happened: reload". Returns the function that stops listening.
export function onCaseEvent(fn) {
  listeners.add(fn)
  open()
  return () => {
    listeners.delete(fn)
    if (!listeners.size && es) {
      es.close()
      es = null
    }
  }
}
