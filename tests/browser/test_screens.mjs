// test_screens.mjs — the main screens of every role at desktop (1440×900),
// big screen (1920×1080) and phone (390×844) size: each renders, is
// screenshotted into $BUILD/screenshots/, has no control without an
// accessible name, and shows Chinese text (the CJK font is there).
import { harness, unnamedControls, assert, DESKTOP, BIGSCREEN, PHONE } from './lib.mjs'

const t = await harness('screens')

async function check(page, label, size) {
  await page.waitForLoadState('networkidle').catch(() => {})
  await page.waitForTimeout(300)
  const file = await t.shot(page, label, size)
  const unnamed = await unnamedControls(page)
  assert(unnamed.length === 0, `${label}: controls without an accessible name (${file}):\n    ` + unnamed.join('\n    '))
  const text = await page.evaluate(() => document.body.innerText)
  assert(/[\u4e00-\u9fff]/.test(text), `${label}: no Chinese text on the page (${file})`)
}

const screens = [
  { test: 'login', user: null, path: '/login', sizes: [DESKTOP, PHONE] },
  { test: 'staff_queues', user: 'community01', path: '/staff/queues', sizes: [DESKTOP] },
  { test: 'staff_cases', user: 'community01', path: '/staff/cases', sizes: [DESKTOP] },
  { test: 'staff_case_detail', user: 'community01', path: '/staff/cases', open: true, sizes: [DESKTOP] },
  { test: 'admin_places', user: 'admin', path: '/staff/places', sizes: [DESKTOP] },
  { test: 'admin_accounts', user: 'admin', path: '/staff/accounts', sizes: [DESKTOP] },
  { test: 'admin_categories', user: 'admin', path: '/staff/categories', sizes: [DESKTOP] },
  { test: 'admin_calendar', user: 'admin', path: '/staff/calendar', sizes: [DESKTOP] },
  { test: 'department_queues', user: 'dept1', path: '/staff/queues', sizes: [DESKTOP] },
  { test: 'cockpit', user: 'command', path: '/cockpit', sizes: [BIGSCREEN, DESKTOP] },
  { test: 'phone_report', user: 'resident1', path: '/m/report', sizes: [PHONE] },
  { test: 'phone_mine', user: 'resident1', path: '/m/mine', sizes: [PHONE] },
  { test: 'phone_nearby', user: 'resident1', path: '/m/nearby', sizes: [PHONE] },
  { test: 'phone_tasks', user: 'grid001', path: '/m/tasks', sizes: [PHONE] },
]

for (const s of screens) {
  for (const size of s.sizes) {
    await t.step(`${s.test}_${size.name}`, async () => {
      const b = s.user ? await t.user(s.user, size, s.path) : await t.browser(size)
      try {
        await b.page.goto(t.base + s.path)
        if (s.open) {
          await b.page.waitForLoadState('networkidle').catch(() => {})
          const link = b.page.getByRole('link', { name: /./ }).filter({ has: b.page.locator('xpath=self::*[contains(@href, "/staff/cases/")]') }).first()
          const any = b.page.locator('a[href*="/staff/cases/"]').first()
          await (await link.count() ? link : any).click()
          await b.page.waitForURL(/\/staff\/cases\/\d+/)
        }
        await check(b.page, s.test, size)
      } finally {
        await b.ctx.close()
      }
    })
  }
}

await t.done()
