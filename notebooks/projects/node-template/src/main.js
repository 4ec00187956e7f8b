// `ms` was installed from the npm registry by the build's `RUN npm install`, into
// /node_modules: Node.js finds it by walking up from /usr/src/app.
const ms = require("ms");
const version = require("/node_modules/ms/package.json").version;
console.log(`ms ${version} from npm says 2 days are ${ms("2d")} ms (node ${process.version}, ${process.arch})`);
