// lib.mjs — what the browser tests share: the real gridgov binary on a free
// loopback port over a copy of the demo database, serving the built web UI
// (web/dist), and Debian's chromium driven by playwright-core (never a
// downloaded browser), each user in a fresh profile directory.
//
//   const t = await harness('loop')          // starts the server
//   const u = await t.user('resident1', PHONE) // a signed-in browser context
//   await t.shot(u.page, 'phone-report')      // $BUILD/screenshots/<name>-<size>.png
//   t.ok('name') / t.fail('name', err)        // results, one line each
//   await t.done()                            // stops everything, exits 0/1
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BUILD = path.resolve(process.env.GG_BUILD || path.join(ROOT, 'build'))
export const BIN = path.join(BUILD, 'gridgov')
export const WEB_DIR = process.env.GG_WEB_DIR || path.join(ROOT, 'web', 'dist')
export const SHOTS = process.env.GG_SCREENSHOTS || path.join(BUILD, 'screenshots')
export const PASSWORD = 'gridgov-demo-2026'
export const DESKTOP = { width: 1440, height: 900, name: 'desktop' }
export const BIGSCREEN = { width: 1920, height: 1080, name: 'bigscreen' }
export const PHONE = { width: 390, height: 844, name: 'phone', mobile: true }
export const CHROMIUM = process.env.GG_CHROMIUM || '/usr/bin/chromium'
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-dev-shm-usage']

const { chromium } = await import(pathToFileURL(path.join(ROOT, 'web', 'node_modules', 'playwright-core', 'index.mjs')).href)

function demoDb(dir) {
  const dst = path.join(dir, 'gridgov.db')
  const cached = process.env.GG_DEMO_DB
  if (cached && fs.existsSync(cached)) fs.copyFileSync(cached, dst)
  else execFileSync(BIN, ['demo', '--db', dst], { stdio: 'ignore' })
  return dst
}

export async function startServer(env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-browser-'))
  const db = demoDb(dir)
  const logPath = path.join(dir, 'server.log')
  const log = fs.openSync(logPath, 'w')
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web-dir', WEB_DIR], {
    stdio: ['ignore', log, log],
    env: { ...process.env, GG_RATE_LIMIT: '0', GG_LOGIN_PER_MIN: '100000', ...env },
  })
  // never leave a server behind, even when the test is killed (run.py's timeout)
  process.on('exit', () => { if (proc.exitCode === null) proc.kill('SIGKILL') })
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(130))
  const deadline = Date.now() + 30000
  let port = 0
  while (Date.now() < deadline && !port && proc.exitCode === null) {
    const m = /serving http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(logPath, 'utf8'))
    if (m) port = Number(m[1])
    else await new Promise((r) => setTimeout(r, 50))
  }
  if (!port) throw new Error('server did not start:\n' + fs.readFileSync(logPath, 'utf8'))
  const base = `http://127.0.0.1:${port}`
  return {
    base, db, dir, proc, logPath,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM')
        await new Promise((r) => { const t = setTimeout(() => { proc.kill('SIGKILL'); r() }, 20000); proc.on('exit', () => { clearTimeout(t); r() }) })
      }
      fs.closeSync(log)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

// A tiny API client (cookie + CSRF), for setting up and checking from the test.
export async function api(base, username, password = PASSWORD) {
  let cookie = ''
  let csrf = ''
  async function call(method, p, body) {
    const h = { Accept: 'application/json' }
    if (body !== undefined) h['Content-Type'] = 'application/json'
    if (cookie) h.Cookie = cookie
    if (csrf && method !== 'GET') h['X-CSRF-Token'] = csrf
    const r = await fetch(base + p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
    const sc = r.headers.get('set-cookie')
    if (sc && sc.startsWith('gg_session=')) cookie = sc.split(';')[0]
    const text = await r.text()
    let json = null
    try { json = JSON.parse(text) } catch { json = text }
    return { status: r.status, body: json }
  }
  const r = await call('POST', '/api/v1/session', { username, password })
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`)
  csrf = r.body.csrf_token
  return {
    user: r.body.user,
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b ?? {}),
  }
}

export async function harness(name, env = {}) {
  fs.mkdirSync(SHOTS, { recursive: true })
  const srv = await startServer(env)
  const contexts = []
  const dirs = []
  let passed = 0
  let failed = 0
  const t = {
    srv,
    base: srv.base,
    // A browser for one person: a fresh profile directory, the viewport of a size.
    async browser(size = DESKTOP) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-chromium-'))
      dirs.push(dir)
      const ctx = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM, headless: true, args: ARGS,
        viewport: { width: size.width, height: size.height },
        isMobile: !!size.mobile, hasTouch: !!size.mobile, deviceScaleFactor: 1,
        locale: 'zh-CN', timezoneId: 'Asia/Shanghai', serviceWorkers: 'allow',
      })
      ctx.setDefaultTimeout(15000)
      contexts.push(ctx)
      const page = ctx.pages()[0] || await ctx.newPage()
      page.on('pageerror', (e) => console.log(`  [${name}] page error: ${e.message}`))
      return { ctx, page, size }
    },
    // Sign in through the login page (the labels are the accessible names).
    async user(username, size = DESKTOP, next = '') {
      const b = await t.browser(size)
      await b.page.goto(srv.base + '/login' + (next ? '?next=' + encodeURIComponent(next) : ''))
      await b.page.getByLabel('用户名').fill(username)
      await b.page.getByLabel('密码').fill(PASSWORD)
      await b.page.getByRole('button', { name: /登\s*录/ }).click()
      await b.page.waitForURL((u) => !u.pathname.startsWith('/login'))
      return b
    },
    async shot(page, label, size) {
      const s = size || DESKTOP
      const file = path.join(SHOTS, `${label}-${s.name}.png`)
      await page.screenshot({ path: file, fullPage: false })
      return file
    },
    ok(test) { passed++; console.log(`ok ${name}.${test}`) },
    fail(test, e) { failed++; console.log(`FAIL ${name}.${test}: ${e && e.stack ? e.stack : e}`) },
    async step(test, fn) {
      try { await fn(); t.ok(test) } catch (e) { t.fail(test, e) }
    },
    async done() {
      for (const c of contexts) await c.close().catch(() => {})
      await srv.stop()
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
      console.log(`${name}: ${passed} passed, ${failed} failed`)
      process.exit(failed ? 1 : 0)
    },
  }
  return t
}

// Controls without an accessible name on the page (buttons, links, inputs,
// selects, checkboxes, radios, tabs, menu items...), from the accessibility
// tree as chromium computes it. Returns a list of descriptions.
export async function unnamedControls(page) {
  const cdp = await page.context().newCDPSession(page)
  const { nodes } = await cdp.send('Accessibility.getFullAXTree')
  await cdp.detach()
  const roles = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox',
    'radio', 'switch', 'slider', 'spinbutton', 'tab', 'menuitem', 'option', 'treeitem'])
  const out = []
  for (const n of nodes) {
    if (n.ignored) continue
    const role = n.role && n.role.value
    if (!roles.has(role)) continue
    const nm = n.name && n.name.value
    if (nm && String(nm).trim()) continue
    const props = Object.fromEntries((n.properties || []).map((p) => [p.name, p.value && p.value.value]))
    if (props.hidden) continue
    let desc = role
    if (n.backendDOMNodeId) {
      try {
        const cdp2 = await page.context().newCDPSession(page)
        const { outerHTML } = await cdp2.send('DOM.getOuterHTML', { backendNodeId: n.backendDOMNodeId })
        await cdp2.detach()
        desc += ' ' + outerHTML.slice(0, 160).replace(/\s+/g, ' ')
      } catch { /* node gone */ }
    }
    out.push(desc)
  }
  return out
}

// Pick an option of an Element Plus select by the select's accessible name.
export async function choose(page, label, option) {
  await page.getByRole('combobox', { name: label }).click({ force: true })
  await page.getByRole('option', { name: option, exact: true }).first().click()
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg || 'assertion failed')
}

export async function until(fn, what, ms = 15000) {
  const deadline = Date.now() + ms
  let last
  while (Date.now() < deadline) {
    try {
      last = await fn()
      if (last) return last
    } catch (e) { last = e }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`timed out waiting for ${what} (last: ${last && last.message ? last.message : JSON.stringify(last)})`)
}
