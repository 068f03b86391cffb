"""``python -m causal_course``: the same as the ``causal-course`` command."""

import sys

from causal_course.cli import main

sys.exit(main())
