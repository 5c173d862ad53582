// Swagger UI on /docs, reading this server's OpenAPI document (no inline script: see the CSP)
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
