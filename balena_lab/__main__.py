"""``python -m balena_lab`` is the ``balena-lab`` command."""

import sys

from .cli import main

sys.exit(main())
