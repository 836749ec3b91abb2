// Phone app routes (/m/...). Owned by the phone helper.
export default []
