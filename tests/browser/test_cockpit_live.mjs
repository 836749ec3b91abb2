// test_cockpit_live.mjs — the command-centre big screen (1920×1080) follows
// the server live: a case opened through the API moves its counts (open
// total, today's reports) without a reload, over server-sent events.
import { harness, api, assert, until, BIGSCREEN } from './lib.mjs'

const t = await harness('cockpit_live')

const num = async (page, id) => {
  const s = await page.getByTestId('kpi-' + id).innerText()
  return Number(s.replace(/[^0-9]/g, ''))
}

await t.step('counts_change_without_reload', async () => {
  const { page } = await t.user('command', BIGSCREEN, '/cockpit')
  await page.goto(t.base + '/cockpit')
  await until(async () => (await num(page, 'open-total')) > 0, 'the first summary')
  await until(async () => /实时|live/i.test(await page.getByTestId('cockpit-live').getAttribute('aria-label')), 'the live connection')
  const total0 = await num(page, 'open-total')
  const today0 = await num(page, 'today-reported')
  await t.shot(page, 'cockpit-live-before', BIGSCREEN)
  // a marker that a reload would lose
  await page.evaluate(() => { window.__noReload = 'still here' })
  const res = await api(t.base, 'resident1')
  const cats = await res.get('/api/v1/categories?kind=event')
  for (let i = 0; i < 2; i++) {
    const r = await res.post('/api/v1/cases', {
      kind: 'event', category_id: cats.body.items[0].id, place_id: res.user.place_ids[0], title: `大屏实时测试 ${i}`,
    })
    assert(r.status === 201, JSON.stringify(r.body))
  }
  await until(async () => (await num(page, 'open-total')) === total0 + 2, 'open total +2 on screen')
  await until(async () => (await num(page, 'today-reported')) === today0 + 2, "today's reports +2 on screen")
  assert(await page.evaluate(() => window.__noReload) === 'still here', 'the page was reloaded')
  await t.shot(page, 'cockpit-live-after', BIGSCREEN)
})

await t.done()
