"""cdktf app entry point: `python main.py` (or `cdktf synth`) synthesizes one stack per configured cluster."""

import sys
from pathlib import Path

from eks_lbc.app import main

if __name__ == "__main__":
    sys.exit(main(Path(__file__).resolve().parent))
