"""`python -m cld.cli`: the command line."""

from cld.cli import main

main()
