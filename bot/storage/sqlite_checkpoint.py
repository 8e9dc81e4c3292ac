"""Copying SQLite's write-ahead log back into the database file, on a thread of its own.

A commit in WAL mode would now and then run SQLite's automatic checkpoint, with an fsync, and
stall whoever committed for milliseconds. The driver connection (bot/storage/sqlite_connection.py)
turns that off and asks a `Checkpointer` instead; a WAL checkpoint never blocks writers.
"""

from __future__ import annotations

import sqlite3
import threading


class Checkpointer:
    """Copies a database's write-ahead log back into its file, on its own thread."""

    def __init__(self, database: str, *, busy_timeout_ms: int, uri: bool = False) -> None:
        self._database = database
        self._busy_timeout_ms = busy_timeout_ms
        self._uri = uri
        self._wanted = threading.Event()
        self._stopping = False
        self._done = 0
        self._progress = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def request(self) -> None:
        self._wanted.set()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until `count` checkpoints have run (False when `timeout` seconds pass first)."""
        with self._progress:
            return self._progress.wait_for(lambda: self._done >= count, timeout)

    def stop(self) -> None:
        """Ask the thread to finish; it closes its connection and ends on its own."""
        self._stopping = True
        self._wanted.set()

    def join(self, timeout: float) -> bool:
        """Wait for the thread to end (False when `timeout` seconds pass first)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        conn = sqlite3.connect(self._database, timeout=self._busy_timeout_ms / 1000, uri=self._uri)
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stopping:
                    return
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                with self._progress:
                    self._done += 1
                    self._progress.notify_all()
        finally:
            conn.close()
