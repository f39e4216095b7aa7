"""`make bench`: the release bootstrap against a crhelper + boto3 baseline, on local stand-ins.

Both providers run as Lambda runs them: a fresh process polling a local Runtime
API (``local/runtime_api.py``), talking to the local Cognito endpoint
(``local/cognito_endpoint.py``: Cognito Identity and Sync on one port, the
tagging API on another, as they are two hosts on AWS) and PUTting each answer to
a local presigned-URL receiver (``local/receiver.py``). Both are served over
https with a local CA, or, in the plain-http configuration, without TLS. The
baseline is ``bench/crhelper_provider`` under ``python -m awslambdaric``.

Measured, with ``time.monotonic`` and ``/proc``:

* cold start: process spawn (``LambdaProcess.spawned_at``) → first GET /next
  (``RuntimeApi.first_poll_at``); the Create is queued before the spawn, as a
  cold invoke is;
* cold first answer: spawn → that Create's response accepted by the receiver
  (``ReceivedResponse.received_at``), every connection (Cognito, the tagging
  API, the PUT) over https with the deployed trust store (the OS store, no
  SSL_CERT_FILE) and with a one-certificate bundle, and all over plain http;
* CPU time (utime+stime from ``/proc/<pid>/stat``, 10 ms ticks, and the sum of
  the threads' ``/proc/<pid>/task/*/schedstat`` run time in ns) and peak RSS
  (``VmHWM``), sampled as soon as the first answer is in and after the warm
  lifecycles;
* warm lifecycle in one long-lived process: Create → Update (rename + retag) →
  Update with no change → Delete, each timed from queueing the event to the
  receiver accepting its answer; the CPU each lifecycle cost;
* Cognito API calls of each step, from the endpoint's ``/_admin/calls``;
* scale: a Create in accounts of 0 / 300 / 999 pools and 20 Creates at once in
  one of 500, with 30 ms per call and 5 requests/s per operation;
* with ``--size``: the stripped arm64 bootstrap and the deployment zip that
  ``make build`` leaves in ``target/lambda/identity-pool-provider/``.

Cold runs are interleaved (ours, baseline, ours, ...) and the warm lifecycles
alternate between the two live processes, so machine noise hits both. Prints
the tables (medians, p90, baseline/ours ratios, targets), draws the charts
into bench/charts/ and writes BENCHMARKS.md, keeping that file's "What each
change bought" section.
No assertions: a missed target is reported, not raised.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "local"))
sys.path.insert(0, str(ROOT))

from clients import LocalCognito  # noqa: E402
from cognito_endpoint import CognitoServer  # noqa: E402
from lambda_harness import LambdaProcess  # noqa: E402
from receiver import Receiver  # noqa: E402
from runtime_api import RuntimeApi  # noqa: E402
from tls import LocalCa, ensure_local_ca  # noqa: E402

from bench import charts  # noqa: E402

EVENTS = ROOT / "events"
BASELINE_BOOTSTRAP = ROOT / "bench" / "crhelper_provider" / "bootstrap"
LAMBDA_DIR = ROOT / "target" / "lambda" / "identity-pool-provider"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
CHARTS = ROOT / "bench" / "charts"
CHANGES_HEADER = "## What each change bought"
CLK_TCK = os.sysconf("SC_CLK_TCK")
INVOKE_TIMEOUT_S = 30.0
STEPS = ("Create", "Update", "No-op update", "Delete")
OURS, BASE = "ours", "crhelper"
# The TLS configurations of the cold runs: what Lambda users deploy (every
# connection over https; no SSL_CERT_FILE: the OS store, here a private copy of
# this machine's bundle plus the local CA), the same connections trusting a
# one-certificate bundle, and no TLS at all (the endpoint and receiver over http).
DEPLOYED, BUNDLE, HTTP = "deployed", "bundle", "http"
SCHEME = {DEPLOYED: "https", BUNDLE: "https", HTTP: "http"}
# What Lambda sets for ours from template.yaml's LoggingConfig (LogFormat: JSON,
# so the application log level defaults to INFO); src/logging.rs reads both.
OURS_LOGGING = {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}
MIB = 1024 * 1024
# Where OpenSSL-style stores keep the system bundle (openssl-probe's list, which
# rustls-native-certs reads on Linux), Debian's and Amazon Linux's first.
SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                  "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem")

# Targets from the issue: (figure key, kind, limit). "ratio" = baseline/ours at least
# limit; "max" = ours' median at most limit (in the figure's unit).
TARGETS = (
    ("cold_answer_deployed", "ratio", 25.0, "cold first answer, deployed TLS, ≥ 25× faster than crhelper"),
    ("cold_start_deployed", "max", 6.0, "cold init (spawn → first poll), deployed TLS, ≤ 6 ms median"),
    ("cpu_lifecycle", "ratio", 10.0, "CPU per warm lifecycle ≥ 10× lower"),
    ("rss_peak", "ratio", 5.0, "peak RSS ≥ 5× lower"),
    ("rss_peak", "max", 12.0, "peak RSS ≤ 12 MiB"),
    ("size_bootstrap", "max", 6.0, "stripped arm64 bootstrap ≤ 6 MiB"),
)


# --------------------------------------------------------------------------- /proc


@dataclass(frozen=True)
class ProcSample:
    """One look at a process: CPU so far (two ways) and its peak RSS."""

    cpu_ticks_s: float  # utime+stime from /proc/<pid>/stat (whole process, 10 ms steps)
    cpu_sched_s: float  # sum of the live threads' run time from schedstat (ns precision)
    vmhwm_bytes: int
    threads: int


def sample(pid: int) -> ProcSample:
    """CPU and peak RSS of ``pid``, read from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    sched_ns = 0
    threads = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            sched_ns += int((task / "schedstat").read_text().split()[0])
            threads += 1
        except (OSError, ValueError, IndexError):
            pass  # the thread ended meanwhile
    hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    return ProcSample((utime + stime) / CLK_TCK, sched_ns / 1e9, hwm, threads)


# --------------------------------------------------------------------------- stand-ins


class Endpoint(LocalCognito):
    """The local Cognito endpoint's account plus its call log, read over its admin API.

    ``urls[scheme]`` are the ``AWS_ENDPOINT_URL_*`` variables that point a
    function at it over ``https`` or ``http``: the same account on four ports
    (Cognito Identity and Sync on one, the tagging API on another, as they are
    two hosts on AWS, so a client makes a connection, and a TLS handshake, for
    each; over https with the local CA's certificate, and over http).
    """

    def __init__(self, admin: CognitoServer, urls: dict[str, dict[str, str]]):
        super().__init__(admin.url)
        self.server = admin
        self.urls = urls

    def account(self, pools: int, **settings: float) -> None:
        """Start over with ``pools`` preloaded pools and these scale settings."""
        self.reset()
        self.settings(**settings)
        if pools:
            self.preload(pools)
        self.clear_calls()

    def pool_count(self) -> int:
        return len(self.pools())


def cognito_endpoint(stack: ExitStack, ca: LocalCa) -> Endpoint:
    """The local Cognito endpoint, started on ``stack``: one account served over
    https (the local CA's certificate) and over http, each on two ports (Cognito
    Identity and Sync; the tagging API)."""
    admin = stack.enter_context(CognitoServer())
    servers = {"http": (admin, stack.enter_context(CognitoServer(backend=admin.backend))),
               "https": tuple(stack.enter_context(CognitoServer(tls=ca, backend=admin.backend))
                              for _ in range(2))}
    urls = {scheme: {"AWS_ENDPOINT_URL_COGNITO_IDENTITY": cognito.url,
                     "AWS_ENDPOINT_URL_COGNITO_SYNC": cognito.url,
                     "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API": tagging.url}
            for scheme, (cognito, tagging) in servers.items()}
    return Endpoint(admin, urls)


def load_event(name: str) -> dict:
    return json.loads((EVENTS / f"{name}.json").read_text())


class Events:
    """The lifecycle's requests, from events/*.json, each with a fresh RequestId and URL."""

    def __init__(self) -> None:
        self.create = load_event("create")
        self.update = load_event("update")
        self.delete = load_event("delete")

    @staticmethod
    def _fresh(template: dict, receiver: Receiver, name: str, **fields: Any) -> dict:
        event = json.loads(json.dumps(template))
        event.update(fields, RequestId=str(uuid.uuid4()), ResponseURL=receiver.url_for(name))
        return event

    def for_step(self, step: str, receiver: Receiver, name: str, pool_id: str | None) -> dict:
        if step == "Create":
            return self._fresh(self.create, receiver, name)
        if step == "Update":  # rename, new AllowUnauthenticatedIdentities, env=prod, +cost-center
            return self._fresh(self.update, receiver, name, PhysicalResourceId=pool_id)
        if step == "No-op update":
            props = self.update["ResourceProperties"]
            return self._fresh(self.update, receiver, name, PhysicalResourceId=pool_id,
                               OldResourceProperties=json.loads(json.dumps(props)))
        if step == "Delete":
            return self._fresh(self.delete, receiver, name, PhysicalResourceId=pool_id,
                               ResourceProperties=self.update["ResourceProperties"])
        raise ValueError(step)


def answer_for(receiver: Receiver, name: str, timeout: float = 10.0) -> Any:
    """The accepted PUT for the URL named ``name``."""
    path = f"/cfn-responses/{name}"
    deadline = time.monotonic() + timeout
    while True:
        for record in receiver.responses():
            if record.path == path:
                return record
        if time.monotonic() > deadline:
            attempts = [(r.status, r.path) for r in receiver.attempts()]
            raise RuntimeError(f"no accepted answer for {name}; PUT attempts: {attempts}")
        time.sleep(0.001)


@dataclass
class Provider:
    """One of the two contenders: how to start it."""

    key: str
    label: str
    bootstrap: Path
    env: dict[str, str | None]  # None removes the variable


class BenchError(RuntimeError):
    pass


def send(runtime_api: RuntimeApi, receiver: Receiver, event: dict, name: str) -> tuple[float, dict]:
    """One invocation, answered: seconds from queueing to the receiver accepting the answer."""
    pending = runtime_api.invoke_async(event, timeout_s=INVOKE_TIMEOUT_S)
    invocation = pending.result(timeout=INVOKE_TIMEOUT_S + 30)
    if invocation.kind != "response":
        raise BenchError(f"{name}: the function answered the Runtime API with an error: {invocation.body}")
    record = answer_for(receiver, name)
    body = record.json or {}
    if body.get("Status") != "SUCCESS":
        raise BenchError(f"{name}: CloudFormation would have got {body}")
    return record.received_at - pending.queued_at, body


def deployed_trust_store(scratch: str, ca_file: str) -> tuple[str, str]:
    """A private OS-style trust store: a copy of this machine's whole CA bundle with
    the local CA appended, alone in a directory. Returns (directory, bundle file).

    rustls-native-certs reads every certificate file of an ``SSL_CERT_DIR``
    directory, as it reads the system's bundle and directories when nothing is
    set, so ours reads as much as deployed; the machine's own store is untouched.
    """
    system = next((Path(p) for p in SYSTEM_BUNDLES if Path(p).is_file()), None)
    if system is None:
        raise BenchError(f"no system CA bundle in any of {SYSTEM_BUNDLES}")
    directory = Path(scratch) / "os-trust-store"
    directory.mkdir()
    bundle = directory / "tls-ca-bundle.pem"
    bundle.write_text(system.read_text() + "\n" + Path(ca_file).read_text())
    return str(directory), str(bundle)


def trust_settings(ca: LocalCa, trust_dir: str, full_bundle: str) -> dict[str, dict[str, dict[str, str | None]]]:
    """Each provider's trust variables in each configuration.

    Deployed, ours reads the OS store (SSL_CERT_DIR stands in for the system
    directory) for the Cognito calls and the PUT alike. The baseline reads a full
    bundle twice, as on Lambda: Python's ssl (crhelper's PUT) through
    SSL_CERT_FILE, and botocore its own bundle (certifi's or its vendored
    cacert.pem, here AWS_CA_BUNDLE). Both name the same file: the machine's
    bundle plus the local CA. With the one-certificate bundle all of them name
    the local CA alone.
    """
    one_cert = {OURS: {"SSL_CERT_FILE": ca.ca_file},
                BASE: {"SSL_CERT_FILE": ca.ca_file, "AWS_CA_BUNDLE": ca.ca_file}}
    return {
        DEPLOYED: {OURS: {"SSL_CERT_FILE": None, "SSL_CERT_DIR": trust_dir},
                   BASE: {"SSL_CERT_FILE": full_bundle, "AWS_CA_BUNDLE": full_bundle}},
        BUNDLE: one_cert,
        HTTP: one_cert,  # nothing to verify
    }


# --------------------------------------------------------------------------- runs


@dataclass
class ColdResult:
    cold_start: float
    first_answer: float
    cpu_ticks: float
    cpu_sched: float
    rss: int
    threads: int


def cold_run(provider: Provider, receiver: Receiver, endpoint: Endpoint, events: Events,
             tag: str) -> ColdResult:
    """A fresh process answering one queued Create: spawn → first poll, → answer accepted."""
    endpoint.reset()
    runtime_api = RuntimeApi().start()
    try:
        name = f"cold-{tag}"
        event = events.for_step("Create", receiver, name, None)
        pending = runtime_api.invoke_async(event, timeout_s=INVOKE_TIMEOUT_S)
        with LambdaProcess(provider.bootstrap, runtime_api, provider.env) as process:
            invocation = pending.result(timeout=INVOKE_TIMEOUT_S + 30)
            snap = sample(process.pid)
            if invocation.kind != "response":
                raise BenchError(f"{provider.label} cold Create failed: {invocation.body}\n{process.logs()}")
            record = answer_for(receiver, name)
            if (record.json or {}).get("Status") != "SUCCESS":
                raise BenchError(f"{provider.label} cold Create answered {record.json}\n{process.logs()}")
            if runtime_api.first_poll_at is None:
                raise BenchError(f"{provider.label}: no poll recorded")
            return ColdResult(
                cold_start=runtime_api.first_poll_at - process.spawned_at,
                first_answer=record.received_at - process.spawned_at,
                cpu_ticks=snap.cpu_ticks_s, cpu_sched=snap.cpu_sched_s, rss=snap.vmhwm_bytes,
                threads=snap.threads,
            )
    finally:
        runtime_api.stop()


@dataclass
class WarmState:
    """A long-lived process and what its lifecycles measured."""

    provider: Provider
    runtime_api: RuntimeApi
    process: LambdaProcess
    steps: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    totals: list[float] = field(default_factory=list)
    cpu_sched: list[float] = field(default_factory=list)
    cpu_ticks: list[float] = field(default_factory=list)
    calls: dict[str, list[str]] = field(default_factory=dict)
    last: ProcSample | None = None


def lifecycle(state: WarmState, receiver: Receiver, endpoint: Endpoint, events: Events,
              tag: str, record_calls: bool) -> tuple[dict[str, float], ProcSample, ProcSample]:
    """Create → Update → No-op update → Delete in the live process."""
    pool_id = None
    spans: dict[str, float] = {}
    before = sample(state.process.pid)
    for step in STEPS:
        if record_calls:
            endpoint.clear_calls()
        name = f"warm-{tag}-{step.lower().replace(' ', '-')}"
        event = events.for_step(step, receiver, name, pool_id)
        span, body = send(state.runtime_api, receiver, event, name)
        spans[step] = span
        if step == "Create":
            pool_id = body["PhysicalResourceId"]
        elif body["PhysicalResourceId"] != pool_id:
            raise BenchError(f"{state.provider.label} {step} answered another pool: {body}")
        if record_calls:
            state.calls[step] = endpoint.calls()
    after = sample(state.process.pid)
    return spans, before, after


def warm_runs(providers: list[Provider], receiver: Receiver, endpoint: Endpoint, events: Events,
              lifecycles: int, log: Callable[[str], None]) -> dict[str, WarmState]:
    """Both processes live side by side; their lifecycles alternate."""
    endpoint.reset()
    states: dict[str, WarmState] = {}
    try:
        for provider in providers:
            runtime_api = RuntimeApi().start()
            process = LambdaProcess(provider.bootstrap, runtime_api, provider.env)
            states[provider.key] = WarmState(provider, runtime_api, process)
        for state in states.values():  # the first lifecycle warms up; it gives the call log
            lifecycle(state, receiver, endpoint, events, f"{state.provider.key}-warmup", True)
        for i in range(lifecycles):
            for state in states.values():
                spans, before, after = lifecycle(state, receiver, endpoint, events,
                                                 f"{state.provider.key}-{i}", False)
                for step, span in spans.items():
                    state.steps[step].append(span)
                state.totals.append(sum(spans.values()))
                state.cpu_sched.append(after.cpu_sched_s - before.cpu_sched_s)
                state.cpu_ticks.append(after.cpu_ticks_s - before.cpu_ticks_s)
                state.last = after
            if (i + 1) % 5 == 0:
                log(f"  warm lifecycles: {i + 1}/{lifecycles}")
        if endpoint.pool_count():
            raise BenchError(f"{endpoint.pool_count()} pool(s) left behind by the lifecycles")
    finally:
        for state in states.values():
            state.process.stop()
            state.runtime_api.stop()
    return states


# --------------------------------------------------------------------------- scale

# Issue 11's account: 30 ms per Cognito call, 5 requests/s per operation (a token
# bucket, as Cognito's documented TagResource quota), GetResources 2 s behind.
SCALE = {"latency_ms": 30, "rate_limit": 5, "tagging_lag_ms": 2000}
SCALE_SIZES = (0, 300, 999)
BURST_STACKS, BURST_POOLS = 20, 500
SCALE_TIMEOUT_S = 60.0  # the template's Lambda Timeout


@dataclass
class CreateOutcome:
    """One Create in a scaled account: queue → answer, its status, the calls it made."""

    seconds: float
    status: str
    calls: int
    throttled: int


@dataclass
class BurstResult:
    """Many stacks creating at once, one warm function each."""

    last_answer: float  # s from queueing the first Create to the last answer accepted
    failed: int  # answers other than SUCCESS (or none at all)
    calls: int
    throttled: int
    pools_made: int
    duplicates: int  # pools beyond one per request tag


def answered(pending: Any, receiver: Receiver, name: str) -> tuple[float, str]:
    """(monotonic time the answer was accepted, its Status) of one invocation; a
    function that never answered counts as FAILED when its deadline passed."""
    pending.result(timeout=SCALE_TIMEOUT_S + 30)
    try:
        record = answer_for(receiver, name, timeout=1.0)
    except RuntimeError:
        return pending.deadline, "NO ANSWER"
    return record.received_at, (record.json or {}).get("Status", "?")


def one_create(runtime_api: RuntimeApi, receiver: Receiver, endpoint: Endpoint, events: Events,
               name: str) -> CreateOutcome:
    """A Create sent to a live function, with the calls it made (the endpoint's log
    was cleared before)."""
    pending = runtime_api.invoke_async(events.for_step("Create", receiver, name, None),
                                       timeout_s=SCALE_TIMEOUT_S)
    at, status = answered(pending, receiver, name)
    return CreateOutcome(at - pending.queued_at, status, len(endpoint.calls()), len(endpoint.throttled()))


def start_functions(provider: Provider, count: int) -> list[tuple[RuntimeApi, LambdaProcess]]:
    started = []
    for _ in range(count):
        runtime_api = RuntimeApi().start()
        started.append((runtime_api, LambdaProcess(provider.bootstrap, runtime_api, provider.env)))
    return started


def stop_functions(started: list[tuple[RuntimeApi, LambdaProcess]]) -> None:
    for runtime_api, process in started:
        process.stop()
        runtime_api.stop()


def scale_runs(providers: list[Provider], receiver: Receiver, endpoint: Endpoint, events: Events,
               reps: int, log: Callable[[str], None]) -> dict[str, dict[int, list[CreateOutcome]]]:
    """A Create in an account of 0 / 300 / 999 pools, ``reps`` times each, one warm
    function per provider (warmed by a Create in an empty, unthrottled account)."""
    results: dict[str, dict[int, list[CreateOutcome]]] = {p.key: {n: [] for n in SCALE_SIZES}
                                                          for p in providers}
    live = {p.key: start_functions(p, 1)[0] for p in providers}
    try:
        for key, (runtime_api, _) in live.items():
            endpoint.account(0)
            one_create(runtime_api, receiver, endpoint, events, f"scale-{key}-warmup")
        for rep in range(reps):
            for pools in SCALE_SIZES:
                for key, (runtime_api, _) in live.items():
                    endpoint.account(pools, **SCALE)
                    results[key][pools].append(
                        one_create(runtime_api, receiver, endpoint, events, f"scale-{key}-{pools}-{rep}"))
            log(f"  scale: {rep + 1}/{reps}")
    finally:
        stop_functions(list(live.values()))
    return results


def burst_run(provider: Provider, receiver: Receiver, endpoint: Endpoint, events: Events) -> BurstResult:
    """20 stacks create at once in an account of 500 pools, each through its own warm function."""
    fleet = start_functions(provider, BURST_STACKS)
    run = f"burst-{provider.key}-{uuid.uuid4().hex[:8]}"  # the receiver keeps earlier runs' answers
    try:
        endpoint.account(0)
        for i, (runtime_api, _) in enumerate(fleet):
            one_create(runtime_api, receiver, endpoint, events, f"{run}-warmup-{i}")
        endpoint.account(BURST_POOLS, **SCALE)
        names = [f"{run}-{i}" for i in range(BURST_STACKS)]
        pending = [runtime_api.invoke_async(events.for_step("Create", receiver, name, None),
                                            timeout_s=SCALE_TIMEOUT_S)
                   for (runtime_api, _), name in zip(fleet, names)]
        outcomes = [answered(p, receiver, name) for p, name in zip(pending, names)]
        made = [p for p in endpoint.pools() if not p["IdentityPoolName"].startswith("preloaded-")]
        tags = [p.get("IdentityPoolTags", {}).get("identity-pool-provider:create-request") for p in made]
        return BurstResult(
            last_answer=max(at for at, _ in outcomes) - min(p.queued_at for p in pending),
            failed=sum(status != "SUCCESS" for _, status in outcomes),
            calls=len(endpoint.calls()), throttled=len(endpoint.throttled()),
            pools_made=len(made), duplicates=len(tags) - len(set(tags)))
    finally:
        stop_functions(fleet)


# --------------------------------------------------------------------------- size


def elf_facts(data: bytes) -> tuple[str, bool]:
    """(machine, stripped) of an ELF64 little-endian image; stripped = no .symtab."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return "not ELF64", False
    machine = {0xB7: "aarch64", 0x3E: "x86_64"}.get(struct.unpack_from("<H", data, 18)[0], "other")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if not shoff or shstrndx >= shnum:
        return machine, True
    strtab_offset = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    names = set()
    for i in range(shnum):
        name_offset = struct.unpack_from("<I", data, shoff + i * shentsize)[0]
        end = data.index(b"\0", strtab_offset + name_offset)
        names.add(data[strtab_offset + name_offset:end].decode("ascii", "replace"))
    return machine, ".symtab" not in names


@dataclass
class SizeFacts:
    bootstrap: int | None = None
    zip: int | None = None
    note: str = ""


def deployment_size(lambda_dir: Path) -> SizeFacts:
    """Sizes of what `make build` made: the zip, and the bootstrap inside it (what is deployed).

    Without a zip, a loose ``bootstrap`` (``--output-format binary``) is measured instead.
    """
    zip_path, binary = lambda_dir / "bootstrap.zip", lambda_dir / "bootstrap"
    if zip_path.exists():
        with zipfile.ZipFile(zip_path) as archive:
            if "bootstrap" not in archive.namelist():
                return SizeFacts(zip=zip_path.stat().st_size, note="bootstrap.zip holds no bootstrap")
            data = archive.read("bootstrap")
        source, facts = zip_path, SizeFacts(zip=zip_path.stat().st_size)
    elif binary.exists():
        data, source, facts = binary.read_bytes(), binary, SizeFacts()
    else:
        return SizeFacts(note="not built (run make build)")
    facts.bootstrap = len(data)
    machine, stripped = elf_facts(data)
    built = datetime.datetime.fromtimestamp(source.stat().st_mtime, datetime.timezone.utc)
    facts.note = (f"{machine}, {'stripped' if stripped else 'NOT stripped'}, "
                  f"{source.name} built {built:%Y-%m-%d %H:%M} UTC")
    return facts


# --------------------------------------------------------------------------- statistics


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Figure:
    """One row: a median (and p90) for each provider, in the row's unit."""

    key: str
    label: str
    unit: str  # "ms" | "MiB" | "count"
    ours: list[float] | None
    base: list[float] | None
    note: str = ""
    ratio_makes_sense: bool = True

    def med(self, which: str) -> float | None:
        values = self.ours if which == OURS else self.base
        return statistics.median(values) if values else None

    def p90(self, which: str) -> float | None:
        values = self.ours if which == OURS else self.base
        return percentile(values, 0.9) if values and len(values) > 1 else None

    def ratio(self) -> float | None:
        ours, base = self.med(OURS), self.med(BASE)
        if not self.ratio_makes_sense or ours is None or base is None or ours <= 0:
            return None
        return base / ours


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"
    if unit == "MiB":
        return f"{value:.1f} MiB" if value >= 10 else f"{value:.2f} MiB"
    return f"{value:g}"


def ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


# --------------------------------------------------------------------------- report


def machine_line() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem_kib / 1024 / 1024:.0f} GiB, "
            f"Linux {platform.release()}; {rustc or 'rustc unknown'}; Python {platform.python_version()}")


def source_version() -> str:
    """The commit benchmarked, and whether tracked files differed from it (read-only git)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "commit unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src", "Cargo.toml", "Cargo.lock")
    return f"commit {commit}" + (" + uncommitted changes to src/ or Cargo.*" if dirty else "")


def package_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    found = []
    for name in ("awslambdaric", "crhelper", "boto3"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} ?")
    return ", ".join(found)


def render(figures: list[Figure], calls: dict[str, dict[str, list[str]]], args: argparse.Namespace,
           command: str, started: datetime.datetime, elapsed: float, size: SizeFacts | None,
           binary: Path) -> str:
    lines = [
        f"- **Date**: {started:%Y-%m-%d %H:%M} UTC ({elapsed:.0f} s)",
        f"- **Machine**: {machine_line()}",
        f"- **Command**: `{command}`",
        f"- **Ours**: `{binary.relative_to(ROOT) if binary.is_relative_to(ROOT) else binary}` "
        f"({source_version()}; native {platform.machine()}; `make bench` builds it with the "
        f"release profile); **baseline**: "
        f"`bench/crhelper_provider` under `python -m awslambdaric` ({package_versions()})",
        f"- **Runs**: {args.runs} cold processes each per TLS configuration (deployed, one-certificate "
        f"bundle, plain http), interleaved; {args.lifecycles} warm lifecycles per process after one "
        f"warm-up lifecycle, deployed TLS; scale: {args.scale_reps} Creates per account size and "
        f"provider, one burst each",
        "",
        "![Cold first answer and peak RSS against crhelper](bench/charts/cold.png)",
        "",
        "| figure | ours median | ours p90 | crhelper median | crhelper p90 | crhelper / ours |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in figures:
        ratio = f.ratio()
        label = f"{f.label} ({f.note})" if f.note else f.label
        lines.append(
            f"| {label} | {fmt(f.med(OURS), f.unit)} | {fmt(f.p90(OURS), f.unit)} | "
            f"{fmt(f.med(BASE), f.unit)} | {fmt(f.p90(BASE), f.unit)} | "
            f"{'—' if ratio is None else f'{ratio:.1f}×'} |"
        )
    lines += ["", "**Targets**", "", "| target | measured | met |", "| --- | --- | --- |"]
    by_key = {f.key: f for f in figures}
    for key, kind, limit, text in TARGETS:
        fig = by_key.get(key)
        if fig is None or fig.med(OURS) is None:
            reason = size.note if key.startswith("size") and size else "not measured"
            lines.append(f"| {text} | {reason or 'not measured'} | — |")
            continue
        if kind == "ratio":
            ratio = fig.ratio()
            measured, met = (f"{ratio:.1f}×" if ratio else "—"), bool(ratio and ratio >= limit)
        else:
            value = fig.med(OURS)
            measured, met = fmt(value, fig.unit), value <= limit
        lines.append(f"| {text} | {measured} | {'yes' if met else '**no**'} |")
    lines += ["", "**Cognito API calls per lifecycle step** (from the endpoint's `/_admin/calls`)", "",
              "| step | ours | crhelper |", "| --- | --- | --- |"]
    for step in STEPS:
        cells = []
        for key in (OURS, BASE):
            names = calls.get(key, {}).get(step)
            cells.append("—" if names is None else f"{len(names)}: {', '.join(names) or 'none'}")
        lines.append(f"| {step} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


def calls_word(n: float) -> str:
    return f"{n:g} call{'' if n == 1 else 's'}"


def render_scale(scale: dict[str, dict[int, list[CreateOutcome]]], burst: dict[str, BurstResult]) -> str:
    """The scale table (medians of the Creates per size; the burst) and its targets."""
    settings = ", ".join(f"{k} {v}" for k, v in SCALE.items())
    lines = [f"Endpoint settings: {settings} (per operation, for the account). One warm function per "
             "stack; time from queueing the Create to the answer accepted.", "",
             "| | ours | crhelper |", "| --- | --- | --- |"]

    def create_cell(outcomes: list[CreateOutcome]) -> str:
        failed = sum(o.status != "SUCCESS" for o in outcomes)
        cell = (f"{statistics.median(o.seconds for o in outcomes) * 1000:,.0f} ms, "
                f"{calls_word(statistics.median(o.calls for o in outcomes))}")
        throttled = sum(o.throttled for o in outcomes)
        if throttled:
            cell += f", {throttled} throttled in {len(outcomes)} runs"
        return cell + (f", **{failed} of {len(outcomes)} FAILED**" if failed else "")

    for pools in SCALE_SIZES:
        lines.append(f"| Create, account of {pools} pools | {create_cell(scale[OURS][pools])} | "
                     f"{create_cell(scale[BASE][pools])} |")

    def burst_cell(b: BurstResult) -> str:
        return (f"last answer after {b.last_answer:.1f} s, {b.calls} calls, {b.throttled} throttled, "
                f"{b.failed} of {BURST_STACKS} FAILED, {b.duplicates} duplicate pools")

    lines.append(f"| {BURST_STACKS} stacks at once, account of {BURST_POOLS} pools | "
                 f"{burst_cell(burst[OURS])} | {burst_cell(burst[BASE])} |")
    big = SCALE_SIZES[-1]
    ours_big, base_big = scale[OURS][big], scale[BASE][big]
    calls = max(o.calls for o in ours_big)
    ratio = statistics.median(o.seconds for o in ours_big) / statistics.median(o.seconds for o in base_big)
    b = burst[OURS]
    rows = [
        (f"Create in an account of {big} pools: ≤ 2 calls", f"{calls_word(calls)} (the most in {len(ours_big)} runs)",
         calls <= 2),
        (f"Create in an account of {big} pools: within 2× crhelper's time", f"{ratio:.2f}×", ratio <= 2),
        (f"{BURST_STACKS} stacks at once: no FAILED answer", f"{b.failed} FAILED", b.failed == 0),
        (f"{BURST_STACKS} stacks at once: no duplicate pool", f"{b.pools_made} pools for {BURST_STACKS} "
         f"requests, {b.duplicates} duplicates", b.duplicates == 0 and b.pools_made == BURST_STACKS),
        (f"{BURST_STACKS} stacks at once: last answer within 10 s", f"{b.last_answer:.1f} s", b.last_answer <= 10),
    ]
    lines += ["", "**Scale targets**", "", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {text} | {measured} | {'yes' if met else '**no**'} |" for text, measured, met in rows]
    return "\n".join(lines) + "\n"


ABOUT = """# Benchmarks

`make bench` runs the release `bootstrap` the way Lambda does (a fresh process
polling a Runtime API, with the variables Lambda sets for template.yaml's
function, `AWS_LAMBDA_LOG_FORMAT=JSON` among them), against the local stand-ins
in `local/`: the Cognito endpoint (Cognito Identity and Sync on one port, the
tagging API on another, as they are two hosts on AWS) and the presigned-URL
receiver. Both are served over https with a local CA, as deployed every
connection is TLS, and over plain http to show what TLS costs. In the same run
it does the same job with the usual Python way of writing a custom resource,
`bench/crhelper_provider` (crhelper + boto3, clients created at init) under
`python -m awslambdaric`, and prints baseline/ours for each figure.

## How to reproduce

```sh
make bench                       # release build in target/bench, then bench/run_bench.py --size
make build && make bench         # the same, with the arm64 bootstrap and zip sizes
.venv/bin/python bench/run_bench.py --binary target/bench/release/identity-pool-provider \\
    --runs 15 --lifecycles 20 --size      # directly; --no-write leaves this file and the charts alone
```

The cold and warm runs take under a minute once built, the scale runs a few more (the release build: about 8 minutes cold,
in its own target directory so it never waits on a debug build). The baseline
needs `awslambdaric` and `crhelper` (bench/requirements.txt, which `make bench`
installs into `.venv`) and `boto3` (local/requirements.txt).

What is measured (`bench/run_bench.py` has the details):

- **cold start** (cold init): process spawn → first `GET /next` on the
  Runtime API. The Create is queued before the spawn, as a cold invoke is. The
  figure includes the harness's own share: a minimal C program that does
  nothing but that one poll measures 2.2 ms (median of 40, 2026-11-29) on this
  machine.
- **cold first answer**: spawn → that Create's response accepted by the
  receiver (what CloudFormation waits for).
- **TLS configurations**: the headline is the **deployed** one. Every
  connection is https, as on AWS: the Create's calls to the tagging API and
  to Cognito Identity (two hosts, so two handshakes) and the response PUT. On
  `provided.al2023` no `SSL_CERT_FILE` is set and the function reads the OS
  trust store: here ours runs without `SSL_CERT_FILE`, with `SSL_CERT_DIR`
  naming a private directory that holds a copy of this machine's whole CA
  bundle plus the local CA (rustls-native-certs reads every file there, as it
  reads the system's bundle and directories when nothing is set; the machine's
  own store is untouched). The baseline reads that same full bundle twice, as
  it would on Lambda: Python's `ssl` (crhelper's PUT) through `SSL_CERT_FILE`,
  botocore through `AWS_CA_BUNDLE` (on Lambda, its own full bundle). Beside
  it, secondary figures: the same https connections with both trusting a
  **one-certificate bundle** (the local CA alone in `SSL_CERT_FILE` and
  `AWS_CA_BUNDLE`), which is not what anyone deploys, and everything over
  plain **http** (the endpoint and the receiver, no TLS), to show what TLS costs.
- **logging**: ours runs with `AWS_LAMBDA_LOG_FORMAT=JSON` and
  `AWS_LAMBDA_LOG_LEVEL=INFO`, as Lambda sets them for template.yaml's
  `LoggingConfig` (`LogFormat: JSON`); the baseline keeps the runtime's text
  format, as a crhelper function deployed without a `LoggingConfig` does.
- **CPU**: user+system time of the process, from the sum of its threads'
  `/proc/<pid>/task/*/schedstat` run time (ns) and from `/proc/<pid>/stat`
  utime+stime (10 ms ticks, so per-lifecycle figures there are a mean over all
  lifecycles), sampled once the first answer is in and around each warm lifecycle.
- **peak RSS**: `VmHWM` from `/proc/<pid>/status`.
- **warm lifecycle**: Create → Update (rename + retag) → Update with no change
  → Delete in one long-lived process, each request from queueing the event to
  the receiver accepting its answer; total = their sum.
- **scale** (issue 11): the endpoint answers each call after 30 ms and
  allows 5 requests/s per operation for the account (a token bucket; excess
  calls get `TooManyRequestsException`), its GetResources 2 s behind. A Create
  in an account preloaded with 0 / 300 / 999 pools, one warm function per
  provider, `--scale-reps` times each (medians, calls from `/_admin/calls`);
  then the **burst**: 20 stacks create at once in an account of 500 pools,
  each through its own warm function (20 processes per provider, one provider
  after the other): when the last answer came, how many FAILED, the calls,
  how many were throttled, and whether any request made two pools.
- **charts**: `bench/charts/cold.png` (cold first answer and peak RSS against
  crhelper) and `bench/charts/scale.png` (Create latency against account size,
  and the burst), drawn with matplotlib by every run.
- **size**: the stripped arm64 `bootstrap` and `bootstrap.zip` that `make build`
  (`cargo lambda build --release --arm64 --output-format zip`) leaves in
  `target/lambda/identity-pool-provider/`.

The bench machine is whatever runs it (x86_64 here): the time, CPU and memory
figures are for the native release binary; only the sizes are arm64. Lambda's
own figures for comparison: [Published cold-start figures](docs/design.md#published-cold-start-figures). The local stand-ins run in the
benchmark's own Python process and share the machine's cores with both
providers: the absolute numbers include their latency, equally for both.

`bench/profile_cold.py` replays cold Creates of one provider, optionally under
a tracer (`--wrap 'strace -f -tt -o {out}'`, `--wrap 'perf record -o {out}'`),
with the endpoint and the receiver over https or http, in the deployed TLS configuration
(`--deployed`) and any Lambda variable changed (`--env SSL_CERT_FILE=` removes
it); `--binary` given several times interleaves the builds and prints each
one's medians (an A/B on a shared machine): the tool behind the profile notes below.

"""


def write_benchmarks_md(report: str) -> None:
    kept = f"{CHANGES_HEADER}\n\n_One entry per change that moved a figure: the change, the figure before → after, the run's date._\n"
    if BENCHMARKS_MD.exists():
        text = BENCHMARKS_MD.read_text()
        if CHANGES_HEADER in text:
            kept = text[text.index(CHANGES_HEADER):]
    BENCHMARKS_MD.write_text(ABOUT + "## Latest run\n\n" + report + "\n" + kept)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="our release bootstrap (native)")
    parser.add_argument("--runs", type=int, default=15, help="cold processes per provider and receiver")
    parser.add_argument("--lifecycles", type=int, default=20, help="warm lifecycles per process")
    parser.add_argument("--scale-reps", type=int, default=3,
                        help="Creates per account size and provider in the scale runs")
    parser.add_argument("--size", action="store_true",
                        help="report the arm64 bootstrap and zip from target/lambda (make build)")
    parser.add_argument("--lambda-dir", default=str(LAMBDA_DIR), help=argparse.SUPPRESS)
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter with awslambdaric, crhelper and boto3 (default: this one)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md and bench/charts alone")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.lifecycles < 1 or args.scale_reps < 1:
        parser.error("--runs, --lifecycles and --scale-reps must be at least 1")
    binary = Path(args.binary).resolve()
    if not binary.is_file():
        parser.error(f"{binary} does not exist (make bench builds it)")
    invoked = [os.path.relpath(sys.executable, ROOT) if Path(sys.executable).is_relative_to(ROOT)
               else sys.executable, os.path.relpath(Path(__file__).resolve(), Path.cwd()),
               *(sys.argv[1:] if argv is None else argv)]
    command = shlex.join(invoked)
    if os.environ.get("MAKELEVEL"):
        command = f"make bench` → `{command}"
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.monotonic()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    events = Events()
    with tempfile.TemporaryDirectory(prefix="identity-pool-bench-") as scratch, ExitStack() as stack:
        ca = ensure_local_ca(scratch)
        trust_dir, full_bundle = deployed_trust_store(scratch, ca.ca_file)
        endpoint = cognito_endpoint(stack, ca)
        receivers = {"https": Receiver(ca).start(), "http": Receiver(None).start()}
        baseline_env = {"BENCH_PYTHON": args.python, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        trust = trust_settings(ca, trust_dir, full_bundle)

        def contenders(config: str) -> list[Provider]:
            urls = endpoint.urls[SCHEME[config]]
            return [
                Provider(OURS, "identity-pool-provider (Rust)", binary,
                         {**urls, **OURS_LOGGING, **trust[config][OURS]}),
                Provider(BASE, "crhelper + boto3 (Python)", BASELINE_BOOTSTRAP,
                         {**urls, **baseline_env, **trust[config][BASE]}),
            ]

        receiver_of = {config: receivers[scheme] for config, scheme in SCHEME.items()}
        try:
            log("warm-up: one cold run each (fills the page cache and Python's .pyc files)")
            for provider in contenders(DEPLOYED):
                cold_run(provider, receivers["https"], endpoint, events, f"{provider.key}-warmup")
            cold: dict[tuple[str, str], list[ColdResult]] = {}
            for i in range(args.runs):
                for config, receiver in receiver_of.items():
                    for provider in contenders(config):
                        result = cold_run(provider, receiver, endpoint, events, f"{provider.key}-{config}-{i}")
                        cold.setdefault((provider.key, config), []).append(result)
                log(f"  cold runs: {i + 1}/{args.runs}")
            log(f"warm lifecycles: {args.lifecycles} per process, alternating")
            warm = warm_runs(contenders(DEPLOYED), receivers["https"], endpoint, events, args.lifecycles, log)
            log(f"scale: a Create in accounts of {', '.join(map(str, SCALE_SIZES))} pools, {args.scale_reps}× each")
            scale = scale_runs(contenders(DEPLOYED), receivers["https"], endpoint, events, args.scale_reps, log)
            burst = {}
            for provider in contenders(DEPLOYED):
                log(f"burst: {BURST_STACKS} stacks at once in an account of {BURST_POOLS} pools, {provider.label}")
                burst[provider.key] = burst_run(provider, receivers["https"], endpoint, events)
        finally:
            for receiver in receivers.values():
                receiver.stop()

    def cold_fig(key: str, label: str, unit: str, pick: Callable[[ColdResult], float], config: str,
                 note: str = "") -> Figure:
        convert = (lambda v: v * 1000) if unit == "ms" else (lambda v: v / MIB)
        return Figure(key, label, unit, [convert(pick(r)) for r in cold[(OURS, config)]],
                      [convert(pick(r)) for r in cold[(BASE, config)]], note)

    tls_cost = {
        key: [a.first_answer * 1000 - b.first_answer * 1000
              for a, b in zip(cold[(key, BUNDLE)], cold[(key, HTTP)])]
        for key in (OURS, BASE)
    }
    figures = [
        cold_fig("cold_start_deployed", "**cold init: spawn → first poll, deployed TLS**", "ms",
                 lambda r: r.cold_start, DEPLOYED),
        cold_fig("cold_start_bundle", "cold init, one-certificate bundle", "ms", lambda r: r.cold_start, BUNDLE),
        cold_fig("cold_answer_deployed", "**cold first answer, https, deployed TLS**", "ms",
                 lambda r: r.first_answer, DEPLOYED),
        cold_fig("cold_answer_bundle", "cold first answer, https, one-certificate bundle", "ms",
                 lambda r: r.first_answer, BUNDLE),
        cold_fig("cold_answer_http", "cold first answer, plain http (endpoint and receiver)", "ms",
                 lambda r: r.first_answer, HTTP),
        Figure("tls_cost", "TLS cost: all https (one-cert bundle) − all http first answer", "ms", tls_cost[OURS],
               tls_cost[BASE], "paired runs", ratio_makes_sense=False),
        cold_fig("cpu_cold", "CPU spawn → first answer (deployed TLS)", "ms", lambda r: r.cpu_sched, DEPLOYED,
                 "schedstat"),
        cold_fig("cpu_cold_ticks", "CPU spawn → first answer (deployed TLS)", "ms", lambda r: r.cpu_ticks,
                 DEPLOYED, "/proc stat, 10 ms ticks"),
        cold_fig("rss_cold", "peak RSS at first answer (deployed TLS)", "MiB", lambda r: r.rss, DEPLOYED),
    ]
    for step in STEPS:
        figures.append(Figure(f"warm_{step}", f"warm {step}", "ms", ms(warm[OURS].steps[step]),
                              ms(warm[BASE].steps[step])))
    figures += [
        Figure("warm_total", "warm lifecycle, total of the 4 requests", "ms", ms(warm[OURS].totals),
               ms(warm[BASE].totals)),
        Figure("cpu_lifecycle", "CPU per warm lifecycle", "ms", ms(warm[OURS].cpu_sched),
               ms(warm[BASE].cpu_sched), "schedstat"),
        Figure("cpu_lifecycle_ticks", "CPU per warm lifecycle", "ms",
               [sum(ms(warm[OURS].cpu_ticks)) / args.lifecycles],
               [sum(ms(warm[BASE].cpu_ticks)) / args.lifecycles],
               f"/proc stat, mean of {args.lifecycles}"),
        Figure("rss_peak", "peak RSS after the warm lifecycles", "MiB",
               [warm[OURS].last.vmhwm_bytes / MIB], [warm[BASE].last.vmhwm_bytes / MIB]),
    ]
    size = None
    if args.size:
        size = deployment_size(Path(args.lambda_dir))
        for key, label, value in (("size_bootstrap", "arm64 bootstrap", size.bootstrap),
                                  ("size_zip", "deployment zip", size.zip)):
            if value is not None:
                figures.append(Figure(key, label, "MiB", [value / MIB], None, size.note))
    calls = {key: warm[key].calls for key in (OURS, BASE)}
    elapsed = time.monotonic() - t0
    report = render(figures, calls, args, command, started, elapsed, size, binary)
    report += ("\n### Scale: the idempotency look-up and throttling\n\n"
               "![Create latency against account size, and the burst](bench/charts/scale.png)\n\n"
               + render_scale(scale, burst))
    if not args.size:
        report += "\nSizes: not measured (pass `--size`; `make build` makes the arm64 zip).\n"
    elif size and size.bootstrap is None:
        report += f"\nSizes: {size.note}.\n"
    print(report)
    if not args.no_write:
        draw_charts(figures, scale, burst)
        write_benchmarks_md(report)
        log(f"wrote {BENCHMARKS_MD.relative_to(ROOT)} and {CHARTS.relative_to(ROOT)}/")
    return 0



def draw_charts(figures: list[Figure], scale: dict, burst: dict) -> None:
    """The charts BENCHMARKS.md shows, of this run (only when it writes the file)."""
    by_key = {f.key: f for f in figures}
    CHARTS.mkdir(exist_ok=True)
    charts.cold_chart(
        CHARTS / "cold.png",
        {key: {"deployed TLS": by_key["cold_answer_deployed"].med(key),
               "one-certificate bundle": by_key["cold_answer_bundle"].med(key)} for key in (OURS, BASE)},
        {key: by_key["rss_peak"].med(key) for key in (OURS, BASE)})
    charts.scale_chart(
        CHARTS / "scale.png", list(SCALE_SIZES),
        {key: [statistics.median(o.seconds for o in scale[key][n]) * 1000 for n in SCALE_SIZES]
         for key in (OURS, BASE)},
        {key: [statistics.median(o.calls for o in scale[key][n]) for n in SCALE_SIZES] for key in (OURS, BASE)},
        {key: (burst[key].last_answer, burst[key].failed, BURST_STACKS) for key in (OURS, BASE)},
        f"{BURST_STACKS} stacks at once, {BURST_POOLS} pools, {SCALE['rate_limit']} req/s")


if __name__ == "__main__":
    sys.exit(main())
