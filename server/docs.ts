import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Router } from "express";

/** The files of swagger-ui-dist the page uses; nothing else in the package is served. */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

/** Where swagger-ui-dist is installed (found from this module, so a bundled build finds it too). */
export function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

/**
 * /docs: Swagger UI for /openapi.json, served from the swagger-ui-dist package (no CDN, works
 * offline). Try-it-out sends requests to this same server (the document's server is "/").
 * No inline script, so a `script-src 'self'` policy allows the page.
 */
export function docsRouter(opts: { specUrl?: string } = {}): Router {
  const dir = swaggerUiDir();
  const specUrl = opts.specUrl ?? "/openapi.json";
  const r = Router();
  r.get("/docs", (_req, res) => {
    res.type("html").setHeader("Cache-Control", "no-cache").send(page());
  });
  r.get("/docs/init.js", (_req, res) => {
    res.type("text/javascript").setHeader("Cache-Control", "no-cache").send(initScript(specUrl));
  });
  r.get("/docs/:file", (req, res, next) => {
    const type = ASSETS[req.params.file];
    if (!type) return next();
    res.sendFile(join(dir, req.params.file), { headers: { "Content-Type": type }, maxAge: "1d" }, (err) => err && next(err));
  });
  return r;
}

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reelgraph API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<noscript>This page needs JavaScript; the OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;
}

function initScript(specUrl: string): string {
  return `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(specUrl)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "BaseLayout"
});
`;
}
