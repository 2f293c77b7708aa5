// Ink imports React DevTools only when DEV=true; the bundle ships without it.
export default { initialize() {}, connectToDevTools() {} };
