"""HTTP: the Starlette app, its routes, subscriptions over WebSocket, RESTified endpoints and OpenAPI."""
