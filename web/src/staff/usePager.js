// usePager.js — cursor paging for the staff tables: a stack of the cursors that led to each
// page, so 上一页 goes back without the server keeping state.
//
// fetchPage(cursor) → {items, next_cursor} (api.js page()); onError(e) is told when it throws
// (the rows of the page before stay unless onError clears them).
import { ref } from 'vue'

export function usePager(fetchPage, onError) {
  const rows = ref([])
  const loading = ref(false)
  const cursors = ref([null]) // cursors[i] fetched page i
  const index = ref(0)
  const next = ref(null)

  async function load() {
    loading.value = true
    try {
      const r = await fetchPage(cursors.value[index.value])
      rows.value = r.items
      next.value = r.next_cursor
    } catch (e) {
      onError(e)
    } finally {
      loading.value = false
    }
  }
  function reset() {
    cursors.value = [null]
    index.value = 0
    load()
  }
  function forward() {
    if (!next.value) return
    cursors.value = cursors.value.slice(0, index.value + 1).concat([next.value])
    index.value++
    load()
  }
  function back() {
    if (index.value === 0) return
    index.value--
    load()
  }
  return { rows, loading, index, next, load, reset, forward, back }
}
