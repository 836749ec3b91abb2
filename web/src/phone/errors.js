// errors.js — the server's error (code, field, English message) said in the UI's language.
// In Chinese a known code gets its Chinese sentence; otherwise the server's own message.
import { locale } from '../i18n/index.js'

const ZH = {
  network: '无法连接服务器',
  missing_field: '必填',
  invalid_length: '长度不符合要求',
  invalid_type: '格式不对',
  invalid_value: '取值无效',
  invalid_id: '编号无效',
  invalid_reference: '所选对象不存在',
  out_of_range: '超出允许范围',
  unknown_field: '服务器不认识这个字段',
  out_of_scope: '不在你的管辖范围内',
  forbidden: '你无权进行此操作',
  not_found: '找不到该记录',
  csrf_failed: '登录状态已过期，请刷新页面',
  note_required: '请填写说明',
  target_required: '请选择办理对象',
  invalid_rating: '请选择 1–5 级评价',
  invalid_target: '所选对象不可用',
  illegal_action: '当前状态不能进行此操作',
  stale_version: '案件已被他人更新，请刷新后重试',
  already_supported: '你已附议过',
  too_large: '文件太大',
  payload_too_large: '文件太大（最多 10 MB）',
  unsupported_media_type: '文件格式不支持（JPEG、PNG 或 WebP）',
  invalid_image: '不是有效的照片（JPEG、PNG 或 WebP）',
  rate_limited: '操作太频繁，请稍后再试',
  unavailable: '服务器繁忙，请稍后再试',
  storage_full: '服务器存储已满',
  outside_area: '该位置不在你可上报的网格内，请重新选点或选择网格',
}

export function errMsg(e) {
  if (!e) return ''
  if (locale.value !== 'en' && e.code && ZH[e.code]) return ZH[e.code]
  if (locale.value !== 'en' && e.status === 413) return ZH.payload_too_large
  if (locale.value !== 'en' && e.status === 415) return ZH.unsupported_media_type
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
