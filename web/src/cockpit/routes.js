// Command-centre cockpit routes (/cockpit). Owned by the cockpit helper.
export default []
