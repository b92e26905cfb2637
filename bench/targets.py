"""What the bench can start: the ceiling app on each candidate server stack, cloudtwin, and the
peers (moto, MiniStack, dynalite), each peer installed on demand in its own folder under
bench/.peers/ so it never touches the project's environment."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from harness import BENCH_DIR, Request, Server

REPO = BENCH_DIR.parent
PEERS_DIR = BENCH_DIR / ".peers"
PY = sys.executable


# ---------------------------------------------------------------- installs


def _logged(home: Path, argv: list[str]) -> None:
    """Run an install step with its output in HOME/install.log, shown only if it fails."""
    log = home / "install.log"
    with open(log, "ab") as f:
        done = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} ... failed ({done.returncode}); last lines of "
                           f"{log}:\n" + "\n".join(log.read_text().splitlines()[-15:]))


def _venv(name: str, *packages: str) -> Path:
    """A venv under .peers/NAME with PACKAGES, created once (a marker file says it is done)."""
    home = PEERS_DIR / name
    marker = home / ".installed"
    if not marker.exists():
        print(f"# installing {name} into {home} ...", file=sys.stderr, flush=True)
        subprocess.run([PY, "-m", "venv", "--clear", str(home)], check=True)
        _logged(home, [str(home / "bin" / "pip"), "install", "--disable-pip-version-check",
                       *packages])
        marker.write_text(" ".join(packages) + "\n")
    return home


def _pip_version(home: Path, dist: str) -> str:
    out = subprocess.run(
        [str(home / "bin" / "python"), "-c",
         f"import importlib.metadata as m; print(m.version({dist!r}))"],
        capture_output=True, text=True,
    )
    return out.stdout.strip() or "?"


def _npm(name: str, package: str) -> Path:
    home = PEERS_DIR / name
    marker = home / ".installed"
    if not marker.exists():
        print(f"# installing {package} into {home} ...", file=sys.stderr, flush=True)
        home.mkdir(parents=True, exist_ok=True)
        _logged(home, ["npm", "install", "--prefix", str(home), "--no-audit", "--no-fund",
                       package])
        marker.write_text(package + "\n")
    return home


def _here_version(dist: str) -> str:
    import importlib.metadata as m

    try:
        return m.version(dist)
    except m.PackageNotFoundError:
        return "?"


# ---------------------------------------------------------------- targets


@dataclass
class Target:
    """How to install, start and probe one server.

    kind: "ceiling" answers anything with a fixed body (no setup, no answer checks);
    "emulator" gets the workload's boto3 setup and its answer checks.
    """

    name: str
    kind: str
    command: Callable[[int, Path], list[str]]  # (port, scratch dir) -> argv
    install: Callable[[], None] = lambda: None
    version: Callable[[], str] = lambda: ""
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = REPO
    health: Request | None = None  # readiness probe; None: use the workload's probe

    def server(self, port: int, scratch: Path, log_dir: Path) -> Server:
        return Server(
            self.name,
            self.command(port, scratch),
            port,
            env={k: v.format(port=port) for k, v in self.env.items()},
            cwd=self.cwd,
            log_path=log_dir / f"{self.name}.log",
        )


def _ceiling(name: str, argv: Callable[[int], list[str]], install=lambda: None,
             version=lambda: "") -> Target:
    return Target(
        name=f"ceiling[{name}]",
        kind="ceiling",
        command=lambda port, scratch: argv(port),
        install=install,
        version=version,
        cwd=BENCH_DIR,
        health=Request("GET", "/", {}),
    )


_UVICORN = [PY, "-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log", "--log-level",
            "warning"]
_GRANIAN = [PY, "-m", "granian", "--host", "127.0.0.1", "--workers", "1", "--log-level",
            "warning"]
_GRANIAN_FAST = [*_GRANIAN, "--interface", "asgi", "--loop", "uvloop", "--http", "1", "--no-ws"]


def _uv(*opts: str):
    return lambda port: [*_UVICORN, *opts, "--port", str(port), "ceiling_app:app"]


def _gr(base: list[str], *opts: str):
    return lambda port: [*base, *opts, "--port", str(port), "ceiling_app:app"]


def _hypercorn_install():
    _venv("hypercorn", "hypercorn", "uvloop")


def _socketify_install():
    _venv("socketify", "socketify")


# The ceiling app on each server stack worth comparing (run.py --stacks).
STACKS: dict[str, Target] = {
    t.name[len("ceiling["):-1]: t
    for t in [
        _ceiling("uvicorn", _uv("--loop", "uvloop", "--http", "httptools"),
                 version=lambda: "uvicorn " + _here_version("uvicorn")),
        _ceiling("uvicorn-h11-asyncio", _uv("--loop", "asyncio", "--http", "h11"),
                 version=lambda: "uvicorn " + _here_version("uvicorn")),
        _ceiling("granian-defaults", _gr(_GRANIAN, "--interface", "asgi"),
                 version=lambda: "granian " + _here_version("granian")),
        _ceiling("granian", _gr(_GRANIAN_FAST),
                 version=lambda: "granian " + _here_version("granian")),
        _ceiling("granian-asginl", _gr([*_GRANIAN, "--interface", "asginl", "--loop", "uvloop",
                                        "--http", "1", "--no-ws"]),
                 version=lambda: "granian " + _here_version("granian")),
        _ceiling("granian-bp16", _gr(_GRANIAN_FAST, "--backpressure", "16"),
                 version=lambda: "granian " + _here_version("granian")),
        _ceiling("granian-st", _gr(_GRANIAN_FAST, "--runtime-mode", "st"),
                 version=lambda: "granian " + _here_version("granian")),
        _ceiling("granian-rust-tasks", _gr(_GRANIAN_FAST, "--task-impl", "rust"),
                 version=lambda: "granian " + _here_version("granian")),
        _ceiling("hypercorn",
                 lambda port: [str(PEERS_DIR / "hypercorn/bin/hypercorn"), "-k", "uvloop",
                               "--bind", f"127.0.0.1:{port}", "ceiling_app:app"],
                 install=_hypercorn_install,
                 version=lambda: "hypercorn " + _pip_version(PEERS_DIR / "hypercorn",
                                                             "hypercorn")),
        _ceiling("socketify",
                 lambda port: [str(PEERS_DIR / "socketify/bin/python"), "-m", "socketify",
                               "ceiling_app:app", "--interface", "asgi", "--host",
                               "127.0.0.1", "--port", str(port)],
                 install=_socketify_install,
                 version=lambda: "socketify " + _pip_version(PEERS_DIR / "socketify",
                                                             "socketify")),
    ]
}
DEFAULT_STACK = "uvicorn"


def _cloudtwin(name: str, *extra: str) -> Target:
    return Target(
        name=name,
        kind="emulator",
        command=lambda port, scratch: [PY, "-m", "cloudtwin", "up", "--port", str(port),
                                       "--data-dir", str(scratch / "data"), *extra],
        version=lambda: "cloudtwin " + _cloudtwin_version(),
        env={"PYTHONPATH": str(REPO / "src")},
        health=Request("GET", "/_cloudtwin/health", {}),
    )


def _cloudtwin_version() -> str:
    """The package version and the git commit it was measured at (+dirty: with local edits)."""
    out = subprocess.run(
        [PY, "-c", "import cloudtwin; print(getattr(cloudtwin, '__version__', '?'))"],
        capture_output=True, text=True, env={"PYTHONPATH": str(REPO / "src")}, cwd=REPO,
    )
    version = out.stdout.strip() or "?"
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=REPO).stdout.strip()
    if head:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, cwd=REPO).stdout.strip()
        version += f" ({head}{'+dirty' if dirty else ''})"
    return version


def _dynalite_version() -> str:
    pkg = PEERS_DIR / "dynalite/node_modules/dynalite/package.json"
    return "dynalite " + json.loads(pkg.read_text())["version"] if pkg.exists() else "?"


TARGETS: dict[str, Target] = {
    "cloudtwin": _cloudtwin("cloudtwin"),
    "cloudtwin-ephemeral": _cloudtwin("cloudtwin-ephemeral", "--ephemeral"),
    "moto": Target(
        name="moto",
        kind="emulator",
        command=lambda port, scratch: [str(PEERS_DIR / "moto/bin/moto_server"), "-H",
                                       "127.0.0.1", "-p", str(port)],
        install=lambda: _venv("moto", "moto[server]"),
        version=lambda: "moto " + _pip_version(PEERS_DIR / "moto", "moto"),
    ),
    "ministack": Target(
        name="ministack",
        kind="emulator",
        command=lambda port, scratch: [str(PEERS_DIR / "ministack/bin/ministack")],
        env={"GATEWAY_PORT": "{port}", "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "WARNING"},
        install=lambda: _venv("ministack", "ministack"),
        version=lambda: "ministack " + _pip_version(PEERS_DIR / "ministack", "ministack"),
    ),
    "dynalite": Target(
        name="dynalite",
        kind="emulator",
        # in memory (no --path), tables ACTIVE at once
        command=lambda port, scratch: ["node", str(PEERS_DIR / "dynalite/node_modules/dynalite"
                                                   "/cli.js"), "--host", "127.0.0.1",
                                       "--port", str(port), "--createTableMs", "0"],
        install=lambda: _npm("dynalite", "dynalite"),
        version=_dynalite_version,
    ),
}
PEERS = ("moto", "ministack", "dynalite")
