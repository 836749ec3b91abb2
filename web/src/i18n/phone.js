export default { zh: {}, en: {} }
