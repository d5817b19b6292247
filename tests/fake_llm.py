"""A fake at the outer edge: a real HTTP server on loopback speaking the OpenAI chat-completions protocol,
answering with scripted replies (good and bad) so the checks on generated answers meet real traffic."""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Raw:
    """A reply as bytes on the wire: for HTTP errors, malformed bodies and slow answers."""

    status: int = 200
    body: bytes = b""
    delay: float = 0.0
    content_type: str = "application/json"


Script = Callable[[dict], "str | Raw"]
_PASSAGE = re.compile(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', re.S)


def passages_in(request: dict) -> dict[int, str]:
    """The numbered passages the prompt of a chat request carries, by number."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    return {int(n): text for n, text in _PASSAGE.findall(user)}


def is_condense(request: dict) -> bool:
    """Whether a request asks to rewrite a follow-up question (rather than to answer one)."""
    system = next(m["content"] for m in request["messages"] if m["role"] == "system")
    return "standalone question" in system


def completion(content: str, model: str = "fake-model") -> bytes:
    """An OpenAI chat-completion response body carrying one assistant message."""
    return json.dumps({
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }).encode()


class FakeLLM:
    """The server: start() it, set `script` per test, read `requests` afterwards, stop() it."""

    def __init__(self) -> None:
        self.script: Script = lambda request: "No script was set. [1]"
        self.requests: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeLLM":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server interface)
                if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                    self._send(Raw(404, b'{"error": {"message": "not found"}}'))
                    return
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                request["_authorization"] = self.headers.get("Authorization")
                fake.requests.append(request)
                reply = fake.script(request)
                self._send(reply if isinstance(reply, Raw) else Raw(body=completion(reply, request.get("model", ""))))

            def _send(self, reply: Raw) -> None:
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

            def log_message(self, *args: object) -> None:
                pass

        # port 0 on an existing server: bind the same port again after a stop(), for restart tests
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
