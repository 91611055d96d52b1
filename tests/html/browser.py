"""A small headless-Chromium driver over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
requests on fd 3, replies on fd 4, NUL-separated JSON), so the tests need no websocket library.

It loads one page with the network cut off (a proxy to nowhere, no background services) and
records what a reader's browser would: console errors, uncaught exceptions, CSP violations and
other log errors, every request the page made or failed, and any dialog (alert/confirm/prompt).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageRun:
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    evaluated: Any = None
    screenshot: bytes = b""


class Browser:
    def __init__(self, binary: str, width: int = 1400, height: int = 1000) -> None:
        self.profile = tempfile.mkdtemp(prefix="llmcost-chromium-")
        r_in, w_in = os.pipe()  # we write, chromium reads on fd 3
        r_out, w_out = os.pipe()  # chromium writes on fd 4, we read
        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-first-run",
            "--no-default-browser-check",
            "--metrics-recording-only",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--user-data-dir={self.profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]

        def wire() -> None:
            os.dup2(r_in, 3)
            os.dup2(w_out, 4)

        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire,
        )
        os.close(r_in)
        os.close(w_out)
        self.w, self.r = w_in, r_out
        self.buf = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.dialogs: list[str] = []

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.w, self.r):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        if message.get("method") == "Page.javascriptDialogOpening":
            # A dialog blocks the page: note it and dismiss it at once (the reply is ignored).
            self.dialogs.append(message.get("params", {}).get("message", ""))
            self.next_id += 1
            dismiss = {
                "id": self.next_id,
                "method": "Page.handleJavaScriptDialog",
                "params": {"accept": False},
                "sessionId": message.get("sessionId"),
            }
            os.write(self.w, json.dumps(dismiss).encode() + b"\0")
        return message

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 20,
    ) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_event(self, method: str, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            e = self._read_message(deadline)
            if e.get("method") == method:
                return e
            self.events.append(e)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def load(
        self,
        url: str,
        evaluate: str,
        settle: float = 0.5,
        clip: tuple[int, int] | None = None,
        media: str | None = None,
    ) -> PageRun:
        """Open `url` in a fresh tab, let it run, evaluate `evaluate` (an expression returning
        JSON-able data), take a full-page screenshot, and report what happened."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=session)
        if media:
            self.send("Emulation.setEmulatedMedia", {"media": media}, session=session)
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired")
        self.drain(settle)
        run = PageRun()
        value = self.send(
            "Runtime.evaluate", {"expression": evaluate, "returnByValue": True}, session=session
        )
        run.evaluated = value.get("result", {}).get("value")
        metrics = self.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width, height = int(size["width"]), int(size["height"])
        # Grow the viewport to the whole page first and let the charts redraw at that size:
        # capturing "beyond the viewport" resizes it under the page, and a responsive canvas
        # caught between its resize and its next frame is blank.
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        self.drain(0.4)
        top, tall = clip if clip else (0, height)
        shot = self.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": {"x": 0, "y": top, "width": width, "height": tall, "scale": 1}},
            session=session,
            timeout=60,
        )
        run.screenshot = base64.b64decode(shot["data"])
        self.drain(0.1)
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                run.console_errors.append(json.dumps(p.get("args"))[:500])
            elif method == "Runtime.exceptionThrown":
                run.exceptions.append(json.dumps(p.get("exceptionDetails"))[:500])
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                run.log_errors.append(p["entry"].get("text", "")[:500])
            elif method == "Network.requestWillBeSent":
                run.requests.append(p.get("request", {}).get("url", "")[:200])
            elif method == "Network.loadingFailed":
                run.failed.append(f"{p.get('errorText')} {p.get('blockedReason', '')}")
        run.dialogs = list(self.dialogs)
        return run


def open_report(
    path: Path,
    evaluate: str,
    clip: tuple[int, int] | None = None,
    width: int = 1400,
    media: str | None = None,
) -> PageRun:
    binary = chromium()
    assert binary is not None
    browser = Browser(binary, width=width)
    try:
        return browser.load(path.resolve().as_uri(), evaluate, clip=clip, media=media)
    finally:
        browser.close()
