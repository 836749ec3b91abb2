// util.js — what the staff screens share: labels, times, lights, reference data cache,
// and what each case action needs from the user (mirrors src/domain/workflow_tables.c).
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { get, all } from '../api.js'
import { t } from '../i18n/index.js'

export const KINDS = [
  { value: 'event', label: '网格事件' },
  { value: 'hotline', label: '12345工单' },
  { value: 'whistle', label: '吹哨' },
  { value: 'service', label: '点单' },
  { value: 'dispute', label: '矛盾纠纷' },
]

// States per kind (name → label), for the state filter (the API needs kind with state).
export const STATES = {
  event: { reported: '已上报', accepted: '已受理', dispatched: '已派遣', handling: '处置中', feedback: '已反馈待核查', verified: '已核查待结案', suspended: '挂账', closed: '已结案', rated: '已评价', refused: '不予受理', cancelled: '已撤销' },
  hotline: { intake: '已受理待派单', dispatched: '已派单待签收', handling: '办理中', done: '已办结待审核', suspended: '挂账', answered: '已直接答复', reviewed: '已审核待回访', rated: '已回访评价', archived: '已归档', cancelled: '已撤销' },
  whistle: { blown: '已吹哨待报到', joint_handling: '联合处置中', suspended: '挂账', done: '已办结待评价', closed: '已结案', cancelled: '已撤哨' },
  service: { ordered: '已点单待审核', approved: '已审核待派单', dispatched: '已派单待接单', taken: '已接单服务中', completed: '已完成待评单', rated: '已评单', rejected: '审核未通过', cancelled: '已撤销' },
  dispute: { registered: '受理登记', investigating: '调查中', mediating: '调解中', agreement: '达成协议待履行', failed: '调解不成待分流', referred: '已分流', performing: '履行中', follow_up: '待回访', archived: '已归档', rejected: '不予受理', cancelled: '已撤回' },
}

export const ROLES = [
  { value: 'admin', label: '管理员' },
  { value: 'command', label: '指挥中心' },
  { value: 'community', label: '社区工作者' },
  { value: 'gridworker', label: '网格员' },
  { value: 'department', label: '部门处置人员' },
  { value: 'member', label: '党员·志愿者' },
  { value: 'resident', label: '居民' },
]
export const roleLabel = (r) => (ROLES.find((x) => x.value === r) || {}).label || r

export const PLACE_KINDS = {
  district: '区', street: '街道', community: '社区', grid: '网格', compound: '小区', building: '楼栋', unit: '单元',
}
// The kind a child of each kind has.
export const CHILD_KIND = { district: 'street', street: 'community', community: 'grid', grid: 'compound', compound: 'building', building: 'unit' }

export const TIME_UNITS = [
  { value: 'work_hours', label: '工作小时' },
  { value: 'work_days', label: '工作日' },
  { value: 'natural_hours', label: '自然小时' },
  { value: 'natural_days', label: '自然日' },
]
export const unitLabel = (u) => (TIME_UNITS.find((x) => x.value === u) || {}).label || u

export const RATINGS = [
  { value: 5, label: '非常满意' },
  { value: 4, label: '满意' },
  { value: 3, label: '基本满意' },
  { value: 2, label: '不满意' },
  { value: 1, label: '非常不满意' },
]

export const LIGHTS = { green: '正常', yellow: '将到期', red: '已超时' }

// What an action asks for. note: 'required' | 'optional' | undefined; target: 'unit' | 'place'.
// Everything not listed is taken with one click (受理, 签收, 核查, 结案, 催办 …).
export const ACTION_NEEDS = {
  refuse: { note: 'required' },
  reject: { note: 'required' },
  answer: { note: 'required' },
  dispatch: { target: 'unit', note: 'optional' },
  refer: { target: 'unit', note: 'required' },
  summon: { target: 'unit' },
  escalate: { target: 'place', note: 'required' },
  return: { note: 'required' },
  feedback: { note: 'required' },
  finish: { note: 'required' },
  rework: { note: 'required' },
  request_extension: { note: 'required', extension: true },
  deny_extension: { note: 'required' },
  suspend: { note: 'required' },
  reopen: { note: 'required' },
  cancel: { note: 'required' },
  supervise: { note: 'required' },
  pause_clock: { note: 'required' },
  agree: { note: 'required' },
  fail: { note: 'required' },
  archive: { note: 'optional' },
  rate: { rating: true, note: 'optional' },
  rate_department: { rating: true, target: 'unit' },
  urge: { note: 'optional' },
}

// Button wording where the staff screens say it more plainly than the engine's label.
const LABEL_OVERRIDES = {}
export const actionLabel = (a) => t(LABEL_OVERRIDES[a.action] || a.label || a.action)

// Primary (blue) actions move the case forward; the rest are plain or warnings.
const PRIMARY = new Set(['accept', 'dispatch', 'sign', 'take', 'claim', 'feedback', 'verify', 'close', 'finish', 'review', 'report_in', 'start', 'approve_extension', 'answer', 'mediate', 'agree', 'perform', 'resume', 'resume_clock'])
const DANGER = new Set(['refuse', 'reject', 'return', 'rework', 'cancel', 'deny_extension', 'suspend', 'fail'])
export const actionType = (a) => (PRIMARY.has(a) ? 'primary' : DANGER.has(a) ? 'danger' : 'default')

// The photo an <input type="file"> picked, or null. The input is emptied (so the same file
// can be picked again); a file over the server's 10 MB limit is refused here with a message.
export function pickedPhoto(ev) {
  const f = ev.target.files && ev.target.files[0]
  ev.target.value = ''
  if (!f) return null
  if (f.size > 10 * 1024 * 1024) {
    ElMessage.error(t('照片不能超过 10 MB'))
    return null
  }
  return f
}

const pad = (n) => String(n).padStart(2, '0')
// Times are shown as the server wrote them (its display offset, +08:00), whatever the
// browser's own time zone.
export function fmtTime(s) {
  if (!s) return '—'
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(s)
  if (m) return m[1] + ' ' + m[2]
  const d = new Date(s)
  if (isNaN(d)) return s
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
export function fmtDay(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

// Reference data, loaded once per page life: categories, units (in scope), places by id.
export const refdata = reactive({ categories: [], units: [], places: {}, loaded: false })

export async function loadRef(force = false) {
  if (refdata.loaded && !force) return refdata
  const [cats, units] = await Promise.all([
    get('/api/v1/categories').then((r) => r.items || []).catch(() => []),
    all('/api/v1/units', { targets: true }, 2000).catch(() => []),
  ])
  refdata.categories = cats
  refdata.units = units
  refdata.loaded = true
  return refdata
}

export const categoryName = (id) => (refdata.categories.find((c) => c.id === id) || {}).name || (id ? '#' + id : '—')
export const unitName = (id) => (refdata.units.find((u) => u.id === id) || {}).name || (id ? '部门 #' + id : '—')

const placeWaits = {}
export function placeName(id) {
  if (!id) return '—'
  const p = refdata.places[id]
  if (p) return p.name
  if (!placeWaits[id]) {
    placeWaits[id] = get('/api/v1/places/' + id)
      .then((x) => { refdata.places[id] = x })
      .catch(() => { refdata.places[id] = { id, name: '#' + id } })
  }
  return '…'
}
export const rememberPlaces = (list) => list.forEach((p) => { refdata.places[p.id] = p })

// Account names for the flow log: only administrators and the command centre may read
// accounts (GET /api/v1/accounts/:id); everyone else sees the number.
const accountWaits = {}
export const accounts = reactive({})
export function accountName(id, canRead) {
  if (!id) return '—'
  if (accounts[id]) return accounts[id]
  if (canRead && !accountWaits[id]) {
    accountWaits[id] = get('/api/v1/accounts/' + id)
      .then((a) => { accounts[id] = a.display_name || a.username })
      .catch(() => { accounts[id] = '#' + id })
  }
  return '#' + id
}

export const SOURCES = { app: '手机上报', hotline: '12345热线', patrol: '网格巡查', web: '网页', wechat: '微信' }
export const URGENCY = { normal: '一般', urgent: '紧急', critical: '特急' }
