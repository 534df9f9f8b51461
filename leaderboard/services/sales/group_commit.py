"""Group commit: concurrent single sales share one transaction; each caller gets its own result after it.

One writer thread (a greenlet under gevent) per process drains a short queue every few milliseconds
or every `max_sales`, so projection statements and the commit are paid once per group, not per sale.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask

from leaderboard.extensions import db
from leaderboard.schemas import SaleIn

log = logging.getLogger(__name__)
Outcome = tuple[dict[str, Any], bool]
# Stores a group in one transaction; returns one outcome or exception per sale, in order.
GroupWriter = Callable[[list[SaleIn], datetime], list["Outcome | Exception"]]
SingleWriter = Callable[[SaleIn, datetime], Outcome]
CALLER_TIMEOUT_S = 60
GROUP_COMMIT = "leaderboard.group_commit"


@dataclass
class PendingSale:
    data: SaleIn
    now: datetime
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome | None = None
    error: BaseException | None = None


class GroupCommit:
    """The per-process queue of single sales waiting for the next group transaction."""

    def __init__(self, app: Flask, write_group: GroupWriter, write_one: SingleWriter, wait_ms: float,
                 max_sales: int) -> None:
        self.app, self.write_group, self.write_one = app, write_group, write_one
        self.wait_s, self.max_sales = wait_ms / 1000, max_sales
        self.pending: queue.Queue[PendingSale] = queue.Queue()
        self.group_sizes: list[int] = []  # recent sizes, for tests and benchmarks
        self._writer: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, data: SaleIn, now: datetime) -> Outcome:
        """Queue a validated sale and wait until its group committed (or failed) with its own outcome."""
        self._ensure_writer()
        item = PendingSale(data, now)
        self.pending.put(item)
        if not item.done.wait(CALLER_TIMEOUT_S):
            raise TimeoutError("the sale writer did not answer in time")
        if item.error is not None:
            raise item.error
        assert item.outcome is not None
        return item.outcome

    def _ensure_writer(self) -> None:
        with self._start_lock:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._run, name="sale-group-commit", daemon=True)
                self._writer.start()

    def _run(self) -> None:
        with self.app.app_context():
            while True:
                group = self._next_group()
                try:
                    self._write(group)
                finally:
                    db.session.remove()
                    for item in group:
                        item.done.set()

    def _next_group(self) -> list[PendingSale]:
        group = [self.pending.get()]
        deadline = time.monotonic() + self.wait_s
        while len(group) < self.max_sales:
            remaining = deadline - time.monotonic()
            try:
                group.append(self.pending.get(timeout=remaining) if remaining > 0 else self.pending.get_nowait())
            except queue.Empty:
                break
        return group

    def _write(self, group: list[PendingSale]) -> None:
        self.group_sizes = ([*self.group_sizes, len(group)])[-1000:]
        try:
            outcomes = self.write_group([item.data for item in group], group[0].now)
        except Exception:  # one bad sale must not fail its neighbours: settle each on its own
            log.exception("a group of %d sales failed; writing them one by one", len(group))
            db.session.rollback()
            outcomes = []
            for item in group:
                try:
                    outcomes.append(self.write_one(item.data, item.now))
                except Exception as exc:  # handed to that caller, raised in its request
                    db.session.rollback()
                    outcomes.append(exc)
        for item, outcome in zip(group, outcomes, strict=False):
            if isinstance(outcome, BaseException):
                item.error = outcome
            else:
                item.outcome = outcome
