"""Where a cold first answer's time goes: one provider, a few cold Creates, optionally under a tracer.

    .venv/bin/python bench/profile_cold.py --binary target/bench/release/identity-pool-provider
    .venv/bin/python bench/profile_cold.py --binary ... --scheme http          # no TLS on the PUT
    .venv/bin/python bench/profile_cold.py --binary ... --env SSL_CERT_FILE=   # system roots (unset)
    .venv/bin/python bench/profile_cold.py --binary ... --wrap 'strace -f -tt -o {out}'
    .venv/bin/python bench/profile_cold.py --binary ... --wrap 'perf stat -o {out}'

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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run_bench import (MIB, BASELINE_BOOTSTRAP, CognitoServer, Endpoint, Events,  # noqa: E402
                             Provider, Receiver, cold_run, ensure_local_ca)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="our bootstrap; default: the crhelper baseline")
    parser.add_argument("--scheme", choices=("https", "http"), default="https")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wrap", help="a command prefix, e.g. 'strace -f -tt -o {out}'")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)

    events = Events()
    with tempfile.TemporaryDirectory(prefix="identity-pool-profile-") as scratch, \
            CognitoServer() as server:
        ca = ensure_local_ca(scratch)
        endpoint = Endpoint(server)
        receiver = Receiver(ca if args.scheme == "https" else None).start()
        env: dict = {"SSL_CERT_FILE": ca.ca_file, "AWS_ENDPOINT_URL_COGNITO_IDENTITY": endpoint.url,
                     "AWS_ENDPOINT_URL_COGNITO_SYNC": endpoint.url,
                     "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": endpoint.url}
        if args.binary:
            target = Path(args.binary).resolve()
        else:
            target = BASELINE_BOOTSTRAP
            env |= {"BENCH_PYTHON": sys.executable, "PYTHONPATH": str(BASELINE_BOOTSTRAP.parents[2])}
        for item in args.env:
            name, _, value = item.partition("=")
            env[name] = value or None
        try:
            for i in range(args.runs):
                bootstrap = target
                if args.wrap:
                    out = f"/tmp/cold-{i}.txt"
                    bootstrap = Path(scratch) / f"wrapped-{i}"
                    bootstrap.write_text("#!/bin/sh\nexec " + args.wrap.format(out=shlex.quote(out))
                                         + f" {shlex.quote(str(target))}\n")
                    bootstrap.chmod(bootstrap.stat().st_mode | stat.S_IXUSR)
                result = cold_run(Provider("p", "profiled", bootstrap, env), receiver, endpoint, events,
                                  f"profile-{os.getpid()}-{i}")
                print(f"run {i}: cold start {result.cold_start * 1000:7.2f} ms  first answer "
                      f"{result.first_answer * 1000:7.2f} ms  CPU {result.cpu_sched * 1000:7.2f} ms  "
                      f"peak RSS {result.rss / MIB:6.2f} MiB  threads {result.threads}"
                      + (f"  trace {out}" if args.wrap else ""))
        finally:
            receiver.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
