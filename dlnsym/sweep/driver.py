"""Running a sweep on Dask: clients, chunks of instances, progress, checkpoints and Ctrl-C.

Without a client or a scheduler address the sweep starts a :class:`distributed.LocalCluster`
of worker *processes* with one thread each (Algorithm 1 holds the GIL and runs its linear
algebra on one BLAS thread), one per core unless told otherwise, and closes it at the end.
Instances are submitted in chunks (one task runs several instances in turn) so that the
scheduler's per-task cost stays small against the instances' own; finished rows are stored as
each task returns (:class:`~dlnsym.sweep.store.ResultStore`).  A task that fails as a whole
(its worker died on it more often than Dask's ``allowed-failures``) gives rows of status
``"error"`` for its instances; a cancelled one gives none, so a rerun does it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlnsym.errors import ParameterError
from dlnsym.sweep.instances import failed_rows, run_chunk
from dlnsym.sweep.spec import Instance, SweepSpec, load_spec

if TYPE_CHECKING:  # pandas, pyarrow and distributed load on first use: `import dlnsym` stays fast
    import pandas as pd
    from distributed import Client

    from dlnsym.sweep.store import ResultStore

__all__ = ["default_workers", "sweep"]

#: Largest number of instances in one task (an auto-sized chunk).
MAX_CHUNK = 32
#: Tasks per worker an auto-sized chunking aims at (so that the load balances at the end).
TASKS_PER_WORKER = 8


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells it).

    ``len(os.sched_getaffinity(0))`` where the OS has it (Linux), else ``os.cpu_count()``
    (1 if unknown).  It is the default size of the local Dask cluster of :func:`sweep`, so a
    job limited to some cores by a batch system or ``taskset`` starts no more workers than
    it may use.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    Nothing
        Falls back to ``os.cpu_count()``, then to 1.

    Examples
    --------
    >>> import os
    >>> n = default_workers()
    >>> isinstance(n, int) and 1 <= n <= (os.cpu_count() or n)
    True
    """
    with contextlib.suppress(AttributeError):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextlib.contextmanager
def _client(client: Client | None, scheduler: str | None,
            workers: int | None) -> Iterator[Client]:
    """The client to run on: the one given, one connected to ``scheduler``, or a new local
    cluster of ``workers`` processes (closed on exit)."""
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if scheduler is not None:
        try:
            remote = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError(
                f"cannot connect to the Dask scheduler at {scheduler!r} ({exc}); start one "
                "(`dask scheduler` and `dask worker ADDRESS`) or leave out the address to "
                "run on a local cluster"
            ) from None
        with remote:
            yield remote
        return
    with LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                      processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as local:
        local.run(_ignore_interrupts)
        yield local


def _ignore_interrupts() -> None:
    """In a local worker process: ignore SIGINT.  A terminal's Ctrl-C reaches the whole
    process group; the sweep's own process stops the cluster, and its workers need not die
    with a traceback each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _threads(client: Client) -> int:
    return max(1, sum(client.nthreads().values()))


def _chunks(instances: Sequence[Instance], size: int) -> list[list[Instance]]:
    return [list(instances[i:i + size]) for i in range(0, len(instances), size)]


def auto_chunk_size(count: int, threads: int) -> int:
    """Instances per task: about :data:`TASKS_PER_WORKER` tasks per thread, at most
    :data:`MAX_CHUNK` instances each.

    >>> auto_chunk_size(1000, 2), auto_chunk_size(10, 2), auto_chunk_size(0, 2)
    (32, 1, 1)
    """
    return max(1, min(MAX_CHUNK, math.ceil(count / (TASKS_PER_WORKER * threads))))


class _Sink:
    """Where finished rows go: a :class:`ResultStore` (with checkpoints) or memory."""

    def __init__(self, store: ResultStore | None, checkpoint: float) -> None:
        self.store, self.checkpoint = store, checkpoint
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        self._last = time.monotonic()

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.count += len(rows)
        if self.store is None:
            self.rows.extend(rows)
            return
        self.store.append(rows)
        if time.monotonic() - self._last >= self.checkpoint:
            self.store.consolidate()
            self._last = time.monotonic()

    def table(self) -> pd.DataFrame:
        """Everything finished: the store consolidated, or the rows in memory."""
        from dlnsym.sweep.store import to_frame

        if self.store is not None:
            return self.store.consolidate()
        return to_frame(self.rows)


def _run(client: Client, chunks: list[list[Instance]], sink: _Sink, progress: bool) -> None:
    """Submit the chunks, store their rows as they finish; cancel the rest on Ctrl-C."""
    from distributed import as_completed

    from dlnsym.progress import progress_bar

    futures = client.map(run_chunk, chunks, pure=False)
    owner = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
    bar = progress_bar(sum(map(len, chunks)), quiet=not progress, unit="instance")
    try:
        for future in as_completed(futures):
            try:
                rows = future.result()
            except CancelledError:  # someone else cancelled it: not run, so not stored
                continue
            except Exception as exc:  # noqa: BLE001 — a failed task is error rows, not the end
                rows = failed_rows(owner[future.key], f"task failed: {type(exc).__name__}: {exc}")
            sink.add(rows)
            bar.update(len(rows))
    finally:
        bar.close()
        client.cancel(futures)


def sweep(
    spec: SweepSpec | dict[str, Any] | str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    checkpoint: float = 30.0,
    csv: bool = False,
    progress: bool = True,
) -> pd.DataFrame:
    """Run every instance of a sweep specification on Dask; one row per instance.

    Parameters
    ----------
    spec : SweepSpec, dict, or path of a TOML file
        See :mod:`dlnsym.sweep.spec`.
    out : path, optional
        The results file (``.parquet`` or ``.csv``).  Rows are stored as they finish (see
        :mod:`dlnsym.sweep.store`), and the instances already in ``out`` are not run again.
        ``None``: keep the rows in memory only.
    client : distributed.Client, optional
        Run on this client (left open).  Default: a client of ``scheduler``, or of a new
        :class:`~distributed.LocalCluster` of ``workers`` processes, closed at the end.
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    workers : int, optional
        Size of the local cluster (default: one worker per core, :func:`default_workers`).
    chunk_size : int, optional
        Instances per Dask task (default :func:`auto_chunk_size`).
    checkpoint : float
        Seconds between consolidations of the finished rows into ``out``.
    csv : bool
        Also write a CSV copy of the table beside a Parquet ``out`` (same name, ``.csv``).
    progress : bool
        A progress bar on stderr (drawn only when stderr is a terminal).

    Returns
    -------
    pandas.DataFrame
        The rows of the specification's instances, in the order of
        :meth:`SweepSpec.instances` (columns :data:`dlnsym.sweep.store.COLUMNS`).
        ``attrs["computed"]`` is how many ran now, ``attrs["reused"]`` how many were in
        ``out`` already.

    Raises
    ------
    ParameterError
        An invalid specification, ``out`` not writable or of an unknown extension, more than
        one of ``client``/``scheduler``/``workers``, a bad ``chunk_size``/``checkpoint``, or
        no scheduler at ``scheduler``.
    KeyboardInterrupt
        After Ctrl-C, once the finished rows are stored.

    Examples
    --------
    >>> import dlnsym
    >>> from distributed import Client
    >>> with Client(processes=False, n_workers=1, threads_per_worker=1,
    ...             dashboard_address=":0") as client:
    ...     table = dlnsym.sweep({"family": "sparse", "trials": 3,
    ...                           "grid": {"d": 30, "n": 15, "k": [1, 10]}},
    ...                          client=client, progress=False)
    >>> len(table), set(table["status"])
    (6, {'ok'})
    >>> bool(table[table["k"] == 1]["recovered"].all())     # 1-sparse: always recovered
    True
    """
    from dlnsym.sweep.store import ResultStore, write_table

    spec = load_spec(spec)
    _check_options(client, scheduler, workers, chunk_size, checkpoint)
    store = None if out is None else ResultStore(Path(out))
    if store is not None:
        store.check_writable()
        if csv and store.path.suffix.lower() == ".csv":
            raise ParameterError("csv=True writes a CSV copy beside a Parquet file; --out is "
                                 "a CSV file already")
    instances = spec.instances()
    finished = set() if store is None else store.finished()
    pending = [i for i in instances if i.key not in finished]
    sink = _Sink(store, checkpoint)
    try:
        if pending:
            with _client(client, scheduler, workers) as running:
                size = chunk_size or auto_chunk_size(len(pending), _threads(running))
                _run(running, _chunks(pending, size), sink, progress)
    finally:
        table = sink.table()
        if csv and store is not None:
            write_table(table, store.path.with_suffix(".csv"))
    order = {i.key: pos for pos, i in enumerate(instances)}
    mine = table[table["instance"].isin(order)]
    mine = mine.iloc[mine["instance"].map(order).argsort()].reset_index(drop=True)
    mine.attrs = {"computed": sink.count, "reused": len(instances) - len(pending)}
    return mine


def _check_options(client: Any, scheduler: Any, workers: Any, chunk_size: Any,
                   checkpoint: Any) -> None:
    given = [name for name, value in (("client", client), ("scheduler", scheduler),
                                      ("workers", workers)) if value is not None]
    if len(given) > 1:
        raise ParameterError(f"sweep: give at most one of client, scheduler and workers, got "
                             f"{' and '.join(given)}")
    for name, value in (("workers", workers), ("chunk_size", chunk_size)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 1):
            raise ParameterError(f"sweep: {name} must be a positive integer, got {value!r}")
    if scheduler is not None and not isinstance(scheduler, str):
        raise ParameterError(f"sweep: scheduler must be an address such as "
                             f"'tcp://host:8786', got {scheduler!r}")
    if isinstance(checkpoint, bool) or not isinstance(checkpoint, int | float) or not (
            checkpoint >= 0):
        raise ParameterError(f"sweep: checkpoint must be a number of seconds ≥ 0, got "
                             f"{checkpoint!r}")
