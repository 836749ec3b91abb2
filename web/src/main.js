import { createApp } from 'vue'
import * as elements from './elements.js'
import 'element-plus/dist/index.css'
import App from './App.vue'
import router from './router.js'
import i18n from './i18n/index.js'
import './style.css'

const app = createApp(App)
for (const c of Object.values(elements)) app.use(c) // ElLoading gives v-loading
app.use(i18n).use(router).mount('#app')
