// Staff desktop routes (/staff/...).
const STAFF = ['admin', 'command', 'community', 'department', 'member', 'gridworker']
const ADMIN = ['admin']

export default [
  {
    path: '/staff',
    component: () => import('./Layout.vue'),
    meta: { roles: STAFF },
    children: [
      { path: '', redirect: '/staff/queues' },
      { path: 'queues', name: 'queues', component: () => import('./Queues.vue'), meta: { title: '我的待办' } },
      { path: 'cases', name: 'cases', component: () => import('./CaseList.vue'), meta: { title: '案件查询' } },
      { path: 'cases/new', name: 'case-new', component: () => import('./CaseNew.vue'), meta: { title: '登记案件' } },
      { path: 'cases/:id', name: 'case', component: () => import('./CaseDetail.vue'), meta: { title: '案件详情' }, props: true },
      { path: 'places', name: 'places', component: () => import('./Places.vue'), meta: { title: '区划管理', roles: ADMIN } },
      { path: 'units', name: 'units', component: () => import('./Units.vue'), meta: { title: '部门管理', roles: ADMIN } },
      { path: 'accounts', name: 'accounts', component: () => import('./Accounts.vue'), meta: { title: '用户与角色', roles: ADMIN } },
      { path: 'categories', name: 'categories', component: () => import('./Categories.vue'), meta: { title: '事项分类与时限', roles: ADMIN } },
      { path: 'calendar', name: 'calendar', component: () => import('./Calendar.vue'), meta: { title: '工作日历', roles: ADMIN } },
    ],
  },
]
