"""Stand-in for the Lambda Invoke API, for callers that invoke the function through an
AWS SDK (CDK's Provider framework does): ``POST /2015-03-31/functions/<name>/invocations``
runs the payload through the local Runtime API (``runtime_api.RuntimeApi``) and
answers as Lambda answers a synchronous invocation: the function's result as the
body, and ``X-Amz-Function-Error: Unhandled`` when the function failed.
https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
"""

from __future__ import annotations

import json
import re

from runtime_api import RuntimeApi
from tls import BodyError, LocalHandler, LocalServer

_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations(\?.*)?$")


class _InvokeHandler(LocalHandler):
    def do_POST(self) -> None:
        if not _INVOKE.match(self.path):
            self.reply(404, b'{"Type":"User","message":"unknown path"}', "application/json")
            return
        try:
            payload = self.read_body()
        except BodyError as bad:
            self.reply(400, json.dumps({"message": str(bad)}).encode(), "application/json", close=True)
            return
        invocation = self.app.runtime_api.invoke(payload or b"{}", timeout_s=self.app.timeout_s)
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if invocation.kind == "error":
            headers["X-Amz-Function-Error"] = "Unhandled"
        self.reply(200, invocation.raw_body, "application/json", headers)


class InvokeApi(LocalServer):
    """Serves synchronous invocations of the bootstrap polling ``runtime_api``,
    each with a deadline ``timeout_s`` away (the function's configured timeout)."""

    handler_class = _InvokeHandler

    def __init__(self, runtime_api: RuntimeApi, timeout_s: float = 30.0, port: int = 0):
        super().__init__(None, port)
        self.runtime_api = runtime_api
        self.timeout_s = timeout_s
