"""``python -m engine.cli ...`` (and ``torchrun -m engine.cli train ...``): the command line without the GUI."""
import sys

from engine.cli import main

sys.exit(main())
