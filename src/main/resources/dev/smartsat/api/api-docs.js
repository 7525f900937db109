// Starts Swagger UI on the satellite's own API description, with no validator badge (it would call a
// server outside the satellite). "Authorize" takes a bearer token from POST /backend/oauth/token.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "{document}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
