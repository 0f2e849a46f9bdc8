// ESLint (flat config) for all of the project's JavaScript; `make lint-js` runs `eslint .`.
// The recommended rules, plus import-x/no-cycle: no module may import itself through others,
// dynamic import() included (site/js/portal-app.js says how the site's shared chunk stays whole
// without such a cycle).
import js from "@eslint/js";
import globals from "globals";
import { importX, createNodeResolver } from "eslint-plugin-import-x";

export default [
  // Installed packages and build output (site/static/js is what esbuild makes of site/js).
  { ignores: ["node_modules/", "target/", "site/public/", "site/static/", ".venv/", ".local/", ".aws-sam/"] },
  js.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createNodeResolver()] },
    rules: { "import-x/no-cycle": "error" },
  },
  {
    // The site's ES modules, run in the browser. PAGE_LANG is set per bundle by `make site`
    // (esbuild --define:PAGE_LANG).
    files: ["site/js/**/*.js"],
    languageOptions: { globals: { ...globals.browser, PAGE_LANG: "readonly" } },
  },
  {
    // Node scripts: tests, tools, build and deploy helpers, this file.
    files: ["**/*.mjs", "eslint.config.js"],
    languageOptions: { globals: globals.node },
  },
  {
    // The browser tests and the video recorder also hand functions to Playwright
    // (page.evaluate, waitForFunction, …), which run in the page.
    files: ["tests/browser/**/*.mjs", "tools/videos/**/*.mjs"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The CloudFront Function: a plain script in CloudFront's JavaScript runtime, which calls its
    // top-level `handler`. It rejects control characters in paths on purpose. Its text must equal
    // the inline copy in infra/template.yaml (infra/edge/sync.mjs, checked by tests/edge), so the
    // needless "\/" in its query pattern is to be dropped in both at once, not here.
    files: ["infra/edge/viewer-request.js"],
    languageOptions: { sourceType: "script", globals: {} },
    rules: {
      "no-unused-vars": ["error", { varsIgnorePattern: "^handler$" }],
      "no-control-regex": "off",
      "no-useless-escape": "off",
    },
  },
  {
    // Its assertions check that no redirect target holds a control character.
    files: ["tests/edge/viewer-request.test.mjs"],
    rules: { "no-control-regex": "off" },
  },
];
