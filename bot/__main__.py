"""`python -m bot`: the `huddlebot` command, for when its script is not on the PATH."""

import sys

from bot.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
