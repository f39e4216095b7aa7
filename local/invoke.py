"""`make invoke`: sends one request from `events/` to the function `make watch` serves.

First it checks, within seconds, that everything the request needs answers: the
function emulator (`make watch`), the local Cognito endpoint and the receiver of
the request's ResponseURL (both `make local-endpoint`); it names the command to
start when one does not, instead of leaving the function to wait on it.

An Update or Delete needs the pool it is about in `PhysicalResourceId`: it comes
from `--pool-id` (`make invoke POOL_ID=…`), else from the pool id the last Create
or replacement answered, which is remembered in `--state` (default
`.local/pool-id`, git-ignored). The files in `events/` are never edited.

The answer is printed with a label; the exit status is 0 for SUCCESS, 1 for
FAILED, 2 when the request could not be sent.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTION_NAME = "identity-pool-provider"
CONNECT_TIMEOUT_S = 2.0
#: After this long without an answer, say why the wait may be long (the emulator's first build).
SLOW_ANSWER_S = 10.0


class NotSent(Exception):
    """Why the request was not sent; the message says what to do."""


def answers(url: str) -> bool:
    """Whether something accepts a TCP connection at the URL's host and port."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=CONNECT_TIMEOUT_S):
            return True
    except OSError:
        return False


def check_services(services: list[tuple[str, str, str]]) -> None:
    """Raises NotSent naming each (what, url, command) that does not answer."""
    missing = [f"  nothing answers at {urlsplit(url).netloc} ({what}): start `{command}` in another terminal"
               for what, url, command in services if not answers(url)]
    if missing:
        raise NotSent("The request was not sent:\n" + "\n".join(missing))


def with_receiver(response_url: str, receiver: str | None) -> str:
    """The ResponseURL pointed at ``receiver`` (scheme and host:port) when given."""
    if receiver is None:
        return response_url
    target = urlsplit(receiver)
    parts = urlsplit(response_url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def pool_id_for(event: dict, given: str | None, state: Path) -> tuple[str | None, str]:
    """The PhysicalResourceId to send and where it came from (None for a Create)."""
    if event["RequestType"] == "Create":
        return None, ""
    if given:
        return given, "POOL_ID"
    if state.is_file() and (remembered := state.read_text().strip()):
        return remembered, f"remembered in {display(state)}"
    raise NotSent(
        f"A {event['RequestType']} needs the pool id in PhysicalResourceId: run "
        "`make invoke EVENT=events/create.json` first (its answer is remembered), "
        "or pass POOL_ID=<pool id>."
    )


def remember(event: dict, answer: dict, state: Path) -> str | None:
    """Keeps the pool a Create or replacement answered; forgets the one a Delete removed.
    Returns a line saying what changed, or None."""
    if answer.get("Status") != "SUCCESS":
        return None
    pool_id = answer.get("PhysicalResourceId")
    if event["RequestType"] == "Delete":
        if state.is_file() and state.read_text().strip() == pool_id:
            state.unlink()
            return f"Forgot pool id {pool_id} ({display(state)}): it is deleted."
        return None
    if event["RequestType"] == "Update" and pool_id == event.get("PhysicalResourceId"):
        return None
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(pool_id + "\n")
    replaced = f" (it replaces {event['PhysicalResourceId']}; delete that one with POOL_ID=…)" \
        if event["RequestType"] == "Update" else ""
    return (f"Remembered pool id {pool_id} in {display(state)}{replaced}: "
            "the next Update or Delete uses it unless POOL_ID is given.")


def label(event: dict, answer: dict) -> str:
    """One line naming the request an answer belongs to and how it went."""
    return (f"{event['RequestType']} {event.get('LogicalResourceId', '')} "
            f"(RequestId {event.get('RequestId', '?')}): {answer.get('Status', 'no Status')}")


def display(path: Path) -> str:
    """A path as the user would type it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def invoke(event: dict, watch: str) -> dict:
    """The function's result, through `cargo lambda invoke` against the emulator at ``watch``."""
    parts = urlsplit(watch)
    command = ["cargo", "lambda", "invoke", FUNCTION_NAME, "--invoke-address", parts.hostname,
               "--invoke-port", str(parts.port), "--output-format", "json",
               "--data-ascii", json.dumps(event)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          cwd=REPO_ROOT) as running:
        try:
            stdout, stderr = running.communicate(timeout=SLOW_ANSWER_S)
        except subprocess.TimeoutExpired:
            print("No answer yet: `make watch` builds the function at its first request "
                  "(its terminal shows the build; minutes on a fresh clone).", flush=True)
            stdout, stderr = running.communicate()
    if running.returncode != 0:
        raise NotSent(f"cargo lambda invoke failed (exit {running.returncode}):\n"
                      f"{stderr.strip() or stdout.strip()}")
    return json.loads(stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("event", type=Path, help="a request from events/, e.g. events/create.json")
    parser.add_argument("--pool-id", help="the PhysicalResourceId for an Update or Delete")
    parser.add_argument("--state", type=Path, default=REPO_ROOT / ".local" / "pool-id",
                        help="where the last pool id a Create or replacement answered is kept")
    parser.add_argument("--watch", default="http://127.0.0.1:9000",
                        help="the `cargo lambda watch` emulator")
    parser.add_argument("--endpoint", default="http://127.0.0.1:5000",
                        help="the local Cognito endpoint the function calls")
    parser.add_argument("--receiver",
                        help="send the answer here instead of the event's ResponseURL host")
    args = parser.parse_args(argv)

    try:
        event = json.loads(args.event.read_text())
        event["ResponseURL"] = with_receiver(event["ResponseURL"], args.receiver)
        pool_id, source = pool_id_for(event, args.pool_id, args.state)
        if pool_id is not None:
            event["PhysicalResourceId"] = pool_id
        check_services([
            ("the function, cargo lambda watch", args.watch, "make watch"),
            ("the local Cognito endpoint", args.endpoint, "make local-endpoint"),
            ("the receiver of the ResponseURL", event["ResponseURL"], "make local-endpoint"),
        ])
        about = f", PhysicalResourceId {pool_id} ({source})" if pool_id else ""
        print(f"Invoking {FUNCTION_NAME} with {args.event} ({event['RequestType']}{about})", flush=True)
        answer = invoke(event, args.watch)
    except NotSent as error:
        print(error, file=sys.stderr)
        return 2
    print(f"=== The function answered {label(event, answer)} ===")
    print(json.dumps(answer, indent=2, sort_keys=True))
    if (note := remember(event, answer, args.state)) is not None:
        print(note)
    if answer.get("Status") != "SUCCESS":
        print(f"FAILED: {answer.get('Reason', 'no Reason given')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
