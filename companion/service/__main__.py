"""``python -m companion.service``: run the model process on stdin/stdout."""

import sys

from companion.service.server import main

sys.exit(main())
