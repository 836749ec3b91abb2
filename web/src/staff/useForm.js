// useForm.js — what the staff forms share around Element Plus validation: the server's error
// ({"error":{"code","message","field"}}) shown under the field it names, or above the buttons
// when it names none of the form's fields.
import { ref, reactive } from 'vue'
import { errText } from '../api.js'

// fields: the names the server may put in error.field (and the form shows as :error="serverErr.x").
// show(e, field) routes an error; field overrides e.field where the form names it otherwise.
export function useServerErrors(fields) {
  const serverErr = reactive(Object.fromEntries(fields.map((f) => [f, ''])))
  const general = ref('')
  const clearFields = () => fields.forEach((f) => (serverErr[f] = ''))
  function clear() {
    clearFields()
    general.value = ''
  }
  function show(e, field = e.field) {
    if (field && field in serverErr) serverErr[field] = errText(e)
    else general.value = errText(e)
  }
  return { serverErr, general, clear, clearFields, show }
}

// Runs the form's own rules; true when they pass (Element Plus shows what failed).
export async function validated(formRef) {
  try {
    await formRef.value.validate()
    return true
  } catch {
    return false
  }
}
