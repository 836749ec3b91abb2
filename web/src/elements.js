// elements.js — the Element Plus components and directives the UI registers (main.js installs
// every export of this file, so the bundle carries only these): a screen that uses another
// <el-…> component must add it here.
export {
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
