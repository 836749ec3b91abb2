// toast.js — short messages below the phone header (which shows 待发送 / 离线).
import { ElMessage } from 'element-plus'

const show = (type) => (message) => ElMessage({ message, type, offset: 64, grouping: true })
export const toast = { success: show('success'), warning: show('warning'), info: show('info'), error: show('error') }
