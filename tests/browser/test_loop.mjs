// test_loop.mjs — the whole loop through the UI, as the people would do it:
// a resident reports with a photo on the phone, community staff accept and
// dispatch (the catalogue's suggestion), the department handler signs and
// reports back, community staff verify and close, the resident rates. The
// API confirms each step (state, flow, photo). Screenshots of each screen.
import path from 'node:path'
import { harness, api, assert, until, choose, unnamedControls, DESKTOP, PHONE, ROOT } from './lib.mjs'

const t = await harness('loop')
const PHOTO = path.join(ROOT, 'tests', 'browser', 'photo.png')
const TITLE = '小区门口路灯不亮（浏览器测试）'
let caseId = null
const admin = await api(t.base, 'admin')

// Every control of the screen as it is now has an accessible name.
async function named(page, where) {
  const bad = await unnamedControls(page)
  assert(bad.length === 0, `${where}: controls without an accessible name:\n    ` + bad.join('\n    '))
}

async function caseNow() {
  const r = await admin.get(`/api/v1/cases/${caseId}`)
  assert(r.status === 200, `case ${caseId}: ${r.status}`)
  return r.body
}

// Click the action button on the staff case page, fill its dialog if it has one.
async function staffAct(page, label, fill) {
  const before = (await caseNow()).version
  await page.getByRole('button', { name: label, exact: true }).click()
  const dialog = page.getByRole('dialog')
  if (await dialog.isVisible().catch(() => false) || await dialog.waitFor({ timeout: 1500 }).then(() => true, () => false)) {
    if (fill) await fill(dialog)
    await dialog.getByRole('button', { name: new RegExp('确定') }).click()
  }
  await until(async () => (await caseNow()).version > before, `${label} to be taken`)
}

await t.step('resident_reports_with_photo', async () => {
  const { page } = await t.user('resident1', PHONE, '/m/report')
  await page.goto(t.base + '/m/report')
  await choose(page, '问题分类', '市容环境')
  await page.getByLabel('标题').fill(TITLE)
  await page.getByLabel('问题描述').fill('晚上整条路都是黑的，老人出门不方便。')
  await page.getByLabel('拍照或选择照片').setInputFiles(PHOTO)
  await t.shot(page, 'loop-1-report-filled', PHONE)
  await page.getByRole('button', { name: '提交上报' }).click()
  await page.waitForURL(/\/m\/cases\/\d+/)
  caseId = /\/m\/cases\/(\d+)/.exec(page.url())[1]
  await page.waitForLoadState('networkidle').catch(() => {})
  await t.shot(page, 'loop-2-report-sent', PHONE)
  await named(page, 'phone case page')
  const c = await caseNow()
  assert(c.title === TITLE && c.state === 'reported', JSON.stringify(c))
  const att = await admin.get(`/api/v1/cases/${caseId}/attachments`)
  await until(async () => (await admin.get(`/api/v1/cases/${caseId}/attachments`)).body.items.length === 1, 'the photo')
  assert(att.status === 200)
  await page.context().close()
})

await t.step('community_accepts_and_dispatches', async () => {
  assert(caseId, 'no case')
  const { page } = await t.user('community01', DESKTOP)
  await page.goto(`${t.base}/staff/cases/${caseId}`)
  await page.getByRole('heading', { name: TITLE }).waitFor()
  await t.shot(page, 'loop-3-staff-case', DESKTOP)
  await named(page, 'staff case page')
  await staffAct(page, '受理')
  await page.getByRole('button', { name: '派遣', exact: true }).waitFor()
  await staffAct(page, '派遣', async (dialog) => {
    // the catalogue's suggestion is chosen already (区城市管理局, unit 1)
    await page.waitForTimeout(300)
    await t.shot(page, 'loop-4-dispatch-dialog', DESKTOP)
    await named(page, 'dispatch dialog')
  })
  const c = await caseNow()
  assert(c.state === 'dispatched' && c.owner.unit_id === '1', JSON.stringify(c))
  await page.context().close()
})

await t.step('department_signs_and_reports_back', async () => {
  const { page } = await t.user('dept1', DESKTOP)
  await page.goto(`${t.base}/staff/cases/${caseId}`)
  await page.getByRole('heading', { name: TITLE }).waitFor()
  await staffAct(page, '签收')
  await page.getByRole('button', { name: '反馈', exact: true }).waitFor()
  await staffAct(page, '反馈', async (dialog) => {
    await dialog.getByLabel('处置结果').fill('已更换灯泡，恢复照明。')
  })
  assert((await caseNow()).state === 'feedback')
  await t.shot(page, 'loop-5-department-done', DESKTOP)
  await page.context().close()
})

await t.step('community_verifies_and_closes', async () => {
  const { page } = await t.user('community01', DESKTOP)
  await page.goto(`${t.base}/staff/cases/${caseId}`)
  await page.getByRole('heading', { name: TITLE }).waitFor()
  await staffAct(page, '核查')
  await page.getByRole('button', { name: '结案', exact: true }).waitFor()
  await staffAct(page, '结案')
  assert((await caseNow()).state === 'closed')
  await t.shot(page, 'loop-6-closed', DESKTOP)
  await page.context().close()
})

await t.step('resident_rates', async () => {
  const { page } = await t.user('resident1', PHONE, `/m/cases/${caseId}`)
  await page.goto(`${t.base}/m/cases/${caseId}`)
  await page.getByTestId('action-rate').click()
  await page.getByRole('radio', { name: '满意', exact: true }).check({ force: true })
  await t.shot(page, 'loop-7-rate', PHONE)
  await named(page, 'rating dialog')
  await page.getByRole('button', { name: '确定' }).click()
  await until(async () => (await caseNow()).state === 'rated', 'the rating')
  const c = await caseNow()
  assert(c.rating >= 4, JSON.stringify(c))
  const flow = (await admin.get(`/api/v1/cases/${caseId}/flow`)).body.items.map((f) => f.action)
  assert(JSON.stringify(flow) === JSON.stringify(['open', 'accept', 'dispatch', 'sign', 'feedback', 'verify', 'close', 'rate']),
    'flow: ' + flow.join(','))
  await page.waitForLoadState('networkidle').catch(() => {})
  await t.shot(page, 'loop-8-rated', PHONE)
})

await t.done()
