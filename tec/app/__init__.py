"""The HTTP service and nothing else: the Starlette application (`tec.app.main.create_app`), its middleware
(authentication, limits, logs, metrics, caching, idempotency) and its routes."""
