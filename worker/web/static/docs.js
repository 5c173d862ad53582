// Swagger UI on /docs, reading this server's OpenAPI document (no inline script: see the
// CSP). No validator: its badge is an image from validator.swagger.io, and /docs makes no
// request off this server.
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null});
