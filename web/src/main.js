import { createApp } from 'vue'
import {
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElBadge, ElBreadcrumb, ElBreadcrumbItem, ElButton,
  ElButtonGroup, ElCard, ElCascader, ElCheckbox, ElCheckboxGroup, ElCol, ElCollapse, ElCollapseItem,
  ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog,
  ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElFooter, ElForm,
  ElFormItem, ElHeader, ElIcon, ElImage, ElInput, ElInputNumber, ElLink, ElMain, ElMenu,
  ElMenuItem, ElOption, ElPagination, ElPopconfirm, ElPopover, ElProgress, ElRadio, ElRadioButton,
  ElRadioGroup, ElRate, ElResult, ElRow, ElScrollbar, ElSegmented, ElSelect, ElSkeleton,
  ElSkeletonItem, ElSpace, ElStatistic, ElStep, ElSteps, ElSubMenu, ElSwitch, ElTabPane, ElTable,
  ElTableColumn, ElTabs, ElTag, ElText, ElTimeline, ElTimelineItem, ElTooltip, ElTree, ElUpload,
  ElLoading,
} from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import router from './router.js'
import i18n from './i18n/index.js'
import './style.css'

// Element Plus components are registered by name from this list (the bundle carries only
// these): a screen that uses another <el-…> component must add it here.
const components = [
  ElAlert, ElAside, ElAutocomplete, ElAvatar, ElBadge, ElBreadcrumb, ElBreadcrumbItem, ElButton,
  ElButtonGroup, ElCard, ElCascader, ElCheckbox, ElCheckboxGroup, ElCol, ElCollapse, ElCollapseItem,
  ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions, ElDescriptionsItem, ElDialog,
  ElDivider, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElFooter, ElForm,
  ElFormItem, ElHeader, ElIcon, ElImage, ElInput, ElInputNumber, ElLink, ElMain, ElMenu,
  ElMenuItem, ElOption, ElPagination, ElPopconfirm, ElPopover, ElProgress, ElRadio, ElRadioButton,
  ElRadioGroup, ElRate, ElResult, ElRow, ElScrollbar, ElSegmented, ElSelect, ElSkeleton,
  ElSkeletonItem, ElSpace, ElStatistic, ElStep, ElSteps, ElSubMenu, ElSwitch, ElTabPane, ElTable,
  ElTableColumn, ElTabs, ElTag, ElText, ElTimeline, ElTimelineItem, ElTooltip, ElTree, ElUpload,
]

const app = createApp(App)
for (const c of components) app.use(c)
app.use(ElLoading) // v-loading
app.use(i18n).use(router).mount('#app')
