"""``dlnsym sweep``: many saddle paths over an instance family on Dask, and phase diagrams."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from dlnsym.errors import ParameterError

from ._common import add_quiet_argument, check_figure_file, check_output_file, positive_int
from ._runs import Interrupted
from ._tables import plural

if TYPE_CHECKING:
    import pandas as pd


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="run Algorithm 1 (and simulations) over a grid of random instances on Dask",
        description="Run every instance of the sweep specification SPEC.toml (family, grid, "
                    "trials, seed, what to run) on a Dask cluster — a local one sized to the "
                    "machine by default — and store one row per instance in --out (Parquet, "
                    "or CSV by extension), as the instances finish.  A rerun with the same "
                    "--out runs only the instances missing from it.  Without SPEC, --plot "
                    "draws the phase diagram of an existing --out.",
    )
    parser.add_argument("spec", nargs="?", metavar="SPEC.toml",
                        help="the sweep specification (see the user guide, 'Sweeps')")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="results table: .parquet (or .csv)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                            "(default: a local cluster)")
    where.add_argument("--workers", type=positive_int, metavar="K",
                       help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--chunk-size", type=positive_int, metavar="N",
                        help="instances per Dask task (default: about 8 tasks per worker, "
                             "at most 32 instances each)")
    parser.add_argument("--csv", action="store_true",
                        help="also write the table as CSV beside the Parquet file")
    parser.add_argument("--plot", metavar="FILE",
                        help="draw the phase diagram (recovery probability and saddle counts "
                             "over n/d and k/n) to FILE: .png, .pdf or .svg")
    add_quiet_argument(parser)
    parser.set_defaults(func=run)


def _summary(table: pd.DataFrame) -> str:
    counts = table["status"].value_counts()
    statuses = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in ("ok", "degenerate", "error"))
    return (f"{plural(len(table), 'instance')} ({table.attrs['computed']} run now, "
            f"{table.attrs['reused']} already stored): {statuses}")


def run(args: argparse.Namespace) -> int:
    from dlnsym.plotting import plot_phase_diagram
    from dlnsym.sweep import load_spec, sweep
    from dlnsym.sweep.store import ResultStore

    if args.plot is not None:
        check_figure_file(args.plot)
    if args.spec is None:
        if args.plot is None:
            raise ParameterError("give SPEC.toml to run a sweep, or --plot FILE to draw the "
                                 "phase diagram of an existing --out")
        plot_phase_diagram(args.out, args.plot)
        print(f"wrote {args.plot}")
        return 0
    check_output_file(args.out, "the results")
    spec = load_spec(args.spec)
    try:
        table = sweep(spec, args.out, scheduler=args.scheduler, workers=args.workers,
                      chunk_size=args.chunk_size, csv=args.csv, progress=not args.quiet)
    except KeyboardInterrupt:
        stored = len(ResultStore(Path(args.out)).load())
        raise Interrupted("during the sweep", f"{stored} finished rows kept in {args.out}; "
                          "run the same command again to do the rest") from None
    print(f"{args.out}: {_summary(table)}")
    if args.plot is not None:
        plot_phase_diagram(table, args.plot)
        print(f"wrote {args.plot}")
    return 0
