// test_offline.mjs — a resident files a report with no signal (the page set
// offline): it is kept on the phone and sent when the phone is back online,
// and arrives exactly once (checked through the API), even though the phone
// tries again.
import { harness, api, assert, until, choose, PHONE } from './lib.mjs'

const t = await harness('offline')
const TITLE = '楼道堆放杂物（离线上报）'

async function count(res) {
  const r = await res.get('/api/v1/cases?mine=reported&limit=200&q=' + encodeURIComponent('离线上报'))
  return r.body.items.filter((c) => c.title === TITLE)
}

await t.step('report_offline_arrives_once', async () => {
  const { ctx, page } = await t.user('resident1', PHONE, '/m/report')
  await page.goto(t.base + '/m/report')
  await choose(page, '问题分类', '市容环境')
  await ctx.setOffline(true)
  await page.getByLabel('标题').fill(TITLE)
  await page.getByLabel('问题描述').fill('写于地下车库，没有信号。')
  await page.getByRole('button', { name: '提交上报' }).click()
  await page.waitForTimeout(1000)
  await t.shot(page, 'offline-queued', PHONE)
  const res = await api(t.base, 'resident1')
  assert((await count(res)).length === 0, 'arrived while offline?')
  await ctx.setOffline(false)
  // the phone notices it is back (online event) and sends the queue
  await until(async () => (await count(res)).length >= 1, 'the report to arrive', 45000)
  await page.waitForTimeout(3000) // any second send would have landed by now
  // going offline and online again must not send it twice either
  await ctx.setOffline(true)
  await page.waitForTimeout(300)
  await ctx.setOffline(false)
  await page.waitForTimeout(2000)
  const got = await count(res)
  assert(got.length === 1, `arrived ${got.length} times`)
  const flow = await res.get(`/api/v1/cases/${got[0].id}/flow`)
  assert(flow.body.items.filter((f) => f.action === 'open').length === 1, 'two open steps')
  await page.goto(t.base + '/m/mine')
  await page.getByText(TITLE).first().waitFor()
  await t.shot(page, 'offline-arrived', PHONE)
})

await t.done()
