"""``python -m dlnsym``: the ``dlnsym`` command line, :func:`dlnsym.cli.main`."""

import sys

from dlnsym.cli import main

# Guarded: worker processes started with the "spawn" method (Dask's LocalCluster of
# ``dlnsym sweep``) import the parent's main module and must not run the command again.
if __name__ == "__main__":
    sys.exit(main())
