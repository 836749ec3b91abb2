// errors.js — the server's error (code, field, English message) said in the UI's language.
// In Chinese a known code gets its Chinese sentence (the phone's own, shorter and in 你, where it
// says it differently; else the one of ../errors.js); otherwise the server's own message.
import { locale } from '../i18n/index.js'
import { ERROR_ZH } from '../errors.js'

const ZH = {
  network: '无法连接服务器',
  missing_field: '必填',
  invalid_type: '格式不对',
  invalid_reference: '所选对象不存在',
  unknown_field: '服务器不认识这个字段',
  out_of_scope: '不在你的管辖范围内',
  forbidden: '你无权进行此操作',
  csrf_failed: '登录状态已过期，请刷新页面',
  invalid_rating: '请选择 1–5 级评价',
  illegal_action: '当前状态不能进行此操作',
  stale_version: '案件已被他人更新，请刷新后重试',
  already_supported: '你已附议过',
  unavailable: '服务器繁忙，请稍后再试',
  outside_area: '该位置不在你可上报的网格内，请重新选点或选择网格',
}

export function errMsg(e) {
  if (!e) return ''
  if (locale.value !== 'en') {
    // an upload's 413 / 415 say what is wrong with the photo, whatever the code
    const zh = ZH[e.code] || (e.status === 413 && ERROR_ZH.file_too_large) ||
      (e.status === 415 && ERROR_ZH.unsupported_media_type) || ERROR_ZH[e.code]
    if (zh) return zh
  }
  return e.message || String(e)
}

// The form field a server error names, for messages shown away from the form.
const FIELDS = {
  kind: '类型', category_id: '问题分类', title: '标题', description: '问题描述', address: '详细地址',
  place_id: '所在网格', lat: '位置', lon: '位置', file: '照片', note: '说明', rating: '满意程度',
}

export function errWithField(e, t) {
  const f = e && FIELDS[e.field]
  return f ? `${t(f)}：${errMsg(e)}` : errMsg(e)
}
