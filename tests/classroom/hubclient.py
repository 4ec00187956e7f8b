"""Drive a running JupyterHub as its learners' browsers would, for the class-server tests.

REST calls go through the hub's API with the teacher service's token; a
notebook is run the way JupyterLab runs it: a session is opened for its path
(so the kernel starts in the notebook's folder, as the learner's own user),
and each code cell is sent as an ``execute_request`` over the kernel's
websocket, collecting its outputs until the kernel is idle again.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


@dataclass
class CellRun:
    source: str
    status: str = ""
    text: str = ""
    errors: list[str] = field(default_factory=list)


class Hub:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, f"{self.url}{path}", timeout=60, **kwargs)

    def answers(self) -> bool:
        try:
            return self.api("GET", "/hub/api/").status_code == 200
        except requests.ConnectionError:
            return False

    def start_server(self, user: str, timeout: float = 180) -> None:
        """Start ``user``'s server and wait until the hub says it is ready."""
        self.api("POST", f"/hub/api/users/{user}")  # 201, or 409 when it exists
        started = self.api("POST", f"/hub/api/users/{user}/server")
        if started.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"cannot start {user}'s server: {started.status_code} "
                               f"{started.text}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/hub/api/users/{user}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            if not server and not model.get("pending"):
                raise RuntimeError(f"{user}'s server stopped while starting: {model}")
            time.sleep(0.5)
        raise TimeoutError(f"{user}'s server did not start within {timeout} s")

    def open_notebook(self, user: str, path: str, kernel: str = "balena-lab") -> str:
        """Open ``path`` (relative to the learner's workspace) as JupyterLab does: the kernel id."""
        session = self.api("POST", f"/user/{user}/api/sessions", json={
            "path": path, "name": Path(path).name, "type": "notebook",
            "kernel": {"name": kernel}})
        session.raise_for_status()
        return str(session.json()["kernel"]["id"])

    async def run_cells(self, user: str, kernel_id: str, sources: list[str],
                        timeout: float = 900) -> list[CellRun]:
        """Run each source in the kernel, in order; stop at the first cell that fails."""
        ws_url = self.url.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel_id}/channels"
        request = HTTPRequest(ws_url, headers={"Authorization": f"token {self.token}"},
                              request_timeout=60)
        connection = await websocket_connect(request, max_message_size=64 * 1024 * 1024)
        session = uuid.uuid4().hex
        runs: list[CellRun] = []
        try:
            for source in sources:
                run = CellRun(source)
                runs.append(run)
                await asyncio.wait_for(_execute(connection, session, run), timeout)
                if run.status != "ok":
                    break
        finally:
            connection.close()
        return runs

    def run_notebook(self, user: str, notebook: Path, relative: str) -> list[CellRun]:
        kernel_id = self.open_notebook(user, relative)
        return asyncio.run(self.run_cells(user, kernel_id, code_cells(notebook)))


def code_cells(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


async def _execute(connection: Any, session: str, run: CellRun) -> None:
    msg_id = uuid.uuid4().hex
    await connection.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": session,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": run.source, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    replied = idle = False
    while not (replied and idle):
        raw = await connection.read_message()
        if raw is None:
            raise ConnectionError("the kernel's websocket closed")
        if isinstance(raw, bytes):
            continue  # a binary (buffers) message: none of ours
        message = json.loads(raw)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "execute_reply":
            replied, run.status = True, content["status"]
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "stream":
            run.text += content["text"]
        elif kind in ("execute_result", "display_data"):
            run.text += content["data"].get("text/plain", "") + "\n"
        elif kind == "error":
            run.errors.append(f"{content['ename']}: {content['evalue']}\n"
                              + "\n".join(content.get("traceback", [])))
