// Command-centre cockpit routes (/cockpit): the big screen, for command centres,
// street/community staff and administrators.
export default [
  {
    path: '/cockpit',
    name: 'cockpit',
    component: () => import('./CockpitView.vue'),
    meta: { roles: ['command', 'admin', 'community'], title: '指挥中心' },
  },
]
