// No "start" script in package.json: `npm start` runs `node server.js`.
const fs = require("fs");
const os = require("os");
console.log(`hello from server.js: node ${process.version} on ${os.arch()} (${process.arch})`);
console.log(fs.readFileSync("/usr/src/app/preinstall.txt", "utf8").trim());
