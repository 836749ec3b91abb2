import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import router from './router.js'
import i18n from './i18n/index.js'
import './style.css'

// Element Plus is installed whole (every component registered): simpler than
// per-component imports; the staff bundle is the one that pays for it.
createApp(App).use(ElementPlus).use(i18n).use(router).mount('#app')
