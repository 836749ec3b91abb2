// router.js — /login, /staff/... (staff desktop), /m/... (phone, ./phone/routes.js),
// /cockpit (command centre, ./cockpit/routes.js). Every route needs a session unless
// its meta says public: true; a route may list meta.roles that may see it.
import { createRouter, createWebHistory } from 'vue-router'
import { auth, loadSession, landing, forget } from './auth.js'
import { onUnauthorized } from './api.js'
import phoneRoutes from './phone/routes.js'
import cockpitRoutes from './cockpit/routes.js'
import staffRoutes from './staff/routes.js'

const routes = [
  { path: '/', redirect: () => (auth.user ? landing() : '/login') },
  { path: '/login', name: 'login', component: () => import('./Login.vue'), meta: { public: true, title: '登录' } },
  ...staffRoutes,
  ...phoneRoutes,
  ...cockpitRoutes,
  { path: '/:pathMatch(.*)*', name: 'notfound', component: () => import('./NotFound.vue'), meta: { public: true } },
]

const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach(async (to) => {
  await loadSession()
  if (to.meta.public) {
    if (to.name === 'login' && auth.user) return landing()
    return true
  }
  if (!auth.user) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  const roles = to.matched.flatMap((m) => m.meta.roles || [])
  if (roles.length && !roles.includes(auth.user.role)) return landing()
  return true
})

router.afterEach((to) => {
  const t = [...to.matched].reverse().find((m) => m.meta.title)
  document.title = (t ? t.meta.title + ' · ' : '') + '网格治理'
})

// The session ended on the server (expired, signed out elsewhere): back to the login page.
onUnauthorized(() => {
  const cur = router.currentRoute.value
  forget()
  if (!cur.meta.public) router.push({ path: '/login', query: { next: cur.fullPath } })
})

export default router
