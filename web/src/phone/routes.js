// Phone app routes (/m/...): residents, grid workers and members report, follow and rate.
import { auth } from '../auth.js'

const PHONE = ['resident', 'gridworker', 'member', 'community', 'command']

export default [
  {
    path: '/m',
    component: () => import('./PhoneLayout.vue'),
    meta: { roles: PHONE, title: '网格通' },
    children: [
      { path: '', redirect: () => (auth.user && auth.user.role === 'gridworker' ? '/m/tasks' : '/m/report') },
      { path: 'report', name: 'm-report', component: () => import('./ReportView.vue'), meta: { title: '上报问题' } },
      { path: 'mine', name: 'm-mine', component: () => import('./CaseListView.vue'), props: { mode: 'mine' }, meta: { title: '我的上报' } },
      { path: 'nearby', name: 'm-nearby', component: () => import('./CaseListView.vue'), props: { mode: 'nearby' }, meta: { title: '附近的问题' } },
      { path: 'tasks', name: 'm-tasks', component: () => import('./CaseListView.vue'), props: { mode: 'tasks' }, meta: { title: '我的任务' } },
      { path: 'cases/:id', name: 'm-case', component: () => import('./CaseView.vue'), props: true, meta: { title: '案件进度' } },
    ],
  },
]
