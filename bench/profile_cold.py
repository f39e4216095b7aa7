"""Where a cold first answer's time goes: one provider, a few cold Creates, optionally under a tracer.

    .venv/bin/python bench/profile_cold.py --binary target/bench/release/identity-pool-provider
    .venv/bin/python bench/profile_cold.py --binary ... --scheme http          # no TLS anywhere
    .venv/bin/python bench/profile_cold.py --binary ... --env SSL_CERT_FILE=   # system roots (unset)
    .venv/bin/python bench/profile_cold.py --binary ... --deployed   # the OS-style store run_bench.py uses
    .venv/bin/python bench/profile_cold.py --binary ... --wrap 'strace -f -tt -o {out}'
    .venv/bin/python bench/profile_cold.py --binary ... --wrap 'perf stat -o {out}'

With ``--binary`` given more than once, the binaries take turns (an interleaved A/B on
a shared machine) and the medians of each are printed at the end.

The Cognito endpoint (Cognito Identity and Sync; the tagging API on a port of its
own) and the receiver are served over ``--scheme``; ours runs with the logging
variables Lambda sets for template.yaml (JSON), the baseline with
``AWS_CA_BUNDLE`` naming the bundle its ``SSL_CERT_FILE`` names, as in run_bench.py.

Each run prints cold start, first answer, CPU and peak RSS as run_bench.py
measures them (under a wrapper they describe the wrapper process, which execs
or forks the binary: use the trace files, written to {out} = /tmp/cold-<n>.txt).
``--env NAME=`` removes a variable from the Lambda environment.
"""

from __future__ import annotations

import argparse
import os
import shlex
import stat
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run_bench import (BASE, BASELINE_BOOTSTRAP, DEPLOYED, MIB, OURS, OURS_LOGGING,  # noqa: E402
                             BUNDLE, Events, Provider, Receiver, cognito_endpoint, cold_run,
                             deployed_trust_store, ensure_local_ca, trust_settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", action="append", default=[],
                        help="our bootstrap (repeat to interleave several); default: the crhelper baseline")
    parser.add_argument("--scheme", choices=("https", "http"), default="https",
                        help="of the Cognito endpoint and the receiver")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wrap", help="a command prefix, e.g. 'strace -f -tt -o {out}'")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--deployed", action="store_true",
                        help="no SSL_CERT_FILE; SSL_CERT_DIR names a copy of the machine's bundle plus the local CA")
    args = parser.parse_args(argv)

    events = Events()
    with tempfile.TemporaryDirectory(prefix="identity-pool-profile-") as scratch, ExitStack() as stack:
        ca = ensure_local_ca(scratch)
        endpoint = cognito_endpoint(stack, ca)
        receiver = Receiver(ca if args.scheme == "https" else None).start()
        trust_dir, full_bundle = deployed_trust_store(scratch, ca.ca_file)
        trust = trust_settings(ca, trust_dir, full_bundle)[DEPLOYED if args.deployed else BUNDLE]
        env: dict = dict(endpoint.urls[args.scheme])
        targets = [Path(binary).resolve() for binary in args.binary]
        if targets:
            env |= OURS_LOGGING | trust[OURS]
        else:
            targets = [BASELINE_BOOTSTRAP]
            env |= trust[BASE] | {"BENCH_PYTHON": sys.executable,
                                  "PYTHONPATH": str(BASELINE_BOOTSTRAP.parents[2])}
        for item in args.env:
            name, _, value = item.partition("=")
            env[name] = value or None
        results: dict[Path, list] = {target: [] for target in targets}
        try:
            for i in range(args.runs):
                for target in targets:
                    bootstrap = target
                    if args.wrap:
                        out = f"/tmp/cold-{i}.txt" if len(targets) == 1 else f"/tmp/cold-{target.name}-{i}.txt"
                        bootstrap = Path(scratch) / f"wrapped-{i}"
                        bootstrap.write_text("#!/bin/sh\nexec " + args.wrap.format(out=shlex.quote(out))
                                             + f" {shlex.quote(str(target))}\n")
                        bootstrap.chmod(bootstrap.stat().st_mode | stat.S_IXUSR)
                    result = cold_run(Provider("p", "profiled", bootstrap, env), receiver, endpoint, events,
                                      f"profile-{os.getpid()}-{target.name}-{i}")
                    results[target].append(result)
                    print(f"run {i}: cold start {result.cold_start * 1000:7.2f} ms  first answer "
                          f"{result.first_answer * 1000:7.2f} ms  CPU {result.cpu_sched * 1000:7.2f} ms  "
                          f"peak RSS {result.rss / MIB:6.2f} MiB  threads {result.threads}  {target}"
                          + (f"  trace {out}" if args.wrap else ""))
        finally:
            receiver.stop()
    if len(targets) > 1:
        for target, runs in results.items():
            print(f"median of {len(runs)}: cold start "
                  f"{statistics.median(r.cold_start for r in runs) * 1000:7.2f} ms  first answer "
                  f"{statistics.median(r.first_answer for r in runs) * 1000:7.2f} ms  CPU "
                  f"{statistics.median(r.cpu_sched for r in runs) * 1000:7.2f} ms  peak RSS "
                  f"{statistics.median(r.rss for r in runs) / MIB:6.2f} MiB  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
