"""`python -m cld`: the command line."""

from cld.cli import main

main()
