"""`python -m lessons check [CONTENT_DIR]`."""

import sys

from lessons.cli import main

sys.exit(main())
