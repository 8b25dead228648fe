// Every test by default; only the named files when some are given (`npx mocha test/x.test.ts`,
// `npm run test:fleet`).
const all = 'test/**/*.test.ts';
const named = process.argv.slice(2).some((arg) => arg !== all && /\.ts$/.test(arg));
module.exports = { 'node-option': ['import=tsx'], timeout: 20000, exit: true, ...(named ? {} : { spec: [all] }) };
