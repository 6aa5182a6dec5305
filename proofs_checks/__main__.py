"""``python -m proofs_checks``: run every check (see :mod:`proofs_checks.cli`)."""

import sys

from .cli import main

sys.exit(main())
