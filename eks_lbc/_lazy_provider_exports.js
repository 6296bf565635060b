// Node half of eks_lbc/_lazy_providers.py (read that module's docstring first).
//
// Preloaded with `node --require` (through NODE_OPTIONS) into the jsii kernel that Python's
// jsii starts. A prebuilt provider package's lib/index.js is one line per submodule,
//     exports.iamRole = require("./iam-role");                           (@cdktf/provider-*)
//     exports.iamRole = __importStar(require("./iam-role/index"));        (@cdktn/provider-*)
// and requiring all ~2,200 of them takes seconds. This rewrites exactly those lines, in exactly
// those files, into enumerable getters that require the submodule on first access and then
// replace themselves with its value. The kernel reaches a type by walking the exports
// (`closure.iamRole.IamRole`), so it loads only the submodules the app uses. Anything else in the
// file, and every other file, is compiled unchanged.
"use strict";

// Only in a jsii kernel (Python's jsii sets JSII_AGENT), and never when switched off.
if (process.env.JSII_AGENT && process.env.EKS_LBC_LAZY_PROVIDERS !== "0") {
  const Module = require("module");
  const PROVIDER_INDEX = /[\\/]node_modules[\\/]@(?:cdktf|cdktn)[\\/]provider-[a-z0-9-]+[\\/]lib[\\/]index\.js$/;
  const SUBMODULE_EXPORT =
    /^exports\.([A-Za-z_$][\w$]*) = ((?:__importStar\()?require\("\.\/[\w./-]+"\)\)?);$/gm;

  const lazyExport = (name, value) =>
    `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get() {` +
    ` const value = ${value};` +
    ` Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, writable: true, value });` +
    ` return value; } });`;

  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename, ...rest) {
    if (typeof content === "string" && PROVIDER_INDEX.test(filename)) {
      content = content.replace(SUBMODULE_EXPORT, (_line, name, value) => lazyExport(name, value));
    }
    return compile.call(this, content, filename, ...rest);
  };
}
