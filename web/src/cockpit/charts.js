// charts.js — number formats and the ECharts options of the cockpit (dark big screen).
import { t } from '../i18n/index.js'

export const LEVEL_NAMES = { district: '区', street: '街道', community: '社区', grid: '网格', department: '部门' }

// Generic state labels for lists that carry only the state's name.
export const STATE_LABELS = {
  reported: '已上报', accepted: '已受理', dispatched: '已派遣', handling: '处置中', feedback: '已反馈待核查',
  verified: '已核查待结案', suspended: '挂账', intake: '已受理待派单', done: '已办结', blown: '已吹哨待报到',
  joint_handling: '联合处置中', ordered: '已点单待审核', approved: '已审核待派单', taken: '已接单服务中',
  registered: '受理登记', investigating: '调查中', mediating: '调解中', agreement: '达成协议待履行',
  failed: '调解不成待分流', referred: '已分流', performing: '履行中', follow_up: '待回访',
}

export function num(v) {
  if (v === null || v === undefined || v === '') return '—'
  const n = Number(v)
  return Number.isFinite(n) ? n.toLocaleString('zh-CN') : String(v)
}

// Rates come as fractions (0..1); a value above 1 is taken as a percentage already.
export function pct(v, cssWidth = false) {
  if (v === null || v === undefined || !Number.isFinite(Number(v))) return cssWidth ? '0%' : '—'
  let p = Number(v)
  if (p <= 1) p *= 100
  p = Math.max(0, Math.min(100, p))
  return cssWidth ? `${p}%` : `${p.toFixed(1)}%`
}

export function overdueText(min) {
  const m = Math.max(0, Math.round(Number(min) || 0))
  const d = Math.floor(m / 1440)
  const h = Math.floor((m % 1440) / 60)
  if (d > 0) return t('超期 {d} 天 {h} 小时', { d, h })
  if (h > 0) return t('超期 {h} 小时', { h })
  return t('超期 {m} 分钟', { m })
}

const AXIS = {
  axisLine: { lineStyle: { color: '#2d5a8f' } },
  axisLabel: { color: '#9fb8d8', fontSize: 13 },
  splitLine: { lineStyle: { color: 'rgba(45,90,143,0.3)' } },
}
const TOOLTIP = { trigger: 'axis', backgroundColor: 'rgba(6,18,38,0.92)', borderColor: '#2d5a8f', textStyle: { color: '#d6e6ff' } }
const LEGEND = { top: 0, right: 0, textStyle: { color: '#9fb8d8', fontSize: 13 }, itemWidth: 14, itemHeight: 8 }

export function lineOption(labels, series) {
  return {
    tooltip: TOOLTIP,
    legend: { ...LEGEND, data: series.map((s) => s.name) },
    grid: { left: 36, right: 12, top: 28, bottom: 24 },
    xAxis: { type: 'category', data: labels, boundaryGap: false, ...AXIS, splitLine: { show: false } },
    yAxis: { type: 'value', minInterval: 1, ...AXIS },
    series: series.map((s) => ({
      name: s.name, type: 'line', smooth: true, symbol: 'none', data: s.data,
      lineStyle: { width: 2, color: s.color }, itemStyle: { color: s.color },
      areaStyle: { color: s.color, opacity: 0.12 },
    })),
  }
}

export function barOption(labels, series) {
  return {
    tooltip: TOOLTIP,
    grid: { left: 44, right: 12, top: 12, bottom: 24 },
    xAxis: { type: 'category', data: labels, ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0 }, splitLine: { show: false } },
    yAxis: { type: 'value', minInterval: 1, ...AXIS },
    series: series.map((s) => ({
      name: s.name, type: 'bar', data: s.data, barMaxWidth: 36,
      itemStyle: { color: s.color, borderRadius: [3, 3, 0, 0] },
      label: { show: true, position: 'top', color: '#cfe3ff', fontSize: 13 },
    })),
  }
}

const PIE_COLORS = ['#4fa3ff', '#36cfc9', '#52c41a', '#faad14', '#ff7a45', '#9254de', '#f759ab', '#597ef7', '#73d13d', '#bfbfbf']

export function pieOption(items) {
  const top = [...items].sort((a, b) => b.value - a.value)
  const shown = top.slice(0, 8)
  const rest = top.slice(8).reduce((s, x) => s + (x.value || 0), 0)
  if (rest > 0) shown.push({ name: t('其他'), value: rest })
  return {
    color: PIE_COLORS,
    tooltip: { trigger: 'item', backgroundColor: 'rgba(6,18,38,0.92)', borderColor: '#2d5a8f', textStyle: { color: '#d6e6ff' }, formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle', textStyle: { color: '#9fb8d8', fontSize: 13 }, itemWidth: 10, itemHeight: 10, pageTextStyle: { color: '#9fb8d8' } },
    series: [{
      type: 'pie', radius: ['42%', '70%'], center: ['32%', '52%'], data: shown,
      label: { show: false }, itemStyle: { borderColor: '#0a1c38', borderWidth: 2 },
    }],
  }
}

export function gaugeOption(value, name) {
  let v = Number(value)
  if (!Number.isFinite(v)) v = 0
  if (v <= 1) v *= 100
  return {
    series: [{
      type: 'gauge', min: 0, max: 100, radius: '96%', center: ['50%', '56%'], startAngle: 210, endAngle: -30,
      progress: { show: true, width: 12, itemStyle: { color: '#36cfc9' } },
      axisLine: { lineStyle: { width: 12, color: [[1, '#12294a']] } },
      axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
      title: { offsetCenter: [0, '42%'], color: '#9fb8d8', fontSize: 14 },
      detail: { offsetCenter: [0, '0%'], fontSize: 32, fontWeight: 700, color: '#e8f3ff', formatter: (x) => x.toFixed(1) },
      data: [{ value: +v.toFixed(1), name }],
    }],
  }
}
