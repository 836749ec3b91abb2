// i18n — a tiny own translator: Chinese (zh) by default, English (en) on request,
// the choice kept in localStorage. Message modules: staff.js (staff desktop and shared),
// phone.js (phone app) and cockpit.js (command centre), each {zh:{...}, en:{...}}.
// t('key', {n: 3}) replaces {n}; a missing key falls back to zh, then to the key itself.
import { ref } from 'vue'
import staff from './staff.js'
import phone from './phone.js'
import cockpit from './cockpit.js'

const KEY = 'gg_locale'
const messages = { zh: {}, en: {} }
for (const m of [staff, phone, cockpit]) {
  for (const l of ['zh', 'en']) Object.assign(messages[l], (m && m[l]) || {})
}

function initial() {
  try {
    const v = localStorage.getItem(KEY)
    return v === 'en' ? 'en' : 'zh'
  } catch {
    return 'zh'
  }
}

export const locale = ref(initial())

function applyLang() {
  if (typeof document !== 'undefined') document.documentElement.lang = locale.value === 'en' ? 'en' : 'zh-CN'
}
applyLang()

export function setLocale(l) {
  locale.value = l === 'en' ? 'en' : 'zh'
  try {
    localStorage.setItem(KEY, locale.value)
  } catch {
    /* private mode: the choice lasts this page only */
  }
  applyLang()
}

export function t(key, params) {
  let s = messages[locale.value][key]
  if (s === undefined) s = messages.zh[key]
  if (s === undefined) s = key
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? String(params[k]) : m))
  return s
}

// For components: app.config.globalProperties.$t / $locale.
export default {
  install(app) {
    app.config.globalProperties.$t = t
    app.config.globalProperties.$locale = locale
  },
}
