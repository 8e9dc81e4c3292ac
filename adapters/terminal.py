"""Lines typed at a terminal, for the console: line editing, history, a prompt, tidy output.

When the console's input is a terminal, each line is read with the standard library's `readline`
(where the platform has it): arrow keys move in the line and through earlier lines instead of
ending up in it, and the prompt shows where and as whom the person speaks. The history lives in
memory only, since what people type is their own words.

`input()` blocks, so it runs on a daemon thread that reads one line each time it is asked; the
thread never keeps the process from ending. What the bot prints while someone is typing clears
the prompt line, prints, and draws the prompt and the half-typed line again. The terminal's
settings are put back on close, even when the bot stops in the middle of a line.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import IO, Any

log = logging.getLogger(__name__)

CLEAR_LINE = "\r\x1b[K"


def _readline() -> ModuleType | None:
    try:
        import readline  # importing it is what turns line editing on
    except ImportError:  # a Python built without it: plain lines still work
        return None
    return readline


class TerminalLines:
    """Reads lines at a terminal with a prompt; writes output around the line being typed."""

    def __init__(
        self,
        *,
        prompt: Callable[[], str],
        output: IO[str],
        stdin: IO[str] | None = None,
    ) -> None:
        self._prompt = prompt
        self._out = output
        self._stdin = stdin or sys.stdin
        self._readline = _readline()
        self._saved = self._terminal_settings()
        self._asks: queue.Queue[str | None] = queue.Queue()
        self._waiting: asyncio.Future[str | None] | None = None
        self._typing = False  # the thread is inside input(): the prompt is on screen
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    async def line(self) -> str | None:
        """The next line typed (without its newline), or None when input ends (Ctrl-D)."""
        loop = asyncio.get_running_loop()
        if self._thread is None:
            self._loop = loop
            self._thread = threading.Thread(target=self._read, name="console-input", daemon=True)
            self._thread.start()
        self._waiting = loop.create_future()
        self._asks.put(self._prompt())
        try:
            return await self._waiting
        finally:
            self._waiting = None

    def write(self, text: str) -> None:
        """Print `text` as its own lines, keeping the prompt and half-typed line below it."""
        if not self._typing:
            self._out.write(text + "\n")
            self._out.flush()
            return
        typed = self._readline.get_line_buffer() if self._readline is not None else ""
        self._out.write(f"{CLEAR_LINE}{text}\n{self._prompt()}{typed}")
        self._out.flush()

    def close(self) -> None:
        """Stop reading and give the terminal back as it was."""
        self._asks.put(None)
        if self._typing and self._saved is not None:
            self._out.write("\n")
            self._out.flush()
        self._restore()

    def _read(self) -> None:
        """The input thread: one `input()` per request from the loop."""
        while (prompt := self._asks.get()) is not None:
            self._typing = True
            try:
                line: str | None = input(prompt)
            except EOFError:
                line = None
            except Exception:  # the terminal went away: end input like Ctrl-D
                log.debug("reading the terminal failed", exc_info=True)
                line = None
            finally:
                self._typing = False
            if line is None:
                self._out.write("\n")  # Ctrl-D leaves the cursor after the prompt
                self._out.flush()
            self._hand_over(line)
            if line is None:
                return

    def _hand_over(self, line: str | None) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._settle, line)
        except RuntimeError:  # the loop has closed: nobody waits for this line any more
            pass

    def _settle(self, line: str | None) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(line)

    def _terminal_settings(self) -> list[Any] | None:
        try:
            import termios  # not on every platform

            return termios.tcgetattr(self._stdin.fileno())
        except (ImportError, OSError, ValueError):
            return None

    def _restore(self) -> None:
        if self._saved is None:
            return
        try:
            import termios

            termios.tcsetattr(self._stdin.fileno(), termios.TCSADRAIN, self._saved)
        except (ImportError, OSError, ValueError):
            pass
