"""The process: ASGI app, routing, internal endpoints, background sweeps, composition."""
