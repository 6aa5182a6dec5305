import sys

from dlnsym.cli import main

sys.exit(main())
