"""A real HTTP server on 127.0.0.1 standing in for the four robot platforms.

``ThreadingHTTPServer`` on a free port records every POST (path, query, JSON body) and answers
from a script: by default each platform's success answer; ``replies`` queues answers for the
next requests — ``(status, text)``, or :data:`HANG` to accept the request and never answer (the
client's timeout must end it; the handler is released when the server stops).
URLs have the platforms' own paths and keys, so the same URL checks apply as in production;
only the host differs, which is why tests pass ``kind`` explicitly.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HANG = "hang"
KEYS = {"wecom": "693a91f6-7f1e-4bc4-97a0-0ec2d5c1a001", "dingtalk": "d1n9t0ken0c0ffee",
        "feishu": "5e3d587e-d78e-4a07-bd07-265f269f86fd", "slack": "T0001/B0002/XyZsecretToken"}
PATHS = {"wecom": "/cgi-bin/webhook/send?key={k}", "dingtalk": "/robot/send?access_token={k}",
         "feishu": "/open-apis/bot/v2/hook/{k}", "slack": "/services/{k}"}
OK = {"wecom": (200, '{"errcode":0,"errmsg":"ok"}'), "dingtalk": (200, '{"errcode":0,"errmsg":"ok"}'),
      "feishu": (200, '{"code":0,"msg":"success","data":{}}'), "slack": (200, "ok")}


@dataclass
class Hit:
    kind: str
    path: str
    query: dict[str, str]
    raw: bytes
    headers: dict[str, str]

    @property
    def body(self) -> dict:
        return json.loads(self.raw.decode("utf-8"))


@dataclass
class RobotServer:
    port: int = 0
    hits: list[Hit] = field(default_factory=list)
    replies: list = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    def url(self, kind: str) -> str:
        return f"http://127.0.0.1:{self.port}" + PATHS[kind].format(k=KEYS[kind])

    def of(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.kind == kind]

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def _kind(path: str) -> str:
    if path.startswith("/cgi-bin/webhook/send"):
        return "wecom"
    if path.startswith("/robot/send"):
        return "dingtalk"
    if path.startswith("/open-apis/bot/v2/hook/"):
        return "feishu"
    return "slack"


def start_robots() -> RobotServer:
    state = RobotServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            kind = _kind(parts.path)
            state.hits.append(Hit(kind, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, raw,
                                  dict(self.headers.items())))
            reply = state.replies.pop(0) if state.replies else OK[kind]
            if reply == HANG:
                state.released.wait(60)     # the client gives up first; released when the server stops
                return
            status, text = reply
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if text.startswith("{") else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):   # keep the test output clean
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    state.server, state.port = srv, srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return state
