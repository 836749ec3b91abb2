// Staff desktop messages (and the shared ones: login, app shell).
export default {
  zh: {
    'app.title': '网格治理',
  },
  en: {
    'app.title': 'Grid governance',
  },
}
