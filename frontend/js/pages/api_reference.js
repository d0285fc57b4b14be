// The API reference: docs/openapi.yaml as the node serves it at
// /api/openapi.json, rendered by Swagger UI (swagger-ui-dist, vendored into
// frontend/vendor/swagger-ui by deploy/local/lib.sh). Its bundle is a classic
// script, not a module, so it is loaded with a <script> element from our own
// origin (the CSP allows nothing else).
import { h } from '../dom.js';

let loading = null;
function loadSwaggerUI() {
  loading ??= new Promise((resolve, reject) => {
    const script = h('script', { src: 'vendor/swagger-ui/swagger-ui-bundle.js' });
    script.addEventListener('load', () => resolve(window.SwaggerUIBundle));
    script.addEventListener('error', () => {
      script.remove();
      loading = null;
      reject(new Error('the API reference viewer is not installed'));
    });
    document.head.append(h('link', { rel: 'stylesheet', href: 'vendor/swagger-ui/swagger-ui.css' }), script);
  });
  return loading;
}

export async function apiPage(view) {
  const target = h('div', { class: 'api-reference' });
  view.append(
    h('h1', {}, 'API reference'),
    h('p', {}, 'Every route of the HTTP API, as OpenAPI 3.1: ',
      h('a', { href: '/api/openapi.json' }, '/api/openapi.json'),
      '. Rules and conventions (money, idempotency, the paid window) are in docs/api.md.'),
    target,
  );
  try {
    const SwaggerUIBundle = await loadSwaggerUI();
    // No deep links: the hash belongs to the app's router. No validator: it
    // would call another origin.
    SwaggerUIBundle({
      url: '/api/openapi.json',
      domNode: target,
      deepLinking: false,
      validatorUrl: null,
      defaultModelsExpandDepth: 0,
    });
  } catch (err) {
    target.append(h('p', { role: 'alert' }, `The reference cannot be shown here (${err.message}); the document is still at /api/openapi.json.`));
  }
}
