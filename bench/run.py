"""Benchmark driver: start servers, replay pre-signed requests with wrk, report a table.

    python bench/run.py --workload dynamodb                       # ceiling + cloudtwin
    python bench/run.py --peers moto,ministack,dynalite           # ... plus the peers
    python bench/run.py --targets ceiling --peers dynalite -d 5   # pick targets, shorter runs
    python bench/run.py --stacks                                  # server stack comparison

Every target is measured in the same run as the ceiling (a trivial ASGI app on the server
stack cloudtwin uses, answering the same requests), and reported as a ratio of it. See
bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import targets as T  # noqa: E402
import workloads  # noqa: E402

RESULTS = harness.BENCH_DIR / "results"
QUIET_WAIT = 0.0  # --quiet-wait: before each wrk run, wait this long at most for idle cores
STARTS = 3  # --starts: how many times each target is started to time its first answer


def log(msg: str) -> None:
    print(f"# {msg}", file=sys.stderr, flush=True)


def boto_client(service: str, host: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=f"http://{host}",
        region_name=harness.REGION,
        aws_access_key_id=harness.ACCESS_KEY,
        aws_secret_access_key=harness.SECRET_KEY,
        config=Config(retries={"max_attempts": 2}, read_timeout=300),
    )


def bench_target(target: T.Target, wl, ops, conns, duration, repeat, scratch) -> dict:
    """Start one target, measure startup and idle RSS, then every op at every concurrency."""
    out = {"target": target.name, "kind": target.kind, "ops": {}, "error": None}
    try:
        target.install()
        out["version"] = target.version()
    except Exception as e:  # an install that fails is reported, not fatal to the run
        out["error"] = f"install failed: {e}"
        log(f"{target.name}: {out['error']}")
        return out
    port = harness.free_port()
    server = target.server(port, scratch / target.name, RESULTS / "logs")
    (scratch / target.name).mkdir(parents=True, exist_ok=True)
    probe = target.health or harness.sign(wl.probe(), wl.SERVICE, f"127.0.0.1:{port}")
    out["startups_s"], out["idle_rss_mbs"] = [], []
    try:
        # a start is one sample, easily disturbed: take STARTS, keep the last one running
        for k in range(STARTS):
            if k:
                server.stop()
                shutil.rmtree(scratch / target.name, ignore_errors=True)
                (scratch / target.name).mkdir(parents=True)
            server.start()
            out["startups_s"].append(server.wait_ready(probe))
            time.sleep(1.0)
            out["idle_rss_mbs"].append(harness.rss_bytes(server.proc.pid) / 2**20)
        out["startup_s"] = statistics.median(out["startups_s"])
        out["idle_rss_mb"] = statistics.median(out["idle_rss_mbs"])
        log(f"{target.name}: answered {out['startup_s']:.3f}s after start (median of "
            f"{STARTS}), idle RSS {out['idle_rss_mb']:.1f} MB")
        if target.kind == "emulator":
            t0 = time.perf_counter()
            wl.setup(boto_client(wl.SERVICE, server.host))
            log(f"{target.name}: setup took {time.perf_counter() - t0:.1f}s")
        for op in ops:
            entry = out["ops"][op.name] = {"runs": {}}
            try:
                bench_op(entry, server, target, wl, op, conns, duration, repeat, scratch)
            except Exception as e:
                entry["error"] = f"{type(e).__name__}: {e}"
                log(f"{target.name} {op.name}: {entry['error']}")
                if server.proc.poll() is not None:
                    raise RuntimeError(f"server exited ({server.proc.returncode})") from e
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"
        log(f"{target.name}: {out['error']}")
    finally:
        server.stop()
    return out


def bench_op(entry, server, target, wl, op, conns, duration, repeat, scratch) -> None:
    """Fill entry["runs"][conns] with one dict per wrk run (kept even if a later run fails)."""
    reqs = [harness.sign(op.make(i), wl.SERVICE, server.host) for i in range(op.distinct)]
    lua = scratch / f"{target.name}-{op.name}.lua"
    harness.write_lua_requests(reqs, lua)
    # one real answer first: it must be a 2xx and, for an emulator, the right answer
    status, body = harness.send(server.host, reqs[-1])
    problem = None
    if not 200 <= status < 300:
        problem = f"HTTP {status}: {body[:300]!r}"
    elif target.kind == "emulator":
        problem = op.check(body)
    if problem:
        raise RuntimeError(f"check failed, not timed: {problem}")
    for c in conns:
        runs = entry["runs"][c] = []
        for _ in range(repeat):
            if QUIET_WAIT:
                harness.wait_quiet(QUIET_WAIT, log=log)
            r = harness.run_wrk(server, lua, c, duration)
            runs.append(asdict(r) | {"rps": r.rps, "cpu_us_per_op": r.cpu_us_per_op,
                                         "wrk_cpu_us_per_op": r.wrk_cpu_us_per_op})
            bad = f", {r.non_2xx} non-2xx: {r.first_non_2xx[:120]}" if r.non_2xx else ""
            log(f"{target.name} {op.name} c={c}: {r.rps:,.0f}/s p50 {r.p50_ms:.2f}ms "
                f"p99 {r.p99_ms:.2f}ms cpu {r.cpu_us_per_op:.0f}us/op "
                f"(others used {r.other_cores:.2f} cores){bad}")
    lua.unlink()


def scale_target(target: T.Target, wl, sizes, conns, duration, repeat, scratch) -> dict:
    """For each table size: a fresh server, N items loaded, then random-key reads timed."""
    sc = wl.SCALE
    out = {"target": target.name, "sizes": {}, "error": None}
    try:
        target.install()
        out["version"] = target.version()
    except Exception as e:
        out["error"] = f"install failed: {e}"
        return out
    for n in sizes:
        entry = out["sizes"][n] = {"runs": {}}
        port = harness.free_port()
        work = scratch / f"{target.name}-{n}"
        work.mkdir(parents=True, exist_ok=True)
        server = target.server(port, work, RESULTS / "logs")
        probe = target.health or harness.sign(wl.probe(), wl.SERVICE, f"127.0.0.1:{port}")
        server.start()
        try:
            server.wait_ready(probe)
            sc.setup(boto_client(wl.SERVICE, server.host))
            batches = -(-n // sc.per_batch)
            entry["load_s"] = harness.bulk(server.host, wl.SERVICE, sc.batch, batches,
                                           check=sc.batch_check)
            entry["items"] = batches * sc.per_batch
            time.sleep(2.0)
            entry["rss_mb"] = harness.rss_bytes(server.proc.pid) / 2**20
            log(f"{target.name}: {entry['items']:,} items loaded in {entry['load_s']:.1f}s, "
                f"RSS {entry['rss_mb']:.0f} MB")
            op = workloads.Op(sc.read_name, sc.read_for(entry["items"]), 20000, sc.read_check)
            bench_op(entry, server, target, wl, op, conns, duration, repeat, scratch)
        except Exception as e:
            entry["error"] = f"{type(e).__name__}: {e}"
            log(f"{target.name} {n}: {entry['error']}")
        finally:
            server.stop()
            shutil.rmtree(work, ignore_errors=True)
    return out


def scale_table(results: list[dict], read_name: str, conns) -> str:
    lines = [
        f"| target | items | load s | RSS MB | conns | {read_name}/s | p50 ms | p99 ms "
        "| server CPU µs/op | p50 vs smallest | CPU vs smallest | others' cores "
        "| non-2xx / errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for res in results:
        if res.get("error"):
            lines.append(f"| {res['target']} | failed: {_oneline(res['error'])} |")
        base = {}
        for n, entry in res["sizes"].items():
            for c in conns:
                runs = entry["runs"].get(c)
                if not runs:
                    continue
                p50 = statistics.median(r["p50_ms"] for r in runs)
                cpu = statistics.median(r["cpu_us_per_op"] for r in runs)
                base.setdefault(c, (p50, cpu))
                errors = sum(r["non_2xx"] + r["socket_errors"] + r["timeouts"] for r in runs)
                lines.append(
                    f"| {res['target']} | {entry['items']:,} | {entry['load_s']:.1f} "
                    f"| {entry['rss_mb']:.0f} | {c} | {_cell(runs, 'rps')} "
                    f"| {_cell(runs, 'p50_ms')} | {_cell(runs, 'p99_ms')} "
                    f"| {_cell(runs, 'cpu_us_per_op')} | {p50 / base[c][0]:.2f} "
                    f"| {cpu / base[c][1]:.2f} | {_cell(runs, 'other_cores')} | {errors} |")
            if "error" in entry:
                lines.append(f"| {res['target']} | {n:,} | failed: {_oneline(entry['error'])} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- reporting


def _fmt_num(x: float) -> str:
    if x != x:  # nan
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _oneline(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")[:160]


def _cell(runs: list[dict], key: str) -> str:
    return " / ".join(_fmt_num(r[key]) for r in runs)


def results_table(results: list[dict], ceiling_name: str, ops, conns) -> str:
    ceiling = next((r for r in results if r["target"] == ceiling_name), None)
    lines = [
        "| target | op | conns | ops/s | vs ceiling | p50 ms | p99 ms | server CPU µs/op "
        "| CPU x ceiling | wrk CPU µs/op | others' cores | non-2xx / errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for res in results:
        if res.get("error") and not res["ops"]:
            lines.append(f"| {res['target']} | - | - | failed: {_oneline(res['error'])} "
                         "| | | | | | |")
            continue
        for op in ops:
            entry = res["ops"].get(op.name)
            if entry is None:
                continue
            for c in conns:
                runs = entry["runs"].get(c)
                if not runs:
                    continue
                rps = statistics.median(r["rps"] for r in runs)
                ratio = cpu_ratio = "-"
                cref = ceiling and ceiling["ops"].get(op.name, {}).get("runs", {}).get(c)
                if cref and res is not ceiling:
                    ratio = f"{rps / statistics.median(r['rps'] for r in cref):.2f}"
                    cpu = statistics.median(r["cpu_us_per_op"] for r in runs)
                    cpu_ratio = f"{cpu / statistics.median(r['cpu_us_per_op'] for r in cref):.1f}"
                errors = sum(r["non_2xx"] + r["socket_errors"] + r["timeouts"] for r in runs)
                flag = " **(errors!)**" if errors else ""
                lines.append(
                    f"| {res['target']} | {op.name} | {c} | {_cell(runs, 'rps')}{flag} | {ratio} "
                    f"| {_cell(runs, 'p50_ms')} | {_cell(runs, 'p99_ms')} "
                    f"| {_cell(runs, 'cpu_us_per_op')} | {cpu_ratio} "
                    f"| {_cell(runs, 'wrk_cpu_us_per_op')} "
                    f"| {_cell(runs, 'other_cores')} | {errors} |"
                )
            if "error" in entry:
                lines.append(f"| {res['target']} | {op.name} | - | failed: "
                             f"{_oneline(entry['error'])} | | | | | | | | |")
    return "\n".join(lines)


def startup_table(results: list[dict]) -> str:
    lines = ["| target | version | first answer s (median; each start) | idle RSS MB |",
             "|---|---|--:|--:|"]
    for res in results:
        if "startup_s" in res:
            each = " / ".join(f"{x:.3f}" for x in res["startups_s"])
            lines.append(f"| {res['target']} | {res.get('version', '')} "
                         f"| {res['startup_s']:.3f} ({each}) | {res['idle_rss_mb']:.1f} |")
        else:
            lines.append(f"| {res['target']} | {res.get('version', '')} | failed | - |")
    return "\n".join(lines)


def machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0]
    return (f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores "
            f"({model}), Linux {platform.release()}, Python {platform.python_version()}, "
            f"load average {load:.2f} at start")


# ---------------------------------------------------------------- main


def _save(args, started: str, kind: str, results: list[dict], report: str) -> None:
    print(report)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    raw = args.json or RESULTS / f"{stamp}-{kind}.json"
    raw.write_text(json.dumps({"machine": started, "args": vars(args) | {"json": str(raw)},
                               "results": results}, indent=1, default=str))
    raw.with_suffix(".md").write_text(report)
    log(f"raw results in {raw}")


def scale_main(args, p, wl, conns) -> int:
    if not getattr(wl, "SCALE", None):
        p.error(f"workload {args.workload} has no SCALE definition")
    names = [n for n in args.targets.split(",") + args.peers.split(",") if n]
    if args.targets == p.get_default("targets"):
        names = ["cloudtwin"] + [n for n in args.peers.split(",") if n]
    unknown = [n for n in names if n not in T.TARGETS]
    if unknown:
        p.error(f"--scale runs emulators only; unknown: {unknown}")
    sizes = [int(float(x)) for x in args.scale.split(",")]
    started = machine()
    scratch = harness.scratch_dir("cloudtwin-bench-")
    results = [scale_target(T.TARGETS[n], wl, sizes, conns, args.duration, args.repeat, scratch)
               for n in names]
    shutil.rmtree(scratch, ignore_errors=True)
    report = "\n".join([
        f"## {args.workload}: {wl.SCALE.read_name} of random keys vs table size", "",
        f"{started}; wrk {args.duration:g}s per cell, {args.repeat} run(s) per cell", "",
        scale_table(results, wl.SCALE.read_name, conns), ""])
    _save(args, started, f"{args.workload}-scale", results, report)
    failed = any(r.get("error") or any("error" in e for e in r["sizes"].values())
                 for r in results)
    return 1 if failed else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workload", default="dynamodb", help="module under bench/workloads/")
    p.add_argument("--targets", default="ceiling,cloudtwin",
                   help=f"comma list: ceiling, {', '.join(T.TARGETS)}")
    p.add_argument("--peers", default="", help=f"comma list of peers to add: "
                   f"{', '.join(T.PEERS)}")
    p.add_argument("--ops", default="", help="comma list of operations (default: all)")
    p.add_argument("-c", "--connections", default="1,16")
    p.add_argument("-d", "--duration", type=float, default=10.0, help="seconds per wrk run")
    p.add_argument("-r", "--repeat", type=int, default=1, help="wrk runs per op and conns")
    p.add_argument("--ceiling-stack", default=T.DEFAULT_STACK, choices=sorted(T.STACKS))
    p.add_argument("--stacks", nargs="?", const="all", default=None,
                   help="compare server stacks on the ceiling app instead "
                        f"(comma list or 'all': {', '.join(T.STACKS)})")
    p.add_argument("--scale", default=None, metavar="N,N,...",
                   help="instead: load N items per size into a fresh server of each target "
                        "(default targets: cloudtwin) and time random-key reads; e.g. "
                        "--scale 1000,1000000")
    p.add_argument("--quiet-wait", type=float, default=0.0, metavar="S",
                   help="before each wrk run wait up to S seconds for the machine to be idle "
                        "(others' jobs skew numbers on a shared machine)")
    p.add_argument("--starts", type=int, default=3,
                   help="start each target this many times to time its first answer (median)")
    p.add_argument("--json", type=Path, help="also write raw results here")
    args = p.parse_args()

    global QUIET_WAIT, STARTS
    QUIET_WAIT = args.quiet_wait
    STARTS = max(1, args.starts)
    wl = workloads.load(args.workload)
    conns = [int(c) for c in args.connections.split(",")]
    ops = wl.OPS
    if args.ops:
        wanted = args.ops.split(",")
        ops = [o for o in ops if o.name in wanted]

    if args.scale is not None:
        return scale_main(args, p, wl, conns)
    if args.stacks is not None:
        names = list(T.STACKS) if args.stacks == "all" else args.stacks.split(",")
        chosen = [T.STACKS[n] for n in names]
        if not args.ops:
            ops = ops[:1]  # the stack comparison replays the first op's requests
        title = f"server stacks, ceiling app, {ops[0].name} requests"
    else:
        chosen = []
        for name in [n for n in args.targets.split(",") + args.peers.split(",") if n]:
            if name == "ceiling":
                chosen.append(T.STACKS[args.ceiling_stack])
            elif name in T.TARGETS:
                chosen.append(T.TARGETS[name])
            else:
                p.error(f"unknown target {name!r}")
        title = f"{args.workload}, ceiling on {args.ceiling_stack}"

    started = machine()
    scratch = harness.scratch_dir("cloudtwin-bench-")
    log(f"scratch {scratch}, logs {RESULTS / 'logs'}")
    results = []
    for target in chosen:
        results.append(bench_target(target, wl, ops, conns, args.duration, args.repeat,
                                    scratch))

    ceiling_name = chosen[0].name if args.stacks is not None else \
        T.STACKS[args.ceiling_stack].name
    report = "\n".join([
        f"## {title}",
        "",
        f"{started}; wrk {args.duration:g}s per cell, {args.repeat} run(s) per cell "
        "(cells list each run; the ratio uses the median)",
        "",
        results_table(results, ceiling_name, ops, conns),
        "",
        startup_table(results),
        "",
    ])
    _save(args, started, "stacks" if args.stacks else args.workload, results, report)
    shutil.rmtree(scratch, ignore_errors=True)
    failed = any(r.get("error") for r in results) or any(
        "error" in e or any(x["non_2xx"] or x["socket_errors"] or x["timeouts"]
                            for runs in e["runs"].values() for x in runs)
        for r in results for e in r["ops"].values())
    if failed:
        log("some targets failed or answered errors: see the table")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
