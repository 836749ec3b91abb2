// test_keyboard.mjs — the main staff flow by keyboard alone (Tab, typing,
// Enter): sign in, open a case from the queue, take an action; the API
// confirms it. The focused control is found by its accessible name, so a
// control without one cannot be reached this way.
import { harness, api, assert, until, DESKTOP, PHONE, PASSWORD } from './lib.mjs'

const t = await harness('keyboard')

// Tab (at most max times) until the focused element satisfies pred.
async function tabTo(page, what, pred, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const hit = await page.evaluate(pred)
    if (hit) return hit
  }
  throw new Error(`Tab never reached ${what}`)
}

const focusedName = () => {
  const el = document.activeElement
  if (!el) return ''
  return (el.getAttribute('aria-label') || el.innerText || el.value || '').trim()
}

async function keyboardLogin(page, username) {
  await page.goto(t.base + '/login')
  await tabTo(page, 'the user name box', () => document.activeElement?.getAttribute('aria-label') === '用户名'
    || document.activeElement?.getAttribute('name') === 'username')
  await page.keyboard.type(username)
  await tabTo(page, 'the password box', () => document.activeElement?.getAttribute('type') === 'password')
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

await t.step('staff_login_open_case_act', async () => {
  const { page } = await t.browser(DESKTOP)
  await keyboardLogin(page, 'community01')
  await page.goto(t.base + '/staff/queues')
  await page.waitForLoadState('networkidle').catch(() => {})
  const href = await tabTo(page, 'a case in the queue', () => {
    const a = document.activeElement?.closest('a')
    return a && /\/staff\/cases\/\d+$/.test(a.getAttribute('href') || '') ? a.getAttribute('href') : ''
  }, 120)
  await page.keyboard.press('Enter')
  await page.waitForURL(new RegExp(href.replace(/[/]/g, '\\/') + '$'))
  const id = /(\d+)$/.exec(href)[1]
  const admin = await api(t.base, 'community01')  // the same person, to read allowed_actions
  const before = (await admin.get(`/api/v1/cases/${id}`)).body
  // an action the server allows now that needs no dialog, or the first one
  const allowed = before.allowed_actions.map((a) => a.label)
  assert(allowed.length > 0, 'no action allowed on ' + id)
  const want = ['受理', '签收', '核查', '结案', '催办'].find((l) => allowed.includes(l)) || allowed[0]
  await page.getByRole('button', { name: want, exact: true }).waitFor()
  await tabTo(page, `the ${want} button`, new Function(`
    const el = document.activeElement
    return !!el && el.tagName === 'BUTTON' && el.innerText.trim() === ${JSON.stringify(want)}`), 120)
  await t.shot(page, 'keyboard-focus-action', DESKTOP)
  await page.keyboard.press('Enter')
  // a dialog (if the action has one) is confirmed by keyboard too
  const dialog = page.getByRole('dialog')
  if (await dialog.waitFor({ timeout: 1500 }).then(() => true, () => false)) {
    const note = dialog.getByRole('textbox').first()
    if (await note.count()) { await note.focus(); await page.keyboard.type('键盘操作') }
    await tabTo(page, 'the confirm button', () => /确定/.test(document.activeElement?.innerText || ''), 30)
    await page.keyboard.press('Enter')
  }
  await until(async () => (await admin.get(`/api/v1/cases/${id}`)).body.version > before.version,
    `the ${want} action by keyboard`)
})

await t.step('phone_login_by_keyboard', async () => {
  const { page } = await t.browser(PHONE)
  await keyboardLogin(page, 'resident1')
  assert(page.url().includes('/m/'), 'landed on ' + page.url())
  await tabTo(page, 'the report title box', () => document.activeElement?.getAttribute('aria-label') === '标题', 60)
})

await t.done()
