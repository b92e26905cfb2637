"""The ceiling: the cheapest possible ASGI app, for measuring the server stack alone.

It reads the whole request body (so the server does the same receive work as for a real
operation) and answers a fixed small JSON body to any request. Whatever cloudtwin does per
request costs on top of this; bench/run.py reports every target as a ratio of it.

Run it with any ASGI server, e.g.
    uvicorn --loop uvloop --http httptools --no-access-log bench.ceiling_app:app
    granian --interface asgi --loop uvloop --http 1 --no-ws bench.ceiling_app:app
"""

BODY = b'{"ok":true}'
START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [
        (b"content-type", b"application/x-amz-json-1.0"),
        (b"content-length", str(len(BODY)).encode()),
    ],
}
END = {"type": "http.response.body", "body": BODY, "more_body": False}


async def app(scope, receive, send):
    kind = scope["type"]
    if kind == "http":
        while True:
            message = await receive()
            if not message.get("more_body"):
                break
        await send(START)
        await send(END)
    elif kind == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
