"""The command line: cloudtwin up | status | coverage | reset.

Reads flags (and nothing else) into Settings once, then hands them down.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from cloudtwin import __version__
from cloudtwin.config import Settings

DEFAULT = Settings()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cloudtwin", description="The local cloud: AWS and Azure on one machine.")
    parser.add_argument("--version", action="version", version=f"cloudtwin {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="start the server")
    up.add_argument("--host", default=DEFAULT.host, help="address to bind (default: loopback)")
    up.add_argument("--port", type=int, default=DEFAULT.port)
    up.add_argument("--data-dir", type=Path, default=DEFAULT.data_dir, help="where state is kept")
    up.add_argument("--ephemeral", action="store_true", help="keep everything in memory only")
    up.add_argument("--durability", choices=("process", "power"), default=DEFAULT.durability,
                    help="process: survives kill -9 (default); power: fsync at every group commit")
    up.add_argument("--sweep-interval", type=float, default=DEFAULT.sweep_interval,
                    help="seconds between background sweeps (TTL expiry, timeouts)")
    up.add_argument("--log-level", default=DEFAULT.log_level, choices=("debug", "info", "warning", "error"))
    up.add_argument("--s3-domain", action="append", default=[], metavar="DOMAIN",
                    help="answer <bucket>.DOMAIN as that S3 bucket (repeatable; s3.localhost and localhost always are)")

    for name, text in (("status", "is a server running?"), ("reset", "forget all state (or one service's)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--host", default=DEFAULT.host)
        sub.add_argument("--port", type=int, default=DEFAULT.port)
        if name == "reset":
            sub.add_argument("service", nargs="?")

    coverage = commands.add_parser("coverage", help="which operations are implemented, per service")
    coverage.add_argument("service", nargs="?")
    coverage.add_argument("--missing", action="store_true", help="also list the missing operations")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "up":
        return _up(args)
    if args.command == "status":
        return _status(args)
    if args.command == "reset":
        return _reset(args)
    return _coverage(args)


def _up(args: argparse.Namespace) -> int:
    import uvicorn

    from cloudtwin.server.app import build_app

    settings = Settings(
        host=args.host, port=args.port, data_dir=args.data_dir, ephemeral=args.ephemeral,
        durability=args.durability, log_level=args.log_level, sweep_interval=args.sweep_interval,
        s3_domains=tuple(d.lower().strip(".") for d in args.s3_domain),
    )
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = build_app(settings)
    where = "memory (ephemeral)" if settings.ephemeral else str(settings.data_dir.resolve())
    print(f"cloudtwin {__version__} on http://{settings.host}:{settings.port}", flush=True)
    print(f"  services: {', '.join(app.service_names)}", flush=True)
    print(f"  state:    {where} (durability: {settings.durability})", flush=True)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, loop="uvloop", http="httptools",
        lifespan="on", access_log=False, log_level="warning", server_header=False,
    )
    _server_class()(config).run()
    return 0


def _server_class() -> type:
    import uvicorn

    class QuietExitServer(uvicorn.Server):
        """Stops cleanly on SIGINT/SIGTERM and exits 0 (uvicorn re-raises the signal otherwise)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return QuietExitServer


def _call(args: argparse.Namespace, method: str, path: str) -> dict:
    request = urllib.request.Request(f"http://{args.host}:{args.port}{path}", method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def _status(args: argparse.Namespace) -> int:
    try:
        health = _call(args, "GET", "/_cloudtwin/health")
    except (urllib.error.URLError, OSError):
        print(f"no cloudtwin answers on {args.host}:{args.port}")
        return 1
    print(json.dumps(health, indent=2))
    return 0


def _reset(args: argparse.Namespace) -> int:
    query = f"?service={args.service}" if args.service else ""
    try:
        print(json.dumps(_call(args, "POST", f"/_cloudtwin/reset{query}")))
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(), file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError):
        print(f"no cloudtwin answers on {args.host}:{args.port}")
        return 1
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from cloudtwin.server.wiring import face_catalog

    faces = face_catalog()
    names = [args.service] if args.service else sorted(faces)
    for name in names:
        if name not in faces:
            print(f"cloudtwin has no {name} face; it has: {', '.join(sorted(faces))}", file=sys.stderr)
            return 1
        done, missing = faces[name].coverage()
        total = len(done) + len(missing)
        print(f"{name}: {len(done)}/{total} operations")
        print("  implemented: " + ", ".join(done))
        if args.missing or args.service:
            print("  missing:     " + (", ".join(missing) or "none"))
    return 0
