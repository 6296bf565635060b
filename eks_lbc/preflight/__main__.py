"""``python -m eks_lbc.preflight``: the same as ``eks-lbc preflight``."""

import sys

from eks_lbc.preflight.cli import main

if __name__ == "__main__":
    sys.exit(main(["preflight", *sys.argv[1:]]))
